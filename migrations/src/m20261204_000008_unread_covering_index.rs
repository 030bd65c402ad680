//! Replaces the partial `memberships_read_up` index with `memberships_unread`, a covering index
//! on `(room_id, unread_since, user_id, involvement)`.
//!
//! Why: the statements are now written once, in sea-query, for every dialect, and SQLite's
//! planner chose the partial index only when told to (`INDEXED BY`, which no other database
//! has). With `unread_since` in the key, `room_id = ? AND unread_since IS NULL` matches two
//! key columns and the index holds every column the post reads, so SQLite picks it on its own
//! (a test in the SQLite adapter checks the plan) and PostgreSQL can use it as well. A post
//! still reads only the read-up members of its room (R4) instead of all of them.

use sea_orm_migration::prelude::*;

/// Drops `memberships_read_up`, adds `memberships_unread`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS memberships_read_up")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX memberships_unread ON memberships \
             (room_id, unread_since, user_id, involvement)",
        )
        .await?;
        Ok(())
    }
}
