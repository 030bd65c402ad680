//! How text becomes index terms, shared by indexing, querying and highlighting so the three
//! always agree on what a "word" is.

use std::ops::Range;

use frostem::{Algorithm, Stemmer};

use crate::Terms;

/// The name the analyzer is registered under in a tantivy index.
#[cfg(feature = "tantivy")]
pub(crate) const ANALYZER_NAME: &str = "campfire_en";

/// Longest token indexed, in bytes; longer ones (hashes, pasted blobs) are dropped.
const MAX_TOKEN_BYTES: usize = 40;

/// Words in any script (runs of letters and digits), lower-cased, English-stemmed
/// ("deploys", "deploying" → "deploy"). One implementation for the index, the query and the
/// highlighter, so the three always agree; `TantivyIndex` registers it as its tokenizer.
#[derive(Clone, Copy)]
pub(crate) struct Analyzer {
    stemmer: Stemmer,
}

impl Analyzer {
    pub(crate) fn new() -> Analyzer {
        Analyzer {
            stemmer: Stemmer::new(Algorithm::English),
        }
    }

    /// The stems of `text`, each with its byte range in `text`.
    pub(crate) fn tokens(&self, text: &str) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (start, c.is_alphanumeric() && i < text.len()) {
                (None, true) => start = Some(i),
                (Some(from), false) => {
                    start = None;
                    if i - from <= MAX_TOKEN_BYTES
                        && let Some(word) = text.get(from..i)
                    {
                        // Char by char, as a word is lower-cased on its own (no final-sigma
                        // context), so a word lower-cases the same wherever it appears.
                        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
                        out.push((self.stemmer.stem(&lower).into_owned(), from..i));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

pub(crate) fn analyzer() -> Analyzer {
    Analyzer::new()
}

/// The stems of `text`, each with its byte range in `text`.
pub(crate) fn tokens(analyzer: &mut Analyzer, text: &str) -> Vec<(String, Range<usize>)> {
    analyzer.tokens(text)
}

/// The stems of what was typed, one per term that survives analysis. A term the analyzer
/// drops entirely (too long) yields `None`, so a query holding it matches nothing rather than
/// silently ignoring a word the person asked for.
pub(crate) fn query_stems(analyzer: &mut Analyzer, terms: &Terms) -> Option<Vec<String>> {
    let mut stems = Vec::new();
    for term in terms.as_slice() {
        let found = tokens(analyzer, term);
        if found.is_empty() {
            return None;
        }
        for (stem, _) in found {
            if !stems.contains(&stem) {
                stems.push(stem);
            }
        }
    }
    Some(stems)
}

/// Byte ranges of the words in `text` that match `terms`, in order.
pub fn highlight(terms: &Terms, text: &str) -> Vec<Range<usize>> {
    let mut analyzer = analyzer();
    let Some(stems) = query_stems(&mut analyzer, terms) else {
        return Vec::new();
    };
    tokens(&mut analyzer, text)
        .into_iter()
        .filter(|(stem, _)| stems.contains(stem))
        .map(|(_, range)| range)
        .collect()
}

/// A piece of an excerpt: plain text, marked when it is a matched word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The text.
    pub text: String,
    /// Whether it matched the search.
    pub matched: bool,
}

/// At most about `max_chars` characters of `text` around its first match, split into matched
/// and unmatched fragments, with "…" where text was cut.
pub fn excerpt(terms: &Terms, text: &str, max_chars: usize) -> Vec<Fragment> {
    let ranges = highlight(terms, text);
    let first = ranges.first().map_or(0, |r| r.start);
    // Start a little before the first match, on a char boundary, so the match has context.
    let lead = max_chars / 4;
    let start = text.get(..first).map_or(0, |before| {
        let chars = before.chars().count();
        let skip = chars.saturating_sub(lead);
        before.char_indices().nth(skip).map_or(first, |(i, _)| i)
    });
    let end = text
        .get(start..)
        .and_then(|rest| rest.char_indices().nth(max_chars).map(|(i, _)| start + i))
        .unwrap_or(text.len());

    let mut fragments = Vec::new();
    if start > 0 {
        fragments.push(plain("…"));
    }
    let mut at = start;
    for range in ranges.iter().filter(|r| r.start >= start && r.end <= end) {
        if let Some(before) = text.get(at..range.start).filter(|s| !s.is_empty()) {
            fragments.push(plain(before));
        }
        if let Some(word) = text.get(range.clone()) {
            fragments.push(Fragment {
                text: word.to_owned(),
                matched: true,
            });
        }
        at = range.end;
    }
    if let Some(rest) = text.get(at..end).filter(|s| !s.is_empty()) {
        fragments.push(plain(rest));
    }
    if end < text.len() {
        fragments.push(plain("…"));
    }
    fragments
}

fn plain(text: &str) -> Fragment {
    Fragment {
        text: text.to_owned(),
        matched: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(typed: &str, text: &str) -> Vec<String> {
        highlight(&Terms::parse(typed), text)
            .into_iter()
            .map(|r| text[r].to_owned())
            .collect()
    }

    #[test]
    fn stems_match_other_forms_of_a_word() {
        assert_eq!(
            marked("deploy", "Deploying now; deployed yesterday; DEPLOYS daily"),
            ["Deploying", "deployed", "DEPLOYS"]
        );
        assert_eq!(
            marked("cafés", "Meet at the café, then the Café."),
            ["café", "Café"]
        );
        assert!(marked("zebra", "no match here").is_empty());
    }

    #[test]
    fn excerpt_marks_words_and_cuts_long_text() {
        let text = format!(
            "{} the release shipped {}",
            "a ".repeat(200),
            "b ".repeat(200)
        );
        let fragments = excerpt(&Terms::parse("release"), &text, 60);
        assert_eq!(fragments.first().map(|f| f.text.as_str()), Some("…"));
        assert_eq!(fragments.last().map(|f| f.text.as_str()), Some("…"));
        let matched: Vec<_> = fragments.iter().filter(|f| f.matched).collect();
        assert_eq!(matched.len(), 1);
        assert_eq!(matched[0].text, "release");
        let total: usize = fragments.iter().map(|f| f.text.chars().count()).sum();
        assert!(total <= 64, "{total} chars");
    }

    #[test]
    fn excerpt_of_short_text_is_the_whole_text() {
        let fragments = excerpt(&Terms::parse("lunch"), "Lunch at noon?", 200);
        let joined: String = fragments.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(joined, "Lunch at noon?");
        assert!(fragments[0].matched);
    }
}
