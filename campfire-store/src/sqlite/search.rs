//! The SQLite side of what search needs: batched message reads for the indexer and results,
//! and recent searches (S2).

use super::sql::id_list;
use super::{SqliteStore, Value, execute, query, rows, text};
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
        let list = id_list(ids.iter().map(|m| m.0));
        self.read(move |c| {
            let sql = format!(
                "{} WHERE m.id IN (SELECT value FROM json_each('[' || ? || ']')) ORDER BY m.id",
                rows::MESSAGE
            );
            query(c, &sql, [list])?.iter().map(rows::message).collect()
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
            // Strictly after the newest one, so two searches in the same millisecond still
            // come back in the order they were run.
            execute(
                tx,
                "INSERT INTO recent_searches (user_id, query, searched_at) \
                 VALUES (?, ?, MAX(?, COALESCE((SELECT MAX(searched_at) + 1 \
                     FROM recent_searches WHERE user_id = ?), 0))) \
                 ON CONFLICT (user_id, query) DO UPDATE SET searched_at = excluded.searched_at",
                [user.0.into(), searched.into(), at.0.into(), user.0.into()],
            )?;
            let keep = i64::try_from(RECENT_SEARCHES).unwrap_or(i64::MAX);
            execute(
                tx,
                "DELETE FROM recent_searches WHERE user_id = ? AND query NOT IN \
                 (SELECT query FROM recent_searches WHERE user_id = ? \
                  ORDER BY searched_at DESC, query LIMIT ?)",
                [user.0.into(), user.0.into(), keep.into()],
            )?;
            Ok(())
        })
        .await
    }

    pub(super) async fn recent_searches_in(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        self.read(move |c| {
            let values: [Value; 1] = [user.0.into()];
            query(
                c,
                "SELECT query FROM recent_searches WHERE user_id = ? \
             ORDER BY searched_at DESC, query",
                values,
            )?
            .iter()
            .map(|row| text(row, 0))
            .collect()
        })
        .await
    }

    pub(super) async fn clear_recent_searches_in(&self, user: UserId) -> Result<(), StoreError> {
        self.write(move |tx| {
            execute(
                tx,
                "DELETE FROM recent_searches WHERE user_id = ?",
                [user.0.into()],
            )
            .map(|_| ())
        })
        .await
    }
}
