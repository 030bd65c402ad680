//! Automatic certificates (O4): the server obtains a certificate for a loopback name from
//! Debian's `pebble` ACME test server (installed by `.ci/run`; `apt-get install pebble`),
//! validated over TLS-ALPN-01 on its own HTTPS port, serves HTTPS with it, and after a restart
//! serves the same certificate from its data directory without asking again.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::process::{Child, Command};

use super::https::{TestCa, https_client, served_certificate};
use crate::common::{Server, TIMEOUT};

/// How long pebble and the server may take to agree on a certificate.
const ISSUE_WITHIN: Duration = Duration::from_secs(60);

fn pebble_binary() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("pebble"))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "this test needs Debian's ACME test server: `apt-get install pebble` \
             (.ci/run installs it)"
        )
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Pebble on loopback, validating TLS-ALPN-01 challenges on `tls_port`.
struct Pebble {
    _process: Child,
    directory: String,
    management: String,
}

impl Pebble {
    async fn start(dir: &Path, ca: &TestCa, tls_port: u16) -> Pebble {
        let leaf = ca.leaf("pebble");
        std::fs::write(dir.join("pebble-cert.pem"), &leaf.cert_pem).unwrap();
        std::fs::write(dir.join("pebble-key.pem"), &leaf.key_pem).unwrap();
        let (acme_port, management_port) = (free_port(), free_port());
        let config = json!({ "pebble": {
            "listenAddress": format!("127.0.0.1:{acme_port}"),
            "managementListenAddress": format!("127.0.0.1:{management_port}"),
            "certificate": dir.join("pebble-cert.pem"),
            "privateKey": dir.join("pebble-key.pem"),
            "httpPort": free_port(),
            "tlsPort": tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false,
        }});
        let config_file = dir.join("pebble.json");
        std::fs::write(&config_file, config.to_string()).unwrap();
        let process = Command::new(pebble_binary())
            .arg("-config")
            .arg(&config_file)
            .arg("-strict=false")
            // No random pause before validating, no nonces refused on purpose, no reuse of an
            // earlier validation: the test sees one whole, prompt issuance.
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", "0")
            .env("PEBBLE_AUTHZREUSE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("pebble starts");
        let pebble = Pebble {
            _process: process,
            directory: format!("https://127.0.0.1:{acme_port}/dir"),
            management: format!("https://127.0.0.1:{management_port}"),
        };
        let client = https_client(&ca.pem());
        let deadline = Instant::now() + TIMEOUT;
        while !client
            .get(&pebble.directory)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(Instant::now() < deadline, "pebble did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        pebble
    }

    /// The root the certificates it issues chain to (made anew at each start).
    async fn root(&self, ca: &TestCa) -> String {
        let response = https_client(&ca.pem())
            .get(format!("{}/roots/0", self.management))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

/// The certificate `url` serves once the server has one that `root` vouches for.
async fn issued(root: &str, url: &str) -> Vec<u8> {
    let client = https_client(root);
    let deadline = Instant::now() + ISSUE_WITHIN;
    loop {
        if let Ok(response) = client.get(url).send().await
            && response.status() == 200
        {
            return served_certificate(root, url).await;
        }
        assert!(
            Instant::now() < deadline,
            "no certificate issued within {ISSUE_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn a_certificate_is_obtained_from_an_acme_server_and_kept() {
    let files = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    std::fs::write(files.path().join("ca.pem"), ca.pem()).unwrap();
    let port = free_port();
    let pebble = Pebble::start(files.path(), &ca, port).await;
    let ca_file = files.path().join("ca.pem");
    let mut server = Server::start_on(
        &format!("127.0.0.1:{port}"),
        &[
            "--tls-domain",
            "localhost",
            "--acme-directory",
            &pebble.directory,
            "--acme-ca",
            ca_file.to_str().unwrap(),
            "--acme-email",
            "admin@example.com",
            "--http-bind",
            "off",
        ],
    )
    .await;
    let root = pebble.root(&ca).await;
    let url = format!("https://localhost:{port}/up");
    let first = issued(&root, &url).await;
    assert!(
        server
            .logs()
            .contains("serving a new certificate from the ACME server"),
        "{}",
        server.logs()
    );
    let kept = std::fs::read_dir(server.data_dir().join("acme"))
        .expect("the ACME directory in the data directory")
        .count();
    assert!(
        kept >= 2,
        "the account key and the certificate are kept ({kept} files)"
    );

    // After a restart the kept certificate is served at once, without a new order.
    server.restart().await;
    assert_eq!(issued(&root, &url).await, first);
    assert!(
        server
            .logs()
            .contains("serving the certificate kept in the data directory"),
        "{}",
        server.logs()
    );
}
