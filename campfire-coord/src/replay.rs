//! Resume: whether a reconnecting client can be replayed to, and which kept events it sees.
//!
//! A client sees an event if it was in the audience *when the event was published*. The user's
//! room set is rewound from today back through the kept events to `since`, then walked forward
//! with the same before/after rules as live delivery.

use std::collections::BTreeSet;

use crate::Audience;
use crate::ring::{Effect, Entry, Ring};

/// Where a reconnecting client should resume from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resume {
    /// Replay the log after this sequence number, then go live.
    Replay {
        /// The last sequence number the client applied.
        after: u64,
    },
    /// The client is too far behind (or ahead): it must reload its state and start over.
    Reset,
}

/// Decides how a client that last applied `since` resumes, given the oldest sequence number the
/// log still holds, the newest one, and how many events a replay may carry at most.
pub(crate) fn resume_point(since: u64, oldest_kept: u64, newest: u64, max_replay: u64) -> Resume {
    let from_the_future = since > newest;
    let pruned = since.saturating_add(1) < oldest_kept;
    let too_far = newest.saturating_sub(since) > max_replay;
    if from_the_future || pruned || too_far {
        Resume::Reset
    } else {
        Resume::Replay { after: since }
    }
}

/// The kept events after `since` that `user` saw, given the rooms `user` is in now.
pub(crate) fn missed<'a, U: Ord + Clone, R: Ord + Clone, P>(
    ring: &'a Ring<U, R, P>,
    user: &U,
    mut rooms: BTreeSet<R>,
    since: u64,
) -> Vec<&'a Entry<U, R, P>> {
    for entry in ring.after(since).rev() {
        undo(&entry.effect, user, &mut rooms);
    }
    let mut seen = Vec::new();
    for entry in ring.after(since) {
        if let Effect::Joined { room, user: joined } = &entry.effect
            && joined == user
        {
            rooms.insert(room.clone());
        }
        let visible = match &entry.audience {
            Audience::Everyone => true,
            Audience::User(to) => to == user,
            Audience::Room(room) => rooms.contains(room),
        };
        if visible {
            seen.push(entry);
        }
        apply_after(&entry.effect, user, &mut rooms);
    }
    seen
}

/// Turns `user`'s rooms after `effect` into their rooms before it.
fn undo<U: Ord, R: Ord + Clone>(effect: &Effect<U, R>, user: &U, rooms: &mut BTreeSet<R>) {
    match effect {
        Effect::Joined { room, user: u } if u == user => {
            rooms.remove(room);
        }
        Effect::Left { room, user: u } if u == user => {
            rooms.insert(room.clone());
        }
        Effect::RoomGone { room, members } if members.contains(user) => {
            rooms.insert(room.clone());
        }
        Effect::UserGone {
            user: u,
            rooms: had,
        } if u == user => {
            rooms.extend(had.iter().cloned());
        }
        _ => {}
    }
}

/// Applies the part of `effect` that takes place after delivery to `user`'s rooms.
fn apply_after<U: Ord, R: Ord>(effect: &Effect<U, R>, user: &U, rooms: &mut BTreeSet<R>) {
    match effect {
        Effect::Left { room, user: u } if u == user => {
            rooms.remove(room);
        }
        Effect::RoomGone { room, members } if members.contains(user) => {
            rooms.remove(room);
        }
        Effect::UserGone { user: u, .. } if u == user => rooms.clear(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_replay_what_they_missed_or_reset() {
        assert_eq!(resume_point(10, 1, 15, 100), Resume::Replay { after: 10 });
        assert_eq!(resume_point(15, 1, 15, 100), Resume::Replay { after: 15 });
        assert_eq!(resume_point(0, 1, 15, 100), Resume::Replay { after: 0 });
        assert_eq!(
            resume_point(16, 1, 15, 100),
            Resume::Reset,
            "a client ahead of the log"
        );
        assert_eq!(
            resume_point(3, 10, 15, 100),
            Resume::Reset,
            "events it missed were pruned"
        );
        assert_eq!(resume_point(9, 10, 15, 100), Resume::Replay { after: 9 });
        assert_eq!(
            resume_point(10, 1, 500, 100),
            Resume::Reset,
            "too far behind"
        );
    }
}
