//! A crash mid-transaction leaves nothing half-written, and every acknowledged write survives.
//!
//! The test re-runs its own binary as a child that posts messages from [`WRITERS`] concurrent
//! tasks (each post several rows: message, mentions, unread marks, room activity, event; posts
//! queued together are committed together by the store's group commit) and prints an
//! acknowledgement after each post's commit. The parent kills the child with SIGKILL at a random moment,
//! reopens the database and checks it, many times over.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use campfire_domain::{
    AccountName, Bio, ClientMessageId, EmailAddress, EventKind, EventSeq, JoinCode, MessageBody,
    PersonName, Role, RoomId, RoomName, Timestamp, UserId,
};
use campfire_store::{FirstRun, NewMessage, NewPerson, Page, SqliteStore, Store, StoreOptions};

const ROUNDS: usize = 8;

/// Concurrent posters in the child: enough that the writer commits them in groups.
const WRITERS: usize = 16;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child-writer") {
        child(Path::new(&args[2]), &args[3]);
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(parent());
}

fn now() -> Timestamp {
    Timestamp(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}

/// Posts messages until killed, acknowledging each one on stdout after its commit.
fn child(db: &Path, prefix: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = std::sync::Arc::new(
            SqliteStore::open(db, StoreOptions::default())
                .await
                .unwrap(),
        );
        let room = store.rooms().await.unwrap()[0].id;
        let users: Vec<UserId> = store.users().await.unwrap().iter().map(|u| u.id).collect();
        let out = std::sync::Arc::new(std::sync::Mutex::new(std::io::stdout()));
        let mut tasks = Vec::new();
        for writer in 0..WRITERS {
            let (store, users, out) = (store.clone(), users.clone(), out.clone());
            let prefix = format!("{prefix}w{writer}");
            tasks.push(tokio::spawn(async move {
                for n in 0.. {
                    let client_id = format!("{prefix}-{n}");
                    let message = NewMessage {
                        room,
                        author: users[n % 2],
                        client_message_id: ClientMessageId::new(&client_id).unwrap(),
                        body: MessageBody::from_plain(&format!("message {client_id}")).unwrap(),
                        mentions: vec![users[0]],
                        looking: vec![],
                        connected: vec![],
                        webhooks: vec![],
                        attachment: None,
                        thread: None,
                        at: now(),
                    };
                    store.post_message(message).await.unwrap();
                    let mut out = out.lock().unwrap();
                    writeln!(out, "{client_id}").unwrap();
                    out.flush().unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    });
}

async fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("campfire.db");
    let (room, admin) = seed(&db).await;
    let mut acked = BTreeSet::new();
    let mut rng = seed_rng();
    println!("sqlite_crash: seed {rng}");
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--child-writer", db.to_str().unwrap(), &format!("r{round}")])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stop_after = 10 + (next(&mut rng) % 1000) as usize;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = Instant::now();
        let mut this_round = 0;
        while this_round < stop_after && started.elapsed() < Duration::from_secs(20) {
            match lines.next() {
                Some(Ok(line)) => {
                    acked.insert(line);
                    this_round += 1;
                }
                _ => break,
            }
        }
        // SIGKILL: no destructor, no rollback, no checkpoint runs in the child.
        child.kill().unwrap();
        child.wait().unwrap();
        // Lines written just before the kill were acknowledged too.
        for line in lines.map_while(Result::ok) {
            acked.insert(line);
        }
        assert!(
            this_round > 0,
            "round {round}: the child acknowledged nothing"
        );
        check(&db, room, admin, &acked).await;
        println!(
            "sqlite_crash: round {round}: {} acknowledged so far, all present",
            acked.len()
        );
    }
    println!("{ROUNDS} passed, 0 failed");
}

/// Account, an admin, All Talk, and a second person. Returns All Talk and the admin.
async fn seed(db: &Path) -> (RoomId, UserId) {
    let store = SqliteStore::open(db, StoreOptions::default())
        .await
        .unwrap();
    let person = |name: &str, email: &str| NewPerson {
        name: PersonName::new(name).unwrap(),
        email: EmailAddress::new(email).unwrap(),
        password_hash: "x".into(),
        role: Role::Member,
        bio: Bio::default(),
    };
    let setup = store
        .set_up(FirstRun {
            account_name: AccountName::new("Campfire").unwrap(),
            join_code: JoinCode::parse("AAAA-BBBB-CCCC").unwrap(),
            admin: person("Ada", "ada@example.com"),
            first_room: RoomName::new("All Talk").unwrap(),
            at: now(),
        })
        .await
        .unwrap();
    store
        .create_person(person("Bob", "bob@example.com"), now())
        .await
        .unwrap();
    store.close().await.unwrap();
    (setup.room.id, setup.admin.id)
}

/// Every acknowledged message is there exactly once, and the log agrees with the data.
async fn check(db: &Path, room: RoomId, admin: UserId, acked: &BTreeSet<String>) {
    let store = SqliteStore::open(db, StoreOptions::default())
        .await
        .unwrap();
    store.integrity_check().await.unwrap();
    let mut stored = Vec::new();
    let mut page = Page::After(campfire_domain::MessageId(0));
    loop {
        let batch = store.messages(room, page, 200).await.unwrap();
        let Some(last) = batch.last() else { break };
        page = Page::After(last.id);
        for message in &batch {
            assert_eq!(
                message.body.plain(),
                format!("message {}", message.client_message_id.as_str())
            );
            assert_eq!(
                message.mentions,
                vec![admin],
                "mentions written with their message"
            );
        }
        stored.extend(batch);
    }
    let ids: BTreeSet<String> = stored
        .iter()
        .map(|m| m.client_message_id.as_str().to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        stored.len(),
        "a message is stored more than once"
    );
    let missing: Vec<_> = acked.difference(&ids).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    // At most one unacknowledged message per writer per round (those in flight at the kill).
    assert!(stored.len() <= acked.len() + ROUNDS * WRITERS);

    let events = store.events_after(EventSeq(0), u32::MAX).await.unwrap();
    for (expected, event) in (1..).zip(&events) {
        assert_eq!(event.seq, EventSeq(expected), "the log has a gap");
    }
    let created: Vec<_> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::MessageCreated { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    let stored_ids: Vec<_> = stored.iter().map(|m| m.id).collect();
    assert_eq!(
        created, stored_ids,
        "one event per message, in commit order"
    );
    store.close().await.unwrap();
}

fn seed_rng() -> u64 {
    std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// xorshift64: enough randomness to vary the kill moment; the seed is printed to replay a run.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
