//! Bots that talk back (B3): the worker that delivers queued webhook calls from the outbox,
//! posts replies back as the bot, retries transient failures with backoff and jitter, and
//! isolates failing endpoints with a circuit breaker (`campfire-coord`'s policy, driven here).

mod guard;

use std::collections::HashSet;
use std::time::Duration;

use campfire_coord::{BreakerPolicy, Breakers, CircuitState, RetryPolicy};
use campfire_domain::{ClientMessageId, Message, Room, Timestamp, User};
use campfire_store::{Delivery, Outcome, StoreError};
use serde_json::json;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use guard::{Refused, is_public};

use crate::AppState;
use crate::auth::new_token;
use crate::clock::now;
use crate::routes::post_as_bot;

/// How webhooks are delivered.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Let webhooks reach private and loopback addresses (off by default: SSRF).
    pub allow_private: bool,
    /// How long a bot has to answer; after that it "failed to respond" (the original's 7 s).
    pub timeout: Duration,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// When to stop calling an endpoint.
    pub breaker: BreakerPolicy,
    /// How often the outbox is checked when nothing nudges the worker.
    pub poll_interval: Duration,
    /// Deliveries in flight at once.
    pub concurrency: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            allow_private: false,
            timeout: Duration::from_secs(7),
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
            poll_interval: Duration::from_millis(250),
            concurrency: 16,
        }
    }
}

/// What one attempt came to.
enum Attempt {
    /// 2xx without a reply.
    Delivered,
    /// 200 with a text or HTML body: post it back.
    Reply(String),
    /// No answer in time.
    TimedOut,
    /// Worth retrying (connection failure, 5xx, 429).
    Transient(String),
    /// Not worth retrying.
    Permanent(String),
}

/// A finished attempt: the delivery, its endpoint, the result, and what was loaded for it.
type Finished = (Delivery, String, Result<Attempt, String>, Option<Parts>);

/// The loaded pieces of a delivery.
struct Parts {
    bot: User,
    author: User,
    room: Room,
    message: Message,
    url: String,
}

/// Starts the worker; it stops when `stop` turns true, finishing the deliveries in flight.
pub fn spawn(
    state: AppState,
    config: WebhookConfig,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut breakers: Breakers<String> = Breakers::new(config.breaker);
        let mut in_flight: HashSet<i64> = HashSet::new();
        let mut running: JoinSet<Finished> = JoinSet::new();
        let started = std::time::Instant::now();
        let clock = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        loop {
            if *stop.borrow() {
                while let Some(done) = running.join_next().await {
                    if let Ok(done) = done {
                        finish(&state, &config, &mut breakers, clock(), done).await;
                    }
                }
                return;
            }
            let capacity = config.concurrency.saturating_sub(running.len());
            if capacity > 0 {
                match state
                    .store
                    .due_deliveries(
                        now(),
                        u32::try_from(capacity + in_flight.len()).unwrap_or(u32::MAX),
                    )
                    .await
                {
                    Ok(due) => {
                        let fresh: Vec<Delivery> = due
                            .into_iter()
                            .filter(|d| !in_flight.contains(&d.id))
                            .take(capacity)
                            .collect();
                        for delivery in fresh {
                            match load(&state, &delivery).await {
                                Ok(Some(parts)) => {
                                    let endpoint = endpoint_of(&parts.url);
                                    if !breakers.allow(clock(), &endpoint) {
                                        // The circuit is open: wait for its trial without spending an attempt.
                                        let wait = breakers
                                            .poll_timeout()
                                            .map_or(1_000, |at| at.saturating_sub(clock()));
                                        let at = Timestamp(now().0.saturating_add(
                                            i64::try_from(wait).unwrap_or(i64::MAX),
                                        ));
                                        record(&state, delivery.id, Outcome::Deferred { at }).await;
                                        continue;
                                    }
                                    in_flight.insert(delivery.id);
                                    let allow_private = config.allow_private;
                                    let timeout = config.timeout;
                                    running.spawn(async move {
                                        let result =
                                            attempt(&parts, &delivery, allow_private, timeout)
                                                .await;
                                        (delivery, endpoint, result, Some(parts))
                                    });
                                }
                                Ok(None) => {
                                    let error =
                                        "the bot, its webhook or the message is gone".to_owned();
                                    record(&state, delivery.id, Outcome::GaveUp { error }).await;
                                }
                                Err(error) => tracing::error!(%error, "loading a delivery failed"),
                            }
                        }
                    }
                    Err(error) => tracing::error!(%error, "reading the outbox failed"),
                }
            }
            tokio::select! {
                Some(done) = running.join_next(), if !running.is_empty() => {
                    if let Ok(done) = done {
                        in_flight.remove(&done.0.id);
                        finish(&state, &config, &mut breakers, clock(), done).await;
                    }
                }
                () = tokio::time::sleep(config.poll_interval) => {}
                _ = stop.changed() => {}
            }
        }
    })
}

async fn record(state: &AppState, id: i64, outcome: Outcome) {
    if let Err(error) = state.store.record_delivery(id, outcome, now()).await {
        tracing::error!(%error, "recording a delivery failed");
    }
}

/// The bot, room, message and URL of a delivery; `None` if any is gone.
async fn load(state: &AppState, delivery: &Delivery) -> Result<Option<Parts>, StoreError> {
    let gone = |e: StoreError| match e {
        StoreError::NotFound(_) => Ok(None),
        other => Err(other),
    };
    let bot = match state.store.user(delivery.bot).await {
        Ok(bot) if bot.is_active() => bot,
        Ok(_) => return Ok(None),
        Err(e) => return gone(e),
    };
    let message = match state.store.message(delivery.message).await {
        Ok(message) => message,
        Err(e) => return gone(e),
    };
    let room = match state.store.room(message.room).await {
        Ok(room) => room,
        Err(e) => return gone(e),
    };
    let author = match state.store.user(message.author).await {
        Ok(author) => author,
        Err(e) => return gone(e),
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

/// Circuits are per endpoint: scheme, host and port.
fn endpoint_of(url: &str) -> String {
    reqwest::Url::parse(url).map_or_else(
        |_| url.to_owned(),
        |u| {
            format!(
                "{}://{}:{}",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        },
    )
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

async fn attempt(
    parts: &Parts,
    delivery: &Delivery,
    allow_private: bool,
    timeout: Duration,
) -> Result<Attempt, String> {
    let target = match guard::check(&parts.url, allow_private).await {
        Ok(target) => target,
        Err(refused) => return Ok(Attempt::Permanent(refused.to_string())),
    };
    // Redirects are not followed (each hop would need the guard again), and the connection goes
    // to the address that was checked, not to a second DNS answer.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .resolve(&target.host, target.address)
        .build()
        .map_err(|e| e.to_string())?;
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
        Err(error) if error.is_timeout() => return Attempt::TimedOut,
        Err(error) if error.is_connect() => {
            return Attempt::Transient("could not connect".to_owned());
        }
        Err(_) => return Attempt::Transient("the request failed".to_owned()),
    };
    let status = response.status();
    if status.is_success() {
        let textual = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain") || v.starts_with("text/html"));
        if status == reqwest::StatusCode::OK && textual {
            return match response.text().await {
                Ok(text) if !text.trim().is_empty() => {
                    Attempt::Reply(text.chars().take(60_000).collect())
                }
                Ok(_) => Attempt::Delivered,
                Err(error) if error.is_timeout() => Attempt::TimedOut,
                Err(_) => Attempt::Transient("the reply could not be read".to_owned()),
            };
        }
        return Attempt::Delivered;
    }
    let code = status.as_u16();
    if status.is_server_error() || code == 429 || code == 408 {
        Attempt::Transient(format!("HTTP {code}"))
    } else {
        Attempt::Permanent(format!("HTTP {code}"))
    }
}

/// Records an attempt's outcome, posts what the bot said, and updates the endpoint's circuit.
async fn finish(
    state: &AppState,
    config: &WebhookConfig,
    breakers: &mut Breakers<String>,
    clock: u64,
    (delivery, endpoint, result, parts): Finished,
) {
    let outcome = match result {
        Ok(Attempt::Delivered) => {
            breakers.record_success(&endpoint);
            Outcome::Delivered
        }
        Ok(Attempt::Reply(text)) => {
            breakers.record_success(&endpoint);
            if let Some(parts) = &parts {
                say(state, parts, &delivery, "reply", &text).await;
            }
            Outcome::Delivered
        }
        Ok(Attempt::TimedOut) => {
            breakers.record_failure(clock, &endpoint);
            if let Some(parts) = &parts {
                say(
                    state,
                    parts,
                    &delivery,
                    "timeout",
                    "Failed to respond within 7 seconds",
                )
                .await;
            }
            Outcome::GaveUp {
                error: "no answer within the time limit".to_owned(),
            }
        }
        Ok(Attempt::Transient(error)) => {
            breakers.record_failure(clock, &endpoint);
            let mut jitter = [0u8; 8];
            let _ = getrandom::fill(&mut jitter);
            let fraction = (u64::from_le_bytes(jitter) >> 11) as f64 / (1u64 << 53) as f64;
            match config.retry.next_delay(delivery.attempts + 1, fraction) {
                Some(delay) => Outcome::Retry {
                    at: Timestamp(
                        now()
                            .0
                            .saturating_add(i64::try_from(delay).unwrap_or(i64::MAX)),
                    ),
                    error,
                },
                None => Outcome::GaveUp { error },
            }
        }
        Ok(Attempt::Permanent(error)) | Err(error) => {
            breakers.record_failure(clock, &endpoint);
            Outcome::GaveUp { error }
        }
    };
    record(state, delivery.id, outcome).await;
    let circuit = match breakers.state(clock, &endpoint) {
        CircuitState::Closed => "closed",
        CircuitState::Open { .. } => "open",
        CircuitState::HalfOpen => "half-open",
    };
    if let Err(error) = state.store.set_circuit(delivery.bot, circuit).await {
        tracing::error!(%error, "recording a circuit failed");
    }
}

/// Posts as the bot. The client id is derived from the delivery, so a reply posted just before
/// a crash is not posted twice when the delivery is retried.
async fn say(state: &AppState, parts: &Parts, delivery: &Delivery, what: &str, text: &str) {
    let id = format!("{what}-{}", delivery.idempotency_key);
    let client_id = match ClientMessageId::new(id.get(..64).unwrap_or(&id)) {
        Ok(id) => id,
        Err(_) => match new_token()
            .ok()
            .and_then(|t| ClientMessageId::new(t.get(..32).unwrap_or(&t)).ok())
        {
            Some(id) => id,
            None => return,
        },
    };
    if let Err(error) = post_as_bot(state, &parts.bot, &parts.room, client_id, text).await {
        tracing::warn!(code = error.code.as_str(), "a bot's reply was not posted");
    }
}
