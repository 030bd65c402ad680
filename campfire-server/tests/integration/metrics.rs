//! Prometheus metrics (O2): after some traffic — pages, posts, a live socket, a refused
//! sign-in, a webhook that fails — `/metrics` on its own address shows every named series,
//! and nothing in it carries a concrete path, an id, a body, an email, a key or an address.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{Client, Server, TIMEOUT, two_people};

/// The metrics address from the server's log.
pub async fn metrics_address(server: &Server) -> SocketAddr {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let logs = server.logs();
        if let Some(line) = logs.lines().find(|l| l.contains("metrics at /metrics")) {
            let address = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("address="))
                .expect("the metrics address in the log");
            return address.parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no metrics listener: {logs}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn scrape(address: SocketAddr) -> String {
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The value of the first sample of `series` whose labels include every one of `labels`.
pub fn sample(text: &str, series: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(series)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn metrics_show_the_named_series_and_nothing_personal() {
    let server = Server::start(&[
        "--metrics-bind",
        "127.0.0.1:0",
        "--allow-private-webhooks",
        "--webhook-retry-base",
        "60",
    ])
    .await;
    let (ada, bob, room) = two_people(&server).await;
    let _live = bob.ws(0).await;
    let secret_words = "a very private sentence";
    ada.post_message(room, &format!("<p>{secret_words}</p>"))
        .await;
    // A refused sign-in.
    Client::anonymous(server.addr)
        .post(
            "/api/session",
            &json!({ "email": "ada@example.com", "password": "wrong" }),
        )
        .await;
    // A bot whose webhook cannot be reached: its delivery fails and waits to be retried.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_end = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let created = ada
        .post(
            "/api/bots",
            &json!({ "name": "Robo", "webhook_url": dead_end }),
        )
        .await
        .expect(201);
    let robo = created["bot"]["user"]["id"].as_i64().unwrap();
    let key = created["bot"]["key"].as_str().unwrap().to_owned();
    ada.post_message(
        room,
        &format!(r#"<p><span data-mention-id="{robo}">@Robo</span> hello</p>"#),
    )
    .await;

    let address = metrics_address(&server).await;
    let deadline = Instant::now() + TIMEOUT;
    let text = loop {
        let text = scrape(address).await;
        if sample(
            &text,
            "campfire_outbox_failures_total",
            &["kind=\"webhook\""],
        )
        .is_some()
        {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "no failed delivery counted:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    let posts = sample(
        &text,
        "campfire_http_requests_total",
        &[
            "method=\"POST\"",
            "route=\"/api/rooms/{id}/messages\"",
            "status=\"201\"",
        ],
    );
    assert_eq!(posts, Some(2.0), "{text}");
    assert!(
        sample(&text, "campfire_http_requests_total", &["status=\"401\""]).is_some()
            || sample(&text, "campfire_http_requests_total", &["status=\"422\""]).is_some(),
        "the refused sign-in is counted:\n{text}"
    );
    assert!(
        sample(
            &text,
            "campfire_http_request_duration_seconds_count",
            &["route=\"/api/rooms/{id}/messages\""]
        )
        .is_some_and(|n| n >= 2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "campfire_live_connections", &[]),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(&text, "campfire_events_published_total", &[]).is_some_and(|n| n >= 2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "campfire_outbox_backlog", &[]),
        Some(1.0),
        "the failed delivery waits for its retry:\n{text}"
    );
    assert!(
        sample(&text, "campfire_search_index_lag_events", &[]).is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "campfire_db_commit_seconds_count", &[]).is_some_and(|n| n > 0.0),
        "{text}"
    );

    // Nothing personal or secret, and no concrete path.
    for (what, needle) in [
        ("a message body", secret_words.to_owned()),
        ("an email", "@example.com".to_owned()),
        ("an address", "127.0.0.1".to_owned()),
        ("a bot key", key.clone()),
        ("a session token", ada.token.clone().unwrap()),
        ("a concrete path", format!("/api/rooms/{room}/")),
    ] {
        assert!(!text.contains(&needle), "the metrics carry {what}:\n{text}");
    }
}
