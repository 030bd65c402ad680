//! The latest history page of busy rooms, kept as the encoded JSON body (M3), for the app and
//! for the bot API's listing (whose body also depends on the address the bot called).
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
use campfire_domain::{MessageId, RoomId};

/// Rooms whose page is kept; past this the set is dropped and refilled.
const MAX_ROOMS: usize = 256;

/// The bot API's latest page of a room: its body and what its headers say.
#[derive(Debug, Clone)]
pub struct BotPage {
    /// The encoded JSON array.
    pub body: Bytes,
    /// The room's message count (`X-Total-Count`).
    pub total: u64,
    /// Where the `Link: <…>; rel="next"` continues, when there is more in that direction.
    pub next: Option<NextPage>,
}

/// The page after a bot API page: older ones for the latest page and `before=`, newer ones for
/// `after=` (the original's bots catch up forward).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextPage {
    /// `?before=<id>`: older than the page's first message.
    Before(MessageId),
    /// `?after=<id>`: newer than the page's last message.
    After(MessageId),
}

impl NextPage {
    /// The query string of the link.
    pub fn query(self) -> String {
        match self {
            NextPage::Before(id) => format!("before={id}"),
            NextPage::After(id) => format!("after={id}"),
        }
    }
}

/// Encoded latest pages, valid for one generation of the log.
#[derive(Default)]
pub struct LatestPages {
    generation: AtomicU64,
    pages: Mutex<HashMap<RoomId, (u64, Bytes)>>,
    /// By room and the base URL the bot called (its messages' URLs are built on it).
    bot_pages: Mutex<HashMap<(RoomId, String), (u64, BotPage)>>,
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

    /// The room's bot API page for `base`, if one was kept in the current generation.
    pub fn get_bot(&self, room: RoomId, base: &str) -> Option<BotPage> {
        let current = self.generation();
        let pages = self.bot_pages.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(&(room, base.to_owned()))
            .filter(|(generation, _)| *generation == current)
            .map(|(_, page)| page.clone())
    }

    /// Keeps a bot API page read in `generation`, unless something was committed since.
    pub fn put_bot(&self, room: RoomId, base: &str, generation: u64, page: BotPage) {
        let mut pages = self.bot_pages.lock().unwrap_or_else(|e| e.into_inner());
        if self.generation() != generation {
            return;
        }
        let key = (room, base.to_owned());
        if pages.len() >= MAX_ROOMS && !pages.contains_key(&key) {
            pages.clear();
        }
        pages.insert(key, (generation, page));
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
    fn a_bot_page_is_kept_per_address_until_anything_is_committed() {
        let pages = LatestPages::default();
        let page = BotPage {
            body: Bytes::from_static(b"[]"),
            total: 3,
            next: Some(NextPage::Before(MessageId(7))),
        };
        pages.put_bot(RoomId(1), "http://a", pages.generation(), page);
        assert_eq!(
            pages.get_bot(RoomId(1), "http://a").map(|p| p.total),
            Some(3)
        );
        assert!(
            pages.get_bot(RoomId(1), "http://b").is_none(),
            "another address"
        );
        pages.invalidate();
        assert!(pages.get_bot(RoomId(1), "http://a").is_none());
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
