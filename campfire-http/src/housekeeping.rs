//! Now-and-then upkeep (R6): sessions idle past their limit end and used sign-in tokens are
//! forgotten, once at start and then every hour, until told to stop.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::AppState;

/// How often the upkeep runs.
const EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the upkeep; it stops when `stop` turns true.
pub fn spawn(state: AppState, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match state.app.prune().await {
                Ok((0, 0)) => {}
                Ok((sessions, tokens)) => {
                    tracing::info!(sessions, tokens, "ended idle sessions, forgot used tokens");
                }
                Err(error) => tracing::warn!(%error, "housekeeping failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                _ = stop.changed() => return,
            }
        }
    })
}
