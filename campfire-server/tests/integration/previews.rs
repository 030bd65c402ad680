//! Link previews (M10) against a small site served on loopback by the test: the card's title,
//! description, site and picture (served from our origin), redirect chains, a 50 MB page read
//! only as far as 5 MB, non-HTML ignored, a page linked again not fetched again, the author
//! removing a card; and, with the private-address switch off, a loopback link never called.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use crate::common::{Client, Server, first_run, join};

/// What the site served: requests per path and bytes of the big page.
#[derive(Default)]
struct Served {
    story: AtomicUsize,
    big_bytes: AtomicUsize,
    any: AtomicUsize,
}

async fn site() -> (String, Arc<Served>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(Served::default());
    let (s1, s2, s3) = (served.clone(), served.clone(), served.clone());
    let app = axum::Router::new()
        .route(
            "/story",
            get(move || {
                s1.story.fetch_add(1, Ordering::SeqCst);
                async {
                    html(
                        r#"<html><head><title>ignored</title>
                        <meta property="og:title" content="Moon &amp; back">
                        <meta property="og:description" content="A trip, told in pictures.">
                        <meta property="og:site_name" content="Daily Orbit">
                        <meta property="og:image" content="/card.png">
                        </head><body>…</body></html>"#,
                    )
                }
            }),
        )
        .route("/card.png", get(|| async { png(2400, 1260) }))
        .route("/hop1", get(|| async { redirect("/hop2") }))
        .route("/hop2", get(|| async { redirect("/hop3") }))
        .route(
            "/hop3",
            get(|| async { html("<title>Three hops away</title>") }),
        )
        .route(
            "/big",
            get(move || {
                let served = s2.clone();
                async move {
                    // 50 MB, written as it is read: the counter says how much was taken.
                    let head = futures_util::stream::once(async {
                        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(
                            b"<title>Huge page</title>",
                        ))
                    });
                    let chunk = axum::body::Bytes::from(vec![b' '; 64 * 1024]);
                    let tail = futures_util::stream::iter((0..800).map(move |_| {
                        served.big_bytes.fetch_add(64 * 1024, Ordering::SeqCst);
                        Ok::<_, std::io::Error>(chunk.clone())
                    }));
                    let body = Body::from_stream(futures_util::StreamExt::chain(head, tail));
                    ([("content-type", "text/html")], body).into_response()
                }
            }),
        )
        .route(
            "/data.json",
            get(|| async { ([("content-type", "application/json")], "{\"title\":\"no\"}") }),
        )
        .fallback(move || {
            s3.any.fetch_add(1, Ordering::SeqCst);
            async { html("<title>canary</title>") }
        });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, served)
}

fn html(body: &'static str) -> Response {
    ([("content-type", "text/html; charset=utf-8")], body).into_response()
}

fn redirect(to: &'static str) -> Response {
    (axum::http::StatusCode::FOUND, [("location", to)]).into_response()
}

fn png(width: u32, height: u32) -> Response {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([30, 60, 200]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    ([("content-type", "image/png")], out.into_inner()).into_response()
}

/// Posts `url` and waits for its message to have a card (or not, after `within`).
async fn post_link(client: &Client, room: i64, url: &str, within: Duration) -> Value {
    let posted = client.post_message(room, &format!("<p>{url}</p>")).await;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let messages = client.all_messages(room).await;
        let message = messages
            .into_iter()
            .find(|m| m["id"] == posted["id"])
            .unwrap();
        if !message["preview"].is_null() || tokio::time::Instant::now() >= deadline {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_link_gets_a_card_fetched_safely_and_served_from_here() {
    let (base, served) = site().await;
    let server = Server::start(&["--allow-private-webhooks"]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let code = ada.join_code().await;
    let bob = join(&server, &code, "Bob Member", "bob@example.com").await;
    let room = ada.room_named("All Talk").await;
    let mut bob_live = bob.ws(bob.seq().await).await;

    let message = post_link(
        &ada,
        room,
        &format!("{base}/story"),
        Duration::from_secs(10),
    )
    .await;
    let card = &message["preview"];
    assert_eq!(card["title"], "Moon & back", "{message}");
    assert_eq!(card["description"], "A trip, told in pictures.");
    assert_eq!(card["site"], "Daily Orbit");
    assert_eq!(card["url"], format!("{base}/story"));
    // The picture comes from here, re-encoded to fit 1200 × 630.
    let image_url = card["image_url"].as_str().unwrap();
    assert!(image_url.starts_with("/api/messages/"), "{image_url}");
    let picture = bob.get(image_url).await;
    assert_eq!(picture.status, 200);
    let decoded = image::load_from_memory(&picture.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 630));
    // Bob's app hears of the card as the message changing, not being edited.
    let edited = loop {
        let event = bob_live.next_event().await;
        if event["kind"] == "message_edited" {
            break event;
        }
    };
    assert_eq!(edited["message"]["preview"]["title"], "Moon & back");
    assert!(edited["message"]["edited_at"].is_null());

    // A redirect chain is followed, each hop through the guard.
    let hops = post_link(&ada, room, &format!("{base}/hop1"), Duration::from_secs(10)).await;
    assert_eq!(hops["preview"]["title"], "Three hops away", "{hops}");
    assert!(hops["preview"]["image_url"].is_null());

    // A 50 MB page is read only as far as 5 MB (its title is at the top).
    let big = post_link(&ada, room, &format!("{base}/big"), Duration::from_secs(20)).await;
    assert_eq!(big["preview"]["title"], "Huge page", "{big}");
    let taken = served.big_bytes.load(Ordering::SeqCst);
    assert!(taken < 20 * 1024 * 1024, "{taken} bytes were sent");

    // Not HTML, or not alone in the message: no card.
    let json = post_link(
        &ada,
        room,
        &format!("{base}/data.json"),
        Duration::from_secs(2),
    )
    .await;
    assert!(json["preview"].is_null(), "{json}");
    let sentence = post_link(
        &ada,
        room,
        &format!("see {base}/story"),
        Duration::from_secs(1),
    )
    .await;
    assert!(sentence["preview"].is_null());

    // The same page again: the card is reused, not fetched again.
    let again = post_link(
        &bob,
        room,
        &format!("{base}/story"),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(again["preview"]["title"], "Moon & back");
    assert_eq!(served.story.load(Ordering::SeqCst), 1, "fetched once");

    // Only the author (or an administrator) removes a card.
    let path = format!("/api/messages/{}/preview", message["id"]);
    assert_eq!(bob.delete(&path).await.status, 403);
    let removed = ada.delete(&path).await.expect(200);
    assert!(removed["message"]["preview"].is_null());
    assert_eq!(bob.get(image_url).await.status, 404);
    // The reused card keeps its picture.
    let again_image = again["preview"]["image_url"].as_str().unwrap();
    assert_eq!(bob.get(again_image).await.status, 200);
    assert_eq!(served.any.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_private_address_switch_off_a_loopback_link_is_never_called() {
    let (base, served) = site().await;
    let server = Server::start(&[]).await;
    let ada = first_run(&server, "Ada Admin", "ada@example.com").await;
    let room = ada.room_named("All Talk").await;
    let canary = format!("{base}/canary");
    let message = post_link(&ada, room, &canary, Duration::from_secs(2)).await;
    assert!(message["preview"].is_null(), "{message}");
    assert_eq!(
        served.any.load(Ordering::SeqCst),
        0,
        "the canary heard nothing"
    );
}
