//! Randomised invariants of the hub on virtual time, checked against a simple reference model.
//!
//! Random interleavings of joins, leaves, posts, deletions, revocations, connects, disconnects,
//! reconnects (from the last sequence number the client received), session ends, focus changes
//! and waiting, across 4 users and 3 rooms. After every call into the hub:
//!
//! - every client has received, over all its connections, exactly the events after the point it
//!   (re)loaded its state that its user could see when each was published, in order, once each;
//! - nothing reaches a connection after it was closed, and closes happen exactly when expected
//!   (revocation, session end, reset, heartbeat timeout at exactly the deadline);
//! - presence is the set of users with a live connection focused on the room, and every change
//!   of it reaches the live connections of the room's members.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use campfire_coord::{Audience, Change, CloseReason, ConnId, Hub, HubConfig, Output, Published};
use proptest::prelude::*;
use proptest::sample::Index;

type User = u8;
type Room = u8;
type Session = (User, u8);
type TestHub = Hub<User, Room, Session, u64>;

const USERS: User = 4;
const ROOMS: Room = 3;
const WINDOW: u64 = 8;
const HEARTBEAT: u64 = 60_000;

#[derive(Debug, Clone)]
enum Op {
    Join(Room, User),
    Leave(Room, User),
    Post(Room),
    Direct(User),
    Announce,
    RoomGone(Room),
    UserGone(User, Room),
    Open(User, u8),
    Disconnect(Index),
    Reconnect(Index),
    EndSession(User, u8),
    Heartbeat(Index),
    Focus(Index, Option<Room>),
    Wait(u64),
    Republish(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let user = 0..USERS;
    let room = 0..ROOMS;
    let session = 0..2u8;
    prop_oneof![
        3 => (room.clone(), user.clone()).prop_map(|(r, u)| Op::Join(r, u)),
        2 => (room.clone(), user.clone()).prop_map(|(r, u)| Op::Leave(r, u)),
        6 => room.clone().prop_map(Op::Post),
        1 => user.clone().prop_map(Op::Direct),
        1 => Just(Op::Announce),
        1 => room.clone().prop_map(Op::RoomGone),
        1 => (user.clone(), room.clone()).prop_map(|(u, r)| Op::UserGone(u, r)),
        3 => (user.clone(), session.clone()).prop_map(|(u, s)| Op::Open(u, s)),
        3 => any::<Index>().prop_map(Op::Disconnect),
        4 => any::<Index>().prop_map(Op::Reconnect),
        1 => (user, session).prop_map(|(u, s)| Op::EndSession(u, s)),
        2 => any::<Index>().prop_map(Op::Heartbeat),
        3 => (any::<Index>(), prop::option::of(room)).prop_map(|(c, r)| Op::Focus(c, r)),
        2 => (0..40_000u64).prop_map(Op::Wait),
        1 => (0..3u64).prop_map(Op::Republish),
    ]
}

/// Under `coordination`, so that `cargo test coordination` runs it with the hub's transcripts.
mod coordination {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn every_client_sees_exactly_what_it_may_see_once_and_in_order(
            initial in prop::collection::btree_set((0..ROOMS, 0..USERS), 0..8),
            ops in prop::collection::vec(op(), 1..150),
        ) {
            let mut world = World::new(&initial);
            for op in ops {
                world.apply(op);
            }
        }
    }
}

/// One client (a browser tab): it keeps what it received across its connections.
#[derive(Debug)]
struct Client {
    user: User,
    session: Session,
    conn: Option<ConnId>,
    /// The sequence number its state was (re)loaded at.
    start: u64,
    received: Vec<u64>,
    /// The head when it last went offline.
    offline_at: u64,
    last_heard: u64,
    focus: Option<Room>,
    /// Revoked or signed out: it never reconnects.
    dead: bool,
}

impl Client {
    fn since(&self) -> u64 {
        self.received.last().copied().unwrap_or(self.start)
    }
}

/// The hub and the reference model of what it should do.
struct World {
    hub: TestHub,
    now: u64,
    head: u64,
    members: BTreeSet<(Room, User)>,
    /// Every event published, with the users who could see it then.
    events: Vec<(u64, BTreeSet<User>)>,
    clients: Vec<Client>,
    owner: BTreeMap<ConnId, usize>,
    next_conn: ConnId,
    /// The room a connection just focused, if the hub should take it (R5: it is then told who
    /// is there, even when the room's set did not change).
    focused: Option<(Room, ConnId)>,
}

impl World {
    fn new(initial: &BTreeSet<(Room, User)>) -> Self {
        let config = HubConfig {
            replay_window: WINDOW as usize,
            heartbeat_timeout_ms: HEARTBEAT,
            typing_timeout_ms: 5_000,
        };
        let mut hub = Hub::new(config);
        for (room, user) in initial {
            hub.load_membership(*room, *user);
        }
        World {
            hub,
            now: 0,
            head: 0,
            members: initial.clone(),
            events: Vec::new(),
            clients: Vec::new(),
            owner: BTreeMap::new(),
            next_conn: 1,
            focused: None,
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Join(room, user) => {
                self.publish(Audience::Room(room), Change::Joined { room, user })
            }
            Op::Leave(room, user) => {
                self.publish(Audience::Room(room), Change::Left { room, user })
            }
            Op::Post(room) => self.publish(Audience::Room(room), Change::None),
            Op::Direct(user) => self.publish(Audience::User(user), Change::None),
            Op::Announce => self.publish(Audience::Everyone, Change::None),
            Op::RoomGone(room) => self.publish(Audience::Room(room), Change::RoomGone(room)),
            Op::UserGone(user, room) => self.publish(Audience::Room(room), Change::UserGone(user)),
            Op::Open(user, session) => self.open(user, (user, session)),
            Op::Disconnect(index) => self.disconnect(index),
            Op::Reconnect(index) => self.reconnect(index),
            Op::EndSession(user, session) => self.end_session((user, session)),
            Op::Heartbeat(index) => self.heartbeat(index),
            Op::Focus(index, room) => self.focus(index, room),
            Op::Wait(ms) => self.wait(ms),
            Op::Republish(back) => self.republish(back),
        }
    }

    fn publish(&mut self, audience: Audience<User, Room>, change: Change<User, Room>) {
        let seq = self.head + 1;
        let event = Published {
            seq,
            audience: audience.clone(),
            change: change.clone(),
            payload: seq,
        };
        self.call(
            |hub, now| hub.publish(now, event),
            |w| {
                w.head = seq;
                if let Change::Joined { room, user } = change {
                    w.members.insert((room, user));
                }
                let recipients = match audience {
                    Audience::Everyone => (0..USERS).collect(),
                    Audience::User(user) => BTreeSet::from([user]),
                    Audience::Room(room) => w.members_of(room),
                };
                w.events.push((seq, recipients));
                let mut closes = BTreeMap::new();
                match change {
                    Change::None | Change::Joined { .. } => {}
                    Change::Left { room, user } => {
                        w.members.remove(&(room, user));
                        w.unfocus(|c| c.user == user, room);
                    }
                    Change::RoomGone(room) => {
                        w.members.retain(|(r, _)| *r != room);
                        w.unfocus(|_| true, room);
                    }
                    Change::UserGone(user) => {
                        w.members.retain(|(_, u)| *u != user);
                        let head = w.head;
                        for client in w.clients.iter_mut().filter(|c| c.user == user) {
                            if let Some(conn) = client.conn.take() {
                                closes.insert(conn, CloseReason::Revoked);
                                client.dead = true;
                                client.offline_at = head;
                                client.focus = None;
                            }
                        }
                    }
                }
                closes
            },
        );
    }

    fn republish(&mut self, back: u64) {
        let seq = self.head.saturating_sub(back);
        let event = Published {
            seq,
            audience: Audience::Everyone,
            change: Change::UserGone(0),
            payload: seq,
        };
        self.call(|hub, now| hub.publish(now, event), |_| BTreeMap::new());
    }

    fn open(&mut self, user: User, session: Session) {
        let conn = self.new_conn(self.clients.len());
        let since = self.head;
        self.call(
            |hub, now| hub.connect(now, conn, user, session, since),
            |w| {
                w.clients.push(Client {
                    user,
                    session,
                    conn: Some(conn),
                    start: since,
                    received: Vec::new(),
                    offline_at: since,
                    last_heard: w.now,
                    focus: None,
                    dead: false,
                });
                BTreeMap::new()
            },
        );
    }

    fn reconnect(&mut self, index: Index) {
        let Some(i) = self.pick(index, |c| c.conn.is_none() && !c.dead) else {
            return;
        };
        let (user, session, since) = {
            let c = &self.clients[i];
            (c.user, c.session, c.since())
        };
        let conn = self.new_conn(i);
        self.call(
            |hub, now| hub.connect(now, conn, user, session, since),
            |w| {
                let (head, now) = (w.head, w.now);
                let client = &mut w.clients[i];
                if head - since > WINDOW {
                    // The client reloads its state over HTTP and resumes from there later.
                    client.start = head;
                    client.received.clear();
                    client.offline_at = head;
                    BTreeMap::from([(conn, CloseReason::Reset)])
                } else {
                    client.conn = Some(conn);
                    client.last_heard = now;
                    BTreeMap::new()
                }
            },
        );
    }

    fn disconnect(&mut self, index: Index) {
        let Some(i) = self.pick(index, |c| c.conn.is_some()) else {
            return;
        };
        let conn = self.clients[i].conn.unwrap();
        self.call(
            |hub, now| hub.disconnect(now, conn),
            |w| {
                w.go_offline(i);
                BTreeMap::new()
            },
        );
    }

    fn end_session(&mut self, session: Session) {
        self.call(
            |hub, now| hub.end_session(now, &session),
            |w| {
                let mut closes = BTreeMap::new();
                for i in 0..w.clients.len() {
                    if w.clients[i].session != session {
                        continue;
                    }
                    if let Some(conn) = w.go_offline(i) {
                        closes.insert(conn, CloseReason::SessionEnded);
                        w.clients[i].dead = true;
                    }
                }
                closes
            },
        );
    }

    fn heartbeat(&mut self, index: Index) {
        let Some(i) = self.pick(index, |c| c.conn.is_some()) else {
            return;
        };
        let conn = self.clients[i].conn.unwrap();
        self.call(
            |hub, now| hub.heartbeat(now, conn),
            |w| {
                w.clients[i].last_heard = w.now;
                BTreeMap::new()
            },
        );
    }

    fn focus(&mut self, index: Index, room: Option<Room>) {
        let Some(i) = self.pick(index, |c| c.conn.is_some()) else {
            return;
        };
        let conn = self.clients[i].conn.unwrap();
        self.call(
            |hub, now| hub.focus(now, conn, room),
            |w| {
                let now = w.now;
                let user = w.clients[i].user;
                let allowed = room.is_none_or(|r| w.members.contains(&(r, user)));
                let client = &mut w.clients[i];
                client.last_heard = now;
                if allowed {
                    client.focus = room;
                    w.focused = room.map(|r| (r, conn));
                }
                BTreeMap::new()
            },
        );
    }

    /// Lets `ms` pass, calling `handle_timeout` at each deadline the hub reports on the way.
    fn wait(&mut self, ms: u64) {
        let target = self.now + ms;
        while let Some(deadline) = self.hub.poll_timeout()
            && deadline <= target
        {
            assert!(deadline >= self.now, "a deadline in the past: {deadline}");
            self.now = deadline;
            self.call(
                |hub, now| hub.handle_timeout(now),
                |w| {
                    let mut closes = BTreeMap::new();
                    for i in 0..w.clients.len() {
                        let client = &w.clients[i];
                        if client.conn.is_none() || client.last_heard + HEARTBEAT > deadline {
                            continue;
                        }
                        assert_eq!(
                            client.last_heard + HEARTBEAT,
                            deadline,
                            "a connection timed out late"
                        );
                        if let Some(conn) = w.go_offline(i) {
                            closes.insert(conn, CloseReason::HeartbeatTimeout);
                        }
                    }
                    closes
                },
            );
        }
        self.now = target;
    }

    /// Calls the hub with `input`, updates the model with `expect` (which returns the closes
    /// the call must produce), then checks the outputs and every invariant.
    fn call(
        &mut self,
        input: impl FnOnce(&mut TestHub, u64),
        expect: impl FnOnce(&mut World) -> BTreeMap<ConnId, CloseReason>,
    ) {
        let presence_before = self.presence();
        let live_before = self.live_conns();
        input(&mut self.hub, self.now);
        let expected_closes = expect(self);
        let live_after = self.live_conns();

        // Connections that may receive in this call: those live before it (unless dropped
        // without a close, like a disconnect) and those it opens.
        let mut open: BTreeSet<ConnId> = live_before
            .iter()
            .filter(|c| live_after.contains(c) || expected_closes.contains_key(c))
            .chain(&live_after)
            .copied()
            .collect();
        let mut closes = BTreeMap::new();
        let mut presence_outputs = Vec::new();
        while let Some(output) = self.hub.poll_output() {
            match output {
                Output::Send { conn, seq, payload } => {
                    assert!(open.contains(&conn), "#{seq} sent to closed c{conn}");
                    assert_eq!(payload, seq);
                    let client = self.owner[&conn];
                    self.clients[client].received.push(seq);
                }
                Output::Close { conn, reason } => {
                    assert!(
                        open.remove(&conn) || reason == CloseReason::Reset,
                        "c{conn} closed twice"
                    );
                    assert!(
                        closes.insert(conn, reason).is_none(),
                        "c{conn} closed twice"
                    );
                }
                Output::Presence { room, users, conns } => {
                    presence_outputs.push((room, users, conns));
                }
                Output::Typing { .. } => panic!("typing without typing"),
            }
        }
        assert_eq!(closes, expected_closes, "closes");
        assert_eq!(open, live_after, "live connections");

        let presence_after = self.presence();
        let mut expected_presence = Vec::new();
        for (room, users) in &presence_after {
            let conns = self.room_conns(*room);
            if presence_before.get(room) != Some(users) && !conns.is_empty() {
                expected_presence.push((*room, users.clone(), conns));
            }
        }
        if let Some((room, conn)) = self.focused.take()
            && live_after.contains(&conn)
            && !expected_presence.iter().any(|(r, ..)| *r == room)
        {
            let users = presence_after.get(&room).cloned().unwrap_or_default();
            expected_presence.push((room, users, vec![conn]));
        }
        presence_outputs.sort();
        expected_presence.sort();
        assert_eq!(presence_outputs, expected_presence, "presence outputs");

        self.check_invariants(&presence_after);
    }

    fn check_invariants(&self, presence: &BTreeMap<Room, Vec<User>>) {
        for client in &self.clients {
            let upto = if client.conn.is_some() {
                self.head
            } else {
                client.offline_at
            };
            let expected: Vec<u64> = self
                .events
                .iter()
                .filter(|(seq, users)| {
                    *seq > client.start && *seq <= upto && users.contains(&client.user)
                })
                .map(|(seq, _)| *seq)
                .collect();
            assert_eq!(client.received, expected, "what {client:?} received");
        }
        for (room, users) in presence {
            assert_eq!(&self.hub.looking_at(room), users, "looking at {room}");
        }
        let live = self.clients.iter().filter(|c| c.conn.is_some());
        let deadline = live.clone().map(|c| c.last_heard + HEARTBEAT).min();
        assert_eq!(self.hub.poll_timeout(), deadline, "next deadline");
        assert_eq!(self.hub.connection_count(), live.clone().count());
        for user in 0..USERS {
            let connected = live.clone().any(|c| c.user == user);
            assert_eq!(
                self.hub.is_connected(&user),
                connected,
                "user {user} connected"
            );
        }
        assert_eq!(self.hub.head(), self.head);
    }

    fn presence(&self) -> BTreeMap<Room, Vec<User>> {
        (0..ROOMS)
            .map(|room| {
                let users: BTreeSet<User> = self
                    .clients
                    .iter()
                    .filter(|c| c.conn.is_some() && c.focus == Some(room))
                    .map(|c| c.user)
                    .collect();
                (room, users.into_iter().collect())
            })
            .collect()
    }

    fn room_conns(&self, room: Room) -> Vec<ConnId> {
        let members = self.members_of(room);
        let mut conns: Vec<ConnId> = self
            .clients
            .iter()
            .filter(|c| members.contains(&c.user))
            .filter_map(|c| c.conn)
            .collect();
        conns.sort_unstable();
        conns
    }

    fn members_of(&self, room: Room) -> BTreeSet<User> {
        self.members
            .iter()
            .filter(|(r, _)| *r == room)
            .map(|(_, u)| *u)
            .collect()
    }

    fn live_conns(&self) -> BTreeSet<ConnId> {
        self.clients.iter().filter_map(|c| c.conn).collect()
    }

    fn unfocus(&mut self, which: impl Fn(&Client) -> bool, room: Room) {
        for client in self.clients.iter_mut() {
            if which(client) && client.focus == Some(room) {
                client.focus = None;
            }
        }
    }

    /// Takes client `i` offline; returns the connection it had.
    fn go_offline(&mut self, i: usize) -> Option<ConnId> {
        let head = self.head;
        let client = &mut self.clients[i];
        let conn = client.conn.take()?;
        client.offline_at = head;
        client.focus = None;
        Some(conn)
    }

    fn new_conn(&mut self, client: usize) -> ConnId {
        let conn = self.next_conn;
        self.next_conn += 1;
        self.owner.insert(conn, client);
        conn
    }

    fn pick(&self, index: Index, which: impl Fn(&Client) -> bool) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.clients.len())
            .filter(|i| which(&self.clients[*i]))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        Some(candidates[index.index(candidates.len())])
    }
}
