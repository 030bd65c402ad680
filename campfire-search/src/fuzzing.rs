//! The body of the query-handling fuzz target (`campfire-search/fuzz`), kept here so the
//! ordinary test suite runs it too (over proptest's inputs) on the stable toolchain.

use campfire_domain::{EventSeq, MessageId, RoomId, Timestamp, UserId};

use crate::{Change, Document, MemoryIndex, Query, SearchIndex, Terms, excerpt, highlight};

/// Runs arbitrary bytes through everything a typed search touches: term parsing, a query
/// against an index, highlighting and excerpting. Returns the first broken invariant.
pub fn exercise(bytes: &[u8]) -> Result<(), String> {
    let typed = String::from_utf8_lossy(bytes);
    let terms = Terms::parse(&typed);
    if terms.as_slice().len() > crate::MAX_TERMS {
        return Err(format!("{} terms kept", terms.as_slice().len()));
    }
    if let Some(long) = terms
        .as_slice()
        .iter()
        .find(|t| t.chars().count() > crate::MAX_TERM_CHARS)
    {
        return Err(format!("term of {} chars kept", long.chars().count()));
    }

    // The typed text is also a message, so highlighting sees hostile text as well as queries.
    let index = MemoryIndex::new();
    let doc = Document {
        message: MessageId(1),
        room: RoomId(1),
        author: UserId(1),
        at: Timestamp(0),
        text: typed.to_string(),
    };
    index
        .apply(&[Change::Upsert(doc)], EventSeq(1))
        .map_err(|e| e.to_string())?;
    let hits = index
        .search(&Query::new(terms.clone(), vec![RoomId(1)], Timestamp(0)))
        .map_err(|e| e.to_string())?;
    if !terms.is_empty() && hits.is_empty() && !highlight(&terms, &typed).is_empty() {
        return Err("a highlighted word did not match its own message".into());
    }
    for range in highlight(&terms, &typed) {
        if typed.get(range.clone()).is_none() {
            return Err(format!(
                "highlight {range:?} is not on character boundaries"
            ));
        }
    }
    let fragments = excerpt(&terms, &typed, 200);
    let chars: usize = fragments.iter().map(|f| f.text.chars().count()).sum();
    if chars > 204 {
        return Err(format!("excerpt of {chars} chars"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_bytes_are_handled(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            prop_assert_eq!(super::exercise(&bytes), Ok(()));
        }

        #[test]
        fn any_text_is_handled(text in "\\PC{0,400}") {
            prop_assert_eq!(super::exercise(text.as_bytes()), Ok(()));
        }
    }

    #[test]
    fn known_odd_queries() {
        for typed in [
            "\"deploy\" AND room:ops*",
            "*",
            "AND OR NOT",
            "🔥🔥🔥",
            "a:b:c",
            "((((",
            "\u{0}\u{feff}",
            &"x".repeat(10_240),
            &"word ".repeat(2_000),
        ] {
            assert_eq!(super::exercise(typed.as_bytes()), Ok(()), "{typed:.40}");
        }
    }
}
