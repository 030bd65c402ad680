//! Web Push subscriptions (N1) and the installable app's manifest and icons (O5).

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use campfire_domain::{PushKeys, PushSubscriptionId};
use serde_json::json;

use super::{created, no_content};
use crate::AppState;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::wire::{PushKeyJson, PushSubscriptionJson, PushSubscriptionRequest};
use crate::{ErrorCode, outbox};

/// The longest endpoint URL accepted (real ones are a few hundred characters).
const MAX_ENDPOINT: usize = 2048;

/// The VAPID key, when push is on; otherwise the polite "not enabled" of O6.
fn vapid(state: &AppState) -> ApiResult<&campfire_domain::VapidKey> {
    match (&state.config.push.vapid, state.config.features.push) {
        (Some(key), true) => Ok(key),
        _ => Err(ApiError::new(
            ErrorCode::NotFound,
            "push notifications are not enabled on this server",
        )),
    }
}

/// `GET /api/push/key`: the `applicationServerKey` to subscribe with.
pub async fn key(State(state): State<AppState>, _authed: Authed) -> ApiResult<Response> {
    let key = vapid(&state)?;
    Ok(Json(PushKeyJson {
        public_key: key.public_key(),
    })
    .into_response())
}

/// `GET /api/push/subscriptions`: my subscribed browsers.
pub async fn list(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    vapid(&state)?;
    let subscriptions = state.store.push_subscriptions_of(authed.user.id).await?;
    let list: Vec<PushSubscriptionJson> = subscriptions
        .iter()
        .map(|s| PushSubscriptionJson::new(s, authed.session.id))
        .collect();
    Ok(Json(json!({ "subscriptions": list })).into_response())
}

/// Checks an endpoint: an https URL (http and private addresses only when the server allows
/// them, for a push service on loopback in tests), of a sane length, with no credentials,
/// whose host does not resolve to a private address (R8: a name, not just a literal, may
/// point at loopback). The delivery worker checks it again through the same guard before each
/// push.
async fn endpoint(state: &AppState, raw: &str) -> ApiResult<String> {
    let refuse = |why: &str| ApiError::new(ErrorCode::Unprocessable, why.to_owned());
    if raw.len() > MAX_ENDPOINT {
        return Err(refuse("the push endpoint is too long"));
    }
    let url = reqwest::Url::parse(raw).map_err(|_| refuse("the push endpoint is not a URL"))?;
    let allow_private = state.config.push.allow_private;
    let scheme_ok = url.scheme() == "https" || (allow_private && url.scheme() == "http");
    if !scheme_ok {
        return Err(refuse("the push endpoint must be an https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("the push endpoint must not carry credentials"));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| refuse("the push endpoint has no host"))?;
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let private_literal = match literal.parse::<std::net::IpAddr>() {
        Ok(ip) => !outbox::is_public(ip),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if private_literal && !allow_private {
        return Err(refuse("the push endpoint is not on the public internet"));
    }
    // A name that does not resolve now may later (the worker checks before every push); one
    // that resolves to a private address is refused now.
    match outbox::check_target(url.as_str(), allow_private).await {
        Ok(_) | Err(outbox::Refused::Unresolved) => Ok(url.to_string()),
        Err(outbox::Refused::Private) => {
            Err(refuse("the push endpoint is not on the public internet"))
        }
        Err(outbox::Refused::BadUrl) => Err(refuse("the push endpoint is not a URL")),
    }
}

/// `POST /api/push/subscriptions`: registers this browser under this sign-in.
pub async fn subscribe(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(request): JsonBody<PushSubscriptionRequest>,
) -> ApiResult<Response> {
    vapid(&state)?;
    let endpoint = endpoint(&state, &request.endpoint).await?;
    let keys = PushKeys::parse(&request.keys.p256dh, &request.keys.auth)?;
    let subscription = state
        .app
        .subscribe_to_push(authed.user.id, authed.session.id, endpoint, keys)
        .await?;
    Ok(created(PushSubscriptionJson::new(
        &subscription,
        authed.session.id,
    )))
}

/// `DELETE /api/push/subscriptions/{id}`: forgets one of my browsers. Someone else's is 404.
pub async fn unsubscribe(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state
        .app
        .unsubscribe_from_push(authed.user.id, PushSubscriptionId(id))
        .await?;
    Ok(no_content())
}

/// `GET /manifest.webmanifest` (O5): the account's name and the app's icons, so the app can be
/// installed. Served before first run too ("Campfire").
pub async fn manifest(State(state): State<AppState>) -> ApiResult<Response> {
    let account = state.store.account().await?;
    let name = account
        .as_ref()
        .map_or_else(|| "Campfire".to_owned(), |a| a.name.to_string());
    let icon = |side| crate::wire::icon_url(account.as_ref(), side);
    let body = json!({
        "name": name,
        "short_name": name,
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#1c1a18",
        "theme_color": "#c8531f",
        "icons": [
            { "src": icon(192), "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": icon(512), "sizes": "512x512", "type": "image/png", "purpose": "any" },
        ],
    });
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/manifest+json"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// `GET /icons/icon-{32,180,192,512}.png`: the app icon: the account's logo (A11) when it has
/// one, else Campfire's own, drawn by [`crate::icons`]. The favicon, the installed app's icon
/// and the push icon.
pub async fn icon(State(state): State<AppState>, PathParams(file): PathParams<String>) -> Response {
    let size = match file.as_str() {
        "icon-32.png" => 32,
        "icon-180.png" => 180,
        "icon-192.png" => 192,
        "icon-512.png" => 512,
        _ => return ApiError::not_found("icon").into_response(),
    };
    let logo = match state.store.account().await {
        Ok(account) => account.and_then(|a| a.logo),
        Err(error) => return ApiError::from(error).into_response(),
    };
    let png = match logo {
        Some(logo) => match crate::files::logo_icon(&state, &logo, size).await {
            Ok(png) => png,
            Err(error) => return error.into_response(),
        },
        None => crate::icons::png(size),
    };
    let mut response = (StatusCode::OK, png).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=604800"),
    );
    response
}
