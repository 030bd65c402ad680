//! Web Push subscriptions belong to a sign-in (N1): signing out on a device removes that
//! device's subscription, and ending every session (a new password) removes them all.

use sea_orm_migration::prelude::*;

/// Adds `push_subscriptions.session_id`, cleared with its session.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // SQLite allows a REFERENCES column to be added when its default is NULL. A subscription
        // whose session ends goes with it.
        db.execute_unprepared(
            "ALTER TABLE push_subscriptions ADD COLUMN session_id INTEGER \
             REFERENCES sessions (id) ON DELETE CASCADE",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id)",
        )
        .await?;
        Ok(())
    }
}
