//! The SQLite connections and the threads that own them: one writer that commits in groups,
//! and a few readers.
//!
//! **Group commit.** Writes queue to the writer thread. It takes whatever is queued (at most
//! [`MAX_GROUP`] operations), runs them in one `BEGIN IMMEDIATE` transaction with a savepoint
//! around each (so a failing operation is rolled back alone and its neighbours go on), commits
//! once — one fsync for the group — and only then answers each caller. An acknowledged write is
//! therefore durable, and because one thread appends every event in order, sequence numbers are
//! gapless in commit order. No waiting is added to form a group: operations that arrive while
//! a commit is syncing form the next one, so a lone write is committed at once and a busy server
//! commits in large groups.
//!
//! **Reads** run on reader threads, each with its own connection (WAL: readers never wait for
//! the writer and see only committed data).

use std::path::Path;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use super::sql::backend;
use crate::StoreError;

/// The most operations one transaction commits.
pub(super) const MAX_GROUP: usize = 256;

/// Statements kept prepared per connection (the adapter has about a hundred distinct ones).
const STATEMENT_CACHE: usize = 160;

/// How a connection is set up.
pub(super) struct Pragmas {
    pub busy_timeout: Duration,
    pub synchronous_full: bool,
}

pub(super) fn open_connection(path: &Path, pragmas: &Pragmas) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(backend)?;
    conn.busy_timeout(pragmas.busy_timeout).map_err(backend)?;
    let synchronous = if pragmas.synchronous_full {
        "FULL"
    } else {
        "NORMAL"
    };
    // Memory-mapped reads doubled the reader throughput in stack.md's measurement.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
         PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;"
    ))
    .map_err(backend)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// One queued write: runs inside the group's transaction, then learns whether the group
/// committed.
trait WriteJob: Send {
    /// Runs the operation; `false` when it failed (its savepoint is then rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the group's fate is known.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

struct Pending<T, F> {
    operation: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> WriteJob for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(operation) = self.operation.take() else {
            return false;
        };
        let result = operation(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, committed: Result<(), String>) {
        let answer = match (self.result, committed) {
            (Some(Err(error)), _) => Err(error),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(why)) | (None, Err(why)) => Err(StoreError::Backend(why.into())),
            (None, Ok(())) => Err(StoreError::Backend("the write was not run".into())),
        };
        // The caller may have gone away (its request was cancelled); the write stands.
        let _ = self.reply.send(answer);
    }
}

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

/// The threads and the queues that reach them.
pub(super) struct Threads {
    writes: Mutex<Option<std::sync::mpsc::Sender<Box<dyn WriteJob>>>>,
    reads: Mutex<Option<crossbeam_channel::Sender<ReadJob>>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

fn closed() -> StoreError {
    StoreError::Backend("the database is closed".into())
}

impl Threads {
    /// Opens the writer and `readers` reader connections, each on its own thread.
    pub(super) fn start(path: &Path, readers: u32, pragmas: &Pragmas) -> Result<Self, StoreError> {
        let writer = open_connection(path, pragmas)?;
        let (write_tx, write_rx) = std::sync::mpsc::channel::<Box<dyn WriteJob>>();
        let mut handles = Vec::new();
        handles.push(spawn("campfire-sqlite-writer", move || {
            write_loop(&writer, &write_rx);
        })?);
        let (read_tx, read_rx) = crossbeam_channel::unbounded::<ReadJob>();
        for _ in 0..readers.max(1) {
            let conn = open_connection(path, pragmas)?;
            let jobs = read_rx.clone();
            handles.push(spawn("campfire-sqlite-reader", move || {
                while let Ok(job) = jobs.recv() {
                    job(&conn);
                }
            })?);
        }
        Ok(Threads {
            writes: Mutex::new(Some(write_tx)),
            reads: Mutex::new(Some(read_tx)),
            handles: Mutex::new(handles),
        })
    }

    /// Runs `operation` in the writer's next group; answers after the group committed.
    pub(super) async fn write<T, F>(&self, operation: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            operation: Some(operation),
            result: None,
            reply,
        });
        {
            let writes = self.writes.lock().map_err(|_| closed())?;
            writes
                .as_ref()
                .ok_or_else(closed)?
                .send(job)
                .map_err(|_| closed())?;
        }
        answer.await.map_err(|_| closed())?
    }

    /// Runs `read` on a reader connection.
    pub(super) async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        {
            let reads = self.reads.lock().map_err(|_| closed())?;
            reads
                .as_ref()
                .ok_or_else(closed)?
                .send(Box::new(move |conn: &Connection| {
                    let _ = reply.send(read(conn));
                }))
                .map_err(|_| closed())?;
        }
        answer.await.map_err(|_| closed())?
    }

    /// Stops taking work, lets the threads finish what is queued and closes the connections
    /// (the last one to close checkpoints the WAL).
    pub(super) async fn close(&self) {
        if let Ok(mut writes) = self.writes.lock() {
            writes.take();
        }
        if let Ok(mut reads) = self.reads.lock() {
            reads.take();
        }
        let handles = self
            .handles
            .lock()
            .map(|mut h| std::mem::take(&mut *h))
            .unwrap_or_default();
        let _ = tokio::task::spawn_blocking(move || {
            for handle in handles {
                let _ = handle.join();
            }
        })
        .await;
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, StoreError> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(body)
        .map_err(|e| StoreError::Backend(Box::new(e)))
}

fn write_loop(conn: &Connection, jobs: &std::sync::mpsc::Receiver<Box<dyn WriteJob>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let committed = commit_group(conn, &mut group);
        metrics::histogram!(crate::DB_COMMIT_SECONDS).record(started.elapsed().as_secs_f64());
        for job in group {
            job.finish(committed.clone());
        }
    }
}

/// Runs a group in one transaction; `Err` (with the reason) when it did not commit.
fn commit_group(conn: &Connection, group: &mut [Box<dyn WriteJob>]) -> Result<(), String> {
    // BEGIN IMMEDIATE takes the write lock up front (waiting out another process's writer for
    // the busy timeout), so no statement fails half-way for lack of it.
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| e.to_string())?;
    let ran = run_each(conn, group);
    let result = ran.and_then(|()| conn.execute_batch("COMMIT").map_err(|e| e.to_string()));
    if result.is_err() && !conn.is_autocommit() {
        // The rollback's own failure matters less than the error that caused it.
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

/// Each operation under its own savepoint: a failure undoes that operation only.
fn run_each(conn: &Connection, group: &mut [Box<dyn WriteJob>]) -> Result<(), String> {
    let alone = group.len() == 1;
    for job in group.iter_mut() {
        if conn.is_autocommit() {
            // SQLite rolled the whole transaction back by itself (it does on some errors):
            // nothing of the group stands.
            return Err("the transaction was rolled back".to_owned());
        }
        if alone {
            // A group of one needs no savepoint: its failure rolls the transaction back.
            if !job.run(conn) {
                return Err("the operation failed".to_owned());
            }
            continue;
        }
        conn.execute_batch("SAVEPOINT operation")
            .map_err(|e| e.to_string())?;
        let undo = if job.run(conn) {
            "RELEASE operation"
        } else {
            "ROLLBACK TO operation; RELEASE operation"
        };
        conn.execute_batch(undo).map_err(|e| e.to_string())?;
    }
    Ok(())
}
