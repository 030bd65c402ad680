//! Campfire's storage: the [`Store`] trait in domain words, an in-memory [`MemoryStore`],
//! [`HotStore`] (the hot reads of any store answered from memory), and (with the `sqlite`
//! feature, on by default) the [`SqliteStore`] on rusqlite, migrated by sea-orm-migration.
//!
//! Every write that changes what clients see appends its event to the sequenced log **in the
//! same transaction**, so the log and the data never disagree. One conformance suite
//! (`tests/conformance`) runs against every adapter.
//!
//! Architecture Invariant: rusqlite and sea-orm types (errors, connections, rows) never leave
//! the `sqlite` module. The store authorizes nothing: callers check `campfire_domain::authorize` first. It
//! does keep the data whole: every operation is all-or-nothing.

pub mod app;
pub mod blobs;
mod commands;
mod error;
mod hot;
mod memory;
#[cfg(feature = "sqlite")]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;

pub use commands::{
    AccountChanges, Delivery, DeliveryStats, DeliveryTarget, FirstRun, HotState, NewBot,
    NewMessage, NewPerson, NewPushSubscription, NewRoom, NewSession, Outcome, Page, Posted,
    ProfileChanges, RoomMembers, SetUp, Stats,
};
pub use error::{Conflict, StoreError};
pub use hot::HotStore;
pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::once;
#[cfg(feature = "sqlite")]
pub use sqlite::{DEFAULT_DATA_DIR, DataDir, ExclusiveLock, SqliteStore, StoreOptions};
pub use store::Store;

/// The metric the SQLite writer records each group commit's duration under, in seconds
/// (campfire-http's `metrics` module lists every series).
pub const DB_COMMIT_SECONDS: &str = "campfire_db_commit_seconds";

/// The largest history page a caller may ask for; larger requests are clamped.
pub const MAX_PAGE: u32 = 200;

/// How many recent searches are kept per user (S2).
pub const RECENT_SEARCHES: usize = 10;
