//! First run, joining, signing in and out, sessions and transfer links (A1–A5).

use axum::Json;
use axum::extract::State;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use campfire_domain::{SessionId, User, UserId};
use campfire_store::app;
use campfire_store::{NewSession, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{created, no_content};
use crate::AppState;
use crate::ErrorCode;
use crate::auth::{
    Authed, authenticate, clear_cookie, hash_token, new_token, session_cookie, session_token,
};
use crate::body::JsonBody;
use crate::client::Client;
use crate::clock::{now, rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;
use crate::wire::{AccountJson, SessionJson, SignIn, SignUp, TransferRequest, UserJson};

/// How long a transfer link works (A5).
const TRANSFER_LIFETIME_SECS: u64 = 4 * 60 * 60;

/// The app's first call: is it set up, who am I, what is on.
pub async fn bootstrap(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let account = state.store.account().await?;
    let me = match session_token(&headers) {
        Some(token) => authenticate(&state, &token).await?,
        None => None,
    };
    let seq = state.store.last_event_seq().await?;
    Ok(Json(json!({
        "setup_required": account.is_none(),
        "account": account.as_ref().map(AccountJson::from),
        "features": state.config.features,
        "me": me.map(|a| UserJson::new(&a.user, true)),
        "seq": seq.0,
    }))
    .into_response())
}

/// A sign-up form, checked.
fn sign_up(form: &SignUp) -> ApiResult<app::SignUp> {
    Ok(app::SignUp::new(&form.name, &form.email, &form.password)?)
}

/// Signs `user` in: a new session, and its cookie on `response`.
pub(super) async fn sign_in_as(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    ip: &Client,
    status: StatusCode,
) -> ApiResult<Response> {
    let token = new_token()?;
    let user_agent: String = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown browser")
        .chars()
        .take(256)
        .collect();
    state
        .store
        .create_session(NewSession {
            user: user.id,
            token_hash: hash_token(&token),
            user_agent,
            ip: ip.ip.to_string(),
            at: now(),
        })
        .await?;
    let mut response = (status, Json(json!({ "me": UserJson::new(user, true) }))).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session_cookie(&token, ip.https));
    Ok(response)
}

/// A1.
pub async fn first_run(
    State(state): State<AppState>,
    headers: HeaderMap,
    ip: Client,
    JsonBody(form): JsonBody<SignUp>,
) -> ApiResult<Response> {
    // Behind a trusted proxy, which names reach us is the proxy's to decide.
    if !state.config.trust_proxy && !crate::auth::may_set_up_from(&headers, &state.config.hosts) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "set Campfire up by its address (such as http://127.0.0.1:3000), or start the \
             server with --host and the name you use for it",
        ));
    }
    let setup = state.app.first_run(sign_up(&form)?).await?;
    sign_in_as(&state, &setup.admin, &headers, &ip, StatusCode::CREATED).await
}

/// A2: what the join page shows.
pub async fn join_info(
    State(state): State<AppState>,
    PathParams(code): PathParams<String>,
) -> ApiResult<Response> {
    let account = state.app.account_for_join_code(&code).await?;
    Ok(Json(json!({ "account_name": account.name.to_string() })).into_response())
}

/// A2: signing up through the join link.
pub async fn join(
    State(state): State<AppState>,
    PathParams(code): PathParams<String>,
    headers: HeaderMap,
    ip: Client,
    JsonBody(form): JsonBody<SignUp>,
) -> ApiResult<Response> {
    let user = state.app.join(&code, sign_up(&form)?).await?;
    sign_in_as(&state, &user, &headers, &ip, StatusCode::CREATED).await
}

/// A3: one generic answer for every failure, so nobody learns which emails exist.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ip: Client,
    JsonBody(form): JsonBody<SignIn>,
) -> ApiResult<Response> {
    if !state.sign_ins.allow(ip.ip) {
        return Err(ApiError::new(
            ErrorCode::TooManyRequests,
            "too many sign-in attempts; try again in a few minutes",
        ));
    }
    let refused = || {
        ApiError::new(
            ErrorCode::Unauthorized,
            "that email and password didn't work",
        )
    };
    match state.app.sign_in(&form.email, form.password).await? {
        Some(user) => sign_in_as(&state, &user, &headers, &ip, StatusCode::OK).await,
        None => Err(refused()),
    }
}

/// A3: ends this session server-side.
pub async fn sign_out(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    state
        .app
        .end_session(&authed.user, authed.session.id)
        .await?;
    let mut response = no_content();
    response.headers_mut().insert(SET_COOKIE, clear_cookie());
    Ok(response)
}

/// A4: my sessions.
pub async fn sessions(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    let sessions = state.store.sessions_of(authed.user.id).await?;
    let list: Vec<SessionJson> = sessions
        .iter()
        .map(|s| SessionJson::new(s, s.id == authed.session.id))
        .collect();
    Ok(Json(json!({ "sessions": list })).into_response())
}

/// A4: signs one of my devices out.
pub async fn end_session(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
) -> ApiResult<Response> {
    state.app.end_session(&authed.user, SessionId(id)).await?;
    Ok(no_content())
}

#[derive(Debug, Serialize, Deserialize)]
struct TransferClaims {
    sub: i64,
    jti: String,
    exp: u64,
    /// The password the link was made under ([`password_mark`]): a new password voids it.
    pwd: String,
    /// The session that made a link for its own person: signing that session out voids it.
    sid: Option<i64>,
}

/// What a transfer link remembers of its person's password: enough to notice a change, nothing
/// that helps guess it (the link's claims are readable; this is keyed with the server's secret).
fn password_mark(signing_key: &[u8], password_hash: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(b"transfer-link\0");
    digest.update(signing_key);
    digest.update(b"\0");
    digest.update(password_hash.unwrap_or_default().as_bytes());
    digest
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A5: a single-use sign-in link for myself, or (administrators) for someone else.
pub async fn transfer_link(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(body): JsonBody<TransferRequest>,
) -> ApiResult<Response> {
    let target = body.user_id.map_or(authed.user.id, UserId);
    if target != authed.user.id {
        authed.require_admin()?;
    }
    let user = state.store.user(target).await?;
    if !user.is_active() || user.role == campfire_domain::Role::Bot {
        return Err(ApiError::new(
            ErrorCode::Unprocessable,
            "only active people can sign in",
        ));
    }
    let expires = now().0 / 1000 + i64::try_from(TRANSFER_LIFETIME_SECS).unwrap_or(0);
    let password = state.store.password_hash(target).await?;
    let claims = TransferClaims {
        sub: target.0,
        jti: new_token()?,
        exp: u64::try_from(expires).unwrap_or(0),
        pwd: password_mark(&state.config.signing_key, password.as_deref()),
        sid: (target == authed.user.id).then_some(authed.session.id.0),
    };
    let key = jsonwebtoken::EncodingKey::from_secret(&state.config.signing_key);
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
        .map_err(|e| ApiError::internal(&e))?;
    Ok(created(json!({
        "url": format!("/transfer/{token}"),
        "expires_at": rfc3339(campfire_domain::Timestamp(expires * 1000)),
    })))
}

/// A5: following a transfer link signs in, once.
pub async fn transfer(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
    headers: HeaderMap,
    ip: Client,
) -> ApiResult<Response> {
    let invalid = || ApiError::not_found("sign-in link (it may have been used or expired)");
    let key = jsonwebtoken::DecodingKey::from_secret(&state.config.signing_key);
    let validation = jsonwebtoken::Validation {
        leeway: 0,
        ..jsonwebtoken::Validation::default()
    };
    let claims = jsonwebtoken::decode::<TransferClaims>(&token, &key, &validation)
        .map_err(|_| invalid())?
        .claims;
    let user = match state.store.user(UserId(claims.sub)).await {
        Ok(user) if user.is_active() => user,
        Ok(_) | Err(StoreError::NotFound(_)) => return Err(invalid()),
        Err(error) => return Err(error.into()),
    };
    // F3: a link outlives neither a new password nor the session that made it.
    let password = state.store.password_hash(user.id).await?;
    if claims.pwd != password_mark(&state.config.signing_key, password.as_deref()) {
        return Err(invalid());
    }
    if let Some(sid) = claims.sid {
        let sessions = state.store.sessions_of(user.id).await?;
        if !sessions.iter().any(|s| s.id.0 == sid) {
            return Err(invalid());
        }
    }
    if !state.store.use_token_once(&claims.jti, now()).await? {
        return Err(invalid());
    }
    sign_in_as(&state, &user, &headers, &ip, StatusCode::OK).await
}
