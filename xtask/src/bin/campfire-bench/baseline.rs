//! Bare SQLite limits, measured in the same run: inserts with the server's durability settings
//! (WAL, synchronous=FULL), and the history query on the seeded database. Through rusqlite, the
//! direct binding the server's store runs on, on plain threads: no store, no HTTP, no runtime.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::Connection;

fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA mmap_size = 268435456;",
    )?;
    Ok(conn)
}

/// Inserts for `duration`, `per_commit` rows per transaction. Rows per second and the p99 of a
/// commit, in milliseconds.
pub async fn inserts(dir: &Path, per_commit: usize, duration: Duration) -> Result<(f64, f64)> {
    let path = dir.join(format!("bare-{per_commit}.db"));
    tokio::task::spawn_blocking(move || inserts_on(&path, per_commit, duration)).await?
}

fn inserts_on(path: &Path, per_commit: usize, duration: Duration) -> Result<(f64, f64)> {
    let _ = std::fs::remove_file(path);
    let conn = open(path)?;
    conn.execute_batch(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, room_id INTEGER NOT NULL, \
         author_id INTEGER NOT NULL, client_message_id TEXT NOT NULL, body_html TEXT NOT NULL, \
         body_plain TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (author_id, client_message_id))",
    )?;
    let mut latencies = Vec::new();
    let mut rows = 0u64;
    let started = Instant::now();
    while started.elapsed() < duration {
        let commit = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for _ in 0..per_commit {
            rows += 1;
            conn.prepare_cached(
                "INSERT INTO messages (room_id, author_id, client_message_id, body_html, body_plain, created_at) \
                 VALUES (1, ?, ?, '<p>a durable message</p>', 'a durable message', 0)",
            )?
            .execute(rusqlite::params![
                i64::try_from(rows % 64).unwrap_or(0),
                format!("bare-{rows}")
            ])?;
        }
        conn.execute_batch("COMMIT")?;
        latencies.push(commit.elapsed());
    }
    let secs = started.elapsed().as_secs_f64();
    drop(conn);
    let _ = std::fs::remove_file(path);
    Ok((
        rows as f64 / secs,
        crate::stats::percentile(&mut latencies, 0.99),
    ))
}

/// The latest 40 messages of `room` from the seeded database, by `tasks` threads with a
/// connection each, for `duration`: queries per second.
pub async fn history(db: &Path, room: i64, tasks: usize, duration: Duration) -> Result<f64> {
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let db = db.to_owned();
        handles.push(tokio::task::spawn_blocking(move || {
            let conn = open(&db)?;
            let started = Instant::now();
            let mut done = 0u64;
            while started.elapsed() < duration {
                let mut statement = conn.prepare_cached(
                    "SELECT m.id, m.room_id, m.author_id, m.client_message_id, m.body_html, m.body_plain, \
                     m.created_at, m.edited_at FROM messages m WHERE m.room_id = ? AND m.id < ? \
                     ORDER BY m.id DESC LIMIT 40",
                )?;
                let mut rows = statement.query(rusqlite::params![room, i64::MAX])?;
                while let Some(row) = rows.next()? {
                    let _: String = row.get(5)?;
                }
                done += 1;
            }
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
