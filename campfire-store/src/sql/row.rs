//! One result row, whatever database it came from, read back by column index. A value of the
//! wrong type is corrupt data, reported as such, never trusted.

use crate::StoreError;

/// One column's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "null",
            Cell::Int(_) => "an integer",
            Cell::Real(_) => "a real",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "a blob",
        }
    }
}

/// One result row, read out of the statement so it can outlive it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row(pub(crate) Vec<Cell>);

impl Row {
    fn column(&self, index: usize) -> Result<&Cell, StoreError> {
        self.0
            .get(index)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {index}")))
    }
}

fn wrong_type(index: usize, wanted: &str, found: &Cell) -> StoreError {
    StoreError::Corrupt(format!(
        "column {index}: expected {wanted}, found {}",
        found.kind()
    ))
}

pub(crate) fn int(row: &Row, index: usize) -> Result<i64, StoreError> {
    match row.column(index)? {
        Cell::Int(i) => Ok(*i),
        other => Err(wrong_type(index, "an integer", other)),
    }
}

pub(crate) fn opt_int(row: &Row, index: usize) -> Result<Option<i64>, StoreError> {
    match row.column(index)? {
        Cell::Null => Ok(None),
        Cell::Int(i) => Ok(Some(*i)),
        other => Err(wrong_type(index, "an integer", other)),
    }
}

pub(crate) fn text(row: &Row, index: usize) -> Result<String, StoreError> {
    match row.column(index)? {
        Cell::Text(s) => Ok(s.clone()),
        other => Err(wrong_type(index, "text", other)),
    }
}

pub(crate) fn opt_text(row: &Row, index: usize) -> Result<Option<String>, StoreError> {
    match row.column(index)? {
        Cell::Null => Ok(None),
        Cell::Text(s) => Ok(Some(s.clone())),
        other => Err(wrong_type(index, "text", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_read_by_type_and_a_wrong_one_is_corrupt_data() {
        let row = Row(vec![Cell::Int(7), Cell::Text("a".into()), Cell::Null]);
        assert_eq!(int(&row, 0).unwrap(), 7);
        assert_eq!(text(&row, 1).unwrap(), "a");
        assert_eq!(opt_text(&row, 2).unwrap(), None);
        assert_eq!(opt_int(&row, 2).unwrap(), None);
        assert!(matches!(int(&row, 1), Err(StoreError::Corrupt(_))));
        assert!(matches!(text(&row, 0), Err(StoreError::Corrupt(_))));
        assert!(matches!(int(&row, 9), Err(StoreError::Corrupt(_))));
    }
}
