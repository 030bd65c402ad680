//! Coordination state machines for sequenced fan-out, presence and replay, without I/O.
//!
//! Architecture Invariant: this crate uses std only. It never reads a clock, spawns, sleeps,
//! locks or touches a socket: inputs carry `now`, outputs include the next deadline.
//! API Boundary: other Rust services embed it (product.md X5), so its types are generic over
//! opaque keys rather than Campfire's own.
//!
//! The [`Hub`] is driven by one owner that feeds it the committed events of a sequenced log
//! ([`Hub::publish`]), connection events ([`Hub::connect`], [`Hub::disconnect`], …) and the
//! clock ([`Hub::handle_timeout`] at [`Hub::poll_timeout`]), and performs the [`Output`]s it
//! drains with [`Hub::poll_output`].
//!
//! ```
//! use campfire_coord::{Audience, Change, Hub, HubConfig, Output, Published};
//!
//! let mut hub: Hub<&str, &str, &str, &str> = Hub::new(HubConfig::default());
//! hub.load_membership("lobby", "alice");
//! hub.connect(0, 1, "alice", "session-a", 0);
//! hub.publish(5, Published {
//!     seq: 1,
//!     audience: Audience::Room("lobby"),
//!     change: Change::None,
//!     payload: "hello",
//! });
//! assert_eq!(hub.poll_output(), Some(Output::Send { conn: 1, seq: 1, payload: "hello" }));
//! assert_eq!(hub.poll_timeout(), Some(60_000), "alice's heartbeat deadline");
//! ```

mod conns;
mod delivery;
mod event;
mod hub;
mod membership;
mod output;
mod presence;
mod replay;
mod ring;

pub use delivery::{BreakerPolicy, Breakers, CircuitState, RetryPolicy};
pub use event::{Audience, Change, Published};
pub use hub::{Hub, HubConfig};
pub use output::{CloseReason, ConnId, Output};

#[cfg(test)]
mod coordination;
