//! The kinds of event in the sequenced log (architecture.md, "one sequenced event log").
//!
//! Every change a client must learn about is written as an event in the same transaction as the
//! change. An event names what changed by id; clients and the server load details as needed.

use crate::{BoostId, EventSeq, MessageId, RoomId, Timestamp, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A message was posted.
    MessageCreated {
        /// Where.
        room: RoomId,
        /// Which.
        message: MessageId,
    },
    /// A message was edited.
    MessageEdited {
        /// Where.
        room: RoomId,
        /// Which.
        message: MessageId,
    },
    /// A message was deleted.
    MessageDeleted {
        /// Where.
        room: RoomId,
        /// Which.
        message: MessageId,
    },
    /// A boost was added to a message.
    BoostAdded {
        /// Where.
        room: RoomId,
        /// The boosted message.
        message: MessageId,
        /// The boost.
        boost: BoostId,
    },
    /// A boost was removed.
    BoostRemoved {
        /// Where.
        room: RoomId,
        /// The boosted message.
        message: MessageId,
        /// The boost.
        boost: BoostId,
    },
    /// A room was created.
    RoomCreated {
        /// Which.
        room: RoomId,
    },
    /// A room was renamed.
    RoomRenamed {
        /// Which.
        room: RoomId,
    },
    /// A room was converted between open and closed.
    RoomConverted {
        /// Which.
        room: RoomId,
    },
    /// A room and its messages were deleted.
    RoomDeleted {
        /// Which.
        room: RoomId,
    },
    /// A user became a member of a room.
    MembershipAdded {
        /// Which room.
        room: RoomId,
        /// Who.
        user: UserId,
    },
    /// A user stopped being a member of a room.
    MembershipRemoved {
        /// Which room.
        room: RoomId,
        /// Who.
        user: UserId,
    },
    /// A member changed how closely they follow a room.
    InvolvementChanged {
        /// Which room.
        room: RoomId,
        /// Who.
        user: UserId,
    },
    /// A member read a room (clears unread on every device of theirs).
    RoomRead {
        /// Which room.
        room: RoomId,
        /// Who.
        user: UserId,
    },
    /// A member marked a room unread from one of its messages (X7): on every device of theirs,
    /// the room is unread from that message on.
    RoomMarkedUnread {
        /// Which room.
        room: RoomId,
        /// Who.
        user: UserId,
        /// The first message that is unread again.
        message: MessageId,
    },
    /// A person saved a message for later (X7); only they hear of it.
    BookmarkAdded {
        /// Who.
        user: UserId,
        /// The saved message.
        message: MessageId,
    },
    /// A person removed a message from their saved ones.
    BookmarkRemoved {
        /// Who.
        user: UserId,
        /// The message.
        message: MessageId,
    },
    /// A user joined the account.
    UserJoined {
        /// Who.
        user: UserId,
    },
    /// A user's name, bio, role or avatar changed.
    UserUpdated {
        /// Who.
        user: UserId,
    },
    /// A user was deactivated or banned.
    UserDeactivated {
        /// Who.
        user: UserId,
    },
    /// The account's name, settings or join code changed.
    AccountUpdated,
}

/// An event as read from the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Its position in the log.
    pub seq: EventSeq,
    /// What happened.
    pub kind: EventKind,
    /// When it was committed.
    pub at: Timestamp,
}

/// The columns an event is stored as: its name and the ids it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventParts {
    /// The kind's stored name.
    pub name: &'static str,
    /// The room it concerns, if any (drives visibility).
    pub room: Option<RoomId>,
    /// The user it concerns, if any.
    pub user: Option<UserId>,
    /// The message it concerns, if any.
    pub message: Option<MessageId>,
    /// The boost it concerns, if any.
    pub boost: Option<BoostId>,
}

impl EventKind {
    /// The room this event concerns, if any. Only those who could see the room at the time of the
    /// event may receive it.
    pub fn room(&self) -> Option<RoomId> {
        self.parts().room
    }

    /// Splits the event into its stored columns.
    pub fn parts(&self) -> EventParts {
        use EventKind::*;
        let p = |name| EventParts {
            name,
            ..EventParts::default()
        };
        match *self {
            MessageCreated { room, message } => EventParts {
                room: Some(room),
                message: Some(message),
                ..p("message_created")
            },
            MessageEdited { room, message } => EventParts {
                room: Some(room),
                message: Some(message),
                ..p("message_edited")
            },
            MessageDeleted { room, message } => EventParts {
                room: Some(room),
                message: Some(message),
                ..p("message_deleted")
            },
            BoostAdded {
                room,
                message,
                boost,
            } => EventParts {
                room: Some(room),
                message: Some(message),
                boost: Some(boost),
                ..p("boost_added")
            },
            BoostRemoved {
                room,
                message,
                boost,
            } => EventParts {
                room: Some(room),
                message: Some(message),
                boost: Some(boost),
                ..p("boost_removed")
            },
            RoomCreated { room } => EventParts {
                room: Some(room),
                ..p("room_created")
            },
            RoomRenamed { room } => EventParts {
                room: Some(room),
                ..p("room_renamed")
            },
            RoomConverted { room } => EventParts {
                room: Some(room),
                ..p("room_converted")
            },
            RoomDeleted { room } => EventParts {
                room: Some(room),
                ..p("room_deleted")
            },
            MembershipAdded { room, user } => EventParts {
                room: Some(room),
                user: Some(user),
                ..p("membership_added")
            },
            MembershipRemoved { room, user } => EventParts {
                room: Some(room),
                user: Some(user),
                ..p("membership_removed")
            },
            InvolvementChanged { room, user } => EventParts {
                room: Some(room),
                user: Some(user),
                ..p("involvement_changed")
            },
            RoomRead { room, user } => EventParts {
                room: Some(room),
                user: Some(user),
                ..p("room_read")
            },
            RoomMarkedUnread {
                room,
                user,
                message,
            } => EventParts {
                room: Some(room),
                user: Some(user),
                message: Some(message),
                ..p("room_marked_unread")
            },
            BookmarkAdded { user, message } => EventParts {
                user: Some(user),
                message: Some(message),
                ..p("bookmark_added")
            },
            BookmarkRemoved { user, message } => EventParts {
                user: Some(user),
                message: Some(message),
                ..p("bookmark_removed")
            },
            UserJoined { user } => EventParts {
                user: Some(user),
                ..p("user_joined")
            },
            UserUpdated { user } => EventParts {
                user: Some(user),
                ..p("user_updated")
            },
            UserDeactivated { user } => EventParts {
                user: Some(user),
                ..p("user_deactivated")
            },
            AccountUpdated => p("account_updated"),
        }
    }

    /// Rebuilds an event from its stored columns; `None` if they do not fit together.
    pub fn from_parts(
        name: &str,
        room: Option<RoomId>,
        user: Option<UserId>,
        message: Option<MessageId>,
        boost: Option<BoostId>,
    ) -> Option<EventKind> {
        use EventKind::*;
        let kind = match name {
            "message_created" => MessageCreated {
                room: room?,
                message: message?,
            },
            "message_edited" => MessageEdited {
                room: room?,
                message: message?,
            },
            "message_deleted" => MessageDeleted {
                room: room?,
                message: message?,
            },
            "boost_added" => BoostAdded {
                room: room?,
                message: message?,
                boost: boost?,
            },
            "boost_removed" => BoostRemoved {
                room: room?,
                message: message?,
                boost: boost?,
            },
            "room_created" => RoomCreated { room: room? },
            "room_renamed" => RoomRenamed { room: room? },
            "room_converted" => RoomConverted { room: room? },
            "room_deleted" => RoomDeleted { room: room? },
            "membership_added" => MembershipAdded {
                room: room?,
                user: user?,
            },
            "membership_removed" => MembershipRemoved {
                room: room?,
                user: user?,
            },
            "involvement_changed" => InvolvementChanged {
                room: room?,
                user: user?,
            },
            "room_read" => RoomRead {
                room: room?,
                user: user?,
            },
            "room_marked_unread" => RoomMarkedUnread {
                room: room?,
                user: user?,
                message: message?,
            },
            "bookmark_added" => BookmarkAdded {
                user: user?,
                message: message?,
            },
            "bookmark_removed" => BookmarkRemoved {
                user: user?,
                message: message?,
            },
            "user_joined" => UserJoined { user: user? },
            "user_updated" => UserUpdated { user: user? },
            "user_deactivated" => UserDeactivated { user: user? },
            "account_updated" => AccountUpdated,
            _ => return None,
        };
        // Extra columns mean the row was not written by `parts`.
        (kind.parts()
            == EventParts {
                name: kind.parts().name,
                room,
                user,
                message,
                boost,
            })
        .then_some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_columns() {
        let (r, u, m, b) = (RoomId(1), UserId(2), MessageId(3), BoostId(4));
        let all = [
            EventKind::MessageCreated {
                room: r,
                message: m,
            },
            EventKind::MessageEdited {
                room: r,
                message: m,
            },
            EventKind::MessageDeleted {
                room: r,
                message: m,
            },
            EventKind::BoostAdded {
                room: r,
                message: m,
                boost: b,
            },
            EventKind::BoostRemoved {
                room: r,
                message: m,
                boost: b,
            },
            EventKind::RoomCreated { room: r },
            EventKind::RoomRenamed { room: r },
            EventKind::RoomConverted { room: r },
            EventKind::RoomDeleted { room: r },
            EventKind::MembershipAdded { room: r, user: u },
            EventKind::MembershipRemoved { room: r, user: u },
            EventKind::InvolvementChanged { room: r, user: u },
            EventKind::RoomRead { room: r, user: u },
            EventKind::RoomMarkedUnread {
                room: r,
                user: u,
                message: m,
            },
            EventKind::BookmarkAdded {
                user: u,
                message: m,
            },
            EventKind::BookmarkRemoved {
                user: u,
                message: m,
            },
            EventKind::UserJoined { user: u },
            EventKind::UserUpdated { user: u },
            EventKind::UserDeactivated { user: u },
            EventKind::AccountUpdated,
        ];
        let mut names = std::collections::HashSet::new();
        for kind in all {
            let p = kind.parts();
            assert!(names.insert(p.name), "duplicate name {}", p.name);
            assert_eq!(
                EventKind::from_parts(p.name, p.room, p.user, p.message, p.boost),
                Some(kind)
            );
        }
        assert_eq!(
            EventKind::from_parts("room_created", None, None, None, None),
            None
        );
        assert_eq!(
            EventKind::from_parts("account_updated", Some(r), None, None, None),
            None
        );
        assert_eq!(EventKind::from_parts("nope", None, None, None, None), None);
    }
}
