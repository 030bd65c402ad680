//! Campfire's HTTP and WebSocket API, on axum (a thin layer over hyper 1).
//!
//! [`router`] builds the whole service: the JSON API the browser app uses (docs/api.md), the bot
//! API compatible with the original Campfire, the live WebSocket, and `/up`. [`live::spawn`]
//! starts the one task that drives `campfire-coord`'s hub.
//!
//! Architecture Invariant: no sea-orm or tantivy here, not even transitively (`cargo xtask
//! layering`): storage and search are reached through the `campfire-store` and
//! `campfire-search` traits. Handlers authorize every action with `campfire_domain::authorize`.

mod auth;
mod body;
pub mod client;
mod clock;
mod config;
mod error;
mod error_code;
mod extract;
pub(crate) mod files;
pub mod housekeeping;
mod icons;
pub mod live;
pub mod metrics;
mod middleware;
pub mod outbox;
mod previews;
mod routes;
pub mod search;
mod static_files;
pub mod wire;

use std::sync::Arc;

use campfire_search::{MemoryIndex, SearchIndex};
use campfire_store::Store;
use campfire_store::app::{App, SystemClock};

pub use config::{Features, HttpConfig, LiveConfig, PushConfig};
pub use error_code::ErrorCode;
pub use routes::{Guard, Route, router, routes};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases (campfire_store::app), over the same store and live delivery.
    pub app: App,
    /// The store, for reads.
    pub store: Arc<dyn Store>,
    /// The live-delivery driver.
    pub live: live::LiveHandle,
    /// Settings.
    pub config: Arc<HttpConfig>,
    /// The sign-in rate limit.
    pub sign_ins: Arc<auth::RateLimiter>,
    /// The search index (an empty in-memory one until [`AppState::with_search`]).
    pub search: Arc<dyn SearchIndex>,
}

impl AppState {
    /// State for a router, with its live driver already spawned.
    pub fn new(store: Arc<dyn Store>, live: live::LiveHandle, config: HttpConfig) -> Self {
        let sign_ins = auth::RateLimiter::new(config.sign_in_attempts, config.sign_in_window);
        let app = App::new(
            store.clone(),
            Arc::new(live.clone()),
            Arc::new(SystemClock),
            campfire_store::app::Features {
                bots: config.features.bots,
                push: config.features.push,
            },
        );
        AppState {
            app,
            store,
            live,
            config: Arc::new(config),
            sign_ins: Arc::new(sign_ins),
            search: Arc::new(MemoryIndex::new()),
        }
    }

    /// The same state searching `index`, which the caller keeps up to date with
    /// [`search::spawn_indexer`].
    pub fn with_search(mut self, index: Arc<dyn SearchIndex>) -> Self {
        self.search = index;
        self
    }

    /// The same state keeping files' bytes in `blobs` (M9); without, posting a file is refused.
    pub fn with_blobs(mut self, blobs: Arc<dyn campfire_store::blobs::BlobStore>) -> Self {
        self.app = self.app.with_blobs(blobs);
        self
    }
}
