//! The embedded browser app and the project's own assets, with content types and cache headers.
//! The app's text files are embedded also as brotli and gzip (made by the front end's build,
//! `frontend/build-plugins.ts`) and sent that way to browsers that accept it. Every file carries
//! an `ETag` (its content's hash, made at build time), so a browser revalidating one it has
//! (`no-cache` files, the emoji picker's data) gets `304 Not Modified` and no body.

use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LINK, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
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
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::not_found("page").into_response();
    }
    let path = uri.path().trim_start_matches('/');
    if let Some(media) = path.strip_prefix("assets/").and_then(Media::get) {
        return file(media, "public, max-age=604800", &headers);
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
        return app_file(path, asset, cache, &headers);
    }
    if path.starts_with("api/") || path.starts_with("assets/") || path.starts_with("static/") {
        return ApiError::not_found("file").into_response();
    }
    match App::get("index.html") {
        Some(index) => {
            let mut response = app_file("index.html", index, "no-cache", &headers);
            if let Some(links) = preloads(path, &headers) {
                response.headers_mut().insert(LINK, links);
            }
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            "the browser app is missing from this build",
        )
            .into_response(),
    }
}

/// What a signed-in page asks for first, for the browser to fetch while the script still loads
/// (a `Link: rel=preload` header): the rooms and people every screen needs, and a room's newest
/// messages when the page is that room. Each is a round trip saved on a slow phone link. Only
/// with a session cookie (valid or not: a stale one's 401 sends the app to sign-in anyway).
fn preloads(path: &str, headers: &HeaderMap) -> Option<HeaderValue> {
    let signed_in = crate::auth::session_token(headers).is_some();
    if !signed_in {
        return None;
    }
    let fetch = |url: &str| format!("<{url}>; rel=preload; as=fetch; crossorigin=anonymous");
    let mut links = vec![
        fetch("/api/bootstrap"),
        fetch("/api/rooms"),
        fetch("/api/users"),
    ];
    // `/rooms/7`, not a permalink (`/rooms/7/@42`, which asks for another page) or a form.
    if let Some(room) = path.strip_prefix("rooms/")
        && !room.is_empty()
        && room.bytes().all(|b| b.is_ascii_digit())
    {
        links.push(fetch(&format!("/api/rooms/{room}/messages")));
    }
    HeaderValue::from_str(&links.join(", ")).ok()
}

/// A file of the app, precompressed when the browser takes it so and the build made it.
fn app_file(
    path: &str,
    plain: rust_embed::EmbeddedFile,
    cache: &'static str,
    headers: &HeaderMap,
) -> Response {
    let accepted = Accepted::from(headers);
    let variants = [("br", "br", accepted.brotli), ("gzip", "gz", accepted.gzip)];
    for (encoding, suffix, wanted) in variants {
        if !wanted {
            continue;
        }
        let Some(packed) = App::get(&format!("{path}.{suffix}")) else {
            continue;
        };
        let mut response = file(packed, cache, headers);
        let headers = response.headers_mut();
        // The type is the plain file's, not that of `.br`/`.gz`.
        if let Ok(mime) = HeaderValue::from_str(plain.metadata.mimetype()) {
            headers.insert(CONTENT_TYPE, mime);
        }
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
        return response;
    }
    let compressible = App::get(&format!("{path}.gz")).is_some();
    let mut response = file(plain, cache, headers);
    if compressible {
        response
            .headers_mut()
            .insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    response
}

/// Which of our two encodings `Accept-Encoding` allows (`q=0` refuses one; `*` allows both).
#[derive(Debug, Default, PartialEq, Eq)]
struct Accepted {
    brotli: bool,
    gzip: bool,
}

impl From<&HeaderMap> for Accepted {
    fn from(headers: &HeaderMap) -> Accepted {
        // Each coding named, with whether its weight allows it.
        let codings: Vec<(String, bool)> = headers
            .get_all(ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|item| {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (name, !refused)
            })
            .collect();
        let allows = |names: &[&str]| {
            let named = codings.iter().find(|(n, _)| names.contains(&n.as_str()));
            let any = codings.iter().find(|(n, _)| n == "*");
            named.or(any).is_some_and(|(_, yes)| *yes)
        };
        Accepted {
            brotli: allows(&["br"]),
            gzip: allows(&["gzip", "x-gzip"]),
        }
    }
}

/// One embedded file as sent: its bytes, or `304` when the request already has them.
fn file(file: rust_embed::EmbeddedFile, cache: &'static str, request: &HeaderMap) -> Response {
    let etag = etag(&file.metadata);
    let mut response = if has_current(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mime = file.metadata.mimetype().to_owned();
        let mut response = file.data.into_owned().into_response();
        if let Ok(mime) = HeaderValue::from_str(&mime) {
            response.headers_mut().insert(CONTENT_TYPE, mime);
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, etag);
    }
    response
}

/// A strong validator: the first 16 bytes of the file's SHA-256, which rust-embed computes when
/// it embeds the file (each encoding of a file is its own file, so its own tag).
fn etag(metadata: &rust_embed::Metadata) -> String {
    let hex: String = metadata
        .sha256_hash()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (or `*`); weak tags compare by their value.
fn has_current(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(value: &str) -> Accepted {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        Accepted::from(&headers)
    }

    #[test]
    fn a_signed_in_page_preloads_what_it_asks_for_first() {
        let mut headers = HeaderMap::new();
        assert_eq!(preloads("rooms/7", &headers), None);
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("theme=dark; campfire_session=abc"),
        );
        let room = preloads("rooms/7", &headers).unwrap();
        let room = room.to_str().unwrap();
        assert!(room.starts_with(
            "</api/bootstrap>; rel=preload; as=fetch; crossorigin=anonymous, </api/rooms>;"
        ));
        assert!(
            room.ends_with("</api/rooms/7/messages>; rel=preload; as=fetch; crossorigin=anonymous")
        );
        for elsewhere in ["rooms/7/@42", "rooms/new", "search", ""] {
            let links = preloads(elsewhere, &headers).unwrap();
            assert!(
                !links.to_str().unwrap().contains("/messages"),
                "{elsewhere}"
            );
        }
    }

    #[tokio::test]
    async fn a_file_the_browser_has_is_not_sent_again() {
        let uri = Uri::from_static("/assets/sounds/bell.mp3");
        let first = serve(Method::GET, uri.clone(), HeaderMap::new()).await;
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers().get(ETAG).cloned().expect("an ETag");
        assert!(etag.to_str().unwrap().len() == 34, "{etag:?}");

        let mut again = HeaderMap::new();
        again.insert(IF_NONE_MATCH, etag.clone());
        let second = serve(Method::GET, uri.clone(), again).await;
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(second.headers().get(ETAG), Some(&etag));
        let body = axum::body::to_bytes(second.into_body(), 1024)
            .await
            .unwrap();
        assert!(body.is_empty(), "no body with a 304");

        let mut other = HeaderMap::new();
        other.insert(
            IF_NONE_MATCH,
            HeaderValue::from_static("\"stale\", W/\"older\""),
        );
        let changed = serve(Method::GET, uri, other).await;
        assert_eq!(
            changed.status(),
            StatusCode::OK,
            "a tag of other bytes gets the file"
        );
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let both = Accepted {
            brotli: true,
            gzip: true,
        };
        assert_eq!(accepted("gzip, deflate, br, zstd"), both);
        assert_eq!(
            accepted("gzip;q=1.0, br;q=0"),
            Accepted {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(accepted("*"), both);
        assert_eq!(
            accepted("*;q=0.5, gzip;q=0"),
            Accepted {
                brotli: true,
                gzip: false
            }
        );
        assert_eq!(accepted("identity"), Accepted::default());
        assert_eq!(Accepted::from(&HeaderMap::new()), Accepted::default());
    }
}
