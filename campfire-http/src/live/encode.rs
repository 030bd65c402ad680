//! Turning a log event into what the hub needs: who may see it, what it changes about
//! membership, and its JSON frame, encoded once.

use axum::extract::ws::Utf8Bytes;
use campfire_coord::{Audience, Change, Published};
use campfire_domain::{Event, EventKind, EventSeq, MessageId, RoomId, UserId};
use campfire_store::{Store, StoreError};

use crate::wire::{
    AccountJson, BoostJson, EventJson, MessageJson, RoomInfoJson, ServerFrame, UserJson,
};

/// An event ready for the hub.
pub type Ready = Published<UserId, RoomId, Utf8Bytes>;

/// Who sees an event and how it changes membership (the rules of docs/api.md).
pub fn route(kind: &EventKind) -> (Audience<UserId, RoomId>, Change<UserId, RoomId>) {
    use EventKind::*;
    match *kind {
        MessageCreated { room, .. }
        | MessageEdited { room, .. }
        | MessageDeleted { room, .. }
        | BoostAdded { room, .. }
        | BoostRemoved { room, .. }
        | RoomCreated { room }
        | RoomRenamed { room }
        | RoomConverted { room } => (Audience::Room(room), Change::None),
        RoomDeleted { room } => (Audience::Room(room), Change::RoomGone(room)),
        MembershipAdded { room, user } => (Audience::Room(room), Change::Joined { room, user }),
        MembershipRemoved { room, user } => (Audience::Room(room), Change::Left { room, user }),
        InvolvementChanged { user, .. }
        | RoomRead { user, .. }
        | RoomMarkedUnread { user, .. }
        | BookmarkAdded { user, .. }
        | BookmarkRemoved { user, .. } => (Audience::User(user), Change::None),
        UserDeactivated { user } => (Audience::Everyone, Change::UserGone(user)),
        UserJoined { .. } | UserUpdated { .. } | AccountUpdated => {
            (Audience::Everyone, Change::None)
        }
    }
}

/// Loads what the event refers to and encodes its frame. Things deleted since are `null`:
/// a later event says they are gone.
pub async fn encode(store: &dyn Store, event: &Event) -> Result<Ready, StoreError> {
    let frame = ServerFrame::Event {
        seq: event.seq.0,
        event: Box::new(payload(store, event).await?),
    };
    let json = serde_json::to_string(&frame).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let (audience, change) = route(&event.kind);
    Ok(Published {
        seq: u64::try_from(event.seq.0).unwrap_or(0),
        audience,
        change,
        payload: Utf8Bytes::from(json),
    })
}

/// Encodes a run of events in log order, reading the messages they carry in two batched queries
/// instead of two per event: the replay window at start (10,000 events) and the driver's log
/// reads under load. Same frames as [`encode`].
pub async fn encode_batch(store: &dyn Store, events: &[Event]) -> Result<Vec<Ready>, StoreError> {
    let ids: Vec<MessageId> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MessageCreated { message, .. }
            | EventKind::MessageEdited { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    if ids.len() < 2 {
        let mut ready = Vec::with_capacity(events.len());
        for event in events {
            ready.push(encode(store, event).await?);
        }
        return Ok(ready);
    }
    let messages: std::collections::HashMap<MessageId, campfire_domain::Message> = store
        .messages_by_ids(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let boosts = store.boosts_of(&ids).await?;
    let mut ready = Vec::with_capacity(events.len());
    for event in events {
        let json = match event.kind {
            EventKind::MessageCreated { room, message } => EventJson::MessageCreated {
                room_id: room.0,
                message_id: message.0,
                message: messages.get(&message).map(|m| MessageJson::new(m, &boosts)),
            },
            EventKind::MessageEdited { room, message } => EventJson::MessageEdited {
                room_id: room.0,
                message_id: message.0,
                message: messages.get(&message).map(|m| MessageJson::new(m, &boosts)),
            },
            _ => {
                ready.push(encode(store, event).await?);
                continue;
            }
        };
        let frame = ServerFrame::Event {
            seq: event.seq.0,
            event: Box::new(json),
        };
        let text = serde_json::to_string(&frame).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (audience, change) = route(&event.kind);
        ready.push(Published {
            seq: u64::try_from(event.seq.0).unwrap_or(0),
            audience,
            change,
            payload: Utf8Bytes::from(text),
        });
    }
    Ok(ready)
}

/// `Ok(None)` for a thing that no longer exists.
fn gone<T>(result: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn message(store: &dyn Store, id: MessageId) -> Result<Option<MessageJson>, StoreError> {
    Ok(match gone(store.message(id).await)? {
        Some(m) => Some(MessageJson::new(&m, &store.boosts_of(&[id]).await?)),
        None => None,
    })
}

async fn room(store: &dyn Store, id: RoomId) -> Result<Option<RoomInfoJson>, StoreError> {
    Ok(match gone(store.room(id).await)? {
        Some(r) => Some(RoomInfoJson::new(&r, &store.members(id).await?)),
        None => None,
    })
}

async fn user(store: &dyn Store, id: UserId) -> Result<Option<UserJson>, StoreError> {
    Ok(gone(store.user(id).await)?.map(|u| UserJson::new(&u, false)))
}

async fn payload(store: &dyn Store, event: &Event) -> Result<EventJson, StoreError> {
    use EventKind as K;
    Ok(match event.kind {
        K::MessageCreated {
            room: r,
            message: m,
        } => EventJson::MessageCreated {
            room_id: r.0,
            message_id: m.0,
            message: message(store, m).await?,
        },
        K::MessageEdited {
            room: r,
            message: m,
        } => EventJson::MessageEdited {
            room_id: r.0,
            message_id: m.0,
            message: message(store, m).await?,
        },
        K::MessageDeleted {
            room: r,
            message: m,
        } => EventJson::MessageDeleted {
            room_id: r.0,
            message_id: m.0,
        },
        K::BoostAdded {
            room: r,
            message: m,
            boost,
        } => EventJson::BoostAdded {
            room_id: r.0,
            message_id: m.0,
            boost: gone(store.boost(boost).await)?
                .as_ref()
                .map(BoostJson::from),
        },
        K::BoostRemoved {
            room: r,
            message: m,
            boost,
        } => EventJson::BoostRemoved {
            room_id: r.0,
            message_id: m.0,
            boost_id: boost.0,
        },
        K::RoomCreated { room: r } => EventJson::RoomCreated {
            room_id: r.0,
            room: room(store, r).await?,
        },
        K::RoomRenamed { room: r } => EventJson::RoomRenamed {
            room_id: r.0,
            room: room(store, r).await?,
        },
        K::RoomConverted { room: r } => EventJson::RoomConverted {
            room_id: r.0,
            room: room(store, r).await?,
        },
        K::RoomDeleted { room: r } => EventJson::RoomDeleted { room_id: r.0 },
        K::MembershipAdded { room: r, user: u } => EventJson::MembershipAdded {
            room_id: r.0,
            user_id: u.0,
        },
        K::MembershipRemoved { room: r, user: u } => EventJson::MembershipRemoved {
            room_id: r.0,
            user_id: u.0,
        },
        K::RoomRead { room: r, user: u } => EventJson::RoomRead {
            room_id: r.0,
            user_id: u.0,
        },
        K::BookmarkAdded {
            user: u,
            message: m,
        } => EventJson::BookmarkAdded {
            user_id: u.0,
            message_id: m.0,
            saved_at: crate::clock::rfc3339(event.at),
            message: message(store, m).await?,
        },
        K::BookmarkRemoved {
            user: u,
            message: m,
        } => EventJson::BookmarkRemoved {
            user_id: u.0,
            message_id: m.0,
        },
        K::RoomMarkedUnread {
            room: r,
            user: u,
            message: m,
        } => EventJson::RoomMarkedUnread {
            room_id: r.0,
            user_id: u.0,
            message_id: m.0,
        },
        K::InvolvementChanged { room: r, user: u } => EventJson::InvolvementChanged {
            room_id: r.0,
            user_id: u.0,
            involvement: store
                .membership(r, u)
                .await?
                .map(|m| m.involvement.as_str()),
        },
        K::UserJoined { user: u } => EventJson::UserJoined {
            user_id: u.0,
            user: user(store, u).await?,
        },
        K::UserUpdated { user: u } => EventJson::UserUpdated {
            user_id: u.0,
            user: user(store, u).await?,
        },
        K::UserDeactivated { user: u } => EventJson::UserDeactivated {
            user_id: u.0,
            user: user(store, u).await?,
        },
        K::AccountUpdated => EventJson::AccountUpdated {
            account: store.account().await?.as_ref().map(AccountJson::from),
        },
    })
}

/// The newest event in `events` (a run of the log, in order) whose frame, encoded now, would not
/// be the one it carried when published (F10). Encoding reads the message, room, person or
/// account as they are now, so an event followed by a later change to the same thing — a
/// message edited again, a room renamed again — would show that later state; someone who left
/// in between would learn what they may no longer see. A replay must not start before it.
pub fn newest_unreplayable(events: &[Event]) -> Option<EventSeq> {
    use EventKind::*;
    let mut messages = std::collections::HashSet::new();
    let mut rooms = std::collections::HashSet::new();
    let mut users = std::collections::HashSet::new();
    let mut account = false;
    for event in events.iter().rev() {
        let stale = match event.kind {
            MessageCreated { message, .. } | MessageEdited { message, .. } => {
                messages.contains(&message)
            }
            RoomCreated { room } | RoomRenamed { room } | RoomConverted { room } => {
                rooms.contains(&room)
            }
            UserJoined { user } | UserUpdated { user } => users.contains(&user),
            AccountUpdated => account,
            _ => false,
        };
        if stale {
            return Some(event.seq);
        }
        match event.kind {
            MessageEdited { message, .. } => {
                messages.insert(message);
            }
            RoomRenamed { room } | RoomConverted { room } => {
                rooms.insert(room);
            }
            UserUpdated { user } => {
                users.insert(user);
            }
            AccountUpdated => account = true,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use campfire_domain::Timestamp;

    use super::*;

    fn log(kinds: &[EventKind]) -> Vec<Event> {
        kinds
            .iter()
            .zip(1..)
            .map(|(kind, seq)| Event {
                seq: EventSeq(seq),
                kind: *kind,
                at: Timestamp(seq),
            })
            .collect()
    }

    #[test]
    fn a_replay_starts_after_the_last_event_a_later_change_would_rewrite() {
        let (room, other) = (RoomId(1), RoomId(2));
        let (m1, m2) = (MessageId(10), MessageId(11));
        let events = log(&[
            EventKind::MessageCreated { room, message: m1 },
            EventKind::MessageCreated { room, message: m2 },
            EventKind::RoomRenamed { room: other },
            EventKind::MessageEdited { room, message: m1 },
            EventKind::MessageEdited { room, message: m2 },
            EventKind::MessageEdited { room, message: m2 },
        ]);
        // Event 5 (m2's first edit) would show the second one.
        assert_eq!(newest_unreplayable(&events), Some(EventSeq(5)));
        // Edited once each after being created: both creations would show the edit.
        assert_eq!(newest_unreplayable(&events[..5]), Some(EventSeq(2)));
        assert_eq!(newest_unreplayable(&events[..3]), None);
        let renamed = log(&[
            EventKind::RoomRenamed { room },
            EventKind::AccountUpdated,
            EventKind::RoomRenamed { room },
        ]);
        assert_eq!(newest_unreplayable(&renamed), Some(EventSeq(1)));
    }
}
