//! Now-and-then upkeep (R6): sessions idle past their limit end, used sign-in tokens are
//! forgotten, and files no message, avatar or logo has used for an hour leave the blob store
//! (M9: those of a deleted room's messages), once at start and then every hour, until told to
//! stop.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::AppState;

/// How often the upkeep runs.
const EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the upkeep; it stops when `stop` turns true.
pub fn spawn(state: AppState, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut unused = std::collections::HashSet::new();
        loop {
            match state.app.prune().await {
                Ok((0, 0)) => {}
                Ok((sessions, tokens)) => {
                    tracing::info!(sessions, tokens, "ended idle sessions, forgot used tokens");
                }
                Err(error) => tracing::warn!(%error, "housekeeping failed"),
            }
            match state.app.sweep_blobs(&unused).await {
                Ok((still_unused, removed)) => {
                    if removed > 0 {
                        tracing::info!(removed, "removed files nothing uses");
                    }
                    unused = still_unused;
                }
                Err(error) => tracing::warn!(%error, "sweeping files failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                _ = stop.changed() => return,
            }
        }
    })
}
