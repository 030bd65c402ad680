//! Files at the edge (M9): receiving an upload into the blob store as it streams in, deciding
//! what it is, and serving it back with the headers that keep it inert.

pub mod serve;

use std::collections::HashMap;

use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::extract::{FromRequest, Request};
use campfire_domain::{Attachment, BlobKey, ContentType, FileName, MessageBody, THUMBNAIL_BOX};
use campfire_store::app::picture;
use campfire_store::blobs::{self, BlobStore};

use crate::AppState;
use crate::ErrorCode;
use crate::error::{ApiError, ApiResult};

pub use campfire_store::app::picture::thumbnail_type;

/// An upload as received: its file, stored, and its other fields as text.
pub struct Upload {
    /// The file, its bytes in the blob store (and its thumbnail, for an image).
    pub file: Attachment,
    /// The form's other fields (`caption`, `client_message_id`).
    pub fields: HashMap<String, String>,
}

/// The most bytes of a text field of an upload form (a caption is a message body).
const MAX_FIELD_BYTES: usize = MessageBody::MAX_HTML_BYTES;

/// Whether a request's body is a multipart form.
pub fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Reads a multipart form whose file is in field `file_field`: the file streams into the blob
/// store (refused with 413 past the size limit, nothing kept), then an image is decoded off
/// the async runtime for its size and thumbnail. Any failure leaves no blob behind.
pub async fn receive(state: &AppState, request: Request, file_field: &str) -> ApiResult<Upload> {
    if !state.config.features.files {
        return Err(ApiError::new(
            ErrorCode::Unprocessable,
            "file attachments are not enabled on this server",
        ));
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::bad_request(format!("the upload is not a multipart form: {e}")))?;
    let mut fields = HashMap::new();
    let mut stored: Option<Stored> = None;
    let outcome = async {
        while let Some(field) = form.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == file_field {
                if stored.is_some() {
                    return Err(ApiError::bad_request("send one file per message"));
                }
                stored = Some(store_file(state, field).await?);
            } else {
                let text = read_text(field).await?;
                fields.insert(name, text);
            }
        }
        Ok(())
    }
    .await;
    let Some(stored) = stored else {
        outcome?;
        return Err(ApiError::bad_request(format!(
            "attach the file in a form field named {file_field:?}"
        )));
    };
    let blobs = state.app.blobs().clone();
    let file = match outcome {
        Ok(()) => describe(blobs.as_ref(), &stored).await,
        Err(error) => Err(error),
    };
    match file {
        Ok(file) => Ok(Upload { file, fields }),
        Err(error) => {
            // Nothing refers to the bytes yet; unless an earlier message has the same ones.
            discard(state, &stored).await;
            Err(error)
        }
    }
}

/// A file made of bytes the server already holds (a bot's non-text reply to a webhook, B3):
/// stored and described like an upload, refused past the size limit.
pub async fn from_bytes(state: &AppState, name: FileName, bytes: &[u8]) -> ApiResult<Attachment> {
    if bytes.len() as u64 > state.config.features.max_file_size {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            "the file is larger than this server's limit",
        ));
    }
    let blobs = state.app.blobs().clone();
    let (key, len) = blobs::put(blobs.as_ref(), bytes).await?;
    let stored = Stored {
        key,
        len,
        name,
        head: bytes.get(..16).unwrap_or(bytes).to_vec(),
    };
    match describe(blobs.as_ref(), &stored).await {
        Ok(file) => Ok(file),
        Err(error) => {
            discard(state, &stored).await;
            Err(error)
        }
    }
}

/// The largest picture taken for an avatar or a logo (it is made 512 pixels square).
const MAX_PICTURE_BYTES: usize = 20 * 1000 * 1000;

/// A10, A11: a picture from a multipart form's `picture` field, made square (its middle) and at
/// most 512 pixels off the async runtime, stored; answers its key.
pub async fn receive_picture(state: &AppState, request: Request) -> ApiResult<BlobKey> {
    if !state.config.features.avatars {
        return Err(ApiError::new(
            ErrorCode::Unprocessable,
            "uploaded pictures are not enabled on this server",
        ));
    }
    if !is_multipart(&request) {
        return Err(ApiError::bad_request(
            "send the picture as multipart/form-data in a field named \"picture\"",
        ));
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::bad_request(format!("the upload is not a multipart form: {e}")))?;
    let mut bytes = None;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        if field.name() != Some("picture") {
            continue;
        }
        let mut read = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if read.len() + chunk.len() > MAX_PICTURE_BYTES {
                return Err(ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!(
                        "a picture can be up to {}; this one is larger",
                        human_size(MAX_PICTURE_BYTES as u64)
                    ),
                ));
            }
            read.extend_from_slice(&chunk);
        }
        bytes = Some(read);
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::bad_request("attach the picture in a form field named \"picture\"")
    })?;
    let made = tokio::task::spawn_blocking(move || picture::square(&bytes, picture::PICTURE_SIDE))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match made {
        picture::Square::Made(square) => {
            let (key, _) = blobs::put(state.app.blobs().as_ref(), &square).await?;
            Ok(key)
        }
        picture::Square::Bomb(size) => Err(ApiError::new(
            ErrorCode::Unprocessable,
            format!(
                "this image claims to be {} × {} pixels, too large to read",
                size.width, size.height
            ),
        )),
        picture::Square::NotAnImage => Err(ApiError::new(
            ErrorCode::Unprocessable,
            "that is not a picture we can read: use a PNG, JPEG, GIF or WebP image",
        )),
    }
}

/// A logo's icon at `side` pixels (PNG), from its stored square.
pub async fn logo_icon(state: &AppState, logo: &BlobKey, side: u32) -> ApiResult<Vec<u8>> {
    let bytes = blobs::read_all(state.app.blobs().as_ref(), logo).await?;
    tokio::task::spawn_blocking(move || picture::icon(&bytes, side))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("logo"))
}

/// A file's bytes in the blob store, not yet described.
struct Stored {
    key: campfire_domain::BlobKey,
    len: u64,
    name: FileName,
    head: Vec<u8>,
}

async fn store_file(state: &AppState, mut field: Field<'_>) -> ApiResult<Stored> {
    let limit = state.config.features.max_file_size;
    let name = FileName::clean(field.file_name().unwrap_or_default());
    let mut writer = state.app.blobs().create().await?;
    let mut head = Vec::with_capacity(16);
    let mut len: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        len += chunk.len() as u64;
        if len > limit {
            drop(writer); // removes what was written
            // Read on a little before answering: a client still sending when the connection
            // closes sees "broken pipe" instead of this answer (as for other bodies).
            let mut drained = 0;
            while drained < crate::body::DRAIN_BYTES {
                match field.chunk().await {
                    Ok(Some(chunk)) => drained += chunk.len(),
                    _ => break,
                }
            }
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "the file is larger than this server's limit of {}",
                    human_size(limit)
                ),
            ));
        }
        if head.len() < 16 {
            let take = (16 - head.len()).min(chunk.len());
            head.extend_from_slice(chunk.get(..take).unwrap_or_default());
        }
        writer.write(&chunk).await?;
    }
    let (key, len) = writer.finish().await?;
    Ok(Stored {
        key,
        len,
        name,
        head,
    })
}

/// What the stored bytes are: an image (decoded, with a thumbnail stored beside it) or a file
/// typed by its name. A bomb is refused.
async fn describe(blobs: &dyn BlobStore, stored: &Stored) -> ApiResult<Attachment> {
    let mut file = Attachment {
        blob: stored.key.clone(),
        name: stored.name.clone(),
        content_type: ContentType::from_name(&stored.name),
        byte_size: stored.len,
        image: None,
    };
    // A name never makes an image (`ContentType::from_name` knows no raster types): only
    // the bytes, decoded, do.
    if !picture::worth_decoding(&stored.head, stored.len) {
        return Ok(file);
    }
    let bytes = blobs::read_all(blobs, &stored.key).await?;
    let pictured = tokio::task::spawn_blocking(move || picture::picture(&bytes, THUMBNAIL_BOX))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match pictured {
        picture::Picture::Shown(shown) => {
            let (thumbnail, _) = blobs::put(blobs, &shown.thumbnail).await?;
            file.content_type = shown.content_type;
            file.image = Some((shown.size, thumbnail));
        }
        picture::Picture::Bomb(size) => {
            return Err(ApiError::new(
                ErrorCode::Unprocessable,
                format!(
                    "this image claims to be {} × {} pixels; images up to {} megapixels can be \
                     shown (send it inside a .zip to share it as a file)",
                    size.width,
                    size.height,
                    campfire_domain::ImageSize::MAX_PIXELS / 1_000_000
                ),
            ));
        }
        picture::Picture::NotAnImage => {}
    }
    Ok(file)
}

async fn discard(state: &AppState, stored: &Stored) {
    if matches!(state.store.blob_used(&stored.key).await, Ok(false)) {
        let _ = state.app.blobs().remove(&stored.key).await;
    }
}

async fn read_text(mut field: Field<'_>) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                "a caption can be as long as a message, no longer",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request("a form field is not valid UTF-8"))
}

fn unreadable(error: MultipartError) -> ApiError {
    ApiError::bad_request(format!(
        "the upload could not be read: {}",
        error.body_text()
    ))
}

/// `100 MB`, `1.5 GB`, `512 KB`: sizes as people read them (powers of 1,000, as the limit is
/// given).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let unit = UNITS.get(unit).copied().unwrap_or("TB");
    if value.fract() < 0.05 || value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(100_000_000), "100 MB");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(2_000_000_000), "2 GB");
    }
}
