//! Turning a log event into what the hub needs: who may see it, what it changes about
//! membership, and its JSON frame, encoded once.

use axum::extract::ws::Utf8Bytes;
use campfire_coord::{Audience, Change, Published};
use campfire_domain::{Event, EventKind, RoomId, UserId};
use campfire_store::{Store, StoreError};
use serde_json::{Value, json};

use crate::wire::{AccountJson, BoostJson, MessageJson, RoomInfoJson, UserJson};

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
        InvolvementChanged { user, .. } | RoomRead { user, .. } => {
            (Audience::User(user), Change::None)
        }
        UserDeactivated { user } => (Audience::Everyone, Change::UserGone(user)),
        UserJoined { .. } | UserUpdated { .. } | AccountUpdated => {
            (Audience::Everyone, Change::None)
        }
    }
}

/// Loads what the event refers to and encodes its frame. Things deleted since are `null`:
/// a later event says they are gone.
pub async fn encode(store: &dyn Store, event: &Event) -> Result<Ready, StoreError> {
    let body = payload(store, &event.kind).await?;
    let frame = json!({ "type": "event", "seq": event.seq.0, "event": body });
    let (audience, change) = route(&event.kind);
    Ok(Published {
        seq: u64::try_from(event.seq.0).unwrap_or(0),
        audience,
        change,
        payload: Utf8Bytes::from(frame.to_string()),
    })
}

/// `Ok(None)` for a thing that no longer exists.
fn gone<T>(result: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn payload(store: &dyn Store, kind: &EventKind) -> Result<Value, StoreError> {
    use EventKind::*;
    let name = kind.parts().name;
    Ok(match *kind {
        MessageCreated { room, message } | MessageEdited { room, message } => {
            let json = match gone(store.message(message).await)? {
                Some(m) => Some(MessageJson::new(&m, &store.boosts_of(&[message]).await?)),
                None => None,
            };
            json!({ "kind": name, "room_id": room.0, "message_id": message.0, "message": json })
        }
        MessageDeleted { room, message } => {
            json!({ "kind": name, "room_id": room.0, "message_id": message.0 })
        }
        BoostAdded {
            room,
            message,
            boost,
        } => {
            let json = gone(store.boost(boost).await)?
                .as_ref()
                .map(BoostJson::from);
            json!({ "kind": name, "room_id": room.0, "message_id": message.0, "boost": json })
        }
        BoostRemoved {
            room,
            message,
            boost,
        } => {
            json!({ "kind": name, "room_id": room.0, "message_id": message.0, "boost_id": boost.0 })
        }
        RoomCreated { room } | RoomRenamed { room } | RoomConverted { room } => {
            let json = match gone(store.room(room).await)? {
                Some(r) => Some(RoomInfoJson::new(&r, &store.members(room).await?)),
                None => None,
            };
            json!({ "kind": name, "room_id": room.0, "room": json })
        }
        RoomDeleted { room } => json!({ "kind": name, "room_id": room.0 }),
        MembershipAdded { room, user }
        | MembershipRemoved { room, user }
        | RoomRead { room, user } => {
            json!({ "kind": name, "room_id": room.0, "user_id": user.0 })
        }
        InvolvementChanged { room, user } => {
            let level = store
                .membership(room, user)
                .await?
                .map(|m| m.involvement.as_str());
            json!({ "kind": name, "room_id": room.0, "user_id": user.0, "involvement": level })
        }
        UserJoined { user } | UserUpdated { user } | UserDeactivated { user } => {
            let json = gone(store.user(user).await)?.map(|u| UserJson::new(&u, false));
            json!({ "kind": name, "user_id": user.0, "user": json })
        }
        AccountUpdated => {
            let json = store.account().await?.as_ref().map(AccountJson::from);
            json!({ "kind": name, "account": json })
        }
    })
}
