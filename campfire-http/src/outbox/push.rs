//! N1: a Web Push to one browser. The payload is encrypted for the subscription (`aes128gcm`,
//! RFC 8291/8188, by web-push-native) and the request carries a VAPID JWT (RFC 8292) signed with
//! the server's key by jsonwebtoken. web-push-native's own VAPID signer is not used: its `aud`
//! drops the endpoint's port, so it is not the endpoint's origin whenever the port is not the
//! scheme's default.

use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use campfire_domain::{PushSubscription, PushSubscriptionId, RoomKind, VapidKey};
use campfire_store::{Delivery, StoreError};
use serde::Serialize;

use super::{Attempt, guard, subject_of};
use crate::AppState;
use crate::clock::now;
use crate::config::PushConfig;
use crate::wire::PushPayloadJson;

/// How long a push service keeps an undelivered push: a day, since a chat notification that is
/// older than that is noise.
const TTL_SECONDS: u32 = 24 * 60 * 60;

/// How long the VAPID JWT is valid (RFC 8292 allows at most 24 hours).
const JWT_SECONDS: i64 = 12 * 60 * 60;

/// The most of a message's text a notification shows.
const BODY_CHARS: usize = 200;

/// The loaded pieces of a push: where it goes and what it says.
pub(super) struct Parts {
    pub subscription: PushSubscription,
    payload: PushPayloadJson,
}

/// The subscription and the notification for it; `None` if the subscription, the message or
/// the recipient's membership of the room is gone.
pub(super) async fn load(
    state: &AppState,
    id: PushSubscriptionId,
    delivery: &Delivery,
) -> Result<Option<Parts>, StoreError> {
    let Some(subscription) = state.store.push_subscription(id).await? else {
        return Ok(None);
    };
    let Some((message, room, author)) = subject_of(state, delivery).await? else {
        return Ok(None);
    };
    let memberships = state.store.memberships_of(subscription.user).await?;
    if !memberships.iter().any(|m| m.room == room.id) {
        return Ok(None);
    }
    let unread = memberships.iter().filter(|m| m.is_unread()).count();
    let text: String = message.body.plain().chars().take(BODY_CHARS).collect();
    // N1: the room's name as the title and "Author: text" as the body; in a direct room the
    // author is the title and the text is the body.
    let (title, body) = match (&room.kind, &room.name) {
        (RoomKind::Direct, _) | (_, None) => (author.name.to_string(), text),
        (_, Some(name)) => (name.to_string(), format!("{}: {text}", author.name)),
    };
    Ok(Some(Parts {
        subscription,
        payload: PushPayloadJson {
            title,
            body,
            icon: crate::wire::icon_url(state.store.account().await?.as_ref(), 192),
            path: crate::wire::permalink(&message),
            badge: u32::try_from(unread).unwrap_or(u32::MAX),
            tag: format!("room-{}", room.id),
        },
    }))
}

/// The JWT claims of RFC 8292.
#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    exp: i64,
    sub: &'a str,
}

/// `vapid t=<JWT>, k=<public key>` for a push to `endpoint`: `aud` is the endpoint's origin.
pub fn vapid_authorization(
    key: &VapidKey,
    subject: &str,
    endpoint: &reqwest::Url,
    now_seconds: i64,
) -> Result<String, String> {
    let origin = endpoint.origin().ascii_serialization();
    let claims = Claims {
        aud: &origin,
        exp: now_seconds.saturating_add(JWT_SECONDS),
        sub: subject,
    };
    let der = key.pkcs8_der().map_err(|e| e.to_string())?;
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_der(&der),
    )
    .map_err(|e| format!("could not sign the VAPID token: {e}"))?;
    Ok(format!("vapid t={token}, k={}", key.public_key()))
}

/// The payload encrypted for the subscription's keys.
fn encrypt(subscription: &PushSubscription, payload: &[u8]) -> Result<Vec<u8>, String> {
    let point = Base64UrlUnpadded::decode_vec(&subscription.p256dh)
        .map_err(|_| "the subscription's key is not base64url".to_owned())?;
    let public = web_push_native::p256::PublicKey::from_sec1_bytes(&point)
        .map_err(|_| "the subscription's key is not a P-256 key".to_owned())?;
    let secret = Base64UrlUnpadded::decode_vec(&subscription.auth)
        .map_err(|_| "the subscription's auth secret is not base64url".to_owned())?;
    let secret: [u8; 16] = secret
        .try_into()
        .map_err(|_| "the subscription's auth secret is not 16 bytes".to_owned())?;
    let auth = web_push_native::Auth::from(secret);
    web_push_native::encrypt(payload.to_vec(), &public, &auth)
        .map_err(|e| format!("could not encrypt the push: {e}"))
}

pub(super) async fn attempt(
    parts: &Parts,
    push: &PushConfig,
    allow_private: bool,
    timeout: Duration,
) -> Result<Attempt, String> {
    let Some(key) = &push.vapid else {
        return Ok(Attempt::Permanent("push is not configured".to_owned()));
    };
    let target = match guard::check(&parts.subscription.endpoint, allow_private).await {
        Ok(target) => target,
        Err(refused) => return Ok(Attempt::Permanent(refused.to_string())),
    };
    if target.url.scheme() != "https" && !allow_private {
        return Ok(Attempt::Permanent(
            "push endpoints must use https".to_owned(),
        ));
    }
    let payload = serde_json::to_vec(&parts.payload).map_err(|e| e.to_string())?;
    let body = match encrypt(&parts.subscription, &payload) {
        Ok(body) => body,
        Err(error) => return Ok(Attempt::Permanent(error)),
    };
    let authorization = vapid_authorization(key, &push.subject, &target.url, now().0 / 1000)?;
    let client = target.client(timeout)?;
    let response = client
        .post(target.url)
        .header("Authorization", authorization)
        .header("TTL", TTL_SECONDS.to_string())
        .header("Urgency", "high")
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .body(body)
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => return Ok(Attempt::from_error(&error)),
    };
    let status = response.status().as_u16();
    Ok(match status {
        200..=299 => Attempt::Delivered,
        // RFC 8030: the subscription expired or was unsubscribed.
        404 | 410 => Attempt::Gone(format!("HTTP {status}: the subscription is gone")),
        _ => Attempt::from_status(status),
    })
}
