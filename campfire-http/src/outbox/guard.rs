//! The one SSRF guard for outbound requests (quality.md item 6), webhooks and pushes alike: only
//! http(s), the host resolved once, every address checked, and the request pinned to a checked
//! address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

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

/// A checked target: the URL and the one address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL (its host is pinned to `address`).
    pub url: reqwest::Url,
    /// The host as written.
    pub host: String,
    /// The checked address.
    pub address: SocketAddr,
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
            .resolve(&self.host, self.address)
            .build()
            .map_err(|e| e.to_string())
    }
}

/// Resolves and checks `raw`. With `allow_private`, private and loopback targets pass (an
/// administrator's choice for bots on the same network).
pub async fn check(raw: &str, allow_private: bool) -> Result<Target, Refused> {
    let url = reqwest::Url::parse(raw).map_err(|_| Refused::BadUrl)?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(Refused::BadUrl);
    }
    let host = url.host_str().ok_or(Refused::BadUrl)?.to_owned();
    let port = url.port_or_known_default().ok_or(Refused::BadUrl)?;
    let lookup = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((lookup.as_str(), port))
        .await
        .map_err(|_| Refused::Unresolved)?
        .collect();
    let first = *addresses.first().ok_or(Refused::Unresolved)?;
    // Every answer is checked, not just the one used: a host with one private answer is refused.
    if !allow_private && addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(Refused::Private);
    }
    Ok(Target {
        url,
        host,
        address: first,
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
}
