//! Adds `attachments`: a message's file (M9), one per message.
//!
//! Why a table of its own rather than columns of `messages`: most messages have no file, the
//! row goes with its message (`ON DELETE CASCADE`, like mentions and boosts), and the blob
//! indexes answer "is this blob still used?" before a file is removed from the blob store.
//! The bytes are not here: `blob` and `thumbnail` are SHA-256 keys into the blob store.

use sea_orm_migration::prelude::*;

/// Creates `attachments` and its blob indexes.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE attachments (
        message_id INTEGER PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        blob TEXT NOT NULL,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        thumbnail TEXT
    )",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX attachments_blob ON attachments (blob)")
            .await?;
        db.execute_unprepared("CREATE INDEX attachments_thumbnail ON attachments (thumbnail)")
            .await?;
        Ok(())
    }
}
