//! X6: a ONCE Campfire's storage folder imported with `campfire-cli import`, then checked
//! through the HTTP API as its people and bots would: old passwords sign in (and are re-hashed
//! with argon2id), rooms and members, messages in order with their ids (so old permalinks work),
//! mentions, boosts, the bot's old key. What cannot be imported is reported by name; the source
//! is never changed; a data directory that holds a Campfire is refused.

use std::path::Path;
use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use super::cli_changes::cli;
use super::once_fixture::{
    self, ADA, ALL_TALK, BOB, CY_EMAIL, DEE, DIRECT, MISSING_FILE_MESSAGE, NOTES, PDF_MESSAGE,
    PHOTO_MESSAGE, PLANS, ROBO, ROBO_KEY,
};
use crate::common::{Client, Server};

/// Runs `campfire-cli --data-dir DIR import STORAGE`; (success, stdout, stderr).
fn import(data: &Path, storage: &Path) -> (bool, String, String) {
    let out = Command::new(cli())
        .arg("--data-dir")
        .arg(data)
        .arg("import")
        .arg(storage)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn sign_in(server: &Server, email: &str, password: &str) -> (u16, Client) {
    let mut client = Client::anonymous(server.addr);
    let resp = client
        .post(
            "/api/session",
            &json!({ "email": email, "password": password }),
        )
        .await;
    if resp.status == 200 {
        client.adopt(&resp);
    }
    (resp.status, client)
}

fn password_hash(data: &Path, user: i64) -> String {
    let db = rusqlite::Connection::open(data.join("campfire.db")).unwrap();
    db.query_row(
        "SELECT password_hash FROM users WHERE id = ?1",
        [user],
        |r| r.get(0),
    )
    .unwrap()
}

fn files_digest(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir.join("db")).unwrap() {
        let path = entry.unwrap().path();
        all.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    all.sort();
    all
}

fn texts(messages: &[Value]) -> Vec<(i64, String)> {
    messages
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["body_plain"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_once_campfire_comes_over_whole() {
    let source = tempfile::tempdir().unwrap();
    let storage = source.path().join("storage");
    let expected = once_fixture::write(&storage);
    let before = files_digest(&storage);

    // A fresh server's data directory (not set up), stopped for the import.
    let mut server = Server::start(&[]).await;
    server.kill().await;
    let (ok, out, err) = import(&server.data_dir(), &storage);
    assert!(ok, "the import failed: {err}\n{out}");
    println!("{out}");
    assert_eq!(files_digest(&storage), before, "the source was changed");
    // The closing table names what was skipped and why: a missing file and a malformed body,
    // by id; everything else is imported.
    assert!(
        out.contains(&format!(
            "message {MISSING_FILE_MESSAGE}: its file zz9yy8xx7ww6vv5uu4tt3ss2rr1q is missing"
        )),
        "{out}"
    );
    assert!(
        out.contains("message 27"),
        "the blank body is reported by id: {out}"
    );
    assert!(
        out.contains("User 11: its file rroobbooaavvaattaarr0000000a is missing"),
        "Robo's missing avatar: {out}"
    );
    assert!(
        !out.contains("its message was not imported"),
        "the boost of the file message is imported with it: {out}"
    );
    server.restart().await;

    // Old passwords sign in, once as bcrypt, then as argon2id.
    let data = server.data_dir();
    assert!(password_hash(&data, ADA.0).starts_with("$2"));
    let (status, ada) = sign_in(&server, ADA.2, ADA.3).await;
    assert_eq!(status, 200, "Ada signs in with her old password");
    assert!(
        password_hash(&data, ADA.0).starts_with("$argon2id$"),
        "re-hashed at sign-in"
    );
    assert_eq!(
        sign_in(&server, ADA.2, ADA.3).await.0,
        200,
        "and again, against argon2id"
    );
    assert_eq!(sign_in(&server, ADA.2, "wrong").await.0, 401);
    let (status, bob) = sign_in(&server, BOB.2, BOB.3).await;
    assert_eq!(status, 200, "an email matched as stored");
    for (email, password) in [(CY_EMAIL, "cy's"), (DEE.2, DEE.3)] {
        assert_eq!(
            sign_in(&server, email, password).await.0,
            401,
            "{email} may not sign in"
        );
    }
    assert_eq!(ada.id(), ADA.0, "ids are kept");

    // Rooms per person.
    let room_ids = |rooms: Vec<Value>| {
        let mut ids: Vec<i64> = rooms.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(
        room_ids(ada.rooms().await.0),
        vec![ALL_TALK, PLANS, DIRECT, NOTES]
    );
    assert_eq!(room_ids(bob.rooms().await.0), vec![ALL_TALK, PLANS, DIRECT]);
    let (rooms, _) = ada.rooms().await;
    let named = |id: i64| rooms.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(named(PLANS)["name"], "Plans");
    assert_eq!(named(DIRECT)["kind"], "direct");
    assert_eq!(
        named(NOTES)["kind"],
        "closed",
        "a direct room of one is kept as a closed room"
    );

    // Messages per room, in order, with their text.
    let all_talk = ada.all_messages(ALL_TALK).await;
    let got = texts(&all_talk);
    assert_eq!(got, expected.all_talk);
    assert_eq!(texts(&bob.all_messages(PLANS).await), expected.plans);
    assert_eq!(texts(&bob.all_messages(DIRECT).await), expected.direct);
    let by_id = |id: i64| all_talk.iter().find(|m| m["id"] == id).unwrap().clone();
    assert_eq!(by_id(21)["mentions"], json!([ADA.0]), "a Rails 7.1 mention");
    assert_eq!(by_id(23)["mentions"], json!([BOB.0]), "a Rails 7.0 mention");
    assert!(
        by_id(23)["body_html"]
            .as_str()
            .unwrap()
            .contains("@Bob Member"),
        "the current name"
    );
    assert_eq!(by_id(25)["play"]["sound"], "trombone", "{}", by_id(25));
    assert_eq!(by_id(20)["boosts"][0]["content"], "👏");
    assert_eq!(by_id(20)["boosts"][0]["booster_id"], BOB.0);
    // A bot's boost longer than ours may be is cut to fit, and said so.
    assert_eq!(by_id(21)["boosts"][0]["content"], "a long boost te…");
    assert!(
        by_id(28)["body_html"]
            .as_str()
            .unwrap()
            .contains("https://news.example/story")
    );
    let plans = bob.all_messages(PLANS).await;
    assert!(
        plans[1]["edited_at"].is_string(),
        "an edited body is marked edited"
    );
    assert!(plans[0]["edited_at"].is_null());

    // An old permalink opens its message.
    let around = ada
        .get(&format!("/api/rooms/{ALL_TALK}/messages?around=23"))
        .await
        .expect(200);
    assert!(
        around["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == 23)
    );

    // The bot's old key posts and lists.
    let bot = Client::anonymous(server.addr);
    let posted = bot
        .raw(
            Method::POST,
            &format!("/rooms/{ALL_TALK}/{ROBO_KEY}/messages"),
            "text/plain",
            "still here",
        )
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text());
    let listed = bot
        .get(&format!("/rooms/{ALL_TALK}/{ROBO_KEY}/messages"))
        .await;
    assert_eq!(listed.status, 200);
    assert!(listed.text().contains("still here"));
    let bots = ada.get("/api/bots").await.expect(200);
    assert_eq!(bots["bots"][0]["user"]["id"], ROBO);
    assert_eq!(bots["bots"][0]["webhook_url"], "https://bots.example/robo");

    // Search works at once over what was imported (the index is rebuilt).
    let found = ada.get("/api/search?q=coffee").await.expect(200);
    let hits: Vec<i64> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(hits, vec![21], "{found}");
    let found = bob.get("/api/search?q=secret").await.expect(200);
    assert_eq!(found["results"][0]["message"]["id"], 30, "{found}");
    // The account's settings.
    let account = ada.get("/api/account").await.expect(200);
    assert_eq!(account["account"]["name"], "Acme Ltd");
    assert_eq!(account["account"]["only_admins_create_rooms"], true);

    // Files come with their bytes: the PDF as it was, the photo with a thumbnail.
    let pdf = &by_id(PDF_MESSAGE)["attachment"];
    assert_eq!(pdf["name"], "Q3 report.pdf");
    assert_eq!(pdf["content_type"], "application/pdf");
    assert_eq!(by_id(PDF_MESSAGE)["boosts"][0]["content"], "nice file");
    let got = bob.get(pdf["url"].as_str().unwrap()).await;
    assert_eq!(got.body, once_fixture::pdf_bytes(), "the same bytes");
    let photo = &by_id(PHOTO_MESSAGE)["attachment"];
    assert_eq!(photo["kind"], "image");
    assert_eq!(
        (photo["width"].clone(), photo["height"].clone()),
        (json!(1600), json!(1200))
    );
    let thumb = bob.get(photo["thumbnail_url"].as_str().unwrap()).await;
    let thumb = image::load_from_memory(&thumb.body).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (1067, 800));
    assert_eq!(
        bob.get(photo["url"].as_str().unwrap()).await.body,
        once_fixture::png_bytes(1600, 1200)
    );
    // Search finds a file by its name, as in the original.
    let found = ada.get("/api/search?q=report").await.expect(200);
    assert_eq!(found["results"][0]["message"]["id"], PDF_MESSAGE, "{found}");
    // Bob's avatar is his picture, made square; the logo is the app's icon.
    let bob_seen = ada.get(&format!("/api/users/{}", BOB.0)).await.expect(200);
    let avatar = ada
        .get(bob_seen["user"]["avatar_url"].as_str().unwrap())
        .await;
    let avatar = image::load_from_memory(&avatar.body).unwrap();
    assert_eq!((avatar.width(), avatar.height()), (200, 200));
    assert!(account["account"]["logo_url"].is_string(), "{account}");
    let icon = ada.get("/icons/icon-192.png").await;
    let icon = image::load_from_memory(&icon.body).unwrap();
    // The logo's colour (a stored square is a JPEG when opaque: within a step or two).
    let pixel = icon.to_rgba8().get_pixel(96, 96).0;
    for (got, want) in pixel.iter().zip([200_u8, 120, 30, 255]) {
        assert!(got.abs_diff(want) <= 3, "{pixel:?}");
    }
}

#[tokio::test]
async fn a_data_directory_with_a_campfire_or_a_folder_without_one_is_refused() {
    let source = tempfile::tempdir().unwrap();
    let storage = source.path().join("storage");
    once_fixture::write(&storage);

    // Not ONCE Campfire's storage folder.
    let empty = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let (ok, _, err) = import(target.path(), empty.path());
    assert!(!ok);
    assert!(err.contains("db/production.sqlite3"), "{err}");

    // A set-up Campfire is never overwritten.
    let server = Server::start(&[]).await;
    crate::common::first_run(&server, "Zed", "zed@example.com").await;
    let (ok, _, err) = import(&server.data_dir(), &storage);
    assert!(!ok);
    assert!(
        err.contains("is using") || err.contains("already holds"),
        "{err}"
    );
    drop(server);
}

#[tokio::test]
async fn a_missing_file_and_a_malformed_body_are_reported_and_everything_else_comes_over() {
    let source = tempfile::tempdir().unwrap();
    let storage = source.path().join("storage");
    let expected = once_fixture::write(&storage);
    let data = tempfile::tempdir().unwrap();
    let (ok, out, err) = import(data.path(), &storage);
    assert!(ok, "one bad message does not stop the import: {err}\n{out}");
    let skipped: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("skipped:"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .collect();
    assert_eq!(skipped.len(), 2, "{out}");
    assert!(
        skipped
            .iter()
            .any(|l| l.contains(&format!("message {MISSING_FILE_MESSAGE}: its file"))),
        "{out}"
    );
    assert!(skipped.iter().any(|l| l.contains("message 27:")), "{out}");
    // Two people whose addresses differ only in case: both come over, the second without one.
    assert!(
        out.contains(&format!(
            "user {}: bob@example.com is also an earlier person's",
            once_fixture::TWIN
        )),
        "{out}"
    );
    // Every other message of the source is there (its rooms' messages plus the note to self).
    let wanted = expected.all_talk.len() + expected.plans.len() + expected.direct.len() + 1;
    let stats = Command::new(cli())
        .arg("--data-dir")
        .arg(data.path())
        .arg("stats")
        .output()
        .unwrap();
    let stats = String::from_utf8_lossy(&stats.stdout);
    assert!(stats.contains(&format!("messages  {wanted}")), "{stats}");
    assert!(stats.contains("files     2"), "{stats}");
    // And nothing of the failed file is left behind in the data directory.
    assert!(!data.path().join("import-work").exists());
}
