//! Who is asking: session cookies, same-origin checks, passwords and the sign-in rate limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use campfire_domain::{Actor, Role, Session, User};
use campfire_store::app::random;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "campfire_session";

/// The signed-in user making a request.
#[derive(Debug, Clone)]
pub struct Authed {
    /// Who.
    pub user: User,
    /// Through which session.
    pub session: Session,
}

impl Authed {
    /// The user as the authorization policy sees them.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.id,
            role: self.user.role,
            status: self.user.status,
        }
    }

    /// Whether they administer the account.
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Administrator
    }

    /// Refuses anyone but an administrator.
    pub fn require_admin(&self) -> ApiResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        authenticate(state, &token)
            .await?
            .ok_or_else(ApiError::unauthorized)
    }
}

/// Resolves a session token to its active user.
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<Option<Authed>> {
    let found = state.app.authenticate(&hash_token(token)).await?;
    Ok(found.map(|(user, session)| Authed { user, session }))
}

/// The session token from the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A fresh session token: 256 random bits, hex.
pub fn new_token() -> ApiResult<String> {
    let bytes = random::bytes::<32>().map_err(|e| ApiError::internal(&e))?;
    Ok(hex(&bytes))
}

/// What is stored instead of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` value that signs a browser in.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value =
        format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that signs a browser out.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("campfire_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Whether a state-changing request comes from our own pages: its `Origin` names this host,
/// or the browser says `Sec-Fetch-Site: same-origin`. Requests without either header are not
/// from a browser, so they cannot be cross-site forgeries.
pub fn same_origin(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => origin_matches_host(origin, headers),
    }
}

/// Whether `origin` (`scheme://host[:port]`) is this server, as named by the Host header.
pub fn origin_matches_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

/// R3: whether a Campfire that is not set up yet may be set up through a request naming `Host`:
/// by an address (`127.0.0.1:3000`, `[::1]`), `localhost`, or a name the server was told is its
/// own (`--host`, the TLS domain). A page on another site can make its own name resolve to this
/// server's loopback address (DNS rebinding), and would otherwise pass the same-origin check
/// as its own origin and set up a fresh server in the browser's name; once set up, signing in
/// needs a password, so only the first run is guarded this way.
pub fn may_set_up_from(headers: &HeaderMap, own_hosts: &[String]) -> bool {
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let name = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('['))
    } else {
        host.split(':').next()
    }
    .unwrap_or_default();
    name.parse::<IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || own_hosts.iter().any(|own| own.eq_ignore_ascii_case(name))
}

/// A fixed-window limit of attempts per client (A3: 10 sign-ins per 3 minutes).
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    attempts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// `limit` attempts per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt; false when over the limit.
    pub fn allow(&self, client: IpAddr) -> bool {
        let client = limited_as(client);
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() > 10_000 {
            attempts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = attempts.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

/// The address attempts are counted under (R5): an IPv6 client is counted by its /64, the
/// block one subscriber gets, or it could take a fresh address for every guess.
fn limited_as(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let [a, b, c, d, ..] = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
        }
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(client, IpAddr::V4),
        IpAddr::V4(_) => client,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_address_localhost_or_an_own_name_may_set_up() {
        let own = ["chat.example.com".to_owned()];
        let with = |host: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(HOST, HeaderValue::from_static(host));
            may_set_up_from(&headers, &own)
        };
        for allowed in [
            "127.0.0.1:3000",
            "[::1]:3000",
            "192.168.1.9",
            "localhost:3000",
            "LOCALHOST",
            "chat.example.com",
            "Chat.Example.com:8080",
        ] {
            assert!(with(allowed), "{allowed}");
        }
        for refused in [
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "chat.example.com.evil",
        ] {
            assert!(!with(refused), "{refused}");
        }
        assert!(!may_set_up_from(&HeaderMap::new(), &own), "no Host at all");
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_block() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        for last in 1..=3u16 {
            let ip = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 9, 9, 9, last));
            assert!(limiter.allow(ip));
        }
        let same_block = IpAddr::V6(std::net::Ipv6Addr::new(
            0x2001, 0xdb8, 1, 2, 0xffff, 0, 0, 1,
        ));
        assert!(
            !limiter.allow(same_block),
            "a fresh address in the same /64"
        );
        let next_block = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert!(limiter.allow(next_block));
        let v4 = "198.51.100.1".parse().unwrap();
        let mapped = "::ffff:198.51.100.1".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.allow(v4));
        }
        assert!(
            !limiter.allow(mapped),
            "an IPv4-mapped address is its IPv4 address"
        );
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(
            same_origin(&Method::POST, &headers),
            "no Origin: not a browser"
        );
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:3000"));
        assert!(same_origin(&Method::POST, &headers));
        headers.insert(ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&Method::POST, &headers));
        assert!(
            same_origin(&Method::GET, &headers),
            "reads are not state changes"
        );
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&Method::DELETE, &headers));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 64, "256 bits");
        assert_ne!(a, new_token().unwrap());
        assert_ne!(hash_token(&a), a);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("other=1; {COOKIE_NAME}={a}")).unwrap(),
        );
        assert_eq!(session_token(&headers), Some(a));
    }

    #[test]
    fn the_rate_limit_counts_per_client() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!(limiter.allow(a) && limiter.allow(a));
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
    }
}
