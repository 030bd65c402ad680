//! Each bot's webhook circuit as the delivery worker last saw it (closed, open, half-open), so
//! administrators see it on the bots page and in `campfire-cli bot list`.

use sea_orm_migration::prelude::*;

/// Adds `webhooks.circuit`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE webhooks ADD COLUMN circuit TEXT NOT NULL DEFAULT 'closed'",
            )
            .await?;
        Ok(())
    }
}
