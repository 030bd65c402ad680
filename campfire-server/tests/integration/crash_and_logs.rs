//! Operating the server: a SIGKILL loses no acknowledged message and duplicates none; the logs
//! carry no personal data or secrets; SIGTERM closes sockets with "going away" and exits cleanly.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Client, Rng, Server, TIMEOUT, first_run, join, session_from, sign_in};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// What the writers know: client ids acknowledged with 201, and client ids sent without an
/// answer (the server died under them), per writer.
#[derive(Default)]
struct Ledger {
    acked: BTreeSet<(usize, String)>,
    unanswered: BTreeSet<(usize, String)>,
}

/// Posts messages one after another until a request fails; reports each acknowledgement.
async fn writer(
    n: usize,
    client: Client,
    room: i64,
    round: usize,
    ledger: Arc<Mutex<Ledger>>,
    acks: mpsc::UnboundedSender<()>,
) {
    for k in 0.. {
        let cid = format!("w{n}-r{round}-m{k}");
        let request = client
            .request(Method::POST, &format!("/api/rooms/{room}/messages"))
            .header("content-type", "application/json")
            .body(
                json!({ "client_message_id": cid, "body_html": format!("message {cid}") })
                    .to_string(),
            );
        match client.try_send(request).await {
            Ok(resp) => {
                assert_eq!(resp.status, 201, "{cid}: {}", resp.text());
                ledger.lock().unwrap().acked.insert((n, cid));
                let _ = acks.send(());
            }
            Err(_) => {
                ledger.lock().unwrap().unanswered.insert((n, cid));
                return;
            }
        }
    }
}

/// Client message id → how many times it appears in the room, checking each body.
async fn census(client: &Client, room: i64) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in client.all_messages(room).await {
        let cid = message["client_message_id"].as_str().unwrap().to_owned();
        if cid.starts_with('w') {
            assert_eq!(message["body_plain"], format!("message {cid}"));
        }
        *counts.entry(cid).or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_sigkill_exactly_once() {
    const WRITERS: usize = 4;
    const ROUNDS: usize = 3;
    let mut rng = Rng::from_env_or_clock("acknowledged_messages_survive_sigkill");
    let mut server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let mut people = vec![ada.clone()];
    for n in 1..WRITERS {
        people.push(
            join(
                &server,
                &code,
                &format!("Writer {n}"),
                &format!("w{n}@example.com"),
            )
            .await,
        );
    }
    let room = ada.room_named("All Talk").await;
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    for round in 0..ROUNDS {
        let (acks_tx, mut acks) = mpsc::unbounded_channel();
        let writers: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(n, person)| {
                tokio::spawn(writer(
                    n,
                    person.fresh(),
                    room,
                    round,
                    ledger.clone(),
                    acks_tx.clone(),
                ))
            })
            .collect();
        // SIGKILL while all of them are posting, after a random number of acknowledgements.
        let wait_for = 10 + rng.upto(60);
        for _ in 0..wait_for {
            tokio::time::timeout(TIMEOUT, acks.recv())
                .await
                .expect("writers keep being acknowledged");
        }
        server.kill().await;
        for task in writers {
            tokio::time::timeout(TIMEOUT, task)
                .await
                .expect("writers stop when the server is gone")
                .unwrap();
        }
        server.restart().await;
    }

    let ada = ada.fresh();
    let counts = census(&ada, room).await;
    let (acked, unanswered) = {
        let ledger = ledger.lock().unwrap();
        (ledger.acked.clone(), ledger.unanswered.clone())
    };
    eprintln!(
        "{} acknowledged, {} unanswered, {} stored",
        acked.len(),
        unanswered.len(),
        counts.len()
    );
    for (_, cid) in &acked {
        assert_eq!(
            counts.get(cid),
            Some(&1),
            "acknowledged {cid} must be stored once"
        );
    }
    for (cid, count) in &counts {
        assert_eq!(*count, 1, "{cid} stored {count} times");
    }
    let known: BTreeSet<&String> = acked.iter().chain(&unanswered).map(|(_, c)| c).collect();
    for cid in counts.keys() {
        assert!(known.contains(cid), "{cid} was never sent");
    }

    // A client that got no answer retries with the same client id: exactly one message results,
    // whether or not the first attempt had been committed.
    for (n, cid) in &unanswered {
        let author = people[*n].fresh();
        let resp = author
            .post(
                &format!("/api/rooms/{room}/messages"),
                &json!({ "client_message_id": cid, "body_html": format!("message {cid}") }),
            )
            .await;
        let expected = if counts.contains_key(cid) { 200 } else { 201 };
        assert_eq!(resp.status, expected, "retrying {cid}: {}", resp.text());
        assert_eq!(resp.json()["message"]["client_message_id"], cid.as_str());
    }
    let counts = census(&ada, room).await;
    for (_, cid) in acked.iter().chain(&unanswered) {
        assert_eq!(counts.get(cid), Some(&1), "{cid} after retries");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_routes_but_no_personal_data_or_secrets() {
    // Bound to 127.0.0.2, so that the only "127.0.0.1" in play is the clients' address.
    let mut server = Server::start_on("127.0.0.2:0", &[]).await;
    let admin_email = "zebulon.quux.admin@logcheck.example";
    let member_email = "xanthippe.member@logcheck.example";
    let ada = first_run(&server, "Zebulon Quux", admin_email).await;
    let code = ada.join_code().await;
    let anonymous = Client::anonymous(server.addr);
    anonymous
        .get(&format!("/api/join/{code}"))
        .await
        .expect(200);
    let wrong_code = "QQQQ-ZZZZ-XXXX";
    anonymous
        .get(&format!("/api/join/{wrong_code}"))
        .await
        .expect_error(404, "not_found");
    let member = join(&server, &code, "Xanthippe Member", member_email).await;

    // Signing in from 127.0.0.1, once wrongly.
    anonymous
        .post(
            "/api/session",
            &json!({ "email": member_email, "password": "not-the-password" }),
        )
        .await
        .expect_error(401, "unauthorized");
    let laptop = sign_in(&server, member_email).await;
    let sessions = laptop.get("/api/sessions").await.expect(200);
    assert!(
        sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["ip"] == "127.0.0.1"),
        "the clients really are at 127.0.0.1: {sessions}"
    );

    // Chat, with distinctive words.
    let room = ada.room_named("All Talk").await;
    let mut ws = member.ws(member.seq().await).await;
    let message = ada
        .post_message(room, "<p>Flibbertigibbet plans for the merger</p>")
        .await;
    ws.expect_event("message_created").await;
    ada.patch(
        &format!("/api/messages/{}", message["id"]),
        &json!({ "body_html": "Flibbertigibbet revised" }),
    )
    .await
    .expect(200);
    member
        .post(
            &format!("/api/messages/{}/boosts", message["id"]),
            &json!({ "content": "sekretboost" }),
        )
        .await
        .expect(201);

    // A bot, by key.
    let bot = ada
        .post("/api/bots", &json!({ "name": "Logbot" }))
        .await
        .expect(201);
    let key = bot["bot"]["key"].as_str().unwrap().to_owned();
    let token = key.split_once('-').unwrap().1.to_owned();
    anonymous
        .raw(
            Method::POST,
            &format!("/rooms/{room}/{key}/messages"),
            "application/x-www-form-urlencoded",
            "Wobblewomp deploy finished",
        )
        .await
        .expect(201);
    anonymous
        .get(&format!("/rooms/{room}/{key}/messages"))
        .await
        .expect(200);
    anonymous
        .get(&format!("/rooms/{room}/{}-AAAAAAAAAAAA/messages", ada.id()))
        .await
        .expect_error(404, "not_found");

    // A transfer link, used twice.
    let link = member
        .post("/api/transfer_link", &json!({}))
        .await
        .expect(201);
    let transfer = link["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/transfer/")
        .to_owned();
    let used = anonymous
        .send(anonymous.request(Method::POST, &format!("/api/transfer/{transfer}")))
        .await;
    used.expect(200);
    let transferred_session = session_from(&used).expect("a session");
    anonymous
        .send(anonymous.request(Method::POST, &format!("/api/transfer/{transfer}")))
        .await
        .expect_error(404, "not_found");

    // A sign-out, and a request with the ended session.
    let ended = laptop.token.clone().unwrap();
    laptop.delete("/api/session").await.expect(204);
    laptop
        .get("/api/rooms")
        .await
        .expect_error(401, "unauthorized");
    drop(ws);

    // Stop the server, so that every log line has been written and read.
    let status = server.terminate(TIMEOUT).await.expect("the server stops");
    assert!(status.success(), "{status:?}");
    server.collect_output().await;
    let logs = server.logs();

    let secrets: Vec<(&str, String)> = vec![
        ("the administrator's email", admin_email.to_owned()),
        ("the member's email", member_email.to_owned()),
        ("an email's local part", "xanthippe.member".to_owned()),
        ("a password", common::PASSWORD.to_owned()),
        ("a wrong password", "not-the-password".to_owned()),
        ("a message body", "Flibbertigibbet".to_owned()),
        ("a boost", "sekretboost".to_owned()),
        ("a bot's message", "Wobblewomp".to_owned()),
        ("the bot key", key.clone()),
        ("the bot token", token.clone()),
        ("the join code", code.clone()),
        ("a wrong join code", wrong_code.to_owned()),
        ("the transfer token", transfer.clone()),
        ("the administrator's session", ada.token.clone().unwrap()),
        ("the member's session", member.token.clone().unwrap()),
        ("an ended session", ended),
        ("a transferred session", transferred_session),
        ("the clients' address", "127.0.0.1".to_owned()),
    ];
    for (what, secret) in &secrets {
        if let Some(line) = logs.lines().find(|l| l.contains(secret.as_str())) {
            panic!("{what} is in the logs: {line}");
        }
    }
    for route in [
        "/api/first_run",
        "/api/join/{code}",
        "/api/session",
        "/api/rooms/{id}/messages",
        "/api/messages/{id}",
        "/api/messages/{id}/boosts",
        "/api/transfer/{token}",
        "/rooms/{room}/{key}/messages",
        "/api/live",
    ] {
        assert!(
            logs.lines().any(|l| l.contains(&format!("\"{route}\""))),
            "no request line for {route} in:\n{logs}"
        );
    }
    assert!(
        logs.lines()
            .any(|l| l.contains("\"/api/rooms/{id}/messages\"") && l.contains("status=201")),
        "request lines carry the status"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_says_going_away_exits_cleanly_and_keeps_what_it_acknowledged() {
    let mut server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let since = ada.seq().await;
    let mut ws = ada.ws(since).await;

    // Writers keep posting while the server is told to stop.
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let (acks_tx, mut acks) = mpsc::unbounded_channel();
    let writers: Vec<_> = (0..2)
        .map(|n| {
            tokio::spawn(writer(
                n,
                ada.fresh(),
                room,
                0,
                ledger.clone(),
                acks_tx.clone(),
            ))
        })
        .collect();
    for _ in 0..10 {
        tokio::time::timeout(TIMEOUT, acks.recv()).await.unwrap();
    }
    let last = ada
        .post_message(room, "acknowledged just before SIGTERM")
        .await;
    let asked = Instant::now();
    let status = server.terminate(Duration::from_secs(10)).await;
    let took = asked.elapsed();

    assert_eq!(ws.closed(TIMEOUT).await, Some(1001), "going away");
    let status = status.expect("the server exits after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "took {took:?} to stop");
    for task in writers {
        tokio::time::timeout(TIMEOUT, task).await.unwrap().unwrap();
    }

    server.restart().await;
    let ada = ada.fresh();
    let counts = census(&ada, room).await;
    assert_eq!(
        counts.get(last["client_message_id"].as_str().unwrap()),
        Some(&1)
    );
    for (_, cid) in &ledger.lock().unwrap().acked {
        assert_eq!(counts.get(cid), Some(&1), "acknowledged {cid}");
    }

    // The client resumes from where it was: everything since, once, in order.
    let stored: Vec<Value> = ada.all_messages(room).await;
    let mut ws = ada.ws(since).await;
    for message in &stored {
        let event = ws.expect_event("message_created").await;
        assert_eq!(event["message_id"], message["id"]);
    }
    let live = ada.post_message(room, "back").await;
    assert_eq!(
        ws.expect_event("message_created").await["message_id"],
        live["id"]
    );
}
