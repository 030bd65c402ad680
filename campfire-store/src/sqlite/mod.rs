//! The SQLite adapter, on sea-orm.
//!
//! One writer connection, through which every write passes in order inside `BEGIN IMMEDIATE`
//! transactions, and a small pool of reader connections. WAL mode lets readers run beside the
//! writer and see only committed transactions. With a single writer, the `events` table's
//! AUTOINCREMENT rowid is commit order, so sequence numbers have no gaps a reader could see.
//!
//! Another process (`campfire-cli` while the server runs) opens its own writer; `BEGIN IMMEDIATE`
//! and the busy timeout serialise the two.

mod data_dir;
mod moderation;
mod push;
mod rows;
mod search;
mod vapid_key;
mod write;

pub use data_dir::{DEFAULT_DATA_DIR, DataDir, ExclusiveLock};

use std::path::{Path, PathBuf};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, QueryResult, SqlErr, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, Value,
};

use crate::{Conflict, StoreError};

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
    writer: DatabaseConnection,
    readers: DatabaseConnection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path, options: StoreOptions) -> Result<Self, StoreError> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let writer = connect(&url, 1, &options).await?;
        Migrator::up(&writer, None).await.map_err(backend)?;
        let readers = connect(&url, options.readers.max(1), &options).await?;
        Ok(SqliteStore {
            writer,
            readers,
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
            .ok_or_else(|| StoreError::Backend("the backup path is not valid UTF-8".into()))?;
        self.readers
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [Value::from(target)],
            ))
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: `Ok(())` when the database is sound.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let rows = query(&self.readers, "PRAGMA integrity_check", []).await?;
        let report: Vec<String> = rows.iter().map(|r| text(r, 0)).collect::<Result<_, _>>()?;
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
        self.readers.close().await.map_err(backend)?;
        self.writer.close().await.map_err(backend)?;
        Ok(())
    }

    /// Runs raw SQL statements in one write transaction, all or nothing: bulk seeding for the
    /// benchmark (`cargo xtask bench` writes 1,000,000 messages in seconds with
    /// `INSERT … SELECT` over a recursive CTE). Nothing here checks the rules: the caller must
    /// keep the event log consistent with the rows it writes.
    pub async fn execute_script(&self, statements: &[String]) -> Result<(), StoreError> {
        let tx = self.begin().await?;
        let mut result = Ok(());
        for sql in statements {
            if let Err(error) = tx.execute_unprepared(sql).await {
                result = Err(backend(error));
                break;
            }
        }
        finish(tx, result).await
    }

    /// Starts a write transaction on the one writer connection. `BEGIN IMMEDIATE` takes the
    /// write lock up front, so a transaction never fails half-way for lack of it.
    async fn begin(&self) -> Result<DatabaseTransaction, StoreError> {
        self.writer
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
            .map_err(backend)
    }
}

async fn connect(
    url: &str,
    connections: u32,
    options: &StoreOptions,
) -> Result<DatabaseConnection, StoreError> {
    let busy = options.busy_timeout;
    let synchronous = if options.synchronous_full {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Normal
    };
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(connections)
        .min_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .busy_timeout(busy)
                .foreign_keys(true)
                // Memory-mapped reads doubled the reader throughput in stack.md's measurement.
                .pragma("mmap_size", "268435456")
        });
    Database::connect(opts).await.map_err(backend)
}

/// Commits `result`'s transaction if it succeeded, rolls back otherwise.
async fn finish<T>(
    tx: DatabaseTransaction,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            tx.commit().await.map_err(backend)?;
            Ok(value)
        }
        Err(error) => {
            // The rollback's own failure matters less than the error that caused it.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

/// Maps a database error, keeping the conflicts callers branch on.
fn backend(error: DbErr) -> StoreError {
    StoreError::Backend(Box::new(error))
}

fn map_unique(conflict: Conflict) -> impl Fn(DbErr) -> StoreError {
    move |error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => conflict.into(),
        _ => backend(error),
    }
}

fn statement<const N: usize>(sql: &str, values: [Value; N]) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

async fn query<C: ConnectionTrait, const N: usize>(
    conn: &C,
    sql: &str,
    values: [Value; N],
) -> Result<Vec<QueryResult>, StoreError> {
    conn.query_all_raw(statement(sql, values))
        .await
        .map_err(backend)
}

async fn query_one<C: ConnectionTrait, const N: usize>(
    conn: &C,
    sql: &str,
    values: [Value; N],
) -> Result<Option<QueryResult>, StoreError> {
    conn.query_one_raw(statement(sql, values))
        .await
        .map_err(backend)
}

/// Runs a statement; returns the id of the row it inserted, if any.
async fn execute<C: ConnectionTrait, const N: usize>(
    conn: &C,
    sql: &str,
    values: [Value; N],
) -> Result<i64, StoreError> {
    let result = conn
        .execute_raw(statement(sql, values))
        .await
        .map_err(backend)?;
    Ok(i64::try_from(result.last_insert_id()).unwrap_or(i64::MAX))
}

fn int(row: &QueryResult, index: usize) -> Result<i64, StoreError> {
    row.try_get_by_index(index).map_err(backend)
}

fn opt_int(row: &QueryResult, index: usize) -> Result<Option<i64>, StoreError> {
    row.try_get_by_index(index).map_err(backend)
}

fn text(row: &QueryResult, index: usize) -> Result<String, StoreError> {
    row.try_get_by_index(index).map_err(backend)
}

fn opt_text(row: &QueryResult, index: usize) -> Result<Option<String>, StoreError> {
    row.try_get_by_index(index).map_err(backend)
}
