//! Search (S1–S3) against the real server: scoping by membership at query time, edits and
//! deletes reaching the index, filters, odd input, recent searches, and an index that catches
//! up after a SIGKILL and rebuilds itself when damaged.

use crate::common;

use std::time::{Duration, Instant};

use common::{Client, Server, join, two_people};
use serde_json::{Value, json};

/// How long the index may take before a test gives up (generous: tests do not judge speed).
const PATIENCE: Duration = Duration::from_secs(20);

fn search_path(query: &str) -> String {
    let mut url = reqwest::Url::parse("http://x/api/search").unwrap();
    url.query_pairs_mut().append_pair("q", query);
    format!("{}?{}", url.path(), url.query().unwrap())
}

async fn search(client: &Client, query: &str) -> Value {
    client.get(&search_path(query)).await.expect(200)
}

fn result_ids(answer: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["message"]["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// Searches until the results are `expected` (the index follows the log within moments).
async fn eventually_finds(client: &Client, path: &str, expected: &[i64]) -> Value {
    let started = Instant::now();
    loop {
        let answer = client.get(path).await.expect(200);
        let mut want = expected.to_vec();
        want.sort_unstable();
        if result_ids(&answer) == want {
            return answer;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{path}: still {:?}, expected {want:?}",
            result_ids(&answer)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn id(message: &Value) -> i64 {
    message["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_matches_than_a_page_say_so_and_the_next_asks_for_them() {
    let server = Server::start(&[]).await;
    let (ada, _bob, room) = two_people(&server).await;
    let mut posted = Vec::new();
    for n in 0..60 {
        posted.push(id(&ada
            .post_message(room, &format!("plan number {n}"))
            .await));
    }
    // Once the index has all of them (it follows the log within moments; a page asked for
    // earlier could be the 50 indexed so far, with no more yet)…
    let all = eventually_finds(&ada, &format!("{}&limit=99", search_path("plan")), &posted).await;
    assert_eq!(all["more"], false, "all of them, and nothing more");
    // …the first page is 50, and more to come.
    let first = search(&ada, "plan").await;
    assert_eq!(first["results"].as_array().unwrap().len(), 50, "{first}");
    assert_eq!(first["more"], true);
    // Exactly a page: no "more".
    let exact = ada
        .get(&format!("{}&limit=60", search_path("plan")))
        .await
        .expect(200);
    assert_eq!(exact["results"].as_array().unwrap().len(), 60);
    assert_eq!(exact["more"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_is_scoped_to_the_rooms_you_are_in_now() {
    let server = Server::start(&[]).await;
    let (ada, bob, all_talk) = two_people(&server).await;
    let cy = join(
        &server,
        &ada.join_code().await,
        "Cy Member",
        "cy@example.com",
    )
    .await;
    let plans = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();

    let secret = ada
        .post_message(plans, "<p>The zeppelin launches Friday</p>")
        .await;
    let public = bob
        .post_message(all_talk, "Zeppelins are <b>great</b>")
        .await;

    // Members of both rooms find both; Cy only what is in All Talk.
    let found = eventually_finds(&bob, &search_path("zeppelin"), &[id(&secret), id(&public)]).await;
    assert_eq!(found["complete"], true);
    eventually_finds(&cy, &search_path("zeppelin"), &[id(&public)]).await;
    let in_plans = format!("{}&room={plans}", search_path("zeppelin"));
    assert!(
        result_ids(&cy.get(&in_plans).await.expect(200)).is_empty(),
        "no leak by room filter"
    );
    assert_eq!(
        result_ids(&bob.get(&in_plans).await.expect(200)),
        [id(&secret)]
    );

    // Results carry the message, its room, and an excerpt with the match marked.
    let hit = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message"]["id"] == secret["id"])
        .unwrap()
        .clone();
    assert_eq!(hit["message"]["room_id"], plans);
    assert_eq!(
        hit["message"]["url"],
        format!("/rooms/{plans}/@{}", id(&secret))
    );
    let marked: Vec<&str> = hit["excerpt"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["matched"] == true)
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["zeppelin"]);

    // Bob is removed from Plans: he finds nothing there any more, old or new.
    ada.patch(
        &format!("/api/rooms/{plans}"),
        &json!({ "member_ids": [ada.id()] }),
    )
    .await
    .expect(200);
    let later = ada.post_message(plans, "Zeppelin update: delayed").await;
    eventually_finds(
        &ada,
        &search_path("zeppelin"),
        &[id(&secret), id(&public), id(&later)],
    )
    .await;
    assert_eq!(result_ids(&search(&bob, "zeppelin").await), [id(&public)]);

    // A deactivated user cannot search at all.
    ada.post(&format!("/api/users/{}/deactivate", cy.id()), &json!({}))
        .await
        .expect(204);
    cy.get(&search_path("zeppelin"))
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_deletes_and_filters_are_reflected() {
    let server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;
    let first = ada.post_message(room, "Deploying the kraken build").await;
    let second = bob.post_message(room, "kraken deploys went fine").await;
    eventually_finds(
        &ada,
        &search_path("deploy kraken"),
        &[id(&first), id(&second)],
    )
    .await;

    // Filters: by author, and by date (today is inside, yesterday is not).
    let by_bob = format!("{}&author={}", search_path("kraken"), bob.id());
    assert_eq!(
        result_ids(&ada.get(&by_bob).await.expect(200)),
        [id(&second)]
    );
    let today = &second["created_at"].as_str().unwrap()[..10];
    let dated = format!("{}&from={today}&to={today}", search_path("kraken"));
    assert_eq!(result_ids(&ada.get(&dated).await.expect(200)).len(), 2);
    let before = format!("{}&to=2001-01-01", search_path("kraken"));
    assert!(result_ids(&ada.get(&before).await.expect(200)).is_empty());

    // An edit re-indexes; a delete removes.
    ada.patch(
        &format!("/api/messages/{}", id(&first)),
        &json!({ "body_html": "<p>Shipping the leviathan build</p>" }),
    )
    .await
    .expect(200);
    eventually_finds(&ada, &search_path("leviathan"), &[id(&first)]).await;
    eventually_finds(&ada, &search_path("kraken"), &[id(&second)]).await;
    bob.delete(&format!("/api/messages/{}", id(&second)))
        .await
        .expect(204);
    eventually_finds(&ada, &search_path("kraken"), &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_searches_work_or_get_a_clear_error() {
    let server = Server::start(&[]).await;
    let (ada, _bob, room) = two_people(&server).await;
    let note = ada
        .post_message(room, "Release notes: v2 (final) ready")
        .await;
    eventually_finds(&ada, &search_path("release"), &[id(&note)]).await;

    for typed in [
        "\"release notes\"",
        "release*",
        "notes: release",
        "(release",
        "🔥 release 🔥",
        "RELEASE",
    ] {
        assert_eq!(
            result_ids(&search(&ada, typed).await),
            [id(&note)],
            "{typed}"
        );
    }
    for typed in ["release AND notes", "*", ":", "🔥", "NOT", "\\", "%00"] {
        let answer = search(&ada, typed).await;
        assert!(answer["results"].is_array(), "{typed}");
    }
    let ten_kb = format!("release {}", "x".repeat(10 * 1024 - 8));
    assert_eq!(ten_kb.len(), 10 * 1024);
    search(&ada, &ten_kb).await;

    for (path, code) in [
        (search_path(&"y".repeat(10 * 1024 + 1)), "bad_request"),
        ("/api/search".to_owned(), "bad_request"),
        (search_path("   "), "bad_request"),
        (
            format!("{}&from=yesterday", search_path("release")),
            "bad_request",
        ),
        (
            format!("{}&from=2026-02-30", search_path("release")),
            "bad_request",
        ),
        (
            format!("{}&room=abc", search_path("release")),
            "bad_request",
        ),
        (
            format!("{}&from=2026-11-25&to=2026-01-01", search_path("release")),
            "bad_request",
        ),
    ] {
        let resp = ada.get(&path).await;
        resp.expect_error(400, code);
        assert!(
            !resp.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{path}: a message a person can act on"
        );
    }
    Client::anonymous(server.addr)
        .get(&search_path("release"))
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_searches_are_the_last_ten_and_can_be_cleared() {
    let server = Server::start(&[]).await;
    let (ada, bob, _room) = two_people(&server).await;
    for i in 0..12 {
        ada.post("/api/searches", &json!({ "query": format!("topic {i}") }))
            .await
            .expect(200);
    }
    let again = ada
        .post("/api/searches", &json!({ "query": "  topic 3 " }))
        .await
        .expect(200);
    let recent: Vec<&str> = again["searches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(recent.len(), 10);
    assert_eq!(
        recent[0], "topic 3",
        "searching again moves it to the front"
    );
    assert_eq!(recent[1], "topic 11");
    assert_eq!(recent.iter().filter(|q| **q == "topic 3").count(), 1);

    assert_eq!(
        bob.get("/api/searches").await.expect(200)["searches"],
        json!([]),
        "recent searches are per person"
    );
    ada.post("/api/searches", &json!({ "query": "" }))
        .await
        .expect_error(400, "bad_request");
    ada.delete("/api/searches").await.expect(204);
    assert_eq!(
        ada.get("/api/searches").await.expect(200)["searches"],
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_catches_up_after_a_kill_and_rebuilds_when_damaged() {
    let mut server = Server::start(&[]).await;
    let (ada, _bob, room) = two_people(&server).await;
    let mut posted = Vec::new();
    for i in 0..30 {
        posted.push(id(&ada
            .post_message(room, &format!("walrus number {i}"))
            .await));
    }
    // Killed right after the last acknowledgement: some messages are committed but not indexed.
    server.kill().await;
    server.restart().await;
    let ada = common::sign_in(&server, "ada@example.com").await;
    let mut limited = search_path("walrus");
    limited.push_str("&limit=100");
    eventually_finds(&ada, &limited, &posted).await;

    // A damaged index is replaced and rebuilt from the store while the server serves.
    server.kill().await;
    let meta = server.data_dir().join("search").join("meta.json");
    assert!(meta.exists(), "the index lives in the data directory");
    std::fs::write(&meta, "{ this is not an index").unwrap();
    server.restart().await;
    let ada = common::sign_in(&server, "ada@example.com").await;
    assert_eq!(ada.get("/up").await.status, 200);
    eventually_finds(&ada, &limited, &posted).await;
    assert!(
        server.logs().contains("rebuilt from the store"),
        "the rebuild is logged"
    );
}
