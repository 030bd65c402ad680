//! Who may see and do what: a signed-in member who is not in a closed room, or in a direct room
//! of two others, can't read, write or even learn of them (404, like a room that doesn't exist),
//! not over HTTP, the live socket or the bot API. Cross-site writes and foreign socket origins
//! are refused; removal and deactivation take effect on open sockets at once.

use crate::common;

use common::{
    Client, Server, TIMEOUT, client_id, first_run, ids, join, refused_status, two_people,
};
use reqwest::Method;
use serde_json::{Value, json};

/// Ada (administrator) and Bob share a closed room and a direct room, each with a message and a
/// boost; Cy is a member of the account but of neither room.
struct World {
    server: Server,
    ada: Client,
    bob: Client,
    cy: Client,
    all_talk: i64,
    closed: i64,
    direct: i64,
    /// (room, message, boost) for the closed and the direct room.
    private: Vec<(i64, i64, i64)>,
}

async fn world() -> World {
    let server = Server::start(&[]).await;
    let (ada, bob, all_talk) = two_people(&server).await;
    let code = ada.join_code().await;
    let cy = join(&server, &code, "Cy Outsider", "cy@example.com").await;

    let closed = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let direct = ada
        .post("/api/rooms/direct", &json!({ "user_ids": [bob.id()] }))
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();

    let mut private = Vec::new();
    for (room, author, booster) in [(closed, &ada, &bob), (direct, &bob, &ada)] {
        let message = author.post_message(room, "<p>secret plans</p>").await;
        let boost = booster
            .post(
                &format!("/api/messages/{}/boosts", message["id"]),
                &json!({ "content": "shh" }),
            )
            .await
            .expect(201);
        private.push((
            room,
            message["id"].as_i64().unwrap(),
            boost["boost"]["id"].as_i64().unwrap(),
        ));
    }
    World {
        server,
        ada,
        bob,
        cy,
        all_talk,
        closed,
        direct,
        private,
    }
}

/// Every room, message and boost route, for a room, one of its messages and one of its boosts.
fn routes(room: i64, message: i64, boost: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, format!("/api/rooms/{room}"), None),
        (
            Method::PATCH,
            format!("/api/rooms/{room}"),
            Some(json!({ "name": "Mine now" })),
        ),
        (
            Method::PATCH,
            format!("/api/rooms/{room}"),
            Some(json!({ "member_ids": [1, 2, 3] })),
        ),
        (
            Method::PATCH,
            format!("/api/rooms/{room}"),
            Some(json!({ "kind": "open" })),
        ),
        (Method::DELETE, format!("/api/rooms/{room}"), None),
        (Method::GET, format!("/api/rooms/{room}/messages"), None),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?before={message}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/rooms/{room}/messages?around={message}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/rooms/{room}/messages"),
            Some(json!({ "client_message_id": client_id(), "body_html": "let me in" })),
        ),
        (
            Method::PATCH,
            format!("/api/messages/{message}"),
            Some(json!({ "body_html": "defaced" })),
        ),
        (Method::DELETE, format!("/api/messages/{message}"), None),
        (
            Method::POST,
            format!("/api/messages/{message}/boosts"),
            Some(json!({ "content": "hi" })),
        ),
        (Method::DELETE, format!("/api/boosts/{boost}"), None),
        (
            Method::GET,
            format!("/api/rooms/{room}/autocomplete?q=a"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/rooms/{room}/involvement"),
            Some(json!({ "involvement": "everything" })),
        ),
        (
            Method::POST,
            format!("/api/rooms/{room}/read"),
            Some(json!({})),
        ),
    ]
}

async fn call(client: &Client, method: &Method, path: &str, body: &Option<Value>) -> common::Resp {
    match body {
        Some(body) => client.json(method.clone(), path, body).await,
        None => client.send(client.request(method.clone(), path)).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_member_gets_404_for_every_route_of_a_closed_or_direct_room() {
    let w = world().await;
    const NOWHERE: i64 = 999_999;
    let nonexistent = routes(NOWHERE, NOWHERE, NOWHERE);
    let members_view = snapshot(&w).await;

    for &(room, message, boost) in &w.private {
        for (n, (method, path, body)) in routes(room, message, boost).iter().enumerate() {
            let resp = call(&w.cy, method, path, body).await;
            assert_eq!(
                resp.status,
                404,
                "{method} {path} as a non-member: {}",
                resp.text()
            );
            resp.expect_error(404, "not_found");
            // Exactly what a room, message or boost that doesn't exist answers.
            let (method, path, body) = &nonexistent[n];
            let missing = call(&w.cy, method, path, body).await;
            assert_eq!(
                (missing.status, missing.json()),
                (resp.status, resp.json()),
                "{method} {path}: existence must not leak"
            );
        }
    }

    // Cy's room list doesn't mention them.
    let (rooms, _) = w.cy.rooms().await;
    let listed: Vec<i64> = rooms.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, [w.all_talk]);

    // And nothing happened to them: Ada and Bob see their rooms, messages and boosts as before.
    assert_eq!(snapshot(&w).await, members_view);
    let closed = w
        .ada
        .get(&format!("/api/rooms/{}", w.closed))
        .await
        .expect(200);
    assert_eq!(closed["room"]["name"], "Plans");
    for &(room, message, boost) in &w.private {
        let history = w.bob.all_messages(room).await;
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["id"], message);
        assert_eq!(history[0]["body_plain"], "secret plans");
        assert_eq!(history[0]["boosts"][0]["id"], boost);
    }
}

/// The private rooms and their messages as Ada and Bob see them.
async fn snapshot(w: &World) -> Vec<Value> {
    let mut views = Vec::new();
    for member in [&w.ada, &w.bob] {
        for room in [w.closed, w.direct] {
            views.push(member.get(&format!("/api/rooms/{room}")).await.expect(200));
            views.push(
                member
                    .get(&format!("/api/rooms/{room}/messages"))
                    .await
                    .expect(200),
            );
        }
    }
    views
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_not_in_the_room_gets_404() {
    let w = world().await;
    let bot = w
        .ada
        .post("/api/bots", &json!({ "name": "Robo" }))
        .await
        .expect(201);
    let key = bot["bot"]["key"].as_str().unwrap().to_owned();
    let anyone = Client::anonymous(w.server.addr);

    // The bot is in All Talk (an open room): it works there.
    anyone
        .raw(
            Method::POST,
            &format!("/rooms/{}/{key}/messages", w.all_talk),
            "application/x-www-form-urlencoded",
            "beep",
        )
        .await
        .expect(201);

    for &(room, message, _) in &w.private {
        let refusals = [
            (Method::POST, format!("/rooms/{room}/{key}/messages")),
            (Method::GET, format!("/rooms/{room}/{key}/messages")),
            (
                Method::PUT,
                format!("/rooms/{room}/{key}/messages/{message}"),
            ),
            (
                Method::PATCH,
                format!("/rooms/{room}/{key}/messages/{message}"),
            ),
            (
                Method::DELETE,
                format!("/rooms/{room}/{key}/messages/{message}"),
            ),
            (
                Method::POST,
                format!("/rooms/{room}/{key}/messages/{message}/boosts"),
            ),
            // A room it is in, with a message of a room it is not in.
            (
                Method::PUT,
                format!("/rooms/{}/{key}/messages/{message}", w.all_talk),
            ),
            (
                Method::DELETE,
                format!("/rooms/{}/{key}/messages/{message}", w.all_talk),
            ),
            (
                Method::POST,
                format!("/rooms/{}/{key}/messages/{message}/boosts", w.all_talk),
            ),
        ];
        for (method, path) in refusals {
            let resp = anyone
                .raw(
                    method.clone(),
                    &path,
                    "application/x-www-form-urlencoded",
                    "beep",
                )
                .await;
            assert_eq!(resp.status, 404, "{method} {path}: {}", resp.text());
            resp.expect_error(404, "not_found");
        }
    }
    for &(room, message, _) in &w.private {
        let history = w.bob.all_messages(room).await;
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["id"], message);
        assert_eq!(history[0]["body_plain"], "secret plans");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_member_socket_receives_nothing_of_those_rooms() {
    let w = world().await;
    let mut cy_ws = w.cy.ws(w.cy.seq().await).await;
    let mut bob_ws = w.bob.ws(w.bob.seq().await).await;
    let mut ada_ws = w.ada.ws(w.ada.seq().await).await;

    // Presence and typing in the rooms are not for Cy either; Cy's own attempts are ignored.
    ada_ws.focus(Some(w.closed));
    assert_eq!(ada_ws.presence(w.closed).await, [w.ada.id()]);
    cy_ws.send_json(&json!({ "type": "focus", "room_id": w.closed }));
    cy_ws.send_json(&json!({ "type": "typing", "room_id": w.closed }));
    cy_ws.send_json(&json!({ "type": "typing", "room_id": w.direct }));
    cy_ws.focus(Some(w.all_talk));
    assert_eq!(cy_ws.presence(w.all_talk).await, [w.cy.id()]);

    // Members chat in both rooms, then in All Talk.
    let in_closed = w.ada.post_message(w.closed, "closed-room news").await;
    let in_direct = w.bob.post_message(w.direct, "direct news").await;
    w.bob
        .patch(
            &format!("/api/messages/{}", in_direct["id"]),
            &json!({ "body_html": "edited direct news" }),
        )
        .await
        .expect(200);
    w.ada
        .post(
            &format!("/api/messages/{}/boosts", in_closed["id"]),
            &json!({ "content": "+1" }),
        )
        .await
        .expect(201);
    w.bob
        .delete(&format!("/api/messages/{}", in_closed["id"]))
        .await
        .expect(403);
    w.ada
        .patch(
            &format!("/api/rooms/{}", w.closed),
            &json!({ "name": "Plans B" }),
        )
        .await
        .expect(200);
    let public = w.ada.post_message(w.all_talk, "public news").await;

    // The members get everything, in order.
    let kinds = [
        ("message_created", w.closed),
        ("message_created", w.direct),
        ("message_edited", w.direct),
        ("boost_added", w.closed),
        ("room_renamed", w.closed),
        ("message_created", w.all_talk),
    ];
    for (kind, room) in kinds {
        let event = bob_ws.expect_event(kind).await;
        assert_eq!(event["room_id"], room, "{event}");
    }

    // Cy's next event is the All Talk message: nothing of the other rooms came before it.
    let event = cy_ws.next_event().await;
    assert_eq!(event["kind"], "message_created", "{event}");
    assert_eq!(event["message_id"], public["id"], "{event}");
    for frame in cy_ws.pending() {
        assert!(
            frame["room_id"] != w.closed && frame["room_id"] != w.direct,
            "Cy saw a frame of a room they are not in: {frame}"
        );
    }
    // Ada saw no typing from Cy in her room.
    assert_eq!(
        ada_ws.expect_event("message_created").await["message_id"],
        in_closed["id"]
    );
    let typing: Vec<&Value> = ada_ws
        .pending()
        .iter()
        .filter(|f| f["type"] == "typing")
        .collect();
    assert!(typing.is_empty(), "{typing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_writes_and_foreign_socket_origins_are_refused() {
    let server = Server::start(&[]).await;
    let (ada, _bob, all_talk) = two_people(&server).await;
    let own_origin = format!("http://{}", server.addr);

    // A form on another site posting with Ada's cookie.
    let forged = [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ];
    for (header, value) in forged {
        let cid = client_id();
        let resp = ada
            .send(
                ada.request(Method::POST, &format!("/api/rooms/{all_talk}/messages"))
                    .header(header, value)
                    .header("content-type", "application/json")
                    .body(json!({ "client_message_id": cid, "body_html": "forged" }).to_string()),
            )
            .await;
        resp.expect_error(403, "forbidden");
        assert!(
            ada.all_messages(all_talk)
                .await
                .iter()
                .all(|m| m["client_message_id"] != cid.as_str()),
            "a refused write must not happen"
        );
        let resp = ada
            .send(
                ada.request(Method::DELETE, "/api/session")
                    .header(header, value),
            )
            .await;
        resp.expect_error(403, "forbidden");
        ada.get("/api/rooms").await.expect(200); // still signed in
    }

    // The page's own origin may write.
    let resp = ada
        .send(
            ada.request(Method::POST, &format!("/api/rooms/{all_talk}/messages"))
                .header("origin", &own_origin)
                .header("content-type", "application/json")
                .body(json!({ "client_message_id": client_id(), "body_html": "mine" }).to_string()),
        )
        .await;
    resp.expect(201);

    // The live socket from another site's page is refused at the handshake.
    let seq = ada.seq().await;
    let (status, body) = refused_status(
        ada.ws_at(server.addr, seq, &[("origin", "http://evil.example")])
            .await,
    );
    assert_eq!(status, 403);
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
    }
    // From our own page it is accepted, and live.
    let mut ws = ada
        .ws_at(server.addr, seq, &[("origin", own_origin.as_str())])
        .await
        .expect("a same-origin socket");
    let message = ada.post_message(all_talk, "hello").await;
    assert_eq!(
        ws.expect_event("message_created").await["message_id"],
        message["id"]
    );

    // Without a session the socket is refused too.
    let anonymous = Client::anonymous(server.addr);
    let (status, _) = refused_status(anonymous.ws_at(server.addr, seq, &[]).await);
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_from_a_closed_room_stops_its_events_on_the_open_socket_at_once() {
    let w = world().await;
    let mut bob_ws = w.bob.ws(w.bob.seq().await).await;

    let resp = w
        .ada
        .patch(
            &format!("/api/rooms/{}", w.closed),
            &json!({ "member_ids": [w.ada.id()] }),
        )
        .await
        .expect(200);
    assert_eq!(ids(&resp["room"]["member_ids"]), [w.ada.id()]);

    let after = w.ada.post_message(w.closed, "now that Bob is gone").await;
    let public = w.ada.post_message(w.all_talk, "public").await;

    // Bob's socket: told he was removed, then nothing more of that room.
    let event = bob_ws.expect_event("membership_removed").await;
    assert_eq!(event["room_id"], w.closed);
    assert_eq!(event["user_id"], w.bob.id());
    let event = bob_ws.next_event().await;
    assert_eq!(
        (event["kind"].as_str(), &event["message_id"]),
        (Some("message_created"), &public["id"]),
        "the next event is All Talk's, not {after}"
    );

    w.bob
        .get(&format!("/api/rooms/{}/messages", w.closed))
        .await
        .expect_error(404, "not_found");
    assert!(w.bob.my_room(w.closed).await.is_none());

    // Resuming from before the removal replays only what he could see then.
    let mut replay = w.bob.ws(0).await;
    let mut closed_room_events = Vec::new();
    loop {
        let event = replay.next_event().await;
        if event["room_id"] == w.closed {
            closed_room_events.push(event["kind"].as_str().unwrap().to_owned());
        }
        if event["message_id"] == public["id"] {
            break;
        }
    }
    assert!(
        !closed_room_events.is_empty()
            && closed_room_events.last().map(String::as_str) == Some("membership_removed"),
        "{closed_room_events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_a_user_closes_their_open_socket_with_4001() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let cy = join(&server, &code, "Cy Leaving", "cy@example.com").await;
    let mut cy_ws = cy.ws(cy.seq().await).await;
    let mut ada_ws = ada.ws(ada.seq().await).await;

    ada.post(&format!("/api/users/{}/deactivate", cy.id()), &json!({}))
        .await
        .expect(204);

    assert_eq!(cy_ws.closed(TIMEOUT).await, Some(4001));
    let all_talk = ada.room_named("All Talk").await;
    let event = ada_ws.expect_event("membership_removed").await;
    assert_eq!(
        (&event["room_id"], &event["user_id"]),
        (&json!(all_talk), &json!(cy.id()))
    );
    let event = ada_ws.expect_event("user_deactivated").await;
    assert_eq!(event["user_id"], cy.id());

    // The session is over: HTTP and a new socket are refused.
    cy.get("/api/rooms").await.expect_error(401, "unauthorized");
    let (status, _) = refused_status(cy.ws_at(server.addr, 0, &[]).await);
    assert_eq!(status, 401);
    common::Client::anonymous(server.addr)
        .post(
            "/api/session",
            &json!({ "email": "cy@example.com", "password": common::PASSWORD }),
        )
        .await
        .expect_error(401, "unauthorized");
}
