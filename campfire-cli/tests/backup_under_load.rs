//! `campfire-cli backup` taken while another process writes 1,000 messages restores to a sound
//! database holding every message committed before the backup began; `restore` refuses while a
//! server holds the data directory.

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

use campfire_domain::{ClientMessageId, MessageBody, MessageId, Timestamp};
use campfire_store::{DataDir, NewMessage, Page, SqliteStore, Store, StoreOptions};

const MESSAGES: usize = 1_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if args.get(1).map(String::as_str) == Some("--child-writer") {
        runtime.block_on(write_messages(Path::new(&args[2])));
    } else {
        runtime.block_on(backup_while_writing());
        println!("1 passed, 0 failed");
    }
}

fn cli(data: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campfire-cli"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The second process: posts 1,000 messages, printing each client id once committed.
async fn write_messages(data: &Path) {
    let store = SqliteStore::open(&DataDir::new(data).database(), StoreOptions::default())
        .await
        .unwrap();
    let room = store.rooms().await.unwrap()[0].id;
    let author = store.users().await.unwrap()[0].id;
    let mut out = std::io::stdout().lock();
    for n in 0..MESSAGES {
        let id = format!("m{n}");
        let message = NewMessage {
            room,
            author,
            client_message_id: ClientMessageId::new(&id).unwrap(),
            body: MessageBody::from_plain(&format!("message number {n}")).unwrap(),
            mentions: vec![],
            looking: vec![],
            connected: vec![],
            webhooks: vec![],
            attachment: None,
            thread: None,
            at: Timestamp(1_700_000_000_000 + n as i64),
        };
        store.post_message(message).await.unwrap();
        writeln!(out, "{id}").unwrap();
        out.flush().unwrap();
    }
}

async fn client_ids(database: &Path) -> BTreeSet<String> {
    let store = SqliteStore::open(database, StoreOptions::default())
        .await
        .unwrap();
    store.integrity_check().await.unwrap();
    let room = store.rooms().await.unwrap()[0].id;
    let mut ids = BTreeSet::new();
    let mut page = Page::After(MessageId(0));
    loop {
        let batch = store.messages(room, page, 200).await.unwrap();
        let Some(last) = batch.last() else { break };
        page = Page::After(last.id);
        ids.extend(
            batch
                .iter()
                .map(|m| m.client_message_id.as_str().to_owned()),
        );
    }
    store.close().await.unwrap();
    ids
}

async fn backup_while_writing() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    assert!(cli(&live, &["init"], "").0);
    assert!(
        cli(
            &live,
            &[
                "user",
                "create",
                "--name",
                "Ada",
                "--email",
                "ada@example.com",
                "--admin"
            ],
            "correct horse\n"
        )
        .0
    );

    let mut writer = Command::new(std::env::current_exe().unwrap())
        .arg("--child-writer")
        .arg(&live)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut acks = BufReader::new(writer.stdout.take().unwrap()).lines();
    let mut committed = BTreeSet::new();
    while committed.len() < 300 {
        committed.insert(acks.next().unwrap().unwrap());
    }

    // Everything acknowledged so far was committed before the backup began.
    let before_backup = committed.clone();
    let backup = dir.path().join("campfire-backup.db");
    let (ok, output) = cli(&live, &["backup", backup.to_str().unwrap()], "");
    assert!(ok, "backup failed: {output}");

    for line in acks {
        committed.insert(line.unwrap());
    }
    assert!(writer.wait().unwrap().success(), "the writer failed");
    assert_eq!(committed.len(), MESSAGES);
    assert!(
        !before_backup.is_empty() && before_backup.len() < MESSAGES,
        "the backup must have been taken while the writer was still writing"
    );

    // Restore into a fresh data directory; refused while a "server" holds it.
    let restored = dir.path().join("restored");
    let server = DataDir::new(&restored)
        .try_lock_exclusive()
        .unwrap()
        .unwrap();
    let (ok, output) = cli(&restored, &["restore", backup.to_str().unwrap()], "");
    assert!(
        !ok && output.contains("server is using this data directory"),
        "{output}"
    );
    drop(server);
    let (ok, output) = cli(&restored, &["restore", backup.to_str().unwrap()], "");
    assert!(ok, "restore failed: {output}");

    let in_backup = client_ids(&DataDir::new(&restored).database()).await;
    let lost: Vec<_> = before_backup.difference(&in_backup).collect();
    assert!(
        lost.is_empty(),
        "committed before the backup but missing from it: {lost:?}"
    );
    assert!(in_backup.is_subset(&committed));
    println!(
        "backup_under_load: {} committed before the backup, {} in it, all {} in the live database",
        before_backup.len(),
        in_backup.len(),
        client_ids(&DataDir::new(&live).database()).await.len()
    );
}
