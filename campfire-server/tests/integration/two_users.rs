//! Two people use Campfire together, as the browser app does: first run, the join link, a closed
//! room, live chat both ways, edits, deletes, boosts, mentions, and unread marks across devices.

use crate::common;

use common::{Client, Server, Ws, first_run, ids, join, sign_in};
use serde_json::{Value, json};

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

/// The next event on `ws` is the creation of `message`.
async fn sees_created(ws: &mut Ws, message: &Value) -> Value {
    let event = ws.expect_event("message_created").await;
    assert_eq!(event["room_id"], message["room_id"], "{event}");
    assert_eq!(event["message_id"], message["id"], "{event}");
    assert_eq!(
        event["message"], *message,
        "the event carries the message as posted"
    );
    event
}

async fn unread(client: &Client, room: i64) -> bool {
    let room = client.my_room(room).await.expect("my room");
    room["unread"].as_bool().expect("unread")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_chat_in_a_closed_room() {
    let server = Server::start(&[]).await;

    // First run: the administrator and All Talk.
    let bootstrap = Client::anonymous(server.addr)
        .get("/api/bootstrap")
        .await
        .expect(200);
    assert_eq!(bootstrap["setup_required"], true);
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    assert_eq!(ada.me["role"], "administrator");
    assert_eq!(ada.me["email"], "ada@example.com");

    // The join link from the account page.
    let account = ada.get("/api/account").await.expect(200);
    let join_path = account["join_path"].as_str().unwrap();
    let code = join_path.strip_prefix("/join/").expect("a /join/ path");
    let info = Client::anonymous(server.addr)
        .get(&format!("/api/join/{code}"))
        .await
        .expect(200);
    assert_eq!(info["account_name"], "Campfire");
    let bob = join(&server, code, "Bob Babbage", "bob@example.com").await;
    assert_eq!(bob.me["role"], "member");
    let all_talk = bob.room_named("All Talk").await;
    assert_eq!(
        sorted(ids(&bob.my_room(all_talk).await.unwrap()["member_ids"])),
        sorted(vec![ada.id(), bob.id()]),
        "joining puts you in every open room"
    );

    // A closed room for the two of them.
    let created = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201);
    let room = created["room"]["id"].as_i64().unwrap();
    assert_eq!(created["room"]["kind"], "closed");
    assert_eq!(created["room"]["name"], "Plans");
    assert_eq!(
        sorted(ids(&created["room"]["member_ids"])),
        sorted(vec![ada.id(), bob.id()])
    );
    assert_eq!(bob.my_room(room).await.unwrap()["name"], "Plans");

    let mut ada_ws = ada.ws(ada.seq().await).await;
    let mut bob_ws = bob.ws(bob.seq().await).await;

    // Live both ways.
    let hello = ada.post_message(room, "<p>Hi Bob</p>").await;
    assert_eq!(hello["body_plain"], "Hi Bob");
    assert_eq!(hello["author_id"], ada.id());
    let event = sees_created(&mut bob_ws, &hello).await;
    assert_eq!(event["message"]["body_html"], "<p>Hi Bob</p>");
    sees_created(&mut ada_ws, &hello).await;

    let reply = bob.post_message(room, "Hi <strong>Ada</strong>").await;
    assert_eq!(reply["body_plain"], "Hi Ada");
    sees_created(&mut ada_ws, &reply).await;
    sees_created(&mut bob_ws, &reply).await;

    // An edit.
    let edited = ada
        .patch(
            &format!("/api/messages/{}", hello["id"]),
            &json!({ "body_html": "<p>Hi Bob, how are you?</p>" }),
        )
        .await
        .expect(200)["message"]
        .clone();
    assert_eq!(edited["body_plain"], "Hi Bob, how are you?");
    assert!(edited["edited_at"].is_string(), "{edited}");
    for ws in [&mut bob_ws, &mut ada_ws] {
        let event = ws.expect_event("message_edited").await;
        assert_eq!(event["message_id"], hello["id"]);
        assert_eq!(event["message"]["body_plain"], "Hi Bob, how are you?");
        assert_eq!(event["message"]["edited_at"], edited["edited_at"]);
    }

    // A boost.
    let boost = bob
        .post(
            &format!("/api/messages/{}/boosts", hello["id"]),
            &json!({ "content": "🎉 yes" }),
        )
        .await
        .expect(201)["boost"]
        .clone();
    assert_eq!(boost["booster_id"], bob.id());
    assert_eq!(boost["message_id"], hello["id"]);
    for ws in [&mut ada_ws, &mut bob_ws] {
        let event = ws.expect_event("boost_added").await;
        assert_eq!(event["room_id"], room);
        assert_eq!(event["message_id"], hello["id"]);
        assert_eq!(event["boost"], boost);
    }
    let history = ada
        .get(&format!("/api/rooms/{room}/messages"))
        .await
        .expect(200);
    let boosted = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == hello["id"])
        .unwrap()
        .clone();
    assert_eq!(boosted["boosts"], json!([boost]));

    // A mention.
    let mention = ada
        .post_message(
            room,
            &format!(
                r#"<p>Look, <span data-mention-id="{}">@Bob Babbage</span></p>"#,
                bob.id()
            ),
        )
        .await;
    assert_eq!(mention["mentions"], json!([bob.id()]));
    let event = sees_created(&mut bob_ws, &mention).await;
    assert_eq!(event["message"]["mentions"], json!([bob.id()]));
    sees_created(&mut ada_ws, &mention).await;

    // A delete.
    bob.delete(&format!("/api/messages/{}", reply["id"]))
        .await
        .expect(204);
    for ws in [&mut ada_ws, &mut bob_ws] {
        let event = ws.expect_event("message_deleted").await;
        assert_eq!(event["room_id"], room);
        assert_eq!(event["message_id"], reply["id"]);
    }
    let history = bob
        .get(&format!("/api/rooms/{room}/messages"))
        .await
        .expect(200);
    let remaining: Vec<&Value> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(remaining, [&hello["id"], &mention["id"]]);

    // Unread. Neither has been looking at the room, and each has posted in it.
    assert!(unread(&bob, room).await);
    assert!(unread(&ada, room).await);
    ada.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);
    let event = ada_ws.expect_event("room_read").await;
    assert_eq!(
        (event["room_id"].clone(), event["user_id"].clone()),
        (json!(room), json!(ada.id()))
    );
    assert!(!unread(&ada, room).await);
    assert!(unread(&bob, room).await, "reading is personal");

    // Bob looks at the room and reads it.
    bob_ws.focus(Some(room));
    assert_eq!(bob_ws.presence(room).await, [bob.id()]);
    bob.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);
    let event = bob_ws.expect_event("room_read").await;
    assert_eq!(
        (event["room_id"].clone(), event["user_id"].clone()),
        (json!(room), json!(bob.id()))
    );
    assert!(!unread(&bob, room).await);

    // While he looks at it, new messages don't mark it unread.
    let seen = ada.post_message(room, "you're here").await;
    sees_created(&mut bob_ws, &seen).await;
    sees_created(&mut ada_ws, &seen).await;
    assert!(!unread(&bob, room).await, "Bob is looking at the room");
    assert!(
        !unread(&ada, room).await,
        "your own messages don't mark a room unread"
    );

    // He looks at All Talk instead: a new message marks the room unread.
    bob_ws.focus(Some(all_talk));
    assert_eq!(bob_ws.presence(all_talk).await, [bob.id()]);
    assert_eq!(bob_ws.presence(room).await, Vec::<i64>::new());
    let unseen = ada.post_message(room, "are you there?").await;
    sees_created(&mut bob_ws, &unseen).await;
    sees_created(&mut ada_ws, &unseen).await;
    assert!(unread(&bob, room).await, "Bob looks at another room");

    // Bob's second device, with its own session and socket.
    let bob_phone = sign_in(&server, "bob@example.com").await;
    assert_ne!(bob_phone.token, bob.token);
    let mut phone_ws = bob_phone.ws(bob_phone.seq().await).await;
    assert!(
        unread(&bob_phone, room).await,
        "unread is per person, not per device"
    );

    // Reading on one device clears it on every device.
    bob.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);
    for ws in [&mut bob_ws, &mut phone_ws] {
        let event = ws.expect_event("room_read").await;
        assert_eq!(event["room_id"], room);
        assert_eq!(event["user_id"], bob.id());
    }
    assert!(!unread(&bob, room).await);
    assert!(!unread(&bob_phone, room).await);

    // Ada is not told about Bob's reading: her next event is the next message.
    let after = bob_phone.post_message(room, "sorry, here now").await;
    sees_created(&mut ada_ws, &after).await;
    sees_created(&mut bob_ws, &after).await;
    sees_created(&mut phone_ws, &after).await;
    assert!(unread(&ada, room).await, "Ada isn't looking at the room");
}

/// X7: counts and the first unread message come with my rooms; marking a room unread from a
/// message and saving messages for later reach every device of mine, one that was away
/// included, in log order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_counts_mark_unread_and_bookmarks_reach_every_device_in_order() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Babbage", "bob@example.com").await;
    let room = bob.room_named("All Talk").await;

    let first = ada.post_message(room, "one").await;
    let second = ada
        .post_message(
            room,
            &format!(
                r#"<p>two, <span data-mention-id="{}">@Bob Babbage</span></p>"#,
                bob.id()
            ),
        )
        .await;
    let third = ada.post_message(room, "three").await;
    let mine = bob.my_room(room).await.unwrap();
    assert_eq!(
        (
            &mine["unread"],
            &mine["unread_from"],
            &mine["unread_count"],
            &mine["mention_count"],
            &mine["counted_through"]
        ),
        (
            &json!(true),
            &first["id"],
            &json!(3),
            &json!(1),
            &third["id"]
        ),
        "{mine}"
    );
    assert_eq!(
        ada.my_room(room).await.unwrap()["unread_count"],
        0,
        "her own messages are not unread to her"
    );
    // The mentions inbox: the one message that names Bob, and no more.
    let inbox = bob.get("/api/mentions?limit=5").await.expect(200);
    assert_eq!(
        (
            &inbox["messages"][0]["id"],
            inbox["messages"].as_array().unwrap().len(),
            &inbox["more"]
        ),
        (&second["id"], 1, &json!(false)),
        "{inbox}"
    );
    assert_eq!(
        ada.get("/api/mentions").await.expect(200)["messages"],
        json!([])
    );

    // Bob's phone goes away; meanwhile he reads the room and marks it unread from the second.
    let away_from = bob.seq().await;
    let bob_ws = bob.ws(away_from).await;
    let mut ada_ws = ada.ws(ada.seq().await).await;
    bob.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);
    assert_eq!(bob.my_room(room).await.unwrap()["unread_count"], 0);
    bob.post(
        &format!("/api/rooms/{room}/unread"),
        &json!({ "message_id": second["id"] }),
    )
    .await
    .expect(204);
    let mine = bob.my_room(room).await.unwrap();
    assert_eq!(
        (
            &mine["unread"],
            &mine["unread_from"],
            &mine["unread_count"],
            &mine["mention_count"]
        ),
        (&json!(true), &second["id"], &json!(2), &json!(1)),
        "{mine}"
    );

    // He saves two messages for later and drops one of them again.
    for m in [&first, &third] {
        bob.put(&format!("/api/messages/{}/bookmark", m["id"]), &json!({}))
            .await
            .expect(204);
    }
    bob.delete(&format!("/api/messages/{}/bookmark", first["id"]))
        .await
        .expect(204);
    let saved = bob.get("/api/bookmarks").await.expect(200);
    assert_eq!(
        saved["bookmarks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| &b["message"]["id"])
            .collect::<Vec<_>>(),
        vec![&third["id"]],
        "{saved}"
    );
    assert_eq!(
        ada.get("/api/bookmarks").await.expect(200)["bookmarks"],
        json!([]),
        "saved messages are personal"
    );

    // A message of another room, or none, is refused and changes nothing.
    let elsewhere = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    let other = ada.post_message(elsewhere, "elsewhere").await;
    bob.post(
        &format!("/api/rooms/{room}/unread"),
        &json!({ "message_id": other["id"] }),
    )
    .await
    .expect_error(404, "not_found");
    bob.post(&format!("/api/rooms/{room}/unread"), &json!({}))
        .await
        .expect_error(400, "bad_request");
    assert_eq!(
        bob.my_room(room).await.unwrap()["unread_from"],
        second["id"]
    );

    // Live and resumed, the same events in the same order; Ada hears of none of them.
    let resumed = bob.ws(away_from).await;
    for mut ws in [bob_ws, resumed] {
        let read = ws.expect_event("room_read").await;
        assert_eq!(read["room_id"], room);
        let marked = ws.next_event().await;
        assert_eq!(
            (
                &marked["kind"],
                &marked["room_id"],
                &marked["user_id"],
                &marked["message_id"]
            ),
            (
                &json!("room_marked_unread"),
                &json!(room),
                &json!(bob.id()),
                &second["id"]
            ),
            "{marked}"
        );
        // Then the saved messages, as he saved and unsaved them.
        for (kind, message) in [
            ("bookmark_added", &first),
            ("bookmark_added", &third),
            ("bookmark_removed", &first),
        ] {
            let event = ws.expect_event(kind).await;
            assert_eq!(
                (&event["user_id"], &event["message_id"]),
                (&json!(bob.id()), &message["id"]),
                "{event}"
            );
        }
        ws.close().await;
    }
    let next = ada_ws.next_event().await;
    assert_eq!(
        (&next["kind"], &next["room_id"]),
        (&json!("membership_added"), &json!(elsewhere)),
        "Ada's next event is the new room's, not Bob's reading: {next}"
    );
}

/// X7's threads through the API: a reply stays out of the room's history and is summed up on
/// its first message; it counts for unread and mentions, search finds it like a room message,
/// and a device that was away receives the reply and its first message's new count in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thread_replies_are_summed_up_counted_found_and_resumed_in_order() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Babbage", "bob@example.com").await;
    let room = bob.room_named("All Talk").await;
    let root = ada.post_message(room, "Lunch on Friday?").await;
    bob.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);
    ada.post(&format!("/api/rooms/{room}/read"), &json!({}))
        .await
        .expect(204);

    let away_from = ada.seq().await;
    let ada_ws = ada.ws(away_from).await;
    let reply_path = format!("/api/messages/{}/replies", root["id"]);
    let reply = bob
        .post(
            &reply_path,
            &json!({
                "client_message_id": "thread-1",
                "body_html": format!(
                    r#"<p>Yes! <span data-mention-id="{}">@Ada Lovelace</span>, the zanzibar place?</p>"#,
                    ada.id()
                ),
            }),
        )
        .await
        .expect(201)["message"]
        .clone();
    assert_eq!(reply["thread_id"], root["id"], "{reply}");
    // The same client id again is the same reply.
    let again = bob
        .post(
            &reply_path,
            &json!({ "client_message_id": "thread-1", "body_html": "<p>Yes!</p>" }),
        )
        .await
        .expect(200)["message"]
        .clone();
    assert_eq!(again["id"], reply["id"]);
    // A reply to a reply joins the same thread.
    let second = ada
        .post(
            &format!("/api/messages/{}/replies", reply["id"]),
            &json!({ "client_message_id": "thread-2", "body_html": "<p>Sure</p>" }),
        )
        .await
        .expect(201)["message"]
        .clone();
    assert_eq!(second["thread_id"], root["id"]);

    let history = ada
        .get(&format!("/api/rooms/{room}/messages"))
        .await
        .expect(200);
    let listed: Vec<&Value> = history["messages"].as_array().unwrap().iter().collect();
    assert!(
        listed.iter().all(|m| m["thread_id"].is_null()),
        "replies are not in the room's history: {history}"
    );
    let summed = listed.iter().find(|m| m["id"] == root["id"]).unwrap();
    assert_eq!(
        (
            &summed["reply_count"],
            &summed["replier_ids"],
            &summed["last_reply_at"]
        ),
        (
            &json!(2),
            &json!([ada.id(), bob.id()]),
            &second["created_at"]
        ),
        "{summed}"
    );
    for from in [&root, &second] {
        let thread = bob
            .get(&format!("/api/messages/{}/thread", from["id"]))
            .await
            .expect(200);
        assert_eq!(thread["root"]["id"], root["id"]);
        assert_eq!(
            thread["replies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| &m["id"])
                .collect::<Vec<_>>(),
            vec![&reply["id"], &second["id"]],
            "oldest first: {thread}"
        );
        assert_eq!(thread["more"], false);
    }
    let page = bob
        .get(&format!("/api/messages/{}/thread?limit=1", root["id"]))
        .await
        .expect(200);
    assert_eq!(
        (&page["replies"][0]["id"], &page["more"]),
        (&reply["id"], &json!(true))
    );

    // It counts like a room message: Bob's reply made the room unread for Ada, and mentions her.
    let mine = ada.my_room(room).await.unwrap();
    assert_eq!(
        (&mine["unread_from"], &mine["mention_count"]),
        (&reply["id"], &json!(1)),
        "{mine}"
    );
    let inbox = ada.get("/api/mentions").await.expect(200);
    assert_eq!(inbox["messages"][0]["id"], reply["id"], "{inbox}");

    // Search finds a reply, scoped like a room message.
    let started = std::time::Instant::now();
    loop {
        let found = bob.get("/api/search?q=zanzibar").await.expect(200);
        if found["results"][0]["message"]["id"] == reply["id"] {
            assert_eq!(found["results"][0]["message"]["thread_id"], root["id"]);
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{found}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // A device that was away, and one that stayed: the same events in the same order.
    let resumed = ada.ws(away_from).await;
    for mut ws in [ada_ws, resumed] {
        let created = ws.expect_event("message_created").await;
        assert_eq!(created["message"]["id"], reply["id"], "{created}");
        let edited = ws.next_event().await;
        assert_eq!(
            (
                &edited["kind"],
                &edited["message"]["id"],
                &edited["message"]["reply_count"]
            ),
            (&json!("message_edited"), &root["id"], &json!(1)),
            "{edited}"
        );
        ws.close().await;
    }

    // Deleting the first message takes the thread with it.
    ada.delete(&format!("/api/messages/{}", root["id"]))
        .await
        .expect(204);
    bob.get(&format!("/api/messages/{}/thread", reply["id"]))
        .await
        .expect_error(404, "not_found");
}

/// X7: a room's topic, leaving a closed room, and the directory of open rooms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_are_set_closed_rooms_left_and_open_rooms_listed() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Lovelace", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Babbage", "bob@example.com").await;
    let all_talk = bob.room_named("All Talk").await;
    let plans = ada
        .post(
            "/api/rooms",
            &json!({ "name": "Plans", "kind": "closed", "member_ids": [bob.id()] }),
        )
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();

    // Any member sets the topic; blank clears it; too long is refused with a reason.
    let set = bob
        .put(
            &format!("/api/rooms/{all_talk}/topic"),
            &json!({ "topic": "  Everything else " }),
        )
        .await
        .expect(200);
    assert_eq!(set["room"]["topic"], "Everything else");
    assert_eq!(
        ada.my_room(all_talk).await.unwrap()["topic"],
        "Everything else"
    );
    bob.put(
        &format!("/api/rooms/{all_talk}/topic"),
        &json!({ "topic": "x".repeat(251) }),
    )
    .await
    .expect_error(422, "unprocessable");
    let cleared = bob
        .put(
            &format!("/api/rooms/{all_talk}/topic"),
            &json!({ "topic": " " }),
        )
        .await
        .expect(200);
    assert_eq!(cleared["room"]["topic"], Value::Null);

    // Bob leaves the closed room; the open one cannot be left (it is hidden instead).
    let mut ada_ws = ada.ws(ada.seq().await).await;
    bob.delete(&format!("/api/rooms/{all_talk}/membership"))
        .await
        .expect_error(403, "forbidden");
    bob.delete(&format!("/api/rooms/{plans}/membership"))
        .await
        .expect(204);
    assert!(bob.my_room(plans).await.is_none(), "gone from his rooms");
    bob.get(&format!("/api/rooms/{plans}/messages"))
        .await
        .expect_error(404, "not_found");
    let left = ada_ws.expect_event("membership_removed").await;
    assert_eq!(
        (&left["room_id"], &left["user_id"]),
        (&json!(plans), &json!(bob.id())),
        "{left}"
    );

    // The directory lists open rooms only, hidden ones included, each as I follow it.
    bob.put(
        &format!("/api/rooms/{all_talk}/involvement"),
        &json!({ "involvement": "invisible" }),
    )
    .await
    .expect(200);
    let directory = bob.get("/api/directory").await.expect(200);
    let rooms = directory["rooms"].as_array().unwrap();
    assert_eq!(
        rooms
            .iter()
            .map(|r| (&r["id"], &r["involvement"]))
            .collect::<Vec<_>>(),
        vec![(&json!(all_talk), &json!("invisible"))],
        "{directory}"
    );
}
