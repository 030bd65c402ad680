//! Battery item 5, slow and broken clients: sockets that never read (F4), connections that
//! never send a request or dribble their headers forever (slowloris, F5), and clients flooding
//! focus and typing frames (F9), all at once. Each is cut off (or throttled) within a bound,
//! while a bystander keeps receiving every message; its delivery latency before and during the
//! attack is reported.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::limits::closed_within;
use super::slow_clients::stuck_socket;
use super::soak;
use crate::common::{Client, Server, Ws, two_people};

/// Posts as `author` and times until `listener` hears of it; returns the latencies.
async fn latencies(author: &Client, listener: &mut Ws, room: i64, samples: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(samples);
    for n in 0..samples {
        let started = Instant::now();
        let posted = author
            .post_message(room, &format!("<p>probe {n}</p>"))
            .await;
        loop {
            let event = listener.next_event().await;
            if event["kind"] == "message_created" && event["message_id"] == posted["id"] {
                break;
            }
        }
        out.push(started.elapsed());
    }
    out.sort_unstable();
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Reads until the end of the stream; when it ended (or `None` if not within `within`).
async fn ended_within(mut stream: TcpStream, within: Duration) -> Option<Instant> {
    let mut chunk = vec![0u8; 64 * 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return Instant::now(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_broken_and_flooding_clients_are_cut_off_while_others_are_served() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let stuck_count = soak::size(8, 200);
    let silent_count = soak::size(40, 800);
    let dribbler_count = soak::size(4, 50);
    let flips = soak::size(4_000, 100_000);
    let samples = soak::size(40, 500);
    let heartbeat = 2;
    let header = 1;
    let server = Server::start(&[
        "--heartbeat-timeout",
        &heartbeat.to_string(),
        "--ping-interval",
        "0.5",
        "--header-timeout",
        &header.to_string(),
    ])
    .await;
    let (ada, bob, room) = two_people(&server).await;
    let mut bystander = ada.ws(ada.seq().await).await;
    let before = latencies(&bob, &mut bystander, room, samples).await;

    // The attack.
    let started = Instant::now();
    let token = bob.token.clone().unwrap();
    let since = bob.seq().await;
    let mut stuck = Vec::new();
    for _ in 0..stuck_count {
        stuck.push(stuck_socket(&server, &token, since).await);
    }
    let mut silent = Vec::new();
    for _ in 0..silent_count {
        silent.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let mut dribblers = Vec::new();
    for _ in 0..dribbler_count {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(b"GET /up HTTP/1.1\r\n").await.unwrap();
        dribblers.push(tokio::spawn(async move {
            for i in 0.. {
                let line = format!("X-Slow-{i}: yes\r\n");
                if stream.write_all(line.as_bytes()).await.is_err() {
                    return Instant::now();
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            unreachable!()
        }));
    }
    let flooder = bob.ws(bob.seq().await).await;
    for i in 0..flips {
        flooder.focus((i % 2 == 0).then_some(room));
        flooder.send_json(&json!({ "type": "typing", "room_id": room }));
    }
    // Big messages, to fill what the stuck sockets will not read.
    let filler = {
        let bob = bob.clone();
        tokio::spawn(async move {
            let words = "word ".repeat(10_000);
            for _ in 0..40 {
                bob.post_message(room, &format!("<p>{words}</p>")).await;
            }
        })
    };
    let during = latencies(&bob, &mut bystander, room, samples).await;
    filler.await.unwrap();

    // Everyone who misbehaved is let go within a bound.
    let bound = Duration::from_secs(heartbeat * 2 + 10);
    let mut slowest = Duration::ZERO;
    for stream in stuck {
        let ended = ended_within(stream, bound)
            .await
            .expect("a socket that never reads was kept");
        slowest = slowest.max(ended - started);
    }
    for mut stream in silent {
        assert!(
            closed_within(&mut stream, bound).await,
            "a silent connection was kept"
        );
    }
    slowest = slowest.max(started.elapsed());
    for dribbler in dribblers {
        let ended = tokio::time::timeout(bound, dribbler)
            .await
            .expect("a dribbling connection was kept")
            .unwrap();
        slowest = slowest.max(ended - started);
    }
    // The bystander was never cut off and missed nothing: it hears one more message.
    let last = ada.post_message(room, "<p>still here</p>").await;
    loop {
        let event = bystander.next_event().await;
        if event["message_id"] == last["id"] {
            break;
        }
    }
    drop(flooder);

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    soak::report(
        5,
        "slow and broken clients",
        &format!(
            "{stuck_count} sockets that never read, {silent_count} connections that never send a request, {dribbler_count} dribbling headers, {flips} focus flips and as many typing frames, 40 posts of 50 kB meanwhile"
        ),
        &format!(
            "all cut off within {:.1} s of the attack's start (bound {} s); the bystander heard every message, never cut off; its delivery p50/p99 {}/{} before, {}/{} during",
            slowest.as_secs_f64(),
            bound.as_secs(),
            ms(percentile(&before, 0.5)),
            ms(percentile(&before, 0.99)),
            ms(percentile(&during, 0.5)),
            ms(percentile(&during, 0.99)),
        ),
        "nothing",
    );
}
