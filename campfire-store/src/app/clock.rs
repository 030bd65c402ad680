//! The wall clock, read in one place. Everything else is handed a [`Clock`] (tests, a fixed one).

use std::time::{SystemTime, UNIX_EPOCH};

use campfire_domain::Timestamp;

/// Tells the time.
pub trait Clock: Send + Sync {
    /// Now, in milliseconds since the epoch.
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        Timestamp(i64::try_from(millis).unwrap_or(i64::MAX))
    }
}

/// Now on the machine's clock, for code that has no [`Clock`] handed to it (a process's edges).
pub fn now() -> Timestamp {
    SystemClock.now()
}
