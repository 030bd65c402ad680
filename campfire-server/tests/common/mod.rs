//! What the integration tests share: the real server binary in a child process (started on a
//! fresh data directory, killed, restarted on the same directory and port), an HTTP client that
//! holds one session cookie, and a live-socket client that reads frames in the background.
//!
//! The integration binary (`tests/integration/`) and the partition and resume suites include this
//! module; each uses a different part of it.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::Message;

/// The upper bound for anything a test waits for. Generous: the machine may be busy.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Every test person's password.
pub const PASSWORD: &str = "correct horse battery staple";

// ---------------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------------

/// A running `campfire-server` on its own data directory. Killed (SIGKILL) when dropped.
pub struct Server {
    child: Option<Child>,
    /// Where it listens (the same across restarts).
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    extra: Vec<String>,
    /// Environment variables the process gets besides the test's own.
    env: Vec<(String, String)>,
    logs: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on `127.0.0.1:0` with a fresh data directory and `extra` flags.
    pub async fn start(extra: &[&str]) -> Server {
        Self::start_on("127.0.0.1:0", extra).await
    }

    /// Starts a server bound to `bind` with a fresh data directory.
    pub async fn start_on(bind: &str, extra: &[&str]) -> Server {
        Self::start_with_env(bind, extra, &[]).await
    }

    /// Starts a server bound to `bind` with `env` set in its environment.
    pub async fn start_with_env(bind: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("a temporary data directory");
        let logs = Arc::new(Mutex::new(String::new()));
        let extra: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        let mut server = Server {
            child: None,
            addr: "127.0.0.1:0".parse().unwrap(),
            dir,
            extra,
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            logs,
            readers: Vec::new(),
        };
        server.addr = server.spawn(bind).await.unwrap_or_else(|e| panic!("{e}"));
        server
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// `http://ADDR`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything the server processes wrote to stderr so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child
            .as_ref()
            .and_then(Child::id)
            .expect("the server is running")
    }

    async fn spawn(&mut self, bind: &str) -> Result<SocketAddr, String> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_campfire-server"));
        for (name, _) in std::env::vars() {
            if name.starts_with("CAMPFIRE_") {
                command.env_remove(name);
            }
        }
        command
            .arg("--bind")
            .arg(bind)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(&self.extra)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start the server: {e}"))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (address_tx, address_rx) = oneshot::channel::<SocketAddr>();
        self.readers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            let mut address_tx = Some(address_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                let rest = line
                    .strip_prefix("Campfire is running at http://")
                    .or_else(|| line.strip_prefix("Campfire is running at https://"));
                if let Some(rest) = rest {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    if let (Ok(addr), Some(tx)) = (addr.parse(), address_tx.take()) {
                        let _ = tx.send(addr);
                    }
                }
            }
        }));
        let logs = self.logs.clone();
        self.readers.push(tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut logs = logs.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        }));
        self.child = Some(child);
        match tokio::time::timeout(TIMEOUT, address_rx).await {
            Ok(Ok(addr)) => Ok(addr),
            _ => {
                let status = self.kill().await;
                Err(format!(
                    "the server did not start ({status:?}); its log:\n{}",
                    self.logs()
                ))
            }
        }
    }

    /// SIGKILL, and waits for the process to be gone.
    pub async fn kill(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let _ = child.start_kill();
        child.wait().await.ok()
    }

    /// SIGTERM; waits up to `within` for the process to exit and returns how it exited (or
    /// `None` if it did not, in which case it is killed).
    pub async fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        let pid = self.pid();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "could not send SIGTERM");
        let mut child = self.child.take()?;
        match tokio::time::timeout(within, child.wait()).await {
            Ok(status) => status.ok(),
            Err(_) => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                None
            }
        }
    }

    /// Waits until everything the stopped process wrote to stdout and stderr has been read.
    pub async fn collect_output(&mut self) {
        assert!(self.child.is_none(), "stop the server first");
        for reader in self.readers.drain(..) {
            let _ = tokio::time::timeout(TIMEOUT, reader).await;
        }
    }

    /// Starts the server again on the same data directory and address (after `kill` or
    /// `terminate`; kills it first if it is still running).
    pub async fn restart(&mut self) {
        self.kill().await;
        let bind = self.addr.to_string();
        let started = Instant::now();
        loop {
            match self.spawn(&bind).await {
                Ok(addr) => {
                    assert_eq!(addr, self.addr, "restarted on the same address");
                    return;
                }
                // The address can take a moment to be free again.
                Err(error) if started.elapsed() < TIMEOUT => {
                    eprintln!("restart failed, retrying: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => panic!("{error}"),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        if std::thread::panicking() {
            let logs = self.logs();
            let tail: Vec<&str> = logs.lines().rev().take(150).collect();
            eprintln!("--- the server's last log lines ---");
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// An HTTP answer, read completely.
#[derive(Debug, Clone)]
pub struct Resp {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "expected a JSON body ({e}), got {}: {:?}",
                self.status,
                self.text()
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("an ASCII header").to_owned())
    }

    /// Asserts the status, showing the body when it is different; returns the JSON body (or
    /// `null` when there is none).
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text());
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts an API error: this status, a JSON body `{"error":{"code","message"}}` with this
    /// code and a non-empty message.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text());
        assert_api_error(self);
        assert_eq!(self.json()["error"]["code"], code, "{}", self.text());
    }
}

/// Asserts the body is the API's JSON error shape, and nothing more.
#[track_caller]
pub fn assert_api_error(resp: &Resp) {
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "error {} is not JSON ({content_type}): {:?}",
        resp.status,
        resp.text()
    );
    let body = resp.json();
    let error = &body["error"];
    assert!(
        error["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{body}"
    );
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    assert_eq!(error.as_object().map(|o| o.len()), Some(2), "{body}");
}

/// A user agent: an HTTP client holding (at most) one session cookie.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// `https` with a client that trusts the test's CA, or plain `http`.
    https: Option<reqwest::Client>,
    /// The server's address.
    pub addr: SocketAddr,
    /// The session token from `Set-Cookie`, if signed in.
    pub token: Option<String>,
    /// `me` as the server last described it.
    pub me: Value,
}

fn http_client() -> reqwest::Client {
    // reqwest is built without a TLS crypto provider of its own; the server installs ring, and
    // so do its tests (only plain HTTP is used, but the client insists on one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .expect("an HTTP client")
}

/// The session token in a `Set-Cookie: campfire_session=...` header.
pub fn session_from(resp: &Resp) -> Option<String> {
    resp.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == "campfire_session" && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh `client_message_id`.
pub fn client_id() -> String {
    format!(
        "t{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

impl Client {
    /// A client that is not signed in.
    pub fn anonymous(addr: SocketAddr) -> Client {
        Client {
            http: http_client(),
            https: None,
            addr,
            token: None,
            me: Value::Null,
        }
    }

    /// A client that is not signed in and speaks HTTPS through `https` (which trusts the
    /// server's certificate).
    pub fn anonymous_https(addr: SocketAddr, https: reqwest::Client) -> Client {
        Client {
            http: https.clone(),
            https: Some(https),
            ..Client::anonymous(addr)
        }
    }

    /// `http://ADDR` (or `https://`).
    pub fn base(&self) -> String {
        let scheme = if self.https.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The same session with a new connection pool (after the server restarted, so that no
    /// request goes out on a connection to the old process).
    pub fn fresh(&self) -> Client {
        Client {
            http: self.https.clone().unwrap_or_else(http_client),
            ..self.clone()
        }
    }

    /// The same session, not following redirects (to see where one points).
    pub fn not_following_redirects(&self) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Client {
            http,
            https: None,
            ..self.clone()
        }
    }

    /// My user id.
    pub fn id(&self) -> i64 {
        self.me["id"].as_i64().expect("signed in")
    }

    /// A request with my cookie; `path` starts with `/`.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.base()));
        match &self.token {
            Some(token) => builder.header("cookie", format!("campfire_session={token}")),
            None => builder,
        }
    }

    /// Sends a request and reads the whole answer.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Resp {
        self.try_send(request)
            .await
            .unwrap_or_else(|e| panic!("the request failed: {e:?}"))
    }

    /// Sends a request; transport errors are returned.
    pub async fn try_send(&self, request: reqwest::RequestBuilder) -> Result<Resp, reqwest::Error> {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Resp {
            status,
            headers,
            body,
        })
    }

    /// `GET`.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.request(Method::GET, path)).await
    }

    /// A request with a JSON body.
    pub async fn json(&self, method: Method, path: &str, body: &Value) -> Resp {
        self.send(
            self.request(method, path)
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// `POST` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.json(Method::POST, path, body).await
    }

    /// `PATCH` with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> Resp {
        self.json(Method::PATCH, path, body).await
    }

    /// `PUT` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> Resp {
        self.json(Method::PUT, path, body).await
    }

    /// `DELETE` without a body.
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// A request with a raw body and content type, as `curl -d` sends.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Resp {
        self.send(
            self.request(method, path)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// Takes the session from an answer that signs in (201/200 with `Set-Cookie`).
    pub fn adopt(&mut self, resp: &Resp) {
        self.token = Some(session_from(resp).expect("a session cookie"));
        self.me = resp.json()["me"].clone();
    }

    /// Posts a message and returns it (asserts 201).
    pub async fn post_message(&self, room: i64, html: &str) -> Value {
        let resp = self
            .post(
                &format!("/api/rooms/{room}/messages"),
                &json!({ "client_message_id": client_id(), "body_html": html }),
            )
            .await;
        resp.expect(201)["message"].clone()
    }

    /// My rooms and the seq they are consistent with.
    pub async fn rooms(&self) -> (Vec<Value>, u64) {
        let body = self.get("/api/rooms").await.expect(200);
        let rooms = body["rooms"].as_array().expect("rooms").clone();
        (rooms, body["seq"].as_u64().expect("seq"))
    }

    /// The log position my state is consistent with.
    pub async fn seq(&self) -> u64 {
        self.rooms().await.1
    }

    /// The id of the room with this name among mine.
    pub async fn room_named(&self, name: &str) -> i64 {
        let (rooms, _) = self.rooms().await;
        rooms
            .iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["id"].as_i64())
            .unwrap_or_else(|| panic!("no room {name:?} in {rooms:?}"))
    }

    /// A room as `GET /api/rooms` shows it to me, if I have it.
    pub async fn my_room(&self, id: i64) -> Option<Value> {
        let (rooms, _) = self.rooms().await;
        rooms.into_iter().find(|r| r["id"] == id)
    }

    /// The join code from the account page (administrators).
    pub async fn join_code(&self) -> String {
        let body = self.get("/api/account").await.expect(200);
        let path = body["join_path"].as_str().expect("join_path");
        path.strip_prefix("/join/").expect("/join/ path").to_owned()
    }

    /// Every message of a room, oldest first, paging forward with `after=`.
    pub async fn all_messages(&self, room: i64) -> Vec<Value> {
        let mut all: Vec<Value> = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .get(&format!("/api/rooms/{room}/messages?after={after}"))
                .await
                .expect(200);
            let messages = page["messages"].as_array().expect("messages").clone();
            let Some(last) = messages.last() else { break };
            after = last["id"].as_i64().expect("id");
            all.extend(messages);
            if page["has_after"] != true {
                break;
            }
        }
        all
    }

    /// The live socket, resuming after `since`.
    pub async fn ws(&self, since: u64) -> Ws {
        self.ws_at(self.addr, since, &[])
            .await
            .unwrap_or_else(|e| panic!("the live socket was refused: {}", describe_ws_error(&e)))
    }

    /// The live socket through another address (a proxy) with extra handshake headers.
    pub async fn ws_at(
        &self,
        addr: SocketAddr,
        since: u64,
        headers: &[(&str, &str)],
    ) -> Result<Ws, tungstenite::Error> {
        let mut ws = self
            .ws_url(addr, &format!("/api/live?since={since}"), headers)
            .await?;
        ws.last_seq = since;
        Ok(ws)
    }

    /// The live socket at any path and query (for refusals).
    pub async fn ws_url(
        &self,
        addr: SocketAddr,
        path_and_query: &str,
        headers: &[(&str, &str)],
    ) -> Result<Ws, tungstenite::Error> {
        let mut request = format!("ws://{addr}{path_and_query}").into_client_request()?;
        if let Some(token) = &self.token {
            request.headers_mut().insert(
                "cookie",
                HeaderValue::from_str(&format!("campfire_session={token}")).unwrap(),
            );
        }
        for (name, value) in headers {
            request.headers_mut().insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let (stream, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Ws::new(stream))
    }
}

/// A readable description of a refused handshake.
pub fn describe_ws_error(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Http(response) => format!(
            "HTTP {}: {}",
            response.status(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
        ),
        other => other.to_string(),
    }
}

/// The HTTP status of a refused handshake.
pub fn refused_status(result: Result<Ws, tungstenite::Error>) -> (u16, Option<Vec<u8>>) {
    match result {
        Ok(_) => panic!("the handshake was accepted"),
        Err(tungstenite::Error::Http(response)) => {
            (response.status().as_u16(), response.body().clone())
        }
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
    }
}

/// Runs first run: the administrator, signed in.
pub async fn first_run(server: &Server, name: &str, email: &str) -> Client {
    let mut client = Client::anonymous(server.addr);
    let resp = client
        .post(
            "/api/first_run",
            &json!({ "name": name, "email": email, "password": PASSWORD }),
        )
        .await;
    resp.expect(201);
    client.adopt(&resp);
    client
}

/// Signs up through the join link.
pub async fn join(server: &Server, code: &str, name: &str, email: &str) -> Client {
    let mut client = Client::anonymous(server.addr);
    let resp = client
        .post(
            &format!("/api/join/{code}"),
            &json!({ "name": name, "email": email, "password": PASSWORD }),
        )
        .await;
    resp.expect(201);
    client.adopt(&resp);
    client
}

/// Signs in with the test password (a new session).
pub async fn sign_in(server: &Server, email: &str) -> Client {
    let mut client = Client::anonymous(server.addr);
    let resp = client
        .post(
            "/api/session",
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    resp.expect(200);
    client.adopt(&resp);
    client
}

/// A set-up server with an administrator (Ada) and a member (Bob), and All Talk's id.
pub async fn two_people(server: &Server) -> (Client, Client, i64) {
    let admin = first_run(server, "Ada Admin", "ada@example.com").await;
    let code = admin.join_code().await;
    let member = join(server, &code, "Bob Member", "bob@example.com").await;
    let all_talk = admin.room_named("All Talk").await;
    (admin, member, all_talk)
}

// ---------------------------------------------------------------------------------------------
// The live socket
// ---------------------------------------------------------------------------------------------

/// What the socket's reader saw.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A text frame (parsed; a frame that is not JSON fails the test).
    Text(Value),
    /// A ping from the server (answered automatically).
    Ping,
    /// A close frame, with its code.
    Close(Option<u16>),
    /// The connection ended without (further) frames: an error or end of stream.
    Ended(String),
}

/// A live socket. A background task reads frames (answering pings as any client library does)
/// and queues them; the test takes them in order. Dropping it drops the connection abruptly.
pub struct Ws {
    incoming: mpsc::UnboundedReceiver<Incoming>,
    outgoing: mpsc::UnboundedSender<Message>,
    task: JoinHandle<()>,
    /// Text frames read but not yet taken (kept while looking for another kind of frame).
    pending: VecDeque<Value>,
    /// The seq of the last event taken (at first, the `since` it connected with).
    pub last_seq: u64,
    /// How it ended, once it has.
    ended: Option<Incoming>,
    last_heard: Arc<Mutex<Instant>>,
}

impl Ws {
    /// Takes over a connected socket (plain or TLS).
    pub fn new<S>(mut stream: tokio_tungstenite::WebSocketStream<S>) -> Ws
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (incoming_tx, incoming) = mpsc::unbounded_channel();
        let (outgoing, mut outgoing_rx) = mpsc::unbounded_channel::<Message>();
        let last_heard = Arc::new(Mutex::new(Instant::now()));
        let heard = last_heard.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    frame = stream.next() => {
                        *heard.lock().unwrap() = Instant::now();
                        let item = match frame {
                            Some(Ok(Message::Text(text))) => match serde_json::from_str(text.as_str()) {
                                Ok(value) => Incoming::Text(value),
                                Err(_) => Incoming::Ended(format!("a frame that is not JSON: {text}")),
                            },
                            Some(Ok(Message::Ping(_))) => Incoming::Ping,
                            Some(Ok(Message::Close(frame))) => {
                                Incoming::Close(frame.map(|f| u16::from(f.code)))
                            }
                            Some(Ok(other)) => Incoming::Ended(format!("an unexpected frame: {other:?}")),
                            Some(Err(error)) => Incoming::Ended(error.to_string()),
                            None => Incoming::Ended("end of stream".to_owned()),
                        };
                        let last = matches!(item, Incoming::Ended(_));
                        if incoming_tx.send(item).is_err() || last {
                            return;
                        }
                    }
                    message = outgoing_rx.recv() => match message {
                        Some(message) => {
                            if let Err(error) = stream.send(message).await {
                                let _ = incoming_tx.send(Incoming::Ended(format!("send failed: {error}")));
                                return;
                            }
                        }
                        None => return,
                    },
                }
            }
        });
        Ws {
            incoming,
            outgoing,
            task,
            pending: VecDeque::new(),
            last_seq: 0,
            ended: None,
            last_heard,
        }
    }

    /// Text frames that arrived but have not been taken yet, oldest first.
    pub fn pending(&self) -> &VecDeque<Value> {
        &self.pending
    }

    /// When a frame (any, pings included) last arrived.
    pub fn last_heard(&self) -> Instant {
        *self.last_heard.lock().unwrap()
    }

    /// Sends a frame.
    pub fn send(&self, message: Message) {
        let _ = self.outgoing.send(message);
    }

    /// Sends a JSON text frame.
    pub fn send_json(&self, value: &Value) {
        self.send(Message::text(value.to_string()));
    }

    /// Focuses a room (or none).
    pub fn focus(&self, room: Option<i64>) {
        self.send_json(&json!({ "type": "focus", "room_id": room }));
    }

    /// The next thing the reader saw, pings included, within `within`.
    pub async fn raw_next(&mut self, within: Duration) -> Option<Incoming> {
        if let Some(ended) = &self.ended {
            return Some(ended.clone());
        }
        match tokio::time::timeout(within, self.incoming.recv()).await {
            Ok(Some(item)) => {
                if matches!(item, Incoming::Close(_) | Incoming::Ended(_)) {
                    self.ended = Some(item.clone());
                }
                Some(item)
            }
            Ok(None) => {
                let ended = Incoming::Ended("reader stopped".to_owned());
                self.ended = Some(ended.clone());
                Some(ended)
            }
            Err(_) => None,
        }
    }

    /// The next text frame satisfying `want`, within `within`; others are kept, in order, for
    /// later. `Err` if the socket closed first (with the close), `Ok(None)` on timeout.
    pub async fn text_where(
        &mut self,
        within: Duration,
        want: impl Fn(&Value) -> bool,
    ) -> Result<Option<Value>, Incoming> {
        if let Some(at) = self.pending.iter().position(&want) {
            return Ok(self.pending.remove(at));
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.raw_next(left).await {
                None => return Ok(None),
                Some(Incoming::Ping) => {}
                Some(Incoming::Text(value)) => {
                    if want(&value) {
                        return Ok(Some(value));
                    }
                    self.pending.push_back(value);
                }
                Some(ended) => return Err(ended),
            }
        }
    }

    /// The next event frame within `within`, as `(seq, event)`; `None` on timeout. Panics if
    /// the socket closes, or if seqs do not increase.
    pub async fn event_within(&mut self, within: Duration) -> Option<(u64, Value)> {
        match self.text_where(within, |v| v["type"] == "event").await {
            Ok(Some(frame)) => {
                let seq = frame["seq"].as_u64().expect("an event frame has a seq");
                assert!(
                    seq > self.last_seq,
                    "event seqs must increase: {seq} after {}: {frame}",
                    self.last_seq
                );
                self.last_seq = seq;
                Some((seq, frame["event"].clone()))
            }
            Ok(None) => None,
            Err(ended) => panic!("expected an event, but the socket ended: {ended:?}"),
        }
    }

    /// The next event (panics after [`TIMEOUT`]).
    pub async fn next_event(&mut self) -> Value {
        match self.event_within(TIMEOUT).await {
            Some((_, event)) => event,
            None => panic!("no event within {TIMEOUT:?}"),
        }
    }

    /// The next event, which must be of `kind`.
    pub async fn expect_event(&mut self, kind: &str) -> Value {
        let event = self.next_event().await;
        assert_eq!(event["kind"], kind, "unexpected event: {event}");
        event
    }

    /// The next `presence` frame for `room`.
    pub async fn presence(&mut self, room: i64) -> Vec<i64> {
        let frame = self
            .text_where(TIMEOUT, |v| v["type"] == "presence" && v["room_id"] == room)
            .await
            .unwrap_or_else(|e| panic!("the socket ended: {e:?}"))
            .unwrap_or_else(|| panic!("no presence frame for room {room}"));
        ids(&frame["user_ids"])
    }

    /// Waits up to `within` for any sign of life: a ping or a frame (frames are kept for
    /// later). False if nothing arrived, or the connection ended.
    pub async fn heard_within(&mut self, within: Duration) -> bool {
        match self.raw_next(within).await {
            Some(Incoming::Ping) => true,
            Some(Incoming::Text(value)) => {
                self.pending.push_back(value);
                true
            }
            _ => false,
        }
    }

    /// Waits up to `within` for the next ping (frames before it are kept for later).
    pub async fn ping_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.raw_next(left).await {
                Some(Incoming::Ping) => return true,
                Some(Incoming::Text(value)) => self.pending.push_back(value),
                _ => return false,
            }
        }
    }

    /// Waits for the close frame (skipping other frames) and returns its code; `None` if the
    /// connection ended without one.
    pub async fn closed(&mut self, within: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.raw_next(left).await {
                None => panic!("the socket did not close within {within:?}"),
                Some(Incoming::Close(code)) => return code,
                Some(Incoming::Ended(_)) => return None,
                Some(Incoming::Text(value)) => self.pending.push_back(value),
                Some(Incoming::Ping) => {}
            }
        }
    }

    /// Closes the socket politely and waits for the server's answer.
    pub async fn close(mut self) {
        self.send(Message::Close(None));
        let _ = tokio::time::timeout(TIMEOUT, async {
            while self.ended.is_none() {
                if self.raw_next(TIMEOUT).await.is_none() {
                    break;
                }
            }
        })
        .await;
    }
}

impl Drop for Ws {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A JSON array of ids.
pub fn ids(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_i64().expect("an id"))
        .collect()
}

/// A small deterministic random generator (xorshift64*), so failures can be replayed from the
/// printed seed (`CAMPFIRE_TEST_SEED`).
pub struct Rng(u64);

impl Rng {
    /// From `CAMPFIRE_TEST_SEED`, or the clock; prints the seed.
    pub fn from_env_or_clock(name: &str) -> Rng {
        let seed = std::env::var("CAMPFIRE_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("{name}: CAMPFIRE_TEST_SEED={seed}");
        Rng(seed.max(1))
    }

    /// Another generator, seeded from this one (for a task of its own).
    pub fn split(&mut self) -> Rng {
        Rng(self.next_u64() | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..=max`.
    pub fn upto(&mut self, max: u64) -> u64 {
        self.next_u64() % (max + 1)
    }

    /// True with probability `percent`%.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Polls `check` every 50 ms until it is true; whether it became true within `within`.
pub async fn wait_until<F: std::future::Future<Output = bool>>(
    within: Duration,
    mut check: impl FnMut() -> F,
) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
