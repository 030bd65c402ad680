//! The authorization matrix (quality.md, battery item 3), generated rather than written out:
//! every route the router lists (`campfire_http::routes()`), called by every kind of caller —
//! nobody, members inside and outside the room, the room's creator, an administrator, a bot by
//! its key and by a wrong key — on every kind of room (open, closed, direct) and with foreign
//! and missing ids. Each expected answer comes from the route's guard and the one policy
//! (`campfire_domain::authorize`), not from this file. A route without a sample request here
//! fails the test, so a new route cannot go unchecked.
//!
//! Beyond status codes: every answer and every live frame (replayed from the start) is searched
//! for the secret word of each room the caller is not in — search, autocomplete, unread counts
//! and room lists included — and the refused writes must leave everything as it was.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use campfire_domain::{Actor, Denied, Role, RoomFacts, RoomKind, UserId, UserStatus, authorize};
use campfire_http::{Guard, Route};
use common::{Client, Incoming, Server, Ws, client_id, first_run, join};
use reqwest::Method;
use serde_json::{Value, json};

/// An id nothing has.
const MISSING: i64 = 987_654;

struct Person {
    name: &'static str,
    client: Client,
    role: Role,
}

impl Person {
    fn id(&self) -> i64 {
        self.client.id()
    }
}

struct RoomInfo {
    id: i64,
    kind: RoomKind,
    creator: i64,
    members: Vec<i64>,
    /// A word in the room's name (unless direct) and in every message of it: whoever is not a
    /// member must never see it.
    secret: String,
}

struct MessageInfo {
    id: i64,
    room: usize,
    author: i64,
}

struct BoostInfo {
    id: i64,
    message: usize,
    booster: i64,
}

struct World {
    /// Held so the server runs as long as the world.
    _server: Server,
    /// Ada (administrator), Bob and Cy (members).
    people: Vec<Person>,
    bot: i64,
    bot_key: String,
    rooms: Vec<RoomInfo>,
    messages: Vec<MessageInfo>,
    boosts: Vec<BoostInfo>,
    /// Each person's session ids.
    sessions: BTreeMap<i64, Vec<i64>>,
    /// A client without a session (one, so its connections are reused).
    nobody: Client,
}

/// Who calls.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Nobody,
    Person(usize),
    Bot,
    BotWithWrongKey,
}

/// What the guard and the policy say should happen.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Refused with one of these statuses.
    Refused(&'static [u16]),
    /// Allowed.
    Allowed,
    /// A public route: anything but a server error (and no secrets).
    Public,
}

fn secret(label: &str) -> String {
    format!("zebra{label}")
}

async fn world() -> World {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;
    let cy = join(&server, &code, "Cy Member", "cy@example.com").await;
    let (a, b, c) = (ada.id(), bob.id(), cy.id());

    let bot = ada
        .post("/api/bots", &json!({ "name": "Hal" }))
        .await
        .expect(201);
    let bot_key = bot["bot"]["key"].as_str().unwrap().to_owned();
    let bot = bot["bot"]["user"]["id"].as_i64().unwrap();

    let people = vec![
        Person {
            name: "Ada (administrator)",
            client: ada,
            role: Role::Administrator,
        },
        Person {
            name: "Bob",
            client: bob,
            role: Role::Member,
        },
        Person {
            name: "Cy",
            client: cy,
            role: Role::Member,
        },
    ];
    let by_id = |id: i64| people.iter().find(|p| p.id() == id).unwrap();

    // Every active user is in an open room, the bot too.
    let all_talk = people[0].client.room_named("All Talk").await;
    people[0]
        .client
        .patch(
            &format!("/api/rooms/{all_talk}"),
            &json!({ "name": format!("All Talk {}", secret("open")) }),
        )
        .await
        .expect(200);
    let mut rooms = vec![RoomInfo {
        id: all_talk,
        kind: RoomKind::Open,
        creator: a,
        members: vec![a, b, c, bot],
        secret: secret("open"),
    }];
    // Closed rooms made by an administrator and by a member, one room of Cy's alone, and a
    // direct room of Ada and Bob.
    for (label, creator, others) in [
        ("adaplans", a, vec![b]),
        ("bobplans", b, vec![c]),
        ("cyalone", c, vec![]),
    ] {
        let name = format!("Plans {}", secret(label));
        let id = by_id(creator)
            .client
            .post(
                "/api/rooms",
                &json!({ "name": name, "kind": "closed", "member_ids": others }),
            )
            .await
            .expect(201)["room"]["id"]
            .as_i64()
            .unwrap();
        let mut members = others.clone();
        members.push(creator);
        rooms.push(RoomInfo {
            id,
            kind: RoomKind::Closed,
            creator,
            members,
            secret: secret(label),
        });
    }
    let direct = people[0]
        .client
        .post("/api/rooms/direct", &json!({ "user_ids": [b] }))
        .await
        .expect(201)["room"]["id"]
        .as_i64()
        .unwrap();
    rooms.push(RoomInfo {
        id: direct,
        kind: RoomKind::Direct,
        creator: a,
        members: vec![a, b],
        secret: secret("direct"),
    });

    // Every member writes in every room of theirs, and boosts the next member's message.
    let mut messages = Vec::new();
    let mut boosts = Vec::new();
    for (index, room) in rooms.iter().enumerate() {
        let writers: Vec<i64> = room.members.iter().copied().filter(|m| *m != bot).collect();
        let first = messages.len();
        for author in &writers {
            let message = by_id(*author)
                .client
                .post_message(
                    room.id,
                    &format!("<p>zebra {} from {author}</p>", room.secret),
                )
                .await;
            messages.push(MessageInfo {
                id: message["id"].as_i64().unwrap(),
                room: index,
                author: *author,
            });
        }
        for (offset, booster) in writers.iter().enumerate() {
            let message = first + (offset + 1) % writers.len();
            let boost = by_id(*booster)
                .client
                .post(
                    &format!("/api/messages/{}/boosts", messages[message].id),
                    &json!({ "content": "yes" }),
                )
                .await
                .expect(201);
            boosts.push(BoostInfo {
                id: boost["boost"]["id"].as_i64().unwrap(),
                message,
                booster: *booster,
            });
        }
    }
    // The bot writes and boosts in the open room through its key.
    let anyone = Client::anonymous(server.addr);
    let posted = anyone
        .raw(
            Method::POST,
            &format!("/rooms/{all_talk}/{bot_key}/messages"),
            "text/plain",
            format!("zebra {} from the bot", secret("open")),
        )
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text());
    let bot_message = all_messages_of(&people[0].client, all_talk)
        .await
        .iter()
        .find(|m| m["author_id"] == bot)
        .map(|m| m["id"].as_i64().unwrap())
        .unwrap();
    messages.push(MessageInfo {
        id: bot_message,
        room: 0,
        author: bot,
    });
    let boost = anyone
        .raw(
            Method::POST,
            &format!(
                "/rooms/{all_talk}/{bot_key}/messages/{}/boosts",
                messages[0].id
            ),
            "text/plain",
            "beep",
        )
        .await;
    assert_eq!(boost.status, 201, "{}", boost.text());
    boosts.push(BoostInfo {
        id: boost.json()["id"].as_i64().unwrap(),
        message: 0,
        booster: bot,
    });

    let mut sessions = BTreeMap::new();
    for person in &people {
        let list = person.client.get("/api/sessions").await.expect(200);
        let ids: Vec<i64> = list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert!(!ids.is_empty(), "{list}");
        sessions.insert(person.id(), ids);
    }

    World {
        _server: server,
        people,
        bot,
        bot_key,
        rooms,
        messages,
        boosts,
        sessions,
        nobody: anyone,
    }
}

async fn all_messages_of(client: &Client, room: i64) -> Vec<Value> {
    client.all_messages(room).await
}

/// The request a route is tried with: a query to add and a body. Every listed route needs one.
fn sample(route: &Route) -> (&'static str, Option<Body>) {
    let json = |v: Value| Some(Body::Json(v));
    let text = |t: &'static str| Some(Body::Text(t));
    let key = (route.method.as_str(), route.path.as_str());
    match key {
        ("GET", _) if route.path.ends_with("/autocomplete") => ("?q=zebra", None),
        ("GET", "/api/search") => ("?q=zebra", None),
        ("GET", "/api/live") => ("?since=0", None),
        ("GET", _) | ("DELETE", _) => ("", None),
        ("POST", "/api/first_run" | "/api/join/{code}") => (
            "",
            json(
                json!({ "name": "Mallory", "email": "mallory@example.com", "password": "a long enough password" }),
            ),
        ),
        ("POST", "/api/session") => (
            "",
            json(json!({ "email": "nobody@example.com", "password": "not the password" })),
        ),
        ("POST", "/api/transfer_link") => ("", json(json!({}))),
        ("POST", "/api/transfer/{token}") => ("", None),
        ("PATCH", "/api/users/{id}") => ("", json(json!({ "role": "administrator" }))),
        (
            "POST",
            "/api/users/{id}/deactivate" | "/api/users/{id}/ban" | "/api/users/{id}/unban",
        ) => ("", json(json!({}))),
        ("PATCH", "/api/me") => ("", json(json!({ "name": "Renamed" }))),
        ("PATCH", "/api/account") => ("", json(json!({ "name": "Taken over" }))),
        ("POST", "/api/account/join_code" | "/api/bots/{id}/key") => ("", json(json!({}))),
        ("POST" | "PATCH", "/api/bots" | "/api/bots/{id}") => {
            ("", json(json!({ "name": "Evil bot" })))
        }
        ("POST", "/api/rooms") => (
            "",
            json(json!({ "name": "New room", "kind": "closed", "member_ids": [] })),
        ),
        ("POST", "/api/rooms/direct") => ("", json(json!({ "user_ids": [1] }))),
        ("PATCH", "/api/rooms/{id}") => ("", json(json!({ "name": "Mine now" }))),
        ("PUT", "/api/rooms/{id}/involvement") => ("", json(json!({ "involvement": "nothing" }))),
        ("POST", "/api/rooms/{id}/read") => ("", None),
        ("POST", "/api/rooms/{id}/unread") => ("", json(json!({ "message_id": 1 }))),
        ("PUT", "/api/messages/{id}/bookmark") => ("", None),
        ("POST", "/api/rooms/{id}/messages") => (
            "",
            json(json!({ "client_message_id": client_id(), "body_html": "let me in" })),
        ),
        ("POST", "/api/messages/{id}/replies") => (
            "",
            json(json!({ "client_message_id": client_id(), "body_html": "let me in" })),
        ),
        ("PUT", "/api/rooms/{id}/topic") => ("", json(json!({ "topic": "Mine now" }))),
        ("PATCH", "/api/messages/{id}") => ("", json(json!({ "body_html": "defaced" }))),
        ("POST", "/api/messages/{id}/boosts") => ("", json(json!({ "content": "mine" }))),
        ("POST", "/api/searches") => ("", json(json!({ "query": "zebra" }))),
        ("POST", "/api/push/subscriptions") => (
            "",
            json(
                json!({ "endpoint": "https://push.example.com/x", "keys": { "p256dh": "BAAA", "auth": "AAAA" } }),
            ),
        ),
        ("POST", "/api/rooms/{id}/attachments") => (
            "",
            Some(Body::Form(
                "--x\r\nContent-Disposition: form-data; name=\"client_message_id\"\r\n\r\nmatrix1\r\n\
                 --x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.txt\"\r\n\r\nlet me in\r\n--x--\r\n",
            )),
        ),
        ("PUT", "/api/me/avatar" | "/api/bots/{id}/avatar" | "/api/account/logo") => (
            "",
            Some(Body::Form(
                "--x\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"p.png\"\r\n\r\nnot a picture\r\n--x--\r\n",
            )),
        ),
        ("POST", "/rooms/{room}/{key}/messages") => ("", text("let me in")),
        ("PUT" | "PATCH", "/rooms/{room}/{key}/messages/{id}") => ("", text("defaced")),
        ("POST", "/rooms/{room}/{key}/messages/{id}/boosts") => ("", text("mine")),
        _ => panic!(
            "the route {} {} has no sample request in the authorization matrix: add one",
            route.method, route.path
        ),
    }
}

enum Body {
    Json(Value),
    Text(&'static str),
    /// A multipart form (boundary `x`).
    Form(&'static str),
}

/// One call to make: the path with ids filled in, and what should happen.
struct Case {
    path: String,
    expect: Expect,
    /// What the ids were, for messages.
    about: String,
}

fn actor(world: &World, caller: Caller) -> Option<Actor> {
    match caller {
        Caller::Nobody | Caller::BotWithWrongKey => None,
        Caller::Person(index) => Some(Actor {
            id: UserId(world.people[index].id()),
            role: world.people[index].role,
            status: UserStatus::Active,
        }),
        Caller::Bot => Some(Actor {
            id: UserId(world.bot),
            role: Role::Bot,
            status: UserStatus::Active,
        }),
    }
}

fn facts(room: &RoomInfo, actor: &Actor) -> RoomFacts {
    RoomFacts {
        kind: room.kind,
        creator: UserId(room.creator),
        actor_is_member: room.members.contains(&actor.id.0),
    }
}

fn judged(decision: Result<(), Denied>) -> Expect {
    match decision {
        Ok(()) => Expect::Allowed,
        Err(Denied::NotFound) => Expect::Refused(&[404]),
        Err(Denied::Forbidden) => Expect::Refused(&[403]),
        Err(Denied::NotActive) => Expect::Refused(&[401]),
    }
}

/// Every way to fill in the route's ids, and what the caller should get for each.
fn cases(world: &World, route: &Route, caller: Caller) -> Vec<Case> {
    let path = route.path.as_str();
    let fill = |pairs: &[(&str, String)]| {
        let mut filled = path.to_owned();
        for (name, value) in pairs {
            filled = filled.replace(&format!("{{{name}}}"), value);
        }
        assert!(
            !filled.contains('{'),
            "{path}: an id the matrix does not fill in"
        );
        filled
    };
    let case = |pairs: &[(&str, String)], expect: Expect, about: String| Case {
        path: fill(pairs),
        expect,
        about,
    };
    let bot_route = matches!(
        route.guard,
        Guard::BotRoom(_) | Guard::BotMessage(_) | Guard::BotBoost(_)
    );
    let actor = actor(world, caller);
    // Cookie routes: nobody signed in is turned away before anything else.
    if !bot_route && !matches!(route.guard, Guard::Public) && actor.is_none() {
        return vec![case(
            &other_ids(world, path, caller),
            Expect::Refused(&[401]),
            "signed out".into(),
        )];
    }
    let key = match caller {
        Caller::BotWithWrongKey => format!("{}-{}", world.bot, "x".repeat(24)),
        _ => world.bot_key.clone(),
    };
    let missing = MISSING.to_string();
    let mut out = Vec::new();
    match route.guard {
        Guard::Public => out.push(case(
            &other_ids(world, path, caller),
            Expect::Public,
            "public".into(),
        )),
        Guard::SignedIn => {
            out.push(case(
                &other_ids(world, path, caller),
                Expect::Allowed,
                "own".into(),
            ));
            if path.contains("{id}") {
                out.push(case(
                    &[("id", missing)],
                    Expect::Refused(&[404]),
                    "missing id".into(),
                ));
            }
        }
        Guard::Account(action) => {
            let actor = actor.unwrap();
            let expect = judged(authorize(&actor, &action));
            out.push(case(
                &other_ids(world, path, caller),
                expect,
                format!("{action:?}"),
            ));
            if path.contains("{id}") {
                let expect = match expect {
                    Expect::Allowed => Expect::Refused(&[404]),
                    _ => Expect::Refused(&[403, 404]),
                };
                out.push(case(&[("id", missing)], expect, "missing id".into()));
            }
        }
        Guard::Own => {
            let me = actor.unwrap().id.0;
            // Another person's things (never one's own: that would sign the caller out).
            if path.starts_with("/api/sessions/") {
                for (owner, ids) in &world.sessions {
                    if *owner != me {
                        for id in ids {
                            out.push(case(
                                &[("id", id.to_string())],
                                Expect::Refused(&[404]),
                                format!("session of {owner}"),
                            ));
                        }
                    }
                }
            }
            out.push(case(
                &[("id", missing)],
                Expect::Refused(&[404]),
                "missing id".into(),
            ));
        }
        Guard::Room(action) => {
            let actor = actor.unwrap();
            for room in &world.rooms {
                let expect = judged(authorize(&actor, &action(facts(room, &actor))));
                out.push(case(
                    &[("id", room.id.to_string())],
                    expect,
                    format!("room {}", room.secret),
                ));
            }
            out.push(case(
                &[("id", missing)],
                Expect::Refused(&[404]),
                "missing room".into(),
            ));
        }
        Guard::Message(action) => {
            let actor = actor.unwrap();
            for message in &world.messages {
                let room = &world.rooms[message.room];
                let decision =
                    authorize(&actor, &action(facts(room, &actor), UserId(message.author)));
                out.push(case(
                    &[("id", message.id.to_string())],
                    judged(decision),
                    format!("message by {} in {}", message.author, room.secret),
                ));
            }
            out.push(case(
                &[("id", missing)],
                Expect::Refused(&[404]),
                "missing message".into(),
            ));
        }
        Guard::Boost(action) => {
            let actor = actor.unwrap();
            for boost in &world.boosts {
                let room = &world.rooms[world.messages[boost.message].room];
                let decision =
                    authorize(&actor, &action(facts(room, &actor), UserId(boost.booster)));
                out.push(case(
                    &[("id", boost.id.to_string())],
                    judged(decision),
                    format!("boost by {} in {}", boost.booster, room.secret),
                ));
            }
            out.push(case(
                &[("id", missing)],
                Expect::Refused(&[404]),
                "missing boost".into(),
            ));
        }
        Guard::BotRoom(action) => {
            for room in &world.rooms {
                let expect = match actor {
                    None => Expect::Refused(&[404]),
                    Some(bot) => judged(authorize(&bot, &action(facts(room, &bot)))),
                };
                out.push(case(
                    &[("room", room.id.to_string()), ("key", key.clone())],
                    expect,
                    format!("room {}", room.secret),
                ));
            }
            out.push(case(
                &[("room", missing), ("key", key)],
                Expect::Refused(&[404]),
                "missing room".into(),
            ));
        }
        Guard::BotMessage(action) => {
            // Every message through every room: one of another room is not found.
            for (index, room) in world.rooms.iter().enumerate() {
                for message in &world.messages {
                    let expect = match actor {
                        Some(bot) if message.room == index => judged(authorize(
                            &bot,
                            &action(facts(room, &bot), UserId(message.author)),
                        )),
                        _ => Expect::Refused(&[404]),
                    };
                    out.push(case(
                        &[
                            ("room", room.id.to_string()),
                            ("key", key.clone()),
                            ("id", message.id.to_string()),
                        ],
                        expect,
                        format!("message by {} through room {}", message.author, room.secret),
                    ));
                }
            }
        }
        Guard::BotBoost(action) => {
            // Every boost through its own message and room, and through another message.
            for boost in &world.boosts {
                let message = &world.messages[boost.message];
                let room = &world.rooms[message.room];
                for through in &world.messages {
                    let through_room = &world.rooms[through.room];
                    let expect = match actor {
                        Some(bot) if through.id == message.id => match judged(authorize(
                            &bot,
                            &action(facts(room, &bot), UserId(boost.booster)),
                        )) {
                            // As the original: it looks among the bot's own boosts only, so
                            // another's is not found rather than forbidden.
                            Expect::Refused(&[403]) => Expect::Refused(&[404]),
                            judged => judged,
                        },
                        _ => Expect::Refused(&[404]),
                    };
                    out.push(case(
                        &[
                            ("room", through_room.id.to_string()),
                            ("key", key.clone()),
                            ("id", through.id.to_string()),
                            ("boost", boost.id.to_string()),
                        ],
                        expect,
                        format!(
                            "boost by {} through a message in {}",
                            boost.booster, through_room.secret
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Ids for routes whose ids are not rooms, messages or boosts.
fn other_ids(world: &World, path: &str, caller: Caller) -> Vec<(&'static str, String)> {
    let someone_else = match caller {
        Caller::Person(index) => world.people[(index + 1) % world.people.len()].id(),
        _ => world.people[1].id(),
    };
    let mut ids = Vec::new();
    for (name, value) in [
        ("code", "not-the-join-code".to_owned()),
        ("token", "not-a-token".to_owned()),
        ("file", "no-such-icon.png".to_owned()),
        ("room", world.rooms[1].id.to_string()),
        ("key", world.bot_key.clone()),
        ("boost", world.boosts[0].id.to_string()),
    ] {
        if path.contains(&format!("{{{name}}}")) {
            ids.push((name, value));
        }
    }
    if path.contains("{id}") {
        let id = if path.starts_with("/api/bots/") {
            world.bot
        } else if path.starts_with("/api/users/") {
            someone_else
        } else if path.starts_with("/api/rooms/") {
            world.rooms[1].id
        } else if path.starts_with("/api/messages/") {
            world.messages[0].id
        } else {
            MISSING
        };
        ids.push(("id", id.to_string()));
    }
    ids
}

fn client_of(world: &World, caller: Caller) -> Client {
    match caller {
        Caller::Person(index) => world.people[index].client.clone(),
        _ => world.nobody.clone(),
    }
}

/// The secret words `caller` may not see.
fn hidden_from(world: &World, caller: Caller) -> Vec<String> {
    let me = match caller {
        Caller::Person(index) => Some(world.people[index].id()),
        Caller::Bot => Some(world.bot),
        Caller::Nobody | Caller::BotWithWrongKey => None,
    };
    world
        .rooms
        .iter()
        .filter(|room| me.is_none_or(|me| !room.members.contains(&me)))
        .map(|room| room.secret.clone())
        .collect()
}

fn describe(caller: Caller, world: &World) -> String {
    match caller {
        Caller::Person(index) => world.people[index].name.to_owned(),
        other => format!("{other:?}"),
    }
}

/// What every person sees of everything: refused writes must leave it as it was.
async fn everything(world: &World) -> Value {
    let mut seen = serde_json::Map::new();
    for person in &world.people {
        let client = &person.client;
        let mut rooms = Vec::new();
        let (list, _) = client.rooms().await;
        for room in list {
            let id = room["id"].as_i64().unwrap();
            let messages: Vec<Value> = client
                .all_messages(id)
                .await
                .iter()
                .map(|m| json!([m["id"], m["body_html"], m["boosts"]]))
                .collect();
            rooms.push(json!([
                id,
                room["name"],
                room["kind"],
                room["involvement"],
                messages
            ]));
        }
        let users = client.get("/api/users").await.expect(200);
        let users: Vec<Value> = users["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| json!([u["id"], u["name"], u["role"], u["status"]]))
            .collect();
        let sessions = client.get("/api/sessions").await.expect(200);
        let sessions: Vec<Value> = sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].clone())
            .collect();
        seen.insert(
            person.name.into(),
            json!({ "rooms": rooms, "users": users, "sessions": sessions }),
        );
    }
    let bots = world.people[0].client.get("/api/bots").await.expect(200);
    let bots: Vec<Value> = bots["bots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!([b["user"]["id"], b["user"]["name"], b["key"]]))
        .collect();
    seen.insert("bots".into(), json!(bots));
    let account = world.people[0].client.get("/api/account").await.expect(200);
    seen.insert("account".into(), account);
    Value::Object(seen)
}

/// Everything a socket sends until it is quiet for a moment.
async fn frames(ws: &mut Ws) -> String {
    let mut text = String::new();
    while let Some(incoming) = ws.raw_next(Duration::from_millis(300)).await {
        match incoming {
            Incoming::Text(value) => {
                text.push_str(&value.to_string());
                text.push('\n');
            }
            Incoming::Ping => {}
            Incoming::Close(code) => panic!("a socket closed ({code:?}) during the matrix"),
            Incoming::Ended(why) => panic!("a socket ended during the matrix: {why}"),
        }
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_the_policy_says_and_leaks_nothing() {
    let world = world().await;
    // Sockets replaying everything from the start, for the leak check at the end.
    let mut sockets = Vec::new();
    for person in &world.people {
        sockets.push(person.client.ws(0).await);
    }
    let before = everything(&world).await;

    let routes = campfire_http::routes();
    assert!(
        routes.len() > 50,
        "the router lists {} routes",
        routes.len()
    );
    let mut failures = Vec::new();
    let (mut sent, mut refused, mut allowed, mut skipped) = (0, 0, 0, 0);
    let mut per_guard: BTreeMap<String, usize> = BTreeMap::new();
    for route in &routes {
        let bot_route = matches!(
            route.guard,
            Guard::BotRoom(_) | Guard::BotMessage(_) | Guard::BotBoost(_)
        );
        let callers: Vec<Caller> = if bot_route {
            vec![Caller::Bot, Caller::BotWithWrongKey]
        } else {
            let mut all = vec![Caller::Nobody];
            all.extend((0..world.people.len()).map(Caller::Person));
            all
        };
        for caller in callers {
            for case in cases(&world, route, caller) {
                let (query, body) = sample(route);
                // Allowed writes are the functional tests' business: they would change the
                // world this matrix checks stays unchanged.
                if case.expect == Expect::Allowed && route.method != Method::GET {
                    skipped += 1;
                    continue;
                }
                let client = client_of(&world, caller);
                let request =
                    client.request(route.method.clone(), &format!("{}{query}", case.path));
                let request = match body {
                    Some(Body::Json(value)) => request
                        .header("content-type", "application/json")
                        .body(value.to_string()),
                    Some(Body::Text(text)) => {
                        request.header("content-type", "text/plain").body(text)
                    }
                    Some(Body::Form(form)) => request
                        .header("content-type", "multipart/form-data; boundary=x")
                        .body(form),
                    None => request,
                };
                let resp = client.send(request).await;
                sent += 1;
                *per_guard
                    .entry(guard_name(&route.guard).into())
                    .or_default() += 1;
                let what = format!(
                    "{} {}{query} by {} ({}): {} {}",
                    route.method,
                    case.path,
                    describe(caller, &world),
                    case.about,
                    resp.status,
                    String::from_utf8_lossy(&resp.body)
                        .chars()
                        .take(160)
                        .collect::<String>()
                );
                let status_ok = match case.expect {
                    Expect::Refused(statuses) => {
                        refused += 1;
                        statuses.contains(&resp.status)
                    }
                    Expect::Allowed => {
                        allowed += 1;
                        if route.path == "/api/live" {
                            // A plain GET is not an upgrade: refused as such, not as unauthorised.
                            resp.status == 400 || resp.status == 426
                        } else if route.path.ends_with("/file")
                            || route.path.ends_with("/thumbnail")
                            || route.path.ends_with("/avatar")
                            || route.path.ends_with("/preview_image")
                        {
                            // The world's messages are text and its people have no pictures:
                            // an allowed reader is told there is none, not that it is out of
                            // reach.
                            let text = resp.text();
                            (200..300).contains(&resp.status)
                                || (resp.status == 404
                                    && (text.contains("File not found.")
                                        || text.contains("Thumbnail not found.")
                                        || text.contains("Avatar not found.")
                                        || text.contains("Preview image not found.")))
                        } else {
                            (200..300).contains(&resp.status)
                        }
                    }
                    Expect::Public => resp.status < 500,
                };
                if !status_ok {
                    failures.push(format!("expected {:?}: {what}", case.expect));
                }
                let body = String::from_utf8_lossy(&resp.body);
                for word in hidden_from(&world, caller) {
                    if body.contains(&word) {
                        failures.push(format!("leaked {word}: {what}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {sent}:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Refused writes changed nothing.
    assert_eq!(
        everything(&world).await,
        before,
        "a refused request changed something"
    );

    // The sockets never carried a word of a room their person is not in.
    for (index, ws) in sockets.iter_mut().enumerate() {
        let seen = frames(ws).await;
        assert!(
            seen.contains(&secret("open")),
            "the replay carried the open room"
        );
        for word in hidden_from(&world, Caller::Person(index)) {
            assert!(
                !seen.contains(&word),
                "{}'s socket carried {word}",
                world.people[index].name
            );
        }
    }
    super::soak::report(
        3,
        "authorization matrix",
        &format!(
            "{} listed routes × nobody, 3 people (administrator, member, outsider) or a bot by right and wrong key × 5 rooms (open, closed by an administrator, by a member, of one, direct) × foreign and missing ids: {sent} requests ({refused} to be refused, {allowed} allowed reads; {skipped} allowed writes left to the functional tests); by guard {per_guard:?}",
            routes.len()
        ),
        "every answer as the guard and the policy say; no secret word of a room in any answer to, or replayed frame for, someone outside it; the refused writes changed nothing",
        "nothing",
    );
}

fn guard_name(guard: &Guard) -> &'static str {
    match guard {
        Guard::Public => "public",
        Guard::SignedIn => "signed-in",
        Guard::Account(_) => "account",
        Guard::Room(_) => "room",
        Guard::Message(_) => "message",
        Guard::Boost(_) => "boost",
        Guard::Own => "own",
        Guard::BotRoom(_) | Guard::BotMessage(_) | Guard::BotBoost(_) => "bot",
    }
}

/// The table lists what the router serves: each listed route answers (not with the router's
/// own 404 or 405), and a path that is not listed gets the API's "no such route".
#[tokio::test]
async fn the_listed_routes_are_the_routed_ones() {
    let server = Server::start(&[]).await;
    let anyone = Client::anonymous(server.addr);
    for route in campfire_http::routes() {
        let path = route.path.replace("{key}", "1-abc").replace(['{', '}'], "");
        let resp = anyone
            .send(anyone.request(route.method.clone(), &path))
            .await;
        assert_ne!(
            resp.status, 405,
            "{} {path} is listed but not routed",
            route.method
        );
        if resp.status == 404 {
            let body = resp.json();
            assert_ne!(
                body["error"]["message"], "Route not found.",
                "{} {path} is listed but not routed: {body}",
                route.method
            );
        }
    }
}
