//! Adds `memberships.unread_from`: the first message a member has not read (X7), where the room's
//! "new since your last visit" line goes and from which its unread messages are counted (through
//! `messages_room`, so a count reads only what is unread). Rooms already unread get the first
//! message posted since they went unread.

use sea_orm_migration::prelude::*;

/// Adds and fills `memberships.unread_from`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE memberships ADD COLUMN unread_from INTEGER")
            .await?;
        db.execute_unprepared(
            "UPDATE memberships SET unread_from = (
        SELECT MIN(id) FROM messages
        WHERE messages.room_id = memberships.room_id
          AND messages.created_at >= memberships.unread_since
    )
    WHERE unread_since IS NOT NULL",
        )
        .await?;
        Ok(())
    }
}
