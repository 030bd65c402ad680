//! When each delivery was last attempted, for the bots page and `campfire-cli bot list`.

use sea_orm_migration::prelude::*;

/// Adds `outbox.last_attempt_at`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE outbox ADD COLUMN last_attempt_at INTEGER")
            .await?;
        db.execute_unprepared("CREATE INDEX outbox_target ON outbox (kind, target)")
            .await?;
        Ok(())
    }
}
