//! What the HTTP layer is told by the composition root (it never reads the environment itself).

use std::time::Duration;

/// Feature flags readable by the client (O6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Features {
    /// File attachments (M9).
    pub files: bool,
    /// Uploaded avatars (A10).
    pub avatars: bool,
    /// Link previews (M10).
    pub opengraph: bool,
    /// Search (S1).
    pub search: bool,
    /// Web Push (N1).
    pub push: bool,
    /// The bot API and webhooks (B1–B3).
    pub bots: bool,
    /// The largest attachment, in bytes.
    pub max_file_size: u64,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            files: true,
            avatars: true,
            opengraph: true,
            search: true,
            push: true,
            bots: true,
            max_file_size: 100 * 1000 * 1000,
        }
    }
}

/// Live delivery settings.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Events kept in memory for resuming clients; a client further behind must reload.
    pub replay_window: usize,
    /// How often the server pings each socket (clients that see no ping for twice this know
    /// their connection is dead).
    pub ping_interval: Duration,
    /// A connection silent for this long is dropped.
    pub heartbeat_timeout: Duration,
    /// Frames queued for one connection before it is cut off as too slow.
    pub queue_bound: usize,
    /// How often the log is polled for events written by other processes (the CLI).
    pub poll_interval: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            replay_window: 10_000,
            ping_interval: Duration::from_secs(20),
            heartbeat_timeout: Duration::from_secs(60),
            queue_bound: 1_024,
            poll_interval: Duration::from_millis(250),
        }
    }
}

/// Web Push settings (N1).
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The VAPID key (kept in the data directory); without it nothing is pushed.
    pub vapid: Option<campfire_domain::VapidKey>,
    /// The VAPID `sub` claim: a `mailto:` or `https:` contact for push services.
    pub subject: String,
    /// Accept subscriptions whose endpoint is plain http or a private address: only for tests
    /// with a push service on loopback (the server's `--allow-private-webhooks`).
    pub allow_private: bool,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            vapid: None,
            subject: "mailto:campfire@localhost".to_owned(),
            allow_private: false,
        }
    }
}

/// Everything the HTTP layer needs to know.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Feature flags.
    pub features: Features,
    /// Live delivery.
    pub live: LiveConfig,
    /// This server serves HTTPS itself (O4): cookies are `Secure` and HSTS is sent.
    pub tls: bool,
    /// A reverse proxy in front sets `X-Forwarded-For` and `X-Forwarded-Proto`, and its word
    /// on the client's address and scheme is taken (`client`).
    pub trust_proxy: bool,
    /// The names this server answers to besides its addresses and `localhost` (R3: only
    /// through these may a fresh Campfire be set up).
    pub hosts: Vec<String>,
    /// The key that signs session-transfer links (kept in the data directory).
    pub signing_key: Vec<u8>,
    /// Sign-in attempts allowed per client per window (A3: 10 per 3 minutes).
    pub sign_in_attempts: u32,
    /// The sign-in rate-limit window.
    pub sign_in_window: Duration,
    /// Web Push.
    pub push: PushConfig,
}

impl HttpConfig {
    /// Defaults with the given signing key.
    pub fn new(signing_key: Vec<u8>) -> Self {
        HttpConfig {
            features: Features::default(),
            live: LiveConfig::default(),
            tls: false,
            trust_proxy: false,
            hosts: Vec::new(),
            signing_key,
            sign_in_attempts: 10,
            sign_in_window: Duration::from_secs(180),
            push: PushConfig::default(),
        }
    }
}
