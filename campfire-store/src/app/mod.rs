//! The application layer: each use case once (post, edit, delete, boost, deactivate, ban, …),
//! called alike by the HTTP routes, the bot API, the outbox worker and campfire-cli.
//!
//! A use case loads what it needs through the [`Store`] port (answered from memory by
//! [`crate::HotStore`] where it is hot), asks the domain's rules (`campfire_domain::authorize`,
//! `Audience`, `departure`, …), has the store persist the change in one transaction, and tells
//! live delivery ([`Live`]). Edges (HTTP, the CLI) parse and validate input into domain values
//! and render the results; they decide nothing.
//!
//! Architecture Invariant: no HTTP here (campfire-cli uses this module without reaching hyper)
//! and no SQL (the adapters own every statement). The clock is read through [`Clock`] and
//! randomness drawn in [`random`], the one place each.

mod account;
mod clock;
mod devices;
mod live;
mod messages;
mod people;
pub mod picture;
mod pictures;
mod previews;
pub mod random;
mod rooms;
mod session;

use std::sync::Arc;

use campfire_domain::{Actor, Denied, Room, RoomFacts, RoomId, Timestamp, User, ValueError};

pub use account::BotChanges;
pub use clock::{Clock, SystemClock, now};
pub use devices::{MAX_RECENT_CHARS, TOUCH_EVERY_MS};
pub use live::{Live, Offline, RoomPresence};
pub use messages::{Draft, Origin, Place};
pub use people::Caller;
pub use random::NoRandomness;
pub use rooms::{MAX_DIRECT_PEOPLE, RoomChanges};
pub use session::{PasswordCheck, SignUp, hash_password, verify_password};

use crate::blobs::{BlobStore, NoBlobs};
use crate::{Store, StoreError};

/// Which optional features the server runs with (O6).
#[derive(Debug, Clone, Copy)]
pub struct Features {
    /// Bots and their webhooks (B1–B3).
    pub bots: bool,
    /// Web Push (N1).
    pub push: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            bots: true,
            push: true,
        }
    }
}

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The policy says no.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// An input that is not a valid value.
    #[error(transparent)]
    Invalid(#[from] ValueError),
    /// A request that makes no sense for who asks it (demoting yourself, banning yourself).
    #[error("{0}")]
    Refused(&'static str),
    /// Changing one's email or password needs the current password, and none was given.
    #[error("type your current password to change your email or password")]
    CurrentPasswordNeeded,
    /// Changing one's email or password needs the current password, and this was not it.
    #[error("that isn't your current password")]
    CurrentPasswordWrong,
    /// The store failed or refused (not found, a conflict).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness for a token or code.
    #[error(transparent)]
    NoRandomness(#[from] NoRandomness),
}

impl From<crate::Conflict> for AppError {
    fn from(conflict: crate::Conflict) -> Self {
        AppError::Store(conflict.into())
    }
}

/// What a use case returns.
pub type AppResult<T> = Result<T, AppError>;

/// The use cases, over one store and one live delivery.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    live: Arc<dyn Live>,
    clock: Arc<dyn Clock>,
    features: Features,
    blobs: Arc<dyn BlobStore>,
}

impl App {
    /// The use cases over `store`, telling `live`, reading `clock`.
    pub fn new(
        store: Arc<dyn Store>,
        live: Arc<dyn Live>,
        clock: Arc<dyn Clock>,
        features: Features,
    ) -> App {
        App {
            store,
            live,
            clock,
            features,
            blobs: Arc::new(NoBlobs),
        }
    }

    /// The same use cases, keeping files' bytes in `blobs` (M9). Without, no file can be posted.
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> App {
        self.blobs = blobs;
        self
    }

    /// Where files' bytes are kept.
    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.blobs
    }

    /// The use cases of a process with no live clients (campfire-cli): the system clock, and
    /// live delivery left to the server's poll of the log.
    pub fn offline(store: Arc<dyn Store>) -> App {
        let live = Arc::new(Offline(store.clone()));
        App::new(store, live, Arc::new(SystemClock), Features::default())
    }

    /// The store, for reads that are no use case of their own.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Now, on this application's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The room `id` and what the policy needs to know about `user`'s place in it. A room that
    /// does not exist is `NotFound`; whether a non-member may act is the policy's to say.
    pub async fn room_for(&self, user: &User, id: RoomId) -> AppResult<(Room, RoomFacts)> {
        let room = self.store.room(id).await?;
        let member = self.store.membership(room.id, user.id).await?.is_some();
        let facts = RoomFacts {
            kind: room.kind,
            creator: room.creator,
            actor_is_member: member,
        };
        Ok((room, facts))
    }
}

/// The policy's view of `user`.
pub fn actor(user: &User) -> Actor {
    Actor {
        id: user.id,
        role: user.role,
        status: user.status,
    }
}
