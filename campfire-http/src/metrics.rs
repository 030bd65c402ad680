//! What the server reports to Prometheus (O2), each series named once here. Recording goes
//! through the `metrics` facade, which does nothing until campfire-server installs its recorder
//! (`--metrics-bind`). Labels are few-valued and carry nothing personal: a route's template
//! (never the path, which can hold ids, bot keys and join codes), a method, a status code, a
//! delivery kind.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode};

use crate::AppState;

/// Requests answered, by `method`, `route` (its template) and `status`.
pub const HTTP_REQUESTS: &str = "campfire_http_requests_total";
/// Time to answer a request, by `method` and `route`.
pub const HTTP_REQUEST_SECONDS: &str = "campfire_http_request_duration_seconds";
/// Live WebSocket connections open now.
pub const LIVE_CONNECTIONS: &str = "campfire_live_connections";
/// Events read from the log and published to live delivery.
pub const EVENTS_PUBLISHED: &str = "campfire_events_published_total";
/// Deliveries (webhooks and pushes) queued and not yet finished; set when scraped.
pub const OUTBOX_BACKLOG: &str = "campfire_outbox_backlog";
/// Deliveries that arrived, by `kind` (`webhook`, `push`).
pub const OUTBOX_DELIVERED: &str = "campfire_outbox_delivered_total";
/// Delivery attempts that failed (to be retried or given up on), by `kind`.
pub const OUTBOX_FAILURES: &str = "campfire_outbox_failures_total";
/// Events in the log the search index has not taken in yet; set when scraped.
pub const SEARCH_INDEX_LAG: &str = "campfire_search_index_lag_events";
/// Time the database writer takes to commit one group of writes (the store records it).
pub use campfire_store::DB_COMMIT_SECONDS;

/// Whether a recorder is installed. Without one the facade drops everything, but the labels of a
/// request's series are still built (three strings per request) before it does: measured, that
/// is a few percent of a history read (BENCHMARKS.md), so the per-request series are skipped.
static RECORDING: AtomicBool = AtomicBool::new(false);

/// Gives every series its help text and starts recording the per-request ones; call once,
/// after installing a recorder.
pub fn describe() {
    RECORDING.store(true, Ordering::Relaxed);
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template and status."
    );
    describe_histogram!(
        HTTP_REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer an HTTP request, by route template."
    );
    describe_gauge!(LIVE_CONNECTIONS, "Live WebSocket connections open now.");
    describe_counter!(
        EVENTS_PUBLISHED,
        "Events read from the log and published to live delivery."
    );
    describe_gauge!(
        OUTBOX_BACKLOG,
        "Webhook and push deliveries queued and not yet finished."
    );
    describe_counter!(
        OUTBOX_DELIVERED,
        "Webhook and push deliveries that arrived."
    );
    describe_counter!(
        OUTBOX_FAILURES,
        "Webhook and push attempts that failed (retried or given up on)."
    );
    describe_gauge!(
        SEARCH_INDEX_LAG,
        "Events in the log the search index has not taken in yet."
    );
    describe_histogram!(
        DB_COMMIT_SECONDS,
        Unit::Seconds,
        "Time the database writer takes to commit one group of writes."
    );
}

/// One answered request.
pub(crate) fn request(method: &Method, route: &str, status: StatusCode, took: Duration) {
    if !RECORDING.load(Ordering::Relaxed) {
        return;
    }
    let method = method.as_str().to_owned();
    let route = route.to_owned();
    metrics::counter!(
        HTTP_REQUESTS,
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.as_u16().to_string()
    )
    .increment(1);
    metrics::histogram!(HTTP_REQUEST_SECONDS, "method" => method, "route" => route)
        .record(took.as_secs_f64());
}

/// Counts a live connection for as long as it is held.
pub(crate) struct OpenConnection(());

impl OpenConnection {
    pub(crate) fn opened() -> Self {
        metrics::gauge!(LIVE_CONNECTIONS).increment(1.0);
        OpenConnection(())
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        metrics::gauge!(LIVE_CONNECTIONS).decrement(1.0);
    }
}

/// `count` events published to live delivery.
pub(crate) fn published(count: usize) {
    metrics::counter!(EVENTS_PUBLISHED).increment(u64::try_from(count).unwrap_or(u64::MAX));
}

/// One finished delivery attempt of `kind`.
pub(crate) fn delivery_attempt(kind: &'static str, delivered: bool) {
    let name = if delivered {
        OUTBOX_DELIVERED
    } else {
        OUTBOX_FAILURES
    };
    metrics::counter!(name, "kind" => kind).increment(1);
}

/// Sets the gauges that are cheaper to compute when scraped than to keep current: the outbox's
/// backlog and the search index's lag behind the log. A figure that cannot be read now keeps
/// its last value (and the error is logged).
pub async fn refresh(state: &AppState) {
    match state.store.pending_deliveries().await {
        Ok(backlog) => metrics::gauge!(OUTBOX_BACKLOG).set(backlog as f64),
        Err(error) => tracing::warn!(%error, "metrics: could not count the outbox"),
    }
    let head = state.store.last_event_seq().await;
    let through = crate::search::blocking(&state.search, |index| index.indexed_through()).await;
    match (head, through) {
        (Ok(head), Ok(through)) => {
            metrics::gauge!(SEARCH_INDEX_LAG).set(head.0.saturating_sub(through.0).max(0) as f64);
        }
        (Err(error), _) => tracing::warn!(%error, "metrics: could not read the log's head"),
        (_, Err(error)) => tracing::warn!(%error, "metrics: could not read the search index"),
    }
}
