//! An index of the memberships that are read up (no `unread_since`): posting marks a room unread
//! for those only (R4), so with it a post touches the members it changes instead of visiting
//! every membership of the room (a 1,000-member room made every post read 1,000 rows).

use sea_orm_migration::prelude::*;

/// Adds `memberships_read_up`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX memberships_read_up ON memberships (room_id, user_id) \
                 WHERE unread_since IS NULL",
            )
            .await?;
        Ok(())
    }
}
