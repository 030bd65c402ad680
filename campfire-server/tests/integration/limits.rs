//! Connections a client holds without using them (F5): silent ones, ones that dribble their
//! headers (slowloris) and idle keep-alive ones are closed after the header deadline; past
//! the connection cap, new ones are closed as they arrive; and through all of it the server
//! goes on answering everyone else.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{Client, Server};

/// Whether the server closed `stream` (end of stream or reset) within `within`.
pub(crate) async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

async fn up(server: &Server) -> u16 {
    let client = Client::anonymous(server.addr);
    client
        .try_send(client.request(reqwest::Method::GET, "/up"))
        .await
        .map_or(0, |r| r.status)
}

#[tokio::test]
async fn silent_dribbling_and_idle_connections_are_closed_after_the_header_deadline() {
    let server = Server::start(&["--header-timeout", "1"]).await;
    let mut silent = Vec::new();
    for _ in 0..50 {
        silent.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let mut dribbling = TcpStream::connect(server.addr).await.unwrap();
    dribbling.write_all(b"GET /up HTTP/1.1\r\n").await.unwrap();
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /up HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 12];
    idle.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");

    // The dribbler keeps sending a header line now and then, never finishing.
    let dribbler = tokio::spawn(async move {
        for i in 0..20 {
            if dribbling
                .write_all(format!("X-Slow-{i}: yes\r\n").as_bytes())
                .await
                .is_err()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        closed_within(&mut dribbling, Duration::from_millis(100)).await
    });
    assert_eq!(up(&server).await, 200, "others are served meanwhile");

    for stream in &mut silent {
        assert!(
            closed_within(stream, Duration::from_secs(5)).await,
            "a silent connection stayed open"
        );
    }
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "an idle keep-alive connection stayed open"
    );
    assert!(
        dribbler.await.unwrap(),
        "the dribbling connection stayed open"
    );
    assert_eq!(up(&server).await, 200);
}

#[tokio::test]
async fn connections_past_the_cap_are_closed_as_they_arrive() {
    let server = Server::start(&["--max-connections", "20", "--header-timeout", "30"]).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(server.addr).await.unwrap());
    }
    // Let the server accept them all.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut extra = TcpStream::connect(server.addr).await.unwrap();
    assert!(
        closed_within(&mut extra, Duration::from_secs(5)).await,
        "a connection past the cap was kept"
    );
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    while up(&server).await != 200 {
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
