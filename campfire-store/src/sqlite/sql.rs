//! Running a statement of [`crate::sql`] on a rusqlite connection: rendered for SQLite, its
//! values bound, its rows read back as [`Row`]s, and the constraint errors callers turn into
//! [`Conflict`]s.
//!
//! Statements are prepared through the connection's statement cache, keyed by their text: a
//! statement's text depends only on its shape (values are bound, not written in), so each is
//! parsed once per connection.

use rusqlite::types::{ToSqlOutput, Value as Stored, ValueRef};
use rusqlite::{Connection, ErrorCode, ToSql, params_from_iter};
use sea_query::{QueryStatementWriter, SqliteQueryBuilder, Value};

use crate::sql::{Cell, Dialect, Row, int};
use crate::{Conflict, StoreError};

/// What [`crate::sql`]'s statements are rendered as here.
pub(super) const DIALECT: Dialect = Dialect::Sqlite;

/// A sea-query value bound to a placeholder. (sea-query-rusqlite does this too, but for
/// rusqlite 0.38; the migrator's sqlx pins the libsqlite3-sys that 0.39 uses.)
struct Param<'a>(&'a Value);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let integer = |i: Option<i64>| {
            Ok(i.map_or(ToSqlOutput::Owned(Stored::Null), |i| {
                ToSqlOutput::Owned(Stored::Integer(i))
            }))
        };
        match self.0 {
            Value::Bool(b) => integer(b.map(i64::from)),
            Value::TinyInt(i) => integer(i.map(i64::from)),
            Value::SmallInt(i) => integer(i.map(i64::from)),
            Value::Int(i) => integer(i.map(i64::from)),
            Value::BigInt(i) => integer(*i),
            Value::TinyUnsigned(i) => integer(i.map(i64::from)),
            Value::SmallUnsigned(i) => integer(i.map(i64::from)),
            Value::Unsigned(i) => integer(i.map(i64::from)),
            Value::BigUnsigned(Some(i)) => {
                integer(Some(i64::try_from(*i).map_err(|e| {
                    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
                })?))
            }
            Value::String(Some(s)) => Ok(ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))),
            Value::Bytes(Some(b)) => Ok(ToSqlOutput::Borrowed(ValueRef::Blob(b))),
            Value::Double(Some(f)) => Ok(ToSqlOutput::Owned(Stored::Real(*f))),
            Value::BigUnsigned(None)
            | Value::String(None)
            | Value::Bytes(None)
            | Value::Double(None) => Ok(ToSqlOutput::Owned(Stored::Null)),
            other => Err(rusqlite::Error::ToSqlConversionFailure(
                format!("no SQLite binding for {other:?}").into(),
            )),
        }
    }
}

/// What a write statement did.
pub(super) struct Done {
    pub rows_affected: u64,
    pub last_insert_id: i64,
}

/// Maps a database error, keeping the conflicts callers branch on.
pub(super) fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

fn constraint(error: &rusqlite::Error) -> Option<i32> {
    match error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::ConstraintViolation => {
            Some(e.extended_code)
        }
        _ => None,
    }
}

/// A unique (or primary key) constraint failed: someone else has it already.
pub(super) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        constraint(error),
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    )
}

/// A foreign key constraint failed: the row referred to is not there.
pub(super) fn is_foreign_key_violation(error: &rusqlite::Error) -> bool {
    constraint(error) == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// A unique violation becomes `conflict`; anything else stays a backend error.
pub(super) fn map_unique(conflict: Conflict) -> impl Fn(rusqlite::Error) -> StoreError {
    move |error| {
        if is_unique_violation(&error) {
            conflict.into()
        } else {
            backend(error)
        }
    }
}

/// A foreign key violation becomes `conflict`; anything else stays a backend error.
pub(super) fn map_foreign_key(conflict: Conflict) -> impl Fn(rusqlite::Error) -> StoreError {
    move |error| {
        if is_foreign_key_violation(&error) {
            conflict.into()
        } else {
            backend(error)
        }
    }
}

/// Runs a statement, keeping rusqlite's error for callers that classify it.
pub(super) fn execute_raw(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<Done, rusqlite::Error> {
    let (sql, values) = statement.build(SqliteQueryBuilder);
    let mut prepared = conn.prepare_cached(&sql)?;
    let rows = prepared.execute(params_from_iter(values.0.iter().map(Param)))?;
    Ok(Done {
        rows_affected: u64::try_from(rows).unwrap_or(u64::MAX),
        last_insert_id: conn.last_insert_rowid(),
    })
}

/// Runs a statement; returns the id of the row it inserted, if any.
pub(super) fn execute(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<i64, StoreError> {
    Ok(execute_raw(conn, statement)
        .map_err(backend)?
        .last_insert_id)
}

/// Runs a statement; returns how many rows it changed.
pub(super) fn execute_count(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<u64, StoreError> {
    Ok(execute_raw(conn, statement).map_err(backend)?.rows_affected)
}

/// Every row a query returns.
pub(super) fn query(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<Vec<Row>, StoreError> {
    let (sql, values) = statement.build(SqliteQueryBuilder);
    query_text(conn, &sql, params_from_iter(values.0.iter().map(Param)))
}

/// Every row of a query written for SQLite alone (a pragma, the migrator's own table).
pub(super) fn query_text(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(backend)?;
    let columns = statement.column_count();
    let mut rows = statement.query(params).map_err(backend)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        let mut cells = Vec::with_capacity(columns);
        for index in 0..columns {
            cells.push(match row.get_ref(index).map_err(backend)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(i) => Cell::Int(i),
                ValueRef::Real(f) => Cell::Real(f),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
            });
        }
        out.push(Row(cells));
    }
    Ok(out)
}

/// The first row a query returns, if any.
pub(super) fn query_one(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<Option<Row>, StoreError> {
    Ok(query(conn, statement)?.into_iter().next())
}

/// The first column of every row, as integers.
pub(super) fn ids(
    conn: &Connection,
    statement: &impl QueryStatementWriter,
) -> Result<Vec<i64>, StoreError> {
    query(conn, statement)?.iter().map(|r| int(r, 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::schema::Users;
    use crate::sql::{opt_text, people, text};
    use campfire_domain::Timestamp;

    #[test]
    fn values_round_trip_and_constraints_are_classified() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE used_tokens (id TEXT PRIMARY KEY, used_at INTEGER NOT NULL); \
             CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE); \
             CREATE TABLE bans (user_id INTEGER REFERENCES users (id), ip TEXT, created_at INTEGER); \
             INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com'); \
             PRAGMA foreign_keys = ON;",
        )
        .unwrap();
        let used = people::use_token("t1", Timestamp(5));
        assert_eq!(execute_count(&conn, &used).unwrap(), 1);
        assert_eq!(
            execute_count(&conn, &used).unwrap(),
            0,
            "a token is used once"
        );
        let row = query_text(&conn, "SELECT id, used_at FROM used_tokens", [])
            .unwrap()
            .remove(0);
        assert_eq!(text(&row, 0).unwrap(), "t1");
        assert_eq!(int(&row, 1).unwrap(), 5);

        let clear = people::update_user(1, Users::Email, Option::<String>::None.into());
        execute(&conn, &clear).unwrap();
        let row = query_text(&conn, "SELECT email FROM users WHERE id = 1", [])
            .unwrap()
            .remove(0);
        assert_eq!(opt_text(&row, 0).unwrap(), None);

        let taken = people::update_user(1, Users::Email, "b@example.com".into());
        assert!(is_unique_violation(
            &execute_raw(&conn, &taken).err().unwrap()
        ));
        let orphan = people::insert_ban(99, "10.0.0.1", Timestamp(1));
        assert!(is_foreign_key_violation(
            &execute_raw(&conn, &orphan).err().unwrap()
        ));
    }
}
