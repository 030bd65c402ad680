//! The bot API (B2), compatible with the original Campfire's: the key in the path is the
//! credential, bodies are raw, answers have the original's shapes, statuses and headers.
//! docs/api.md's side-by-side table lists where ours deliberately differs.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, LINK, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    Action, BoostContent, BoostId, BotKey, ClientMessageId, Message, MessageBody, MessageId, Role,
    Room, RoomFacts, RoomId, User, authorize,
};
use campfire_store::{Page, StoreError};

use crate::live::{BotPage, NextPage};

use super::messages::{HistoryQuery, PAGE};
use super::{bot_draft, no_content};
use crate::AppState;
use crate::ErrorCode;
use crate::auth::new_token;
use crate::body::raw_body;
use crate::client::RequestOrigin;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::files;
use crate::wire::{BotBoostJson, BotLinks, BotMessageJson};
use campfire_store::app::{AppError, Origin, Place};

/// The largest raw body a bot may post: a whole message (the original has no limit of its
/// own, and bots post CI logs).
const MAX_BOT_BODY: usize = MessageBody::MAX_HTML_BYTES;

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

/// Equality that takes as long whatever the difference (secrets compared: keys, marks).
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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

fn links<'a>(state: &'a AppState, origin: &'a RequestOrigin) -> BotLinks<'a> {
    BotLinks {
        base: &origin.0,
        signing_key: &state.config.signing_key,
    }
}

async fn message_json(
    state: &AppState,
    message: &Message,
    links: BotLinks<'_>,
) -> ApiResult<BotMessageJson> {
    let author = state.store.user(message.author).await?;
    Ok(BotMessageJson::new(message, &author, links))
}

/// The raw body as text: UTF-8, not a form (a file is posted as a new message; it is not an
/// edit or a boost).
async fn text_body(state: &AppState, request: Request) -> ApiResult<String> {
    if files::is_multipart(&request) {
        return Err(ApiError::new(
            ErrorCode::Unprocessable,
            "send text as the raw body; a file can only be posted as a new message",
        ));
    }
    let bytes = raw_body(request, state, MAX_BOT_BODY).await?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the body is not valid UTF-8"))
}

/// `POST /rooms/{room}/{key}/messages`: the raw body becomes a message, or, as a multipart
/// form, the file in its `attachment` field does (`curl -F attachment=@file.png`, as with the
/// original). `201` with `Location` the message's URL in the original's form
/// (`/messages/<id>`, which redirects to the permalink); the body, which the original leaves
/// empty, is the message's JSON.
pub async fn post(
    State(state): State<AppState>,
    origin: RequestOrigin,
    PathParams((room, key)): PathParams<(i64, String)>,
    request: Request,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let token = new_token()?;
    let client_id = ClientMessageId::new(token.get(..32).unwrap_or(&token))?;
    let posted = if files::is_multipart(&request) {
        let upload = files::receive(&state, request, "attachment").await?;
        state
            .app
            .post_file(
                &bot,
                Place::Room(room.id),
                client_id,
                None,
                upload.file,
                Origin::Client,
            )
            .await?
    } else {
        let text = text_body(&state, request).await?;
        let draft = bot_draft(&state, &text).await?;
        state
            .app
            .post(&bot, room.id, client_id, draft, Origin::Client)
            .await?
    };
    let json = message_json(&state, &posted.message, links(&state, &origin)).await?;
    let mut response = (StatusCode::CREATED, Json(json)).into_response();
    let location = format!("{}/messages/{}", origin.0, posted.message.id);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// `GET /rooms/{room}/{key}/messages`: 40 at a time, oldest first within the page; `Link`
/// continues in the direction asked (older by default and with `before=`, newer with `after=`).
pub async fn list(
    State(state): State<AppState>,
    origin: RequestOrigin,
    PathParams((room, key)): PathParams<(i64, String)>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> ApiResult<Response> {
    let (bot, room, facts) = bot_in_room(&state, room, &key).await?;
    authorize(&bot_actor(&bot), &Action::ReadRoom(facts))?;
    let links = links(&state, &origin);
    let page = match query.page()? {
        // The latest page is the one bots poll: kept encoded until the next commit.
        Page::Latest => {
            let pages = state.live.pages();
            match pages.get_bot(room.id, links.base) {
                Some(page) => page,
                None => {
                    let generation = pages.generation();
                    let page = bot_page(&state, room.id, Page::Latest, links).await?;
                    pages.put_bot(room.id, links.base, generation, page.clone());
                    page
                }
            }
        }
        page @ (Page::Before(anchor) | Page::After(anchor) | Page::Around(anchor)) => {
            // As the original: paging from a message that is not in the room is 404.
            message_in(&state, &room, anchor.0).await?;
            bot_page(&state, room.id, page, links).await?
        }
    };
    let mut response = (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        page.body,
    )
        .into_response();
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(page.total));
    if let Some(next) = page.next {
        let link = format!(
            "<{}/rooms/{}/{key}/messages?{}>; rel=\"next\"",
            links.base,
            room.id,
            next.query()
        );
        if let Ok(link) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(LINK, link);
        }
    }
    Ok(response)
}

/// A page of the bot API's listing, encoded, with its total and where the next page starts.
/// One more than a page is read: whether it comes back says if there is a next page without
/// a second query.
async fn bot_page(
    state: &AppState,
    room: RoomId,
    page: Page,
    links: BotLinks<'_>,
) -> ApiResult<BotPage> {
    let mut messages = state.store.messages(room, page, PAGE + 1).await?;
    let more = messages.len() > PAGE as usize;
    let next = match page {
        Page::Latest | Page::Before(_) => {
            if more {
                messages.remove(0);
            }
            messages
                .first()
                .filter(|_| more)
                .map(|m| NextPage::Before(m.id))
        }
        Page::After(_) => {
            messages.truncate(PAGE as usize);
            messages
                .last()
                .filter(|_| more)
                .map(|m| NextPage::After(m.id))
        }
        // Not the original's: a page around a message, continuing with older ones.
        Page::Around(_) => {
            messages.truncate(PAGE as usize);
            match messages.first() {
                Some(first)
                    if !state
                        .store
                        .messages(room, Page::Before(first.id), 1)
                        .await?
                        .is_empty() =>
                {
                    Some(NextPage::Before(first.id))
                }
                _ => None,
            }
        }
    };
    let total = state.store.message_count(room).await?;
    let mut json = Vec::with_capacity(messages.len());
    for message in &messages {
        json.push(message_json(state, message, links).await?);
    }
    let body = serde_json::to_vec(&json).map_err(|e| ApiError::internal(&e))?;
    Ok(BotPage {
        body: body.into(),
        total,
        next,
    })
}

fn bot_actor(bot: &User) -> campfire_domain::Actor {
    campfire_domain::Actor {
        id: bot.id,
        role: bot.role,
        status: bot.status,
    }
}

/// `PUT|PATCH /rooms/{room}/{key}/messages/{id}`: own messages only (another's → 403).
pub async fn edit(
    State(state): State<AppState>,
    origin: RequestOrigin,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
    request: Request,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let text = text_body(&state, request).await?;
    let draft = bot_draft(&state, &text).await?;
    let edited = state.app.edit(&bot, &message, draft).await?;
    let json = message_json(&state, &edited, links(&state, &origin)).await?;
    Ok(Json(json).into_response())
}

/// `DELETE /rooms/{room}/{key}/messages/{id}`: own messages only (another's → 403).
pub async fn remove(
    State(state): State<AppState>,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    state.app.delete(&bot, &message).await?;
    Ok(no_content())
}

/// `POST /rooms/{room}/{key}/messages/{id}/boosts`: the raw body is the boost; `201` with the
/// original's boost JSON.
pub async fn boost(
    State(state): State<AppState>,
    origin: RequestOrigin,
    PathParams((room, key, id)): PathParams<(i64, String, i64)>,
    request: Request,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let content = BoostContent::cut_to_fit(&text_body(&state, request).await?)?;
    let boost = state.app.boost(&bot, &message, content).await?;
    let json = BotBoostJson::new(&boost, &bot, &message, links(&state, &origin));
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// `DELETE /rooms/{room}/{key}/messages/{id}/boosts/{boost}`: the bot's own boosts; another's
/// is 404, as in the original (it looks among the bot's boosts only).
pub async fn unboost(
    State(state): State<AppState>,
    PathParams((room, key, id, boost)): PathParams<(i64, String, i64, i64)>,
) -> ApiResult<Response> {
    let (bot, room, _) = bot_in_room(&state, room, &key).await?;
    let message = message_in(&state, &room, id).await?;
    let boost = match state.store.boost(BoostId(boost)).await {
        Ok(boost) if boost.message == message.id && boost.booster == bot.id => boost,
        _ => return Err(ApiError::not_found("boost")),
    };
    state.app.unboost(&bot, &boost).await?;
    Ok(no_content())
}

/// `GET /rooms/{room}/messages/{id}`, the original's form of a message's URL (the bot API's
/// `url`): to the permalink, which says what the reader may see.
pub async fn room_message(PathParams((room, id)): PathParams<(i64, i64)>) -> Response {
    axum::response::Redirect::to(&format!("/rooms/{room}/@{id}")).into_response()
}

/// `GET /messages/{id}`, the original's `Location` of a bot's post: to the permalink, for
/// someone who may read the room (the room of a message is not told to others).
pub async fn message(
    State(state): State<AppState>,
    authed: crate::auth::Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    Ok(axum::response::Redirect::to(&crate::wire::permalink(&message)).into_response())
}
