//! The SQLite side of what search needs: batched message reads for the indexer and results,
//! and recent searches (S2).

use super::SqliteStore;
use super::sql::{DIALECT, execute, query};
use crate::sql::{messages, rows, searches, text};
use crate::{RECENT_SEARCHES, StoreError};
use campfire_domain::{Message, MessageId, Timestamp, UserId};

impl SqliteStore {
    pub(super) async fn messages_by_ids_in(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<Message>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<i64> = ids.iter().map(|m| m.0).collect();
        self.read(move |c| {
            query(c, &messages::messages_by_ids(DIALECT, &list))?
                .iter()
                .map(rows::message)
                .collect()
        })
        .await
    }

    pub(super) async fn record_search_in(
        &self,
        user: UserId,
        searched: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let searched = searched.to_owned();
        self.write(move |tx| {
            execute(tx, &searches::record(user.0, &searched, at))?;
            let keep = u64::try_from(RECENT_SEARCHES).unwrap_or(u64::MAX);
            execute(tx, &searches::keep_newest(user.0, keep))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn recent_searches_in(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        self.read(move |c| {
            query(c, &searches::recent(user.0))?
                .iter()
                .map(|row| text(row, 0))
                .collect()
        })
        .await
    }

    pub(super) async fn clear_recent_searches_in(&self, user: UserId) -> Result<(), StoreError> {
        self.write(move |tx| execute(tx, &searches::clear(user.0)).map(|_| ()))
            .await
    }
}
