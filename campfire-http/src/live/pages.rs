//! The latest history page of busy rooms, kept as the encoded JSON body (M3).
//!
//! Reading the latest page is the most frequent request of a chat app (every room switch, every
//! reload). Its body depends only on the room's messages and their boosts, which change only by
//! committed writes; every commit either comes through this process — which calls
//! [`LiveHandle::nudge`](super::LiveHandle::nudge) after it, before answering — or is found in
//! the log by the driver. Both move the cache to a new generation, which makes every kept page
//! stale at once: a page is served only while nothing at all has been committed since it was
//! encoded. Simple and safe; under a stream of posts pages are simply encoded again.
//!
//! A page encoded from a read that raced a commit carries the generation seen before the read,
//! which the commit moved on, so it is never kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use campfire_domain::RoomId;

/// Rooms whose page is kept; past this the set is dropped and refilled.
const MAX_ROOMS: usize = 256;

/// Encoded latest pages, valid for one generation of the log.
#[derive(Default)]
pub struct LatestPages {
    generation: AtomicU64,
    pages: Mutex<HashMap<RoomId, (u64, Bytes)>>,
}

impl LatestPages {
    /// Something was committed: every kept page may be old.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The generation to note before reading a page from the store.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The room's page, if one was kept in the current generation.
    pub fn get(&self, room: RoomId) -> Option<Bytes> {
        let current = self.generation();
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(&room)
            .filter(|(generation, _)| *generation == current)
            .map(|(_, body)| body.clone())
    }

    /// Keeps a page read in `generation`, unless something was committed since.
    pub fn put(&self, room: RoomId, generation: u64, body: Bytes) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if self.generation() != generation {
            return;
        }
        if pages.len() >= MAX_ROOMS && !pages.contains_key(&room) {
            pages.clear();
        }
        pages.insert(room, (generation, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_until_anything_is_committed() {
        let pages = LatestPages::default();
        let room = RoomId(1);
        let seen = pages.generation();
        pages.put(room, seen, Bytes::from_static(b"page"));
        assert_eq!(pages.get(room).as_deref(), Some(&b"page"[..]));
        pages.invalidate();
        assert_eq!(pages.get(room), None);
    }

    #[test]
    fn a_page_read_before_a_commit_is_not_kept() {
        let pages = LatestPages::default();
        let seen = pages.generation();
        pages.invalidate();
        pages.put(RoomId(1), seen, Bytes::from_static(b"old"));
        assert_eq!(pages.get(RoomId(1)), None);
    }
}
