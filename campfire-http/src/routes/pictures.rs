//! Pictures (A10, A11): uploading and removing one's avatar, a bot's (administrators), and the
//! account's logo; and serving avatars to the app. Each upload is a multipart form with a
//! `picture` field, made a square of at most 512 pixels by the server.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use campfire_domain::{Action, BlobKey, Role, UserId, authorize};
use campfire_store::StoreError;
use campfire_store::app::Caller;
use serde_json::json;

use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::files::{self, serve};
use crate::wire::{AccountJson, UserJson};

/// `PUT /api/me/avatar`.
pub async fn put_mine(
    State(state): State<AppState>,
    authed: Authed,
    request: Request,
) -> ApiResult<Response> {
    let key = files::receive_picture(&state, request).await?;
    let me = state
        .app
        .set_avatar(Caller::Person(&authed.user), authed.user.id, Some(key))
        .await?;
    Ok(Json(json!({ "me": UserJson::new(&me, true) })).into_response())
}

/// `DELETE /api/me/avatar`: back to initials.
pub async fn delete_mine(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let me = state
        .app
        .set_avatar(Caller::Person(&authed.user), authed.user.id, None)
        .await?;
    Ok(Json(json!({ "me": UserJson::new(&me, true) })).into_response())
}

/// `PUT /api/bots/{id}/avatar` (administrators).
pub async fn put_bot(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    request: Request,
) -> ApiResult<Response> {
    // Who may, and which bot, before a picture is read and decoded for nothing.
    authorize(&authed.actor(), &Action::ManageBots)?;
    match state.store.user(UserId(id)).await {
        Ok(user) if user.role == Role::Bot => {}
        Ok(_) | Err(StoreError::NotFound(_)) => return Err(ApiError::not_found("bot")),
        Err(error) => return Err(error.into()),
    }
    let key = files::receive_picture(&state, request).await?;
    let bot = state
        .app
        .set_avatar(Caller::Person(&authed.user), UserId(id), Some(key))
        .await?;
    Ok(Json(json!({ "user": UserJson::new(&bot, false) })).into_response())
}

/// `DELETE /api/bots/{id}/avatar` (administrators).
pub async fn delete_bot(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let bot = state
        .app
        .set_avatar(Caller::Person(&authed.user), UserId(id), None)
        .await?;
    Ok(Json(json!({ "user": UserJson::new(&bot, false) })).into_response())
}

/// `PUT /api/account/logo` (administrators).
pub async fn put_logo(
    State(state): State<AppState>,
    authed: Authed,
    request: Request,
) -> ApiResult<Response> {
    authorize(&authed.actor(), &Action::ChangeAccountSettings)?;
    let key = files::receive_picture(&state, request).await?;
    let account = state
        .app
        .set_logo(Caller::Person(&authed.user), Some(key))
        .await?;
    Ok(Json(json!({ "account": AccountJson::from(&account) })).into_response())
}

/// `DELETE /api/account/logo` (administrators): back to Campfire's own icon.
pub async fn delete_logo(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let account = state
        .app
        .set_logo(Caller::Person(&authed.user), None)
        .await?;
    Ok(Json(json!({ "account": AccountJson::from(&account) })).into_response())
}

/// `GET /api/users/{id}/avatar`: someone's uploaded picture, for the signed-in app (the URL
/// carries `?v=` of the picture, so it is cached until it changes). No picture is 404: the app
/// draws initials.
pub async fn show(
    State(state): State<AppState>,
    _signed_in: Authed,
    PathParams(id): PathParams<i64>,
    request: Request,
) -> ApiResult<Response> {
    let user = match state.store.user(UserId(id)).await {
        Ok(user) => user,
        Err(StoreError::NotFound(_)) => return Err(ApiError::not_found("avatar")),
        Err(error) => return Err(error.into()),
    };
    let key = user.avatar.ok_or_else(|| ApiError::not_found("avatar"))?;
    picture(&state, &key, request.headers()).await
}

/// A stored picture (PNG, or JPEG when nothing is see-through) as a response.
pub(super) async fn picture(
    state: &AppState,
    key: &BlobKey,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let blobs = state.app.blobs();
    let mut head = [0u8; 8];
    if let Some(mut reader) = blobs.open(key, 0).await? {
        let _ = tokio::io::AsyncReadExt::read(&mut reader.bytes, &mut head).await;
    }
    serve::respond(
        blobs.as_ref(),
        serve::Served {
            blob: key,
            content_type: files::thumbnail_type(&head),
            name: None,
            inline: true,
        },
        headers,
    )
    .await
}
