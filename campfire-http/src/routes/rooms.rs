//! Rooms and memberships (R1–R6).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    Action, Involvement, Membership, MessageId, Room, RoomKind, RoomName, RoomTopic, UnreadCount,
    UserId, authorize,
};
use campfire_store::RoomMembers;
use campfire_store::app::RoomChanges;
use serde::Deserialize;
use serde_json::json;

use super::{created, no_content, room_for};
use crate::AppState;
use crate::ErrorCode;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::wire::{
    DirectRoomRequest, InvolvementUpdate, MarkUnreadRequest, NewRoomRequest, RoomJson, RoomUpdate,
    TopicUpdate, UserJson,
};

/// A room as `authed` sees it.
async fn room_json(state: &AppState, room: &Room, authed: &Authed) -> ApiResult<RoomJson> {
    let members = state.store.members(room.id).await?;
    let mine = members
        .iter()
        .find(|m| m.user == authed.user.id)
        .ok_or_else(|| ApiError::not_found("room"))?;
    let unread = match mine.unread_from {
        Some(_) => state.app.unread_counts(&authed.user).await?,
        None => Vec::new(),
    };
    let counted = unread.iter().find(|c| c.room == room.id);
    Ok(RoomJson::new(room, &members, mine, counted))
}

/// R2: my rooms, with the log position they are consistent with.
pub async fn list(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    // Read the position first: anything committed after it arrives over the socket again,
    // which clients apply idempotently.
    let seq = state.store.last_event_seq().await?;
    let mine: HashMap<_, Membership> = state
        .store
        .memberships_of(authed.user.id)
        .await?
        .into_iter()
        .map(|m| (m.room, m))
        .collect();
    let unread: HashMap<_, UnreadCount> = state
        .app
        .unread_counts(&authed.user)
        .await?
        .into_iter()
        .map(|c| (c.room, c))
        .collect();
    let mut rooms = Vec::new();
    for room in state
        .store
        .rooms()
        .await?
        .iter()
        .filter(|r| mine.contains_key(&r.id))
    {
        let members = state.store.members(room.id).await?;
        if let Some(membership) = mine.get(&room.id) {
            rooms.push(RoomJson::new(
                room,
                &members,
                membership,
                unread.get(&room.id),
            ));
        }
    }
    // R2's order: direct rooms by latest activity, then shared rooms by name.
    rooms.sort_by(|a, b| {
        let direct = |r: &RoomJson| r.info.kind == "direct";
        direct(b)
            .cmp(&direct(a))
            .then_with(|| {
                if direct(a) {
                    b.info.last_active_at.cmp(&a.info.last_active_at)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| {
                let name = |r: &RoomJson| r.info.name.clone().unwrap_or_default().to_lowercase();
                name(a).cmp(&name(b))
            })
    });
    Ok(Json(json!({ "rooms": rooms, "seq": seq.0 })).into_response())
}

fn member_ids(ids: &[i64]) -> Vec<UserId> {
    ids.iter().copied().map(UserId).collect()
}

/// R1: a new open or closed room.
pub async fn create(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<NewRoomRequest>,
) -> ApiResult<Response> {
    let members = match form.kind.as_str() {
        "open" => RoomMembers::Everyone,
        "closed" => RoomMembers::Only(member_ids(&form.member_ids)),
        _ => {
            return Err(ApiError::new(
                ErrorCode::Unprocessable,
                "kind must be open or closed",
            ));
        }
    };
    let name = RoomName::new(&form.name)?;
    let room = state.app.create_room(&authed.user, name, members).await?;
    Ok(created(
        json!({ "room": room_json(&state, &room, &authed).await? }),
    ))
}

/// R1: the direct room of exactly me and these people ("Ping").
pub async fn direct(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<DirectRoomRequest>,
) -> ApiResult<Response> {
    let (room, new) = state
        .app
        .direct_room(&authed.user, &member_ids(&form.user_ids))
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({ "room": room_json(&state, &room, &authed).await? })),
    )
        .into_response())
}

/// One room.
pub async fn show(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let (room, facts) = room_for(&state, &authed, id).await?;
    authorize(&authed.actor(), &Action::ReadRoom(facts))?;
    Ok(Json(json!({ "room": room_json(&state, &room, &authed).await? })).into_response())
}

/// R1: rename, convert, change members.
pub async fn update(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<RoomUpdate>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    let kind = match form.kind.as_deref() {
        None => None,
        Some("open") => Some(RoomKind::Open),
        Some("closed") => Some(RoomKind::Closed),
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::Unprocessable,
                "kind must be open or closed",
            ));
        }
    };
    let changes = RoomChanges {
        name: form.name.as_deref().map(RoomName::new).transpose()?,
        kind,
        members: form.member_ids.as_deref().map(member_ids),
    };
    let room = state.app.update_room(&authed.user, &room, changes).await?;
    // Someone who removed themselves can no longer see the room.
    match room_json(&state, &room, &authed).await {
        Ok(json) => Ok(Json(json!({ "room": json })).into_response()),
        Err(_) => Ok(no_content()),
    }
}

/// R6.
pub async fn remove(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    state.app.delete_room(&authed.user, &room).await?;
    Ok(no_content())
}

/// X7: sets or (with a blank one) clears the room's topic.
pub async fn set_topic(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<TopicUpdate>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    let topic = match form.topic.trim() {
        "" => None,
        topic => Some(RoomTopic::new(topic)?),
    };
    let room = state.app.set_topic(&authed.user, &room, topic).await?;
    Ok(Json(json!({ "room": room_json(&state, &room, &authed).await? })).into_response())
}

/// X7: I leave a closed room; it is gone from every device of mine.
pub async fn leave(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    state.app.leave_room(&authed.user, &room).await?;
    Ok(no_content())
}

/// X7: the directory of open rooms, by name, each as I see it (a hidden one is `invisible`).
pub async fn directory(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let mut rooms = Vec::new();
    for (room, membership) in state.app.open_rooms(&authed.user).await? {
        if let Some(membership) = membership {
            let members = state.store.members(room.id).await?;
            rooms.push(RoomJson::new(&room, &members, &membership, None));
        }
    }
    rooms.sort_by(|a, b| {
        let name = |r: &RoomJson| r.info.name.clone().unwrap_or_default().to_lowercase();
        name(a).cmp(&name(b))
    });
    Ok(Json(json!({ "rooms": rooms })).into_response())
}

/// R3: the bell.
pub async fn set_involvement(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<InvolvementUpdate>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    let level = Involvement::parse(&form.involvement).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unprocessable,
            "involvement must be everything, mentions, nothing or invisible",
        )
    })?;
    state
        .app
        .set_involvement(&authed.user, &room, level)
        .await?;
    Ok(Json(json!({ "room": room_json(&state, &room, &authed).await? })).into_response())
}

/// R4: clears unread on every device of mine.
pub async fn read(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    state.app.mark_read(&authed.user, &room).await?;
    Ok(no_content())
}

/// X7: makes the room unread from one of its messages, on every device of mine.
pub async fn mark_unread(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(request): JsonBody<MarkUnreadRequest>,
) -> ApiResult<Response> {
    let (room, _) = room_for(&state, &authed, id).await?;
    state
        .app
        .mark_unread(&authed.user, &room, MessageId(request.message_id))
        .await?;
    Ok(no_content())
}

/// `?q=`.
#[derive(Debug, Deserialize)]
pub struct Autocomplete {
    #[serde(default)]
    q: String,
}

/// M5: members whose name has a word starting with `q`.
pub async fn autocomplete(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    QueryParams(query): QueryParams<Autocomplete>,
) -> ApiResult<Response> {
    let (room, facts) = room_for(&state, &authed, id).await?;
    authorize(&authed.actor(), &Action::ReadRoom(facts))?;
    let q = query.q.trim().to_lowercase();
    let mut users = Vec::new();
    for member in state.store.members(room.id).await? {
        let user = state.store.user(member.user).await?;
        let matches = q.is_empty()
            || user
                .name
                .as_str()
                .to_lowercase()
                .split_whitespace()
                .any(|w| w.starts_with(&q));
        if matches && user.is_active() {
            users.push(UserJson::new(&user, false));
        }
        if users.len() == 10 {
            break;
        }
    }
    Ok(Json(json!({ "users": users })).into_response())
}
