#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Resuming the live socket: a client that comes back with the last `seq` it applied receives
//! exactly what it missed, in order, once — across disconnects at random moments and across
//! server restarts — and a client that cannot be resumed is told to reset.

mod common;

use std::time::Duration;

use common::{Client, Rng, Server, TIMEOUT, Ws, two_people};
use serde_json::Value;

/// The message id of a `message_created` event in `room`.
#[track_caller]
fn created_in(event: &Value, room: i64) -> i64 {
    assert_eq!(event["kind"], "message_created", "{event}");
    assert_eq!(event["room_id"], room, "{event}");
    let id = event["message_id"].as_i64().expect("message_id");
    assert_eq!(event["message"]["id"], id, "{event}");
    id
}

async fn post_many(client: &Client, room: i64, label: &str, count: usize) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let message = client.post_message(room, &format!("{label} {n}")).await;
        ids.push(message["id"].as_i64().unwrap());
    }
    ids
}

/// Takes `count` events, each a new message in `room`.
async fn messages(ws: &mut Ws, room: i64, count: usize) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        ids.push(created_in(&ws.next_event().await, room));
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_comes_back_gets_exactly_the_fifty_messages_it_missed() {
    let server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;

    let mut ws = bob.ws(bob.seq().await).await;
    let before = ada.post_message(room, "before the break").await;
    assert_eq!(
        messages(&mut ws, room, 1).await,
        [before["id"].as_i64().unwrap()]
    );
    let since = ws.last_seq;
    ws.close().await;

    let missed = post_many(&ada, room, "missed", 50).await;

    let mut ws = bob.ws(since).await;
    let mut seqs = Vec::new();
    for (n, id) in missed.iter().enumerate() {
        let event = ws.next_event().await;
        assert_eq!(created_in(&event, room), *id, "message {n} of 50");
        assert_eq!(event["message"]["body_plain"], format!("missed {n}"));
        seqs.push(ws.last_seq);
    }
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in seq order: {seqs:?}"
    );
    // Nothing twice: the next event is the next live message, not a repeat of the replay.
    let live = ada.post_message(room, "live again").await;
    assert_eq!(
        messages(&mut ws, room, 1).await,
        [live["id"].as_i64().unwrap()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_at_random_moments_never_loses_or_repeats_a_message() {
    const ROUNDS: usize = 60;
    let mut rng = Rng::from_env_or_clock("resuming_at_random_moments");
    let server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;

    let mut posted: Vec<i64> = Vec::new();
    let mut received: Vec<i64> = Vec::new();
    let mut since = bob.seq().await;
    let mut ws: Option<Ws> = Some(bob.ws(since).await);
    let mut reconnects = 0;

    // Takes whatever events have already arrived, without waiting.
    async fn take_arrived(ws: &mut Ws, room: i64, received: &mut Vec<i64>, posted: &[i64]) {
        while let Some((_, event)) = ws.event_within(Duration::ZERO).await {
            received.push(created_in(&event, room));
            assert!(
                posted.starts_with(received),
                "received {received:?}, posted {posted:?}"
            );
        }
    }

    for round in 0..ROUNDS {
        let count = rng.upto(30);
        for _ in 0..count {
            match ws.as_mut() {
                Some(socket) if rng.chance(12) => {
                    take_arrived(socket, room, &mut received, &posted).await;
                    since = socket.last_seq;
                    let socket = ws.take().unwrap();
                    if rng.chance(50) {
                        socket.close().await;
                    } else {
                        drop(socket); // the connection just drops, frames in flight are lost
                    }
                }
                None if rng.chance(15) => {
                    let socket = bob.ws(since).await;
                    ws = Some(socket);
                    reconnects += 1;
                }
                _ => {}
            }
            let message = ada.post_message(room, &format!("round {round}")).await;
            posted.push(message["id"].as_i64().unwrap());
            if let Some(socket) = ws.as_mut()
                && rng.chance(40)
            {
                take_arrived(socket, room, &mut received, &posted).await;
                since = socket.last_seq;
            }
        }

        // The round ends: come back if away, and catch up completely.
        if ws.is_none() {
            let socket = bob.ws(since).await;
            reconnects += 1;
            ws = Some(socket);
        }
        let socket = ws.as_mut().unwrap();
        while received.len() < posted.len() {
            let Some((_, event)) = socket.event_within(TIMEOUT).await else {
                panic!(
                    "round {round}: {} of {} messages arrived: {received:?} vs {posted:?}",
                    received.len(),
                    posted.len()
                );
            };
            received.push(created_in(&event, room));
            assert!(
                posted.starts_with(&received),
                "round {round}: received {received:?}, posted {posted:?}"
            );
        }
        since = socket.last_seq;
        assert_eq!(received, posted, "round {round}");
        if rng.chance(50) {
            ws = None;
        }
    }

    // No stray repeat is queued behind the last message.
    if ws.is_none() {
        let socket = bob.ws(since).await;
        ws = Some(socket);
    }
    let socket = ws.as_mut().unwrap();
    let last = ada.post_message(room, "the end").await;
    assert_eq!(
        messages(socket, room, 1).await,
        [last["id"].as_i64().unwrap()]
    );
    eprintln!(
        "{} messages over {ROUNDS} rounds, {reconnects} reconnects",
        posted.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_ahead_of_the_log_is_told_to_reset_and_recovers_by_reloading() {
    let server = Server::start(&[]).await;
    let (ada, _bob, room) = two_people(&server).await;
    let head = ada.seq().await;

    for since in [head + 1, head + 10_000, u64::from(u32::MAX)] {
        let mut ws = ada.ws(since).await;
        assert_eq!(
            ws.closed(TIMEOUT).await,
            Some(4000),
            "since={since}, head={head}: reset"
        );
    }

    // Reloading state over HTTP gives a seq that resumes.
    let mut ws = ada.ws(ada.seq().await).await;
    let message = ada.post_message(room, "after the reset").await;
    assert_eq!(
        created_in(&ws.next_event().await, room),
        message["id"].as_i64().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_while_the_client_is_away_leaves_no_gap() {
    let mut server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;

    let mut ws = bob.ws(bob.seq().await).await;
    let seen = post_many(&ada, room, "seen", 3).await;
    assert_eq!(messages(&mut ws, room, 3).await, seen);
    let since = ws.last_seq;

    // The process dies under the client: no close frame, the connection just ends.
    server.kill().await;
    assert_eq!(
        ws.closed(TIMEOUT).await,
        None,
        "a killed server sends nothing"
    );
    server.restart().await;
    let (ada, bob) = (ada.fresh(), bob.fresh());

    // Nothing was posted meanwhile: resuming replays nothing, and does not reset.
    let mut ws = bob.ws(since).await;
    let next = ada.post_message(room, "after the restart").await;
    let event = ws.next_event().await;
    assert_eq!(created_in(&event, room), next["id"].as_i64().unwrap());
    assert_eq!(
        ws.last_seq,
        since + 1,
        "the first event after the restart follows the last one seen"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_before_and_after_a_restart_are_all_replayed_once() {
    let mut server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;

    let mut ws = bob.ws(bob.seq().await).await;
    let first = ada.post_message(room, "seen").await;
    assert_eq!(
        messages(&mut ws, room, 1).await,
        [first["id"].as_i64().unwrap()]
    );
    let since = ws.last_seq;
    ws.close().await;

    let mut missed = post_many(&ada, room, "before the restart", 5).await;
    server.restart().await; // SIGKILL, then start again on the same directory and port
    let (ada, bob) = (ada.fresh(), bob.fresh());
    missed.extend(post_many(&ada, room, "after the restart", 5).await);

    let mut ws = bob.ws(since).await;
    assert_eq!(messages(&mut ws, room, 10).await, missed);
    let live = ada.post_message(room, "live").await;
    assert_eq!(
        messages(&mut ws, room, 1).await,
        [live["id"].as_i64().unwrap()],
        "nothing twice"
    );
}

/// F10: after a restart the replay window is rebuilt by reading messages as they are now, so it
/// must not reach back past an event a later edit would rewrite: someone removed from a room
/// and then resuming from before must not see a message's text as edited after they left.
#[tokio::test]
async fn after_a_restart_a_former_member_replays_nothing_changed_after_they_left() {
    let mut server = Server::start(&[]).await;
    let (ada, bob, _) = two_people(&server).await;
    let closed = ada
        .post(
            "/api/rooms",
            &serde_json::json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let since = bob.seq().await;
    let message = ada.post_message(closed, "<p>the original words</p>").await;
    ada.patch(
        &format!("/api/rooms/{closed}"),
        &serde_json::json!({ "member_ids": [ada.id()] }),
    )
    .await
    .expect(200);
    ada.patch(
        &format!("/api/messages/{}", message["id"]),
        &serde_json::json!({ "body_html": "<p>a secret edit</p>" }),
    )
    .await
    .expect(200);

    server.restart().await;
    let bob = bob.fresh();
    let mut ws = bob
        .ws_at(server.addr, since, &[])
        .await
        .unwrap_or_else(|e| panic!("{}", common::describe_ws_error(&e)));
    let mut seen = Vec::new();
    while let Some(incoming) = ws.raw_next(Duration::from_secs(1)).await {
        match incoming {
            common::Incoming::Text(frame) => seen.push(frame.to_string()),
            common::Incoming::Ping => {}
            _ => break,
        }
    }
    assert!(
        seen.iter().all(|frame| !frame.contains("a secret edit")),
        "{seen:?}"
    );
}
