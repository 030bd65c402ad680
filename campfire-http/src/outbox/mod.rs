//! Outbound deliveries from the outbox, one worker for both kinds: bots' webhooks (B3), whose
//! replies are posted back as the bot, and Web Pushes to browsers (N1). Transient failures are
//! retried with backoff and jitter, and failing endpoints are isolated by a circuit breaker
//! (`campfire-coord`'s policy, driven here). Every target passes the one SSRF guard.

pub(crate) mod guard;
mod push;
mod webhook;

use std::collections::HashSet;
use std::time::Duration;

use campfire_coord::{BreakerPolicy, Breakers, CircuitState, RetryPolicy};
use campfire_domain::{Message, Room, Timestamp, User};
use campfire_store::{Delivery, DeliveryTarget, Outcome, StoreError};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use guard::{Refused, check as check_target, is_public};
pub use push::vapid_authorization;

use crate::AppState;
use crate::clock::now;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Let webhooks and push endpoints reach private and loopback addresses, and push endpoints
    /// use plain http (off by default: SSRF; on for tests with local receivers).
    pub allow_private: bool,
    /// How long a bot has to answer; after that it "failed to respond" (the original's 7 s).
    /// Push services get the same limit.
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

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
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
    /// 200 with a text or HTML body: post it back (webhooks).
    Reply(String),
    /// A typed body that is not text, posted back as a file (webhooks); with the error when
    /// the call failed finally all the same (a 500's error page).
    File(webhook::ReplyFile, Option<String>),
    /// No answer in time.
    TimedOut,
    /// Worth retrying: the target surely did not act on it (for webhooks: not connected,
    /// not resolved, 503 or 429), no sooner than the `Retry-After` it asked for (milliseconds).
    Transient(String, Option<u64>),
    /// Not worth retrying.
    Permanent(String),
    /// The target no longer exists (a push subscription answered 404 or 410): remove it.
    Gone(String),
}

impl Attempt {
    /// How a push service's failure is taken: push services are idempotent by design, so
    /// every failure that may pass is retried.
    fn from_error(error: &reqwest::Error) -> Attempt {
        if error.is_timeout() {
            Attempt::TimedOut
        } else if error.is_connect() {
            Attempt::Transient("could not connect".to_owned(), None)
        } else {
            Attempt::Transient("the request failed".to_owned(), None)
        }
    }

    fn from_status(code: u16) -> Attempt {
        if code >= 500 || code == 429 || code == 408 {
            Attempt::Transient(format!("HTTP {code}"), None)
        } else {
            Attempt::Permanent(format!("HTTP {code}"))
        }
    }
}

/// A delivery, loaded.
enum Job {
    Webhook(Box<webhook::Parts>),
    Push(Box<push::Parts>),
}

impl Job {
    /// The URL it goes to.
    fn url(&self) -> &str {
        match self {
            Job::Webhook(parts) => &parts.url,
            Job::Push(parts) => &parts.subscription.endpoint,
        }
    }
}

/// A finished attempt: the delivery, its endpoint, the result, and what was loaded for it.
type Finished = (Delivery, String, Result<Attempt, String>, Job);

/// A missing row means the delivery's subject is gone; anything else is an error.
fn gone<T>(error: StoreError) -> Result<Option<T>, StoreError> {
    match error {
        StoreError::NotFound(_) => Ok(None),
        other => Err(other),
    }
}

/// The message a delivery is about, its room and its author; `None` when any of them is gone
/// (deleted since the delivery was queued), which ends the delivery quietly.
async fn subject_of(
    state: &AppState,
    delivery: &Delivery,
) -> Result<Option<(Message, Room, User)>, StoreError> {
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
    Ok(Some((message, room, author)))
}

/// Starts the worker; it stops when `stop` turns true, finishing the deliveries in flight.
pub fn spawn(
    state: AppState,
    config: DeliveryConfig,
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
                                Ok(Some(job)) => {
                                    let endpoint = circuit_of(&delivery, job.url());
                                    if !breakers.allow(clock(), &endpoint) {
                                        // The circuit is open: wait for its trial without spending an attempt.
                                        let wait = match breakers.state(clock(), &endpoint) {
                                            CircuitState::Open { until } => {
                                                until.saturating_sub(clock())
                                            }
                                            _ => 1_000,
                                        };
                                        let at = Timestamp(now().0.saturating_add(
                                            i64::try_from(wait).unwrap_or(i64::MAX),
                                        ));
                                        record(&state, delivery.id, Outcome::Deferred { at }).await;
                                        continue;
                                    }
                                    in_flight.insert(delivery.id);
                                    let allow_private = config.allow_private;
                                    let timeout = config.timeout;
                                    let push = state.config.push.clone();
                                    running.spawn(async move {
                                        let result = match &job {
                                            Job::Webhook(parts) => {
                                                webhook::attempt(
                                                    parts,
                                                    &delivery,
                                                    allow_private,
                                                    timeout,
                                                )
                                                .await
                                            }
                                            Job::Push(parts) => {
                                                push::attempt(parts, &push, allow_private, timeout)
                                                    .await
                                            }
                                        };
                                        (delivery, endpoint, result, job)
                                    });
                                }
                                Ok(None) => {
                                    let error = match delivery.target {
                                        DeliveryTarget::Webhook(_) => {
                                            "the bot, its webhook or the message is gone"
                                        }
                                        DeliveryTarget::Push(_) => {
                                            "the subscription, the message or the membership is gone"
                                        }
                                    }
                                    .to_owned();
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

/// What a delivery needs; `None` if its subject is gone.
async fn load(state: &AppState, delivery: &Delivery) -> Result<Option<Job>, StoreError> {
    Ok(match delivery.target {
        DeliveryTarget::Webhook(bot) => webhook::load(state, bot, delivery)
            .await?
            .map(|parts| Job::Webhook(Box::new(parts))),
        DeliveryTarget::Push(id) => push::load(state, id, delivery)
            .await?
            .map(|parts| Job::Push(Box::new(parts))),
    })
}

/// Which circuit a delivery goes through. Each bot has its own (B3): several bots are often
/// served by one process (Basecamp's bot kit does), and one failing bot must not hold back the
/// others. A push service is one circuit per scheme, host and port, whoever it serves.
fn circuit_of(delivery: &Delivery, url: &str) -> String {
    match delivery.target {
        DeliveryTarget::Webhook(bot) => format!("bot {bot}"),
        DeliveryTarget::Push(_) => endpoint_of(url),
    }
}

/// A push service's endpoint: scheme, host and port.
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

/// Records an attempt's outcome, posts what a bot said, removes a gone subscription, and
/// updates the endpoint's circuit.
async fn finish(
    state: &AppState,
    config: &DeliveryConfig,
    breakers: &mut Breakers<String>,
    clock: u64,
    (delivery, endpoint, result, job): Finished,
) {
    let gone = matches!(result, Ok(Attempt::Gone(_)));
    let outcome = match result {
        Ok(Attempt::Delivered) => {
            breakers.record_success(&endpoint);
            Outcome::Delivered
        }
        Ok(Attempt::Reply(text)) => {
            breakers.record_success(&endpoint);
            if let Job::Webhook(parts) = &job {
                webhook::say(state, parts, &delivery, "reply", &text).await;
            }
            Outcome::Delivered
        }
        Ok(Attempt::File(file, failed)) => {
            match &failed {
                None => breakers.record_success(&endpoint),
                Some(_) => breakers.record_failure(clock, &endpoint),
            }
            if let Job::Webhook(parts) = &job {
                webhook::say_file(state, parts, &delivery, file).await;
            }
            match failed {
                None => Outcome::Delivered,
                Some(error) => Outcome::GaveUp { error },
            }
        }
        Ok(Attempt::TimedOut) => {
            breakers.record_failure(clock, &endpoint);
            match &job {
                Job::Webhook(parts) => {
                    webhook::say(
                        state,
                        parts,
                        &delivery,
                        "timeout",
                        "Failed to respond within 7 seconds",
                    )
                    .await;
                    Outcome::GaveUp {
                        error: "no answer within the time limit".to_owned(),
                    }
                }
                Job::Push(_) => retry(
                    config,
                    &delivery,
                    "no answer within the time limit".into(),
                    None,
                ),
            }
        }
        Ok(Attempt::Transient(error, retry_after)) => {
            breakers.record_failure(clock, &endpoint);
            retry(config, &delivery, error, retry_after)
        }
        Ok(Attempt::Gone(error)) => {
            // The push service answered, so the endpoint is healthy; the subscription is not.
            breakers.record_success(&endpoint);
            Outcome::GaveUp { error }
        }
        Ok(Attempt::Permanent(error)) | Err(error) => {
            // A push service is shared by every browser of a vendor: one subscription it refuses
            // (a 4xx) says nothing about the others, so only transient failures open its circuit.
            if matches!(job, Job::Webhook(_)) {
                breakers.record_failure(clock, &endpoint);
            }
            Outcome::GaveUp { error }
        }
    };
    let kind = match delivery.target {
        DeliveryTarget::Webhook(_) => "webhook",
        DeliveryTarget::Push(_) => "push",
    };
    crate::metrics::delivery_attempt(kind, matches!(outcome, Outcome::Delivered));
    record(state, delivery.id, outcome).await;
    match delivery.target {
        DeliveryTarget::Push(id) if gone => {
            tracing::info!(subscription = id.0, "a push subscription expired; removed");
            if let Err(error) = state.store.remove_push_subscription(id).await {
                tracing::error!(%error, "removing a push subscription failed");
            }
        }
        DeliveryTarget::Push(_) => {}
        DeliveryTarget::Webhook(bot) => {
            let circuit = match breakers.state(clock, &endpoint) {
                CircuitState::Closed => "closed",
                CircuitState::Open { .. } => "open",
                CircuitState::HalfOpen => "half-open",
            };
            if let Err(error) = state.store.set_circuit(bot, circuit).await {
                tracing::error!(%error, "recording a circuit failed");
            }
        }
    }
}

/// The longest `Retry-After` honoured; a target asking for more is retried after this.
const MAX_RETRY_AFTER_MS: u64 = 60 * 60 * 1_000;

/// A retry after the policy's delay (or the target's `Retry-After`, when longer), or giving up
/// when the retries are spent.
fn retry(
    config: &DeliveryConfig,
    delivery: &Delivery,
    error: String,
    retry_after: Option<u64>,
) -> Outcome {
    let fraction = campfire_store::app::random::fraction();
    match config.retry.next_delay(delivery.attempts + 1, fraction) {
        Some(delay) => Outcome::Retry {
            at: Timestamp(
                now().0.saturating_add(
                    i64::try_from(delay.max(retry_after.unwrap_or(0).min(MAX_RETRY_AFTER_MS)))
                        .unwrap_or(i64::MAX),
                ),
            ),
            error,
        },
        None => Outcome::GaveUp { error },
    }
}
