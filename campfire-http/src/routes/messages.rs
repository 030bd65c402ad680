//! Messages and boosts (M1–M8), and the one way a message is posted, shared with the bot API.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    Action, BoostContent, BoostId, ClientMessageId, Message, MessageId, Room, RoomFacts, RoomId,
    User, UserId, authorize, extract_mentions, webhook_recipients,
};
use campfire_store::{NewMessage, Page, Posted};
use serde::Deserialize;
use serde_json::json;

use super::{created, no_content, room_for};
use crate::AppState;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::sanitize::{mention_chips, message_body};
use crate::wire::{BoostJson, EditMessage, MessageJson, NewBoost, PostMessage};

/// Messages per history page (M3).
pub const PAGE: u32 = 40;

/// Who a message mentions: its chips and `@Name`s, kept to the room's `members` (M5); and the
/// members as users when a mention or a bot could be involved.
///
/// Only an `@` or a chip can mention anyone, and only a direct room's bots hear a message they
/// are not mentioned in: otherwise no user is loaded. (Loading every user of the account per
/// post, and matching them to the members pairwise, was the largest cost of a post in a big
/// room: BENCHMARKS.md.)
async fn mentions(
    state: &AppState,
    room: &Room,
    members: &[UserId],
    body: &campfire_domain::MessageBody,
) -> ApiResult<(Vec<UserId>, Vec<User>)> {
    let chips = mention_chips(body.html());
    if room.kind != campfire_domain::RoomKind::Direct
        && chips.is_empty()
        && !body.plain().contains('@')
    {
        return Ok((Vec::new(), Vec::new()));
    }
    let member_set: std::collections::HashSet<UserId> = members.iter().copied().collect();
    let users: Vec<User> = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| member_set.contains(&u.id))
        .collect();
    let names: Vec<(UserId, &str)> = users.iter().map(|u| (u.id, u.name.as_str())).collect();
    let mut found = extract_mentions(body.plain(), &names);
    found.extend(chips.into_iter().filter(|id| member_set.contains(id)));
    found.sort_unstable();
    found.dedup();
    Ok((found, users))
}

/// Sanitises a message body. Too much HTML is `413` (docs/api.md: 64 KiB of message HTML);
/// anything else wrong with it (blank) is `422`.
fn body_of(html: &str) -> ApiResult<campfire_domain::MessageBody> {
    message_body(html).map_err(|error| match error {
        campfire_domain::ValueError::TooLong { .. } => {
            ApiError::new(crate::ErrorCode::PayloadTooLarge, error.to_string())
        }
        other => other.into(),
    })
}

/// Posts a message: sanitise, resolve mentions, queue webhooks (unless `from_webhook`: a bot's
/// reply never triggers more webhooks), store (idempotently), announce.
pub async fn post_message(
    state: &AppState,
    author: &User,
    room: &Room,
    client_id: ClientMessageId,
    html: &str,
    from_webhook: bool,
) -> ApiResult<Posted> {
    let body = body_of(html)?;
    // The room's members come from the live hub's membership, not a read of the room's
    // memberships per post (a 1,000-row read in a big room: BENCHMARKS.md).
    let presence = state.live.presence(room.id).await;
    let (mentions, members) = mentions(state, room, &presence.members, &body).await?;
    let mut webhooks = Vec::new();
    if !from_webhook && state.config.features.bots {
        for bot in webhook_recipients(room.kind, author.id, &mentions, &members) {
            if state.store.webhook(bot).await?.is_some() {
                webhooks.push(bot);
            }
        }
    }
    // With push switched off (O6) nobody is pushed to: as if everyone were connected.
    let connected = if state.config.features.push {
        presence.connected
    } else {
        presence.members
    };
    let posted = state
        .store
        .post_message(NewMessage {
            room: room.id,
            author: author.id,
            client_message_id: client_id,
            body,
            mentions,
            looking: presence.looking,
            connected,
            webhooks,
            at: now(),
        })
        .await?;
    if posted.created {
        state.live.nudge();
    }
    Ok(posted)
}

/// Messages with their boosts, as JSON.
pub async fn with_boosts(state: &AppState, messages: &[Message]) -> ApiResult<Vec<MessageJson>> {
    let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
    let boosts = state.store.boosts_of(&ids).await?;
    Ok(messages
        .iter()
        .map(|m| MessageJson::new(m, &boosts))
        .collect())
}

/// `?before=` / `?after=` / `?around=`.
#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    before: Option<i64>,
    after: Option<i64>,
    around: Option<i64>,
}

impl HistoryQuery {
    /// The page asked for; at most one of the three may be given.
    pub fn page(&self) -> ApiResult<Page> {
        match (self.before, self.after, self.around) {
            (None, None, None) => Ok(Page::Latest),
            (Some(id), None, None) => Ok(Page::Before(MessageId(id))),
            (None, Some(id), None) => Ok(Page::After(MessageId(id))),
            (None, None, Some(id)) => Ok(Page::Around(MessageId(id))),
            _ => Err(ApiError::bad_request(
                "give at most one of before, after and around",
            )),
        }
    }
}

/// M3: a page of history, oldest first.
pub async fn history(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> ApiResult<Response> {
    let (room, facts) = room_for(&state, &authed, id).await?;
    authorize(&authed.actor(), &Action::ReadRoom(facts))?;
    let wanted = query.page()?;
    if wanted == Page::Latest {
        return latest_page(&state, room.id).await;
    }
    let page = state.store.messages(room.id, wanted, PAGE).await?;
    let (has_before, has_after) = match (page.first(), page.last()) {
        (Some(first), Some(last)) => (
            !state
                .store
                .messages(room.id, Page::Before(first.id), 1)
                .await?
                .is_empty(),
            !state
                .store
                .messages(room.id, Page::After(last.id), 1)
                .await?
                .is_empty(),
        ),
        _ => (false, false),
    };
    let messages = with_boosts(&state, &page).await?;
    Ok(
        Json(json!({ "messages": messages, "has_before": has_before, "has_after": has_after }))
            .into_response(),
    )
}

/// The latest page, from the encoded pages the live module keeps until the next commit, or
/// read and encoded (then kept). One read: a 41st message says whether there is more before;
/// nothing is after the latest. (Two more queries per read, each re-checking the room, were ~40%
/// of the request's queries: BENCHMARKS.md.)
async fn latest_page(state: &AppState, room: RoomId) -> ApiResult<Response> {
    let pages = state.live.pages();
    let body = match pages.get(room) {
        Some(body) => body,
        None => {
            let generation = pages.generation();
            let mut page = state.store.messages(room, Page::Latest, PAGE + 1).await?;
            let has_before = page.len() > PAGE as usize;
            if has_before {
                page.remove(0);
            }
            let messages = with_boosts(state, &page).await?;
            let json =
                json!({ "messages": messages, "has_before": has_before, "has_after": false });
            let body = axum::body::Bytes::from(
                serde_json::to_vec(&json).map_err(|e| ApiError::internal(&e))?,
            );
            pages.put(room, generation, body.clone());
            body
        }
    };
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// M1: post; the same client id again answers with the first message.
pub async fn post(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<PostMessage>,
) -> ApiResult<Response> {
    let (room, facts) = room_for(&state, &authed, id).await?;
    authorize(&authed.actor(), &Action::PostMessage(facts))?;
    let client_id = ClientMessageId::new(&form.client_message_id)?;
    let posted = post_message(
        &state,
        &authed.user,
        &room,
        client_id,
        &form.body_html,
        false,
    )
    .await?;
    let json = with_boosts(&state, std::slice::from_ref(&posted.message)).await?;
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "message": json.first() }))).into_response())
}

/// A message and the caller's place in its room; messages of rooms you are not in are not found.
async fn message_for(
    state: &AppState,
    authed: &Authed,
    id: i64,
) -> ApiResult<(Message, Room, RoomFacts)> {
    let message = state
        .store
        .message(MessageId(id))
        .await
        .map_err(|_| ApiError::not_found("message"))?;
    let (room, facts) = room_for(state, authed, message.room.0)
        .await
        .map_err(|_| ApiError::not_found("message"))?;
    if !facts.actor_is_member {
        return Err(ApiError::not_found("message"));
    }
    Ok((message, room, facts))
}

/// Edits a message's body, keeping its mentions current.
pub async fn edit_body(
    state: &AppState,
    room: &Room,
    message: &Message,
    html: &str,
) -> ApiResult<Message> {
    let body = body_of(html)?;
    let members = state.live.presence(room.id).await.members;
    let (mentions, _) = mentions(state, room, &members, &body).await?;
    let edited = state
        .store
        .edit_message(message.id, body, mentions, now())
        .await?;
    state.live.nudge();
    Ok(edited)
}

/// M4: edit (author or admin).
pub async fn edit(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<EditMessage>,
) -> ApiResult<Response> {
    let (message, room, facts) = message_for(&state, &authed, id).await?;
    authorize(
        &authed.actor(),
        &Action::EditMessage {
            room: facts,
            author: message.author,
        },
    )?;
    let edited = edit_body(&state, &room, &message, &form.body_html).await?;
    let json = with_boosts(&state, std::slice::from_ref(&edited)).await?;
    Ok(Json(json!({ "message": json.first() })).into_response())
}

/// M4: delete (author or admin).
pub async fn remove(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let (message, _, facts) = message_for(&state, &authed, id).await?;
    authorize(
        &authed.actor(),
        &Action::DeleteMessage {
            room: facts,
            author: message.author,
        },
    )?;
    state.store.delete_message(message.id, now()).await?;
    state.live.nudge();
    Ok(no_content())
}

/// M6: boost.
pub async fn boost(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<NewBoost>,
) -> ApiResult<Response> {
    let (message, _, facts) = message_for(&state, &authed, id).await?;
    authorize(&authed.actor(), &Action::AddBoost(facts))?;
    let content = BoostContent::new(&form.content)?;
    let boost = state
        .store
        .add_boost(message.id, authed.user.id, content, now())
        .await?;
    state.live.nudge();
    Ok(created(json!({ "boost": BoostJson::from(&boost) })))
}

/// M6: only the booster removes a boost.
pub async fn unboost(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let boost = state
        .store
        .boost(BoostId(id))
        .await
        .map_err(|_| ApiError::not_found("boost"))?;
    let (_, _, facts) = message_for(&state, &authed, boost.message.0)
        .await
        .map_err(|_| ApiError::not_found("boost"))?;
    authorize(
        &authed.actor(),
        &Action::RemoveBoost {
            room: facts,
            booster: boost.booster,
        },
    )?;
    state.store.remove_boost(boost.id, now()).await?;
    state.live.nudge();
    Ok(no_content())
}
