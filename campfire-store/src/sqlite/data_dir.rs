//! The data directory: where the database lives, and the lock a server holds on it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::{SqliteStore, StoreOptions};
use crate::{Conflict, StoreError};

/// The default data directory, relative to the working directory (server and CLI agree on it).
pub const DEFAULT_DATA_DIR: &str = "campfire-data";

/// A Campfire data directory: `campfire.db` (with its WAL), and `server.lock`.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// Held while a process needs the database to itself (a running server, or a restore).
/// Released when dropped, or by the OS when the process dies, even by SIGKILL.
#[derive(Debug)]
pub struct ExclusiveLock {
    _file: File,
}

impl DataDir {
    /// A data directory at `root` (not created until [`DataDir::create`]).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the directory if it is missing.
    pub fn create(&self) -> Result<(), StoreError> {
        std::fs::create_dir_all(&self.root).map_err(io)
    }

    /// The SQLite database file.
    pub fn database(&self) -> PathBuf {
        self.root.join("campfire.db")
    }

    /// The search index's directory (derived data: rebuilt from the database when missing).
    pub fn search_index(&self) -> PathBuf {
        self.root.join("search")
    }

    /// Where files' bytes are kept (M9): the local blob store's directory.
    pub fn files(&self) -> PathBuf {
        self.root.join("files")
    }

    /// Where the ACME account key and the certificates it obtained are kept (O4).
    pub fn acme_dir(&self) -> PathBuf {
        self.root.join("acme")
    }

    /// Whether the database file exists.
    pub fn has_database(&self) -> bool {
        self.database().is_file()
    }

    /// Takes the exclusive lock, or returns `None` if another process holds it.
    pub fn try_lock_exclusive(&self) -> Result<Option<ExclusiveLock>, StoreError> {
        self.create()?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join("server.lock"))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(ExclusiveLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(io(error)),
        }
    }
}

impl DataDir {
    /// Replaces the database with a backup. Refuses while a server holds the data directory.
    /// The backup is checked (`PRAGMA integrity_check`) and migrated on a copy first, so a bad
    /// file never replaces a good database.
    pub async fn restore_from(&self, backup: &Path) -> Result<(), StoreError> {
        let Some(_lock) = self.try_lock_exclusive()? else {
            return Err(Conflict::DatabaseInUse.into());
        };
        let staging = self.root.join("campfire.db.restoring");
        let _ = std::fs::remove_file(&staging);
        std::fs::copy(backup, &staging).map_err(io)?;
        let checked = async {
            let store = SqliteStore::open(&staging, StoreOptions::default()).await?;
            store.integrity_check().await?;
            store.close().await
        }
        .await;
        if let Err(error) = checked {
            let _ = std::fs::remove_file(&staging);
            return Err(error);
        }
        // The search index described the old database: drop it, and the server rebuilds it.
        let index = self.search_index();
        if index.exists() {
            std::fs::remove_dir_all(&index).map_err(io)?;
        }
        // The old WAL belongs to the old database: replaying it onto the restored file would
        // corrupt it, so it goes first.
        for leftover in ["campfire.db-wal", "campfire.db-shm"] {
            match std::fs::remove_file(self.root.join(leftover)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                _ => {}
            }
        }
        std::fs::rename(&staging, self.database()).map_err(io)
    }
}

fn io(error: std::io::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path().join("data"));
        let held = data.try_lock_exclusive().unwrap();
        assert!(held.is_some());
        assert!(
            data.try_lock_exclusive().unwrap().is_none(),
            "a second holder is refused"
        );
        drop(held);
        assert!(data.try_lock_exclusive().unwrap().is_some());
    }
}
