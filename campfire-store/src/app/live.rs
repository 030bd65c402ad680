//! What the use cases need from live delivery, as a port: the server's hub answers it; a process
//! without one (campfire-cli) uses [`Offline`], and the server learns of its writes from the log.

use async_trait::async_trait;
use campfire_domain::{RoomId, SessionId, UserId};

use crate::{Store, StoreError};

/// A room's members and where their clients are, at the moment of a post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomPresence {
    /// Whether the user who asked is a member.
    pub asker_is_member: bool,
    /// Users with a client showing the room: a message does not make it unread for them (R4).
    pub looking: Vec<UserId>,
    /// Members with any live connection: their open app shows a message, so no push (N1).
    pub connected: Vec<UserId>,
    /// Every member of the room, sorted (when asked for).
    pub members: Vec<UserId>,
}

/// Live delivery, as the use cases see it.
#[async_trait]
pub trait Live: Send + Sync {
    /// Who of the room's members look at it and who are connected, whether `asker` is a member,
    /// and (if `members`) every member; `None` once live delivery has stopped (the server is
    /// shutting down), when the use cases fall back to the store's membership.
    async fn presence(
        &self,
        room: RoomId,
        asker: UserId,
        members: bool,
    ) -> Result<Option<RoomPresence>, StoreError>;

    /// Something was committed: deliver the log's new events now rather than at the next poll.
    fn nudge(&self);

    /// Closes the live connections of a session that was ended.
    fn end_session(&self, session: SessionId);
}

/// No live clients in this process: members come from the store, nobody is connected, and a
/// running server finds the writes by polling the log.
pub struct Offline(pub std::sync::Arc<dyn Store>);

#[async_trait]
impl Live for Offline {
    async fn presence(
        &self,
        room: RoomId,
        asker: UserId,
        _: bool,
    ) -> Result<Option<RoomPresence>, StoreError> {
        stored_presence(self.0.as_ref(), room, asker)
            .await
            .map(Some)
    }

    fn nudge(&self) {}

    fn end_session(&self, _: SessionId) {}
}

/// A room's presence as the store alone knows it: its members, none of them connected.
pub(super) async fn stored_presence(
    store: &dyn Store,
    room: RoomId,
    asker: UserId,
) -> Result<RoomPresence, StoreError> {
    let mut members: Vec<UserId> = store.members(room).await?.iter().map(|m| m.user).collect();
    members.sort_unstable();
    Ok(RoomPresence {
        asker_is_member: members.binary_search(&asker).is_ok(),
        members,
        ..RoomPresence::default()
    })
}
