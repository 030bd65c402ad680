//! People: listing, profiles, roles, deactivation and bans (A6–A9).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use campfire_domain::{Bio, EmailAddress, PersonName, Role, UserId};
use campfire_store::ProfileChanges;
use campfire_store::app::{Caller, PasswordCheck};
use serde_json::json;

use super::no_content;
use crate::AppState;
use crate::ErrorCode;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::wire::{ProfileUpdate, RoleUpdate, UserJson};

/// Active people and bots.
pub async fn users(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let users: Vec<UserJson> = state
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.is_active())
        .map(|u| UserJson::new(u, authed.is_admin() || u.id == authed.user.id))
        .collect();
    Ok(Json(json!({ "users": users })).into_response())
}

/// A8: the banned people, for administrators to find and unban after a reload.
pub async fn banned(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    campfire_domain::authorize(&authed.actor(), &campfire_domain::Action::BanUser)?;
    let mut users: Vec<UserJson> = state
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.status == campfire_domain::UserStatus::Banned)
        .map(|u| UserJson::new(u, true))
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(json!({ "users": users })).into_response())
}

/// A profile; my own includes my rooms and their bells.
pub async fn user(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    let user = state.store.user(UserId(id)).await?;
    let me = user.id == authed.user.id;
    let json = UserJson::new(&user, me || authed.is_admin());
    if me {
        let rooms: Vec<_> = state
            .store
            .memberships_of(user.id)
            .await?
            .iter()
            .map(|m| json!({ "room_id": m.room.0, "involvement": m.involvement.as_str() }))
            .collect();
        return Ok(Json(json!({ "user": json, "rooms": rooms })).into_response());
    }
    Ok(Json(json!({ "user": json })).into_response())
}

/// A9: my name, bio, email and password.
pub async fn update_me(
    State(state): State<AppState>,
    authed: Authed,
    headers: axum::http::HeaderMap,
    ip: crate::client::Client,
    JsonBody(form): JsonBody<ProfileUpdate>,
) -> ApiResult<Response> {
    // A current password given is a password guess: it counts against the same per-address
    // limit as signing in (F7).
    if form.current_password.is_some() && !state.sign_ins.allow(ip.ip) {
        return Err(ApiError::new(
            ErrorCode::TooManyRequests,
            "too many password attempts; try again in a few minutes",
        ));
    }
    let changes = ProfileChanges {
        name: form.name.as_deref().map(PersonName::new).transpose()?,
        bio: form.bio.as_deref().map(Bio::new).transpose()?,
        email: form.email.as_deref().map(EmailAddress::new).transpose()?,
        avatar: None,
    };
    let check = PasswordCheck {
        current: form.current_password,
    };
    let (user, new_password) = state
        .app
        .update_profile(&authed.user, changes, form.password, check)
        .await?;
    if new_password {
        // Every session of theirs ended with the new password; this device gets a fresh one.
        return super::session::sign_in_as(
            &state,
            &user,
            &headers,
            &ip,
            axum::http::StatusCode::OK,
        )
        .await;
    }
    Ok(Json(json!({ "me": UserJson::new(&user, true) })).into_response())
}

/// A6: promote or demote.
pub async fn set_role(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    JsonBody(form): JsonBody<RoleUpdate>,
) -> ApiResult<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unprocessable,
            "the role must be member or administrator",
        )
    })?;
    let user = state
        .app
        .set_role(Caller::Person(&authed.user), UserId(id), role)
        .await?;
    Ok(Json(json!({ "user": UserJson::new(&user, true) })).into_response())
}

/// A7.
pub async fn deactivate(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state
        .app
        .deactivate(Caller::Person(&authed.user), UserId(id))
        .await?;
    Ok(no_content())
}

/// A8.
pub async fn ban(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state
        .app
        .ban(Caller::Person(&authed.user), UserId(id))
        .await?;
    Ok(no_content())
}

/// A8: restores the account, not the messages.
pub async fn unban(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state
        .app
        .unban(Caller::Person(&authed.user), UserId(id))
        .await?;
    Ok(no_content())
}
