//! Password guesses (F7): checking a current password counts against the per-address limit
//! like signing in, and a flood of guesses from many addresses costs the server time, not
//! memory — argon2 runs a few at a time, not one per request.

use serde_json::json;

use crate::common::{Client, Server, two_people};

/// The server's peak resident memory so far, from /proc.
/// A memory figure of `/proc/<pid>/status` (`VmHWM:` the peak, `VmRSS:` now), in MiB.
fn memory_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024
}

#[tokio::test]
async fn current_password_guesses_are_limited_per_address() {
    let server = Server::start(&[]).await;
    let (_ada, bob, _) = two_people(&server).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let resp = bob
            .patch(
                "/api/me",
                &json!({ "password": "a new passphrase here", "current_password": "a guess" }),
            )
            .await;
        statuses.push(resp.status);
    }
    assert!(statuses[..10].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(statuses[10..], [429, 429], "{statuses:?}");
}

#[tokio::test]
async fn a_flood_of_guesses_from_many_addresses_is_answered_within_bounded_memory() {
    let server = Server::start(&["--trust-proxy"]).await;
    two_people(&server).await;
    // What the server holds before the flood: its code (a debug binary's pages count, and grow
    // with every library linked) and its state. The flood is judged by what it adds.
    let before = memory_mib(server.pid(), "VmRSS:");
    let guesses = (0..96u8).map(|i| {
        let client = Client::anonymous(server.addr);
        async move {
            client
                .send(
                    client
                        .request(reqwest::Method::POST, "/api/session")
                        .header("x-forwarded-for", format!("198.51.100.{i}"))
                        .json(&json!({ "email": "bob@example.com", "password": format!("guess {i}") })),
                )
                .await
                .status
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // One argon2 computation holds 19 MiB: 96 at once would add 1.8 GiB. At most one per core
    // runs (8 at most: 152 MiB); the 96 requests in flight and their connections add about
    // 200 MiB more in a debug build (measured: 215–236 MiB in all on 2 cores).
    let peak = memory_mib(server.pid(), "VmHWM:");
    let added = peak.saturating_sub(before);
    assert!(
        added < 500,
        "the flood added {added} MiB (from {before} MiB to a peak of {peak} MiB)"
    );
}
