//! The bot API, driven as scripts drive it: `curl -d 'text' URL` (a raw body sent as
//! `application/x-www-form-urlencoded`), the key in the path, the original Campfire's shapes.

use crate::common;

use common::{Client, Resp, Server, first_run};
use reqwest::Method;
use serde_json::{Value, json};

/// What curl sends with `-d`.
const FORM: &str = "application/x-www-form-urlencoded";

struct Bot {
    server: Server,
    ada: Client,
    /// Nobody signed in: the key in the path is the only credential.
    curl: Client,
    key: String,
    bot_id: i64,
    room: i64,
}

async fn bot() -> Bot {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let created = ada
        .post("/api/bots", &json!({ "name": "Deploy Bot" }))
        .await
        .expect(201);
    let key = created["bot"]["key"].as_str().unwrap().to_owned();
    let bot_id = created["bot"]["user"]["id"].as_i64().unwrap();
    assert!(
        key.starts_with(&format!("{bot_id}-")),
        "<bot id>-<token>: {key}"
    );
    let room = ada.room_named("All Talk").await;
    let curl = Client::anonymous(server.addr);
    Bot {
        server,
        ada,
        curl,
        key,
        bot_id,
        room,
    }
}

impl Bot {
    fn messages(&self, room: i64) -> String {
        format!("/rooms/{room}/{}/messages", self.key)
    }

    async fn curl(&self, method: Method, path: &str, body: &str) -> Resp {
        self.curl.raw(method, path, FORM, body.to_owned()).await
    }

    async fn say(&self, text: &str) -> Value {
        self.curl(Method::POST, &self.messages(self.room), text)
            .await
            .expect(201)
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_answers_201_with_the_original_campfire_shape() {
    let b = bot().await;
    let mut ws = b.ada.ws(b.ada.seq().await).await;

    let resp = b
        .curl(Method::POST, &b.messages(b.room), "Hello from a bot")
        .await;
    let body = resp.expect(201);
    let id = body["id"].as_i64().unwrap();
    assert_eq!(
        resp.header("location"),
        Some(format!("http://{}/messages/{id}", b.server.addr))
    );
    assert_eq!(
        keys(&body),
        ["body", "created_at", "creator", "id", "room", "url"]
    );
    assert_eq!(keys(&body["body"]), ["html", "plain_text"]);
    assert_eq!(keys(&body["creator"]), ["avatar_url", "id", "name", "role"]);
    assert_eq!(keys(&body["room"]), ["id"]);
    assert_eq!(body["body"]["plain_text"], "Hello from a bot");
    assert_eq!(body["body"]["html"], "Hello from a bot");
    assert_eq!(body["creator"]["id"], b.bot_id);
    assert_eq!(body["creator"]["name"], "Deploy Bot");
    assert_eq!(body["creator"]["role"], "bot");
    assert_eq!(body["room"]["id"], b.room);
    assert_eq!(
        body["url"],
        format!("http://{}/rooms/{}/messages/{id}", b.server.addr, b.room)
    );
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));

    // People see it like any message.
    let event = ws.expect_event("message_created").await;
    assert_eq!(event["message_id"], id);
    assert_eq!(event["message"]["author_id"], b.bot_id);
    assert_eq!(event["message"]["body_plain"], "Hello from a bot");

    // Blank bodies are refused.
    for blank in ["", "   ", "\n\t", "<p> </p>", "<script>alert(1)</script>"] {
        b.curl(Method::POST, &b.messages(b.room), blank)
            .await
            .expect_error(422, "unprocessable");
    }
    assert_eq!(b.ada.all_messages(b.room).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_sanitised() {
    let b = bot().await;
    let body = b
        .say(r#"<p onclick="steal()">Build <strong>passed</strong><script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a></p>"#)
        .await;
    let html = body["body"]["html"].as_str().unwrap();
    for bad in [
        "script",
        "alert",
        "onclick",
        "onerror",
        "javascript",
        "<img",
    ] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(html.contains("<strong>passed</strong>"), "{html}");
    assert_eq!(body["body"]["plain_text"], "Build passed x");
    // What people receive is the stored, sanitised body.
    let stored = b.ada.all_messages(b.room).await;
    assert_eq!(stored[0]["body_html"], html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_pages_40_at_a_time_oldest_first_with_total_and_next_link() {
    let b = bot().await;
    let mut ids = Vec::new();
    for n in 0..45 {
        ids.push(b.say(&format!("line {n}")).await["id"].as_i64().unwrap());
    }
    let people = b.ada.post_message(b.room, "and one from a person").await;
    ids.push(people["id"].as_i64().unwrap());

    let first = b.curl.get(&b.messages(b.room)).await;
    let page = first.expect(200);
    let page: Vec<i64> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(page, ids[6..], "the latest 40, oldest first");
    assert_eq!(first.header("x-total-count").as_deref(), Some("46"));
    let link = first.header("link").expect("a Link to older messages");
    let next = format!(
        "<http://{}/rooms/{}/{}/messages?before={}>; rel=\"next\"",
        b.server.addr, b.room, b.key, ids[6]
    );
    assert_eq!(link, next);
    let person = &first.json()[39];
    assert_eq!(person["creator"]["name"], "Ada Admin");
    assert_eq!(person["creator"]["role"], "administrator");

    // Following the link.
    let url = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .trim_start_matches(&format!("http://{}", b.server.addr))
        .to_owned();
    let second = b.curl.get(&url).await;
    let older: Vec<i64> = second
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(older, ids[..6]);
    assert_eq!(second.header("x-total-count").as_deref(), Some("46"));
    assert_eq!(second.header("link"), None, "nothing older");

    // after= pages forward.
    let after = b
        .curl
        .get(&format!("{}?after={}", b.messages(b.room), ids[40]))
        .await
        .expect(200);
    let newer: Vec<i64> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(newer, ids[41..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_edits_and_deletes_its_own_messages_only() {
    let b = bot().await;
    let mut ws = b.ada.ws(b.ada.seq().await).await;
    let own = b.say("deploying v1").await;
    let own_id = own["id"].as_i64().unwrap();
    ws.expect_event("message_created").await;

    for (method, text) in [
        (Method::PUT, "deployed v1"),
        (Method::PATCH, "deployed v1 ✅"),
    ] {
        let path = format!("{}/{own_id}", b.messages(b.room));
        let body = b.curl(method, &path, text).await.expect(200);
        assert_eq!(body["id"], own_id);
        assert_eq!(body["body"]["plain_text"], text);
        let event = ws.expect_event("message_edited").await;
        assert_eq!(event["message"]["body_plain"], text);
    }

    // Someone else's message.
    let ada_message = b.ada.post_message(b.room, "a person's words").await;
    ws.expect_event("message_created").await;
    let theirs = format!("{}/{}", b.messages(b.room), ada_message["id"]);
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        b.curl(method, &theirs, "rewritten")
            .await
            .expect_error(403, "forbidden");
    }

    // Blank edits are refused.
    b.curl(
        Method::PUT,
        &format!("{}/{own_id}", b.messages(b.room)),
        " ",
    )
    .await
    .expect_error(422, "unprocessable");

    b.curl(
        Method::DELETE,
        &format!("{}/{own_id}", b.messages(b.room)),
        "",
    )
    .await
    .expect(204);
    let event = ws.expect_event("message_deleted").await;
    assert_eq!(event["message_id"], own_id);

    let left = b.ada.all_messages(b.room).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["body_plain"], "a person's words");
    b.curl(
        Method::PUT,
        &format!("{}/{own_id}", b.messages(b.room)),
        "too late",
    )
    .await
    .expect_error(404, "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_of_another_room_is_not_found() {
    let b = bot().await;
    // Another open room: the bot is in it too, but the message is not in the room named.
    let other = b
        .ada
        .post("/api/rooms", &json!({ "name": "Ops", "kind": "open" }))
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let elsewhere = b.say("in All Talk").await["id"].as_i64().unwrap();
    b.curl(Method::POST, &b.messages(other), "in Ops")
        .await
        .expect(201);

    let wrong = format!("{}/{elsewhere}", b.messages(other));
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        b.curl(method, &wrong, "moved?")
            .await
            .expect_error(404, "not_found");
    }
    b.curl(Method::POST, &format!("{wrong}/boosts"), "👍")
        .await
        .expect_error(404, "not_found");
    b.curl(Method::PUT, &format!("{}/999999", b.messages(b.room)), "x")
        .await
        .expect_error(404, "not_found");

    let still = b.ada.all_messages(b.room).await;
    assert_eq!(still.len(), 1);
    assert_eq!(still[0]["body_plain"], "in All Talk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boosts_take_a_raw_body() {
    let b = bot().await;
    let mut ws = b.ada.ws(b.ada.seq().await).await;
    let message = b.ada.post_message(b.room, "ship it?").await;
    ws.expect_event("message_created").await;
    let boosts = format!("{}/{}/boosts", b.messages(b.room), message["id"]);

    let boost = b
        .curl(Method::POST, &boosts, "🚀 shipped")
        .await
        .expect(201);
    assert_eq!(boost["content"], "🚀 shipped");
    assert_eq!(boost["booster"]["id"], b.bot_id);
    assert_eq!(boost["message"]["id"], message["id"]);
    let event = ws.expect_event("boost_added").await;
    assert_eq!(event["boost"]["id"], boost["id"]);
    assert_eq!(event["boost"]["content"], "🚀 shipped");

    b.curl(Method::POST, &boosts, "")
        .await
        .expect_error(422, "unprocessable");
    // The original never enforced its 16 characters: kept, cut to fit.
    let long = b
        .curl(Method::POST, &boosts, "far too long for a boost")
        .await
        .expect(201);
    assert_eq!(long["content"], "far too long fo…");
    ws.expect_event("boost_added").await;
    b.curl(Method::DELETE, &format!("{boosts}/{}", long["id"]), "")
        .await
        .expect(204);
    ws.expect_event("boost_removed").await;

    b.curl(Method::DELETE, &format!("{boosts}/{}", boost["id"]), "")
        .await
        .expect(204);
    let event = ws.expect_event("boost_removed").await;
    assert_eq!(event["boost_id"], boost["id"]);
    b.curl(Method::DELETE, &format!("{boosts}/{}", boost["id"]), "")
        .await
        .expect_error(404, "not_found");

    // Someone else's boost is not the bot's to remove.
    let ada_boost = b
        .ada
        .post(
            &format!("/api/messages/{}/boosts", message["id"]),
            &json!({ "content": "👀" }),
        )
        .await
        .expect(201);
    b.curl(
        Method::DELETE,
        &format!("{boosts}/{}", ada_boost["boost"]["id"]),
        "",
    )
    .await
    .expect_error(404, "not_found");
    let history = b.ada.all_messages(b.room).await;
    assert_eq!(history[0]["boosts"], json!([ada_boost["boost"]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_keys_and_rooms_the_bot_is_not_in_are_not_found() {
    let b = bot().await;
    let closed = b
        .ada
        .post(
            "/api/rooms",
            &json!({ "name": "Admins only", "kind": "closed", "member_ids": [] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let in_closed = b.ada.post_message(closed, "private").await;

    for method in [Method::POST, Method::GET] {
        b.curl(method, &b.messages(closed), "hello?")
            .await
            .expect_error(404, "not_found");
    }
    b.curl(
        Method::PUT,
        &format!("{}/{}", b.messages(closed), in_closed["id"]),
        "x",
    )
    .await
    .expect_error(404, "not_found");
    b.curl(
        Method::POST,
        &format!("/rooms/999999/{}/messages", b.key),
        "x",
    )
    .await
    .expect_error(404, "not_found");

    // Keys that are not the bot's key.
    let (id, token) = b.key.split_once('-').unwrap();
    let mut flipped: Vec<char> = token.chars().collect();
    flipped[0] = if flipped[0] == 'a' { 'b' } else { 'a' };
    let flipped: String = flipped.into_iter().collect();
    let ada_id = b.ada.id();
    let wrong_keys = [
        format!("{id}-{flipped}"),
        format!("{ada_id}-{token}"),
        format!("{id}-{}", &token[..token.len() - 1]),
        format!("{id}{token}"),
        "nope".to_owned(),
        format!("999999-{token}"),
    ];
    for key in wrong_keys {
        for method in [Method::POST, Method::GET] {
            let path = format!("/rooms/{}/{key}/messages", b.room);
            let resp = b.curl(method.clone(), &path, "sneaky").await;
            assert_eq!(resp.status, 404, "{method} with key {key}: {}", resp.text());
            resp.expect_error(404, "not_found");
        }
    }

    // A rotated key stops working at once; the new one works.
    let rotated = b
        .ada
        .post(&format!("/api/bots/{}/key", b.bot_id), &json!({}))
        .await
        .expect(200);
    let new_key = rotated["bot"]["key"].as_str().unwrap();
    assert_ne!(new_key, b.key);
    b.curl(Method::POST, &b.messages(b.room), "old key")
        .await
        .expect_error(404, "not_found");
    b.curl(
        Method::POST,
        &format!("/rooms/{}/{new_key}/messages", b.room),
        "new key",
    )
    .await
    .expect(201);
    let bodies: Vec<Value> = b
        .ada
        .all_messages(b.room)
        .await
        .iter()
        .map(|m| m["body_plain"].clone())
        .collect();
    assert_eq!(bodies, [json!("new key")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_is_removed_as_a_bot_not_deactivated_or_banned_as_a_person() {
    let b = bot().await;
    let refused = b
        .ada
        .post(&format!("/api/users/{}/deactivate", b.bot_id), &json!({}))
        .await;
    refused.expect(422);
    assert!(
        refused.text().contains("bot"),
        "the message says why: {}",
        refused.text()
    );
    b.ada
        .post(&format!("/api/users/{}/ban", b.bot_id), &json!({}))
        .await
        .expect(409);
    // Neither touched it: its key still posts.
    b.curl(Method::POST, &b.messages(b.room), "still here")
        .await
        .expect(201);
    b.ada
        .delete(&format!("/api/bots/{}", b.bot_id))
        .await
        .expect(204);
    b.curl(Method::POST, &b.messages(b.room), "gone")
        .await
        .expect(404);
}
