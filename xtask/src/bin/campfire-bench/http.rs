//! A minimal HTTP/1.1 keep-alive client over one TCP connection: what a browser tab's fetches
//! amount to, without a client library's per-request overhead on the two shared cores.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive connection, signed in with a session cookie (or anonymous).
pub struct Http {
    stream: BufReader<TcpStream>,
    host: String,
    cookie: Option<String>,
    line: String,
}

impl Http {
    /// Connects to `addr`; `token` becomes the `campfire_session` cookie.
    pub async fn connect(addr: SocketAddr, token: Option<&str>) -> Result<Http> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Http {
            stream: BufReader::with_capacity(16 * 1024, stream),
            host: addr.to_string(),
            cookie: token.map(|t| format!("campfire_session={t}")),
            line: String::new(),
        })
    }

    /// `GET path`: the status and body.
    pub async fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>)> {
        self.request("GET", path, None).await
    }

    /// `POST path` with a JSON body, same-origin as the app's own pages.
    pub async fn post_json(&mut self, path: &str, body: &str) -> Result<(u16, Vec<u8>)> {
        self.request("POST", path, Some(("application/json", body)))
            .await
    }

    /// `POST path` with a plain-text body, as a bot posts to the bot API.
    pub async fn post_text(&mut self, path: &str, body: &str) -> Result<(u16, Vec<u8>)> {
        self.request("POST", path, Some(("text/plain; charset=utf-8", body)))
            .await
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
    ) -> Result<(u16, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nAccept: application/json\r\n",
            host = self.host
        );
        if let Some(cookie) = &self.cookie {
            head.push_str("Cookie: ");
            head.push_str(cookie);
            head.push_str("\r\n");
        }
        if let Some((content_type, body)) = body {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            head.push_str("\r\n");
        }
        self.stream.get_mut().write_all(head.as_bytes()).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> Result<(u16, Vec<u8>)> {
        self.line.clear();
        if self.stream.read_line(&mut self.line).await? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = self
            .line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {:?}", self.line))?;
        let mut length = None;
        let mut chunked = false;
        loop {
            self.line.clear();
            if self.stream.read_line(&mut self.line).await? == 0 {
                bail!("the server closed the connection in the headers");
            }
            let line = self.line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding")
                    && value.eq_ignore_ascii_case("chunked")
                {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                self.line.clear();
                self.stream.read_line(&mut self.line).await?;
                let size = usize::from_str_radix(self.line.trim(), 16)
                    .with_context(|| format!("bad chunk size {:?}", self.line))?;
                let start = body.len();
                body.resize(start + size, 0);
                if let Some(chunk) = body.get_mut(start..) {
                    self.stream.read_exact(chunk).await?;
                }
                self.line.clear();
                self.stream.read_line(&mut self.line).await?;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok((status, body))
    }
}

/// `GET /up` on a fresh connection: true when the server answered 200.
pub async fn up(addr: SocketAddr) -> bool {
    match Http::connect(addr, None).await {
        Ok(mut http) => matches!(http.get("/up").await, Ok((200, _))),
        Err(_) => false,
    }
}
