//! The driver: one task, the only code that touches the hub. It waits for an input, the hub's
//! next deadline or the log poll, applies it, and turns the hub's outputs into socket writes.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::ws::Utf8Bytes;
use campfire_coord::{CloseReason, ConnId, Hub, HubConfig, Output};
use campfire_domain::{EventKind, EventSeq, RoomId, SessionId, UserId};
use campfire_store::{Store, StoreError};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::mpsc::error::TrySendError;
use tokio::time::{Duration, MissedTickBehavior, sleep_until};

use super::encode::encode_batch;
use super::{Closing, ConnectionPorts, Input, Live, Outgoing, channel};
use crate::LiveConfig;
use crate::wire::{ClientFrame, ServerFrame};

type LiveHub = Hub<UserId, RoomId, SessionId, Utf8Bytes>;

/// How many log events one read takes.
const READ_BATCH: u32 = 500;

/// Loads the hub's starting state from the store and spawns the driver.
pub async fn spawn(store: Arc<dyn Store>, config: LiveConfig) -> Result<Live, StoreError> {
    let mut hub: LiveHub = Hub::new(HubConfig {
        replay_window: config.replay_window,
        heartbeat_timeout_ms: millis(config.heartbeat_timeout),
        ..HubConfig::default()
    });
    let (pairs, head) = store.membership_snapshot().await?;
    // The recent log is replayed into the hub, so that clients connected before a restart can
    // resume from it. The hub must start from the membership as it was before that log: the
    // snapshot (as of `head`) is rewound through the log's joins and leaves.
    let window = i64::try_from(config.replay_window).unwrap_or(i64::MAX);
    let mut start = EventSeq(head.0.saturating_sub(window).max(0));
    let mut recent = Vec::new();
    let mut after = start;
    while after < head {
        let events = store.events_after(after, READ_BATCH).await?;
        let Some(last) = events.last() else { break };
        after = last.seq;
        recent.extend(events.into_iter().filter(|e| e.seq <= head));
    }
    // Events encoded now carry today's message, room or person: a replay may not start before
    // one that a later change would rewrite (F10); clients from before it reset instead.
    if let Some(stale) = super::encode::newest_unreplayable(&recent) {
        start = stale;
        recent.retain(|e| e.seq > stale);
    }
    let mut members: BTreeSet<(RoomId, UserId)> = pairs.into_iter().collect();
    for event in recent.iter().rev() {
        match event.kind {
            EventKind::MembershipAdded { room, user } => {
                members.remove(&(room, user));
            }
            EventKind::MembershipRemoved { room, user } => {
                members.insert((room, user));
            }
            _ => {}
        }
    }
    for (room, user) in members {
        hub.load_membership(room, user);
    }
    hub.set_head(u64::try_from(start.0).unwrap_or(0));
    for chunk in recent.chunks(usize::try_from(READ_BATCH).unwrap_or(500)) {
        for ready in encode_batch(store.as_ref(), chunk).await? {
            hub.publish(0, ready);
        }
    }
    let (handle, inputs) = channel(config);
    let driver = Driver {
        hub,
        store,
        conns: HashMap::new(),
        gathering: Vec::new(),
        started: Instant::now(),
        config: handle.config().clone(),
        pages: handle.pages.clone(),
    };
    let task = tokio::spawn(driver.run(inputs));
    Ok(Live { handle, task })
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// How many events' deliveries are gathered per connection before they are handed over.
const HAND_OVER_EVERY: usize = 32;

/// How many waiting inputs are taken at most before the log is read again.
const INPUT_BATCH: usize = 256;

/// What the loop does after an input.
enum Next {
    /// Carry on, reading the log first if the input asked for it.
    Go { read_log: bool },
    /// Shut down.
    Stop,
}

/// A connection as the driver holds it: its ports, and the frames gathered for it since the
/// last hand-over.
struct Conn {
    ports: ConnectionPorts,
    gathered: Vec<Utf8Bytes>,
}

struct Driver {
    hub: LiveHub,
    store: Arc<dyn Store>,
    conns: HashMap<ConnId, Conn>,
    /// The connections with gathered frames, in the order they got their first.
    gathering: Vec<ConnId>,
    started: Instant,
    config: LiveConfig,
    /// Told of every event found in the log, so a commit by another process makes kept pages
    /// old too.
    pages: Arc<super::LatestPages>,
}

impl Driver {
    fn now(&self) -> u64 {
        millis(self.started.elapsed())
    }

    async fn run(mut self, mut inputs: UnboundedReceiver<Input>) {
        let mut poll = tokio::time::interval(self.config.poll_interval);
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let deadline = self
                .hub
                .poll_timeout()
                .map(|at| tokio::time::Instant::from_std(self.started) + Duration::from_millis(at));
            let read_log = tokio::select! {
                input = inputs.recv() => match input {
                    None => return,
                    Some(input) => {
                        let Next::Go { mut read_log } = self.take(input).await else {
                            return;
                        };
                        // The inputs already waiting are taken too before the log is read. With
                        // 10,000 sockets one read's fan-out is long, and taking one input per
                        // read made a burst of posts wait a fan-out each for their presence
                        // question (BENCHMARKS.md, change 20).
                        for _ in 1..INPUT_BATCH {
                            let Ok(input) = inputs.try_recv() else { break };
                            match self.take(input).await {
                                Next::Go { read_log: read } => read_log |= read,
                                Next::Stop => return,
                            }
                        }
                        read_log
                    }
                },
                () = sleep_or_never(deadline) => {
                    let now = self.now();
                    self.hub.handle_timeout(now);
                    false
                }
                _ = poll.tick() => true,
            };
            if read_log {
                // Nudges that arrived meanwhile are covered by this read.
                if let Err(error) = self.read_log().await {
                    tracing::error!(%error, "reading the event log failed");
                }
            }
            self.drain();
        }
    }

    /// Takes one input.
    async fn take(&mut self, input: Input) -> Next {
        let input = match input {
            Input::Shutdown { done } => {
                self.shut_down();
                let _ = done.send(());
                return Next::Stop;
            }
            input => input,
        };
        // A client may know a later position than the driver (its state was read just after a
        // commit the driver has not read yet, say from the CLI): catch up before judging its
        // `since`, so it is not told to reset.
        if let Input::Connect { since, .. } = &input
            && *since > self.hub.head()
            && let Err(error) = self.read_log().await
        {
            tracing::error!(%error, "reading the event log failed");
        }
        let connecting = match &input {
            Input::Connect { user, .. } => Some(*user),
            _ => None,
        };
        let read_log = self.handle(input);
        if let Some(user) = connecting {
            // A socket is authenticated when it is upgraded and registered here later: a
            // sign-out, password change or deactivation that committed in between would find
            // no connection to close. So its sessions are checked again once it is registered;
            // a revocation after this check finds it registered and closes it as usual.
            self.end_revoked_sessions(user).await;
        }
        Next::Go { read_log }
    }

    /// Applies an input; true when the log should be read.
    fn handle(&mut self, input: Input) -> bool {
        let now = self.now();
        match input {
            Input::Connect {
                conn,
                user,
                session,
                since,
                ports,
            } => {
                self.conns.insert(
                    conn,
                    Conn {
                        ports,
                        gathered: Vec::new(),
                    },
                );
                self.hub.connect(now, conn, user, session, since);
            }
            Input::Disconnect { conn } => {
                self.conns.remove(&conn);
                self.hub.disconnect(now, conn);
            }
            Input::Heartbeat { conn } => self.hub.heartbeat(now, conn),
            Input::Frame { conn, frame } => match frame {
                ClientFrame::Heartbeat => self.hub.heartbeat(now, conn),
                ClientFrame::Focus { room_id } => self.hub.focus(now, conn, room_id.map(RoomId)),
                ClientFrame::Typing { room_id } => self.hub.typing(now, conn, RoomId(room_id)),
            },
            Input::Committed => return true,
            Input::EndSession { session } => self.hub.end_session(now, &session),
            Input::Looking {
                room,
                asker,
                members,
                reply,
            } => {
                let _ = reply.send(super::Presence {
                    asker_is_member: self.hub.is_member(&room, &asker),
                    looking: self.hub.looking_at(&room),
                    connected: self.hub.connected_in(&room),
                    members: if members {
                        self.hub.members(&room)
                    } else {
                        Vec::new()
                    },
                });
            }
            Input::Shutdown { .. } => {}
        }
        false
    }

    /// Closes every live connection of `user` whose session has ended (or all of them, if the
    /// user is no longer active), as the store says now. Used when a connection registers and
    /// when the log says the user changed: a password reset — by this process or by
    /// `campfire-cli` — ends sessions and appends `UserUpdated`, and open sockets must close (F1).
    async fn end_revoked_sessions(&mut self, user: UserId) {
        let live = self.hub.sessions_of(&user);
        if live.is_empty() {
            return;
        }
        let current = async {
            if !self.store.user(user).await?.is_active() {
                return Ok(Vec::new());
            }
            let sessions = self.store.sessions_of(user).await?;
            Ok::<_, StoreError>(sessions.into_iter().map(|s| s.id).collect::<Vec<_>>())
        }
        .await;
        match current {
            Ok(current) => {
                let now = self.now();
                for session in live.iter().filter(|s| !current.contains(s)) {
                    self.hub.end_session(now, session);
                }
            }
            Err(error) => tracing::error!(%error, "checking a user's live sessions failed"),
        }
    }

    /// Publishes every event after the hub's head.
    async fn read_log(&mut self) -> Result<(), StoreError> {
        loop {
            let head = EventSeq(i64::try_from(self.hub.head()).unwrap_or(i64::MAX));
            let events = self.store.events_after(head, READ_BATCH).await?;
            if events.is_empty() {
                return Ok(());
            }
            self.pages.invalidate();
            crate::metrics::published(events.len());
            let ready = encode_batch(self.store.as_ref(), &events).await?;
            // A connection gets what these events have for it in one hand-over (of up to
            // HAND_OVER_EVERY events), so a burst wakes it once per hand-over, not per event.
            for (published, event) in ready.into_iter().enumerate() {
                let now = self.now();
                self.hub.publish(now, event);
                self.gather();
                if (published + 1) % HAND_OVER_EVERY == 0 {
                    self.hand_over();
                }
            }
            for event in &events {
                if let EventKind::UserUpdated { user } = event.kind
                    && self.hub.is_connected(&user)
                {
                    self.end_revoked_sessions(user).await;
                }
            }
            self.drain();
        }
    }

    /// Gathers what the hub has to say, and hands it over.
    fn drain(&mut self) {
        self.gather();
        self.hand_over();
    }

    /// Applies the hub's outputs: frames are gathered per connection, closes happen now.
    fn gather(&mut self) {
        while let Some(output) = self.hub.poll_output() {
            match output {
                Output::Send { conn, payload, .. } => self.deliver(conn, payload),
                Output::Close { conn, reason } => {
                    let closing = match reason {
                        CloseReason::Revoked | CloseReason::SessionEnded => Closing::Revoked,
                        CloseReason::Reset => Closing::Reset,
                        CloseReason::HeartbeatTimeout => Closing::HeartbeatTimeout,
                    };
                    self.close(conn, closing);
                }
                Output::Presence { room, users, conns } => {
                    let frame = signal("presence", room, &users);
                    for conn in conns {
                        self.deliver(conn, frame.clone());
                    }
                }
                Output::Typing { room, users, conns } => {
                    let frame = signal("typing", room, &users);
                    for conn in conns {
                        self.deliver(conn, frame.clone());
                    }
                }
            }
        }
    }

    /// Gathers a frame for `conn`.
    fn deliver(&mut self, conn: ConnId, frame: Utf8Bytes) {
        let Some(held) = self.conns.get_mut(&conn) else {
            return;
        };
        if held.gathered.is_empty() {
            self.gathering.push(conn);
        }
        held.gathered.push(frame);
    }

    /// Hands each connection the frames gathered for it; one whose queue would go past its
    /// bound is cut off (it will resume).
    fn hand_over(&mut self) {
        let mut gathering = std::mem::take(&mut self.gathering);
        for conn in gathering.drain(..) {
            self.hand_over_to(conn);
        }
        // The list's allocation is kept for the next round.
        self.gathering = gathering;
    }

    fn hand_over_to(&mut self, conn: ConnId) {
        let Some(held) = self.conns.get_mut(&conn) else {
            return;
        };
        let count = held.gathered.len();
        let outgoing = match count {
            0 => return,
            1 => match held.gathered.pop() {
                Some(frame) => Outgoing::Text(frame),
                None => return,
            },
            _ => Outgoing::Frames(std::mem::take(&mut held.gathered)),
        };
        let queued = &held.ports.queued;
        let sent = if queued.load(Ordering::Relaxed) + count > self.config.queue_bound {
            Err(TrySendError::Full(outgoing))
        } else {
            queued.fetch_add(count, Ordering::Relaxed);
            held.ports.frames.try_send(outgoing).inspect_err(|_| {
                queued.fetch_sub(count, Ordering::Relaxed);
            })
        };
        match sent {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                let now = self.now();
                self.hub.disconnect(now, conn);
                self.close(conn, Closing::TooSlow);
            }
            Err(TrySendError::Closed(_)) => {
                let now = self.now();
                self.conns.remove(&conn);
                self.hub.disconnect(now, conn);
            }
        }
    }

    fn close(&mut self, conn: ConnId, closing: Closing) {
        if let Some(Conn { ports, .. }) = self.conns.remove(&conn) {
            let _ = ports.close.send(closing);
        }
    }

    fn shut_down(&mut self) {
        for (_, held) in self.conns.drain() {
            let _ = held.ports.close.send(Closing::GoingAway);
        }
    }
}

fn signal(kind: &str, room: RoomId, users: &[UserId]) -> Utf8Bytes {
    let user_ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let frame = match kind {
        "typing" => ServerFrame::Typing {
            room_id: room.0,
            user_ids,
        },
        _ => ServerFrame::Presence {
            room_id: room.0,
            user_ids,
        },
    };
    Utf8Bytes::from(serde_json::to_string(&frame).unwrap_or_default())
}

async fn sleep_or_never(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use campfire_store::MemoryStore;
    use tokio::sync::{mpsc, oneshot};

    use super::*;

    struct Client {
        frames: mpsc::Receiver<Outgoing>,
        queued: Arc<AtomicUsize>,
        close: oneshot::Receiver<Closing>,
    }

    fn driver(queue_bound: usize) -> Driver {
        Driver {
            hub: Hub::new(HubConfig::default()),
            store: Arc::new(MemoryStore::default()),
            conns: HashMap::new(),
            gathering: Vec::new(),
            started: Instant::now(),
            config: LiveConfig {
                queue_bound,
                ..LiveConfig::default()
            },
            pages: Arc::new(super::super::LatestPages::default()),
        }
    }

    fn connect(driver: &mut Driver, conn: ConnId) -> Client {
        let (frames_tx, frames) = mpsc::channel(driver.config.queue_bound);
        let (close_tx, close) = oneshot::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let ports = ConnectionPorts {
            frames: frames_tx,
            queued: queued.clone(),
            close: close_tx,
        };
        driver.conns.insert(
            conn,
            Conn {
                ports,
                gathered: Vec::new(),
            },
        );
        Client {
            frames,
            queued,
            close,
        }
    }

    fn texts(outgoing: Outgoing) -> Vec<String> {
        match outgoing {
            Outgoing::Text(text) => vec![text.to_string()],
            Outgoing::Frames(frames) => frames.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn what_a_connection_gathered_is_handed_over_at_once_in_order() {
        let mut driver = driver(16);
        let mut one = connect(&mut driver, 1);
        let mut two = connect(&mut driver, 2);
        for frame in ["a", "b", "c"] {
            driver.deliver(1, Utf8Bytes::from_static(frame));
        }
        driver.deliver(2, Utf8Bytes::from_static("x"));
        driver.hand_over();

        let handed = one.frames.try_recv().unwrap();
        assert!(matches!(handed, Outgoing::Frames(_)), "one hand-over");
        assert_eq!(texts(handed), ["a", "b", "c"]);
        assert!(one.frames.try_recv().is_err());
        assert_eq!(one.queued.load(Ordering::Relaxed), 3);
        let single = two.frames.try_recv().unwrap();
        assert!(
            matches!(single, Outgoing::Text(_)),
            "a single frame is not wrapped"
        );
        assert_eq!(two.queued.load(Ordering::Relaxed), 1);

        // Nothing gathered since: nothing more goes over.
        driver.hand_over();
        assert!(one.frames.try_recv().is_err());
    }

    #[test]
    fn a_connection_whose_frames_would_pass_its_bound_is_cut_off_as_too_slow() {
        let mut driver = driver(4);
        let mut slow = connect(&mut driver, 1);
        for _ in 0..3 {
            driver.deliver(1, Utf8Bytes::from_static("a"));
        }
        driver.hand_over();
        assert_eq!(slow.queued.load(Ordering::Relaxed), 3);
        // Not written yet: two more would make 5 frames queued, past the bound of 4.
        driver.deliver(1, Utf8Bytes::from_static("b"));
        driver.deliver(1, Utf8Bytes::from_static("c"));
        driver.hand_over();
        assert_eq!(slow.close.try_recv(), Ok(Closing::TooSlow));
        assert!(!driver.conns.contains_key(&1));
        assert_eq!(texts(slow.frames.try_recv().unwrap()), ["a", "a", "a"]);
        assert!(slow.frames.try_recv().is_err());
    }
}
