//! Battery item 1, crash: SIGKILL at random moments while people post through the JSON API, a
//! bot posts through the bot API, a live socket listens, and webhook calls and pushes are
//! queued. After every restart: every acknowledged message is stored exactly once (and nothing
//! never sent), the database passes `PRAGMA integrity_check`, search finds what was
//! acknowledged, every stored message's webhook call and push is delivered, and the listening
//! socket — resuming, or reloading when told to reset — has seen every message exactly once.

use crate::common;
use crate::common::wait_until;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use campfire_store::{SqliteStore, StoreOptions};
use common::{Client, Incoming, Rng, Server, TIMEOUT, Ws, first_run, join};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::push::{PRIVATE, PushService, involvement};
use super::soak;
use super::webhooks::{Mode, Receiver, bot, chip};

/// Who posts, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Channel {
    /// Ada, through the JSON API, mentioning the bot (a webhook call per message).
    AdaMentioningTheBot,
    /// Bob, through the JSON API.
    Bob,
    /// The bot, through the bot API.
    Bot,
}

/// Tokens (one word in each body) acknowledged, and sent without an answer.
#[derive(Default)]
struct Ledger {
    acked: BTreeMap<String, Channel>,
    unanswered: BTreeSet<String>,
}

/// Posts until a request fails (the server died).
async fn writer(
    channel: Channel,
    client: Client,
    path: String,
    round: usize,
    robo: i64,
    ledger: Arc<Mutex<Ledger>>,
    acks: mpsc::UnboundedSender<()>,
) {
    for k in 0.. {
        let token = format!("zr{round}{}m{k}", tag(channel));
        let request = match channel {
            Channel::Bot => client
                .request(Method::POST, &path)
                .header("content-type", "text/plain")
                .body(format!("from the bot {token}")),
            _ => {
                let html = match channel {
                    Channel::AdaMentioningTheBot => {
                        format!("{} look at {token}", chip(robo, "Robo"))
                    }
                    _ => format!("news {token}"),
                };
                client
                    .request(Method::POST, &path)
                    .header("content-type", "application/json")
                    .body(json!({ "client_message_id": token, "body_html": html }).to_string())
            }
        };
        match client.try_send(request).await {
            Ok(resp) => {
                assert_eq!(resp.status, 201, "{token}: {}", resp.text());
                ledger.lock().unwrap().acked.insert(token, channel);
                let _ = acks.send(());
            }
            Err(_) => {
                ledger.lock().unwrap().unanswered.insert(token);
                return;
            }
        }
    }
}

fn tag(channel: Channel) -> &'static str {
    match channel {
        Channel::AdaMentioningTheBot => "a",
        Channel::Bob => "b",
        Channel::Bot => "t",
    }
}

/// The token in a stored message's text.
fn token_of(message: &Value) -> Option<String> {
    message["body_plain"]
        .as_str()?
        .split_whitespace()
        .find(|w| w.starts_with("zr"))
        .map(str::to_owned)
}

/// A live socket as a client keeps it: resumes from the last seq it applied, reloads when told
/// to reset, and counts how often it saw each message.
struct Listener {
    client: Client,
    room: i64,
    ws: Option<Ws>,
    seen: BTreeMap<i64, usize>,
    resets: usize,
}

impl Listener {
    /// Takes what arrived; the close code once the socket has ended.
    fn take(&mut self, incoming: Incoming) -> Result<(), Option<u16>> {
        match incoming {
            Incoming::Text(frame) => {
                if frame["type"] == "event" {
                    let seq = frame["seq"].as_u64().unwrap();
                    let ws = self.ws.as_mut().unwrap();
                    assert!(
                        seq > ws.last_seq,
                        "seqs increase: {seq} after {}",
                        ws.last_seq
                    );
                    ws.last_seq = seq;
                    let event = &frame["event"];
                    if event["kind"] == "message_created" && event["room_id"] == self.room {
                        *self
                            .seen
                            .entry(event["message_id"].as_i64().unwrap())
                            .or_default() += 1;
                    }
                }
                Ok(())
            }
            Incoming::Ping => Ok(()),
            Incoming::Close(code) => Err(code),
            Incoming::Ended(_) => Err(None),
        }
    }

    /// Reads what the socket had until it ended (the server was killed).
    async fn drain(&mut self) {
        while let Some(ws) = self.ws.as_mut() {
            match ws.raw_next(TIMEOUT).await {
                Some(incoming) => {
                    if let Err(code) = self.take(incoming) {
                        assert_ne!(code, Some(4001), "the listener was signed out");
                        break;
                    }
                }
                None => panic!("the socket outlived the server"),
            }
        }
    }

    /// Connects again after a restart, resuming; reloads over HTTP when told to reset.
    async fn resume(&mut self) {
        self.client = self.client.fresh();
        let since = self.ws.as_ref().map_or(0, |ws| ws.last_seq);
        let mut ws = self.client.ws(since).await;
        ws.last_seq = since;
        self.ws = Some(ws);
        // A reset is said at once; anything else is kept.
        while let Some(incoming) = self
            .ws
            .as_mut()
            .unwrap()
            .raw_next(Duration::from_millis(300))
            .await
        {
            if let Err(code) = self.take(incoming) {
                assert_eq!(code, Some(4000), "a resumed socket closed");
                self.resets += 1;
                let seq = self.client.seq().await;
                self.seen = self
                    .client
                    .all_messages(self.room)
                    .await
                    .iter()
                    .map(|m| (m["id"].as_i64().unwrap(), 1))
                    .collect();
                let mut ws = self.client.ws(seq).await;
                ws.last_seq = seq;
                self.ws = Some(ws);
                break;
            }
        }
    }

    /// Reads until the socket is quiet.
    async fn settle(&mut self) {
        while let Some(incoming) = self
            .ws
            .as_mut()
            .unwrap()
            .raw_next(Duration::from_millis(500))
            .await
        {
            if let Err(code) = self.take(incoming) {
                panic!("the listener closed: {code:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_loses_nothing_acknowledged() {
    let rounds = soak::size(3, 200);
    let mut rng = Rng::from_env_or_clock("sigkill_at_random_loses_nothing_acknowledged");
    let mut server = Server::start(PRIVATE).await;
    let push = PushService::start().await;
    let receiver = Receiver::start(Mode::Quiet).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;
    let cy = join(&server, &code, "Cy Member", "cy@example.com").await;
    let all_talk = ada.room_named("All Talk").await;
    let (robo, key) = bot(&ada, "Robo", &receiver.url()).await;
    // Cy is never connected and hears of everything in All Talk: a push per message.
    push.subscribe(&cy, "cy").await;
    involvement(&cy, all_talk, "everything").await;
    let mut listener = Listener {
        client: bob.clone(),
        room: all_talk,
        ws: None,
        seen: BTreeMap::new(),
        resets: 0,
    };
    let since = bob.seq().await;
    let mut ws = bob.ws(since).await;
    ws.last_seq = since;
    listener.ws = Some(ws);

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let (mut searched, mut integrity_checks) = (0, 0);
    for round in 0..rounds {
        let (acks_tx, mut acks) = mpsc::unbounded_channel();
        let writers: Vec<_> = [
            (
                Channel::AdaMentioningTheBot,
                ada.fresh(),
                format!("/api/rooms/{all_talk}/messages"),
            ),
            (
                Channel::Bob,
                bob.fresh(),
                format!("/api/rooms/{all_talk}/messages"),
            ),
            (
                Channel::Bot,
                Client::anonymous(server.addr),
                format!("/rooms/{all_talk}/{key}/messages"),
            ),
        ]
        .into_iter()
        .map(|(channel, client, path)| {
            tokio::spawn(writer(
                channel,
                client,
                path,
                round,
                robo,
                ledger.clone(),
                acks_tx.clone(),
            ))
        })
        .collect();
        for _ in 0..5 + rng.upto(60) {
            tokio::time::timeout(TIMEOUT, acks.recv())
                .await
                .expect("writers keep being acknowledged");
        }
        server.kill().await;
        for task in writers {
            tokio::time::timeout(TIMEOUT, task)
                .await
                .expect("writers stop")
                .unwrap();
        }
        listener.drain().await;

        let store = SqliteStore::open(
            &server.data_dir().join("campfire.db"),
            StoreOptions::default(),
        )
        .await
        .unwrap();
        store
            .integrity_check()
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        integrity_checks += 1;
        drop(store);

        server.restart().await;
        listener.resume().await;

        // Acknowledged means stored, once; nothing stored was never sent.
        let stored = ada.fresh().all_messages(all_talk).await;
        let (acked, unanswered) = {
            let ledger = ledger.lock().unwrap();
            (ledger.acked.clone(), ledger.unanswered.clone())
        };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for message in &stored {
            if let Some(token) = token_of(message) {
                *counts.entry(token).or_default() += 1;
            }
        }
        for token in acked.keys() {
            assert_eq!(
                counts.get(token),
                Some(&1),
                "round {round}: acknowledged {token}"
            );
        }
        for (token, count) in &counts {
            assert_eq!(*count, 1, "round {round}: {token} stored {count} times");
            assert!(
                acked.contains_key(token) || unanswered.contains(token),
                "{token} was never sent"
            );
        }

        // Search finds this round's acknowledged messages (a few of them, chosen at random).
        let this_round: Vec<&String> = acked
            .keys()
            .filter(|t| t.starts_with(&format!("zr{round}")))
            .collect();
        for _ in 0..3 {
            let token =
                this_round[usize::try_from(rng.upto(this_round.len() as u64 - 1)).unwrap()].clone();
            let found = wait_until(TIMEOUT, || async {
                ada.fresh()
                    .get(&format!("/api/search?q={token}"))
                    .await
                    .text()
                    .contains(&token)
            })
            .await;
            assert!(found, "round {round}: search never found {token}");
            searched += 1;
        }

        // Every stored message's deliveries arrive: a webhook call for each of Ada's (which
        // mention the bot) and a push to Cy for each of Ada's and Bob's.
        let want_calls: BTreeSet<i64> = stored
            .iter()
            .filter(|m| token_of(m).is_some_and(|t| t.contains('a')))
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        let want_pushes: BTreeSet<String> = stored
            .iter()
            .filter(|m| token_of(m).is_some_and(|t| !t.contains('t')))
            .map(|m| format!("/rooms/{all_talk}/@{}", m["id"]))
            .collect();
        let delivered = wait_until(Duration::from_secs(60), || async {
            let called: BTreeSet<i64> = receiver
                .calls()
                .iter()
                .filter_map(|(_, payload)| payload["message"]["id"].as_i64())
                .collect();
            let pushed: BTreeSet<String> = push
                .pushes()
                .iter()
                .filter_map(|p| p.payload["path"].as_str().map(str::to_owned))
                .collect();
            want_calls.is_subset(&called) && want_pushes.is_subset(&pushed)
        })
        .await;
        assert!(
            delivered,
            "round {round}: queued webhook calls and pushes were not all delivered"
        );
    }

    listener.settle().await;
    let stored: BTreeSet<i64> = ada
        .fresh()
        .all_messages(all_talk)
        .await
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    let heard: BTreeSet<i64> = listener.seen.keys().copied().collect();
    assert_eq!(heard, stored, "the listening socket heard every message");
    let repeated: Vec<_> = listener.seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "heard more than once: {repeated:?}");

    let (acked, unanswered) = {
        let ledger = ledger.lock().unwrap();
        (ledger.acked.clone(), ledger.unanswered.len())
    };
    let by = |channel| acked.values().filter(|c| **c == channel).count();
    soak::report(
        1,
        "crash",
        &format!(
            "{rounds} SIGKILL rounds; {} posts acknowledged ({} JSON API mentioning a bot, {} JSON API, {} bot API), {unanswered} cut off unanswered",
            acked.len(),
            by(Channel::AdaMentioningTheBot),
            by(Channel::Bob),
            by(Channel::Bot)
        ),
        &format!(
            "every acknowledged post stored once; integrity_check ok {integrity_checks} times; {searched} searches found their post; {} webhook calls and {} pushes delivered for every stored message; the listening socket heard {} messages once each ({} resets reloaded)",
            receiver.calls().len(),
            push.pushes().len(),
            heard.len(),
            listener.resets
        ),
        "nothing",
    );
}
