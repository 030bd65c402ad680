//! With HTTPS on, plain HTTP gets one answer: a permanent redirect to the same host and path
//! over HTTPS (O4), so a bookmarked or typed `http://` address still works.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

/// Listens on `bind` and redirects everything to HTTPS on `https_port`.
pub async fn serve(bind: &str, https_port: u16) -> Result<SocketAddr> {
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("could not listen for plain HTTP on {bind}"))?;
    let address = listener.local_addr()?;
    let app = axum::Router::new()
        .fallback(move |request: Request| async move { redirect(&request, https_port) });
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the HTTP redirect listener failed");
        }
    });
    Ok(address)
}

fn redirect(request: &Request, https_port: u16) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    match target(host, path, https_port) {
        Some(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            "This server answers over HTTPS only: use an https:// address.\n",
        )
            .into_response(),
    }
}

/// `https://<host>[:port]<path>` for a request to `host` (its own port dropped); `None` when
/// the host is missing or is not a host name or address.
fn target(host: Option<&str>, path: &str, https_port: u16) -> Option<String> {
    let host = host?;
    let name = if host.starts_with('[') {
        // An IPv6 literal: `[::1]` or `[::1]:8080`.
        &host[..=host.find(']')?]
    } else {
        host.split(':').next()?
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':');
    if name.is_empty() || !name.chars().all(allowed) {
        return None;
    }
    let port = if https_port == 443 {
        String::new()
    } else {
        format!(":{https_port}")
    };
    Some(format!("https://{name}{port}{path}"))
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn the_same_host_and_path_over_https() {
        assert_eq!(
            target(Some("chat.example.com"), "/rooms/1?x=2", 443).as_deref(),
            Some("https://chat.example.com/rooms/1?x=2")
        );
        assert_eq!(
            target(Some("chat.example.com:80"), "/", 8443).as_deref(),
            Some("https://chat.example.com:8443/")
        );
        assert_eq!(
            target(Some("[::1]:8080"), "/up", 443).as_deref(),
            Some("https://[::1]/up")
        );
    }

    #[test]
    fn no_usable_host_no_redirect() {
        assert_eq!(target(None, "/", 443), None);
        assert_eq!(target(Some(""), "/", 443), None);
        assert_eq!(target(Some("evil.com/x@"), "/", 443), None);
        assert_eq!(target(Some("[::1"), "/", 443), None);
    }
}
