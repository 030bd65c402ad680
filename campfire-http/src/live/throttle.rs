//! What one connection's client frames may cost the others (F9). A focus change fans out a
//! presence frame to everyone in the room, so a client flipping focus in a loop would flood
//! them: focus is coalesced to at most one per [`FOCUS_EVERY`], the latest winning (so presence
//! still ends up right), and typing to one per room per [`TYPING_EVERY`] (typing lasts
//! seconds, so nothing is lost). Heartbeats cost nothing and pass.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::wire::ClientFrame;

/// The shortest time between two focus changes passed on.
pub(crate) const FOCUS_EVERY: Duration = Duration::from_millis(200);
/// The shortest time between two typing frames for one room passed on.
pub(crate) const TYPING_EVERY: Duration = Duration::from_secs(1);
/// Rooms whose last typing frame is remembered before old ones are forgotten.
const TYPING_ROOMS: usize = 32;

#[derive(Debug)]
pub(crate) struct Throttle {
    next_focus: Instant,
    held_focus: Option<ClientFrame>,
    typed: HashMap<i64, Instant>,
}

impl Throttle {
    pub(crate) fn new(now: Instant) -> Self {
        Throttle {
            next_focus: now,
            held_focus: None,
            typed: HashMap::new(),
        }
    }

    /// `frame`, arrived at `now`, if it is to be passed on now; otherwise it is held (focus)
    /// or dropped (typing too soon).
    pub(crate) fn admit(&mut self, frame: ClientFrame, now: Instant) -> Option<ClientFrame> {
        match frame {
            ClientFrame::Heartbeat => Some(frame),
            ClientFrame::Focus { .. } => {
                if now >= self.next_focus && self.held_focus.is_none() {
                    self.next_focus = now + FOCUS_EVERY;
                    Some(frame)
                } else {
                    self.held_focus = Some(frame);
                    None
                }
            }
            ClientFrame::Typing { room_id } => {
                if self
                    .typed
                    .get(&room_id)
                    .is_some_and(|at| now < *at + TYPING_EVERY)
                {
                    return None;
                }
                if self.typed.len() >= TYPING_ROOMS {
                    self.typed.retain(|_, at| now < *at + TYPING_EVERY);
                }
                if self.typed.len() >= TYPING_ROOMS {
                    return None;
                }
                self.typed.insert(room_id, now);
                Some(frame)
            }
        }
    }

    /// When the held focus change may be passed on, if one is held.
    pub(crate) fn due(&self) -> Option<Instant> {
        self.held_focus.as_ref().map(|_| self.next_focus)
    }

    /// The held focus change, if it may be passed on at `now`.
    pub(crate) fn release(&mut self, now: Instant) -> Option<ClientFrame> {
        if now < self.next_focus {
            return None;
        }
        let frame = self.held_focus.take()?;
        self.next_focus = now + FOCUS_EVERY;
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn focus(room: i64) -> ClientFrame {
        ClientFrame::Focus {
            room_id: Some(room),
        }
    }

    #[test]
    fn a_burst_of_focus_changes_passes_the_first_and_then_only_the_latest() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        assert_eq!(throttle.admit(focus(1), start), Some(focus(1)));
        for room in 2..=100 {
            assert_eq!(throttle.admit(focus(room), start), None);
        }
        assert_eq!(throttle.due(), Some(start + FOCUS_EVERY));
        assert_eq!(throttle.release(start + FOCUS_EVERY / 2), None, "not yet");
        assert_eq!(throttle.release(start + FOCUS_EVERY), Some(focus(100)));
        assert_eq!(throttle.due(), None);
        // Quiet since: the next one passes at once.
        let later = start + FOCUS_EVERY * 3;
        assert_eq!(throttle.admit(focus(7), later), Some(focus(7)));
    }

    #[test]
    fn typing_passes_once_per_room_per_second_and_heartbeats_always() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        let typing = |room_id| ClientFrame::Typing { room_id };
        assert!(throttle.admit(typing(1), start).is_some());
        assert!(
            throttle
                .admit(typing(1), start + TYPING_EVERY / 2)
                .is_none()
        );
        assert!(throttle.admit(typing(2), start).is_some(), "another room");
        assert!(throttle.admit(typing(1), start + TYPING_EVERY).is_some());
        for _ in 0..1000 {
            assert!(throttle.admit(ClientFrame::Heartbeat, start).is_some());
        }
    }

    #[test]
    fn typing_in_endless_rooms_is_bounded() {
        let start = Instant::now();
        let mut throttle = Throttle::new(start);
        let passed = (0..1000)
            .filter(|room| {
                throttle
                    .admit(ClientFrame::Typing { room_id: *room }, start)
                    .is_some()
            })
            .count();
        assert_eq!(passed, TYPING_ROOMS);
        assert!(throttle.typed.len() <= TYPING_ROOMS);
    }
}
