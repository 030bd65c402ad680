//! The conformance suite against [`SqliteStore`], and what only the SQLite adapter promises.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod conformance;

use std::sync::Arc;

use campfire_store::{SqliteStore, Store, StoreOptions};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use tempfile::TempDir;

async fn sqlite_store() -> (Arc<dyn Store>, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("campfire.db"), StoreOptions::default())
        .await
        .unwrap();
    (Arc::new(store), dir)
}

conformance_tests!(sqlite_store);

/// Runs one query on a fresh connection of our own, outside the store.
async fn inspect(path: &std::path::Path, sql: &str) -> Vec<String> {
    let db = Database::connect(format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            r.try_get_by_index::<String>(0)
                .or_else(|_| r.try_get_by_index::<String>(3))
                .or_else(|_| r.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    assert_eq!(inspect(&path, "PRAGMA journal_mode").await, ["wal"]);
    store.integrity_check().await.unwrap();
    // Foreign keys are a per-connection setting: the store's own connections enforce them, which
    // the conformance case `a_failed_operation_leaves_nothing_half_written` relies on.
    store.close().await.unwrap();
}

#[tokio::test]
async fn direct_rooms_are_looked_up_through_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let _store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let plan = inspect(&path, "EXPLAIN QUERY PLAN SELECT id, name, kind, creator_id, direct_key, created_at, last_active_at \
         FROM rooms WHERE direct_key = '1,2'").await;
    assert!(
        plan.iter()
            .any(|step| step.starts_with("SEARCH rooms USING")
                && step.contains("INDEX rooms_direct_key")),
        "expected an index search, got {plan:?}"
    );
}

#[tokio::test]
async fn reopening_keeps_everything_and_migrates_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campfire.db");
    let (store, _) = (
        SqliteStore::open(&path, StoreOptions::default())
            .await
            .unwrap(),
        (),
    );
    let store: Arc<dyn Store> = Arc::new(store);
    conformance::posting_is_idempotent_on_author_and_client_message_id(store.clone()).await;
    let stats = store.stats().await.unwrap();
    drop(store);
    let reopened = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    assert_eq!(reopened.stats().await.unwrap(), stats);
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy() {
    let (store, dir) = sqlite_store().await;
    conformance::posting_is_idempotent_on_author_and_client_message_id(store.clone()).await;
    let sqlite = SqliteStore::open(&dir.path().join("campfire.db"), StoreOptions::default())
        .await
        .unwrap();
    let target = dir.path().join("backup.db");
    sqlite.backup_to(&target).await.unwrap();
    let copy = SqliteStore::open(&target, StoreOptions::default())
        .await
        .unwrap();
    copy.integrity_check().await.unwrap();
    assert_eq!(copy.stats().await.unwrap(), store.stats().await.unwrap());
}
