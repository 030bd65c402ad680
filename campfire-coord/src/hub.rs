//! The hub: fans committed events out to live connections, replays what a reconnecting client
//! missed, and keeps presence and typing with deadlines.
//!
//! It is a sans-IO state machine driven by one owner: inputs are method calls carrying `now` (in
//! milliseconds, from any monotonic clock), outputs are drained with [`Hub::poll_output`], and
//! [`Hub::poll_timeout`] says when to call [`Hub::handle_timeout`] next.

use std::collections::{BTreeSet, VecDeque};

use crate::conns::Conns;
use crate::membership::Membership;
use crate::presence::Presence;
use crate::replay::{self, Resume};
use crate::ring::{Effect, Entry, Ring};
use crate::{Audience, Change, CloseReason, ConnId, Output, Published};

/// Limits and timeouts of a [`Hub`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubConfig {
    /// How many of the newest events are kept to replay to reconnecting clients. A client that
    /// missed more is told to reset.
    pub replay_window: usize,
    /// A connection not heard from (connect, heartbeat, focus, typing) for this long is closed.
    pub heartbeat_timeout_ms: u64,
    /// A typing signal lasts this long unless renewed.
    pub typing_timeout_ms: u64,
}

impl Default for HubConfig {
    /// 10 000 events, a 60 s heartbeat timeout, 5 s of typing.
    fn default() -> Self {
        Self {
            replay_window: 10_000,
            heartbeat_timeout_ms: 60_000,
            typing_timeout_ms: 5_000,
        }
    }
}

/// Sequenced fan-out, resume, presence and typing for the connections of one server.
///
/// `U` identifies users, `R` rooms, `S` sessions; `P` is the encoded event, cloned once per
/// [`Output::Send`] (use a cheaply cloned type such as `Arc<[u8]>`).
///
/// Every input first handles the timeouts due at its `now`, so the hub never acts on a
/// connection that should already have timed out.
#[derive(Debug, Clone)]
pub struct Hub<U, R, S, P> {
    config: HubConfig,
    membership: Membership<U, R>,
    conns: Conns<U, S>,
    presence: Presence<U, R>,
    ring: Ring<U, R, P>,
    outputs: VecDeque<Output<U, R, P>>,
}

impl<U, R, S, P> Hub<U, R, S, P>
where
    U: Ord + Clone,
    R: Ord + Clone,
    S: Ord + Clone,
    P: Clone,
{
    /// An empty hub at head 0, with no members and no connections.
    pub fn new(config: HubConfig) -> Self {
        Self {
            config,
            membership: Membership::default(),
            conns: Conns::default(),
            presence: Presence::default(),
            ring: Ring::new(config.replay_window),
            outputs: VecDeque::new(),
        }
    }

    /// Records at startup that `user` is a member of `room`, as of the head. Call it before
    /// publishing: later membership changes must come as [`Change`]s of published events, or
    /// replays would see them at the wrong moment.
    pub fn load_membership(&mut self, room: R, user: U) {
        self.membership.join(room, user);
    }

    /// Sets the head of the log at startup, when no events are preloaded: only clients that
    /// have applied everything up to `seq` can resume; older ones reset. Ignored unless `seq` is
    /// ahead of the head.
    pub fn set_head(&mut self, seq: u64) {
        self.ring.set_head(seq);
    }

    /// The next committed event: applies its membership change around delivery, sends it to
    /// its audience and keeps it for replay. An event at or behind the head is ignored, so the
    /// driver may publish an event twice.
    pub fn publish(&mut self, now: u64, event: Published<U, R, P>) {
        self.handle_timeout(now);
        let Published {
            seq,
            audience,
            change,
            payload,
        } = event;
        if seq <= self.ring.head() {
            return;
        }
        let effect = self.apply_before(change);
        self.deliver(seq, &audience, &payload);
        self.apply_after(&effect);
        self.ring.push(Entry {
            seq,
            audience,
            effect,
            payload,
        });
    }

    /// A client of `user` in `session` connects as `conn`, having applied every event up to
    /// `since`. Queues a [`Output::Send`] for each event after `since` that the user could see
    /// when it was published; from then on the connection is live, with no gap and no duplicate.
    /// If the client is too far behind (or ahead of the head), emits
    /// `Close { reason: Reset }` instead and does not register it. Reusing the id of a live
    /// connection first forgets that connection.
    pub fn connect(&mut self, now: u64, conn: ConnId, user: U, session: S, since: u64) {
        self.handle_timeout(now);
        if self.conns.get(conn).is_some() {
            self.drop_conns(vec![conn], None);
        }
        if self.ring.resume(since) == Resume::Reset {
            self.outputs.push_back(Output::Close {
                conn,
                reason: CloseReason::Reset,
            });
            return;
        }
        let rooms = self.membership.rooms(&user);
        for entry in replay::missed(&self.ring, &user, rooms, since) {
            self.outputs.push_back(Output::Send {
                conn,
                seq: entry.seq,
                payload: entry.payload.clone(),
            });
        }
        let deadline = self.heartbeat_deadline(now);
        self.conns.insert(conn, user, session, deadline);
    }

    /// The socket of `conn` closed: forgets it, and its presence and typing.
    pub fn disconnect(&mut self, now: u64, conn: ConnId) {
        self.handle_timeout(now);
        self.drop_conns(vec![conn], None);
    }

    /// The session ended (signed out): closes each of its connections with
    /// [`CloseReason::SessionEnded`].
    pub fn end_session(&mut self, now: u64, session: &S) {
        self.handle_timeout(now);
        let conns = self.conns.of_session(session).collect();
        self.drop_conns(conns, Some(CloseReason::SessionEnded));
    }

    /// The client of `conn` is alive.
    pub fn heartbeat(&mut self, now: u64, conn: ConnId) {
        self.handle_timeout(now);
        let deadline = self.heartbeat_deadline(now);
        self.conns.touch(conn, deadline);
    }

    /// The client of `conn` is looking at `room` (or at no room). Counts as a heartbeat; the
    /// focus is ignored if the user is not a member of `room`.
    pub fn focus(&mut self, now: u64, conn: ConnId, room: Option<R>) {
        self.handle_timeout(now);
        let Some(user) = self.alive(now, conn) else {
            return;
        };
        if let Some(room) = &room
            && !self.membership.is_member(room, &user)
        {
            return;
        }
        let affected = self.presence.rooms_of(conn).into_iter().chain(room.clone());
        let emitted_before = self.outputs.len();
        self.ephemeral_change(affected.collect(), |hub| {
            hub.presence.focus(conn, &user, room.clone());
        });
        // R5: whoever opens a room learns who is in it. When the room's set did not change (the
        // user was already counted there, say by the socket of the page before a reload), no
        // update went out, so this connection gets the room's sets on its own.
        let Some(room) = room else {
            return;
        };
        let told = self
            .outputs
            .iter()
            .skip(emitted_before)
            .any(|o| matches!(o, Output::Presence { room: r, .. } if *r == room));
        if !told {
            self.outputs.push_back(Output::Presence {
                users: self.presence.looking_at(&room),
                room: room.clone(),
                conns: vec![conn],
            });
            let typing = self.presence.typing_in(&room);
            if !typing.is_empty() {
                self.outputs.push_back(Output::Typing {
                    room,
                    users: typing,
                    conns: vec![conn],
                });
            }
        }
    }

    /// The user of `conn` is typing in `room`, for the typing timeout unless renewed. Counts as
    /// a heartbeat; ignored if the user is not a member of `room`.
    pub fn typing(&mut self, now: u64, conn: ConnId, room: R) {
        self.handle_timeout(now);
        let Some(user) = self.alive(now, conn) else {
            return;
        };
        if !self.membership.is_member(&room, &user) {
            return;
        }
        let deadline = now.saturating_add(self.config.typing_timeout_ms);
        self.ephemeral_change(BTreeSet::from([room.clone()]), |hub| {
            hub.presence.start_typing(conn, &user, room, deadline);
        });
    }

    /// The user of `conn` stopped typing in `room` (sent the message, cleared the composer).
    /// Counts as a heartbeat.
    pub fn stop_typing(&mut self, now: u64, conn: ConnId, room: &R) {
        self.handle_timeout(now);
        if self.alive(now, conn).is_none() {
            return;
        }
        self.ephemeral_change(BTreeSet::from([room.clone()]), |hub| {
            hub.presence.stop_typing(conn, room);
        });
    }

    /// Applies every deadline at or before `now`: closes silent connections with
    /// [`CloseReason::HeartbeatTimeout`] and expires typing signals.
    pub fn handle_timeout(&mut self, now: u64) {
        let silent = self.conns.expired(now);
        if !silent.is_empty() {
            self.drop_conns(silent, Some(CloseReason::HeartbeatTimeout));
        }
        let expired = self.presence.expired(now);
        if !expired.is_empty() {
            let rooms = expired.iter().map(|(_, room)| room.clone()).collect();
            self.ephemeral_change(rooms, |hub| {
                for (conn, room) in &expired {
                    hub.presence.stop_typing(*conn, room);
                }
            });
        }
    }

    /// The earliest deadline (a heartbeat or typing expiry) at which to call
    /// [`Hub::handle_timeout`], if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        match (self.conns.next_deadline(), self.presence.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next output, oldest first.
    pub fn poll_output(&mut self) -> Option<Output<U, R, P>> {
        self.outputs.pop_front()
    }

    /// The users with a live connection focused on `room`, sorted and deduplicated.
    pub fn looking_at(&self, room: &R) -> Vec<U> {
        self.presence.looking_at(room)
    }

    /// The members of `room` who have a live connection (any tab, whatever it shows), sorted.
    pub fn connected_in(&self, room: &R) -> Vec<U> {
        let mut users: Vec<U> = self
            .membership
            .members(room)
            .filter(|user| self.conns.has_user(user))
            .cloned()
            .collect();
        users.sort();
        users.dedup();
        users
    }

    /// The members of `room` as of the newest published event, sorted.
    pub fn members(&self, room: &R) -> Vec<U> {
        self.membership.members(room).cloned().collect()
    }

    /// Whether `user` is a member of `room` as of the newest published event.
    pub fn is_member(&self, room: &R, user: &U) -> bool {
        self.membership.is_member(room, user)
    }

    /// Whether `user` has a live connection.
    pub fn is_connected(&self, user: &U) -> bool {
        self.conns.has_user(user)
    }

    /// The sessions `user` has live connections under, each once, in order.
    pub fn sessions_of(&self, user: &U) -> Vec<S> {
        let mut sessions: Vec<S> = self
            .conns
            .of_user(user)
            .filter_map(|conn| self.conns.get(conn).map(|c| c.session.clone()))
            .collect();
        sessions.sort();
        sessions.dedup();
        sessions
    }

    /// The sequence number of the newest event published (or set at startup).
    pub fn head(&self) -> u64 {
        self.ring.head()
    }

    /// How many connections are live.
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Applies the part of `change` that takes place before delivery, and says what the whole
    /// change does.
    fn apply_before(&mut self, change: Change<U, R>) -> Effect<U, R> {
        match change {
            Change::None => Effect::None,
            Change::Joined { room, user } => {
                if self.membership.join(room.clone(), user.clone()) {
                    Effect::Joined { room, user }
                } else {
                    Effect::None
                }
            }
            Change::Left { room, user } => {
                if self.membership.is_member(&room, &user) {
                    Effect::Left { room, user }
                } else {
                    Effect::None
                }
            }
            Change::RoomGone(room) => Effect::RoomGone {
                members: self.membership.members(&room).cloned().collect(),
                room,
            },
            Change::UserGone(user) => Effect::UserGone {
                rooms: self.membership.rooms(&user),
                user,
            },
        }
    }

    /// Queues the event for every live connection in its audience.
    fn deliver(&mut self, seq: u64, audience: &Audience<U, R>, payload: &P) {
        let outputs = &mut self.outputs;
        let mut send = |conn| {
            outputs.push_back(Output::Send {
                conn,
                seq,
                payload: payload.clone(),
            });
        };
        match audience {
            Audience::Everyone => self.conns.all().for_each(send),
            Audience::User(user) => self.conns.of_user(user).for_each(send),
            Audience::Room(room) => {
                for user in self.membership.members(room) {
                    self.conns.of_user(user).for_each(&mut send);
                }
            }
        }
    }

    /// Applies the part of `effect` that takes place after delivery.
    fn apply_after(&mut self, effect: &Effect<U, R>) {
        match effect {
            Effect::None | Effect::Joined { .. } => {}
            Effect::Left { room, user } => {
                self.ephemeral_change(BTreeSet::from([room.clone()]), |hub| {
                    hub.membership.leave(room, user);
                    for conn in hub.conns.of_user(user) {
                        hub.presence.forget_conn_in(conn, room);
                    }
                });
            }
            Effect::RoomGone { room, .. } => {
                self.ephemeral_change(BTreeSet::from([room.clone()]), |hub| {
                    hub.membership.remove_room(room);
                    hub.presence.forget_room(room);
                });
            }
            Effect::UserGone { user, .. } => {
                let conns: Vec<ConnId> = self.conns.of_user(user).collect();
                self.drop_conns(conns, Some(CloseReason::Revoked));
                // Presence and typing only ever name members with live connections, and the
                // user has none left, so leaving the rooms changes no set.
                self.membership.remove_user(user);
            }
        }
    }

    /// Forgets `conns`, closing each with `reason` if given, and updates presence and typing.
    fn drop_conns(&mut self, conns: Vec<ConnId>, reason: Option<CloseReason>) {
        let rooms = conns
            .iter()
            .flat_map(|conn| self.presence.rooms_of(*conn))
            .collect();
        self.ephemeral_change(rooms, |hub| {
            for conn in conns {
                if hub.conns.remove(conn).is_none() {
                    continue;
                }
                hub.presence.forget_conn(conn);
                if let Some(reason) = reason {
                    hub.outputs.push_back(Output::Close { conn, reason });
                }
            }
        });
    }

    /// Runs `change`, then emits the new presence and typing set of each of `rooms` whose set
    /// it changed, to the live connections of the room's members (if there are any).
    fn ephemeral_change(&mut self, rooms: BTreeSet<R>, change: impl FnOnce(&mut Self)) {
        let before: Vec<_> = rooms
            .into_iter()
            .map(|room| {
                let present = self.presence.looking_at(&room);
                let typing = self.presence.typing_in(&room);
                (room, present, typing)
            })
            .collect();
        change(self);
        for (room, present_before, typing_before) in before {
            let present = self.presence.looking_at(&room);
            let typing = self.presence.typing_in(&room);
            let present_changed = present != present_before;
            let typing_changed = typing != typing_before;
            if !present_changed && !typing_changed {
                continue;
            }
            let conns = self.room_conns(&room);
            if conns.is_empty() {
                continue;
            }
            if present_changed {
                self.outputs.push_back(Output::Presence {
                    room: room.clone(),
                    users: present,
                    conns: conns.clone(),
                });
            }
            if typing_changed {
                self.outputs.push_back(Output::Typing {
                    room,
                    users: typing,
                    conns,
                });
            }
        }
    }

    /// The live connections of the members of `room`, sorted.
    fn room_conns(&self, room: &R) -> Vec<ConnId> {
        let mut conns: Vec<ConnId> = self
            .membership
            .members(room)
            .flat_map(|user| self.conns.of_user(user))
            .collect();
        conns.sort_unstable();
        conns
    }

    /// Records that `conn` was heard from; returns its user if it is live.
    fn alive(&mut self, now: u64, conn: ConnId) -> Option<U> {
        let deadline = self.heartbeat_deadline(now);
        if !self.conns.touch(conn, deadline) {
            return None;
        }
        self.conns.get(conn).map(|c| c.user.clone())
    }

    fn heartbeat_deadline(&self, now: u64) -> u64 {
        now.saturating_add(self.config.heartbeat_timeout_ms)
    }
}
