//! Changes made by `campfire-cli` while the server runs reach connected clients within a second:
//! the server notices events it did not write itself.

use crate::common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{Server, two_people};

/// The CLI binary beside the server binary (built by the same workspace build).
pub(crate) fn cli() -> PathBuf {
    let server = PathBuf::from(env!("CARGO_BIN_EXE_campfire-server"));
    let cli = server.with_file_name("campfire-cli");
    if !cli.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "campfire-cli"])
            .status()
            .unwrap();
        assert!(status.success());
    }
    cli
}

pub(crate) fn run(server: &Server, args: &[&str]) -> String {
    let out = Command::new(cli())
        .arg("--data-dir")
        .arg(server.data_dir())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "campfire-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The next event of `kind`, skipping others, within `within`.
async fn event_of(ws: &mut common::Ws, kind: &str, within: Duration) -> Option<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let (_, event) = ws.event_within(left).await?;
        if event["kind"] == kind {
            return Some(event);
        }
    }
}

#[tokio::test]
async fn cli_changes_reach_open_sockets_within_a_second() {
    let server = Server::start(&[]).await;
    let (admin, member, _) = two_people(&server).await;
    let mut admin_ws = admin.ws(admin.seq().await).await;
    let mut member_ws = member.ws(member.seq().await).await;

    let room: i64 = run(&server, &["room", "create", "--name", "From the shell"])
        .lines()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    let joined = event_of(&mut member_ws, "membership_added", Duration::from_secs(1)).await;
    assert_eq!(
        joined.expect("the new open room reached Bob within a second")["room_id"],
        room
    );

    run(&server, &["join-code", "rotate"]);
    assert!(
        event_of(&mut admin_ws, "account_updated", Duration::from_secs(1))
            .await
            .is_some()
    );

    run(&server, &["user", "deactivate", "bob@example.com"]);
    assert_eq!(
        member_ws.closed(Duration::from_secs(1)).await,
        Some(4001),
        "Bob's socket closed within a second"
    );
}

/// Sessions are held in memory by the server: a password reset by `campfire-cli` (another
/// process) must still end them, through the event it appends, within a second — requests and
/// open live sockets alike (F1). A change that ends no session (a new name) closes nothing.
#[tokio::test]
async fn a_password_reset_by_the_cli_signs_the_person_out_within_a_second() {
    let server = Server::start(&[]).await;
    let (_admin, member, _) = two_people(&server).await;
    assert_eq!(member.get("/api/sessions").await.status, 200);
    let mut member_ws = member.ws(member.seq().await).await;
    member
        .patch("/api/me", &serde_json::json!({ "name": "Bobby Member" }))
        .await
        .expect(200);
    assert!(
        event_of(&mut member_ws, "user_updated", Duration::from_secs(5))
            .await
            .is_some(),
        "a rename reaches the socket, which stays open"
    );

    let mut child = Command::new(cli())
        .arg("--data-dir")
        .arg(server.data_dir())
        .args(["user", "reset-password", "bob@example.com"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "a brand new passphrase").unwrap();
    }
    assert!(child.wait().unwrap().success());

    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        if member.get("/api/sessions").await.status == 401 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Bob's old session still worked a second after the reset"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        member_ws.closed(Duration::from_secs(1)).await,
        Some(4001),
        "Bob's open socket closed within a second of the reset"
    );
}
