//! A sign-in link (A5) outlives neither a new password nor the session that made it (F3): a
//! link someone copied before the owner changed their password, or from a device since signed
//! out, signs no one in.

use reqwest::Method;
use serde_json::json;

use crate::common::{Client, PASSWORD, Server, sign_in, two_people};

/// A transfer link's token, made by `client` for itself or (`for_user`) someone else.
async fn link(client: &Client, for_user: Option<i64>) -> String {
    let body = match for_user {
        Some(id) => json!({ "user_id": id }),
        None => json!({}),
    };
    let made = client.post("/api/transfer_link", &body).await.expect(201);
    made["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/transfer/")
        .to_owned()
}

/// Follows a link; the status it answers.
async fn follow(server: &Server, token: &str) -> u16 {
    let anonymous = Client::anonymous(server.addr);
    anonymous
        .send(anonymous.request(Method::POST, &format!("/api/transfer/{token}")))
        .await
        .status
}

#[tokio::test]
async fn a_new_password_voids_earlier_sign_in_links() {
    let server = Server::start(&[]).await;
    let (ada, bob, _) = two_people(&server).await;
    let own = link(&bob, None).await;
    let from_admin = link(&ada, Some(bob.id())).await;
    let unaffected = link(&ada, None).await;

    bob.patch(
        "/api/me",
        &json!({ "password": "an entirely new passphrase", "current_password": PASSWORD }),
    )
    .await
    .expect(200);

    assert_eq!(follow(&server, &own).await, 404, "Bob's own link");
    assert_eq!(
        follow(&server, &from_admin).await,
        404,
        "the admin's link for Bob"
    );
    assert_eq!(
        follow(&server, &unaffected).await,
        200,
        "Ada's link still works"
    );
    assert_eq!(follow(&server, &unaffected).await, 404, "once");
}

#[tokio::test]
async fn signing_out_the_session_that_made_a_link_voids_it() {
    let server = Server::start(&[]).await;
    let (_ada, bob, _) = two_people(&server).await;
    let laptop = sign_in(&server, "bob@example.com").await;
    let from_laptop = link(&laptop, None).await;
    let from_phone = link(&bob, None).await;

    laptop
        .send(laptop.request(Method::DELETE, "/api/session"))
        .await
        .expect(204);

    assert_eq!(follow(&server, &from_laptop).await, 404);
    assert_eq!(follow(&server, &from_phone).await, 200);
}
