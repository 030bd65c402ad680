//! The Campfire server: reads its configuration, takes the data directory, wires the SQLite
//! store, the live driver and the HTTP service, and shuts down without losing anything.
//!
//! Architecture Invariant: no business logic here; this is the composition root, the only place
//! (with campfire-cli) that names concrete adapters.

mod config;
mod limits;
mod metrics;
mod redirect;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use campfire_http::{AppState, HttpConfig, live};
use campfire_search::{MemoryIndex, Opened, SearchIndex, TantivyIndex};
use campfire_store::{DataDir, HotStore, SqliteStore, Store, StoreOptions};
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::Config;

/// How long requests in flight may take to finish once HTTPS stops accepting.
const DRAIN: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> Result<()> {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_json {
        logs.json().init();
    } else {
        logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
    run(config).await
}

async fn run(config: Config) -> Result<()> {
    // One TLS crypto provider for outbound HTTPS (webhooks, pushes): ring, as sqlx already uses.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Before anything records: the facade drops what comes before a recorder.
    let metrics = match &config.metrics_bind {
        Some(_) => Some(metrics::install()?),
        None => None,
    };
    let open_files = limits::raise_open_files();
    let max_connections = config
        .max_connections
        .unwrap_or_else(|| limits::default_max_connections(open_files));
    let data = DataDir::new(&config.data_dir);
    data.create().with_context(|| {
        format!(
            "could not create the data directory {}",
            config.data_dir.display()
        )
    })?;
    let _lock = data.try_lock_exclusive()?.with_context(|| {
        format!(
            "another Campfire server is already using {}",
            config.data_dir.display()
        )
    })?;
    let signing_key =
        config::signing_key(&data).context("could not read or create the signing key")?;
    let store = Arc::new(
        SqliteStore::open(&data.database(), StoreOptions::default())
            .await
            .with_context(|| format!("could not open {}", data.database().display()))?,
    );
    // Sessions, users, rooms and memberships held in memory from the start, latest pages once
    // read (HotStore), kept current by this process's writes and by the log for everyone else's.
    let dyn_store: Arc<dyn Store> = Arc::new(
        HotStore::load(store.clone())
            .await
            .context("could not read the hot state")?,
    );

    let tls = config.tls();
    let mut http = HttpConfig::new(signing_key);
    http.tls = tls.is_some();
    http.trust_proxy = config.trust_proxy;
    http.hosts = config.own_hosts();
    http.features = config.features();
    http.live = config.live();
    http.push = config::push(&config, &data).context("could not set up Web Push")?;
    let live = live::spawn(dyn_store.clone(), http.live.clone())
        .await
        .context("could not start live delivery")?;
    let search = open_search_index(&data).await;
    let blobs = campfire_store::blobs::LocalBlobs::open(data.files())
        .with_context(|| format!("could not open {}", data.files().display()))?;
    let state = AppState::new(dyn_store.clone(), live.handle.clone(), http)
        .with_search(search.clone())
        .with_blobs(Arc::new(blobs));
    let (stop_workers, workers_stop) = tokio::sync::watch::channel(false);
    let indexer = campfire_http::search::spawn_indexer(dyn_store, search, workers_stop.clone());
    let upkeep = campfire_http::housekeeping::spawn(state.clone(), workers_stop.clone());
    let deliveries = campfire_http::outbox::spawn(state.clone(), config.deliveries(), workers_stop);
    if let (Some(handle), Some(bind)) = (metrics, &config.metrics_bind) {
        let address = metrics::serve(bind, handle, state.clone()).await?;
        tracing::info!(%address, "metrics at /metrics");
    }
    let app = campfire_http::router(state).into_make_service_with_connect_info::<SocketAddr>();

    let listener = TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("could not listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, tls = tls.is_some(), "listening");
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!(
        "Campfire is running at {scheme}://{}  (data in {})",
        openable(address, &config.hosts),
        config.data_dir.display()
    );

    let handle = live.handle.clone();
    // Sockets close with "going away" first, so their requests can finish and clients resume
    // elsewhere; then the server stops accepting and drains in-flight requests.
    let stopping = async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        handle.shutdown().await;
    };
    let server = axum_server::Handle::new();
    let draining = server.clone();
    tokio::spawn(async move {
        stopping.await;
        draining.graceful_shutdown(Some(DRAIN));
    });
    // F5: connections past the cap are closed as they arrive; headers (and a connection's
    // first request) have a deadline.
    let capped = limits::Capped::new(max_connections);
    let header_timeout = config.header_timeout();
    match tls {
        None => {
            let mut plain = axum_server::from_tcp(listener.into_std()?)?
                .acceptor(capped)
                .handle(server)
                .first_request_timeout(header_timeout)
                .accept_error_handler(|_, error| tracing::debug!(%error, "connection refused"));
            plain
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            plain.serve(app).await.context("the server failed")?;
        }
        Some(source) => {
            let rustls = tls::start(&source, &data.acme_dir())
                .await
                .context("could not set up HTTPS")?;
            if let Some(bind) = config.redirect_bind() {
                match redirect::serve(bind, address.port()).await {
                    Ok(plain) => tracing::info!(address = %plain, "plain HTTP redirects to HTTPS"),
                    // Port 80 may be taken or privileged; HTTPS itself works without it.
                    Err(error) => {
                        tracing::warn!(error = format!("{error:#}"), "no HTTP-to-HTTPS redirect")
                    }
                }
            }
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(rustls).acceptor(capped);
            let mut secure = axum_server::from_tcp(listener.into_std()?)?
                .acceptor(acceptor)
                .handle(server)
                .first_request_timeout(header_timeout)
                .accept_error_handler(|_, error| tracing::debug!(%error, "connection refused"));
            secure
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            secure.serve(app).await.context("the server failed")?;
        }
    }
    let _ = live.task.await;
    // Deliveries in flight finish; the rest stay queued in the outbox for the next start.
    let _ = stop_workers.send(true);
    let _ = deliveries.await;
    let _ = upkeep.await;
    let _ = indexer.await;
    tracing::info!("stopped");
    Ok(())
}

/// The search index in the data directory. A missing or unusable index is replaced by an empty
/// one that the indexer rebuilds from the store while the server serves; if the directory
/// itself cannot be used, search runs from memory (rebuilt at every start) rather than the
/// server refusing to start.
async fn open_search_index(data: &DataDir) -> Arc<dyn SearchIndex> {
    let dir = data.search_index();
    let opened = tokio::task::spawn_blocking(move || TantivyIndex::open(&dir)).await;
    match opened {
        Ok(Ok((index, how))) => {
            match how {
                Opened::Existing => {}
                Opened::Created => tracing::info!("search index created; indexing every message"),
                Opened::Replaced(reason) => tracing::warn!(
                    %reason,
                    "search index was unusable and is being rebuilt from the store"
                ),
            }
            Arc::new(index)
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "search index unavailable; searching from memory instead");
            Arc::new(MemoryIndex::new())
        }
        Err(error) => {
            tracing::error!(%error, "search index unavailable; searching from memory instead");
            Arc::new(MemoryIndex::new())
        }
    }
}

/// An address a person can open: listening on every address (`0.0.0.0`, `[::]`) is not one, so
/// the first `--host` name, or `localhost`, with the port.
fn openable(address: SocketAddr, hosts: &[String]) -> String {
    if !address.ip().is_unspecified() {
        return address.to_string();
    }
    let host = hosts.first().map_or("localhost", String::as_str);
    format!(
        "{host}:{}  (listening on every address, {address})",
        address.port()
    )
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

#[cfg(test)]
mod tests {
    use super::openable;

    #[test]
    fn the_printed_address_is_one_a_person_can_open() {
        let any = "0.0.0.0:3101".parse().unwrap();
        assert_eq!(
            openable(any, &[]),
            "localhost:3101  (listening on every address, 0.0.0.0:3101)"
        );
        assert!(openable(any, &["chat.example.com".into()]).starts_with("chat.example.com:3101 "));
        assert_eq!(
            openable("127.0.0.1:3000".parse().unwrap(), &[]),
            "127.0.0.1:3000"
        );
    }
}
