//! WebSocket clients that behave like the browser app's one socket (resume from the last `seq`
//! they applied), the tally of what they received, and the bare broadcaster baseline.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Small buffers, as the server uses: 10,000 sockets must fit (stack.md's memory pitfall).
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
}

/// What every client saw, shared: per marked message, how many clients got it and when the
/// last one did; and every violation of exactly-once, in-order delivery.
pub struct Tally {
    base: Instant,
    counts: Vec<AtomicU32>,
    last_ns: Vec<AtomicU64>,
    /// Clients whose socket is open (handshake done, not yet closed).
    pub open: AtomicU64,
    /// Handshakes completed, in all.
    pub handshakes: AtomicU64,
    /// When the latest handshake completed (ns after `base`).
    pub last_handshake_ns: AtomicU64,
    /// A marked message received twice by one client.
    pub duplicates: AtomicU64,
    /// An event whose seq was not the one after the client's last.
    pub gaps: AtomicU64,
    /// Handshakes refused or failed (after retries, for reconnecting clients).
    pub failures: AtomicU64,
    /// Sockets closed by the server, by code.
    pub closes: AtomicU64,
}

impl Tally {
    /// A tally for markers `0..markers`.
    pub fn new(markers: usize) -> Arc<Tally> {
        Arc::new(Tally {
            base: Instant::now(),
            counts: (0..markers).map(|_| AtomicU32::new(0)).collect(),
            last_ns: (0..markers).map(|_| AtomicU64::new(0)).collect(),
            open: AtomicU64::new(0),
            handshakes: AtomicU64::new(0),
            last_handshake_ns: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            gaps: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            closes: AtomicU64::new(0),
        })
    }

    /// Nanoseconds since the tally began.
    pub fn now_ns(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// The instant `ns` after the tally began.
    pub fn instant(&self, ns: u64) -> Instant {
        self.base + Duration::from_nanos(ns)
    }

    /// How many clients received marker `k`.
    pub fn count(&self, k: usize) -> u32 {
        self.counts.get(k).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// When the last client received marker `k`.
    pub fn last(&self, k: usize) -> Instant {
        self.instant(self.last_ns.get(k).map_or(0, |c| c.load(Ordering::Relaxed)))
    }

    fn received(&self, k: usize, now: u64) {
        if let (Some(count), Some(last)) = (self.counts.get(k), self.last_ns.get(k)) {
            count.fetch_add(1, Ordering::Relaxed);
            last.fetch_max(now, Ordering::Relaxed);
        }
    }

    /// Waits until every one of `clients` received markers `from..to`, or `limit` passes.
    pub async fn wait_all(&self, from: usize, to: usize, clients: u32, limit: Duration) -> bool {
        let started = Instant::now();
        loop {
            if (from..to).all(|k| self.count(k) >= clients) {
                return true;
            }
            if started.elapsed() > limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// The marker in a frame: the number after `bench-` in a message's client id, or at the start
/// of its text (a bot's post, whose client id the server draws).
pub fn marker(text: &str) -> Option<usize> {
    let start = ["\"client_message_id\":\"bench-", "\"body_plain\":\"bench-"]
        .iter()
        .find_map(|key| text.find(key).map(|at| at + key.len()))?;
    let digits: String = text
        .get(start..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The `seq` of an event frame.
pub fn seq(text: &str) -> Option<u64> {
    let key = "\"seq\":";
    let start = text.find(key)? + key.len();
    let digits: String = text
        .get(start..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// One client: where, as whom, from which position.
#[derive(Clone)]
pub struct Client {
    /// The server (or broadcaster).
    pub addr: SocketAddr,
    /// The session cookie's token (none for the broadcaster).
    pub token: Option<String>,
    /// The last seq applied (from the seeded state).
    pub since: u64,
    /// Reconnect with the last seq seen when the socket closes (until stopped).
    pub reconnect: bool,
    /// Check that event seqs are consecutive (true when the client may see every event).
    pub check_gaps: bool,
    /// The loopback address to connect from: each crowd gets its own, so that a new round's
    /// connections never meet the last round's TIME_WAIT sockets (a 1 s SYN retry).
    pub source: std::net::IpAddr,
}

/// A loopback source address no crowd used before in this run.
pub fn fresh_source() -> std::net::IpAddr {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let [_, _, b, c] = (n % 60_000).to_be_bytes();
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 1, b, c))
}

/// Runs a client until `stop` turns true. `gate` bounds handshakes in flight.
pub async fn run(
    client: Client,
    tally: Arc<Tally>,
    gate: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    let mut since = client.since;
    let mut seen: Vec<bool> = Vec::new();
    let mut attempts = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        let socket = {
            let Ok(_permit) = gate.acquire().await else {
                return;
            };
            connect(&client, since).await
        };
        let mut socket = match socket {
            Ok(socket) => socket,
            Err(_) => {
                attempts += 1;
                if !client.reconnect || attempts > 600 {
                    tally.failures.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                // Back off with jitter, as the app does, so a restart is not a thundering herd.
                let jitter = u64::from(attempts.wrapping_mul(2_654_435_761) % 50);
                tokio::time::sleep(Duration::from_millis(50 + jitter)).await;
                continue;
            }
        };
        attempts = 0;
        tally.handshakes.fetch_add(1, Ordering::Relaxed);
        tally.open.fetch_add(1, Ordering::Relaxed);
        tally
            .last_handshake_ns
            .fetch_max(tally.now_ns(), Ordering::Relaxed);
        let stopped = loop {
            tokio::select! {
                _ = stop.changed() => break true,
                frame = socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        let now = tally.now_ns();
                        if let Some(s) = seq(&text) {
                            if s <= since || (client.check_gaps && s != since + 1) {
                                tally.gaps.fetch_add(1, Ordering::Relaxed);
                            }
                            since = since.max(s);
                        }
                        if let Some(k) = marker(&text) {
                            if seen.len() <= k {
                                seen.resize(k + 1, false);
                            }
                            if let Some(slot) = seen.get_mut(k) {
                                if *slot {
                                    tally.duplicates.fetch_add(1, Ordering::Relaxed);
                                } else {
                                    *slot = true;
                                    tally.received(k, now);
                                }
                            }
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                        tally.closes.fetch_add(1, Ordering::Relaxed);
                        break false;
                    }
                    Some(Ok(_)) => {}
                },
            }
        };
        tally.open.fetch_sub(1, Ordering::Relaxed);
        if stopped || !client.reconnect {
            let _ = socket.close(None).await;
            return;
        }
    }
}

type Socket = tokio_tungstenite::WebSocketStream<TcpStream>;

async fn connect(client: &Client, since: u64) -> Result<Socket> {
    let url = match &client.token {
        Some(_) => format!("ws://{}/api/live?since={since}", client.addr),
        None => format!("ws://{}/", client.addr),
    };
    let mut request = url.into_client_request()?;
    let headers = request.headers_mut();
    headers.insert(
        "Origin",
        HeaderValue::from_str(&format!("http://{}", client.addr))?,
    );
    if let Some(token) = &client.token {
        headers.insert(
            "Cookie",
            HeaderValue::from_str(&format!("campfire_session={token}"))?,
        );
    }
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(client.source, 0))?;
    let tcp = tokio::time::timeout(Duration::from_secs(10), socket.connect(client.addr))
        .await
        .context("connect timed out")??;
    tcp.set_nodelay(true)?;
    let (socket, _) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::client_async_with_config(request, tcp, Some(config())),
    )
    .await
    .context("handshake timed out")??;
    Ok(socket)
}

/// A publisher for the broadcaster: one more client that sends what everyone receives.
pub async fn publisher(addr: SocketAddr) -> Result<Socket> {
    connect(
        &Client {
            addr,
            token: None,
            since: 0,
            reconnect: false,
            check_gaps: false,
            source: fresh_source(),
        },
        0,
    )
    .await
}

/// A frame shaped like the server's `message_created` event (same size ballpark).
pub fn fake_event(seq: u64, k: usize) -> Utf8Bytes {
    Utf8Bytes::from(format!(
        "{{\"type\":\"event\",\"seq\":{seq},\"event\":{{\"kind\":\"message_created\",\"room_id\":1,\"message_id\":{seq},\
         \"message\":{{\"id\":{seq},\"room_id\":1,\"author_id\":1,\"client_message_id\":\"bench-{k}\",\
         \"body_html\":\"<p>fan-out {k}</p>\",\"body_plain\":\"fan-out {k}\",\"mentions\":[],\"play\":null,\"boosts\":[],\
         \"created_at\":\"2026-11-25T18:40:00.123Z\",\"edited_at\":null,\"url\":\"/rooms/1/@{seq}\"}}}}}}"
    ))
}

/// The bare broadcaster: a tokio WebSocket server with no persistence and no rules. Every
/// text frame any client sends goes to every connected client (through a tokio broadcast
/// channel). Runs until killed.
pub async fn broadcaster(addr: SocketAddr) -> Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let (tx, _) = broadcast::channel::<Utf8Bytes>(1024);
    loop {
        let (tcp, _) = listener.accept().await?;
        let tx = tx.clone();
        let mut rx = tx.subscribe();
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let Ok(socket) = tokio_tungstenite::accept_async_with_config(tcp, Some(config())).await
            else {
                return;
            };
            let (mut sink, mut stream) = socket.split();
            loop {
                tokio::select! {
                    frame = rx.recv() => match frame {
                        Ok(text) => {
                            if sink.send(Message::Text(text)).await.is_err() {
                                return;
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => return,
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    incoming = stream.next() => match incoming {
                        Some(Ok(Message::Text(text))) => {
                            let _ = tx.send(text);
                        }
                        Some(Ok(_)) => {}
                        _ => return,
                    },
                }
            }
        });
    }
}
