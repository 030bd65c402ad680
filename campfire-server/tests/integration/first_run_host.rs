//! R3: a Campfire that is not set up yet can be set up only through its address, `localhost`,
//! or a name it was told is its own (`--host`): a page on another site that makes its own name
//! resolve to this loopback server (DNS rebinding) cannot set it up in the visitor's name.

use reqwest::Method;
use serde_json::json;

use crate::common::{Client, PASSWORD, Server};

async fn first_run_as(server: &Server, host: &str) -> u16 {
    let client = Client::anonymous(server.addr);
    client
        .send(
            client
                .request(Method::POST, "/api/first_run")
                .header("host", host)
                .header("origin", format!("http://{host}"))
                .json(&json!({ "name": "Ada", "email": "ada@example.com", "password": PASSWORD })),
        )
        .await
        .status
}

#[tokio::test]
async fn a_foreign_name_cannot_set_up_a_fresh_campfire() {
    let server = Server::start(&["--host", "chat.example.com"]).await;
    let port = server.addr.port();
    assert_eq!(
        first_run_as(&server, &format!("evil.example:{port}")).await,
        403
    );
    assert_eq!(
        first_run_as(&server, &format!("chat.example.com:{port}")).await,
        201,
        "its own name"
    );
}

#[tokio::test]
async fn its_address_and_localhost_can() {
    let server = Server::start(&[]).await;
    assert_eq!(
        first_run_as(&server, &format!("localhost:{}", server.addr.port())).await,
        201
    );
}
