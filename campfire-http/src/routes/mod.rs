//! The router: every route of docs/api.md, and the helpers handlers share.

mod account;
mod bot_api;
mod live;
mod messages;
mod people;
mod push;
mod rooms;
mod search;
mod session;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::{Router, middleware};
use campfire_domain::{Room, RoomFacts, RoomId};
use serde::Serialize;

use crate::AppState;
use crate::auth::Authed;
use crate::client::identify;
use crate::error::{ApiError, ApiResult};
use crate::middleware::{guard_writes, log_requests, security_headers};
use campfire_store::app::AppError;

/// Posts as a bot from a webhook reply (never triggers webhooks itself).
pub(crate) async fn post_as_bot(
    state: &AppState,
    bot: &campfire_domain::User,
    room: &Room,
    client_id: campfire_domain::ClientMessageId,
    text: &str,
) -> ApiResult<campfire_store::Posted> {
    let draft = messages::draft(text)?;
    let origin = campfire_store::app::Origin::WebhookReply;
    Ok(state
        .app
        .post(bot, room.id, client_id, draft, origin)
        .await?)
}

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/bootstrap", get(session::bootstrap))
        .route("/first_run", post(session::first_run))
        .route("/join/{code}", get(session::join_info).post(session::join))
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/sessions", get(session::sessions))
        .route("/sessions/{id}", delete(session::end_session))
        .route("/transfer_link", post(session::transfer_link))
        .route("/transfer/{token}", post(session::transfer))
        .route("/users", get(people::users))
        .route("/users/{id}", get(people::user).patch(people::set_role))
        .route("/users/{id}/deactivate", post(people::deactivate))
        .route("/users/{id}/ban", post(people::ban))
        .route("/users/{id}/unban", post(people::unban))
        .route("/me", patch(people::update_me))
        .route("/account", get(account::show).patch(account::update))
        .route("/account/join_code", post(account::rotate_join_code))
        .route("/bots", get(account::bots).post(account::create_bot))
        .route(
            "/bots/{id}",
            patch(account::update_bot).delete(account::deactivate_bot),
        )
        .route("/bots/{id}/key", post(account::rotate_bot_key))
        .route("/rooms", get(rooms::list).post(rooms::create))
        .route("/rooms/direct", post(rooms::direct))
        .route(
            "/rooms/{id}",
            get(rooms::show).patch(rooms::update).delete(rooms::remove),
        )
        .route("/rooms/{id}/involvement", put(rooms::set_involvement))
        .route("/rooms/{id}/read", post(rooms::read))
        .route("/rooms/{id}/autocomplete", get(rooms::autocomplete))
        .route(
            "/rooms/{id}/messages",
            get(messages::history).post(messages::post),
        )
        .route(
            "/messages/{id}",
            patch(messages::edit).delete(messages::remove),
        )
        .route("/messages/{id}/boosts", post(messages::boost))
        .route("/boosts/{id}", delete(messages::unboost))
        .route("/search", get(search::search))
        .route(
            "/searches",
            get(search::recent)
                .post(search::record)
                .delete(search::clear),
        )
        .route("/push/key", get(push::key))
        .route("/push/subscriptions", get(push::list).post(push::subscribe))
        .route("/push/subscriptions/{id}", delete(push::unsubscribe))
        .route("/live", get(live::upgrade))
        .fallback(|| async { ApiError::not_found("route") });

    Router::new()
        .route("/up", get(up))
        .nest("/api", api)
        .route("/manifest.webmanifest", get(push::manifest))
        .route("/icons/{file}", get(push::icon))
        .route(
            "/rooms/{room}/{key}/messages",
            get(bot_api::list).post(bot_api::post),
        )
        .route(
            "/rooms/{room}/{key}/messages/{id}",
            put(bot_api::edit)
                .patch(bot_api::edit)
                .delete(bot_api::remove),
        )
        .route(
            "/rooms/{room}/{key}/messages/{id}/boosts",
            post(bot_api::boost),
        )
        .route(
            "/rooms/{room}/{key}/messages/{id}/boosts/{boost}",
            delete(bot_api::unboost),
        )
        .fallback(crate::static_files::serve)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                crate::ErrorCode::MethodNotAllowed,
                "this address does not take that method",
            )
        })
        .route_layer(middleware::from_fn(log_requests))
        .layer(middleware::from_fn_with_state(state.clone(), guard_writes))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), identify))
        .with_state(state)
}

/// O2: answers when the database answers.
async fn up(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store.last_event_seq().await {
        Ok(_) => "OK".into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `201 Created` with a JSON body.
fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `204 No Content`.
fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A room and what the policy needs to know about the caller's place in it. A room the caller
/// is not in is reported exactly like one that does not exist.
async fn room_for(state: &AppState, authed: &Authed, id: i64) -> ApiResult<(Room, RoomFacts)> {
    match state.app.room_for(&authed.user, RoomId(id)).await {
        Err(AppError::Store(campfire_store::StoreError::NotFound(_))) => {
            Err(ApiError::not_found("room"))
        }
        other => Ok(other?),
    }
}
