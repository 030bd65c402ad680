//! `campfire-cli vapid show|rotate`: the server's Web Push (VAPID) key in the data directory.

use anyhow::{Context, Result, bail};
use campfire_store::{DataDir, Store};

use crate::VapidAction;

fn random() -> Result<[u8; 32], String> {
    campfire_store::app::random::bytes::<32>().map_err(|e| e.to_string())
}

/// Runs `vapid show` or `vapid rotate`.
pub async fn run(data: &DataDir, action: VapidAction) -> Result<()> {
    match action {
        VapidAction::Show => {
            data.create()?;
            let key = data
                .vapid_key(&mut random)
                .with_context(|| format!("could not read {}", data.vapid_key_file().display()))?;
            println!(
                "VAPID public key (applicationServerKey), kept in {}:",
                data.vapid_key_file().display()
            );
            println!("{}", key.public_key());
            Ok(())
        }
        VapidAction::Rotate => {
            // A running server signs with the key it read at start: rotating under it would
            // leave browsers subscribed to a key it no longer has after a restart.
            let Some(_lock) = data.try_lock_exclusive()? else {
                bail!(
                    "a Campfire server is using {}; stop it, rotate, then start it again",
                    data.root().display()
                );
            };
            let key = data.new_vapid_key(&mut random)?;
            // Every subscription was made for the old key; push services would refuse pushes
            // signed with the new one. Browsers subscribe again when the app next opens.
            let removed = if data.has_database() {
                let store = campfire_store::SqliteStore::open(
                    &data.database(),
                    campfire_store::StoreOptions::default(),
                )
                .await
                .with_context(|| format!("could not open {}", data.database().display()))?;
                store.remove_all_push_subscriptions().await?
            } else {
                0
            };
            println!("Removed {removed} push subscriptions made for the old key.");
            println!("New VAPID public key:");
            println!("{}", key.public_key());
            Ok(())
        }
    }
}
