//! Bots that talk back (B3): a real HTTP receiver on loopback plays the bot.

use crate::common;
use crate::common::wait_until;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::{Server, first_run, two_people};
use serde_json::{Value, json};

/// How the fake bot answers.
#[derive(Clone, Debug)]
pub(crate) enum Mode {
    /// 200 text/plain with this body.
    Reply(&'static str),
    /// 204.
    Quiet,
    /// 503 this many times, then 204.
    FailThen(u32),
    /// 503 always.
    Down,
    /// Answer after this long.
    Slow(Duration),
    /// 200 text/plain that never ends (as fast as it is read).
    Endless,
    /// This status, always.
    Status(u16),
    /// 429 with `Retry-After: 1` this many times, then 204.
    ThrottleThen(u32),
    /// This status, with this content type and body.
    Typed(u16, &'static str, Vec<u8>),
}

#[derive(Default)]
struct Seen {
    calls: Vec<(String, Value)>,
    /// When each call arrived.
    at: Vec<tokio::time::Instant>,
}

#[derive(Clone)]
pub(crate) struct Receiver {
    mode: Arc<Mutex<Mode>>,
    seen: Arc<Mutex<Seen>>,
    addr: SocketAddr,
}

impl Receiver {
    pub(crate) async fn start(mode: Mode) -> Receiver {
        Receiver::start_on("127.0.0.1:0".parse().unwrap(), mode).await
    }

    /// A receiver at this address; `/hook` answers as `mode` says, `/down` always 503 (a
    /// second bot served by the same process).
    async fn start_on(addr: SocketAddr, mode: Mode) -> Receiver {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = Receiver {
            mode: Arc::new(Mutex::new(mode)),
            seen: Arc::default(),
            addr,
        };
        let app = axum::Router::new()
            .route("/hook", post(hook))
            .route("/down", post(down))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        receiver
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// The URL of a bot that is always down, on the same host and port as [`Receiver::url`].
    fn down_url(&self) -> String {
        format!("http://{}/down", self.addr)
    }

    /// When each call so far arrived.
    fn times(&self) -> Vec<tokio::time::Instant> {
        self.seen.lock().unwrap().at.clone()
    }

    pub(crate) fn calls(&self) -> Vec<(String, Value)> {
        self.seen.lock().unwrap().calls.clone()
    }

    async fn wait_for_calls(&self, n: usize, within: Duration) -> Vec<(String, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let calls = self.calls();
            if calls.len() >= n || tokio::time::Instant::now() > deadline {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn hook(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> Response {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    {
        let mut seen = receiver.seen.lock().unwrap();
        seen.calls.push((key, json));
        seen.at.push(tokio::time::Instant::now());
    }
    let mode = receiver.mode.lock().unwrap().clone();
    match mode {
        Mode::Reply(text) => {
            (StatusCode::OK, [("content-type", "text/plain")], text).into_response()
        }
        Mode::Quiet => StatusCode::NO_CONTENT.into_response(),
        Mode::FailThen(n) => {
            if n == 0 {
                StatusCode::NO_CONTENT.into_response()
            } else {
                *receiver.mode.lock().unwrap() = Mode::FailThen(n - 1);
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        }
        Mode::Down => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Mode::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Mode::Typed(code, content_type, body) => (
            StatusCode::from_u16(code).unwrap(),
            [("content-type", content_type)],
            body,
        )
            .into_response(),
        Mode::ThrottleThen(n) => {
            if n == 0 {
                StatusCode::NO_CONTENT.into_response()
            } else {
                *receiver.mode.lock().unwrap() = Mode::ThrottleThen(n - 1);
                (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response()
            }
        }
        Mode::Slow(pause) => {
            tokio::time::sleep(pause).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Mode::Endless => {
            let chunk = axum::body::Bytes::from(vec![b'a'; 64 * 1024]);
            let forever = futures_util::stream::repeat_with(move || {
                Ok::<_, std::convert::Infallible>(chunk.clone())
            });
            (
                StatusCode::OK,
                [("content-type", "text/plain")],
                axum::body::Body::from_stream(forever),
            )
                .into_response()
        }
    }
}

/// A bot that is always down; its calls are not counted.
async fn down() -> Response {
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// The server's resident memory, from /proc.
fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024
}

const PRIVATE: &[&str] = &["--allow-private-webhooks"];

/// Creates a bot with a webhook; returns its id and key.
pub(crate) async fn bot(admin: &common::Client, name: &str, url: &str) -> (i64, String) {
    let created = admin
        .post("/api/bots", &json!({ "name": name, "webhook_url": url }))
        .await
        .expect(201);
    (
        created["bot"]["user"]["id"].as_i64().unwrap(),
        created["bot"]["key"].as_str().unwrap().to_owned(),
    )
}

async fn bot_status(admin: &common::Client, id: i64) -> Value {
    let bots = admin.get("/api/bots").await.expect(200);
    bots["bots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["user"]["id"] == id)
        .unwrap()["deliveries"]
        .clone()
}

pub(crate) fn chip(id: i64, name: &str) -> String {
    format!(r#"<span data-mention-id="{id}">@{name}</span>"#)
}

#[tokio::test]
async fn a_mention_calls_the_bot_and_its_reply_is_posted_back_without_a_loop() {
    let server = Server::start(PRIVATE).await;
    let (admin, member, all_talk) = two_people(&server).await;
    let receiver = Receiver::start(Mode::Reply("pong @Robo")).await;
    let (robo, key) = bot(&admin, "Robo", &receiver.url()).await;

    // Without a mention, nothing is sent.
    member.post_message(all_talk, "<p>just chatting</p>").await;
    let message = member
        .post_message(all_talk, &format!("<p>{} ping</p>", chip(robo, "Robo")))
        .await;

    let calls = receiver.wait_for_calls(1, Duration::from_secs(10)).await;
    assert_eq!(calls.len(), 1);
    let (idempotency_key, payload) = &calls[0];
    assert!(
        !idempotency_key.is_empty(),
        "every request carries an idempotency key"
    );
    assert_eq!(
        payload,
        &json!({
            "user": { "id": member.id(), "name": "Bob Member" },
            "room": { "id": all_talk, "name": "All Talk", "path": format!("/rooms/{all_talk}/{key}/messages") },
            "message": {
                "id": message["id"],
                "body": { "html": message["body_html"], "plain": "ping" },
                "path": format!("/rooms/{all_talk}/@{}", message["id"]),
            },
        })
    );

    let replied = wait_until(Duration::from_secs(10), || async {
        admin
            .all_messages(all_talk)
            .await
            .iter()
            .any(|m| m["author_id"] == robo && m["body_plain"] == "pong @Robo")
    })
    .await;
    assert!(replied, "the reply was posted back as the bot's message");
    // The reply mentions the bot, yet it is a webhook reply: no second call.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.calls().len(), 1, "no loop");
    assert_eq!(bot_status(&admin, robo).await["delivered"], 1);
}

#[tokio::test]
async fn every_message_in_a_direct_room_with_the_bot_calls_it() {
    let server = Server::start(PRIVATE).await;
    let (admin, _member, _) = two_people(&server).await;
    let receiver = Receiver::start(Mode::Quiet).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    let direct = admin
        .post("/api/rooms/direct", &json!({ "user_ids": [robo] }))
        .await
        .expect(201);
    let room = direct["room"]["id"].as_i64().unwrap();
    admin.post_message(room, "<p>no mention needed</p>").await;
    admin.post_message(room, "<p>second</p>").await;
    // A file, as the original sends one: the name as the plain text, no HTML.
    super::files::upload(&admin, room, "deploy-log.txt", b"all green", None)
        .await
        .expect(201);
    let calls = receiver.wait_for_calls(3, Duration::from_secs(10)).await;
    // Deliveries run concurrently, so their order is not promised.
    let mut plains: Vec<&str> = calls
        .iter()
        .map(|(_, p)| p["message"]["body"]["plain"].as_str().unwrap())
        .collect();
    plains.sort_unstable();
    assert_eq!(plains, ["deploy-log.txt", "no mention needed", "second"]);
    let file = calls
        .iter()
        .find(|(_, p)| p["message"]["body"]["plain"] == "deploy-log.txt")
        .unwrap();
    assert_eq!(file.1["message"]["body"]["html"], "");
}

#[tokio::test]
async fn a_bot_that_does_not_answer_in_time_failed_to_respond() {
    let server = Server::start(&["--allow-private-webhooks", "--webhook-timeout", "1"]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::Slow(Duration::from_secs(3))).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    admin
        .post_message(
            all_talk,
            &format!("<p>{} are you there?</p>", chip(robo, "Robo")),
        )
        .await;
    let said = wait_until(Duration::from_secs(10), || async {
        admin.all_messages(all_talk).await.iter().any(|m| {
            m["author_id"] == robo && m["body_plain"] == "Failed to respond within 7 seconds"
        })
    })
    .await;
    assert!(
        said,
        "the bot says it failed to respond, as the original does"
    );
    // The outcome is recorded right after the notice is posted (a crash between the two
    // delivers again, and the notice is stored once): the bots page shows it a moment later.
    let recorded = wait_until(Duration::from_secs(5), || async {
        bot_status(&admin, robo).await["failed"] == 1
    })
    .await;
    assert!(recorded, "the bots page counts the failed delivery");
    assert_eq!(receiver.calls().len(), 1, "a timeout is not retried");
}

#[tokio::test]
async fn transient_failures_are_retried_until_they_succeed() {
    let server = Server::start(&["--allow-private-webhooks", "--webhook-retry-base", "0.1"]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::FailThen(2)).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    admin
        .post_message(all_talk, &format!("<p>{} retry me</p>", chip(robo, "Robo")))
        .await;
    let calls = receiver.wait_for_calls(3, Duration::from_secs(10)).await;
    assert_eq!(calls.len(), 3, "two 503s, then success");
    let keys: BTreeSet<&String> = calls.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys.len(),
        1,
        "every attempt carries the same idempotency key"
    );
    assert!(
        wait_until(Duration::from_secs(5), || async {
            bot_status(&admin, robo).await["delivered"] == 1
        })
        .await
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.calls().len(), 3, "nothing after success");
}

#[tokio::test]
async fn a_failing_endpoint_opens_its_circuit_which_closes_after_a_good_trial() {
    let flags = [
        "--allow-private-webhooks",
        "--webhook-retry-base",
        "0.05",
        "--webhook-breaker-failures",
        "2",
        "--webhook-breaker-open",
        "1.5",
    ];
    let server = Server::start(&flags).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::Down).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    admin
        .post_message(all_talk, &format!("<p>{} hello?</p>", chip(robo, "Robo")))
        .await;

    let opened = wait_until(Duration::from_secs(10), || async {
        bot_status(&admin, robo).await["circuit"] == "open"
    })
    .await;
    assert!(opened, "two failures in a row open the circuit");
    let calls_when_opened = receiver.calls().len();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        receiver.calls().len(),
        calls_when_opened,
        "nothing is sent while the circuit is open"
    );

    receiver.set(Mode::Quiet);
    let closed = wait_until(Duration::from_secs(10), || async {
        let status = bot_status(&admin, robo).await;
        status["circuit"] == "closed" && status["delivered"] == 1
    })
    .await;
    assert!(
        closed,
        "a successful trial after the open period closes it: {}",
        bot_status(&admin, robo).await
    );
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused_unless_allowed() {
    let mut server = Server::start(&[]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::Quiet).await;
    // Saved through the app: refused at once, saying what to do.
    let refused = admin
        .post(
            "/api/bots",
            &json!({ "name": "Robo", "webhook_url": receiver.url() }),
        )
        .await;
    refused.expect_error(422, "unprocessable");
    let why = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        why.contains("private network") && why.contains("--allow-private-webhooks"),
        "{why}"
    );
    let plain = admin
        .post("/api/bots", &json!({ "name": "Plain" }))
        .await
        .expect(201)["bot"]["user"]["id"]
        .as_i64()
        .unwrap();
    let changed = admin
        .patch(
            &format!("/api/bots/{plain}"),
            &json!({ "webhook_url": receiver.url() }),
        )
        .await;
    changed.expect_error(422, "unprocessable");
    // Made from the operator's shell, which does not ask: every delivery is still refused.
    super::cli_changes::run(
        &server,
        &[
            "bot",
            "create",
            "--name",
            "Robo",
            "--webhook",
            &receiver.url(),
        ],
    );
    // (Restarted: a bot made by the CLI while the server runs is called only after a restart.)
    server.restart().await;
    let admin = admin.fresh();
    let bots = admin.get("/api/bots").await.expect(200);
    let robo = bots["bots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["user"]["name"] == "Robo")
        .unwrap()["user"]["id"]
        .as_i64()
        .unwrap();
    admin
        .post_message(all_talk, &format!("<p>{} hi</p>", chip(robo, "Robo")))
        .await;
    let refused = wait_until(Duration::from_secs(10), || async {
        bot_status(&admin, robo).await["failed"] == 1
    })
    .await;
    let status = bot_status(&admin, robo).await;
    assert!(refused, "{status} {}", server.logs());
    assert!(
        status["last_error"].as_str().unwrap().contains("private"),
        "{status}"
    );
    assert!(
        receiver.calls().is_empty(),
        "the canary listener heard nothing"
    );
}

#[tokio::test]
async fn queued_deliveries_survive_a_crash_and_each_is_processed_once() {
    let flags = ["--allow-private-webhooks", "--webhook-retry-base", "0.1"];
    let mut server = Server::start(&flags).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::Slow(Duration::from_millis(100))).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    let mut posted = BTreeSet::new();
    for n in 0..200 {
        let message = admin
            .post_message(all_talk, &format!("<p>{} job {n}</p>", chip(robo, "Robo")))
            .await;
        posted.insert(message["id"].as_i64().unwrap());
    }
    // Some deliveries are done, most are queued or in flight: SIGKILL now.
    server.kill().await;
    let before_restart = receiver.calls().len();
    assert!(
        before_restart < 200,
        "the crash must happen with deliveries still queued ({before_restart} done)"
    );
    server.restart().await;

    // The receiver is idempotent: it processes each key once, however often it is called.
    let delivered_all = wait_until(Duration::from_secs(60), || async {
        let keys: BTreeSet<String> = receiver.calls().into_iter().map(|(k, _)| k).collect();
        keys.len() == 200
    })
    .await;
    let calls = receiver.calls();
    let mut processed: BTreeMap<String, i64> = BTreeMap::new();
    for (key, payload) in &calls {
        processed
            .entry(key.clone())
            .or_insert_with(|| payload["message"]["id"].as_i64().unwrap());
    }
    assert!(
        delivered_all,
        "only {} of 200 delivered after the restart",
        processed.len()
    );
    let messages: BTreeSet<i64> = processed.values().copied().collect();
    assert_eq!(
        messages, posted,
        "every queued delivery arrived, each message once"
    );
    println!(
        "crash: {before_restart} delivered before SIGKILL, {} calls in all for 200 deliveries",
        calls.len()
    );
}

/// A reply that never ends is read only as far as what is posted back (60,000 characters), not
/// whole (F6: one endless reply drove the server to gigabytes).
#[tokio::test]
async fn an_endless_reply_is_cut_without_being_read_whole() {
    let server = Server::start(PRIVATE).await;
    let (admin, member, all_talk) = two_people(&server).await;
    let receiver = Receiver::start(Mode::Endless).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    member
        .post_message(
            all_talk,
            &format!("<p>{} talk forever</p>", chip(robo, "Robo")),
        )
        .await;

    let mut reply = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while reply.is_none() && tokio::time::Instant::now() < deadline {
        reply = member
            .all_messages(all_talk)
            .await
            .into_iter()
            .find(|m| m["author_id"] == robo);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reply = reply.expect("the cut reply is posted back");
    let text = reply["body_plain"].as_str().unwrap();
    assert_eq!(text.chars().count(), 60_000);
    assert!(text.chars().all(|c| c == 'a'));
    let rss = rss_mib(server.pid());
    assert!(
        rss < 200,
        "the server holds {rss} MiB after the endless reply"
    );
}

/// R4: proxy settings in the server's environment do not route webhooks through a proxy,
/// which would connect to wherever the name resolves then, past the address check.
#[tokio::test]
async fn webhooks_ignore_proxy_settings_and_go_straight_to_the_checked_address() {
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let proxied = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = proxied.clone();
    tokio::spawn(async move {
        while let Ok((_connection, _)) = proxy.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("https_proxy", proxy_url.as_str()),
        ("all_proxy", proxy_url.as_str()),
    ];
    let server = Server::start_with_env("127.0.0.1:0", PRIVATE, &env).await;
    let (admin, member, all_talk) = two_people(&server).await;
    let receiver = Receiver::start(Mode::Quiet).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    member
        .post_message(all_talk, &format!("<p>{} hello</p>", chip(robo, "Robo")))
        .await;
    let calls = receiver.wait_for_calls(1, Duration::from_secs(10)).await;
    assert_eq!(calls.len(), 1, "the webhook arrived directly");
    assert_eq!(
        proxied.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing went through the proxy"
    );
}

/// R9: a reply that grows when escaped (30,000 `<` are 120,000 bytes of HTML) is posted
/// whole, not dropped without a word.
#[tokio::test]
async fn a_reply_that_grows_when_escaped_is_posted_whole() {
    let server = Server::start(PRIVATE).await;
    let (admin, member, all_talk) = two_people(&server).await;
    let brackets: &'static str = Box::leak("<".repeat(30_000).into_boxed_str());
    let receiver = Receiver::start(Mode::Reply(brackets)).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    member
        .post_message(all_talk, &format!("<p>{} say it</p>", chip(robo, "Robo")))
        .await;
    let replied = wait_until(Duration::from_secs(10), || async {
        member
            .all_messages(all_talk)
            .await
            .iter()
            .any(|m| m["author_id"] == robo && m["body_plain"] == brackets)
    })
    .await;
    assert!(replied, "the reply was posted whole");
}

#[tokio::test]
async fn a_500_is_final_as_in_the_original_so_the_bot_never_acts_twice() {
    let server = Server::start(&["--allow-private-webhooks", "--webhook-retry-base", "0.05"]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    let receiver = Receiver::start(Mode::Status(500)).await;
    let (robo, _) = bot(&admin, "Robo", &receiver.url()).await;
    admin
        .post_message(all_talk, &format!("<p>{} deploy</p>", chip(robo, "Robo")))
        .await;
    let failed = wait_until(Duration::from_secs(5), || async {
        bot_status(&admin, robo).await["failed"] == 1
    })
    .await;
    assert!(failed, "{}", bot_status(&admin, robo).await);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.calls().len(), 1, "a 500 is not retried");
    assert_eq!(bot_status(&admin, robo).await["last_error"], "HTTP 500");
}

#[tokio::test]
async fn replies_that_are_not_text_are_posted_as_files_as_in_the_original() {
    let server = Server::start(&["--allow-private-webhooks", "--webhook-retry-base", "0.05"]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;

    // A chart bot answers with a PNG: it arrives as the bot's image, `attachment.png`.
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(64, 48, image::Rgb([10, 120, 200]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let png = png.into_inner();
    let charts = Receiver::start(Mode::Typed(200, "image/png", png.clone())).await;
    let (chart_bot, _) = bot(&admin, "Charts", &charts.url()).await;
    admin
        .post_message(
            all_talk,
            &format!("<p>{} plot it</p>", chip(chart_bot, "Charts")),
        )
        .await;
    let posted = wait_until(Duration::from_secs(5), || async {
        admin
            .all_messages(all_talk)
            .await
            .iter()
            .any(|m| m["author_id"] == chart_bot)
    })
    .await;
    assert!(posted, "{}", bot_status(&admin, chart_bot).await);
    let messages = admin.all_messages(all_talk).await;
    let reply = messages
        .iter()
        .find(|m| m["author_id"] == chart_bot)
        .unwrap();
    assert_eq!(reply["attachment"]["name"], "attachment.png");
    assert_eq!(reply["attachment"]["kind"], "image");
    let got = admin
        .get(reply["attachment"]["url"].as_str().unwrap())
        .await;
    assert_eq!(got.body, png);
    assert_eq!(bot_status(&admin, chart_bot).await["delivered"], 1);

    // A bot that fails with an error page: final (not called again), and its page reaches the
    // room as `attachment.html`, a download that never renders.
    let broken = Receiver::start(Mode::Typed(
        500,
        "text/html; charset=utf-8",
        b"<h1>boom</h1>".to_vec(),
    ))
    .await;
    let (broken_bot, _) = bot(&admin, "Broken", &broken.url()).await;
    admin
        .post_message(
            all_talk,
            &format!("<p>{} deploy</p>", chip(broken_bot, "Broken")),
        )
        .await;
    let failed = wait_until(Duration::from_secs(5), || async {
        bot_status(&admin, broken_bot).await["failed"] == 1
    })
    .await;
    assert!(failed, "{}", bot_status(&admin, broken_bot).await);
    assert_eq!(
        bot_status(&admin, broken_bot).await["last_error"],
        "HTTP 500"
    );
    let messages = admin.all_messages(all_talk).await;
    let page = messages
        .iter()
        .find(|m| m["author_id"] == broken_bot)
        .unwrap();
    assert_eq!(page["attachment"]["name"], "attachment.html");
    let got = admin.get(page["attachment"]["url"].as_str().unwrap()).await;
    assert_eq!(got.body, b"<h1>boom</h1>");
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(broken.calls().len(), 1, "a 500 is not retried");
    // Bots' replies call no webhooks: neither bot heard the other's file.
    assert_eq!(charts.calls().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_and_a_429_are_retried_no_sooner_than_asked() {
    let server = Server::start(&["--allow-private-webhooks", "--webhook-retry-base", "0.05"]).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;

    // Nobody listens yet: the bot surely did not act, so the call is made again later.
    let vacant = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = vacant.local_addr().unwrap();
    drop(vacant);
    let (late, _) = bot(&admin, "Late", &format!("http://{addr}/hook")).await;
    admin
        .post_message(all_talk, &format!("<p>{} wake up</p>", chip(late, "Late")))
        .await;
    let refused = wait_until(Duration::from_secs(5), || async {
        bot_status(&admin, late).await["last_error"] == "could not connect"
    })
    .await;
    assert!(refused, "{}", bot_status(&admin, late).await);
    let receiver = Receiver::start_on(addr, Mode::Quiet).await;
    let delivered = wait_until(Duration::from_secs(10), || async {
        bot_status(&admin, late).await["delivered"] == 1
    })
    .await;
    assert!(delivered, "{}", bot_status(&admin, late).await);
    assert_eq!(receiver.calls().len(), 1);

    // 429 with Retry-After: 1 twice, then a success: three calls, a second or more apart
    // although the retry policy alone would call again within a tenth of a second.
    let throttled = Receiver::start(Mode::ThrottleThen(2)).await;
    let (busy, _) = bot(&admin, "Busy", &throttled.url()).await;
    admin
        .post_message(
            all_talk,
            &format!("<p>{} when you can</p>", chip(busy, "Busy")),
        )
        .await;
    let calls = throttled.wait_for_calls(3, Duration::from_secs(10)).await;
    assert_eq!(calls.len(), 3);
    let times = throttled.times();
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
    }
    assert!(
        wait_until(Duration::from_secs(5), || async {
            bot_status(&admin, busy).await["delivered"] == 1
        })
        .await
    );
}

#[tokio::test]
async fn one_failing_bot_does_not_hold_back_another_served_by_the_same_process() {
    let flags = [
        "--allow-private-webhooks",
        "--webhook-retry-base",
        "0.05",
        "--webhook-breaker-failures",
        "2",
        "--webhook-breaker-open",
        "60",
    ];
    let server = Server::start(&flags).await;
    let admin = first_run(&server, "Ada Admin", "ada@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    // Two bots at one host and port, as Basecamp's bot kit serves them.
    let receiver = Receiver::start(Mode::Quiet).await;
    let (broken, _) = bot(&admin, "Broken", &receiver.down_url()).await;
    let (fine, _) = bot(&admin, "Fine", &receiver.url()).await;
    admin
        .post_message(
            all_talk,
            &format!("<p>{} hello?</p>", chip(broken, "Broken")),
        )
        .await;
    let opened = wait_until(Duration::from_secs(10), || async {
        bot_status(&admin, broken).await["circuit"] == "open"
    })
    .await;
    assert!(opened, "{}", bot_status(&admin, broken).await);

    admin
        .post_message(all_talk, &format!("<p>{} hello!</p>", chip(fine, "Fine")))
        .await;
    let calls = receiver.wait_for_calls(1, Duration::from_secs(3)).await;
    assert_eq!(calls.len(), 1, "the other bot is called at once");
    let status = bot_status(&admin, fine).await;
    assert_eq!(status["circuit"], "closed", "{status}");
    assert!(
        wait_until(Duration::from_secs(5), || async {
            bot_status(&admin, fine).await["delivered"] == 1
        })
        .await
    );
    assert_eq!(bot_status(&admin, broken).await["circuit"], "open");
}

/// X7: a mention in a thread reply calls the bot with the original's payload, and its answer is
/// posted in the same thread, where the conversation is.
#[tokio::test]
async fn a_mention_in_a_thread_calls_the_bot_and_it_answers_in_the_thread() {
    let server = Server::start(PRIVATE).await;
    let (admin, member, all_talk) = two_people(&server).await;
    let receiver = Receiver::start(Mode::Reply("pong")).await;
    let (robo, key) = bot(&admin, "Robo", &receiver.url()).await;
    let root = admin.post_message(all_talk, "<p>Deploy today?</p>").await;
    let reply = member
        .post(
            &format!("/api/messages/{}/replies", root["id"]),
            &json!({
                "client_message_id": "thread-ping",
                "body_html": format!("<p>{} ping</p>", chip(robo, "Robo")),
            }),
        )
        .await
        .expect(201)["message"]
        .clone();

    let calls = receiver.wait_for_calls(1, Duration::from_secs(10)).await;
    assert_eq!(
        calls[0].1,
        json!({
            "user": { "id": member.id(), "name": "Bob Member" },
            "room": { "id": all_talk, "name": "All Talk", "path": format!("/rooms/{all_talk}/{key}/messages") },
            "message": {
                "id": reply["id"],
                "body": { "html": reply["body_html"], "plain": "ping" },
                "path": format!("/rooms/{all_talk}/@{}", reply["id"]),
            },
        }),
        "the original's shape, unchanged"
    );
    let thread_path = format!("/api/messages/{}/thread", root["id"]);
    let answered = wait_until(Duration::from_secs(10), || async {
        admin.get(&thread_path).await.expect(200)["replies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["author_id"] == robo && m["body_plain"] == "pong")
    })
    .await;
    assert!(answered, "the bot's answer is in the thread");
    assert!(
        !admin
            .all_messages(all_talk)
            .await
            .iter()
            .any(|m| m["author_id"] == robo),
        "and not in the room"
    );
}
