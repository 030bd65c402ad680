//! `campfire-cli` as an administrator uses it: the real binary on a temporary data directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

fn cli(data: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campfire-cli"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("CAMPFIRE_DATA_DIR")
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
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        ok: status.success(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

fn ok(data: &Path, args: &[&str], stdin: &str) -> Run {
    let run = cli(data, args, stdin);
    assert!(run.ok, "campfire-cli {args:?} failed: {}", run.stderr);
    run
}

fn fails(data: &Path, args: &[&str], stdin: &str, message: &str) {
    let run = cli(data, args, stdin);
    assert!(!run.ok, "campfire-cli {args:?} should have failed");
    assert!(
        run.stderr.contains(message),
        "expected {message:?} in {:?}",
        run.stderr
    );
}

#[test]
fn an_administrator_sets_up_campfire_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    assert!(ok(&data, &["init"], "").stdout.contains("Created"));
    assert!(
        ok(&data, &["init"], "").stdout.contains("already existed"),
        "init is idempotent"
    );

    let admin = ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada Admin",
            "--email",
            "ada@example.com",
            "--admin",
        ],
        "correct horse battery\n",
    );
    assert_eq!(admin.last_line(), "1");
    ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Bob Builder",
            "--email",
            "bob@example.com",
        ],
        "another good one\n",
    );

    let room = ok(
        &data,
        &[
            "room",
            "create",
            "--name",
            "Secret Plans",
            "--closed",
            "--member",
            "bob@example.com",
        ],
        "",
    );
    let room_id: i64 = room.last_line().parse().unwrap();
    assert!(room.stdout.contains("with 2 members"), "{}", room.stdout);

    let bot = ok(
        &data,
        &[
            "bot",
            "create",
            "--name",
            "Robo",
            "--webhook",
            "http://127.0.0.1:9/hook",
        ],
        "",
    );
    let key = bot.last_line().to_owned();
    let (id, token) = key.split_once('-').unwrap();
    assert!(
        id.parse::<i64>().is_ok() && token.len() == 12,
        "bot key {key:?}"
    );

    let stats = ok(&data, &["stats"], "").stdout;
    assert!(stats.contains("users     3"), "{stats}");
    assert!(stats.contains("rooms     2"), "{stats}");
    assert!(stats.contains("messages  0"), "{stats}");

    let users = ok(&data, &["user", "list"], "").stdout;
    assert!(
        users.contains("administrator")
            && users.contains("ada@example.com")
            && users.contains("bob@example.com")
    );
    assert!(!users.contains("Robo"), "bots are listed by `bot list`");
    assert!(ok(&data, &["bot", "list"], "").stdout.contains(&key));
    let rooms = ok(&data, &["room", "list"], "").stdout;
    assert!(
        rooms.contains("All Talk") && rooms.contains(&format!("{room_id:>6}  closed")),
        "{rooms}"
    );

    let code = ok(&data, &["join-code", "show"], "").last_line().to_owned();
    assert!(
        code.starts_with("/join/") && code.len() == "/join/XXXX-XXXX-XXXX".len(),
        "{code}"
    );
    let rotated = ok(&data, &["join-code", "rotate"], "")
        .last_line()
        .to_owned();
    assert_ne!(code, rotated);
    assert_eq!(ok(&data, &["join-code", "show"], "").last_line(), rotated);

    let new_key = ok(&data, &["bot", "rotate-key", id], "")
        .last_line()
        .to_owned();
    assert_ne!(new_key, key);

    ok(
        &data,
        &["user", "set-role", "bob@example.com", "administrator"],
        "",
    );
    assert!(
        ok(&data, &["user", "list"], "")
            .stdout
            .lines()
            .any(|l| l.contains("bob@example.com") && l.contains("administrator"))
    );
    ok(
        &data,
        &["user", "reset-password", "bob@example.com"],
        "a new password\n",
    );
    ok(&data, &["user", "deactivate", "bob@example.com"], "");
    assert!(
        ok(&data, &["user", "list"], "")
            .stdout
            .lines()
            .any(|l| l.contains("Bob Builder") && l.contains("deactivated"))
    );
    // The freed email can sign up again.
    ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Bob Again",
            "--email",
            "bob@example.com",
        ],
        "yet another one\n",
    );

    // A ban, and lifting it, by email (F8: the CLI can unban).
    ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Cy",
            "--email",
            "cy@example.com",
        ],
        "cy's passphrase\n",
    );
    ok(&data, &["user", "ban", "cy@example.com"], "");
    let cy = |state: &str| {
        ok(&data, &["user", "list"], "")
            .stdout
            .lines()
            .any(|l| l.contains("cy@example.com") && l.contains(state))
    };
    assert!(cy("banned"));
    ok(&data, &["user", "unban", "cy@example.com"], "");
    assert!(cy("active"));
}

#[test]
fn mistakes_get_clear_errors_and_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fails(&data, &["stats"], "", "run `campfire-cli --data-dir");
    ok(&data, &["init"], "");
    fails(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Bob",
            "--email",
            "bob@example.com",
        ],
        "a fine password\n",
        "create an administrator first (add --admin)",
    );
    fails(
        &data,
        &["room", "create", "--name", "Nope"],
        "",
        "no active administrator",
    );
    fails(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
            "--admin",
        ],
        "",
        "no password given",
    );
    fails(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
            "--admin",
        ],
        "short\n",
        "at least 8 characters",
    );
    fails(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada",
            "--email",
            "not-an-email",
            "--admin",
        ],
        "a fine password\n",
        "email address is not valid",
    );
    ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
            "--admin",
        ],
        "a fine password\n",
    );
    fails(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada 2",
            "--email",
            "ADA@example.com",
        ],
        "a fine password\n",
        "already in use",
    );
    fails(
        &data,
        &["user", "deactivate", "999"],
        "",
        "no user with id 999",
    );
    fails(
        &data,
        &["user", "set-role", "nobody@example.com", "member"],
        "",
        "no active user",
    );
    fails(
        &data,
        &["room", "create", "--name", "  "],
        "",
        "room name can't be blank",
    );
    fails(
        &data,
        &[
            "room",
            "create",
            "--name",
            "Secret",
            "--closed",
            "--member",
            "ghost@example.com",
        ],
        "",
        "no active user",
    );
    fails(
        &data,
        &["bot", "create", "--name", "Robo", "--webhook", "ftp://x"],
        "",
        "http:// or https://",
    );
    fails(&data, &["bot", "rotate-key", "1"], "", "bot not found");
    fails(
        &data,
        &["backup", data.join("campfire.db").to_str().unwrap()],
        "",
        "already exists",
    );
    fails(
        &data,
        &["restore", "/definitely/not/here.db"],
        "",
        "is not a file",
    );
    // Usage errors come from clap with its own exit code.
    let run = cli(&data, &["user", "set-role", "1", "emperor"], "");
    assert!(!run.ok && run.stderr.contains("invalid value"));
}

#[test]
fn reindex_rebuilds_search_from_the_database() {
    use campfire_domain::{ClientMessageId, MessageBody, RoomId, Timestamp, UserId};
    use campfire_search::{Query, SearchIndex, TantivyIndex, Terms};
    use campfire_store::{DataDir, NewMessage, SqliteStore, Store, StoreOptions};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["init"], "");
    ok(
        &data,
        &[
            "user",
            "create",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
            "--admin",
        ],
        "correct horse battery\n",
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let texts = ["ship the ferry", "ferries are late", "nothing relevant"];
    runtime.block_on(async {
        let store = SqliteStore::open(&DataDir::new(&data).database(), StoreOptions::default())
            .await
            .unwrap();
        for (i, text) in texts.iter().enumerate() {
            store
                .post_message(NewMessage {
                    room: RoomId(1),
                    author: UserId(1),
                    client_message_id: ClientMessageId::new(&format!("m{i}")).unwrap(),
                    body: MessageBody::from_plain(text).unwrap(),
                    mentions: vec![],
                    looking: vec![],
                    connected: vec![],
                    webhooks: vec![],
                    attachment: None,
                    thread: None,
                    at: Timestamp(1_000),
                })
                .await
                .unwrap();
        }
        store.close().await.unwrap();
    });
    let found = |data: &Path| {
        let (index, _) = TantivyIndex::open(&DataDir::new(data).search_index()).unwrap();
        let query = Query::new(Terms::parse("ferry"), vec![RoomId(1)], Timestamp(2_000));
        index.search(&query).unwrap().len()
    };

    assert!(
        ok(&data, &["reindex"], "")
            .stdout
            .contains("Indexed 3 messages")
    );
    assert_eq!(found(&data), 2);

    // A damaged index is no obstacle: reindex starts from nothing.
    std::fs::write(
        DataDir::new(&data).search_index().join("meta.json"),
        "garbage",
    )
    .unwrap();
    assert!(
        ok(&data, &["reindex"], "")
            .stdout
            .contains("Indexed 3 messages")
    );
    assert_eq!(found(&data), 2);

    // Refused while a server holds the data directory.
    let holder = DataDir::new(&data);
    let _lock = holder.try_lock_exclusive().unwrap().unwrap();
    fails(&data, &["reindex"], "", "stop it first");
}
