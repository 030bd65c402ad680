//! Keeping an index in step with the store's event log.
//!
//! The index remembers the last log position it reflects; [`next_batch`] reads the events after
//! it and turns them into [`Change`]s, reading the messages' current text from the store. Posts
//! and edits become upserts (an edit re-indexes), deletes remove, a deleted room removes its
//! messages. Replaying a batch is harmless: upserts replace and deletes of missing documents do
//! nothing. So a crash between a store commit and its indexing only delays the indexing.

use std::collections::HashMap;

use campfire_domain::{Event, EventKind, EventSeq, MessageId};
use campfire_store::Store;

use crate::{Change, Document, SearchError, SearchIndex};

/// Events read per batch while following the live log: small, so a new message is searchable
/// quickly.
pub const LIVE_BATCH: u32 = 500;

/// Events read per batch while rebuilding: larger, so the rebuild makes fewer commits.
pub const REBUILD_BATCH: u32 = 10_000;

/// Changes to apply, and the log position they bring the index to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// In log order.
    pub changes: Vec<Change>,
    /// The last event the batch covers.
    pub through: EventSeq,
}

/// The changes for up to `limit` events after `after`, or `None` when the log has nothing new.
pub async fn next_batch(
    store: &dyn Store,
    after: EventSeq,
    limit: u32,
) -> Result<Option<Batch>, SearchError> {
    let events = store.events_after(after, limit).await?;
    let Some(last) = events.last() else {
        return Ok(None);
    };
    let through = last.seq;
    let wanted: Vec<MessageId> = events.iter().filter_map(upserted).collect();
    let mut current: HashMap<MessageId, Document> = store
        .messages_by_ids(&wanted)
        .await?
        .into_iter()
        .map(|m| {
            let doc = Document {
                message: m.id,
                room: m.room,
                author: m.author,
                at: m.created_at,
                text: m.body.plain().to_owned(),
            };
            (m.id, doc)
        })
        .collect();
    let changes = events
        .iter()
        .filter_map(|event| match event.kind {
            // A message missing now was deleted later in the log; its delete event follows.
            EventKind::MessageCreated { message, .. }
            | EventKind::MessageEdited { message, .. } => {
                current.remove(&message).map(Change::Upsert)
            }
            EventKind::MessageDeleted { message, .. } => Some(Change::Delete(message)),
            EventKind::RoomDeleted { room } => Some(Change::DeleteRoom(room)),
            _ => None,
        })
        .collect();
    Ok(Some(Batch { changes, through }))
}

fn upserted(event: &Event) -> Option<MessageId> {
    match event.kind {
        EventKind::MessageCreated { message, .. } | EventKind::MessageEdited { message, .. } => {
            Some(message)
        }
        _ => None,
    }
}

/// Applies batches until the index reflects the whole log; returns the position reached.
/// This blocks in [`SearchIndex::apply`]: async servers run their own loop with the applying
/// on a blocking thread; tools may call this directly.
pub async fn catch_up(
    store: &dyn Store,
    index: &dyn SearchIndex,
    limit: u32,
) -> Result<EventSeq, SearchError> {
    let mut through = index.indexed_through()?;
    while let Some(batch) = next_batch(store, through, limit).await? {
        index.apply(&batch.changes, batch.through)?;
        through = batch.through;
    }
    Ok(through)
}

/// Forgets everything and indexes the store's whole log again.
pub async fn rebuild(store: &dyn Store, index: &dyn SearchIndex) -> Result<EventSeq, SearchError> {
    index.clear()?;
    catch_up(store, index, REBUILD_BATCH).await
}
