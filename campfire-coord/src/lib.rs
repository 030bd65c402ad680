//! Coordination state machines for sequenced fan-out, presence and replay, without I/O.
//!
//! Architecture Invariant: this crate uses std only. It never reads a clock, spawns, sleeps,
//! locks or touches a socket: inputs carry `now`, outputs include the next deadline.
//! API Boundary: other Rust services embed it (product.md X5), so its types are generic over
//! opaque keys rather than Campfire's own.

/// Where a reconnecting client should resume from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
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
pub fn resume_point(since: u64, oldest_kept: u64, newest: u64, max_replay: u64) -> Resume {
    let from_the_future = since > newest;
    let pruned = since.saturating_add(1) < oldest_kept;
    let too_far = newest.saturating_sub(since) > max_replay;
    if from_the_future || pruned || too_far {
        Resume::Reset
    } else {
        Resume::Replay { after: since }
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
