//! Adds `users.avatar` (A10) and `account.logo` (A11): the blob-store keys of an uploaded
//! picture (a square of at most 512 pixels), null for the generated fallback (initials, the
//! app's own icon).

use sea_orm_migration::prelude::*;

/// Adds the two columns.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE users ADD COLUMN avatar TEXT")
            .await?;
        db.execute_unprepared("ALTER TABLE account ADD COLUMN logo TEXT")
            .await?;
        Ok(())
    }
}
