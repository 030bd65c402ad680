//! The conformance suite against [`MemoryStore`].

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod conformance;

use std::sync::Arc;

use campfire_store::{MemoryStore, Store};

async fn memory_store() -> (Arc<dyn Store>, ()) {
    (Arc::new(MemoryStore::new()), ())
}

conformance_tests!(memory_store);
