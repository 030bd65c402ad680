//! The server's configuration: flags, each with a `CAMPFIRE_*` environment variable, and
//! defaults that need no configuration at all.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use campfire_http::{Features, LiveConfig};
use campfire_store::DataDir;
use campfire_store::app::random;
use clap::Parser;

/// Run a Campfire server.
#[derive(Debug, Parser)]
#[command(
    name = "campfire-server",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("CAMPFIRE_COMMIT"), ")"),
    about
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CAMPFIRE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// Where the database and keys live.
    #[arg(long, env = "CAMPFIRE_DATA_DIR", default_value = campfire_store::DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Log filter (`info`, `debug`, `campfire_http=debug`, …).
    #[arg(long, env = "CAMPFIRE_LOG", default_value = "info")]
    pub log: String,
    /// Write logs as JSON lines (for log collectors).
    #[arg(long, env = "CAMPFIRE_LOG_JSON")]
    pub log_json: bool,
    /// File attachments (O6, M9), on by default; `--files false` turns them off.
    #[arg(long, env = "CAMPFIRE_FEATURE_FILES", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub files: bool,
    /// Uploaded avatars and the logo (O6, A10, A11), on by default; `--avatars false` turns
    /// uploads off (initials and Campfire's icon stay).
    #[arg(long, env = "CAMPFIRE_FEATURE_AVATARS", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub avatars: bool,
    /// Link previews (O6, M10), on by default; `--opengraph false` turns them off.
    #[arg(long, env = "CAMPFIRE_FEATURE_OPENGRAPH", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub opengraph: bool,
    /// Search (O6), on by default; `--search false` turns it off.
    #[arg(long, env = "CAMPFIRE_FEATURE_SEARCH", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub search: bool,
    /// Web Push (O6, N1), on by default; `--push false` turns it off.
    #[arg(long, env = "CAMPFIRE_FEATURE_PUSH", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub push: bool,
    /// The contact push services see in every push's VAPID token (`mailto:` or `https:`).
    #[arg(
        long,
        env = "CAMPFIRE_VAPID_SUBJECT",
        default_value = "mailto:campfire@localhost"
    )]
    pub vapid_subject: String,
    /// Enable the bot API (O6).
    #[arg(long, env = "CAMPFIRE_FEATURE_BOTS", default_value_t = true, action = clap::ArgAction::Set)]
    pub bots: bool,
    /// The largest attachment, in bytes (O6).
    #[arg(long, env = "CAMPFIRE_MAX_FILE_SIZE", default_value_t = 100 * 1000 * 1000)]
    pub max_file_size: u64,
    /// Let bot webhooks, push endpoints and link previews reach private and loopback
    /// addresses, and push endpoints use plain http (off by default: an SSRF guard refuses
    /// them; for tests, or a Campfire that only links inside a private network).
    #[arg(long, env = "CAMPFIRE_ALLOW_PRIVATE_WEBHOOKS", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub allow_private_webhooks: bool,
    /// Seconds a bot's webhook has to answer (the original Campfire's 7).
    #[arg(long, env = "CAMPFIRE_WEBHOOK_TIMEOUT", default_value_t = 7.0)]
    pub webhook_timeout: f64,
    /// Seconds before the first retry of a failed webhook (doubling, with jitter).
    #[arg(long, env = "CAMPFIRE_WEBHOOK_RETRY_BASE", default_value_t = 1.0)]
    pub webhook_retry_base: f64,
    /// Consecutive failures that open an endpoint's circuit, and seconds it stays open.
    #[arg(long, env = "CAMPFIRE_WEBHOOK_BREAKER_FAILURES", default_value_t = 5)]
    pub webhook_breaker_failures: u32,
    /// Seconds an open circuit waits before a trial delivery.
    #[arg(long, env = "CAMPFIRE_WEBHOOK_BREAKER_OPEN", default_value_t = 60.0)]
    pub webhook_breaker_open: f64,
    /// Seconds of silence after which a live connection is dropped.
    #[arg(long, env = "CAMPFIRE_HEARTBEAT_TIMEOUT", default_value_t = 60.0)]
    pub heartbeat_timeout: f64,
    /// Seconds between the server's pings on each live connection.
    #[arg(long, env = "CAMPFIRE_PING_INTERVAL", default_value_t = 20.0)]
    pub ping_interval: f64,
    /// Events kept in memory for clients that resume; one further behind reloads. More
    /// costs memory (a few hundred bytes an event); fewer makes more clients reload.
    #[arg(long, env = "CAMPFIRE_REPLAY_WINDOW", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub replay_window: u32,
    /// Serve HTTPS with this certificate chain (PEM), with `--tls-key`; both files are read
    /// again on SIGHUP and when they change, without dropping connections (O4).
    #[arg(
        long,
        env = "CAMPFIRE_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "tls_domain"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of `--tls-cert`.
    #[arg(long, env = "CAMPFIRE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS for this domain with a certificate obtained and renewed automatically over
    /// ACME (TLS-ALPN-01 on the HTTPS port, which must be reachable as the domain's port 443),
    /// kept in the data directory (O4).
    #[arg(long, env = "CAMPFIRE_TLS_DOMAIN")]
    pub tls_domain: Option<String>,
    /// The ACME server's directory (Let's Encrypt's by default).
    #[arg(long, env = "CAMPFIRE_ACME_DIRECTORY", default_value = LETS_ENCRYPT)]
    pub acme_directory: String,
    /// A contact address for the ACME account (expiry warnings).
    #[arg(long, env = "CAMPFIRE_ACME_EMAIL")]
    pub acme_email: Option<String>,
    /// Trust this CA (PEM) for the ACME server's own HTTPS instead of the public roots (a
    /// private ACME server).
    #[arg(long, env = "CAMPFIRE_ACME_CA")]
    pub acme_ca: Option<PathBuf>,
    /// With HTTPS on: where plain HTTP is answered with a redirect to HTTPS (`off` for
    /// nowhere).
    #[arg(long, env = "CAMPFIRE_HTTP_BIND", default_value = "0.0.0.0:80")]
    pub http_bind: String,
    /// The server is behind a reverse proxy: take the client's address and scheme from the
    /// `X-Forwarded-For` and `X-Forwarded-Proto` it sets (never trust them otherwise).
    #[arg(long, env = "CAMPFIRE_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// A name this server is reached by (repeat or separate with commas), besides its
    /// addresses and `localhost`: only through these may a fresh Campfire be set up (R3). The
    /// TLS domain counts.
    #[arg(long = "host", env = "CAMPFIRE_HOST", value_delimiter = ',')]
    pub hosts: Vec<String>,
    /// Seconds a client has to send a request's headers, and a new connection its first
    /// request; slower or silent connections are closed (F5).
    #[arg(long, env = "CAMPFIRE_HEADER_TIMEOUT", default_value_t = 30.0)]
    pub header_timeout: f64,
    /// Connections open at once at most; more are closed as they arrive (by default what the
    /// open-files limit allows, less a reserve for the database and index).
    #[arg(long, env = "CAMPFIRE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Serve Prometheus metrics at `/metrics` on this address (off unless set; keep it
    /// private) (O2).
    #[arg(long, env = "CAMPFIRE_METRICS_BIND")]
    pub metrics_bind: Option<String>,
}

/// Let's Encrypt's production ACME directory.
const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

impl Config {
    /// Where the HTTPS certificate comes from; `None` serves plain HTTP.
    pub fn tls(&self) -> Option<crate::tls::Source> {
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            return Some(crate::tls::Source::Files {
                cert: cert.clone(),
                key: key.clone(),
            });
        }
        self.tls_domain
            .as_ref()
            .map(|domain| crate::tls::Source::Acme {
                domain: domain.clone(),
                directory: self.acme_directory.clone(),
                email: self.acme_email.clone(),
                ca: self.acme_ca.clone(),
            })
    }

    /// The header and first-request deadline.
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.header_timeout.clamp(0.1, 3600.0))
    }

    /// The names this server answers to (`--host`, and the TLS domain).
    pub fn own_hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self
            .hosts
            .iter()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .collect();
        hosts.extend(self.tls_domain.clone());
        hosts
    }

    /// Where the HTTP-to-HTTPS redirect listens, if anywhere.
    pub fn redirect_bind(&self) -> Option<&str> {
        (!self.http_bind.eq_ignore_ascii_case("off")).then_some(self.http_bind.as_str())
    }

    /// The feature flags.
    pub fn features(&self) -> Features {
        Features {
            files: self.files,
            avatars: self.avatars,
            opengraph: self.opengraph,
            search: self.search,
            push: self.push,
            bots: self.bots,
            max_file_size: self.max_file_size,
        }
    }

    /// Delivery settings of the outbox worker (webhooks and pushes).
    pub fn deliveries(&self) -> campfire_http::outbox::DeliveryConfig {
        let millis = |s: f64| (s.clamp(0.001, 86_400.0) * 1000.0) as u64;
        let defaults = campfire_http::outbox::DeliveryConfig::default();
        campfire_http::outbox::DeliveryConfig {
            allow_private: self.allow_private_webhooks,
            timeout: Duration::from_millis(millis(self.webhook_timeout)),
            retry: campfire_coord::RetryPolicy {
                base_ms: millis(self.webhook_retry_base),
                ..defaults.retry
            },
            breaker: campfire_coord::BreakerPolicy {
                failure_threshold: self.webhook_breaker_failures.max(1),
                open_ms: millis(self.webhook_breaker_open),
            },
            ..defaults
        }
    }

    /// Live delivery settings.
    pub fn live(&self) -> LiveConfig {
        let seconds = |s: f64| Duration::from_secs_f64(s.clamp(0.05, 3600.0));
        LiveConfig {
            heartbeat_timeout: seconds(self.heartbeat_timeout),
            ping_interval: seconds(self.ping_interval),
            replay_window: usize::try_from(self.replay_window).unwrap_or(usize::MAX),
            ..LiveConfig::default()
        }
    }
}

/// Web Push settings with the VAPID key of the data directory, created at first start.
pub fn push(config: &Config, data: &DataDir) -> Result<campfire_http::PushConfig> {
    let mut random = || random::bytes::<32>().map_err(|e| e.to_string());
    let vapid = data.vapid_key(&mut random).with_context(|| {
        format!(
            "could not read or create {}",
            data.vapid_key_file().display()
        )
    })?;
    Ok(campfire_http::PushConfig {
        vapid: Some(vapid),
        subject: config.vapid_subject.clone(),
        allow_private: config.allow_private_webhooks,
    })
}

/// The key that signs session-transfer links: 32 random bytes, created at first start and
/// kept in the data directory (readable only by its owner).
pub fn signing_key(data: &DataDir) -> Result<Vec<u8>> {
    let path = data.root().join("signing.key");
    if let Ok(existing) = std::fs::read(&path)
        && existing.len() == 32
    {
        return Ok(existing);
    }
    let key = random::bytes::<32>()?.to_vec();
    std::fs::write(&path, &key).with_context(|| format!("could not write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(key)
}
