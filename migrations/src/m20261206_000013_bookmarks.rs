//! Adds `bookmarks`: messages people saved for later (X7). A bookmark goes with its message (and
//! its person); `bookmarks_message` finds a message's bookmarks when it is deleted.

use sea_orm_migration::prelude::*;

/// Creates `bookmarks`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE bookmarks (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, message_id)
    ) WITHOUT ROWID",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX bookmarks_message ON bookmarks (message_id)")
            .await?;
        Ok(())
    }
}
