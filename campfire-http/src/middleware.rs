//! What applies to every request: same-origin writes, banned addresses, security headers.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::same_origin;
use crate::client::Client;
use crate::error::ApiError;
use crate::{AppState, ErrorCode};

/// The Content-Security-Policy: our own scripts only; inline styles for custom CSS (A11).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Refuses cross-site state changes under `/api/` (CSRF) and writes from banned addresses (A8).
pub async fn guard_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes {
        if request.uri().path().starts_with("/api/")
            && !same_origin(request.method(), request.headers())
        {
            return ApiError::new(ErrorCode::Forbidden, "cross-site requests are not allowed")
                .into_response();
        }
        let peer = request
            .extensions()
            .get::<Client>()
            .map(|c| c.ip.to_string());
        if let Some(ip) = peer {
            match state.store.is_banned_ip(&ip).await {
                Ok(true) => {
                    return ApiError::new(
                        ErrorCode::TooManyRequests,
                        "writes from this address are not allowed",
                    )
                    .into_response();
                }
                Ok(false) => {}
                Err(error) => return ApiError::from(error).into_response(),
            }
        }
    }
    next.run(request).await
}

/// Logs each request by its route template, never its concrete path: paths can carry bot keys,
/// join codes and transfer tokens. No addresses, bodies or emails are logged either.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let took = started.elapsed();
    crate::metrics::request(&method, &route, response.status(), took);
    tracing::info!(%method, route, status = response.status().as_u16(), micros = took.as_micros() as u64, "request");
    response
}

/// HSTS (O4): browsers that reached us over HTTPS keep to it for a year.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let https = request
        .extensions()
        .get::<Client>()
        .is_some_and(|c| c.https);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    // A response may carry a stricter policy of its own (an SVG avatar: nothing at all).
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
