//! Adds `previews`: the card of the page a lone-link message points to (M10), one per message.
//! `image` is a blob-store key (the page's picture, fetched and re-encoded by the server). The
//! `url` index finds an earlier card of the same page, so a link posted again is not fetched
//! again.

use sea_orm_migration::prelude::*;

/// Creates `previews`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE previews (
        message_id INTEGER PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        site TEXT NOT NULL,
        image TEXT
    )",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX previews_url ON previews (url)")
            .await?;
        db.execute_unprepared("CREATE INDEX previews_image ON previews (image)")
            .await?;
        Ok(())
    }
}
