//! Bad input never breaks the server: malformed, oversized, mistyped or nonsensical requests get
//! a 4xx answer with the API's JSON error (`{"error":{"code","message"}}`), never a 5xx, and a
//! malformed live-socket frame closes only that socket.

use crate::common;

use common::{Client, Resp, Server, TIMEOUT, Ws, assert_api_error, client_id, two_people};
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::protocol::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

/// Asserts a refusal: this status, the JSON error shape, this code.
#[track_caller]
fn refused(what: &str, resp: &Resp, status: u16, code: &str) {
    assert!(
        resp.status < 500,
        "{what}: a server error {}: {}",
        resp.status,
        resp.text()
    );
    assert_eq!(resp.status, status, "{what}: {}", resp.text());
    assert_api_error(resp);
    assert_eq!(
        resp.json()["error"]["code"],
        code,
        "{what}: {}",
        resp.text()
    );
}

struct Setup {
    server: Server,
    ada: Client,
    bob: Client,
    room: i64,
    message: i64,
}

async fn setup() -> Setup {
    let server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;
    let message = ada.post_message(room, "a message").await["id"]
        .as_i64()
        .unwrap();
    Setup {
        server,
        ada,
        bob,
        room,
        message,
    }
}

impl Setup {
    /// The server still answers, and still accepts a good request.
    async fn still_serving(&self) {
        let up = self.ada.get("/up").await;
        assert_eq!((up.status, up.text()), (200, "OK".to_owned()));
        self.ada.post_message(self.room, "still here").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_bodies_are_400() {
    let s = setup().await;
    let post = format!("/api/rooms/{}/messages", s.room);
    let mut deep = "[".repeat(100_000);
    deep.push_str(&"]".repeat(100_000));
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{not json".to_vec()),
        (
            "truncated",
            br#"{"client_message_id":"a","body_html":"x""#.to_vec(),
        ),
        ("empty", Vec::new()),
        (
            "wrong types",
            br#"{"client_message_id":5,"body_html":[]}"#.to_vec(),
        ),
        ("missing fields", b"{}".to_vec()),
        ("an array", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        (
            "trailing garbage",
            br#"{"client_message_id":"a","body_html":"x"} x"#.to_vec(),
        ),
        (
            "invalid UTF-8",
            b"{\"client_message_id\":\"a\",\"body_html\":\"\xff\xfe\"}".to_vec(),
        ),
        (
            "deeply nested where text belongs",
            format!(r#"{{"client_message_id":"a","body_html":{deep}}}"#).into_bytes(),
        ),
    ];
    for (what, body) in bodies {
        let resp = s
            .ada
            .raw(Method::POST, &post, "application/json", body)
            .await;
        refused(what, &resp, 400, "bad_request");
    }
    // Other JSON routes too.
    for (method, path) in [
        (Method::POST, "/api/session".to_owned()),
        (Method::POST, "/api/first_run".to_owned()),
        (Method::PATCH, format!("/api/messages/{}", s.message)),
        (Method::POST, format!("/api/messages/{}/boosts", s.message)),
        (Method::POST, "/api/rooms".to_owned()),
        (Method::PATCH, "/api/me".to_owned()),
        (Method::PUT, format!("/api/rooms/{}/involvement", s.room)),
    ] {
        let resp = s
            .ada
            .raw(method.clone(), &path, "application/json", "{oops")
            .await;
        refused(&format!("{method} {path}"), &resp, 400, "bad_request");
    }
    assert_eq!(
        s.ada.all_messages(s.room).await.len(),
        1,
        "nothing was posted"
    );

    // Deep nesting in a field nobody reads is parsed without recursion and ignored.
    let body = format!(
        r#"{{"client_message_id":"{}","body_html":"deep","extra":{deep}}}"#,
        client_id()
    );
    s.ada
        .raw(Method::POST, &post, "application/json", body)
        .await
        .expect(201);
    s.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_declared_json_is_refused() {
    let s = setup().await;
    let post = format!("/api/rooms/{}/messages", s.room);
    let body = json!({ "client_message_id": client_id(), "body_html": "hi" }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let resp = s
            .ada
            .raw(Method::POST, &post, content_type, body.clone())
            .await;
        refused(content_type, &resp, 403, "forbidden");
    }
    let resp = s
        .ada
        .send(s.ada.request(Method::POST, &post).body(body.clone()))
        .await;
    refused("no content type", &resp, 403, "forbidden");
    assert_eq!(
        s.ada.all_messages(s.room).await.len(),
        1,
        "nothing was posted"
    );

    // With its parameters, the JSON type is fine.
    s.ada
        .raw(Method::POST, &post, "application/json; charset=utf-8", body)
        .await
        .expect(201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_413() {
    let s = setup().await;
    // 2 MiB of JSON: over the 1 MiB limit.
    let huge =
        json!({ "client_message_id": client_id(), "body_html": "x".repeat(2 * 1024 * 1024) });
    let resp = s
        .ada
        .post(&format!("/api/rooms/{}/messages", s.room), &huge)
        .await;
    refused("2 MiB of JSON", &resp, 413, "payload_too_large");

    // Over a message's limit through the bot API (which takes more than JSON's 1 MiB: a
    // message may hold a mebibyte of text, and bots post logs).
    let key = s
        .ada
        .post("/api/bots", &json!({ "name": "Big Bot" }))
        .await
        .expect(201)["bot"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let bot = Client::anonymous(s.server.addr);
    let resp = bot
        .raw(
            Method::POST,
            &format!("/rooms/{}/{key}/messages", s.room),
            "application/x-www-form-urlencoded",
            "b".repeat(3 * 1024 * 1024),
        )
        .await;
    refused("3 MiB bot body", &resp, 413, "payload_too_large");
    // Under the body limit, but more text than a message holds once escaped.
    let resp = bot
        .raw(
            Method::POST,
            &format!("/rooms/{}/{key}/messages", s.room),
            "application/x-www-form-urlencoded",
            "<".repeat(1024 * 1024 + 1),
        )
        .await;
    refused("over a mebibyte of text", &resp, 413, "payload_too_large");

    assert_eq!(
        s.ada.all_messages(s.room).await.len(),
        1,
        "nothing was posted"
    );
    s.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_api_refuses_bad_bodies() {
    let s = setup().await;
    let key = s
        .ada
        .post("/api/bots", &json!({ "name": "Odd Bot" }))
        .await
        .expect(201)["bot"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let curl = Client::anonymous(s.server.addr);
    let path = format!("/rooms/{}/{key}/messages", s.room);
    let resp = curl
        .raw(Method::POST, &path, "text/plain", b"caf\xe9".to_vec())
        .await;
    refused("invalid UTF-8", &resp, 400, "bad_request");
    let resp = curl
        .raw(
            Method::POST,
            &path,
            "multipart/form-data; boundary=x",
            "--x--",
        )
        .await;
    refused("a form without its attachment", &resp, 400, "bad_request");
    for (what, method, path) in [
        (
            "a huge room id",
            Method::POST,
            format!("/rooms/99999999999999999999/{key}/messages"),
        ),
        (
            "a room id that is not a number",
            Method::GET,
            format!("/rooms/abc/{key}/messages"),
        ),
        (
            "a huge message id",
            Method::PUT,
            format!("/rooms/{}/{key}/messages/99999999999999999999", s.room),
        ),
        (
            "a boost id that is not a number",
            Method::DELETE,
            format!("/rooms/{}/{key}/messages/1/boosts/x", s.room),
        ),
    ] {
        let resp = curl.raw(method, &path, "text/plain", "x").await;
        refused(what, &resp, 400, "bad_request");
    }
    let resp = curl.get(&format!("{path}?before=abc")).await;
    refused("?before=abc", &resp, 400, "bad_request");
    s.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_non_numeric_and_huge_ids_are_4xx() {
    let s = setup().await;
    let room = s.room;
    let message = s.message;
    let cases: Vec<(Method, String, u16, &str)> = vec![
        // Unknown.
        (Method::GET, "/api/rooms/999999".into(), 404, "not_found"),
        (Method::GET, "/api/rooms/-1".into(), 404, "not_found"),
        (
            Method::GET,
            "/api/rooms/0/messages".into(),
            404,
            "not_found",
        ),
        (
            Method::GET,
            "/api/rooms/9223372036854775807/messages".into(),
            404,
            "not_found",
        ),
        (
            Method::PATCH,
            "/api/messages/999999".into(),
            404,
            "not_found",
        ),
        (
            Method::DELETE,
            "/api/messages/999999".into(),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/api/messages/999999/boosts".into(),
            404,
            "not_found",
        ),
        (
            Method::DELETE,
            "/api/boosts/999999".into(),
            404,
            "not_found",
        ),
        (Method::GET, "/api/users/999999".into(), 404, "not_found"),
        (
            Method::DELETE,
            "/api/sessions/999999".into(),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/api/users/999999/deactivate".into(),
            404,
            "not_found",
        ),
        (Method::PATCH, "/api/bots/999999".into(), 404, "not_found"),
        (
            Method::GET,
            "/api/join/AAAA-BBBB-CCCC".into(),
            404,
            "not_found",
        ),
        (Method::GET, "/api/join/nonsense".into(), 404, "not_found"),
        (
            Method::POST,
            "/api/transfer/not.a.token".into(),
            404,
            "not_found",
        ),
        (Method::GET, "/api/no/such/route".into(), 404, "not_found"),
        // Not numbers.
        (Method::GET, "/api/rooms/abc".into(), 400, "bad_request"),
        (
            Method::GET,
            "/api/rooms/1.5/messages".into(),
            400,
            "bad_request",
        ),
        (
            Method::PATCH,
            "/api/messages/abc".into(),
            400,
            "bad_request",
        ),
        (Method::DELETE, "/api/boosts/%20".into(), 400, "bad_request"),
        (Method::GET, "/api/users/me".into(), 400, "bad_request"),
        // Too big for an id.
        (
            Method::GET,
            "/api/rooms/99999999999999999999/messages".into(),
            400,
            "bad_request",
        ),
        (
            Method::GET,
            "/api/rooms/99999999999999999999".into(),
            400,
            "bad_request",
        ),
        (
            Method::PATCH,
            "/api/messages/99999999999999999999".into(),
            400,
            "bad_request",
        ),
        // Bad queries.
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?before=99999999999999999999"),
            400,
            "bad_request",
        ),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?after=-99999999999999999999"),
            400,
            "bad_request",
        ),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?around=abc"),
            400,
            "bad_request",
        ),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?before="),
            400,
            "bad_request",
        ),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?before=1&after=2"),
            400,
            "bad_request",
        ),
    ];
    for (method, path, status, code) in cases {
        let body = json!({ "body_html": "x", "content": "x", "name": "x" });
        let resp = if method == Method::GET || method == Method::DELETE {
            s.ada.send(s.ada.request(method.clone(), &path)).await
        } else {
            s.ada.json(method.clone(), &path, &body).await
        };
        refused(&format!("{method} {path}"), &resp, status, code);
    }

    // Extreme but valid positions are just empty pages, not errors.
    for query in [
        format!("before={message}"),
        "before=9223372036854775807".to_owned(),
        "after=9223372036854775807".to_owned(),
        "around=9223372036854775807".to_owned(),
        "before=-9223372036854775808".to_owned(),
        "after=-9223372036854775808".to_owned(),
        "around=-9223372036854775808".to_owned(),
    ] {
        let resp = s
            .ada
            .get(&format!("/api/rooms/{room}/messages?{query}"))
            .await;
        let body = resp.expect(200);
        assert!(body["messages"].is_array(), "{query}: {body}");
    }
    s.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unacceptable_values_are_422() {
    let s = setup().await;
    let post = format!("/api/rooms/{}/messages", s.room);
    let boosts = format!("/api/messages/{}/boosts", s.message);
    let cases: Vec<(&str, Method, String, Value)> = vec![
        (
            "a blank message",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": client_id(), "body_html": "   " }),
        ),
        (
            "an empty paragraph",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": client_id(), "body_html": "<p> </p><br>" }),
        ),
        (
            "only a script",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": client_id(), "body_html": "<script>alert(1)</script>" }),
        ),
        (
            "a blank client id",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": "", "body_html": "hi" }),
        ),
        (
            "a client id with spaces",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": "a b", "body_html": "hi" }),
        ),
        (
            "a 65-character client id",
            Method::POST,
            post.clone(),
            json!({ "client_message_id": "x".repeat(65), "body_html": "hi" }),
        ),
        (
            "a blank edit",
            Method::PATCH,
            format!("/api/messages/{}", s.message),
            json!({ "body_html": "" }),
        ),
        (
            "a too-long boost",
            Method::POST,
            boosts.clone(),
            json!({ "content": "seventeen chars!!" }),
        ),
        (
            "a blank boost",
            Method::POST,
            boosts.clone(),
            json!({ "content": " " }),
        ),
        (
            "a blank room name",
            Method::POST,
            "/api/rooms".into(),
            json!({ "name": " ", "kind": "open" }),
        ),
        (
            "a too-long room name",
            Method::POST,
            "/api/rooms".into(),
            json!({ "name": "r".repeat(101), "kind": "open" }),
        ),
        (
            "an unknown room kind",
            Method::POST,
            "/api/rooms".into(),
            json!({ "name": "x", "kind": "direct" }),
        ),
        (
            "an unknown member",
            Method::POST,
            "/api/rooms".into(),
            json!({ "name": "x", "kind": "closed", "member_ids": [999999] }),
        ),
        (
            "a direct room with nobody",
            Method::POST,
            "/api/rooms/direct".into(),
            json!({ "user_ids": [] }),
        ),
        (
            "a direct room with a stranger",
            Method::POST,
            "/api/rooms/direct".into(),
            json!({ "user_ids": [999999] }),
        ),
        (
            "an unknown involvement",
            Method::PUT,
            format!("/api/rooms/{}/involvement", s.room),
            json!({ "involvement": "loud" }),
        ),
        (
            "a too-long bio",
            Method::PATCH,
            "/api/me".into(),
            json!({ "bio": "b".repeat(201) }),
        ),
        (
            "a blank name",
            Method::PATCH,
            "/api/me".into(),
            json!({ "name": "" }),
        ),
    ];
    for (what, method, path, body) in cases {
        let resp = s.ada.json(method, &path, &body).await;
        refused(what, &resp, 422, "unprocessable");
    }
    // A 16-character boost is fine; emoji count as characters.
    s.ada
        .post(&boosts, &json!({ "content": "🎉".repeat(16) }))
        .await
        .expect(201);
    s.ada
        .post(&boosts, &json!({ "content": "🎉".repeat(17) }))
        .await
        .expect_error(422, "unprocessable");
    assert_eq!(
        s.ada.all_messages(s.room).await.len(),
        1,
        "nothing was posted"
    );
    s.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_that_are_missing_or_wrong_are_401_and_setup_twice_is_409() {
    let s = setup().await;
    let anonymous = Client::anonymous(s.server.addr);
    let rooms = "/api/rooms";
    refused(
        "no cookie",
        &anonymous.get(rooms).await,
        401,
        "unauthorized",
    );
    for cookie in [
        "campfire_session=".to_owned(),
        "campfire_session=nonsense".to_owned(),
        format!("campfire_session={}", "a".repeat(64)),
        format!("campfire_session={}", "a".repeat(10_000)),
    ] {
        let resp = anonymous
            .send(
                anonymous
                    .request(Method::GET, rooms)
                    .header("cookie", cookie.clone()),
            )
            .await;
        refused(
            &format!("cookie {:.40}", cookie),
            &resp,
            401,
            "unauthorized",
        );
    }
    let wrong = anonymous
        .post(
            "/api/session",
            &json!({ "email": "ada@example.com", "password": "wrong password" }),
        )
        .await;
    refused("a wrong password", &wrong, 401, "unauthorized");
    let nobody = anonymous
        .post(
            "/api/session",
            &json!({ "email": "nobody@example.com", "password": "wrong password" }),
        )
        .await;
    refused("an unknown email", &nobody, 401, "unauthorized");
    assert_eq!(wrong.json(), nobody.json(), "one generic answer");
    let again = anonymous
        .post(
            "/api/first_run",
            &json!({ "name": "Eve", "email": "eve@example.com", "password": "password123" }),
        )
        .await;
    refused("first run twice", &again, 409, "conflict");
    let code = s.ada.join_code().await;
    let taken = anonymous
        .post(
            &format!("/api/join/{code}"),
            &json!({ "name": "Bob Again", "email": "bob@example.com", "password": "password123" }),
        )
        .await;
    refused("an email in use", &taken, 409, "conflict");
    let short = anonymous
        .post(
            &format!("/api/join/{code}"),
            &json!({ "name": "Short", "email": "short@example.com", "password": "short" }),
        )
        .await;
    refused("a short password", &short, 422, "unprocessable");
    // A member is not an administrator.
    refused(
        "a member on the account page",
        &s.bob.get("/api/account").await,
        403,
        "forbidden",
    );
    s.still_serving().await;
}

/// The live socket at `query`, expecting an HTTP refusal with a JSON error.
async fn socket_refused(client: &Client, addr: std::net::SocketAddr, query: &str) -> u16 {
    let result = client.ws_url(addr, &format!("/api/live{query}"), &[]).await;
    let (status, body) = common::refused_status(result);
    let body = body.expect("the refusal has a body");
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "{query}: not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    assert!(body["error"]["code"].is_string(), "{query}: {body}");
    status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_socket_queries_are_400() {
    let s = setup().await;
    for query in [
        "?since=abc",
        "",
        "?since=",
        "?since=-1",
        "?since=1.5",
        "?since=99999999999999999999999",
    ] {
        assert_eq!(
            socket_refused(&s.ada, s.server.addr, query).await,
            400,
            "{query}"
        );
    }
    s.still_serving().await;
}

/// Sends `frame` on a fresh socket of Ada's and returns how the server closed it.
async fn close_code_after(s: &Setup, frame: Message) -> Option<u16> {
    let mut ws = s.ada.ws(s.ada.seq().await).await;
    ws.send(frame);
    ws.closed(TIMEOUT).await
}

/// Bob's socket keeps working: it receives Ada's next message.
async fn others_unaffected(s: &Setup, bob_ws: &mut Ws) {
    let message = s.ada.post_message(s.room, "for Bob").await;
    let event = bob_ws.expect_event("message_created").await;
    assert_eq!(event["message_id"], message["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_close_only_that_socket() {
    let s = setup().await;
    let mut bob_ws = s.bob.ws(s.bob.seq().await).await;

    let cases: Vec<(&str, Message, &[u16])> = vec![
        ("not JSON", Message::text("hello?"), &[1008]),
        (
            "an unknown frame type",
            Message::text(r#"{"type":"dance"}"#),
            &[1008],
        ),
        (
            "a frame without a type",
            Message::text(r#"{"room_id":1}"#),
            &[1008],
        ),
        (
            "typing without a room",
            Message::text(r#"{"type":"typing"}"#),
            &[1008],
        ),
        (
            "a room id that is not a number",
            Message::text(r#"{"type":"focus","room_id":"one"}"#),
            &[1008],
        ),
        ("a binary frame", Message::binary(vec![1, 2, 3]), &[1003]),
        (
            "text that is not UTF-8",
            Message::Frame(Frame::message(
                vec![0xff, 0xfe, 0xfd],
                OpCode::Data(Data::Text),
                true,
            )),
            &[1007, 1008],
        ),
        (
            "a 64 KiB frame",
            Message::text("x".repeat(64 * 1024)),
            &[1008, 1009],
        ),
    ];
    for (what, frame, codes) in cases {
        let code = close_code_after(&s, frame).await;
        assert!(
            code.is_some_and(|c| codes.contains(&c)),
            "{what}: closed with {code:?}, expected one of {codes:?}"
        );
        others_unaffected(&s, &mut bob_ws).await;
    }

    // Frames about rooms that don't exist are ignored, not fatal.
    let mut ws = s.ada.ws(s.ada.seq().await).await;
    ws.send_json(&json!({ "type": "focus", "room_id": 999_999 }));
    ws.send_json(&json!({ "type": "typing", "room_id": -5 }));
    ws.send_json(&json!({ "type": "focus", "room_id": null }));
    ws.send_json(&json!({ "type": "heartbeat" }));
    let message = s.ada.post_message(s.room, "still connected").await;
    for socket in [&mut ws, &mut bob_ws] {
        assert_eq!(
            socket.expect_event("message_created").await["message_id"],
            message["id"]
        );
    }
    s.still_serving().await;
}
