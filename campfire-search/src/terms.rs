//! What a person typed, reduced to bounded plain terms.
//!
//! Architecture Invariant: user input is never passed to an index's query language unescaped;
//! every index builds its query from these terms.

/// The most terms a query keeps; the rest are ignored.
pub const MAX_TERMS: usize = 16;
/// The longest term kept, in characters.
pub const MAX_TERM_CHARS: usize = 64;

/// A search as typed by a person, reduced to word terms. Terms keep the case they were typed in:
/// the index's analyzer lower-cases them exactly as it lower-cased the messages (some letters,
/// like `İ`, lower-case to more than one character, so doing it here first would disagree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms(Vec<String>);

impl Terms {
    /// Splits `typed` into words (letters and digits, in any script), deduplicated ignoring
    /// case, at most [`MAX_TERMS`] of at most [`MAX_TERM_CHARS`] characters. Operators,
    /// quotes, `*` and `:` are separators, never syntax.
    pub fn parse(typed: &str) -> Terms {
        let mut terms: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for word in typed.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let term: String = word.chars().take(MAX_TERM_CHARS).collect();
            let folded = term.to_lowercase();
            if !seen.contains(&folded) {
                seen.push(folded);
                terms.push(term);
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        Terms(terms)
    }

    /// The terms, in the order typed.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether nothing searchable was typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(typed: &str) -> Vec<String> {
        Terms::parse(typed).as_slice().to_vec()
    }

    #[test]
    fn syntax_is_never_passed_through() {
        assert_eq!(
            terms("\"deploy\" AND room:ops*"),
            ["deploy", "AND", "room", "ops"]
        );
        assert_eq!(terms("Café CAFÉ café"), ["Café"]);
        assert!(Terms::parse("🔥 *** ::: \"\"").is_empty());
        assert_eq!(terms("naïve 東京"), ["naïve", "東京"]);
    }

    #[test]
    fn huge_input_is_bounded() {
        let typed = (0..1000)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(Terms::parse(&typed).as_slice().len(), MAX_TERMS);
        let long = "x".repeat(10_000);
        assert_eq!(terms(&long)[0].chars().count(), MAX_TERM_CHARS);
    }
}
