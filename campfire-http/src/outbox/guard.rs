//! The one SSRF guard for outbound requests (quality.md item 6), webhooks and pushes alike: only
//! http(s), the host resolved once, every address checked, and the request pinned to a checked
//! address. Names are looked up through a [`Resolve`] (the system's in the server, one the test
//! controls in the rebinding test); the request's client is pinned to the checked answer, so a
//! name that answers differently the second time is never asked again.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not an http(s) URL with a host.
    #[error("the URL is not a valid http(s) URL")]
    BadUrl,
    /// The host did not resolve.
    #[error("the host could not be resolved")]
    Unresolved,
    /// An address is private, loopback, link-local or otherwise not public.
    #[error("the host resolves to a private or reserved address")]
    Private,
}

/// The system's resolver (`getaddrinfo` on tokio's blocking pool), as reqwest's own default.
#[derive(Debug, Clone, Copy)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addresses = tokio::net::lookup_host((name.as_str(), 0)).await?;
            Ok(Box::new(addresses.collect::<Vec<_>>().into_iter()) as Addrs)
        })
    }
}

/// A checked target: the URL and the one address to connect to.
#[derive(Clone)]
pub struct Target {
    /// The URL (its host is pinned to `address`).
    pub url: reqwest::Url,
    /// The host as written.
    pub host: String,
    /// The checked address.
    pub address: SocketAddr,
    /// The resolver that answered; the client keeps it, but the pin means it is never asked.
    resolver: Arc<dyn Resolve>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.url)
            .field("host", &self.host)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// A client that connects only to the checked address and follows no redirects (each hop
    /// would need the guard again). No proxy either, whatever `HTTP(S)_PROXY` says (R4): a
    /// proxy would make the connection itself, to wherever the name resolves then.
    pub fn client(&self, timeout: std::time::Duration) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .dns_resolver(self.resolver.clone())
            .resolve(&self.host, self.address)
            .build()
            .map_err(|e| e.to_string())
    }
}

/// Resolves and checks `raw`. With `allow_private`, private and loopback targets pass (an
/// administrator's choice for bots on the same network).
pub async fn check(raw: &str, allow_private: bool) -> Result<Target, Refused> {
    check_with(raw, allow_private, Arc::new(SystemResolver)).await
}

/// [`check`], looking names up through `resolver`.
pub async fn check_with(
    raw: &str,
    allow_private: bool,
    resolver: Arc<dyn Resolve>,
) -> Result<Target, Refused> {
    let url = reqwest::Url::parse(raw).map_err(|_| Refused::BadUrl)?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Refused::BadUrl);
    }
    let host = url.host_str().ok_or(Refused::BadUrl)?.to_owned();
    let port = url.port_or_known_default().ok_or(Refused::BadUrl)?;
    // The URL parser has already turned every numeric form of an address into its usual one.
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match IpAddr::from_str(literal) {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            let name = Name::from_str(literal).map_err(|_| Refused::BadUrl)?;
            resolver
                .resolve(name)
                .await
                .map_err(|_| Refused::Unresolved)?
                .map(|a| SocketAddr::new(a.ip(), port))
                .collect()
        }
    };
    let first = *addresses.first().ok_or(Refused::Unresolved)?;
    // Every answer is checked, not just the one used: a host with one private answer is refused.
    if !allow_private && addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(Refused::Private);
    }
    Ok(Target {
        url,
        host,
        address: first,
        resolver,
    })
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments().first().copied().unwrap_or(0);
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (first == 0x2001 && ip.segments().get(1) == Some(&0x0db8)) // documentation
        || ip.to_ipv4().is_some()) // IPv4-compatible ::a.b.c.d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "ff02::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private} passed");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:93.184.216.34",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public} refused");
        }
    }

    #[tokio::test]
    async fn obfuscated_loopback_forms_are_refused() {
        for url in [
            "http://127.0.0.1/hook",
            "http://2130706433/hook",
            "http://0x7f000001/hook",
            "http://0177.0.0.1/hook",
            "http://127.1/hook",
            "http://[::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://localhost:9/hook",
        ] {
            assert_eq!(
                check(url, false).await.err(),
                Some(Refused::Private),
                "{url}"
            );
        }
        assert_eq!(
            check("ftp://example.com/", false).await.err(),
            Some(Refused::BadUrl)
        );
        assert_eq!(
            check("http://user:pw@example.com/", false).await.err(),
            Some(Refused::BadUrl)
        );
        assert!(
            check("http://127.0.0.1:9/hook", true).await.is_ok(),
            "allowed when the admin allows it"
        );
    }

    /// Answers a public address the first time and this machine's loopback listener after:
    /// a name an attacker controls, rebinding between the check and the connection.
    struct Rebinding {
        public: IpAddr,
        then: IpAddr,
        asked: std::sync::atomic::AtomicUsize,
    }

    impl Resolve for Rebinding {
        fn resolve(&self, _: Name) -> Resolving {
            let n = self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let ip = if n == 0 { self.public } else { self.then };
            Box::pin(async move { Ok(Box::new(std::iter::once(SocketAddr::new(ip, 0))) as Addrs) })
        }
    }

    #[tokio::test]
    async fn a_name_that_rebinds_after_the_check_is_not_asked_again() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let resolver = Arc::new(Rebinding {
            // TEST-NET addresses are refused by the check; this one is public and unreachable
            // from the test machine, which is all the test needs.
            public: "93.184.216.34".parse().unwrap(),
            then: "127.0.0.1".parse().unwrap(),
            asked: Default::default(),
        });
        let url = format!("http://hooks.rebind.test:{port}/hook");
        let target = check_with(&url, false, resolver.clone()).await.unwrap();
        assert_eq!(target.address.ip(), resolver.public);

        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = target
            .client(std::time::Duration::from_millis(300))
            .unwrap();
        let sent = client.post(target.url.clone()).body("{}").send().await;
        assert!(sent.is_err(), "the public address answered: {sent:?}");
        let reached =
            tokio::time::timeout(std::time::Duration::from_millis(200), listener.accept()).await;
        assert!(
            reached.is_err(),
            "the request went to the rebound (loopback) address"
        );
        assert_eq!(
            resolver.asked.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "the name was looked up again after the check"
        );
    }

    /// A redirect would be a second request to an unchecked address: it is not followed.
    #[tokio::test]
    async fn a_redirect_is_not_followed() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hook = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", hook.local_addr().unwrap());
        let location = format!("http://{}/internal", elsewhere.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut socket, _) = hook.accept().await.unwrap();
            let mut request = [0_u8; 1024];
            let _ = socket.read(&mut request).await.unwrap();
            let reply = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
            );
            socket.write_all(reply.as_bytes()).await.unwrap();
        });
        // Loopback targets pass only because this test allows them, as an administrator may.
        let target = check(&url, true).await.unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = target.client(std::time::Duration::from_secs(5)).unwrap();
        let answer = client
            .post(target.url.clone())
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 307, "the redirect is the answer");
        let followed =
            tokio::time::timeout(std::time::Duration::from_millis(200), elsewhere.accept()).await;
        assert!(followed.is_err(), "the redirect was followed");
    }
}
