#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! A network partition: the client's connection goes silent without closing (a TCP proxy in the
//! test stops forwarding both ways). The server drops it after its heartbeat timeout, the client
//! notices the missing pings and treats it as dead, and when the network heals it resumes with
//! its last seq and receives everything it missed, once, in order.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{Server, TIMEOUT, two_people};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

const PING_INTERVAL: Duration = Duration::from_millis(500);
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(2);

/// A TCP proxy with a switch: partitioned, it forwards nothing in either direction and closes
/// nothing, like a network that silently drops packets. Bytes it holds are delivered when it
/// heals, as TCP would retransmit them.
struct Proxy {
    addr: SocketAddr,
    partitioned: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (partitioned, switch) = watch::channel(false);
        let task = tokio::spawn(async move {
            // Owned here, so that dropping the proxy ends every connection through it.
            let mut pumps = JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                pumps.spawn(pump(client_read, server_write, switch.clone()));
                pumps.spawn(pump(server_read, client_write, switch.clone()));
            }
        });
        Proxy {
            addr,
            partitioned,
            task,
        }
    }

    fn partition(&self) {
        self.partitioned.send_replace(true);
    }

    fn heal(&self) {
        self.partitioned.send_replace(false);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies one direction, pausing (without reading) while partitioned.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut switch: watch::Receiver<bool>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if switch.wait_for(|partitioned| !partitioned).await.is_err() {
            return;
        }
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            _ = switch.wait_for(|partitioned| *partitioned) => continue,
        };
        // Bytes read as the partition began are held until it heals.
        if switch.wait_for(|partitioned| !partitioned).await.is_err() {
            return;
        }
        match read {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => {
                if to.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_client_is_dropped_notices_and_resumes_without_loss() {
    let server = Server::start(&["--heartbeat-timeout", "2", "--ping-interval", "0.5"]).await;
    let (ada, bob, room) = two_people(&server).await;
    let proxy = Proxy::start(server.addr).await;

    // Ada watches the room directly; Bob's client is behind the proxy.
    let mut ada_ws = ada.ws(ada.seq().await).await;
    ada_ws.focus(Some(room));
    assert_eq!(ada_ws.presence(room).await, [ada.id()]);
    let mut bob_ws = bob
        .ws_at(proxy.addr, bob.seq().await, &[])
        .await
        .expect("the live socket through the proxy");
    bob_ws.focus(Some(room));
    assert_eq!(
        ada_ws.presence(room).await,
        sorted(vec![ada.id(), bob.id()])
    );

    // A healthy connection: pings keep coming, and the client's pongs keep it alive past the
    // heartbeat timeout.
    let healthy_since = Instant::now();
    while healthy_since.elapsed() < HEARTBEAT_TIMEOUT + PING_INTERVAL {
        assert!(
            bob_ws.ping_within(2 * PING_INTERVAL).await,
            "a healthy connection is pinged every {PING_INTERVAL:?}"
        );
    }
    let before = ada.post_message(room, "before the partition").await;
    let event = bob_ws.expect_event("message_created").await;
    assert_eq!(event["message_id"], before["id"]);
    assert_eq!(
        ada_ws.expect_event("message_created").await["message_id"],
        before["id"]
    );
    let since = bob_ws.last_seq;

    proxy.partition();
    let partitioned_at = Instant::now();

    // Messages keep being posted, directly.
    let mut missed = Vec::new();
    for n in 0..5 {
        let message = ada
            .post_message(room, &format!("during the partition {n}"))
            .await;
        missed.push(message["id"].as_i64().unwrap());
    }

    // The client hears nothing, not even pings, for twice the ping interval: it treats the
    // connection as dead.
    while bob_ws.heard_within(2 * PING_INTERVAL).await {
        assert!(
            partitioned_at.elapsed() < TIMEOUT,
            "frames kept arriving through a partition"
        );
    }
    let noticed = partitioned_at.elapsed();
    assert!(
        noticed < 2 * PING_INTERVAL + Duration::from_secs(2),
        "the client noticed after {noticed:?}"
    );

    // The server drops the silent connection after its heartbeat timeout: Bob is no longer
    // present in the room for Ada.
    assert_eq!(ada_ws.presence(room).await, [ada.id()]);
    let dropped = partitioned_at.elapsed();
    assert!(
        dropped >= HEARTBEAT_TIMEOUT - PING_INTERVAL - Duration::from_millis(300),
        "dropped after {dropped:?}, before its heartbeat timeout"
    );
    assert!(
        dropped < HEARTBEAT_TIMEOUT + Duration::from_secs(3),
        "dropped only after {dropped:?}"
    );
    for id in &missed {
        assert_eq!(
            ada_ws.expect_event("message_created").await["message_id"],
            *id
        );
    }

    // More is posted after the server gave up on Bob, still during the partition.
    for n in 0..5 {
        let message = ada.post_message(room, &format!("after the drop {n}")).await;
        missed.push(message["id"].as_i64().unwrap());
    }

    proxy.heal();

    // What the server sent the dead connection arrives now: its heartbeat-timeout close.
    assert_eq!(
        bob_ws.closed(TIMEOUT).await,
        Some(4003),
        "the server closed the silent connection with 4003"
    );

    // Bob's client reconnects with the last seq it applied: every missed message once, in order.
    let mut bob_ws = bob
        .ws_at(proxy.addr, since, &[])
        .await
        .expect("reconnecting through the healed network");
    for (n, id) in missed.iter().enumerate() {
        let event = bob_ws.expect_event("message_created").await;
        assert_eq!(event["message_id"], *id, "missed message {n}");
    }
    let live = ada.post_message(room, "after the partition").await;
    assert_eq!(
        bob_ws.expect_event("message_created").await["message_id"],
        live["id"],
        "live again, nothing twice"
    );
    bob_ws.focus(Some(room));
    assert_eq!(
        ada_ws.presence(room).await,
        sorted(vec![ada.id(), bob.id()]),
        "present again"
    );
}
