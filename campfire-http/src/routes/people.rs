//! People: listing, profiles, roles, deactivation and bans (A6–A9).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use campfire_domain::{Bio, EmailAddress, PersonName, Role, UserId};
use campfire_store::ProfileChanges;
use campfire_store::app::Caller;
use serde_json::json;

use super::no_content;
use crate::AppState;
use crate::ErrorCode;
use crate::auth::{Authed, hash_password, verify_password};
use crate::body::JsonBody;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::live::Input;
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
    ip: crate::auth::ClientIp,
    JsonBody(form): JsonBody<ProfileUpdate>,
) -> ApiResult<Response> {
    let changes = ProfileChanges {
        name: form.name.as_deref().map(PersonName::new).transpose()?,
        bio: form.bio.as_deref().map(Bio::new).transpose()?,
        email: form.email.as_deref().map(EmailAddress::new).transpose()?,
    };
    let sensitive = changes
        .email
        .as_ref()
        .is_some_and(|e| Some(e) != authed.user.email.as_ref())
        || form.password.is_some();
    if sensitive {
        let current = form.current_password.clone().unwrap_or_default();
        let stored = state.store.password_hash(authed.user.id).await?;
        if !verify_password(current, stored).await {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "your current password is needed to change your email or password",
            ));
        }
    }
    let new_hash = match form.password {
        Some(password) => {
            campfire_domain::password::check_new(&password)?;
            Some(hash_password(password).await?)
        }
        None => None,
    };
    let user = state
        .store
        .update_profile(authed.user.id, changes, now())
        .await?;
    state.live.nudge();
    if let Some(hash) = new_hash {
        // A new password ends every session (other devices are signed out at once); this
        // device gets a fresh one.
        let sessions = state.store.sessions_of(user.id).await?;
        state.store.set_password(user.id, hash, now()).await?;
        for session in sessions {
            state.live.send(Input::EndSession {
                session: session.id,
            });
        }
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
