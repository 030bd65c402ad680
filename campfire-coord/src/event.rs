//! What the driver hands the hub after a commit: one event of the sequenced log, who may see it,
//! and how it changes room membership.

/// Who may see an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience<U, R> {
    /// Every live connection.
    Everyone,
    /// Every live connection of this user.
    User(U),
    /// Every live connection of a user who is a member of this room when the event is delivered.
    Room(R),
}

/// How an event changes room membership. The hub applies it around delivery, so that a member
/// sees exactly the events published while they belong to the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<U, R> {
    /// Membership is unchanged.
    None,
    /// `user` becomes a member of `room` *before* delivery: the new member receives this event.
    Joined {
        /// The room joined.
        room: R,
        /// The new member.
        user: U,
    },
    /// `user` stops being a member of `room` *after* delivery: they receive this event, then
    /// nothing more of the room.
    Left {
        /// The room left.
        room: R,
        /// The former member.
        user: U,
    },
    /// The room is deleted *after* delivery: its members receive this event, then nothing more.
    RoomGone(R),
    /// The user is gone (deactivated, banned) *after* delivery: every connection of theirs is
    /// closed with [`CloseReason::Revoked`](crate::CloseReason::Revoked) and they leave every room.
    UserGone(U),
}

/// One committed event of the log, as the driver publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published<U, R, P> {
    /// The event's sequence number; it increases in commit order.
    pub seq: u64,
    /// Who may see the event.
    pub audience: Audience<U, R>,
    /// How the event changes membership.
    pub change: Change<U, R>,
    /// The encoded event, shared by every connection it is sent to (for example `Arc<[u8]>`).
    pub payload: P,
}
