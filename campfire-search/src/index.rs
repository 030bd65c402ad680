//! The search index port.

use campfire_domain::{EventSeq, MessageId, RoomId, Timestamp, UserId};

use crate::Terms;

/// The most hits one query returns.
pub const MAX_RESULTS: usize = 100;

/// What the index knows about a message: enough to match, scope, filter and rank it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The message.
    pub message: MessageId,
    /// Its room (queries are scoped by room).
    pub room: RoomId,
    /// Its author (a filter).
    pub author: UserId,
    /// When it was posted (a filter, and recency in ranking).
    pub at: Timestamp,
    /// Its plain text; analyzed, never stored.
    pub text: String,
}

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Index a message, replacing any earlier version of it (posts and edits).
    Upsert(Document),
    /// Forget a message.
    Delete(MessageId),
    /// Forget every message of a room.
    DeleteRoom(RoomId),
}

/// A search, already reduced to safe terms and scoped by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What to look for; every term must match.
    pub terms: Terms,
    /// The only rooms that may match (the caller's rooms at query time). Empty finds nothing.
    pub rooms: Vec<RoomId>,
    /// Only messages by this author.
    pub author: Option<UserId>,
    /// Only messages posted at or after this time.
    pub from: Option<Timestamp>,
    /// Only messages posted before this time.
    pub until: Option<Timestamp>,
    /// The time recency is measured from.
    pub now: Timestamp,
    /// At most this many hits (clamped to [`MAX_RESULTS`]).
    pub limit: usize,
}

impl Query {
    /// A query for `terms` in `rooms`, unfiltered, with the default limit.
    pub fn new(terms: Terms, rooms: Vec<RoomId>, now: Timestamp) -> Query {
        Query {
            terms,
            rooms,
            author: None,
            from: None,
            until: None,
            now,
            limit: 50,
        }
    }

    pub(crate) fn admits(&self, doc: &Document) -> bool {
        self.rooms.contains(&doc.room)
            && self.author.is_none_or(|a| a == doc.author)
            && self.from.is_none_or(|from| doc.at >= from)
            && self.until.is_none_or(|until| doc.at < until)
    }

    pub(crate) fn clamped_limit(&self) -> usize {
        self.limit.clamp(1, MAX_RESULTS)
    }
}

/// A matching message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The message.
    pub message: MessageId,
    /// Relevance weighted by recency; higher is better.
    pub score: f32,
}

/// Why the index could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index's files could not be read or written.
    #[error("search index unavailable: {0}")]
    Unavailable(String),
    /// The store could not be read while following the log.
    #[error("reading the store for search failed: {0}")]
    Store(#[from] campfire_store::StoreError),
}

/// A full-text index of messages. Methods block (an index does disk I/O); async callers run
/// them on a blocking thread.
pub trait SearchIndex: Send + Sync {
    /// Applies `changes` in order and records that the index now reflects the event log
    /// through `through`, as one commit: after a crash either both are visible or neither.
    fn apply(&self, changes: &[Change], through: EventSeq) -> Result<(), SearchError>;

    /// The event-log position the index reflects (0 when empty).
    fn indexed_through(&self) -> Result<EventSeq, SearchError>;

    /// The best matches, best first. Ranking is relevance weighted by recency: of two equally
    /// relevant messages the newer comes first.
    fn search(&self, query: &Query) -> Result<Vec<Hit>, SearchError>;

    /// Forgets everything, including the log position, to rebuild from scratch.
    fn clear(&self) -> Result<(), SearchError>;

    /// How many messages are indexed.
    fn len(&self) -> Result<u64, SearchError>;

    /// Nothing to index for a while: let go of what indexing holds (tantivy's writer: three
    /// threads and a 2.4 MB document queue); the next [`apply`](Self::apply) takes it again.
    fn park(&self) -> Result<(), SearchError> {
        Ok(())
    }

    /// Whether nothing is indexed.
    fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }
}

/// The recency weight: 2 for a message posted now, halving towards 1 every 30 days, so
/// relevance still decides between a strong old match and a weak new one.
pub(crate) fn recency(now: Timestamp, at: Timestamp) -> f32 {
    const HALF_LIFE_DAYS: f64 = 30.0;
    let age_days = (now.millis_since(at).max(0) as f64) / 86_400_000.0;
    (1.0 + (-age_days / HALF_LIFE_DAYS).exp2()) as f32
}
