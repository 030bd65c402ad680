//! Rooms and memberships (R1–R6): create, find or start a direct room, rename, convert or
//! change members, delete, the bell, and reading.

use campfire_domain::{
    Action, DirectRoomKey, Involvement, Membership, Room, RoomKind, RoomName, RoomTopic,
    UnreadCount, User, UserId, authorize,
};

use super::{App, AppError, AppResult, actor};
use crate::{NewRoom, RoomMembers, StoreError};

/// What a room update asks for; `None` leaves that part as it is.
#[derive(Debug, Clone, Default)]
pub struct RoomChanges {
    /// A new name.
    pub name: Option<RoomName>,
    /// Open or closed.
    pub kind: Option<RoomKind>,
    /// A closed room's members.
    pub members: Option<Vec<UserId>>,
}

/// The most people a direct room holds.
pub const MAX_DIRECT_PEOPLE: usize = 50;

impl App {
    /// R1: `creator` opens a shared room: open to everyone, or closed to the chosen members.
    pub async fn create_room(
        &self,
        creator: &User,
        name: RoomName,
        members: RoomMembers,
    ) -> AppResult<Room> {
        let account = self
            .store
            .account()
            .await?
            .ok_or(StoreError::NotFound("account"))?;
        authorize(
            &actor(creator),
            &Action::CreateRoom {
                only_admins_create_rooms: account.only_admins_create_rooms,
            },
        )?;
        let room = self
            .store
            .create_room(NewRoom {
                name,
                members,
                creator: creator.id,
                at: self.now(),
            })
            .await?;
        self.live.nudge();
        Ok(room)
    }

    /// R1: the direct room of `user` and `others`, started if they have none. `true` when new.
    pub async fn direct_room(&self, user: &User, others: &[UserId]) -> AppResult<(Room, bool)> {
        authorize(&actor(user), &Action::CreateDirectRoom)?;
        if others.len() > MAX_DIRECT_PEOPLE {
            return Err(AppError::Refused("a direct room has at most 50 people"));
        }
        let key = DirectRoomKey::new(others.iter().copied().chain([user.id]))?;
        let (room, new) = self
            .store
            .find_or_create_direct_room(user.id, key, self.now())
            .await?;
        if new {
            self.live.nudge();
        }
        Ok((room, new))
    }

    /// R5/R6: renames a room, converts it between open and closed, or changes a closed room's
    /// members: each part held to its own rule of the policy.
    pub async fn update_room(
        &self,
        user: &User,
        room: &Room,
        changes: RoomChanges,
    ) -> AppResult<Room> {
        let (_, facts) = self.room_for(user, room.id).await?;
        let mut room = room.clone();
        if let Some(name) = changes.name {
            authorize(&actor(user), &Action::RenameRoom(facts))?;
            room = self.store.rename_room(room.id, name, self.now()).await?;
        }

        if changes.kind.is_some() || changes.members.is_some() {
            let target = changes.kind.unwrap_or(room.kind);
            let action = if target != room.kind {
                Action::ConvertRoom(facts)
            } else {
                Action::ChangeMembers(facts)
            };
            authorize(&actor(user), &action)?;
            let members = match target {
                RoomKind::Open => RoomMembers::Everyone,
                _ => RoomMembers::Only(match changes.members {
                    Some(people) => people,
                    None => self
                        .store
                        .members(room.id)
                        .await?
                        .iter()
                        .map(|m| m.user)
                        .collect(),
                }),
            };
            room = self
                .store
                .convert_room(room.id, members, self.now())
                .await?;
        }
        self.live.nudge();
        Ok(room)
    }

    /// X7: sets (or with `None` clears) what `room` is for.
    pub async fn set_topic(
        &self,
        user: &User,
        room: &Room,
        topic: Option<RoomTopic>,
    ) -> AppResult<Room> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::SetTopic(facts))?;
        let room = self.store.set_topic(room.id, topic, self.now()).await?;
        self.live.nudge();
        Ok(room)
    }

    /// X7: `user` leaves a closed room; it is gone from every device of theirs.
    pub async fn leave_room(&self, user: &User, room: &Room) -> AppResult<()> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::LeaveRoom(facts))?;
        self.store.leave_room(room.id, user.id, self.now()).await?;
        self.live.nudge();
        Ok(())
    }

    /// X7: the directory: every open room, with `user`'s membership of it (hidden ones are
    /// those they follow as invisible, R3).
    pub async fn open_rooms(&self, user: &User) -> AppResult<Vec<(Room, Option<Membership>)>> {
        let mut mine: std::collections::HashMap<campfire_domain::RoomId, Membership> = self
            .store
            .memberships_of(user.id)
            .await?
            .into_iter()
            .map(|m| (m.room, m))
            .collect();
        Ok(self
            .store
            .rooms()
            .await?
            .into_iter()
            .filter(|r| r.kind == RoomKind::Open)
            .map(|r| {
                let membership = mine.remove(&r.id);
                (r, membership)
            })
            .collect())
    }

    /// R6: deletes a room and everything in it.
    pub async fn delete_room(&self, user: &User, room: &Room) -> AppResult<()> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::DeleteRoom(facts))?;
        self.store.delete_room(room.id, self.now()).await?;
        self.live.nudge();
        Ok(())
    }

    /// R3: the bell: how closely `user` follows `room`.
    pub async fn set_involvement(
        &self,
        user: &User,
        room: &Room,
        level: Involvement,
    ) -> AppResult<()> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::SetInvolvement(facts))?;
        self.store
            .set_involvement(room.id, user.id, level, self.now())
            .await?;
        self.live.nudge();
        Ok(())
    }

    /// R4: `user` has read `room`, on every device of theirs.
    pub async fn mark_read(&self, user: &User, room: &Room) -> AppResult<()> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::ReadRoom(facts))?;
        self.store.mark_read(room.id, user.id, self.now()).await?;
        self.live.nudge();
        Ok(())
    }

    /// X7: `user` marks `room` unread from `message` on, on every device of theirs.
    pub async fn mark_unread(
        &self,
        user: &User,
        room: &Room,
        message: campfire_domain::MessageId,
    ) -> AppResult<()> {
        let (_, facts) = self.room_for(user, room.id).await?;
        authorize(&actor(user), &Action::ReadRoom(facts))?;
        let message = self.store.message(message).await?;
        if message.room != room.id {
            return Err(StoreError::NotFound("message").into());
        }
        self.store
            .mark_unread(room.id, user.id, message.id, message.created_at, self.now())
            .await?;
        self.live.nudge();
        Ok(())
    }

    /// X7: how much of each of `user`'s rooms they have not read.
    pub async fn unread_counts(&self, user: &User) -> AppResult<Vec<UnreadCount>> {
        Ok(self.store.unread_counts(user.id).await?)
    }
}
