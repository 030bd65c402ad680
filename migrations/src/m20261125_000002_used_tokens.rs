//! Single-use tokens (session transfer links, A5): the ids of those already used.

use sea_orm_migration::prelude::*;

/// Adds `used_tokens`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE used_tokens (
                    id TEXT PRIMARY KEY,
                    used_at INTEGER NOT NULL
                ) WITHOUT ROWID",
            )
            .await?;
        Ok(())
    }
}
