//! Messages and boosts (M1–M8), and the one way a message is posted, shared with the bot API.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    Action, BoostContent, BoostId, ClientMessageId, Message, MessageId, RoomId, authorize,
};
use campfire_store::Page;
use campfire_store::app::{Draft, Origin};
use serde::Deserialize;
use serde_json::json;

use super::{created, no_content, room_for};
use crate::AppState;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::wire::{BookmarkJson, BoostJson, EditMessage, MessageJson, NewBoost, PostMessage};
use campfire_domain::sanitize::{mention_chips, message_body};

/// Messages per history page (M3).
pub const PAGE: u32 = 40;

/// Why a body was refused: too much HTML is `413` (docs/api.md: 2 MiB of message HTML);
/// anything else wrong with it (blank) is `422`.
fn refused(error: campfire_domain::ValueError) -> ApiError {
    match error {
        campfire_domain::ValueError::TooLong { .. } => {
            ApiError::new(crate::ErrorCode::PayloadTooLarge, error.to_string())
        }
        other => other.into(),
    }
}

/// A sanitised body with its mention chips (M5) read out.
fn with_chips(body: campfire_domain::MessageBody) -> Draft {
    let chips = mention_chips(body.html());
    Draft { body, chips }
}

/// A message body from the wire: sanitised, with its mention chips read out.
pub fn draft(html: &str) -> ApiResult<Draft> {
    message_body(html).map(with_chips).map_err(refused)
}

/// A file's caption (M9): like a message body, except that a blank one is no caption.
pub fn caption(html: &str) -> ApiResult<Option<Draft>> {
    match message_body(html) {
        Ok(body) => Ok(Some(with_chips(body))),
        Err(campfire_domain::ValueError::Blank { .. }) => Ok(None),
        Err(error) => Err(refused(error)),
    }
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

/// The answer to a post (M1, M9, X7): `201` with the new message, or `200` with the first one
/// when its client id was used before.
pub async fn posted_answer(
    state: &AppState,
    posted: &campfire_store::Posted,
) -> ApiResult<Response> {
    let json = with_boosts(state, std::slice::from_ref(&posted.message)).await?;
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "message": json.first() }))).into_response())
}

/// M1: post; the same client id again answers with the first message.
pub async fn post(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<PostMessage>,
) -> ApiResult<Response> {
    let client_id = ClientMessageId::new(&form.client_message_id)?;
    let posted = state
        .app
        .post(
            &authed.user,
            RoomId(id),
            client_id,
            draft(&form.body_html)?,
            Origin::Client,
        )
        .await?;
    if posted.created {
        crate::previews::spawn(&state, &posted.message);
    }
    posted_answer(&state, &posted).await
}

/// X7: replies in the thread of message `id` (a reply's own thread when it is one); the same
/// client id again answers with the first reply.
pub async fn reply(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<PostMessage>,
) -> ApiResult<Response> {
    let client_id = ClientMessageId::new(&form.client_message_id)?;
    let to = state.app.message_for(&authed.user, MessageId(id)).await?;
    let posted = state
        .app
        .reply(
            &authed.user,
            &to,
            client_id,
            draft(&form.body_html)?,
            Origin::Client,
        )
        .await?;
    if posted.created {
        crate::previews::spawn(&state, &posted.message);
    }
    posted_answer(&state, &posted).await
}

/// `?after=&limit=` of a thread.
#[derive(Debug, Default, Deserialize)]
pub struct ThreadQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

/// X7: the thread message `id` starts or belongs to: its first message and its replies,
/// oldest first, a page at a time (`more` says whether later ones exist; the next page is
/// `after=` the last one's id).
pub async fn thread(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    QueryParams(query): QueryParams<ThreadQuery>,
) -> ApiResult<Response> {
    let limit = query.limit.unwrap_or(100).clamp(1, 100);
    // One more than asked: whether there is a next page costs no second query.
    let (root, mut replies) = state
        .app
        .thread(
            &authed.user,
            MessageId(id),
            query.after.map(MessageId),
            limit + 1,
        )
        .await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = replies.len() > limit;
    replies.truncate(limit);
    let mut json = with_boosts(&state, &[root]).await?;
    let root = json.pop();
    let replies = with_boosts(&state, &replies).await?;
    Ok(Json(json!({ "root": root, "replies": replies, "more": more })).into_response())
}

/// M4: edit (author or admin).
pub async fn edit(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<EditMessage>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let edited = state
        .app
        .edit(&authed.user, &message, draft(&form.body_html)?)
        .await?;
    let json = with_boosts(&state, std::slice::from_ref(&edited)).await?;
    Ok(Json(json!({ "message": json.first() })).into_response())
}

/// `?before=&limit=` of the mentions inbox.
#[derive(Debug, Default, Deserialize)]
pub struct MentionsQuery {
    before: Option<i64>,
    limit: Option<u32>,
}

/// X7's mentions inbox: messages that mention me, newest first, a page at a time (`more` says
/// whether older ones exist; the next page is `before=` the last one's id).
pub async fn mentions(
    State(state): State<AppState>,
    authed: Authed,
    QueryParams(query): QueryParams<MentionsQuery>,
) -> ApiResult<Response> {
    let limit = query.limit.unwrap_or(PAGE).clamp(1, 100);
    // One more than asked: whether there is a next page costs no second query.
    let mut found = state
        .app
        .mentions_of(&authed.user, query.before.map(MessageId), limit + 1)
        .await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = found.len() > limit;
    found.truncate(limit);
    let messages = with_boosts(&state, &found).await?;
    Ok(Json(json!({ "messages": messages, "more": more })).into_response())
}

/// X7: saves a message for later (`PUT`), on every device of mine.
pub async fn bookmark(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    state.app.bookmark(&authed.user, &message).await?;
    Ok(no_content())
}

/// X7: no longer keeps a message saved.
pub async fn unbookmark(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    state.app.unbookmark(&authed.user, message.id).await?;
    Ok(no_content())
}

/// X7: my saved messages, newest saved first.
pub async fn bookmarks(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let saved = state.app.bookmarks(&authed.user).await?;
    let messages: Vec<Message> = saved.iter().map(|(_, m)| m.clone()).collect();
    let json = with_boosts(&state, &messages).await?;
    let bookmarks: Vec<BookmarkJson> = saved
        .iter()
        .zip(json)
        .map(|((b, _), message)| BookmarkJson {
            saved_at: crate::clock::rfc3339(b.created_at),
            message,
        })
        .collect();
    Ok(Json(json!({ "bookmarks": bookmarks })).into_response())
}

/// M4: delete (author or admin).
pub async fn remove(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    state.app.delete(&authed.user, &message).await?;
    Ok(no_content())
}

/// M10: the author (or an administrator) removes a message's link preview.
pub async fn remove_preview(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let changed = state.app.remove_preview(&authed.user, &message).await?;
    let json = with_boosts(&state, std::slice::from_ref(&changed)).await?;
    Ok(Json(json!({ "message": json.first() })).into_response())
}

/// M10: a card's picture, fetched and re-encoded by the server, for members of the room.
pub async fn preview_image(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let key = message
        .preview
        .and_then(|p| p.image)
        .ok_or_else(|| ApiError::not_found("preview image"))?;
    super::pictures::picture(&state, &key, request.headers()).await
}

/// M6: boost.
pub async fn boost(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<NewBoost>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let content = BoostContent::new(&form.content)?;
    let boost = state.app.boost(&authed.user, &message, content).await?;
    Ok(created(json!({ "boost": BoostJson::from(&boost) })))
}

/// M6: only the booster removes a boost.
pub async fn unboost(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("boost");
    let boost = state
        .store
        .boost(BoostId(id))
        .await
        .map_err(|_| not_found())?;
    // A boost of a message in a room the caller is not in is not found either.
    state
        .app
        .message_for(&authed.user, boost.message)
        .await
        .map_err(|_| not_found())?;
    state.app.unboost(&authed.user, &boost).await?;
    Ok(no_content())
}
