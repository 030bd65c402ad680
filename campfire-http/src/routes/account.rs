//! Account settings, the join link and bots (A2, A11, B1).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use campfire_domain::{AccountName, Action, CustomCss, PersonName, Role, User, UserId, authorize};
use campfire_store::app::{Caller, random};
use campfire_store::{AccountChanges, NewBot, ProfileChanges};
use serde_json::{Value, json};

use super::{created, no_content};
use crate::AppState;
use crate::ErrorCode;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::wire::{AccountJson, AccountUpdate, BotUpdate, UserJson};

/// The settings page's data.
pub async fn show(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ChangeAccountSettings)?;
    let account = state
        .store
        .account()
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    Ok(Json(json!({ "account": AccountJson::from(&account), "join_path": format!("/join/{}", account.join_code) })).into_response())
}

/// A11.
pub async fn update(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<AccountUpdate>,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ChangeAccountSettings)?;
    let changes = AccountChanges {
        name: form.name.as_deref().map(AccountName::new).transpose()?,
        custom_css: form.custom_css.as_deref().map(CustomCss::new).transpose()?,
        only_admins_create_rooms: form.only_admins_create_rooms,
    };
    let account = state.store.update_account(changes, now()).await?;
    state.live.nudge();
    Ok(Json(json!({ "account": AccountJson::from(&account) })).into_response())
}

/// A2: a new join code; the old link stops working at once.
pub async fn rotate_join_code(
    State(state): State<AppState>,
    authed: Authed,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::RotateJoinCode)?;
    let code = random::join_code().map_err(|e| ApiError::internal(&e))?;
    let account = state.store.rotate_join_code(code, now()).await?;
    state.live.nudge();
    Ok(Json(json!({ "join_path": format!("/join/{}", account.join_code) })).into_response())
}

async fn bot_json(state: &AppState, bot: &User) -> ApiResult<Value> {
    let webhook = state.store.webhook(bot.id).await?.map(|w| w.url);
    let key = bot
        .bot_token
        .as_ref()
        .map(|t| format!("{}-{}", bot.id, t.as_str()));
    let stats = state.store.delivery_stats(bot.id).await?;
    let deliveries = json!({
        "delivered": stats.delivered,
        "pending": stats.pending,
        "failed": stats.failed,
        "last_attempt_at": stats.last_attempt_at.map(crate::clock::rfc3339),
        "last_error": stats.last_error,
        "circuit": stats.circuit,
    });
    Ok(
        json!({ "user": UserJson::new(bot, false), "key": key, "webhook_url": webhook, "deliveries": deliveries }),
    )
}

fn webhook_url(raw: Option<String>) -> ApiResult<Option<String>> {
    match raw.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(url)
            if (url.starts_with("http://") || url.starts_with("https://")) && url.len() <= 2048 =>
        {
            Ok(Some(url))
        }
        Some(_) => Err(ApiError::new(
            ErrorCode::Unprocessable,
            "the webhook must be an http:// or https:// URL",
        )),
    }
}

async fn bot_of(state: &AppState, id: i64) -> ApiResult<User> {
    let user = state.store.user(UserId(id)).await?;
    if user.role != Role::Bot {
        return Err(ApiError::not_found("bot"));
    }
    Ok(user)
}

/// B1: the bots list.
pub async fn bots(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ManageBots)?;
    let mut list = Vec::new();
    for bot in state
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.role == Role::Bot && u.is_active())
    {
        list.push(bot_json(&state, bot).await?);
    }
    Ok(Json(json!({ "bots": list })).into_response())
}

/// B1: a new bot.
pub async fn create_bot(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<BotUpdate>,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ManageBots)?;
    let name = PersonName::new(form.name.as_deref().unwrap_or_default())?;
    let token = random::bot_token().map_err(|e| ApiError::internal(&e))?;
    let bot = NewBot {
        name,
        token,
        webhook_url: webhook_url(form.webhook_url)?,
    };
    let user = state.store.create_bot(bot, now()).await?;
    state.live.nudge();
    Ok(created(json!({ "bot": bot_json(&state, &user).await? })))
}

/// B1: rename a bot or change its webhook.
pub async fn update_bot(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<BotUpdate>,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ManageBots)?;
    let mut bot = bot_of(&state, id).await?;
    if let Some(name) = form.name.as_deref() {
        let changes = ProfileChanges {
            name: Some(PersonName::new(name)?),
            ..ProfileChanges::default()
        };
        bot = state.store.update_profile(bot.id, changes, now()).await?;
    }
    if let Some(url) = form.webhook_url {
        state
            .store
            .set_webhook(bot.id, webhook_url(Some(url))?)
            .await?;
    }
    state.live.nudge();
    Ok(Json(json!({ "bot": bot_json(&state, &bot).await? })).into_response())
}

/// B1: a new key; the old one stops working at once.
pub async fn rotate_bot_key(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ManageBots)?;
    let bot = bot_of(&state, id).await?;
    let token = random::bot_token().map_err(|e| ApiError::internal(&e))?;
    let bot = state.store.rotate_bot_token(bot.id, token, now()).await?;
    Ok(Json(json!({ "bot": bot_json(&state, &bot).await? })).into_response())
}

/// B1: removes a bot (deactivates it; its messages stay).
pub async fn deactivate_bot(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state
        .app
        .deactivate_bot(Caller::Person(&authed.user), UserId(id))
        .await?;
    Ok(no_content())
}
