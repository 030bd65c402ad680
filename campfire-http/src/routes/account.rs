//! Account settings, the join link and bots (A2, A11, B1).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use campfire_domain::{
    AccountName, Action, CustomCss, PersonName, Role, User, UserId, authorize, webhook_url,
};
use campfire_store::AccountChanges;
use campfire_store::app::{BotChanges, Caller};
use serde_json::{Value, json};

use super::{created, no_content};
use crate::AppState;
use crate::auth::Authed;
use crate::body::JsonBody;
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

/// A2: the join link, for everyone signed in to share (as in the original, where every member
/// sees it in All Talk); only administrators make a new one.
pub async fn join_link(State(state): State<AppState>, _signed_in: Authed) -> ApiResult<Response> {
    let account = state
        .store
        .account()
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    Ok(Json(json!({ "join_path": format!("/join/{}", account.join_code) })).into_response())
}

/// A11.
pub async fn update(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<AccountUpdate>,
) -> ApiResult<Response> {
    let changes = AccountChanges {
        name: form.name.as_deref().map(AccountName::new).transpose()?,
        custom_css: form.custom_css.as_deref().map(CustomCss::new).transpose()?,
        only_admins_create_rooms: form.only_admins_create_rooms,
        logo: None,
    };
    let account = state
        .app
        .update_account(Caller::Person(&authed.user), changes)
        .await?;
    Ok(Json(json!({ "account": AccountJson::from(&account) })).into_response())
}

/// A2: a new join code; the old link stops working at once.
pub async fn rotate_join_code(
    State(state): State<AppState>,
    authed: Authed,
) -> ApiResult<Response> {
    let account = state
        .app
        .rotate_join_code(Caller::Person(&authed.user))
        .await?;
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

/// A webhook this server would refuse to call (B2: loopback, a local network), refused when it
/// is saved rather than failing at every delivery; only `--allow-private-webhooks` allows it. A
/// name that does not resolve now is kept: it may later, and each delivery checks again.
async fn reachable_webhook(state: &AppState, url: Option<&str>) -> ApiResult<()> {
    let Some(url) = url.filter(|u| !u.is_empty()) else {
        return Ok(());
    };
    if state.config.push.allow_private {
        return Ok(());
    }
    match crate::outbox::check_target(url, false).await {
        Err(crate::outbox::Refused::Private) => Err(ApiError::new(
            crate::ErrorCode::Unprocessable,
            "that webhook address is on this machine or a private network, which this server \
             does not call; use a public address, or start the server with \
             --allow-private-webhooks",
        )),
        _ => Ok(()),
    }
}

/// B1: a new bot.
pub async fn create_bot(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(form): JsonBody<BotUpdate>,
) -> ApiResult<Response> {
    let name = PersonName::new(form.name.as_deref().unwrap_or_default())?;
    let webhook = form
        .webhook_url
        .as_deref()
        .map(webhook_url)
        .transpose()?
        .flatten();
    reachable_webhook(&state, webhook.as_deref()).await?;
    let user = state
        .app
        .create_bot(Caller::Person(&authed.user), name, webhook)
        .await?;
    Ok(created(json!({ "bot": bot_json(&state, &user).await? })))
}

/// B1: rename a bot or change its webhook.
pub async fn update_bot(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<BotUpdate>,
) -> ApiResult<Response> {
    let changes = BotChanges {
        name: form.name.as_deref().map(PersonName::new).transpose()?,
        webhook_url: form.webhook_url.as_deref().map(webhook_url).transpose()?,
    };
    let new_url = changes.webhook_url.as_ref().and_then(|w| w.as_ref());
    reachable_webhook(&state, new_url.map(|u| u.as_str())).await?;
    let bot = state
        .app
        .update_bot(Caller::Person(&authed.user), UserId(id), changes)
        .await?;
    Ok(Json(json!({ "bot": bot_json(&state, &bot).await? })).into_response())
}

/// B1: a new key; the old one stops working at once.
pub async fn rotate_bot_key(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let bot = state
        .app
        .rotate_bot_key(Caller::Person(&authed.user), UserId(id))
        .await?;
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
