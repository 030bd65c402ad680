//! Battery item 2, churn: many clients in many rooms drop their sockets and resume at random
//! while people post — most come back within the replay window and resume, some stay away past
//! it and are told to reset, as a client reloads — and each one's final state is exactly that of
//! a client that never disconnected: every message of each of its rooms, once, in order.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use common::{Client, Incoming, Rng, Server, TIMEOUT, Ws, first_run, join};
use serde_json::json;

use super::soak;

/// What one client knows: each room's message ids in the order it learned them.
#[derive(Debug, Default, Clone, PartialEq)]
struct State {
    rooms: BTreeMap<i64, Vec<i64>>,
}

/// How a client's run went.
#[derive(Debug, Default)]
struct Tally {
    resumes: u64,
    resets: u64,
    /// Messages an event carried that the client already had from a reload (not a repeat).
    reloaded_overlap: u64,
    /// Messages an event carried twice: must stay zero.
    repeats: u64,
    /// Connections that ended without a close frame as they opened.
    dropped: u64,
}

struct Churner {
    client: Client,
    rooms: BTreeSet<i64>,
    state: State,
    /// From the last reload, so an event for one of them is not counted as a repeat.
    loaded: BTreeSet<i64>,
    last_seq: u64,
    tally: Tally,
}

impl Churner {
    /// Applies a frame; `Err(code)` once the socket has closed.
    fn apply(&mut self, incoming: Incoming) -> Result<(), Option<u16>> {
        match incoming {
            Incoming::Text(frame) if frame["type"] == "event" => {
                let seq = frame["seq"].as_u64().unwrap();
                assert!(seq > self.last_seq, "seq {seq} after {}", self.last_seq);
                self.last_seq = seq;
                let event = &frame["event"];
                if event["kind"] == "message_created" {
                    let room = event["room_id"].as_i64().unwrap();
                    let id = event["message_id"].as_i64().unwrap();
                    assert!(
                        self.rooms.contains(&room),
                        "an event of room {room}, not one of mine"
                    );
                    let list = self.state.rooms.entry(room).or_default();
                    if list.contains(&id) {
                        if self.loaded.contains(&id) {
                            self.tally.reloaded_overlap += 1;
                        } else {
                            self.tally.repeats += 1;
                        }
                    } else {
                        list.push(id);
                    }
                }
                Ok(())
            }
            Incoming::Text(_) | Incoming::Ping => Ok(()),
            Incoming::Close(code) => Err(code),
            Incoming::Ended(_) => Err(None),
        }
    }

    /// What the app does when told to reset: reads the seq, then every message of its rooms.
    async fn reload(&mut self) {
        self.tally.resets += 1;
        self.last_seq = self.client.seq().await;
        self.state = State::default();
        self.loaded.clear();
        for room in &self.rooms {
            let ids: Vec<i64> = self
                .client
                .all_messages(*room)
                .await
                .iter()
                .map(|m| m["id"].as_i64().unwrap())
                .collect();
            self.loaded.extend(&ids);
            self.state.rooms.insert(*room, ids);
        }
    }

    /// Connects, resuming; reloads and connects again when told to reset.
    async fn connect(&mut self) -> Ws {
        loop {
            let ws = self.client.ws(self.last_seq).await;
            let mut ws = ws;
            // A reset is said at once.
            match ws.raw_next(Duration::from_millis(100)).await {
                None => {
                    self.tally.resumes += 1;
                    return ws;
                }
                Some(incoming) => match self.apply(incoming) {
                    Ok(()) => {
                        self.tally.resumes += 1;
                        return ws;
                    }
                    Err(Some(4000)) => self.reload().await,
                    // Dropped without a close frame: a client just connects again (counted;
                    // the final state must still be exact).
                    Err(None) => self.tally.dropped += 1,
                    Err(code) => panic!("a resuming socket closed with {code:?}"),
                },
            }
        }
    }

    /// Reads up to `frames` frames or until `until` is set.
    async fn listen(&mut self, ws: &mut Ws, frames: u64, until: &AtomicBool) {
        for _ in 0..frames {
            if until.load(Ordering::Relaxed) {
                return;
            }
            match ws.raw_next(Duration::from_millis(200)).await {
                None => {}
                Some(incoming) => match self.apply(incoming) {
                    Ok(()) => {}
                    // The reset can come a moment after the connection (a busy server
                    // registers it later): reload, and go on listening on a new socket.
                    Err(Some(4000)) => {
                        self.reload().await;
                        *ws = self.connect().await;
                    }
                    Err(code) => panic!("a listening socket closed with {code:?}"),
                },
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_drop_and_resume_at_random_end_as_if_never_disconnected() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let clients = soak::size(60, 1_000);
    let room_count = soak::size(8, 50);
    let people = soak::size(12, 100);
    let posts = soak::size(600, 6_000);
    // Small, so clients that stay away for a while fall past it and must reload.
    let window: u64 = soak::size(120, 1_000) as u64;
    let mut rng = Rng::from_env_or_clock("clients_that_drop_and_resume_at_random");
    let server = Server::start(&["--replay-window", &window.to_string()]).await;

    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let mut everyone = vec![ada.clone()];
    for n in 1..people {
        everyone.push(
            join(
                &server,
                &code,
                &format!("Person {n}"),
                &format!("p{n}@example.com"),
            )
            .await,
        );
    }
    // Closed rooms with random members, a quarter of everyone or so, and All Talk.
    let mut members: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    members.insert(ada.room_named("All Talk").await, (0..people).collect());
    for r in 0..room_count - 1 {
        let chosen: Vec<usize> = (1..people).filter(|_| rng.chance(25)).collect();
        let ids: Vec<i64> = chosen.iter().map(|p| everyone[*p].id()).collect();
        let room = ada
            .post(
                "/api/rooms",
                &json!({ "name": format!("Room {r}"), "kind": "closed", "member_ids": ids }),
            )
            .await
            .expect(201)["room"]["id"]
            .as_i64()
            .unwrap();
        let mut all = chosen;
        all.push(0);
        members.insert(room, all);
    }
    let rooms_of = |person: usize| -> BTreeSet<i64> {
        members
            .iter()
            .filter(|(_, m)| m.contains(&person))
            .map(|(r, _)| *r)
            .collect()
    };

    // Clients start before anything is posted: an empty state at the current seq.
    let start = ada.seq().await;
    let posted = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let person = c % people;
        let mut churner = Churner {
            client: everyone[person].clone(),
            rooms: rooms_of(person),
            state: State::default(),
            loaded: BTreeSet::new(),
            last_seq: start,
            tally: Tally::default(),
        };
        let (posted, done) = (posted.clone(), done.clone());
        let mut rng = rng.split();
        tasks.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let mut ws = churner.connect().await;
                churner.listen(&mut ws, 1 + rng.upto(40), &done).await;
                drop(ws);
                if rng.chance(15) {
                    // Away past the replay window: comes back to a reset.
                    let back = posted.load(Ordering::Relaxed) + window + 20;
                    while posted.load(Ordering::Relaxed) < back && !done.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                } else {
                    tokio::time::sleep(Duration::from_millis(rng.upto(50))).await;
                }
            }
            churner
        }));
    }

    // Posters: a few people at a time, each in a random room of theirs.
    let mut posters = Vec::new();
    for p in 0..4 {
        let everyone = everyone.clone();
        let members = members.clone();
        let posted = posted.clone();
        let mut rng = rng.split();
        posters.push(tokio::spawn(async move {
            for k in 0..posts / 4 {
                let room = *members
                    .keys()
                    .nth(usize::try_from(rng.upto(members.len() as u64 - 1)).unwrap())
                    .unwrap();
                let in_room = &members[&room];
                let author = in_room[usize::try_from(rng.upto(in_room.len() as u64 - 1)).unwrap()];
                everyone[author]
                    .post_message(room, &format!("<p>poster {p} says {k}</p>"))
                    .await;
                posted.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for poster in posters {
        poster.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);

    // The truth: what a client that never disconnected has, room by room.
    let mut truth: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for room in members.keys() {
        let ids = ada
            .all_messages(*room)
            .await
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        truth.insert(*room, ids);
    }

    let (mut resumes, mut resets, mut overlap, mut repeats, mut matched, mut dropped) =
        (0, 0, 0, 0, 0, 0);
    for task in tasks {
        let mut churner = task.await.unwrap();
        // A last resume, then read until caught up.
        let want: BTreeMap<i64, Vec<i64>> = churner
            .rooms
            .iter()
            .map(|r| (*r, truth[r].clone()))
            .collect();
        let mut ws = churner.connect().await;
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        let rooms = churner.rooms.clone();
        let normalised = |state: &State| -> BTreeMap<i64, Vec<i64>> {
            rooms
                .iter()
                .map(|r| (*r, state.rooms.get(r).cloned().unwrap_or_default()))
                .collect()
        };
        while normalised(&churner.state) != want && tokio::time::Instant::now() < deadline {
            if let Some(incoming) = ws.raw_next(Duration::from_millis(200)).await {
                match churner.apply(incoming) {
                    Ok(()) => {}
                    Err(Some(4000)) => {
                        churner.reload().await;
                        ws = churner.connect().await;
                    }
                    Err(code) => panic!("a settling socket closed with {code:?}"),
                }
            }
        }
        assert_eq!(
            normalised(&churner.state),
            want,
            "a client's final state differs from the truth"
        );
        matched += 1;
        resumes += churner.tally.resumes;
        resets += churner.tally.resets;
        overlap += churner.tally.reloaded_overlap;
        repeats += churner.tally.repeats;
        dropped += churner.tally.dropped;
    }
    assert_eq!(repeats, 0, "messages delivered twice to a resuming client");
    assert!(resets > 0, "no client stayed away past the replay window");
    let total: usize = truth.values().map(Vec::len).sum();
    soak::report(
        2,
        "churn",
        &format!(
            "{clients} clients of {people} people in {} rooms, {total} messages posted, {resumes} reconnections ({resets} past the replay window of {window} events, reloaded; {dropped} dropped without a close frame as they opened, and made again)",
            members.len()
        ),
        &format!(
            "{matched} of {clients} final states equal a never-disconnected client's; no message delivered twice on resume ({overlap} overlaps with a reload, ignored as the app does)"
        ),
        "nothing",
    );
}
