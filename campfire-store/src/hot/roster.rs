//! Who is in which room, as of one log position: loaded with the rest of the hot state and then
//! changed only by events read from the log, in order. Live delivery starts its hub from it, so
//! the hub's membership and the hot state come from one load and follow one log.

use std::collections::BTreeSet;

use campfire_domain::{Event, EventKind, EventSeq, RoomId, UserId};

#[derive(Debug, Default)]
pub(super) struct Roster {
    pairs: BTreeSet<(RoomId, UserId)>,
    head: EventSeq,
}

/// Events that do not continue from the roster's head: one in between was not seen.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Gap;

impl Roster {
    pub(super) fn new(pairs: impl IntoIterator<Item = (RoomId, UserId)>, head: EventSeq) -> Self {
        Roster {
            pairs: pairs.into_iter().collect(),
            head,
        }
    }

    /// The log position the roster is exact as of.
    pub(super) fn head(&self) -> EventSeq {
        self.head
    }

    /// Every (room, member) pair, in order, with the head they are exact as of.
    pub(super) fn snapshot(&self) -> (Vec<(RoomId, UserId)>, EventSeq) {
        (self.pairs.iter().copied().collect(), self.head)
    }

    /// Applies `events`, a run of the log in order. Those at or before the head are already
    /// in; sequence numbers are gapless, so one past `head + 1` means events were skipped: the
    /// roster stops there (someone reading from its head later brings it on).
    pub(super) fn follow(&mut self, events: &[Event]) -> Result<(), Gap> {
        for event in events {
            if event.seq <= self.head {
                continue;
            }
            if event.seq.0 != self.head.0 + 1 {
                return Err(Gap);
            }
            self.apply(&event.kind);
            self.head = event.seq;
        }
        Ok(())
    }

    fn apply(&mut self, kind: &EventKind) {
        match *kind {
            EventKind::MembershipAdded { room, user } => {
                self.pairs.insert((room, user));
            }
            EventKind::MembershipRemoved { room, user } => {
                self.pairs.remove(&(room, user));
            }
            EventKind::RoomDeleted { room } => self.pairs.retain(|(of, _)| *of != room),
            EventKind::UserDeactivated { user } => self.pairs.retain(|(_, who)| *who != user),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use campfire_domain::Timestamp;

    use super::*;

    fn event(seq: i64, kind: EventKind) -> Event {
        Event {
            seq: EventSeq(seq),
            kind,
            at: Timestamp(seq),
        }
    }

    #[test]
    fn it_follows_joins_leaves_deleted_rooms_and_departures_in_order() {
        let (a, b) = (RoomId(1), RoomId(2));
        let (ada, bob) = (UserId(10), UserId(11));
        let mut roster = Roster::new([(a, ada)], EventSeq(4));
        let events = [
            // Already included: skipped.
            event(4, EventKind::MembershipRemoved { room: a, user: ada }),
            event(5, EventKind::MembershipAdded { room: a, user: bob }),
            event(6, EventKind::MembershipAdded { room: b, user: bob }),
            event(7, EventKind::MembershipAdded { room: b, user: ada }),
            event(8, EventKind::RoomDeleted { room: a }),
            event(9, EventKind::UserDeactivated { user: ada }),
        ];
        assert_eq!(roster.follow(&events), Ok(()));
        assert_eq!(roster.snapshot(), (vec![(b, bob)], EventSeq(9)));
    }

    #[test]
    fn a_skipped_event_stops_it_at_its_head() {
        let mut roster = Roster::new([], EventSeq(1));
        let events = [
            event(
                2,
                EventKind::MembershipAdded {
                    room: RoomId(1),
                    user: UserId(1),
                },
            ),
            event(
                4,
                EventKind::MembershipAdded {
                    room: RoomId(1),
                    user: UserId(2),
                },
            ),
        ];
        assert_eq!(roster.follow(&events), Err(Gap));
        assert_eq!(
            roster.snapshot(),
            (vec![(RoomId(1), UserId(1))], EventSeq(2))
        );
    }
}
