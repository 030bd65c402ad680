//! Running one statement on a rusqlite connection: bound values, owned rows read back by
//! column index, and the constraint errors callers turn into [`Conflict`]s.
//!
//! Statements are prepared through the connection's statement cache, so a statement the
//! adapter runs again (every one of them: the SQL text is fixed per call site) is parsed once
//! per connection.

use rusqlite::types::{ToSqlOutput, Value as Stored, ValueRef};
use rusqlite::{Connection, ErrorCode, ToSql, params_from_iter};

use crate::{Conflict, StoreError};

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(Stored::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// A list of ids bound as one value, read back in SQL with
/// `SELECT value FROM json_each('[' || ? || ']')`: one placeholder however many ids, so the
/// statement text (and its cached preparation) stays the same.
pub(super) fn id_list(ids: impl IntoIterator<Item = i64>) -> Value {
    let mut list = String::new();
    for id in ids {
        if !list.is_empty() {
            list.push(',');
        }
        list.push_str(&id.to_string());
    }
    Value::Text(list)
}

/// One result row, read out of the statement so it can outlive it.
#[derive(Debug)]
pub(super) struct Row(Vec<Stored>);

impl Row {
    fn column(&self, index: usize) -> Result<&Stored, StoreError> {
        self.0
            .get(index)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {index}")))
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

/// A statement with its values, for [`execute_raw`].
pub(super) struct Statement<'a, const N: usize> {
    sql: &'a str,
    values: [Value; N],
}

pub(super) fn statement<const N: usize>(sql: &str, values: [Value; N]) -> Statement<'_, N> {
    Statement { sql, values }
}

/// Runs a statement, keeping rusqlite's error for callers that classify it.
pub(super) fn execute_raw<const N: usize>(
    conn: &Connection,
    Statement { sql, values }: Statement<'_, N>,
) -> Result<Done, rusqlite::Error> {
    let mut prepared = conn.prepare_cached(sql)?;
    let rows = prepared.execute(params_from_iter(values.iter()))?;
    Ok(Done {
        rows_affected: u64::try_from(rows).unwrap_or(u64::MAX),
        last_insert_id: conn.last_insert_rowid(),
    })
}

/// Runs a statement; returns the id of the row it inserted, if any.
pub(super) fn execute<const N: usize>(
    conn: &Connection,
    sql: &str,
    values: [Value; N],
) -> Result<i64, StoreError> {
    Ok(execute_raw(conn, statement(sql, values))
        .map_err(backend)?
        .last_insert_id)
}

/// Runs a statement; returns how many rows it changed.
pub(super) fn execute_count<const N: usize>(
    conn: &Connection,
    sql: &str,
    values: [Value; N],
) -> Result<u64, StoreError> {
    Ok(execute_raw(conn, statement(sql, values))
        .map_err(backend)?
        .rows_affected)
}

/// Every row a query returns.
pub(super) fn query<const N: usize>(
    conn: &Connection,
    sql: &str,
    values: [Value; N],
) -> Result<Vec<Row>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(backend)?;
    let columns = statement.column_count();
    let mut rows = statement
        .query(params_from_iter(values.iter()))
        .map_err(backend)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        let mut values = Vec::with_capacity(columns);
        for index in 0..columns {
            values.push(row.get::<_, Stored>(index).map_err(backend)?);
        }
        out.push(Row(values));
    }
    Ok(out)
}

/// The first row a query returns, if any.
pub(super) fn query_one<const N: usize>(
    conn: &Connection,
    sql: &str,
    values: [Value; N],
) -> Result<Option<Row>, StoreError> {
    Ok(query(conn, sql, values)?.into_iter().next())
}

/// The first column of every row, as integers.
pub(super) fn ids<const N: usize>(
    conn: &Connection,
    sql: &str,
    values: [Value; N],
) -> Result<Vec<i64>, StoreError> {
    query(conn, sql, values)?
        .iter()
        .map(|r| int(r, 0))
        .collect()
}

fn wrong_type(index: usize, wanted: &str, found: &Stored) -> StoreError {
    StoreError::Corrupt(format!(
        "column {index}: expected {wanted}, found {:?}",
        found.data_type()
    ))
}

pub(super) fn int(row: &Row, index: usize) -> Result<i64, StoreError> {
    match row.column(index)? {
        Stored::Integer(i) => Ok(*i),
        other => Err(wrong_type(index, "an integer", other)),
    }
}

pub(super) fn opt_int(row: &Row, index: usize) -> Result<Option<i64>, StoreError> {
    match row.column(index)? {
        Stored::Null => Ok(None),
        Stored::Integer(i) => Ok(Some(*i)),
        other => Err(wrong_type(index, "an integer", other)),
    }
}

pub(super) fn text(row: &Row, index: usize) -> Result<String, StoreError> {
    match row.column(index)? {
        Stored::Text(s) => Ok(s.clone()),
        other => Err(wrong_type(index, "text", other)),
    }
}

pub(super) fn opt_text(row: &Row, index: usize) -> Result<Option<String>, StoreError> {
    match row.column(index)? {
        Stored::Null => Ok(None),
        Stored::Text(s) => Ok(Some(s.clone())),
        other => Err(wrong_type(index, "text", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_constraints_are_classified() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT); \
             CREATE TABLE child (parent_id INTEGER REFERENCES parent(id)); \
             PRAGMA foreign_keys = ON;",
        )
        .unwrap();
        let id = execute(
            &conn,
            "INSERT INTO parent (name, note) VALUES (?, ?)",
            ["a".into(), Option::<String>::None.into()],
        )
        .unwrap();
        let row = query_one(&conn, "SELECT id, name, note FROM parent", [])
            .unwrap()
            .unwrap();
        assert_eq!(int(&row, 0).unwrap(), id);
        assert_eq!(text(&row, 1).unwrap(), "a");
        assert_eq!(opt_text(&row, 2).unwrap(), None);
        assert!(matches!(int(&row, 1), Err(StoreError::Corrupt(_))));
        assert!(matches!(int(&row, 9), Err(StoreError::Corrupt(_))));

        let twice = execute_raw(
            &conn,
            statement("INSERT INTO parent (name) VALUES (?)", ["a".into()]),
        );
        assert!(is_unique_violation(&twice.err().unwrap()));
        let orphan = execute_raw(
            &conn,
            statement("INSERT INTO child VALUES (?)", [99.into()]),
        );
        assert!(is_foreign_key_violation(&orphan.err().unwrap()));
    }
}
