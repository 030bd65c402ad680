//! Serving a blob as an HTTP response (M9): one byte range when asked (video seeks with them),
//! and headers that keep a file inert whatever it holds: its decided type with `nosniff`, a
//! sandboxing CSP, and `Content-Disposition` naming it safely (`attachment` for anything that
//! could run script).

use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH, RANGE,
};
use axum::response::{IntoResponse, Response};
use campfire_domain::{BlobKey, FileName};
use campfire_store::blobs::BlobStore;
use tokio::io::AsyncReadExt;

use crate::error::{ApiError, ApiResult};

/// What a served file is.
pub struct Served<'a> {
    /// The bytes.
    pub blob: &'a BlobKey,
    /// The type to send.
    pub content_type: &'a str,
    /// `Some(name)`: sent as a download (or inline, with `inline`) under this name.
    pub name: Option<&'a FileName>,
    /// Whether a browser may show it in the page.
    pub inline: bool,
}

/// No script, no plugins, no forms, no same-origin rights, even if a browser is made to
/// render the file as a page.
const FILE_CSP: &str = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox";

/// The response for `served`, honouring `Range` and `If-None-Match` in `request`.
pub async fn respond(
    blobs: &dyn BlobStore,
    served: Served<'_>,
    request: &HeaderMap,
) -> ApiResult<Response> {
    let etag = format!("\"{}\"", served.blob.as_str());
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, header(served.content_type)?);
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_CSP));
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(ETAG, header(&etag)?);
    // Private: only members may read it, so no shared cache keeps it. The bytes under a key
    // never change, so the browser need not ask again.
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    if let Some(name) = served.name {
        headers.insert(
            CONTENT_DISPOSITION,
            header(&disposition(name, served.inline))?,
        );
    }
    let fresh = request
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    // The length first, without reading: a range is checked against it.
    let Some(probe) = blobs.open(served.blob, 0).await? else {
        return Err(ApiError::not_found("file"));
    };
    let len = probe.len;
    drop(probe);
    let range = request
        .get(RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, len));
    let (status, start, count) = match range {
        None | Some(Range::Ignored) => (StatusCode::OK, 0, len),
        Some(Range::Bytes { start, end }) => {
            headers.insert(
                CONTENT_RANGE,
                header(&format!("bytes {start}-{end}/{len}"))?,
            );
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        Some(Range::Unsatisfiable) => {
            headers.insert(CONTENT_RANGE, header(&format!("bytes */{len}"))?);
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response());
        }
    };
    let Some(reader) = blobs.open(served.blob, start).await? else {
        return Err(ApiError::not_found("file"));
    };
    headers.insert(CONTENT_LENGTH, HeaderValue::from(count));
    let stream = tokio_util::io::ReaderStream::with_capacity(reader.bytes.take(count), 64 * 1024);
    Ok((status, headers, Body::from_stream(stream)).into_response())
}

fn header(value: &str) -> ApiResult<HeaderValue> {
    HeaderValue::from_str(value).map_err(|e| ApiError::internal(&e))
}

/// `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf` (RFC 6266): the ASCII
/// fallback for old clients, the exact name percent-encoded for the rest.
pub fn disposition(name: &FileName, inline: bool) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let mut encoded = String::with_capacity(name.as_str().len() * 3);
    for byte in name.as_str().bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!(
        "{kind}; filename=\"{}\"; filename*=UTF-8''{encoded}",
        name.ascii()
    )
}

/// A `Range` header, read against a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Range {
    /// One satisfiable range, inclusive.
    Bytes {
        /// First byte.
        start: u64,
        /// Last byte.
        end: u64,
    },
    /// No byte of the range is in the file: 416.
    Unsatisfiable,
    /// Not a single byte range (other units, several ranges, malformed): the whole file is
    /// sent, as RFC 9110 allows.
    Ignored,
}

/// Reads `bytes=a-b`, `bytes=a-` and `bytes=-n`.
pub fn parse_range(value: &str, len: u64) -> Range {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Range::Ignored;
    };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Ignored;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let (start, end) = match (first.trim().is_empty(), last.trim().is_empty()) {
        // The last n bytes.
        (true, false) => match number(last) {
            Some(0) => return Range::Unsatisfiable,
            Some(n) => (len.saturating_sub(n), len.saturating_sub(1)),
            None => return Range::Ignored,
        },
        (false, true) => match number(first) {
            Some(start) => (start, len.saturating_sub(1)),
            None => return Range::Ignored,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(start), Some(end)) if start <= end => (start, end.min(len.saturating_sub(1))),
            _ => return Range::Ignored,
        },
        (true, true) => return Range::Ignored,
    };
    if len == 0 || start >= len {
        return Range::Unsatisfiable;
    }
    Range::Bytes { start, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_browsers_send_them() {
        assert_eq!(
            parse_range("bytes=0-", 100),
            Range::Bytes { start: 0, end: 99 }
        );
        assert_eq!(
            parse_range("bytes=10-19", 100),
            Range::Bytes { start: 10, end: 19 }
        );
        assert_eq!(
            parse_range("bytes=90-500", 100),
            Range::Bytes { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range("bytes=-10", 100),
            Range::Bytes { start: 90, end: 99 }
        );
        assert_eq!(parse_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Range::Ignored);
        assert_eq!(parse_range("items=0-1", 100), Range::Ignored);
        assert_eq!(parse_range("bytes=5-1", 100), Range::Ignored);
        assert_eq!(parse_range("bytes=x-", 100), Range::Ignored);
    }

    #[test]
    fn names_are_quoted_safely() {
        let name = FileName::clean("résumé \"final\".pdf");
        assert_eq!(
            disposition(&name, false),
            "attachment; filename=\"r_sum_ _final_.pdf\"; \
             filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
        assert!(disposition(&FileName::clean("a.png"), true).starts_with("inline;"));
    }
}
