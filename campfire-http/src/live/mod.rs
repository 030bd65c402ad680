//! Live delivery: the one driver task that owns `campfire-coord`'s hub and does its I/O.
//!
//! Writers (handlers here, or `campfire-cli` in another process) commit events to the log. The
//! driver reads the log after its head — when nudged after a local commit, and on a short poll
//! for commits it did not see — encodes each event once, and hands it to the hub, which decides
//! which connections get it. Resume, replay and revocation are the hub's; sockets are the
//! connection tasks'.

mod driver;
mod encode;
mod pages;
pub(crate) mod throttle;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use axum::extract::ws::Utf8Bytes;
use campfire_coord::ConnId;
use campfire_domain::{RoomId, SessionId, UserId};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::LiveConfig;
use crate::wire::ClientFrame;

pub use driver::spawn;
pub use pages::{BotPage, LatestPages, NextPage};

/// What a connection task is told to write.
#[derive(Debug, Clone)]
pub(crate) enum Outgoing {
    /// A JSON text frame, encoded once and shared.
    Text(Utf8Bytes),
    /// Several, in order: everything one read of the log (or one resume) has for the
    /// connection, handed over at once so that it wakes once and writes them together.
    Frames(Vec<Utf8Bytes>),
}

impl Outgoing {
    /// How many frames.
    pub(crate) fn len(&self) -> usize {
        match self {
            Outgoing::Text(_) => 1,
            Outgoing::Frames(frames) => frames.len(),
        }
    }
}

/// Why the server closes a socket, with its close code (docs/api.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// 1001: the server is shutting down; resume elsewhere.
    GoingAway,
    /// 4000: too far behind; reload state.
    Reset,
    /// 4001: session ended or account deactivated.
    Revoked,
    /// 4002: did not read fast enough.
    TooSlow,
    /// 4003: silent for too long.
    HeartbeatTimeout,
}

impl Closing {
    /// The WebSocket close code and reason.
    pub fn code(self) -> (u16, &'static str) {
        match self {
            Closing::GoingAway => (1001, "going away"),
            Closing::Reset => (4000, "reset"),
            Closing::Revoked => (4001, "signed out"),
            Closing::TooSlow => (4002, "too slow"),
            Closing::HeartbeatTimeout => (4003, "heartbeat timeout"),
        }
    }
}

/// A connection as the driver holds it.
pub(crate) struct ConnectionPorts {
    /// Frames to write (bounded: a full queue cuts the connection off).
    pub frames: mpsc::Sender<Outgoing>,
    /// How many frames were handed over and not yet written: the bound counts frames, however
    /// they were grouped.
    pub queued: Arc<AtomicUsize>,
    /// Closes the connection at once, ahead of queued frames.
    pub close: oneshot::Sender<Closing>,
}

/// Inputs to the driver.
pub(crate) enum Input {
    /// A socket was opened by `user` through `session`, having applied events up to `since`.
    Connect {
        conn: ConnId,
        user: UserId,
        session: SessionId,
        since: u64,
        ports: ConnectionPorts,
    },
    /// A socket closed.
    Disconnect { conn: ConnId },
    /// A frame from a client.
    Frame { conn: ConnId, frame: ClientFrame },
    /// Any sign of life from a client (pongs included).
    Heartbeat { conn: ConnId },
    /// Something was committed: read the log now.
    Committed,
    /// A session ended: close its sockets.
    EndSession { session: SessionId },
    /// Who is looking at a room right now (R4's unread rule) and which members have a live
    /// connection (N1's push rule).
    Looking {
        room: RoomId,
        /// Who asks: whether they are a member is answered too.
        asker: UserId,
        /// Whether to list every member (a room of 10,000 is a 10,000-entry copy).
        members: bool,
        reply: oneshot::Sender<Presence>,
    },
    /// Close every socket with "going away" and stop.
    Shutdown { done: oneshot::Sender<()> },
}

/// What a post needs to know of a room's members: the use cases' port, answered by the hub.
pub use campfire_store::app::RoomPresence as Presence;

/// A cheap handle to the driver.
#[derive(Clone)]
pub struct LiveHandle {
    inputs: mpsc::UnboundedSender<Input>,
    next_conn: Arc<AtomicU64>,
    config: Arc<LiveConfig>,
    pub(crate) pages: Arc<LatestPages>,
}

impl LiveHandle {
    /// A fresh connection id.
    pub fn next_conn(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// The live settings.
    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    /// Sends an input; a stopped driver (shutdown) drops it.
    pub(crate) fn send(&self, input: Input) {
        let _ = self.inputs.send(input);
    }

    /// Tells the driver that something was committed (and the latest pages that they may be
    /// old, before the caller answers: it reads its own write).
    pub fn nudge(&self) {
        self.pages.invalidate();
        self.send(Input::Committed);
    }

    /// The encoded latest history pages, kept until the next commit.
    pub fn pages(&self) -> &LatestPages {
        &self.pages
    }

    /// Closes every socket with "going away" and waits for the driver to stop.
    pub async fn shutdown(&self) {
        let (done, finished) = oneshot::channel();
        self.send(Input::Shutdown { done });
        let _ = finished.await;
    }
}

/// A running driver: its handle and its task.
pub struct Live {
    /// The handle to give handlers.
    pub handle: LiveHandle,
    /// The driver task (joined on shutdown).
    pub task: JoinHandle<()>,
}

/// Builds the handle and channel; `driver::spawn` uses it.
fn channel(config: LiveConfig) -> (LiveHandle, mpsc::UnboundedReceiver<Input>) {
    let (inputs, receiver) = mpsc::unbounded_channel();
    let handle = LiveHandle {
        inputs,
        next_conn: Arc::new(AtomicU64::new(1)),
        config: Arc::new(config),
        pages: Arc::default(),
    };
    (handle, receiver)
}

#[async_trait::async_trait]
impl campfire_store::app::Live for LiveHandle {
    /// Users looking at `room` now, its members with a live connection, and all its members.
    async fn presence(
        &self,
        room: RoomId,
        asker: UserId,
        members: bool,
    ) -> Result<Option<Presence>, campfire_store::StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Input::Looking {
            room,
            asker,
            members,
            reply,
        });
        Ok(answer.await.ok())
    }

    fn nudge(&self) {
        LiveHandle::nudge(self);
    }

    fn end_session(&self, session: campfire_domain::SessionId) {
        self.send(Input::EndSession { session });
    }
}
