//! Files (M9): posting one with a message, and fetching it or its thumbnail. Only members of
//! the message's room reach either: for anyone else, and after they leave, a file is the same
//! 404 as one that never existed.

use axum::extract::{Request, State};
use axum::response::Response;
use campfire_domain::{ClientMessageId, Message, MessageId, RoomId};
use campfire_store::app::{Origin, Place};
use serde::Deserialize;

use super::messages::{caption, posted_answer};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::files::{self, serve};

/// `POST /api/rooms/{id}/attachments`: a multipart form with `file`, `client_message_id`, an
/// optional `caption` (message HTML) and an optional `thread_id` (X7: a reply in the thread of
/// that message of the room). Answers like posting a message.
pub async fn upload(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    request: Request,
) -> ApiResult<Response> {
    if !files::is_multipart(&request) {
        return Err(ApiError::bad_request(
            "send the file as multipart/form-data in a field named \"file\"",
        ));
    }
    let upload = files::receive(&state, request, "file").await?;
    let client_id = upload
        .fields
        .get("client_message_id")
        .ok_or_else(|| ApiError::bad_request("client_message_id is missing"))?;
    let client_id = ClientMessageId::new(client_id)?;
    let caption = match upload.fields.get("caption") {
        Some(html) => caption(html)?,
        None => None,
    };
    let to = match thread_of(&state, &authed, RoomId(id), upload.fields.get("thread_id")).await {
        Ok(to) => to,
        Err(error) => {
            state.app.discard_file(&upload.file).await;
            return Err(error);
        }
    };
    let place = match &to {
        Some(to) => Place::Thread(to),
        None => Place::Room(RoomId(id)),
    };
    let posted = state
        .app
        .post_file(
            &authed.user,
            place,
            client_id,
            caption,
            upload.file,
            Origin::Client,
        )
        .await?;
    posted_answer(&state, &posted).await
}

/// X7: the message of `room` whose thread an upload's `thread_id` names, if it names one.
async fn thread_of(
    state: &AppState,
    authed: &Authed,
    room: RoomId,
    field: Option<&String>,
) -> ApiResult<Option<Message>> {
    let Some(raw) = field else {
        return Ok(None);
    };
    let id = raw
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::bad_request("thread_id must be the id of a message in this room"))?;
    let to = state.app.message_for(&authed.user, MessageId(id)).await?;
    if to.room != room {
        return Err(ApiError::not_found("message"));
    }
    Ok(Some(to))
}

/// `?download=1`.
#[derive(Debug, Default, Deserialize)]
pub struct FileQuery {
    #[serde(default)]
    download: Option<String>,
}

/// `GET /api/messages/{id}/file`: the bytes as uploaded. Images, video and audio are served
/// inline (video seeks with range requests); everything else, and anything with
/// `?download=1`, as a download.
pub async fn file(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    QueryParams(query): QueryParams<FileQuery>,
    request: Request,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let file = message
        .attachment
        .as_ref()
        .ok_or_else(|| ApiError::not_found("file"))?;
    let download = query.download.is_some_and(|v| v != "0");
    serve::respond(
        state.app.blobs().as_ref(),
        serve::Served {
            blob: &file.blob,
            content_type: file.content_type.as_str(),
            name: Some(&file.name),
            inline: file.content_type.inline() && !download,
        },
        request.headers(),
    )
    .await
}

/// `GET /api/messages/{id}/thumbnail`: an image's thumbnail (JPEG or PNG, fits 1200×800).
pub async fn thumbnail(
    State(state): State<AppState>,
    authed: Authed,
    PathParams(id): PathParams<i64>,
    request: Request,
) -> ApiResult<Response> {
    let message = state.app.message_for(&authed.user, MessageId(id)).await?;
    let Some((_, key)) = message.attachment.as_ref().and_then(|f| f.image.as_ref()) else {
        return Err(ApiError::not_found("thumbnail"));
    };
    // A JPEG, or a PNG where there was transparency: typed by its first bytes.
    super::pictures::picture(&state, key, request.headers()).await
}
