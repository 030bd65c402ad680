//! Bare SQLite limits, measured in the same run: inserts with the server's durability settings
//! (WAL, synchronous=FULL), and the history query on the seeded database. Through sqlx, the
//! driver the server's SQLite sits on, without the store, the ORM or HTTP.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous,
};
use sea_orm::sqlx::{self, ConnectOptions, Connection, Row};

async fn open(path: &Path) -> Result<SqliteConnection> {
    let conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .pragma("mmap_size", "268435456")
        .connect()
        .await?;
    Ok(conn)
}

/// Inserts for `duration`, `per_commit` rows per transaction. Rows per second and the p99 of a
/// commit, in milliseconds.
pub async fn inserts(dir: &Path, per_commit: usize, duration: Duration) -> Result<(f64, f64)> {
    let path = dir.join(format!("bare-{per_commit}.db"));
    let _ = std::fs::remove_file(&path);
    let mut conn = open(&path).await?;
    sqlx::query(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, room_id INTEGER NOT NULL, \
         author_id INTEGER NOT NULL, client_message_id TEXT NOT NULL, body_html TEXT NOT NULL, \
         body_plain TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (author_id, client_message_id))",
    )
    .execute(&mut conn)
    .await?;
    let mut latencies = Vec::new();
    let mut rows = 0u64;
    let started = Instant::now();
    while started.elapsed() < duration {
        let commit = Instant::now();
        let mut tx = conn.begin().await?;
        for _ in 0..per_commit {
            rows += 1;
            sqlx::query(
                "INSERT INTO messages (room_id, author_id, client_message_id, body_html, body_plain, created_at) \
                 VALUES (1, ?, ?, '<p>a durable message</p>', 'a durable message', 0)",
            )
            .bind(i64::try_from(rows % 64).unwrap_or(0))
            .bind(format!("bare-{rows}"))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        latencies.push(commit.elapsed());
    }
    let secs = started.elapsed().as_secs_f64();
    conn.close().await?;
    let _ = std::fs::remove_file(&path);
    Ok((
        rows as f64 / secs,
        crate::stats::percentile(&mut latencies, 0.99),
    ))
}

/// The latest 40 messages of `room` from the seeded database, by `tasks` connections, for
/// `duration`: queries per second.
pub async fn history(db: &Path, room: i64, tasks: usize, duration: Duration) -> Result<f64> {
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let db = db.to_owned();
        handles.push(tokio::spawn(async move {
            let mut conn = open(&db).await?;
            let started = Instant::now();
            let mut done = 0u64;
            while started.elapsed() < duration {
                let rows = sqlx::query(
                    "SELECT m.id, m.room_id, m.author_id, m.client_message_id, m.body_html, m.body_plain, \
                     m.created_at, m.edited_at FROM messages m WHERE m.room_id = ? AND m.id < ? \
                     ORDER BY m.id DESC LIMIT 40",
                )
                .bind(room)
                .bind(i64::MAX)
                .fetch_all(&mut conn)
                .await?;
                for row in &rows {
                    let _: String = row.try_get(5)?;
                }
                done += 1;
            }
            conn.close().await?;
            anyhow::Ok(done)
        }));
    }
    let started = Instant::now();
    let mut total = 0;
    for handle in handles {
        total += handle.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}
