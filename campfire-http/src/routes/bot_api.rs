//! The bot API (B2), compatible with the original Campfire's: the key in the path is the
//! credential, bodies are raw, answers have the original's shapes and statuses.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, LINK, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    Action, BoostContent, BoostId, BotKey, ClientMessageId, Message, MessageId, Role, Room,
    RoomFacts, RoomId, User, authorize,
};
use campfire_store::{Page, StoreError};

use crate::live::BotPage;

use super::messages::{HistoryQuery, PAGE, draft};
use super::no_content;
use crate::AppState;
use crate::ErrorCode;
use crate::auth::new_token;
use crate::body::raw_body;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::wire::{BoostJson, BotMessageJson};
use campfire_store::app::{AppError, Origin};

/// The largest raw body a bot may post.
const MAX_BOT_BODY: usize = 64 * 1024;

/// The bot a key names, if the key is right. Every failure is the same 404.
async fn bot(state: &AppState, key: &str) -> ApiResult<User> {
    let not_found = || ApiError::not_found("bot");
    if !state.config.features.bots {
        return Err(not_found());
    }
    let key = BotKey::parse(key).map_err(|_| not_found())?;
    let user = match state.store.user(key.user).await {
        Ok(user) => user,
        Err(StoreError::NotFound(_)) => return Err(not_found()),
        Err(error) => return Err(error.into()),
    };
    let token_matches = user
        .bot_token
        .as_ref()
        .is_some_and(|t| constant_time_eq(t.as_str().as_bytes(), key.token.as_str().as_bytes()));
    if user.role != Role::Bot || !user.is_active() || !token_matches {
        return Err(not_found());
    }
    Ok(user)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The bot and a room it is in.
async fn bot_in_room(state: &AppState, room: i64, key: &str) -> ApiResult<(User, Room, RoomFacts)> {
    let bot = bot(state, key).await?;
    let (room, facts) = match state.app.room_for(&bot, RoomId(room)).await {
        Ok((room, facts)) if facts.actor_is_member => (room, facts),
        Ok(_) | Err(AppError::Store(StoreError::NotFound(_))) => {
            return Err(ApiError::not_found("room"));
        }
        Err(error) => return Err(error.into()),
    };
    Ok((bot, room, facts))
}

/// A message of this room, or 404.
async fn message_in(state: &AppState, room: &Room, id: i64) -> ApiResult<Message> {
    match state.store.message(MessageId(id)).await {
        Ok(message) if message.room == room.id => Ok(message),
        _ => Err(ApiError::not_found("message")),
    }
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn message_json(
    state: &AppState,
    message: &Message,
    base: &str,
) -> ApiResult<BotMessageJson> {
    let author = state.store.user(message.author).await?;
    Ok(BotMessageJson::new(message, &author, base))
}

/// The raw body as text: UTF-8, not multipart (attachments are behind the `files` flag).
async fn text_body(state: &AppState, request: Request) -> ApiResult<String> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart && !state.config.features.files {
        return Err(ApiError::new(
            ErrorCode::Unprocessable,
            "file attachments are not enabled on this server",
        ));
    }
    let bytes = raw_body(request, state, MAX_BOT_BODY).await?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the body is not valid UTF-8"))
}

/// `POST /rooms/{room}/{key}/messages`: the raw body becomes a message.
pub async fn post(
    State(state): State<AppState>,
    PathParams((room, key)): PathParams<(i64, String)>,
    request: Request,
) -> ApiResult<Response> {
    let headers = request.headers().clone();
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let text = text_body(&state, request).await?;
    let token = new_token()?;
    let client_id = ClientMessageId::new(token.get(..32).unwrap_or(&token))?;
    let posted = state
        .app
        .post(&bot, room.id, client_id, draft(&text)?, Origin::Client)
        .await?;
    let json = message_json(&state, &posted.message, &base_url(&headers)).await?;
    let mut response = (StatusCode::CREATED, Json(json)).into_response();
    if let Ok(location) = HeaderValue::from_str(&crate::wire::permalink(&posted.message)) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// `GET /rooms/{room}/{key}/messages`: 40 at a time, oldest first within the page.
pub async fn list(
    State(state): State<AppState>,
    PathParams((room, key)): PathParams<(i64, String)>,
    QueryParams(query): QueryParams<HistoryQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (bot, room, facts) = bot_in_room(&state, room, &key).await?;
    authorize(&bot_actor(&bot), &Action::ReadRoom(facts))?;
    let base = base_url(&headers);
    let page = match query.page()? {
        // The latest page is the one bots poll: kept encoded until the next commit.
        Page::Latest => {
            let pages = state.live.pages();
            match pages.get_bot(room.id, &base) {
                Some(page) => page,
                None => {
                    let generation = pages.generation();
                    let page = bot_page(&state, room.id, Page::Latest, &base).await?;
                    pages.put_bot(room.id, &base, generation, page.clone());
                    page
                }
            }
        }
        page => bot_page(&state, room.id, page, &base).await?,
    };
    let mut response = (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        page.body,
    )
        .into_response();
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(page.total));
    if let Some(oldest) = page.older_than {
        let link = format!(
            "<{base}/rooms/{}/{key}/messages?before={oldest}>; rel=\"next\"",
            room.id
        );
        if let Ok(link) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(LINK, link);
        }
    }
    Ok(response)
}

/// A page of the bot API's listing, encoded, with its total and whether older messages exist.
async fn bot_page(state: &AppState, room: RoomId, page: Page, base: &str) -> ApiResult<BotPage> {
    let (messages, older) = match page {
        // One more than a page: whether it comes back says if there are older messages (the
        // `Link`) without a second query.
        Page::Latest | Page::Before(_) => {
            let mut messages = state.store.messages(room, page, PAGE + 1).await?;
            let older = messages.len() > PAGE as usize;
            if older {
                messages.remove(0);
            }
            (messages, older)
        }
        Page::After(_) | Page::Around(_) => {
            let messages = state.store.messages(room, page, PAGE).await?;
            let older = match messages.first() {
                Some(first) => !state
                    .store
                    .messages(room, Page::Before(first.id), 1)
                    .await?
                    .is_empty(),
                None => false,
            };
            (messages, older)
        }
    };
    let total = state.store.message_count(room).await?;
    let mut json = Vec::with_capacity(messages.len());
    for message in &messages {
        json.push(message_json(state, message, base).await?);
    }
    let body = serde_json::to_vec(&json).map_err(|e| ApiError::internal(&e))?;
    Ok(BotPage {
        body: body.into(),
        total,
        older_than: messages.first().filter(|_| older).map(|m| m.id),
    })
}

fn bot_actor(bot: &User) -> campfire_domain::Actor {
    campfire_domain::Actor {
        id: bot.id,
        role: bot.role,
        status: bot.status,
    }
}

/// `PUT|PATCH /rooms/{room}/{key}/messages/{id}`: own messages only.
pub async fn edit(
    State(state): State<AppState>,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
    request: Request,
) -> ApiResult<Response> {
    let headers = request.headers().clone();
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let text = text_body(&state, request).await?;
    let edited = state.app.edit(&bot, &message, draft(&text)?).await?;
    Ok(Json(message_json(&state, &edited, &base_url(&headers)).await?).into_response())
}

/// `DELETE /rooms/{room}/{key}/messages/{id}`: own messages only.
pub async fn remove(
    State(state): State<AppState>,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    state.app.delete(&bot, &message).await?;
    Ok(no_content())
}

/// `POST /rooms/{room}/{key}/messages/{id}/boosts`: the raw body is the boost.
pub async fn boost(
    State(state): State<AppState>,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
    request: Request,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let content = BoostContent::new(&text_body(&state, request).await?)?;
    let boost = state.app.boost(&bot, &message, content).await?;
    Ok((StatusCode::CREATED, Json(BoostJson::from(&boost))).into_response())
}

/// `DELETE /rooms/{room}/{key}/messages/{id}/boosts/{boost}`: own boosts only.
pub async fn unboost(
    State(state): State<AppState>,
    PathParams((room, key, id, boost)): PathParams<(i64, String, i64, i64)>,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let boost = match state.store.boost(BoostId(boost)).await {
        Ok(boost) if boost.message == message.id => boost,
        _ => return Err(ApiError::not_found("boost")),
    };
    state.app.unboost(&bot, &boost).await?;
    Ok(no_content())
}
