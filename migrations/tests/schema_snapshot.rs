//! The schema the migrations produce must match the committed `schema.sql`.
//!
//! To accept an intended change: `UPDATE_SNAPSHOTS=1 cargo test -p migrations`, then review the
//! diff of `migrations/schema.sql` like any other change.

use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

#[tokio::test]
async fn migrated_schema_matches_the_committed_snapshot() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    Migrator::up(&db, None).await.unwrap();

    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT type, name, sql FROM sqlite_master \
             WHERE sql IS NOT NULL AND name NOT LIKE 'seaql_%' AND name != 'sqlite_sequence' \
             ORDER BY type DESC, name",
        ))
        .await
        .unwrap();
    let mut actual = String::from(
        "-- Generated from the migrations by tests/schema_snapshot.rs. Do not edit.\n",
    );
    for row in rows {
        let sql: String = row.try_get_by_index(2).unwrap();
        actual.push_str(&sql);
        actual.push_str(";\n\n");
    }

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &actual).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == actual,
        "the schema drifted from migrations/schema.sql; if intended, run \
         `UPDATE_SNAPSHOTS=1 cargo test -p migrations` and commit the file.\n--- actual ---\n{actual}"
    );
}

#[tokio::test]
async fn migrating_twice_is_a_no_op() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
}
