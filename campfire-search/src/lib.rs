//! Full-text search over Campfire messages (S1–S3).
//!
//! The [`SearchIndex`] port takes changes in ([`Change`]: upserts and deletes, applied in
//! batches together with the event-log position they bring the index to) and gives message ids
//! out ([`Hit`]: id, room and score). Indexes never store documents: the store stays the one
//! source of message text, and [`highlight`] marks the matched words in the text the store
//! returns, with the same analyzer the index used.
//!
//! Two indexes implement the port and pass one conformance suite: [`MemoryIndex`] for tests and
//! embedding, and `TantivyIndex` on disk in the data directory (feature `tantivy`, on by
//! default; crates that only use the port, like campfire-http, leave it off and never link
//! tantivy). [`follow`] keeps any index
//! up to date with the store's event log, and rebuilds it from scratch.
//!
//! Architecture Invariant: user input reaches an index only as [`Terms`], never as query
//! syntax; and every query is scoped to rooms the caller passes in, so the caller decides
//! visibility (the HTTP layer passes the rooms the user is a member of at query time).

mod analyzer;
pub mod follow;
pub mod fuzzing;
mod index;
mod memory;
#[cfg(feature = "tantivy")]
mod tantivy_index;
mod terms;

pub use analyzer::{Fragment, excerpt, highlight};
pub use index::{Change, Document, Hit, MAX_RESULTS, Query, SearchError, SearchIndex};
pub use memory::MemoryIndex;
#[cfg(feature = "tantivy")]
pub use tantivy_index::{Opened, TantivyIndex};
pub use terms::{MAX_TERM_CHARS, MAX_TERMS, Terms};
