//! Prometheus metrics (O2) on their own address, off unless `--metrics-bind` is given: the
//! series (campfire-http's `metrics` module names them) are for an operator's scraper, not for
//! the chat's users, so they are never served on the chat's port.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use campfire_http::AppState;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Latency buckets, in seconds: from a cached read (well under a millisecond) to a slow
/// request (seconds).
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process's recorder; from here on the facade's calls are kept.
pub fn install() -> Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
        .context("invalid metric buckets")?
        .install_recorder()
        .context("could not install the metrics recorder")?;
    campfire_http::metrics::describe();
    Ok(handle)
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    state: AppState,
}

/// Listens on `bind` and answers `GET /metrics` there (for as long as the process runs).
pub async fn serve(bind: &str, handle: PrometheusHandle, state: AppState) -> Result<SocketAddr> {
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("could not listen for metrics on {bind}"))?;
    let address = listener.local_addr()?;
    let app = axum::Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { handle, state });
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the metrics listener failed");
        }
    });
    Ok(address)
}

async fn scrape(State(scrape): State<Scrape>) -> impl IntoResponse {
    campfire_http::metrics::refresh(&scrape.state).await;
    // The recorder's histograms and summaries need upkeep; scraping is when it matters.
    scrape.handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
}
