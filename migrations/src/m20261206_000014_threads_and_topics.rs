//! X7's threads and room topics. A reply names its thread's first message (`thread_id`; replies
//! go with it); that message keeps its thread's summary (`reply_count`, `last_reply_at` and the
//! latest `repliers`, their ids newest first) so a page of history reads no replies.
//! `messages_thread` holds replies only: a room message's row costs it nothing. Rooms gain a
//! `topic`.

use sea_orm_migration::prelude::*;

/// Adds the thread columns, their index, and `rooms.topic`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "ALTER TABLE messages ADD COLUMN thread_id INTEGER \
             REFERENCES messages (id) ON DELETE CASCADE",
            "ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN last_reply_at INTEGER",
            "ALTER TABLE messages ADD COLUMN repliers TEXT",
            "CREATE INDEX messages_thread ON messages (thread_id, id) WHERE thread_id IS NOT NULL",
            "ALTER TABLE rooms ADD COLUMN topic TEXT",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
