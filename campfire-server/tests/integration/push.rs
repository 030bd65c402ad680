//! Web Push (N1) end to end: a fake push service on loopback does what a real one does. It
//! checks every push's VAPID JWT (ES256) against the public key the server hands browsers, with
//! `aud` = the endpoint's origin, `exp` in the future (at most a day ahead) and `sub` present,
//! and decrypts the `aes128gcm` body (RFC 8291/8188) with the private key and auth secret of the
//! "browser" that subscribed. The tests assert on the decrypted notification.

use crate::common;
use crate::common::wait_until;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64ct::{Base64UrlUnpadded, Encoding};
use common::{Client, Server, first_run, join, sign_in};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};

pub(crate) const PRIVATE: &[&str] = &["--allow-private-webhooks", "--webhook-retry-base", "0.1"];

/// How the push service answers a browser's endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// 201 Created, as real push services answer.
    Accept,
    /// 410 Gone: the browser unsubscribed.
    Gone,
    /// 404 Not Found: the subscription expired.
    NotFound,
    /// 201, after a pause.
    Slow(Duration),
    /// This 4xx status (a push the service will not take, whatever the reason).
    Reject(u16),
}

/// A browser as far as push goes: its key pair and auth secret.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        let mut bytes = [0u8; 32];
        let secret = loop {
            getrandom::fill(&mut bytes).unwrap();
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
                break secret;
            }
        };
        let mut auth = [0u8; 16];
        getrandom::fill(&mut auth).unwrap();
        Browser { secret, auth }
    }

    fn p256dh(&self) -> String {
        let point = self.secret.public_key().to_encoded_point(false);
        Base64UrlUnpadded::encode_string(point.as_bytes())
    }
}

/// One push as the service received and checked it.
#[derive(Clone, Debug)]
pub(crate) struct Push {
    browser: String,
    pub(crate) payload: Value,
    urgency: Option<String>,
    ttl: Option<String>,
}

#[derive(Default)]
struct Books {
    browsers: HashMap<String, Browser>,
    answers: HashMap<String, Answer>,
    pushes: Vec<Push>,
    /// Pushes refused because their JWT or encryption was wrong: must stay empty.
    rejected: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct PushService {
    addr: SocketAddr,
    /// The VAPID public key the server gives browsers (uncompressed point, base64url).
    vapid: Arc<Mutex<String>>,
    books: Arc<Mutex<Books>>,
}

impl PushService {
    pub(crate) async fn start() -> PushService {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let service = PushService {
            addr: listener.local_addr().unwrap(),
            vapid: Arc::default(),
            books: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/push/{browser}", post(receive))
            .with_state(service.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        service
    }

    fn endpoint(&self, browser: &str) -> String {
        format!("http://{}/push/{browser}", self.addr)
    }

    /// Subscribes `client`'s browser called `name`, as the app does after the bell is clicked.
    pub(crate) async fn subscribe(&self, client: &Client, name: &str) -> Value {
        let key = client.get("/api/push/key").await.expect(200);
        *self.vapid.lock().unwrap() = key["public_key"].as_str().unwrap().to_owned();
        let browser = Browser::new();
        let body = json!({
            "endpoint": self.endpoint(name),
            "expirationTime": null,
            "keys": { "p256dh": browser.p256dh(), "auth": Base64UrlUnpadded::encode_string(&browser.auth) },
        });
        {
            let mut books = self.books.lock().unwrap();
            books.browsers.insert(name.to_owned(), browser);
            books.answers.insert(name.to_owned(), Answer::Accept);
        }
        client
            .post("/api/push/subscriptions", &body)
            .await
            .expect(201)
    }

    fn answer(&self, browser: &str, answer: Answer) {
        self.books
            .lock()
            .unwrap()
            .answers
            .insert(browser.to_owned(), answer);
    }

    pub(crate) fn pushes(&self) -> Vec<Push> {
        let books = self.books.lock().unwrap();
        assert!(
            books.rejected.is_empty(),
            "the push service refused pushes: {:?}",
            books.rejected
        );
        books.pushes.clone()
    }

    fn pushes_to(&self, browser: &str) -> Vec<Value> {
        self.pushes()
            .into_iter()
            .filter(|p| p.browser == browser)
            .map(|p| p.payload)
            .collect()
    }

    /// Waits for `n` pushes in all.
    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Push> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let pushes = self.pushes();
            if pushes.len() >= n || tokio::time::Instant::now() > deadline {
                return pushes;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Checks the VAPID header against the server's public key and the endpoint's origin.
fn check_vapid(service: &PushService, headers: &HeaderMap) -> Result<(), String> {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("vapid ")
        .ok_or("not a vapid Authorization")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = (token.ok_or("no t=")?, key.ok_or("no k=")?);
    let served = service.vapid.lock().unwrap().clone();
    if key != served {
        return Err(format!("k={key} is not the served key {served}"));
    }
    // Verify with the key the server served to browsers, not the one in the header.
    let point = Base64UrlUnpadded::decode_vec(&served).map_err(|e| e.to_string())?;
    let decoding = jsonwebtoken::DecodingKey::from_ec_der(&point);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    let origin = format!("http://{}", service.addr);
    validation.set_audience(&[&origin]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    validation.leeway = 0;
    let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .map_err(|e| format!("the JWT does not verify: {e}"))?
        .claims;
    let (aud, exp, sub) = (
        claims["aud"].as_str().unwrap_or_default(),
        claims["exp"].as_u64().unwrap_or_default(),
        claims["sub"].as_str().unwrap_or_default(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    if exp > now + 24 * 3600 {
        return Err("exp is more than 24 hours ahead".into());
    }
    if aud != origin {
        return Err(format!("aud {aud} is not {origin}"));
    }
    if !(sub.starts_with("mailto:") || sub.starts_with("https:")) {
        return Err(format!("sub {sub} is not a contact"));
    }
    Ok(())
}

async fn receive(
    State(service): State<PushService>,
    Path(browser): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |why: String, status: StatusCode| {
        service
            .books
            .lock()
            .unwrap()
            .rejected
            .push(format!("{browser}: {why}"));
        status.into_response()
    };
    if let Err(why) = check_vapid(&service, &headers) {
        return refuse(why, StatusCode::FORBIDDEN);
    }
    if headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        != Some("aes128gcm")
    {
        return refuse("not aes128gcm".into(), StatusCode::BAD_REQUEST);
    }
    let answer = {
        let books = service.books.lock().unwrap();
        let Some(subscriber) = books.browsers.get(&browser) else {
            drop(books);
            return refuse("no such browser".into(), StatusCode::NOT_FOUND);
        };
        let auth = web_push_native::Auth::from(subscriber.auth);
        let plain = match web_push_native::decrypt(body.to_vec(), &subscriber.secret, &auth) {
            Ok(plain) => plain,
            Err(e) => {
                drop(books);
                return refuse(format!("could not decrypt: {e}"), StatusCode::BAD_REQUEST);
            }
        };
        let answer = books
            .answers
            .get(&browser)
            .copied()
            .unwrap_or(Answer::Accept);
        drop(books);
        let payload: Value = serde_json::from_slice(&plain).unwrap();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let push = Push {
            browser: browser.clone(),
            payload,
            urgency: header("urgency"),
            ttl: header("ttl"),
        };
        service.books.lock().unwrap().pushes.push(push);
        answer
    };
    match answer {
        Answer::Accept => StatusCode::CREATED.into_response(),
        Answer::Gone => StatusCode::GONE.into_response(),
        Answer::NotFound => StatusCode::NOT_FOUND.into_response(),
        Answer::Slow(pause) => {
            tokio::time::sleep(pause).await;
            StatusCode::CREATED.into_response()
        }
        Answer::Reject(status) => StatusCode::from_u16(status).unwrap().into_response(),
    }
}

fn chip(id: i64, name: &str) -> String {
    format!(r#"<span data-mention-id="{id}">@{name}</span>"#)
}

pub(crate) async fn involvement(client: &Client, room: i64, level: &str) {
    client
        .put(
            &format!("/api/rooms/{room}/involvement"),
            &json!({ "involvement": level }),
        )
        .await
        .expect(200);
}

/// Ada (admin), Bob and Cy, each with a subscribed browser named after them.
async fn three_people(server: &Server, push: &PushService) -> (Client, Client, Client, i64) {
    let ada = first_run(server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(server, &code, "Bob Member", "bob@example.com").await;
    let cy = join(server, &code, "Cy Member", "cy@example.com").await;
    let all_talk = ada.room_named("All Talk").await;
    for (client, name) in [(&ada, "ada"), (&bob, "bob"), (&cy, "cy")] {
        push.subscribe(client, name).await;
    }
    (ada, bob, cy, all_talk)
}

#[tokio::test]
async fn mentions_direct_messages_and_everything_rooms_push_what_the_notification_shows() {
    let server = Server::start(PRIVATE).await;
    let push = PushService::start().await;
    let (ada, bob, cy, all_talk) = three_people(&server, &push).await;

    // A mention in a shared room: only Bob (default involvement: mentions) hears of it.
    let mention = ada
        .post_message(
            all_talk,
            &format!("<p>{} lunch?</p>", chip(bob.id(), "Bob Member")),
        )
        .await;
    let pushes = push.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let first = &pushes[0];
    assert_eq!(first.browser, "bob");
    assert_eq!(first.urgency.as_deref(), Some("high"));
    assert!(
        first
            .ttl
            .as_deref()
            .is_some_and(|t| t.parse::<u64>().unwrap() > 0)
    );
    assert_eq!(
        first.payload,
        json!({
            "title": "All Talk",
            "body": "Ada Admin: @Bob Member lunch?",
            "icon": "/icons/icon-192.png",
            "path": format!("/rooms/{all_talk}/@{}", mention["id"]),
            "badge": 1,
            "tag": format!("room-{all_talk}"),
        })
    );

    // A direct message: the author is the title, the text the body; two rooms are unread now.
    let direct = ada
        .post("/api/rooms/direct", &json!({ "user_ids": [bob.id()] }))
        .await
        .expect(201);
    let direct_id = direct["room"]["id"].as_i64().unwrap();
    let psst = ada.post_message(direct_id, "<p>psst</p>").await;
    push.wait_for(2, Duration::from_secs(10)).await;
    let to_bob = push.pushes_to("bob");
    assert_eq!(
        to_bob.get(1),
        Some(&json!({
            "title": "Ada Admin",
            "body": "psst",
            "icon": "/icons/icon-192.png",
            "path": format!("/rooms/{direct_id}/@{}", psst["id"]),
            "badge": 2,
            "tag": format!("room-{direct_id}"),
        }))
    );

    // An `everything` room: Cy hears of every message, Bob (mentions) of none without a mention.
    involvement(&cy, all_talk, "everything").await;
    let news = ada
        .post_message(all_talk, "<p>the kettle is fixed</p>")
        .await;
    push.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(
        push.pushes_to("cy"),
        vec![json!({
            "title": "All Talk",
            "body": "Ada Admin: the kettle is fixed",
            "icon": "/icons/icon-192.png",
            "path": format!("/rooms/{all_talk}/@{}", news["id"]),
            "badge": 1,
            "tag": format!("room-{all_talk}"),
        })]
    );
    assert_eq!(push.pushes_to("bob").len(), 2);
    assert!(push.pushes_to("ada").is_empty(), "never the author");
}

#[tokio::test]
async fn no_push_for_the_author_a_connected_member_nothing_invisible_or_an_unmentioned_member() {
    let server = Server::start(PRIVATE).await;
    let push = PushService::start().await;
    let (ada, bob, cy, all_talk) = three_people(&server, &push).await;

    // Bob has the app open (a live connection): his screen shows it, no push.
    let live = bob.ws(bob.seq().await).await;
    ada.post_message(
        all_talk,
        &format!("<p>{} here?</p>", chip(bob.id(), "Bob Member")),
    )
    .await;
    // Cy set the room to nothing, then to invisible: mentioned or not, no push.
    involvement(&cy, all_talk, "nothing").await;
    ada.post_message(
        all_talk,
        &format!("<p>{} look</p>", chip(cy.id(), "Cy Member")),
    )
    .await;
    involvement(&cy, all_talk, "invisible").await;
    ada.post_message(
        all_talk,
        &format!("<p>{} look again</p>", chip(cy.id(), "Cy Member")),
    )
    .await;
    // Without a mention, default involvement: no push.
    live.close().await;
    ada.post_message(all_talk, "<p>just chatting</p>").await;
    // The author's own browser: no push for Ada's messages (all of the above), nor for Bob's.
    bob.post_message(all_talk, "<p>my own words</p>").await;

    // A sentinel that does push, queued after all of the above: when it has arrived, anything
    // pushed for the earlier messages would have too.
    let everything = ada
        .post("/api/rooms", &json!({ "name": "Sentinel", "kind": "open" }))
        .await
        .expect(201);
    let sentinel_room = everything["room"]["id"].as_i64().unwrap();
    involvement(&bob, sentinel_room, "everything").await;
    ada.post_message(sentinel_room, "<p>sentinel</p>").await;
    let pushes = push.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pushes = if pushes.len() == 1 {
        push.pushes()
    } else {
        pushes
    };
    let bodies: Vec<(String, String)> = pushes
        .iter()
        .map(|p| {
            (
                p.browser.clone(),
                p.payload["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        bodies,
        vec![("bob".to_owned(), "Ada Admin: sentinel".to_owned())]
    );
}

#[tokio::test]
async fn a_subscription_the_push_service_calls_gone_or_not_found_is_removed() {
    let server = Server::start(PRIVATE).await;
    let push = PushService::start().await;
    let (ada, bob, cy, all_talk) = three_people(&server, &push).await;
    push.answer("bob", Answer::Gone);
    push.answer("cy", Answer::NotFound);
    involvement(&bob, all_talk, "everything").await;
    involvement(&cy, all_talk, "everything").await;
    assert_eq!(
        bob.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ada.post_message(all_talk, "<p>anyone?</p>").await;
    push.wait_for(2, Duration::from_secs(10)).await;
    for client in [&bob, &cy] {
        let removed = wait_until(Duration::from_secs(10), || async {
            client.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
                .as_array()
                .unwrap()
                .is_empty()
        })
        .await;
        assert!(removed, "a gone subscription stays registered");
    }
    // Nothing more is sent to them.
    ada.post_message(all_talk, "<p>still there?</p>").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(push.pushes().len(), 2);
    assert_eq!(
        ada.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "Ada's browser is untouched"
    );
}

#[tokio::test]
async fn pushes_queued_at_a_crash_are_delivered_after_the_restart() {
    let mut server = Server::start(PRIVATE).await;
    let push = PushService::start().await;
    let (ada, _bob, cy, all_talk) = three_people(&server, &push).await;
    involvement(&cy, all_talk, "everything").await;
    push.answer("cy", Answer::Slow(Duration::from_millis(100)));
    let mut posted = BTreeSet::new();
    for n in 0..100 {
        let message = ada
            .post_message(all_talk, &format!("<p>news {n}</p>"))
            .await;
        posted.insert(format!("/rooms/{all_talk}/@{}", message["id"]));
    }
    server.kill().await;
    let before = push.pushes().len();
    assert!(
        before < 100,
        "the crash must leave pushes queued ({before} sent)"
    );
    server.restart().await;
    let all = wait_until(Duration::from_secs(60), || async {
        let paths: BTreeSet<String> = push
            .pushes()
            .iter()
            .map(|p| p.payload["path"].as_str().unwrap().to_owned())
            .collect();
        paths == posted
    })
    .await;
    assert!(
        all,
        "{} of 100 pushes arrived after the restart",
        push.pushes().len()
    );
    println!("crash: {before} pushed before SIGKILL, all 100 after the restart");
}

#[tokio::test]
async fn subscriptions_are_checked_and_leave_with_their_sign_in() {
    // No --allow-private-webhooks: endpoints must be public https URLs.
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let key = ada.get("/api/push/key").await.expect(200);
    let public = Base64UrlUnpadded::decode_vec(key["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(
        (public.len(), public[0]),
        (65, 4),
        "an uncompressed P-256 point"
    );

    let browser = Browser::new();
    let auth = Base64UrlUnpadded::encode_string(&browser.auth);
    let subscription = |endpoint: &str| json!({ "endpoint": endpoint, "keys": { "p256dh": browser.p256dh(), "auth": auth } });
    let good = "https://push.example.com/send/abc";
    for (body, status, code) in [
        (
            subscription("http://push.example.com/send/abc"),
            422,
            "unprocessable",
        ),
        (subscription("https://10.0.0.1/send"), 422, "unprocessable"),
        (subscription("https://[::1]/send"), 422, "unprocessable"),
        (
            subscription("https://user:pw@push.example.com/"),
            422,
            "unprocessable",
        ),
        (subscription("not a url"), 422, "unprocessable"),
        (
            subscription(&format!("https://push.example.com/{}", "a".repeat(3000))),
            422,
            "unprocessable",
        ),
        (
            json!({ "endpoint": good, "keys": { "p256dh": "BAAA", "auth": auth } }),
            422,
            "unprocessable",
        ),
        (
            json!({ "endpoint": good, "keys": { "p256dh": browser.p256dh(), "auth": "c2hvcnQ" } }),
            422,
            "unprocessable",
        ),
        (json!({ "endpoint": good }), 400, "bad_request"),
        (json!([1, 2, 3]), 400, "bad_request"),
    ] {
        ada.post("/api/push/subscriptions", &body)
            .await
            .expect_error(status, code);
    }
    ada.raw(
        reqwest::Method::POST,
        "/api/push/subscriptions",
        "application/json",
        "{\"endpoint\": ",
    )
    .await
    .expect_error(400, "bad_request");
    ada.raw(
        reqwest::Method::POST,
        "/api/push/subscriptions",
        "application/json",
        format!("{{\"endpoint\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)),
    )
    .await
    .expect_error(413, "payload_too_large");
    assert!(
        ada.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A second sign-in (another device) subscribes; signing out there removes it.
    let phone = sign_in(&server, "ada@example.com").await;
    let created = phone
        .post("/api/push/subscriptions", &subscription(good))
        .await
        .expect(201);
    assert_eq!(created["current"], json!(true));
    let mine = ada.get("/api/push/subscriptions").await.expect(200);
    assert_eq!(mine["subscriptions"][0]["endpoint"], json!(good));
    assert_eq!(mine["subscriptions"][0]["current"], json!(false));
    phone.delete("/api/session").await.expect(204);
    assert!(
        ada.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Someone else's subscription is not mine to remove.
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;
    let bobs = bob
        .post("/api/push/subscriptions", &subscription(good))
        .await
        .expect(201);
    let path = format!("/api/push/subscriptions/{}", bobs["id"]);
    ada.delete(&path).await.expect_error(404, "not_found");
    bob.delete(&path).await.expect(204);
    bob.delete(&path).await.expect_error(404, "not_found");

    // Anonymous callers get nothing.
    let anonymous = Client::anonymous(server.addr);
    anonymous
        .get("/api/push/key")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn the_vapid_key_is_kept_across_restarts_and_push_can_be_switched_off() {
    let mut server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let before = ada.get("/api/push/key").await.expect(200);
    let file = std::fs::read_to_string(server.data_dir().join("vapid.key")).unwrap();
    assert!(!file.contains(before["public_key"].as_str().unwrap()));
    server.restart().await;
    let ada = sign_in(&server, "ada@example.com").await;
    assert_eq!(ada.get("/api/push/key").await.expect(200), before);

    let off = Server::start(&["--push", "false"]).await;
    let ada = first_run(&off, "Ada Admin", "ada@example.com").await;
    let refused = ada.get("/api/push/key").await;
    refused.expect_error(404, "not_found");
    assert!(refused.text().contains("not enabled"));
    let bootstrap = ada.get("/api/bootstrap").await.expect(200);
    assert_eq!(bootstrap["features"]["push"], json!(false));
}

#[tokio::test]
async fn the_manifest_carries_the_account_name_and_icons_that_exist() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    ada.patch("/api/account", &json!({ "name": "Acme Chat" }))
        .await
        .expect(200);
    let anonymous = Client::anonymous(server.addr);
    let manifest = anonymous.get("/manifest.webmanifest").await;
    assert_eq!(
        manifest.header("content-type").as_deref(),
        Some("application/manifest+json")
    );
    let manifest = manifest.expect(200);
    assert_eq!(manifest["name"], json!("Acme Chat"));
    assert_eq!(manifest["start_url"], json!("/"));
    assert_eq!(manifest["display"], json!("standalone"));
    let icons = manifest["icons"].as_array().unwrap();
    for size in ["192x192", "512x512"] {
        let icon = icons.iter().find(|i| i["sizes"] == json!(size)).unwrap();
        let resp = anonymous.get(icon["src"].as_str().unwrap()).await;
        assert_eq!(resp.header("content-type").as_deref(), Some("image/png"));
        let png = resp.body.clone();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(format!("{width}x{width}"), size);
    }
    let worker = anonymous.get("/service-worker.js").await;
    assert_eq!(worker.status, 200);
    assert!(
        worker
            .header("content-type")
            .is_some_and(|t| t.contains("javascript")),
        "{:?}",
        worker.header("content-type")
    );
    assert!(worker.text().contains("showNotification"));
}

/// The fake push service is not a pushover: it refuses a JWT signed by another key, one whose
/// `aud` is not the endpoint's origin (as web-push-native's signer makes it, without the port),
/// an expired one, and a header that is not VAPID at all.
#[tokio::test]
async fn the_fake_push_service_refuses_what_a_real_one_refuses() {
    let service = PushService::start().await;
    let key = campfire_domain::VapidKey::from_bytes(&[7; 32]).unwrap();
    *service.vapid.lock().unwrap() = key.public_key();
    let endpoint = reqwest::Url::parse(&service.endpoint("x")).unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let headers = |value: String| {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", value.parse().unwrap());
        headers
    };
    let sign = |key: &campfire_domain::VapidKey, url: &reqwest::Url, at: i64| {
        campfire_http::outbox::vapid_authorization(key, "mailto:ops@example.com", url, at).unwrap()
    };
    assert_eq!(
        check_vapid(&service, &headers(sign(&key, &endpoint, now))),
        Ok(())
    );

    let other = campfire_domain::VapidKey::from_bytes(&[8; 32]).unwrap();
    let forged = sign(&other, &endpoint, now).replace(&other.public_key(), &key.public_key());
    assert!(
        check_vapid(&service, &headers(forged)).is_err(),
        "another key's signature"
    );

    let mut portless = endpoint.clone();
    portless.set_port(None).unwrap();
    let portless = sign(&key, &portless, now);
    assert!(
        check_vapid(&service, &headers(portless))
            .unwrap_err()
            .to_lowercase()
            .contains("aud"),
        "aud without the port"
    );

    let expired = sign(&key, &endpoint, now - 13 * 3600);
    assert!(check_vapid(&service, &headers(expired)).is_err(), "expired");
    assert!(check_vapid(&service, &headers("Bearer abc".into())).is_err());
}

/// Every Chrome shares one push service: a subscription it refuses must not open the circuit for
/// everyone else's pushes (a circuit opens after one failure here, for a minute).
#[tokio::test]
async fn one_refused_subscription_does_not_hold_up_the_others() {
    let flags = [
        "--allow-private-webhooks",
        "--webhook-breaker-failures",
        "1",
        "--webhook-breaker-open",
        "60",
    ];
    let server = Server::start(&flags).await;
    let push = PushService::start().await;
    let (ada, bob, cy, all_talk) = three_people(&server, &push).await;
    push.answer("bob", Answer::Reject(400));
    involvement(&bob, all_talk, "everything").await;
    ada.post_message(all_talk, "<p>for Bob</p>").await;
    push.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(push.pushes_to("bob").len(), 1, "Bob's push was tried");
    // Bob's subscription stays (only 404 and 410 mean it is gone).
    assert_eq!(
        bob.get("/api/push/subscriptions").await.expect(200)["subscriptions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    involvement(&bob, all_talk, "mentions").await;
    involvement(&cy, all_talk, "everything").await;
    ada.post_message(all_talk, "<p>for Cy</p>").await;
    let pushes = push.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(
        push.pushes_to("cy").len(),
        1,
        "Cy's push went out at once: {pushes:?}"
    );
}

/// A name other than `localhost` that this machine's hosts file points at loopback, if any.
fn loopback_alias() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let address: std::net::IpAddr = words.next()?.parse().ok()?;
            address
                .is_loopback()
                .then(|| words.find(|name| !name.eq_ignore_ascii_case("localhost")))
                .flatten()
                .map(str::to_owned)
        })
        .next()
}

/// R8: an endpoint whose name resolves to loopback is refused when subscribing, not only one
/// written as a loopback address.
#[tokio::test]
async fn a_push_endpoint_named_for_loopback_is_refused() {
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let browser = Browser::new();
    let auth = Base64UrlUnpadded::encode_string(&browser.auth);
    let mut names = vec!["localhost".to_owned()];
    names.extend(loopback_alias());
    for name in names {
        let body = json!({
            "endpoint": format!("https://{name}/send/abc"),
            "keys": { "p256dh": browser.p256dh(), "auth": auth },
        });
        ada.post("/api/push/subscriptions", &body)
            .await
            .expect_error(422, "unprocessable");
    }
}
