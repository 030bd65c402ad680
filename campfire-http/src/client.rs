//! Who is asking, and over what: the client's address (sign-in limits, bans, the sessions
//! list) and whether it reached us over HTTPS (the `Secure` cookie flag, HSTS). Taken from the
//! connection itself, or — only when the server is told it sits behind a reverse proxy
//! (`--trust-proxy`) — from the headers that proxy sets, `X-Forwarded-For` and
//! `X-Forwarded-Proto`. Without that switch those headers are anyone's to forge, so they are
//! ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;

/// The client of one request, worked out once by [`identify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// Its address.
    pub ip: IpAddr,
    /// Whether it reached us over HTTPS (directly, or at the trusted proxy).
    pub https: bool,
}

impl Client {
    /// The client of a request that arrived from `peer`.
    pub fn of(peer: IpAddr, headers: &HeaderMap, tls: bool, trust_proxy: bool) -> Client {
        if !trust_proxy {
            return Client {
                ip: peer,
                https: tls,
            };
        }
        Client {
            ip: forwarded_for(headers).unwrap_or(peer),
            https: tls || forwarded_proto(headers).is_some_and(|p| p.eq_ignore_ascii_case("https")),
        }
    }
}

/// Puts the request's [`Client`] among its extensions, for the extractors and the layers
/// inside this one.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = Client::of(
            peer,
            request.headers(),
            state.config.tls,
            state.config.trust_proxy,
        );
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Client>()
            .copied()
            .ok_or_else(|| ApiError::internal(&"no peer address"))
    }
}

/// The server's origin as this request's client reached it (`https://chat.example.com`), for
/// absolute URLs in answers (the bot API's, as the original's are). Its scheme is the
/// [`Client`]'s, its host the `Host` header's: a forged one only misleads the forger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOrigin(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let https = parts.extensions.get::<Client>().is_some_and(|c| c.https);
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or("localhost");
        let scheme = if https { "https" } else { "http" };
        Ok(RequestOrigin(format!("{scheme}://{host}")))
    }
}

/// The address the proxy saw the request come from: the last `for=` of the standard
/// `Forwarded` header (RFC 7239), else the last entry of `X-Forwarded-For` — the one our proxy
/// appended; earlier ones are whatever the client claimed.
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    if let Some(node) = forwarded_param(headers, "for") {
        return node_address(&node);
    }
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// `param` of the last element of `Forwarded` (`for=192.0.2.60;proto=https, for="[2001:db8::1]"`),
/// unquoted.
fn forwarded_param(headers: &HeaderMap, param: &str) -> Option<String> {
    let last = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case(param)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// A `Forwarded` node: an address, with or without a port (IPv6 in brackets); an obfuscated
/// identifier or `unknown` is none.
fn node_address(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            let inner = node.strip_prefix('[')?.split(']').next()?;
            inner.parse::<IpAddr>().ok()
        })
}

/// The scheme the client used at the proxy: `proto=` of the last `Forwarded` element, else the
/// last `X-Forwarded-Proto` value.
fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    if let Some(proto) = forwarded_param(headers, "proto") {
        return Some(proto);
    }
    headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn without_trust_the_forwarded_headers_are_ignored() {
        let forged = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(
            Client::of(PEER, &forged, false, false),
            Client {
                ip: PEER,
                https: false
            }
        );
        assert!(
            Client::of(PEER, &forged, true, false).https,
            "our own TLS is HTTPS"
        );
    }

    #[test]
    fn the_standard_forwarded_header_is_read_too() {
        let via = headers(&[(
            "forwarded",
            "for=6.6.6.6;proto=http, for=\"[2001:db8::7]:4711\";proto=https;by=203.0.113.43",
        )]);
        assert_eq!(
            Client::of(PEER, &via, false, true),
            Client {
                ip: "2001:db8::7".parse().unwrap(),
                https: true
            }
        );
        let plain = headers(&[("forwarded", "For=192.0.2.60")]);
        assert_eq!(
            Client::of(PEER, &plain, false, true).ip,
            "192.0.2.60".parse::<IpAddr>().unwrap()
        );
        let hidden = headers(&[("forwarded", "for=_hidden"), ("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(
            Client::of(PEER, &hidden, false, true).ip,
            PEER,
            "an obfuscated node leaves the peer"
        );
        assert_eq!(
            Client::of(PEER, &plain, false, false).ip,
            PEER,
            "not without trust"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_its_last_entries_count() {
        let via = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = Client::of(PEER, &via, false, true);
        assert_eq!(client.ip, "203.0.113.7".parse::<IpAddr>().unwrap());
        assert!(client.https);

        let split = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "[2001:db8::1]:4711"),
            ("x-forwarded-proto", "http"),
        ]);
        let client = Client::of(PEER, &split, false, true);
        assert_eq!(client.ip, "2001:db8::1".parse::<IpAddr>().unwrap());
        assert!(!client.https);
    }

    #[test]
    fn a_trusted_proxy_that_sends_nothing_usable_leaves_the_peer() {
        let junk = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(
            Client::of(PEER, &junk, false, true),
            Client {
                ip: PEER,
                https: false
            }
        );
    }
}
