//! Fetching a page or a picture for a preview (M10) through the one SSRF guard: every hop of
//! a redirect is checked anew (at most 10), only the expected type is read, at most 5 MB of it,
//! with short timeouts. Anything else is no preview, never an error a person sees.

use std::future::Future;
use std::time::Duration;

use crate::outbox::guard::{Refused, Target};

/// Redirects followed, at most.
pub const MAX_REDIRECTS: usize = 10;
/// The most of a page or picture read, in bytes; a longer page is read that far.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Each request's time limit.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// What is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// `text/html`.
    Page,
    /// `image/*`.
    Picture,
}

/// A fetched body: where it ended up (after redirects) and its first bytes.
#[derive(Debug)]
pub struct Fetched {
    pub url: reqwest::Url,
    pub bytes: Vec<u8>,
}

/// Why nothing was fetched.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    #[error("refused: {0}")]
    Refused(#[from] Refused),
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("answered {0}")]
    Status(u16),
    #[error("not the type wanted: {0}")]
    WrongType(String),
    #[error("the request failed: {0}")]
    Failed(String),
}

/// Fetches `url`, checking each hop with `check` (the guard, in the server).
pub async fn fetch<C, F>(url: &str, want: Want, check: C) -> Result<Fetched, Skipped>
where
    C: Fn(String) -> F,
    F: Future<Output = Result<Target, Refused>>,
{
    let mut next = url.to_owned();
    for _ in 0..=MAX_REDIRECTS {
        let target = check(next.clone()).await?;
        let client = target.client(TIMEOUT).map_err(Skipped::Failed)?;
        let accept = match want {
            Want::Page => "text/html",
            Want::Picture => "image/*",
        };
        let response = client
            .get(target.url.clone())
            .header(reqwest::header::ACCEPT, accept)
            .header(
                reqwest::header::USER_AGENT,
                "Campfire link preview (+https://github.com/)",
            )
            .send()
            .await
            .map_err(|e| Skipped::Failed(e.to_string()))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(Skipped::Status(status.as_u16()))?;
            next = target
                .url
                .join(location)
                .map_err(|_| Skipped::Refused(Refused::BadUrl))?
                .to_string();
            continue;
        }
        if !status.is_success() {
            return Err(Skipped::Status(status.as_u16()));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let fits = match want {
            Want::Page => content_type.starts_with("text/html"),
            Want::Picture => content_type.starts_with("image/"),
        };
        if !fits {
            return Err(Skipped::WrongType(content_type));
        }
        let bytes = read_at_most(response, MAX_BYTES).await?;
        return Ok(Fetched {
            url: target.url,
            bytes,
        });
    }
    Err(Skipped::TooManyRedirects)
}

/// Reads up to `limit` bytes and drops the rest unread (the connection goes with it).
async fn read_at_most(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Skipped> {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return Err(Skipped::Failed(error.to_string())),
        }
    }
    bytes.truncate(limit);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::outbox::guard;

    /// A loopback server answering every request with `answer(port)`; counts connections.
    /// (Installs the TLS provider the server installs, as any test building a client must.)
    async fn serve(
        answer: impl Fn(u16) -> Vec<u8> + Send + Sync + 'static,
    ) -> (u16, Arc<AtomicUsize>) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heard = Arc::new(AtomicUsize::new(0));
        let counter = heard.clone();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut request = [0_u8; 4096];
                    let _ = socket.read(&mut request).await;
                    let _ = socket.write_all(&answer(port)).await;
                });
            }
        });
        (port, heard)
    }

    fn redirect_to(location: String) -> Vec<u8> {
        format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .into_bytes()
    }

    fn html(body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    /// The guard with loopback allowed, except `private` ports, which it treats as private
    /// addresses: the same refusal a redirect to an internal host meets in the server.
    fn check_except(
        private: u16,
    ) -> impl Fn(String) -> std::pin::Pin<Box<dyn Future<Output = Result<Target, Refused>> + Send>>
    {
        move |url: String| {
            Box::pin(async move {
                let target = guard::check(&url, true).await?;
                if target.address.port() == private {
                    return Err(Refused::Private);
                }
                Ok(target)
            })
        }
    }

    #[tokio::test]
    async fn a_redirect_to_a_private_address_is_refused_before_it_is_called() {
        let (canary, heard) = serve(|_| html("<title>secret</title>")).await;
        let (site, _) =
            serve(move |_| redirect_to(format!("http://127.0.0.1:{canary}/admin"))).await;
        let got = fetch(
            &format!("http://127.0.0.1:{site}/"),
            Want::Page,
            check_except(canary),
        )
        .await;
        assert!(
            matches!(got, Err(Skipped::Refused(Refused::Private))),
            "{got:?}"
        );
        assert_eq!(heard.load(Ordering::SeqCst), 0, "the canary heard nothing");
    }

    #[tokio::test]
    async fn redirects_are_followed_each_checked_and_bounded() {
        let (page, _) = serve(|_| html("<title>arrived</title>")).await;
        let (hop2, _) = serve(move |_| redirect_to(format!("http://127.0.0.1:{page}/final"))).await;
        let (hop1, _) = serve(move |_| redirect_to(format!("http://127.0.0.1:{hop2}/two"))).await;
        let got = fetch(
            &format!("http://127.0.0.1:{hop1}/one"),
            Want::Page,
            check_except(0),
        )
        .await
        .unwrap();
        assert_eq!(got.url.port(), Some(page));
        assert!(String::from_utf8_lossy(&got.bytes).contains("arrived"));
        // A loop never ends on its own: it is cut after ten redirects.
        let (looping, heard) =
            serve(|port| redirect_to(format!("http://127.0.0.1:{port}/again"))).await;
        let got = fetch(
            &format!("http://127.0.0.1:{looping}/"),
            Want::Page,
            check_except(0),
        )
        .await;
        assert!(matches!(got, Err(Skipped::TooManyRedirects)), "{got:?}");
        assert_eq!(heard.load(Ordering::SeqCst), MAX_REDIRECTS + 1);
    }

    #[tokio::test]
    async fn only_html_is_read_and_only_five_megabytes_of_it() {
        let (json, _) = serve(|_| {
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                .to_vec()
        })
        .await;
        let got = fetch(
            &format!("http://127.0.0.1:{json}/"),
            Want::Page,
            check_except(0),
        )
        .await;
        assert!(matches!(got, Err(Skipped::WrongType(_))), "{got:?}");
        let huge = 50 * 1024 * 1024;
        let (big, _) = serve(move |_| {
            let mut body = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {huge}\r\n\r\n<title>big</title>"
            )
            .into_bytes();
            body.resize(body.len() + huge - 18, b' ');
            body
        })
        .await;
        let got = fetch(
            &format!("http://127.0.0.1:{big}/"),
            Want::Page,
            check_except(0),
        )
        .await
        .unwrap();
        assert_eq!(got.bytes.len(), MAX_BYTES);
    }
}
