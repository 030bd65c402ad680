//! Forward-only migrations of Campfire's database schema, on sea-orm-migration.
//!
//! API Boundary: the schema these produce is what every store adapter reads and writes, and what
//! `campfire-cli backup` files contain. `schema.sql` beside this crate is its committed snapshot; a
//! test fails when the migrations and the snapshot drift apart.
//!
//! Architecture Invariant: migrations only go forward. A released migration is never edited; a
//! change is a new migration.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::{MigrationTrait, async_trait};

mod m20261125_000001_initial;
mod m20261125_000002_used_tokens;
mod m20261125_000003_outbox_attempts;
mod m20261125_000004_webhook_circuits;
mod m20261125_000006_push_subscriptions;
mod m20261204_000007_unread_index;
mod m20261204_000008_unread_covering_index;
mod m20261206_000009_attachments;
mod m20261206_000010_pictures;
mod m20261206_000011_previews;
mod m20261206_000012_unread_from;
mod m20261206_000013_bookmarks;
mod m20261206_000014_threads_and_topics;

/// The ordered list of migrations.
pub struct Migrator;

/// The names of every migration, as recorded in `seaql_migrations` once applied: a store can tell
/// that a database is up to date without running the migrator.
pub fn names() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial::Migration),
            Box::new(m20261125_000002_used_tokens::Migration),
            Box::new(m20261125_000003_outbox_attempts::Migration),
            Box::new(m20261125_000004_webhook_circuits::Migration),
            Box::new(m20261125_000006_push_subscriptions::Migration),
            Box::new(m20261204_000007_unread_index::Migration),
            Box::new(m20261204_000008_unread_covering_index::Migration),
            Box::new(m20261206_000009_attachments::Migration),
            Box::new(m20261206_000010_pictures::Migration),
            Box::new(m20261206_000011_previews::Migration),
            Box::new(m20261206_000012_unread_from::Migration),
            Box::new(m20261206_000013_bookmarks::Migration),
            Box::new(m20261206_000014_threads_and_topics::Migration),
        ]
    }
}
