//! HTTPS served by the server itself (O4): from certificate files, swapped in place when they
//! change or on SIGHUP, or from a certificate obtained and renewed over ACME (Let's Encrypt by
//! default) and kept in the data directory. Either way the server hands axum-server one
//! `RustlsConfig`; a new certificate only changes what later handshakes see, so no open
//! connection (or live socket) is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use axum_server::tls_rustls::RustlsConfig;
use futures_util::StreamExt;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, EventOk};

/// How often the certificate files are looked at for a change (besides SIGHUP).
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// Protocols offered in the handshake: HTTP/2 and HTTP/1.1 (live sockets use the latter).
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];
/// The protocol an ACME server's TLS-ALPN-01 validation asks for (RFC 8737).
const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// Where the server's certificate comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A certificate chain and its key, both PEM, kept current by the operator.
    Files { cert: PathBuf, key: PathBuf },
    /// A certificate for `domain` from the ACME server at `directory`.
    Acme {
        domain: String,
        directory: String,
        email: Option<String>,
        /// The CA of the ACME server's own HTTPS certificate, trusted instead of the public
        /// roots (a private ACME server, or a test one).
        ca: Option<PathBuf>,
    },
}

/// The TLS configuration to serve with, kept current by a task this starts.
pub async fn start(source: &Source, acme_cache: &Path) -> Result<RustlsConfig> {
    match source {
        Source::Files { cert, key } => {
            let config = RustlsConfig::from_config(Arc::new(from_files(cert, key)?));
            tokio::spawn(watch_files(config.clone(), cert.clone(), key.clone()));
            Ok(config)
        }
        Source::Acme {
            domain,
            directory,
            email,
            ca,
        } => acme(
            domain,
            directory,
            email.as_deref(),
            ca.as_deref(),
            acme_cache,
        ),
    }
}

/// A server configuration from a PEM chain and key; refuses a key that is not the chain's.
fn from_files(cert: &Path, key: &Path) -> Result<ServerConfig> {
    let chain = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("could not read the certificate {}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("could not read a PEM private key from {}", key.display()))?;
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and key do not go together")?;
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

/// Reloads the files on SIGHUP, and when either one's size or modification time changes. A
/// pair that does not load (half-written, or a key from another certificate) leaves the
/// current certificate in place; the next change or signal tries again.
async fn watch_files(config: RustlsConfig, cert: PathBuf, key: PathBuf) {
    let stamp = |path: &Path| -> Option<(SystemTime, u64)> {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    };
    let mut seen = (stamp(&cert), stamp(&key));
    let mut hangup = hangups();
    loop {
        let signalled = tokio::select! {
            () = tokio::time::sleep(WATCH_EVERY) => false,
            Some(()) = recv(&mut hangup) => true,
        };
        let now = (stamp(&cert), stamp(&key));
        if !signalled && now == seen {
            continue;
        }
        seen = now;
        match from_files(&cert, &key) {
            Ok(fresh) => {
                config.reload_from_config(Arc::new(fresh));
                tracing::info!(signalled, "TLS certificate reloaded");
            }
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "TLS certificate not reloaded; still serving the previous one"
                );
            }
        }
    }
}

#[cfg(unix)]
fn hangups() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}

#[cfg(not(unix))]
fn hangups() -> Option<()> {
    None
}

#[cfg(unix)]
async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
    match signal {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn recv(_: &mut Option<()>) -> Option<()> {
    std::future::pending().await
}

/// Serves with the certificate rustls-acme holds: the cached one at once if there is one, a
/// fresh one as soon as the ACME server issues it (validated over TLS-ALPN-01 on this very
/// listener), renewed before it expires.
fn acme(
    domain: &str,
    directory: &str,
    email: Option<&str>,
    ca: Option<&Path>,
    cache: &Path,
) -> Result<RustlsConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut acme = match ca {
        None => AcmeConfig::new_with_provider([domain], provider),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(ca)
                .with_context(|| format!("could not read the ACME CA {}", ca.display()))?
            {
                let cert = cert.with_context(|| format!("{} is not PEM", ca.display()))?;
                roots
                    .add(cert)
                    .with_context(|| format!("{} is not a usable CA", ca.display()))?;
            }
            let client = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .context("no TLS version in common")?
                .with_root_certificates(roots)
                .with_no_client_auth();
            AcmeConfig::new_with_client_config([domain], Arc::new(client))
        }
    }
    .directory(directory);
    if let Some(email) = email {
        acme = acme.contact_push(format!("mailto:{email}"));
    }
    let mut state = acme.cache(DirCache::new(cache.to_path_buf())).state();
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_cert_resolver(state.resolver());
    config.alpn_protocols = ALPN
        .iter()
        .chain([&ACME_TLS_ALPN])
        .map(|p| p.to_vec())
        .collect();
    let domain = domain.to_owned();
    // The state is a stream: polling it is what orders, validates, stores and renews.
    tokio::spawn(async move {
        while let Some(event) = state.next().await {
            match event {
                Ok(EventOk::DeployedCachedCert) => {
                    tracing::info!(%domain, "serving the certificate kept in the data directory");
                }
                Ok(EventOk::DeployedNewCert) => {
                    tracing::info!(%domain, "serving a new certificate from the ACME server");
                }
                Ok(other) => tracing::debug!(?other, "ACME"),
                Err(error) => {
                    tracing::error!(%domain, %error, "ACME: no certificate yet; retrying")
                }
            }
        }
    });
    Ok(RustlsConfig::from_config(Arc::new(config)))
}
