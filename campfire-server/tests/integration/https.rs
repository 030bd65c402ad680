//! HTTPS served by the server itself (O4), from certificate files this test makes: pages, the
//! API and the live socket (`wss://`) over TLS, `Secure` cookies and HSTS, plain HTTP
//! redirected, and a replaced certificate served to new connections without a restart while
//! a live socket opened before goes on receiving.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::{Client, PASSWORD, Server, TIMEOUT, Ws};

/// A certificate authority the test trusts, and the server certificates it signs.
pub struct TestCa {
    cert: Certificate,
    key: KeyPair,
}

/// A server certificate (valid for `localhost` and `127.0.0.1`) and its key, PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Campfire test CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate whose common name is `label` (so two can be told apart).
    pub fn leaf(&self, label: &str) -> Leaf {
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, label);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }
}

/// An HTTPS client that trusts `ca_pem` and reports the certificate it was served.
pub fn https_client(ca_pem: &str) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .tls_info(true)
        .redirect(reqwest::redirect::Policy::none())
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap()
}

/// The certificate a new connection to `url` is served (its DER).
pub async fn served_certificate(ca_pem: &str, url: &str) -> Vec<u8> {
    let response = https_client(ca_pem).get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .expect("the TLS connection's certificate")
        .to_vec()
}

/// The live socket over TLS (`wss://`), trusting `ca_pem`.
async fn wss(addr: SocketAddr, token: &str, since: u64, ca_pem: &str) -> Ws {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("a TLS handshake");
    let mut request = format!("wss://localhost:{}/api/live?since={since}", addr.port())
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "cookie",
        format!("campfire_session={token}").parse().unwrap(),
    );
    let (stream, _) = tokio_tungstenite::client_async(request, tls)
        .await
        .expect("the live socket over TLS");
    Ws::new(stream)
}

fn write(dir: &Path, leaf: &Leaf) {
    // The key first: a watcher that sees only the new certificate would find it does not go
    // with the old key, and keep serving the old pair until both are in place.
    std::fs::write(dir.join("key.pem"), &leaf.key_pem).unwrap();
    std::fs::write(dir.join("cert.pem"), &leaf.cert_pem).unwrap();
}

/// The address the log says plain HTTP is redirected from.
async fn redirect_address(server: &Server) -> SocketAddr {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let logs = server.logs();
        if let Some(line) = logs
            .lines()
            .find(|l| l.contains("plain HTTP redirects to HTTPS"))
        {
            let address = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix("address="))
                .expect("the redirect's address in the log");
            return address.parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no redirect listener: {logs}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn https_serves_the_app_and_the_live_socket_and_takes_a_new_certificate_without_a_restart() {
    let ca = TestCa::new();
    let files = tempfile::tempdir().unwrap();
    let first = ca.leaf("first certificate");
    write(files.path(), &first);
    let cert = files.path().join("cert.pem");
    let key = files.path().join("key.pem");
    let server = Server::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--http-bind",
        "127.0.0.1:0",
    ])
    .await;
    let base = format!("https://{}", server.addr);
    let ca_pem = ca.pem();

    // The app's page and the API, over HTTPS, with HSTS.
    let page = https_client(&ca_pem)
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert_eq!(
        served_certificate(&ca_pem, &format!("{base}/up")).await,
        first.der
    );

    // Signing up sets a Secure cookie.
    let mut ada = Client::anonymous_https(server.addr, https_client(&ca_pem));
    let resp = ada
        .post(
            "/api/first_run",
            &json!({ "name": "Ada", "email": "ada@example.com", "password": PASSWORD }),
        )
        .await;
    resp.expect(201);
    let cookie = resp.header("set-cookie").unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    ada.adopt(&resp);
    let room = ada.room_named("All Talk").await;

    // The live socket over TLS.
    let since = ada.seq().await;
    let mut live = wss(server.addr, ada.token.as_deref().unwrap(), since, &ca_pem).await;
    let hello = ada.post_message(room, "<p>over TLS</p>").await;
    let event = live.expect_event("message_created").await;
    assert_eq!(event["message_id"], hello["id"]);

    // Plain HTTP is redirected to the same path over HTTPS.
    let plain = redirect_address(&server).await;
    let redirected = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://{plain}/rooms/{room}?q=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirected.status(), 308);
    assert_eq!(
        redirected.headers()["location"],
        format!("https://127.0.0.1:{}/rooms/{room}?q=1", server.addr.port()).as_str()
    );

    // A new certificate in the files: new connections get it, with no restart.
    let second = ca.leaf("second certificate");
    write(files.path(), &second);
    let deadline = Instant::now() + TIMEOUT;
    while served_certificate(&ca_pem, &format!("{base}/up")).await != second.der {
        assert!(
            Instant::now() < deadline,
            "the new certificate was not served: {}",
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The socket opened under the first certificate is still live.
    let after = ada
        .fresh()
        .post_message(room, "<p>after the swap</p>")
        .await;
    let event = live.expect_event("message_created").await;
    assert_eq!(event["message_id"], after["id"]);

    // A broken pair (a key that is not the certificate's) is refused; the last good one stays.
    std::fs::write(files.path().join("key.pem"), ca.leaf("stray").key_pem).unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while !server.logs().contains("TLS certificate not reloaded") {
        assert!(
            Instant::now() < deadline,
            "no refusal logged: {}",
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        served_certificate(&ca_pem, &format!("{base}/up")).await,
        second.der
    );
}
