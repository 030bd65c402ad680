//! `campfire-cli vapid show|rotate` on a real data directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::process::Command;

use campfire_domain::{PushKeys, Role, Timestamp, VapidKey};
use campfire_store::{DataDir, NewPushSubscription, NewSession, SqliteStore, Store, StoreOptions};

/// Runs the CLI; returns (success, stdout, stderr).
fn cli(data: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_campfire-cli"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("CAMPFIRE_DATA_DIR")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn last_line(out: &str) -> String {
    out.lines().last().unwrap_or_default().to_owned()
}

#[test]
fn the_vapid_key_is_shown_kept_and_rotated_and_rotation_drops_subscriptions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (ok, _, stderr) = cli(&data, &["init"]);
    assert!(ok, "{stderr}");

    let (ok, shown, stderr) = cli(&data, &["vapid", "show"]);
    assert!(ok, "{stderr}");
    let key = last_line(&shown);
    let point = base64_len(&key);
    assert_eq!(point, 65, "an uncompressed P-256 point: {key}");
    assert_eq!(last_line(&cli(&data, &["vapid", "show"]).1), key, "kept");
    let file = std::fs::read_to_string(DataDir::new(&data).vapid_key_file()).unwrap();
    assert!(
        !file.contains(&key),
        "the file holds the private key, not the public one"
    );

    // A browser subscribed with the current key.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = DataDir::new(&data).database();
    runtime.block_on(async {
        let store = SqliteStore::open(&database, StoreOptions::default())
            .await
            .unwrap();
        let admin = store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.role == Role::Administrator);
        let admin = match admin {
            Some(admin) => admin,
            None => store
                .create_person(
                    campfire_store::NewPerson {
                        name: campfire_domain::PersonName::new("Ada").unwrap(),
                        email: campfire_domain::EmailAddress::new("ada@example.com").unwrap(),
                        password_hash: "hash".into(),
                        role: Role::Administrator,
                        bio: campfire_domain::Bio::default(),
                    },
                    Timestamp(1),
                )
                .await
                .unwrap(),
        };
        let session = store
            .create_session(NewSession {
                user: admin.id,
                token_hash: "token".into(),
                user_agent: "test".into(),
                ip: "192.0.2.1".into(),
                at: Timestamp(1),
            })
            .await
            .unwrap();
        let browser = VapidKey::from_bytes(&[5; 32]).unwrap().public_key();
        store
            .save_push_subscription(NewPushSubscription {
                user: admin.id,
                session: session.id,
                endpoint: "https://push.example.com/abc".into(),
                keys: PushKeys::parse(&browser, "AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
                at: Timestamp(2),
            })
            .await
            .unwrap();
        store.close().await.unwrap();
    });

    // Refused while a server holds the data directory.
    {
        let holder = DataDir::new(&data);
        let _lock = holder.try_lock_exclusive().unwrap().unwrap();
        let (ok, _, stderr) = cli(&data, &["vapid", "rotate"]);
        assert!(!ok && stderr.contains("stop it"), "{stderr}");
        assert_eq!(last_line(&cli(&data, &["vapid", "show"]).1), key);
    }

    let (ok, rotated, stderr) = cli(&data, &["vapid", "rotate"]);
    assert!(ok, "{stderr}");
    assert!(
        rotated.contains("Removed 1 push subscriptions"),
        "{rotated}"
    );
    let new_key = last_line(&rotated);
    assert_ne!(new_key, key);
    assert_eq!(base64_len(&new_key), 65);
    assert_eq!(last_line(&cli(&data, &["vapid", "show"]).1), new_key);
    let left = runtime.block_on(async {
        let store = SqliteStore::open(&database, StoreOptions::default())
            .await
            .unwrap();
        let users = store.users().await.unwrap();
        let mut left = 0;
        for user in users {
            left += store.push_subscriptions_of(user.id).await.unwrap().len();
        }
        store.close().await.unwrap();
        left
    });
    assert_eq!(left, 0, "subscriptions for the old key are gone");
}

/// The decoded length of unpadded base64url text (checking its alphabet).
fn base64_len(text: &str) -> usize {
    assert!(
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{text}"
    );
    text.len() * 3 / 4
}
