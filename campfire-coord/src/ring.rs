//! The tail of the log the hub keeps for resuming clients: the last `replay_window` events, each
//! with its audience and the membership change it actually made.

use std::collections::{BTreeSet, VecDeque};

use crate::Audience;
use crate::replay::{Resume, resume_point};

/// The membership change an event actually made when the hub applied it. Unlike
/// [`Change`](crate::Change), it records whom a deletion removed, so that a resuming client's
/// membership can be rewound through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect<U, R> {
    /// Membership did not change.
    None,
    /// `user` became a member of `room` (before delivery).
    Joined {
        /// The room.
        room: R,
        /// The user.
        user: U,
    },
    /// `user` stopped being a member of `room` (after delivery).
    Left {
        /// The room.
        room: R,
        /// The user.
        user: U,
    },
    /// The room was deleted with these members (after delivery).
    RoomGone {
        /// The room.
        room: R,
        /// Its members at the time.
        members: BTreeSet<U>,
    },
    /// The user was removed from these rooms (after delivery).
    UserGone {
        /// The user.
        user: U,
        /// Their rooms at the time.
        rooms: BTreeSet<R>,
    },
}

/// One kept event.
#[derive(Debug, Clone)]
pub(crate) struct Entry<U, R, P> {
    /// The sequence number.
    pub(crate) seq: u64,
    /// Who could see it.
    pub(crate) audience: Audience<U, R>,
    /// What it did to membership.
    pub(crate) effect: Effect<U, R>,
    /// The encoded event.
    pub(crate) payload: P,
}

/// The last events of the log, oldest first, and the head of the log.
#[derive(Debug, Clone)]
pub(crate) struct Ring<U, R, P> {
    entries: VecDeque<Entry<U, R, P>>,
    window: usize,
    /// Every event after this sequence number (up to the head) is in `entries`.
    complete_after: u64,
    head: u64,
}

impl<U, R, P> Ring<U, R, P> {
    /// An empty ring at head 0 that keeps `window` events.
    pub(crate) fn new(window: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            window,
            complete_after: 0,
            head: 0,
        }
    }

    /// The sequence number of the newest event.
    pub(crate) fn head(&self) -> u64 {
        self.head
    }

    /// Moves the head forward to `seq` without events: what came before is unknown, so only a
    /// client that has applied everything up to `seq` can resume. Ignored unless `seq` is ahead.
    pub(crate) fn set_head(&mut self, seq: u64) {
        if seq <= self.head {
            return;
        }
        self.entries.clear();
        self.complete_after = seq;
        self.head = seq;
    }

    /// Appends the next event, dropping the oldest beyond the window. Ignored unless the event
    /// is ahead of the head.
    pub(crate) fn push(&mut self, entry: Entry<U, R, P>) {
        if entry.seq <= self.head {
            return;
        }
        self.head = entry.seq;
        self.entries.push_back(entry);
        while self.entries.len() > self.window {
            if let Some(dropped) = self.entries.pop_front() {
                self.complete_after = dropped.seq;
            }
        }
    }

    /// Whether a client that has applied everything up to `since` can be replayed to.
    pub(crate) fn resume(&self, since: u64) -> Resume {
        let window = u64::try_from(self.window).unwrap_or(u64::MAX);
        let oldest_kept = self.complete_after.saturating_add(1);
        resume_point(since, oldest_kept, self.head, window)
    }

    /// The kept events after `since`, oldest first.
    pub(crate) fn after(&self, since: u64) -> impl DoubleEndedIterator<Item = &Entry<U, R, P>> {
        let start = self.entries.partition_point(|entry| entry.seq <= since);
        self.entries.range(start..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> Entry<&'static str, &'static str, ()> {
        Entry {
            seq,
            audience: Audience::Everyone,
            effect: Effect::None,
            payload: (),
        }
    }

    fn seqs(ring: &Ring<&str, &str, ()>, since: u64) -> Vec<u64> {
        ring.after(since).map(|e| e.seq).collect()
    }

    #[test]
    fn keeps_the_window_and_knows_what_it_dropped() {
        let mut ring = Ring::new(3);
        for seq in 1..=5 {
            ring.push(entry(seq));
        }
        ring.push(entry(4));
        assert_eq!(ring.head(), 5);
        assert_eq!(seqs(&ring, 0), [3, 4, 5]);
        assert_eq!(seqs(&ring, 3), [4, 5]);
        assert_eq!(ring.resume(2), Resume::Replay { after: 2 });
        assert_eq!(ring.resume(1), Resume::Reset, "event 2 was dropped");
        assert_eq!(ring.resume(5), Resume::Replay { after: 5 });
        assert_eq!(ring.resume(6), Resume::Reset, "ahead of the log");
    }

    #[test]
    fn a_head_set_at_startup_replays_nothing_older() {
        let mut ring: Ring<&str, &str, ()> = Ring::new(10);
        ring.set_head(100);
        assert_eq!(ring.resume(100), Resume::Replay { after: 100 });
        assert_eq!(ring.resume(99), Resume::Reset);
        ring.push(entry(101));
        assert_eq!(ring.resume(100), Resume::Replay { after: 100 });
        ring.set_head(50);
        assert_eq!(ring.head(), 101, "the head never moves back");
    }
}
