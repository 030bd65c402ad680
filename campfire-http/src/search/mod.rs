//! Search (S1–S3): the indexer task that keeps the index in step with the event log, and the
//! query side used by the search routes.
//!
//! The indexer polls the log briefly when idle and runs back to back while behind, so a new
//! message is searchable well within a second, and an index that was missing or replaced at
//! start is rebuilt from the store while the server keeps serving (results say they may be
//! incomplete until it has caught up).

use std::sync::Arc;
use std::time::Duration;

use campfire_domain::EventSeq;
use campfire_search::SearchIndex;
use campfire_search::follow::{LIVE_BATCH, REBUILD_BATCH, next_batch};
use campfire_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long the indexer waits before looking at the log again when it has caught up.
const IDLE_POLL: Duration = Duration::from_millis(100);

/// How long the indexer has had nothing to do before it lets go of the index's writer (its
/// threads and queue, most of an idle server's search memory); a busy indexer keeps it.
const PARK_AFTER: Duration = Duration::from_millis(500);

/// How long it waits after indexing a live batch before reading the log again. Under a stream
/// of posts this gathers ~200 ms of them into one commit (each tantivy commit writes and syncs
/// a segment): a message is searchable a moment later, and posting keeps the CPU and the disk.
const LIVE_PACE: Duration = Duration::from_millis(200);

/// How long it waits after a failure (a full disk, a busy store) before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Starts the indexer; it stops when `stop` turns true.
pub fn spawn_indexer(
    store: Arc<dyn Store>,
    index: Arc<dyn SearchIndex>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        forget_if_from_another_log(&*store, &index).await;
        let mut reported_catch_up = false;
        // Since when there has been nothing to index, while the writer is held.
        // (A writer taken at start, to clear an index ahead of the log, is let go of too.)
        let mut idle_since = Some(tokio::time::Instant::now());
        loop {
            if *stop.borrow() {
                return;
            }
            let pause = match step(&*store, &index).await {
                Ok(Step::Indexed { behind: true }) => {
                    idle_since = Some(tokio::time::Instant::now());
                    continue;
                }
                Ok(Step::Indexed { behind: false }) => {
                    idle_since = Some(tokio::time::Instant::now());
                    LIVE_PACE
                }
                Ok(Step::CaughtUp(through)) => {
                    if !reported_catch_up {
                        tracing::info!(through = through.0, "search index caught up");
                        reported_catch_up = true;
                    }
                    if idle_since.is_some_and(|since| since.elapsed() >= PARK_AFTER) {
                        idle_since = None;
                        if let Err(error) = blocking(&index, |index| index.park()).await {
                            tracing::warn!(%error, "could not park the search index writer");
                        }
                    }
                    IDLE_POLL
                }
                Err(error) => {
                    tracing::warn!(%error, "search indexing failed; retrying");
                    RETRY_AFTER
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.changed() => {}
            }
        }
    })
}

/// An index ahead of the log describes another database (a restore it missed): start over.
async fn forget_if_from_another_log(store: &dyn Store, index: &Arc<dyn SearchIndex>) {
    let (Ok(head), Ok(through)) = (
        store.last_event_seq().await,
        blocking(index, |index| index.indexed_through()).await,
    ) else {
        return;
    };
    if through > head {
        tracing::warn!(
            through = through.0,
            head = head.0,
            "search index is ahead of the database; rebuilding it"
        );
        if let Err(error) = blocking(index, |index| index.clear()).await {
            tracing::warn!(%error, "could not clear the search index");
        }
    }
}

enum Step {
    /// A batch was indexed; `behind` when the log had more than a live batch to give (a
    /// rebuild, a long outage): then the next batch is read at once.
    Indexed {
        behind: bool,
    },
    CaughtUp(EventSeq),
}

async fn step(store: &dyn Store, index: &Arc<dyn SearchIndex>) -> Result<Step, String> {
    let through = blocking(index, |index| index.indexed_through()).await?;
    // Far behind (a rebuild, or a long outage): big batches, fewer commits.
    let head = store.last_event_seq().await.map_err(|e| e.to_string())?;
    let behind = head.0 - through.0 > i64::from(LIVE_BATCH);
    let limit = if behind { REBUILD_BATCH } else { LIVE_BATCH };
    match next_batch(store, through, limit)
        .await
        .map_err(|e| e.to_string())?
    {
        None => Ok(Step::CaughtUp(through)),
        Some(batch) => {
            blocking(index, move |index| {
                index.apply(&batch.changes, batch.through)
            })
            .await?;
            Ok(Step::Indexed { behind })
        }
    }
}

/// Runs an index operation on a blocking thread: tantivy reads and commits touch the disk.
pub async fn blocking<T: Send + 'static>(
    index: &Arc<dyn SearchIndex>,
    work: impl FnOnce(&dyn SearchIndex) -> Result<T, campfire_search::SearchError> + Send + 'static,
) -> Result<T, String> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || work(&*index))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}
