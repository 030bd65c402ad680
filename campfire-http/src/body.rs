//! Request bodies: JSON with a size limit, a JSON content type, and errors a person can act on.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::ErrorCode;
use crate::error::ApiError;

/// The largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON request body, parsed into `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            // docs/api.md: a write whose body is not declared JSON is refused like a cross-site
            // one (a cross-site form can send text/plain or form bodies without a preflight).
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = raw_body(req, state, MAX_JSON_BYTES).await?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::bad_request("the body is not valid UTF-8"))?;
        serde_json::from_str(text).map(JsonBody).map_err(|e| {
            ApiError::bad_request(format!("the JSON body is not what was expected: {e}"))
        })
    }
}

/// How much of an oversized body is read and thrown away before answering 413. A server that
/// answers and closes while the client is still sending makes the client's write fail with
/// "broken pipe" before it can read the answer; reading on lets an honest client see the 413.
pub(crate) const DRAIN_BYTES: usize = 8 * 1024 * 1024;

/// Reads a whole body, refusing one over `limit` bytes with 413.
pub async fn raw_body<S: Send + Sync>(
    req: Request,
    _state: &S,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let mut chunks = req.into_body().into_data_stream();
    let mut body = Vec::new();
    let mut seen: usize = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("the body could not be read"))?;
        seen = seen.saturating_add(chunk.len());
        if seen <= limit {
            body.extend_from_slice(&chunk);
        } else if seen > DRAIN_BYTES {
            break;
        }
    }
    if seen > limit {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than {} KiB", limit / 1024),
        ));
    }
    Ok(Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;

    use super::*;
    use crate::wire::{ClientFrame, ProfileUpdate, SignUp};

    /// Decodes `bytes` as the body of a JSON request into `T`: the status it is refused with,
    /// if it is.
    async fn refused<T: DeserializeOwned>(bytes: Vec<u8>) -> Option<u16> {
        let request = Request::builder()
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(bytes))
            .unwrap_or_default();
        match JsonBody::<T>::from_request(request, &()).await {
            Ok(_) => None,
            Err(error) => Some(StatusCode::from_u16(error.code.status()).map_or(0, |s| s.as_u16())),
        }
    }

    /// Bytes shaped like the JSON bodies and live frames the decoders take, broken up.
    fn hostile() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        let piece = proptest::prop_oneof![
            proptest::sample::select(
                &[
                    "{",
                    "}",
                    "[",
                    "]",
                    ",",
                    ":",
                    "\"",
                    "\\\\",
                    "\\\\u0000",
                    "\\\\ud800",
                    "null",
                    "true",
                    "1e999",
                    "-0",
                    "18446744073709551616",
                    "\"type\"",
                    "\"focus\"",
                    "\"typing\"",
                    "\"heartbeat\"",
                    "\"room_id\"",
                    "\"name\"",
                    "\"email\"",
                    "\"password\"",
                    "\"current_password\"",
                    "  ",
                ][..]
            )
            .prop_map(|s| s.as_bytes().to_vec()),
            proptest::collection::vec(proptest::num::u8::ANY, 0..8),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        // 2,000 cases in `cargo test`; `cargo xtask soak` asks for more through PROPTEST_CASES.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
        ))]

        /// Whatever bytes arrive, a body is either decoded or refused with a 4xx — never a
        /// panic, never a 5xx — and a live frame either decodes or is an error (which closes
        /// only that connection with 1008).
        #[test]
        fn bodies_and_frames_decode_or_are_refused_with_a_4xx(bytes in hostile()) {
            let runtime = tokio::runtime::Builder::new_current_thread().build();
            proptest::prop_assert!(runtime.is_ok());
            if let Ok(runtime) = runtime {
                for status in [
                    runtime.block_on(refused::<SignUp>(bytes.clone())),
                    runtime.block_on(refused::<ProfileUpdate>(bytes.clone())),
                ]
                .into_iter()
                .flatten()
                {
                    proptest::prop_assert!((400..500).contains(&status), "{status}");
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let _decoded = serde_json::from_str::<ClientFrame>(&text);
        }
    }
}
