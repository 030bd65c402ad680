//! A client that stops reading (F4) is dropped once a write to it has waited as long as the
//! server waits to hear from a client, instead of being held forever with its queue and
//! buffers; the others go on receiving everything.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::metrics::{metrics_address, sample, scrape};
use crate::common::{Server, two_people};

/// A live socket opened by hand that, after the handshake, never reads again; its receive
/// buffer is as small as the system allows, so the server's writes back up quickly.
pub(crate) async fn stuck_socket(
    server: &Server,
    token: &str,
    since: u64,
) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(server.addr).await.unwrap();
    let request = format!(
        "GET /api/live?since={since} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\nCookie: campfire_session={token}\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    stream
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_the_others_go_on() {
    let server = Server::start(&[
        "--heartbeat-timeout",
        "2",
        "--ping-interval",
        "0.5",
        "--metrics-bind",
        "127.0.0.1:0",
    ])
    .await;
    let metrics = metrics_address(&server).await;
    let (ada, bob, room) = two_people(&server).await;
    let since = bob.seq().await;
    let mut stuck = stuck_socket(&server, bob.token.as_deref().unwrap(), since).await;
    let mut reader = ada.ws(since).await;

    // Far more than any socket buffer holds for the stuck client.
    let words = "word ".repeat(10_000);
    let posts = 150;
    for _ in 0..posts {
        ada.post_message(room, &format!("<p>{words}</p>")).await;
    }
    for _ in 0..posts {
        reader.expect_event("message_created").await;
    }

    // The server lets go of the stuck socket: only Ada's stays open.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let open = sample(&scrape(metrics).await, "campfire_live_connections", &[]);
        if open == Some(1.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stuck socket is still held ({open:?} open)"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // And it is closed: reading shows what was buffered, then the end.
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut chunk = vec![0u8; 64 * 1024];
        while let Ok(n) = stuck.read(&mut chunk).await {
            if n == 0 {
                return;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the stuck connection was never closed");
}

/// F9: a client flipping its focus 20,000 times does not flood the room's other members with
/// presence frames (nor get them cut off as too slow), and presence still ends up right.
#[tokio::test]
async fn a_client_flipping_focus_floods_no_one() {
    let server = Server::start(&[]).await;
    let (ada, bob, room) = two_people(&server).await;
    let mut listener = ada.ws(ada.seq().await).await;
    listener.focus(Some(room));
    assert_eq!(listener.presence(room).await, [ada.id()]);
    let flipper = bob.ws(bob.seq().await).await;
    let started = Instant::now();
    for i in 0..20_000 {
        flipper.focus((i % 2 == 0).then_some(room));
    }
    flipper.focus(Some(room));

    let mut frames = 0;
    let mut last = Vec::new();
    loop {
        match listener
            .text_where(Duration::from_secs(2), |v| {
                v["type"] == "presence" && v["room_id"] == room
            })
            .await
        {
            Ok(Some(frame)) => {
                frames += 1;
                last = frame["user_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect();
            }
            Ok(None) => break,
            Err(ended) => panic!("the listener was cut off: {ended:?}"),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    // At most five focus changes a second get through, each one presence frame.
    assert!(
        f64::from(frames) <= 5.0 * seconds + 2.0,
        "{frames} presence frames in {seconds:.1} s"
    );
    last.sort_unstable();
    let mut both = vec![ada.id(), bob.id()];
    both.sort_unstable();
    assert_eq!(last, both, "presence ends up right");
}
