//! A sign-in link (A5) outlives neither a new password nor the session that made it (F3): a
//! link someone copied before the owner changed their password, or from a device since signed
//! out, signs no one in. Every other way of revoking reaches open sockets within a second, and a
//! socket that connects as its session ends does not stay open (F1, F2).

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::cli_changes::{cli, run};
use crate::common::{Client, PASSWORD, Server, join, sign_in, two_people};

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

/// Every way a session ends or a person loses access, by whoever makes it — the person, an
/// administrator, `campfire-cli` — closes their open socket with 4001 within a second (F1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_way_of_revoking_closes_open_sockets_within_a_second() {
    let server = Server::start(&[]).await;
    let (ada, _bob, _) = two_people(&server).await;
    let code = ada.join_code().await;
    let ways = [
        "signing out",
        "ending the session from another device",
        "changing the password on another device",
        "deactivation by an administrator",
        "a ban",
        "campfire-cli user reset-password",
        "campfire-cli user deactivate",
        "campfire-cli user ban",
    ];
    for (n, way) in ways.iter().enumerate() {
        let email = format!("person{n}@example.com");
        let laptop = join(&server, &code, &format!("Person {n}"), &email).await;
        let phone = sign_in(&server, &email).await;
        let mut ws = laptop.ws(laptop.seq().await).await;
        let id = laptop.id();
        match *way {
            "signing out" => {
                laptop
                    .send(laptop.request(Method::DELETE, "/api/session"))
                    .await
                    .expect(204);
            }
            "ending the session from another device" => {
                let sessions = phone.get("/api/sessions").await.expect(200);
                let other = sessions["sessions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["current"] != true)
                    .unwrap_or_else(|| panic!("the laptop's session in {sessions}"))["id"]
                    .as_i64()
                    .unwrap();
                phone
                    .delete(&format!("/api/sessions/{other}"))
                    .await
                    .expect(204);
            }
            "changing the password on another device" => {
                phone
                    .patch(
                        "/api/me",
                        &json!({ "password": "an entirely new passphrase", "current_password": PASSWORD }),
                    )
                    .await
                    .expect(200);
            }
            "deactivation by an administrator" => {
                ada.post(&format!("/api/users/{id}/deactivate"), &json!({}))
                    .await
                    .expect(204);
            }
            "a ban" => {
                ada.post(&format!("/api/users/{id}/ban"), &json!({}))
                    .await
                    .expect(204);
            }
            "campfire-cli user reset-password" => {
                use std::io::Write;
                let mut child = std::process::Command::new(cli())
                    .arg("--data-dir")
                    .arg(server.data_dir())
                    .args(["user", "reset-password", &email])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                writeln!(child.stdin.take().unwrap(), "a brand new passphrase").unwrap();
                assert!(child.wait().unwrap().success());
            }
            "campfire-cli user deactivate" => {
                run(&server, &["user", "deactivate", &email]);
            }
            "campfire-cli user ban" => {
                run(&server, &["user", "ban", &email]);
            }
            other => unreachable!("{other}"),
        }
        assert_eq!(
            ws.closed(Duration::from_secs(1)).await,
            Some(4001),
            "{way}: the open socket closed within a second"
        );
        assert_eq!(
            laptop.get("/api/rooms").await.status,
            401,
            "{way}: the session is over"
        );
    }
    super::soak::report(
        3,
        "revocation",
        &format!("{} ways: {}", ways.len(), ways.join(", ")),
        "each closed the open socket with 4001 within a second and ended the session",
        "nothing",
    );
}

/// F2: a socket whose upgrade races the end of its session is closed (or refused), never left
/// streaming. The session is signed out while the socket connects, many times over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_opened_as_its_session_ends_does_not_stay_open() {
    let server = Server::start(&[]).await;
    let (ada, bob, _) = two_people(&server).await;
    let (mut opened, mut refused, mut dropped) = (0, 0, 0);
    let rounds = super::soak::size(250, 5_000);
    for _ in 0..rounds {
        // A sign-in link per round: as many password sign-ins would hit the sign-in limit.
        let token = link(&ada, Some(bob.id())).await;
        let mut device = Client::anonymous(server.addr);
        let followed = device
            .send(device.request(Method::POST, &format!("/api/transfer/{token}")))
            .await;
        device.adopt(&followed);
        let since = device.seq().await;
        let connecting = device.ws_at(server.addr, since, &[]);
        let signing_out = async {
            tokio::task::yield_now().await;
            device
                .send(device.request(Method::DELETE, "/api/session"))
                .await
                .expect(204);
        };
        let (socket, ()) = tokio::join!(connecting, signing_out);
        match socket {
            Ok(mut ws) => {
                opened += 1;
                // Whatever it heard before, it is let go within a second: with 4001, or (when
                // the server's close crosses the client's reply on the wire) a dropped
                // connection. Without F2's re-check it stays open and this panics.
                match ws.closed(Duration::from_secs(1)).await {
                    Some(4001) => {}
                    None => dropped += 1,
                    other => panic!("round {}: closed with {other:?}", opened + refused),
                }
            }
            Err(_) => refused += 1,
        }
    }
    ada.get("/api/rooms").await.expect(200);
    assert_eq!(opened + refused, rounds);
    super::soak::report(
        3,
        "socket upgrade racing sign-out (F2)",
        &format!("{rounds} rounds"),
        &format!(
            "{opened} sockets opened and were let go within a second ({dropped} of them dropped without the 4001 close frame reaching the client), {refused} refused"
        ),
        "nothing",
    );
}
