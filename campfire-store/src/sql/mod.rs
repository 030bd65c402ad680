//! Every statement the SQL adapters run, written once in sea-query.
//!
//! A function here returns a statement with its values bound; an adapter renders it for its
//! dialect (`SqliteQueryBuilder`, later `PostgresQueryBuilder`), runs it, and reads the rows
//! back with [`rows`], whose readers know each select's column order. The flows around the
//! statements (what to check, what to write next) are the adapter's; the decisions are the
//! domain's. Nothing here touches a connection.
//!
//! Fixed words of the schema (`'active'`, `'open'`, `'pending'`) are written into the text
//! ([`word`]), not bound: SQLite's planner can match them against partial indexes
//! (`users_active_email`) only when it can see them.

pub(crate) mod bookmarks;
pub(crate) mod delivery;
pub(crate) mod messages;
pub(crate) mod people;
pub(crate) mod rooms;
pub(crate) mod row;
pub(crate) mod rows;
pub(crate) mod schema;
pub(crate) mod searches;

use sea_query::{Expr, SelectStatement};

pub(crate) use row::{Cell, Row, int, opt_int, opt_text, text};

/// The SQL dialects the statements are rendered for. Only a statement that needs a function
/// the dialects spell differently takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    #[allow(
        dead_code,
        reason = "the PostgreSQL adapter (issue 14) renders with it"
    )]
    Postgres,
}

/// A fixed word of the schema, written into the statement's text.
fn word(value: &'static str) -> Expr {
    Expr::Constant(value.into())
}

/// A scalar subquery, as an expression.
fn scalar(select: SelectStatement) -> Expr {
    Expr::from(sea_query::SubQueryStatement::SelectStatement(select))
}

#[cfg(test)]
mod tests {
    use super::*;
    use campfire_domain::{EventKind, RoomId, Timestamp};
    use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};

    /// The statements are written for both dialects: the same statement renders with each
    /// one's placeholders and functions, its values bound, not written in.
    #[test]
    fn one_statement_renders_for_sqlite_and_for_postgresql() {
        let touch = rooms::touch_room(7, Timestamp(1_000));
        assert_eq!(
            touch.build(SqliteQueryBuilder).0,
            r#"UPDATE "rooms" SET "last_active_at" = MAX("last_active_at", ?) WHERE "id" = ?"#
        );
        assert_eq!(
            touch.build(PostgresQueryBuilder).0,
            r#"UPDATE "rooms" SET "last_active_at" = GREATEST("last_active_at", $1) WHERE "id" = $2"#
        );
        let page =
            messages::page_before(Dialect::Postgres, 1, 99, 40).to_string(PostgresQueryBuilder);
        assert!(page.contains("string_agg"), "{page}");
        let page = messages::page_before(Dialect::Sqlite, 1, 99, 40).to_string(SqliteQueryBuilder);
        assert!(page.contains("group_concat"), "{page}");
        let event = messages::insert_event(
            &EventKind::RoomRead {
                room: RoomId(1),
                user: campfire_domain::UserId(2),
            }
            .parts(),
            Timestamp(5),
        );
        let (sql, values) = event.build(PostgresQueryBuilder);
        assert!(sql.ends_with("VALUES ($1, $2, $3, $4, $5, $6)"), "{sql}");
        assert_eq!(values.0.len(), 6);
    }

    /// Words of the schema are written in, so a partial index on them can be used.
    #[test]
    fn fixed_words_are_written_into_the_text() {
        let (sql, values) = people::active_user_by_email("a@example.com").build(SqliteQueryBuilder);
        assert!(sql.contains(r#""status" = 'active'"#), "{sql}");
        assert_eq!(values.0.len(), 1, "only the email is bound");
    }
}
