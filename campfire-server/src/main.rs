//! The Campfire server binary: configuration, the data directory, and (with the chat server
//! issue) the HTTP service.

use anyhow::{Context, Result};
use campfire_store::{DataDir, SqliteStore, Store, StoreOptions};
use clap::Parser;

/// Run a Campfire server.
#[derive(Debug, Parser)]
#[command(name = "campfire-server", version, about)]
struct Config {
    /// Where the database and keys live.
    #[arg(long, env = "CAMPFIRE_DATA_DIR", default_value = campfire_store::DEFAULT_DATA_DIR)]
    data_dir: std::path::PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let config = Config::parse();
    let data = DataDir::new(&config.data_dir);
    data.create()
        .context("could not create the data directory")?;
    let _lock = data
        .try_lock_exclusive()?
        .context("another Campfire server is already using this data directory")?;
    let store = SqliteStore::open(&data.database(), StoreOptions::default()).await?;
    let stats = store.stats().await?;
    println!(
        "Campfire data in {} ({} messages)",
        data.root().display(),
        stats.messages
    );
    Ok(())
}
