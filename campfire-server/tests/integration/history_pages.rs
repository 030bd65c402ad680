//! M3's history pages and their `has_before` / `has_after` flags, at the page boundary: the
//! latest page is read with one query (a 41st message says there is more before).

use crate::common;

use common::{Server, first_run};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_page_says_whether_there_is_more_before() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let path = format!("/api/rooms/{room}/messages");

    let empty = ada.get(&path).await.expect(200);
    assert_eq!(empty["messages"].as_array().unwrap().len(), 0);
    assert_eq!(empty["has_before"], false);
    assert_eq!(empty["has_after"], false);

    let mut ids = Vec::new();
    for i in 0..41 {
        let body = json!({ "client_message_id": format!("page-{i}"), "body_html": format!("<p>message {i}</p>") });
        let posted = ada.post(&path, &body).await.expect(201);
        ids.push(posted["message"]["id"].as_i64().unwrap());
        if i == 39 {
            // Exactly one page: nothing before it.
            let page = ada.get(&path).await.expect(200);
            let got: Vec<i64> = page["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_i64().unwrap())
                .collect();
            assert_eq!(got, ids, "the 40 messages, oldest first");
            assert_eq!(page["has_before"], false);
            assert_eq!(page["has_after"], false);
        }
    }

    // 41 messages: the latest 40, oldest first, and one more before them.
    let page = ada.get(&path).await.expect(200);
    let got: Vec<i64> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, ids[1..].to_vec());
    assert_eq!(page["has_before"], true);
    assert_eq!(page["has_after"], false);

    // The page before it: the first message, with more after it.
    let before = ada
        .get(&format!("{path}?before={}", ids[1]))
        .await
        .expect(200);
    let got: Vec<i64> = before["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[0]]);
    assert_eq!(before["has_before"], false);
    assert_eq!(before["has_after"], true);
}

/// The latest page is kept encoded between commits: each change is in the very next read of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_page_shows_every_change_at_once() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let path = format!("/api/rooms/{room}/messages");
    let latest = async || ada.get(&path).await.expect(200)["messages"].clone();

    let posted = ada
        .post(
            &path,
            &json!({ "client_message_id": "k1", "body_html": "<p>first</p>" }),
        )
        .await
        .expect(201);
    let id = posted["message"]["id"].as_i64().unwrap();
    assert_eq!(latest().await[0]["body_plain"], "first");
    // Read twice: the second read is served from the kept page.
    assert_eq!(latest().await[0]["body_plain"], "first");

    ada.patch(
        &format!("/api/messages/{id}"),
        &json!({ "body_html": "<p>edited</p>" }),
    )
    .await
    .expect(200);
    assert_eq!(latest().await[0]["body_plain"], "edited");

    let boost = ada
        .post(
            &format!("/api/messages/{id}/boosts"),
            &json!({ "content": "👍" }),
        )
        .await
        .expect(201);
    assert_eq!(latest().await[0]["boosts"][0]["content"], "👍");
    ada.delete(&format!("/api/boosts/{}", boost["boost"]["id"]))
        .await
        .expect(204);
    assert_eq!(latest().await[0]["boosts"], json!([]));

    ada.post(
        &path,
        &json!({ "client_message_id": "k2", "body_html": "<p>second</p>" }),
    )
    .await
    .expect(201);
    assert_eq!(latest().await.as_array().unwrap().len(), 2);
    ada.delete(&format!("/api/messages/{id}")).await.expect(204);
    let messages = latest().await;
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert_eq!(messages[0]["body_plain"], "second");
}
