//! An index in memory: for tests, and for embedding without a data directory.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use campfire_domain::{EventSeq, MessageId};

use crate::analyzer::{analyzer, query_stems, tokens};
use crate::index::recency;
use crate::{Change, Document, Hit, Query, SearchError, SearchIndex};

/// A [`SearchIndex`] held in memory, scanning every document per query.
#[derive(Debug, Default)]
pub struct MemoryIndex {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    docs: BTreeMap<MessageId, (Document, Vec<String>)>,
    through: EventSeq,
}

impl MemoryIndex {
    /// An empty index.
    pub fn new() -> MemoryIndex {
        MemoryIndex::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters more than losing the index, so recover the guard.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SearchIndex for MemoryIndex {
    fn apply(&self, changes: &[Change], through: EventSeq) -> Result<(), SearchError> {
        let mut analyzer = analyzer();
        let mut state = self.lock();
        for change in changes {
            match change {
                Change::Upsert(doc) => {
                    let stems = tokens(&mut analyzer, &doc.text)
                        .into_iter()
                        .map(|(stem, _)| stem)
                        .collect();
                    state.docs.insert(doc.message, (doc.clone(), stems));
                }
                Change::Delete(id) => {
                    state.docs.remove(id);
                }
                Change::DeleteRoom(room) => state.docs.retain(|_, (doc, _)| doc.room != *room),
            }
        }
        state.through = through;
        Ok(())
    }

    fn indexed_through(&self) -> Result<EventSeq, SearchError> {
        Ok(self.lock().through)
    }

    fn search(&self, query: &Query) -> Result<Vec<Hit>, SearchError> {
        let Some(wanted) = query_stems(&mut analyzer(), &query.terms) else {
            return Ok(Vec::new());
        };
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let state = self.lock();
        let mut hits: Vec<Hit> = state
            .docs
            .values()
            .filter(|(doc, _)| query.admits(doc))
            .filter_map(|(doc, stems)| {
                // Term frequency damped by length: a crude BM25, enough to rank like one.
                let mut relevance = 0.0f32;
                for stem in &wanted {
                    let tf = stems.iter().filter(|s| *s == stem).count() as f32;
                    if tf == 0.0 {
                        return None;
                    }
                    relevance += tf / (tf + 1.0 + stems.len() as f32 / 20.0);
                }
                Some(Hit {
                    message: doc.message,
                    score: relevance * recency(query.now, doc.at),
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| b.message.cmp(&a.message))
        });
        hits.truncate(query.clamped_limit());
        Ok(hits)
    }

    fn clear(&self) -> Result<(), SearchError> {
        *self.lock() = State::default();
        Ok(())
    }

    fn len(&self) -> Result<u64, SearchError> {
        Ok(self.lock().docs.len() as u64)
    }
}
