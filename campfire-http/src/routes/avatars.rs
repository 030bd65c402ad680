//! A10 avatars at a URL of their own, for those outside the app: the bot API's `avatar_url`
//! (B2: the original's is always a URL, never null). Until a picture is uploaded the avatar is
//! the app's fallback, the person's initials on their colour, drawn as SVG.
//!
//! The address carries the id and a mark keyed with the server's secret, as the original's
//! carries a signed token: it can be handed to anyone (a bridge relaying messages elsewhere
//! fetches it without signing in) but not enumerated to list the people of a Campfire.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use campfire_domain::{User, UserId, avatar_colour, initials};
use campfire_store::StoreError;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParams;

/// The absolute URL of `user`'s avatar; `base` is the server's origin as the client sees it.
/// `v` changes with what the picture shows, so caches never keep a stale one.
pub fn avatar_url(signing_key: &[u8], base: &str, user: &User) -> String {
    let version = match &user.avatar {
        Some(key) => crate::wire::picture_version(key).to_owned(),
        None => format!("{:08x}", crc32fast::hash(user.name.as_str().as_bytes())),
    };
    format!(
        "{base}/users/{}-{}/avatar?v={version}",
        user.id.0,
        mark(signing_key, user.id)
    )
}

/// 16 hex digits of SHA-256 over the secret and the id.
fn mark(signing_key: &[u8], user: UserId) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(b"avatar\0");
    digest.update(signing_key);
    digest.update(b"\0");
    digest.update(user.0.to_string().as_bytes());
    digest
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The user a path token names, if its mark is right.
fn user_of(signing_key: &[u8], token: &str) -> Option<UserId> {
    let (id, given) = token.split_once('-')?;
    let id = UserId(id.parse().ok()?);
    let same = super::bot_api::constant_time_eq(mark(signing_key, id).as_bytes(), given.as_bytes());
    same.then_some(id)
}

/// `GET /users/{token}/avatar`: the picture, or 404 for a wrong token or an unknown person.
pub async fn show(
    State(state): State<AppState>,
    PathParams(token): PathParams<String>,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("avatar");
    let id = user_of(&state.config.signing_key, &token).ok_or_else(not_found)?;
    let user = match state.store.user(id).await {
        Ok(user) => user,
        Err(StoreError::NotFound(_)) => return Err(not_found()),
        Err(error) => return Err(error.into()),
    };
    if let Some(key) = &user.avatar {
        return super::pictures::picture(&state, key, request.headers()).await;
    }
    let mut response = (StatusCode::OK, initials_svg(&user)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    // The URL changes with the picture, so it may be kept; an hour bounds a renamed person's
    // old initials in a cache that ignores the query.
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    // An SVG opened on its own is a document: it must not run anything.
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(response)
}

/// The initials (two at most, as the app shows them) on the person's colour.
fn initials_svg(user: &User) -> String {
    let letters: String = initials(user.name.as_str()).chars().take(2).collect();
    let escaped = letters
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">"#,
            r#"<rect width="512" height="512" rx="256" fill="{colour}"/>"#,
            r##"<text x="256" y="256" dy="0.35em" text-anchor="middle" fill="#fff" "##,
            r#"font-family="system-ui, sans-serif" font-size="200" font-weight="600">{letters}</text>"#,
            "</svg>"
        ),
        colour = avatar_colour(user.id),
        letters = escaped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_mark_made_with_the_secret_opens_an_avatar() {
        let token = format!("7-{}", mark(b"secret", UserId(7)));
        assert_eq!(user_of(b"secret", &token), Some(UserId(7)));
        assert_eq!(user_of(b"another secret", &token), None);
        assert_eq!(user_of(b"secret", "8-0000000000000000"), None);
        let other = format!("8-{}", &token[2..]);
        assert_eq!(user_of(b"secret", &other), None, "a mark is for one id");
        assert_eq!(user_of(b"secret", "7"), None);
        assert_eq!(user_of(b"secret", "x-y"), None);
    }
}
