//! The SQLite adapter, on rusqlite.
//!
//! One writer thread owns the one writer connection and commits queued writes in groups (one
//! transaction and one fsync for everything queued, a savepoint per operation: `threads`), and
//! a few reader threads own a connection each. WAL mode lets readers run beside the writer and
//! see only committed transactions. With a single writer, the `events` table's AUTOINCREMENT
//! rowid is commit order, so sequence numbers have no gaps a reader could see.
//!
//! The schema is brought up to date by the `migrations` crate (sea-orm-migration) when the store
//! opens; everything after that runs on rusqlite directly, with no async hop per statement.
//!
//! Another process (`campfire-cli` while the server runs) opens its own writer; `BEGIN IMMEDIATE`
//! and the busy timeout serialise the two.

mod data_dir;
mod moderation;
pub mod once;
mod push;
mod search;
mod sql;
mod threads;
mod vapid_key;
mod write;

pub use data_dir::{DEFAULT_DATA_DIR, DataDir, ExclusiveLock};

use std::path::{Path, PathBuf};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use rusqlite::Connection;

use crate::StoreError;
use crate::sql::text;
use sql::{backend, query_text};
use threads::{Pragmas, Threads};

/// How to open a database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Reader connections. The bundled SQLite has a global page-cache lock, so more is not
    /// always faster (stack.md); memory-mapped reads are what scale.
    pub readers: u32,
    /// How long a writer waits for another process's write lock before giving up.
    pub busy_timeout: Duration,
    /// `synchronous=FULL` makes every commit durable on power loss, not only on a crash.
    pub synchronous_full: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            readers: 2,
            busy_timeout: Duration::from_secs(5),
            synchronous_full: true,
        }
    }
}

/// The SQLite [`Store`](crate::Store).
pub struct SqliteStore {
    threads: Threads,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path, options: StoreOptions) -> Result<Self, StoreError> {
        migrate(path, &options).await?;
        let pragmas = Pragmas {
            busy_timeout: options.busy_timeout,
            synchronous_full: options.synchronous_full,
        };
        let owned = path.to_owned();
        let readers = options.readers;
        let threads =
            tokio::task::spawn_blocking(move || Threads::start(&owned, readers, &pragmas))
                .await
                .map_err(|e| StoreError::Backend(Box::new(e)))??;
        Ok(SqliteStore {
            threads,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a consistent copy of the database to `target` while others keep writing
    /// (`VACUUM INTO` reads one snapshot). The target must not exist.
    pub async fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        let target = target
            .to_str()
            .ok_or_else(|| StoreError::Backend("the backup path is not valid UTF-8".into()))?
            .to_owned();
        self.read(move |c| {
            c.execute("VACUUM INTO ?", [target]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    /// `PRAGMA integrity_check`: `Ok(())` when the database is sound.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let report: Vec<String> = self
            .read(|c| {
                query_text(c, "PRAGMA integrity_check", [])?
                    .iter()
                    .map(|r| text(r, 0))
                    .collect()
            })
            .await?;
        if report == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Corrupt(report.join("; ")))
        }
    }

    /// The size of the database file and its WAL, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        let wal = self.path.with_extension("db-wal");
        [self.path.as_path(), wal.as_path()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(self) -> Result<(), StoreError> {
        self.threads.close().await;
        Ok(())
    }

    /// Runs raw SQL statements in one write transaction, all or nothing: bulk seeding for the
    /// benchmark (`cargo xtask bench` writes 1,000,000 messages in seconds with
    /// `INSERT … SELECT` over a recursive CTE). Nothing here checks the rules: the caller must
    /// keep the event log consistent with the rows it writes.
    pub async fn execute_script(&self, statements: &[String]) -> Result<(), StoreError> {
        let statements = statements.to_vec();
        self.write(move |tx| {
            for sql in &statements {
                tx.execute_batch(sql).map_err(backend)?;
            }
            Ok(())
        })
        .await
    }

    /// Runs a write in the writer's next group commit (see `threads`).
    async fn write<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.threads.write(operation).await
    }

    /// Runs a read on a reader thread.
    async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.threads.read(read).await
    }
}

/// Brings the schema up to date through sea-orm-migration, on a connection of its own closed
/// after. A database that already has every migration (every start but the first after an
/// upgrade) is recognised with one rusqlite query, so the migrator and its driver never run:
/// their code is never paged in, which is most of what they would add to idle memory.
async fn migrate(path: &Path, options: &StoreOptions) -> Result<(), StoreError> {
    let owned = path.to_owned();
    let current = tokio::task::spawn_blocking(move || has_every_migration(&owned))
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?;
    if current {
        return Ok(());
    }
    run_migrator(path, options).await
}

/// Whether the database records every migration the migrator knows (false on any doubt: the
/// migrator then decides).
fn has_every_migration(path: &Path) -> bool {
    if !path.exists() {
        return false;
    }
    let Ok(conn) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return false;
    };
    let Ok(applied) =
        query_text(&conn, "SELECT version FROM seaql_migrations", []).and_then(|rows| {
            rows.iter()
                .map(|r| text(r, 0))
                .collect::<Result<std::collections::HashSet<String>, _>>()
        })
    else {
        return false;
    };
    migrations::names()
        .iter()
        .all(|name| applied.contains(name))
}

async fn run_migrator(path: &Path, options: &StoreOptions) -> Result<(), StoreError> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    let busy = options.busy_timeout;
    let mut opts = sea_orm::ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    opts.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(busy)
                .foreign_keys(true)
        });
    let db = sea_orm::Database::connect(opts)
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?;
    Migrator::up(&db, None)
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?;
    db.close()
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_up_to_date_database_is_recognised_without_the_migrator() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("campfire.db");
        assert!(!has_every_migration(&path), "no database yet");
        let store = SqliteStore::open(&path, StoreOptions::default())
            .await
            .unwrap();
        store.close().await.unwrap();
        assert!(has_every_migration(&path));

        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
            [],
        )
        .unwrap();
        assert!(
            !has_every_migration(&path),
            "a missing migration sends the store to the migrator"
        );
    }

    /// `rooms::read_up_members` runs on every post; SQLite must answer it from
    /// `memberships_unread` (only the read-up members) rather than walk the room's memberships.
    #[tokio::test]
    async fn a_post_reads_only_the_read_up_members_through_their_index() {
        use sea_query::SqliteQueryBuilder;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("campfire.db");
        let store = SqliteStore::open(&path, StoreOptions::default())
            .await
            .unwrap();
        store.close().await.unwrap();
        let conn = Connection::open(&path).unwrap();
        let sql = crate::sql::rooms::read_up_members(1).to_string(SqliteQueryBuilder);
        let plan = query_text(&conn, &format!("EXPLAIN QUERY PLAN {sql}"), [])
            .unwrap()
            .iter()
            .map(|row| text(row, 3).unwrap())
            .collect::<Vec<_>>()
            .join("; ");
        assert!(
            plan.contains("COVERING INDEX memberships_unread"),
            "plan: {plan}"
        );
    }
}
