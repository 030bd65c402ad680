//! B3: a bot's webhook call. The JSON of the original Campfire, POSTed with an
//! `Idempotency-Key`; a 200 text or HTML reply is posted back as the bot, any other typed reply
//! (an image, JSON, a final error page) as a file `attachment.<ext>`, as the original does. Retried only when
//! the bot surely did not act ([`failed`], [`refused`]).

use std::time::Duration;

use campfire_domain::{ClientMessageId, Message, Room, User, UserId};
use campfire_store::{Delivery, StoreError};
use serde_json::json;

use super::{Attempt, gone, guard, subject_of};
use crate::AppState;
use crate::auth::new_token;
use crate::routes::post_as_bot;

/// The loaded pieces of a webhook delivery.
pub(super) struct Parts {
    pub bot: User,
    author: User,
    pub room: Room,
    message: Message,
    pub url: String,
}

/// The bot, room, message and URL of a delivery; `None` if any is gone.
pub(super) async fn load(
    state: &AppState,
    bot: UserId,
    delivery: &Delivery,
) -> Result<Option<Parts>, StoreError> {
    let bot = match state.store.user(bot).await {
        Ok(bot) if bot.is_active() => bot,
        Ok(_) => return Ok(None),
        Err(e) => return gone(e),
    };
    let Some((message, room, author)) = subject_of(state, delivery).await? else {
        return Ok(None);
    };
    let Some(webhook) = state.store.webhook(bot.id).await? else {
        return Ok(None);
    };
    Ok(Some(Parts {
        bot,
        author,
        room,
        message,
        url: webhook.url,
    }))
}

/// The JSON of B3, exactly: `plain` without the `@BotName`, trimmed.
fn payload(parts: &Parts) -> serde_json::Value {
    let author = &parts.author;
    let key = parts
        .bot
        .bot_token
        .as_ref()
        .map(|t| format!("{}-{}", parts.bot.id, t.as_str()))
        .unwrap_or_default();
    let plain = parts
        .message
        .body
        .plain()
        .replace(&format!("@{}", parts.bot.name), "");
    json!({
        "user": { "id": author.id.0, "name": author.name.to_string() },
        "room": {
            "id": parts.room.id.0,
            "name": parts.room.name.as_ref().map(ToString::to_string),
            "path": format!("/rooms/{}/{key}/messages", parts.room.id),
        },
        "message": {
            "id": parts.message.id.0,
            "body": { "html": parts.message.body.html(), "plain": plain.trim() },
            "path": crate::wire::permalink(&parts.message),
        },
    })
}

pub(super) async fn attempt(
    parts: &Parts,
    delivery: &Delivery,
    allow_private: bool,
    timeout: Duration,
) -> Result<Attempt, String> {
    let target = match guard::check(&parts.url, allow_private).await {
        Ok(target) => target,
        // Nothing was sent: the name may resolve later.
        Err(refused @ guard::Refused::Unresolved) => {
            return Ok(Attempt::Transient(refused.to_string(), None));
        }
        Err(refused) => return Ok(Attempt::Permanent(refused.to_string())),
    };
    let client = target.client(timeout)?;
    Ok(call(&client, target.url, parts, delivery).await)
}

async fn call(
    client: &reqwest::Client,
    url: reqwest::Url,
    parts: &Parts,
    delivery: &Delivery,
) -> Attempt {
    let body = payload(parts);
    let response = client
        .post(url)
        .header("Idempotency-Key", &delivery.idempotency_key)
        .json(&body)
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => return failed(&error),
    };
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if status.is_success() {
        let textual = content_type
            .as_deref()
            .is_some_and(|v| v == "text/plain" || v == "text/html");
        if status == reqwest::StatusCode::OK && textual {
            return match read_reply(response).await {
                Ok(text) if !text.trim().is_empty() => Attempt::Reply(text),
                Ok(_) => Attempt::Delivered,
                Err(error) if error.is_timeout() => Attempt::TimedOut,
                // The bot answered, so it acted: calling again would make it act twice.
                Err(_) => Attempt::Permanent("the reply could not be read".to_owned()),
            };
        }
        if status == reqwest::StatusCode::OK
            && let Some(content_type) = content_type
        {
            return file_reply(response, &content_type, None).await;
        }
        return Attempt::Delivered;
    }
    match refused(status.as_u16(), response.headers()) {
        // Final: as the original, a body it can name by its type is posted as a file (a bot's
        // error page reaches the room that called it).
        Attempt::Permanent(error) => match content_type {
            Some(content_type) => file_reply(response, &content_type, Some(error)).await,
            None => Attempt::Permanent(error),
        },
        other => other,
    }
}

/// The most of a reply that is posted back as a file; a larger one is not posted.
const REPLY_FILE_BYTES: usize = 10 * 1024 * 1024;

/// A reply that is not text, posted back as `attachment.<ext>` (B3, as the original).
pub(super) struct ReplyFile {
    pub bytes: Vec<u8>,
    pub name: String,
}

/// Reads a reply to post as a file; an empty one is nothing to post.
async fn file_reply(
    mut response: reqwest::Response,
    content_type: &str,
    failed: Option<String>,
) -> Attempt {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() <= REPLY_FILE_BYTES => {
                bytes.extend_from_slice(&chunk);
            }
            Ok(Some(_)) => {
                return Attempt::Permanent("the reply was too large to post".to_owned());
            }
            Ok(None) => break,
            Err(error) if error.is_timeout() => return Attempt::TimedOut,
            Err(_) => return Attempt::Permanent("the reply could not be read".to_owned()),
        }
    }
    if bytes.is_empty() {
        return match failed {
            Some(error) => Attempt::Permanent(error),
            None => Attempt::Delivered,
        };
    }
    Attempt::File(
        ReplyFile {
            bytes,
            name: format!("attachment.{}", extension_of(content_type)),
        },
        failed,
    )
}

/// The extension the original gives a reply of this type (Rails' names for its types).
fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "text/html" => "html",
        "text/plain" => "text",
        "text/csv" => "csv",
        "text/css" => "css",
        "text/calendar" => "ics",
        "text/javascript" | "application/javascript" => "js",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/gzip" => "gzip",
        "image/png" => "png",
        "image/jpeg" => "jpeg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        "image/svg+xml" => "svg",
        "audio/mpeg" => "mp3",
        "audio/ogg" => "ogg",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        _ => "bin",
    }
}

/// B3: a call that failed is retried only when the bot surely did not act on it, because the
/// original calls once and bots are not idempotent (a deploy bot deploys again). Not connected
/// is retried; anything after the call was sent (a reset connection) is final, and a timeout
/// is handled by the caller (the original's "Failed to respond").
fn failed(error: &reqwest::Error) -> Attempt {
    if error.is_timeout() {
        Attempt::TimedOut
    } else if error.is_connect() {
        Attempt::Transient("could not connect".to_owned(), None)
    } else {
        Attempt::Permanent("the connection failed during the call".to_owned())
    }
}

/// B3: a status other than 2xx. Only 503 and 429 say the bot did not act ("come back later");
/// a 500 or any other is final, as in the original.
fn refused(code: u16, headers: &reqwest::header::HeaderMap) -> Attempt {
    match code {
        429 | 503 => Attempt::Transient(format!("HTTP {code}"), retry_after(headers)),
        _ => Attempt::Permanent(format!("HTTP {code}")),
    }
}

/// `Retry-After` in seconds, as milliseconds (the HTTP-date form is taken as no hint).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let seconds: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(seconds.saturating_mul(1_000))
}

/// The most of a reply that is posted back, in characters.
const REPLY_CHARS: usize = 60_000;
/// The most of a reply that is read: those characters at their longest in UTF-8. The rest is
/// never read (the connection is dropped), so an endless reply costs nothing (F6).
const REPLY_BYTES: usize = REPLY_CHARS * 4;

// R9: every reply within the limit makes a message, even when each character grows sixfold
// once escaped (`"` → `&quot;`); a reply is never dropped for its size.
const _: () = assert!(6 * REPLY_BYTES <= campfire_domain::MessageBody::MAX_HTML_BYTES);
const _: () = assert!(REPLY_BYTES <= campfire_domain::MessageBody::MAX_TEXT_BYTES);

/// The reply's text, read only as far as [`REPLY_BYTES`] and cut to [`REPLY_CHARS`].
async fn read_reply(mut response: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut bytes = Vec::new();
    while bytes.len() < REPLY_BYTES {
        match response.chunk().await? {
            Some(chunk) => bytes.extend_from_slice(&chunk),
            None => break,
        }
    }
    bytes.truncate(REPLY_BYTES);
    // A character cut at the limit is dropped rather than shown as a replacement character.
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.to_owned(),
        Err(error) if error.error_len().is_none() => {
            String::from_utf8_lossy(bytes.get(..error.valid_up_to()).unwrap_or_default())
                .into_owned()
        }
        Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    Ok(text.chars().take(REPLY_CHARS).collect())
}

/// Posts a file as the bot (B3), like [`say`].
pub(super) async fn say_file(
    state: &AppState,
    parts: &Parts,
    delivery: &Delivery,
    file: ReplyFile,
) {
    let Some(client_id) = client_id("file", delivery) else {
        return;
    };
    let name = campfire_domain::FileName::clean(&file.name);
    let posted = async {
        let attachment = crate::files::from_bytes(state, name, &file.bytes).await?;
        state
            .app
            .post_file(
                &parts.bot,
                // In the thread when it was a thread reply, as `say` does.
                match parts.message.thread {
                    Some(_) => campfire_store::app::Place::Thread(&parts.message),
                    None => campfire_store::app::Place::Room(parts.room.id),
                },
                client_id,
                None,
                attachment,
                campfire_store::app::Origin::WebhookReply,
            )
            .await?;
        Ok::<_, crate::error::ApiError>(())
    }
    .await;
    if let Err(error) = posted {
        tracing::warn!(
            code = error.code.as_str(),
            "a bot's file reply was not posted"
        );
    }
}

/// The client id of what a delivery posts, derived from the delivery so that a reply posted
/// just before a crash is not posted twice when the delivery is retried.
fn client_id(what: &str, delivery: &Delivery) -> Option<ClientMessageId> {
    let id = format!("{what}-{}", delivery.idempotency_key);
    ClientMessageId::new(id.get(..64).unwrap_or(&id))
        .ok()
        .or_else(|| {
            new_token()
                .ok()
                .and_then(|t| ClientMessageId::new(t.get(..32).unwrap_or(&t)).ok())
        })
}

/// Posts as the bot. The client id is derived from the delivery, so a reply posted just before
/// a crash is not posted twice when the delivery is retried.
pub(super) async fn say(
    state: &AppState,
    parts: &Parts,
    delivery: &Delivery,
    what: &str,
    text: &str,
) {
    let Some(client_id) = client_id(what, delivery) else {
        return;
    };
    if let Err(error) = post_as_bot(state, &parts.bot, &parts.message, client_id, text).await {
        tracing::warn!(code = error.code.as_str(), "a bot's reply was not posted");
    }
}

#[cfg(test)]
mod tests {
    use super::REPLY_CHARS;
    use campfire_domain::{action_text, sanitize};

    /// What a reply becomes (the bot API's conversion, then the sanitiser), for the longest
    /// replies of the characters that grow most.
    #[test]
    fn the_longest_reply_makes_a_message_however_it_escapes() {
        for c in ['"', '<', '&', '\'', '😀', 'a'] {
            let reply: String = std::iter::repeat_n(c, REPLY_CHARS).collect();
            let html = action_text::convert(&reply, |_| None).html;
            let body = sanitize::message_body(&html)
                .unwrap_or_else(|e| panic!("{c:?} × {REPLY_CHARS}: {e}"));
            assert_eq!(body.plain(), reply, "posted whole");
        }
        let lines: String = "a\n".repeat(REPLY_CHARS / 2);
        let html = action_text::convert(&lines, |_| None).html;
        assert!(sanitize::message_body(&html).is_ok(), "lines");
    }
}
