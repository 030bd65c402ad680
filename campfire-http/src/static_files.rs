//! The embedded browser app and the project's own assets, with content types and cache headers.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;

/// The Vite build, made by build.rs.
#[derive(RustEmbed)]
#[folder = "$OUT_DIR/frontend"]
#[exclude = "*.map"]
struct App;

/// Sounds, `/play` pictures and icons (`assets/`).
#[derive(RustEmbed)]
#[folder = "../assets"]
#[include = "sounds/*"]
#[include = "play/*"]
#[include = "icons/*"]
struct Media;

/// Serves a file of the app or the assets, or the app's index for client-side routes.
pub async fn serve(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::not_found("page").into_response();
    }
    let path = uri.path().trim_start_matches('/');
    if let Some(media) = path.strip_prefix("assets/").and_then(Media::get) {
        return file(media, "public, max-age=604800");
    }
    if !path.is_empty()
        && let Some(asset) = App::get(path)
    {
        // Vite's hashed bundles never change; everything else is revalidated.
        let cache = if path.starts_with("static/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return file(asset, cache);
    }
    if path.starts_with("api/") || path.starts_with("assets/") || path.starts_with("static/") {
        return ApiError::not_found("file").into_response();
    }
    match App::get("index.html") {
        Some(index) => file(index, "no-cache"),
        None => (
            StatusCode::NOT_FOUND,
            "the browser app is missing from this build",
        )
            .into_response(),
    }
}

fn file(file: rust_embed::EmbeddedFile, cache: &'static str) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(&mime) {
        headers.insert(CONTENT_TYPE, mime);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
