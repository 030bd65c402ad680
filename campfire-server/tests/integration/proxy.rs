//! Behind a reverse proxy (O4): with `--trust-proxy` the client's address and scheme come from
//! the proxy's `X-Forwarded-For` and `X-Forwarded-Proto` — the sessions list shows the real
//! address and the cookie is `Secure` for an HTTPS client; without the switch the same headers
//! are ignored, as anyone could send them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Client, PASSWORD, Resp, Server};

/// First run through a "proxy": the request carries forwarded headers.
async fn first_run_forwarded(server: &Server) -> (Resp, Client) {
    let mut client = Client::anonymous(server.addr);
    let resp = client
        .send(
            client
                .request(Method::POST, "/api/first_run")
                .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
                .header("x-forwarded-proto", "https")
                .json(&json!({ "name": "Ada", "email": "ada@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(resp.status, 201, "{}", resp.text());
    client.adopt(&resp);
    (resp, client)
}

async fn session_ip(client: &Client) -> Value {
    let sessions = client.get("/api/sessions").await.expect(200);
    sessions["sessions"][0]["ip"].clone()
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_its_scheme() {
    let server = Server::start(&["--trust-proxy"]).await;
    let (resp, ada) = first_run_forwarded(&server).await;
    assert!(resp.header("set-cookie").unwrap().contains("; Secure"));
    assert_eq!(
        resp.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    assert_eq!(session_ip(&ada).await, "203.0.113.9");
}

#[tokio::test]
async fn without_the_switch_forwarded_headers_are_ignored() {
    let server = Server::start(&[]).await;
    let (resp, ada) = first_run_forwarded(&server).await;
    assert!(!resp.header("set-cookie").unwrap().contains("Secure"));
    assert_eq!(resp.header("strict-transport-security"), None);
    assert_eq!(session_ip(&ada).await, "127.0.0.1");
}
