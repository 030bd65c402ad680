//! The on-disk index: tantivy in the data directory.
//!
//! Nothing is stored but what matching, scoping and ranking need: the text is indexed (not
//! stored), the ids and time are indexed for filters and kept as fast fields for ranking and for
//! reading the message id back. The event-log position rides in each commit's payload, so the
//! documents and the position they reflect can never disagree after a crash.

use std::fs::{File, TryLockError};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use campfire_domain::{EventSeq, MessageId, Timestamp};
use tantivy::collector::TopDocs;
use tantivy::columnar::ColumnValues;
use tantivy::doc;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, Query as TantivyQuery, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, Term};

use crate::analyzer::{ANALYZER_NAME, Analyzer, analyzer, query_stems};
use crate::index::recency;
use crate::{Change, Hit, Query, SearchError, SearchIndex};

/// Heap for the single indexing thread: tantivy's minimum is 15 MB; a little more makes fewer,
/// larger segments during a rebuild.
const WRITER_HEAP_BYTES: usize = 15_000_000;

/// One indexing thread and one merge thread (tantivy's default is four): a chat server's index
/// grows a batch at a time, and each idle thread costs memory on a small machine.
fn writer_options() -> IndexWriterOptions {
    IndexWriterOptions::builder()
        .memory_budget_per_thread(WRITER_HEAP_BYTES)
        .num_worker_threads(1)
        .num_merge_threads(1)
        .build()
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    message: Field,
    room: Field,
    author: Field,
    at: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        message: builder.add_i64_field("message", INDEXED | FAST),
        room: builder.add_i64_field("room", INDEXED),
        author: builder.add_i64_field("author", INDEXED),
        at: builder.add_i64_field("at", INDEXED | FAST),
        text: builder.add_text_field("text", text),
    };
    (builder.build(), fields)
}

/// How [`TantivyIndex::open`] found the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// An index was there and is usable.
    Existing,
    /// There was none; an empty one was created.
    Created,
    /// What was there could not be used (the reason); it was replaced by an empty index.
    Replaced(String),
}

/// Our [`Analyzer`] as a tantivy tokenizer, so documents are indexed exactly as queries and
/// highlights analyze words.
#[derive(Clone)]
struct OurTokenizer(Analyzer);

impl Tokenizer for OurTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let tokens = self
            .0
            .tokens(text)
            .into_iter()
            .enumerate()
            .map(|(position, (text, range))| Token {
                offset_from: range.start,
                offset_to: range.end,
                position,
                text,
                position_length: 1,
            })
            .collect();
        Tokens {
            tokens,
            next: 0,
            none: Token::default(),
        }
    }
}

struct Tokens {
    tokens: Vec<Token>,
    next: usize,
    /// Returned by `token()` before the first `advance()`, which tantivy never does.
    none: Token,
}

impl Tokens {
    fn current(&self) -> Option<usize> {
        self.next.checked_sub(1)
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.current()
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.none)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.current() {
            Some(i) if i < self.tokens.len() => self.tokens.get_mut(i).unwrap_or(&mut self.none),
            _ => &mut self.none,
        }
    }
}

/// A [`SearchIndex`] backed by tantivy.
///
/// The writer is taken when there is something to index and let go of when the indexer has been
/// idle a while ([`SearchIndex::park`]): an idle server does not keep its threads and queue. The
/// index directory stays this process's through a lock file of our own, held as long as the
/// index is open, so a second process is refused even while no writer exists.
pub struct TantivyIndex {
    index: Index,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    reader: IndexReader,
    through: Mutex<EventSeq>,
    /// Held (locked) for the index's lifetime; `None` in memory.
    _lock: Option<File>,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyIndex").finish_non_exhaustive()
    }
}

fn unavailable(error: impl std::fmt::Display) -> SearchError {
    SearchError::Unavailable(error.to_string())
}

/// Our lock file in the index directory (never wiped with the index files).
const LOCK_FILE: &str = ".campfire-index.lock";

fn lock(dir: &Path) -> Result<File, SearchError> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(unavailable)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(SearchError::Unavailable(
            "another process is using the search index".into(),
        )),
        Err(TryLockError::Error(error)) => Err(unavailable(error)),
    }
}

impl TantivyIndex {
    /// Opens the index in `dir`, creating it if there is none. An index that cannot be used
    /// (corrupt files, an older schema, an unreadable position) is deleted and replaced by an
    /// empty one, which the caller rebuilds from the store: the index is derived data.
    /// Fails only when the directory itself is unusable or another process has it open.
    pub fn open(dir: &Path) -> Result<(TantivyIndex, Opened), SearchError> {
        std::fs::create_dir_all(dir).map_err(unavailable)?;
        let lock = lock(dir)?;
        let had_index = dir.join("meta.json").exists();
        if had_index {
            match Self::open_existing(dir) {
                Ok((index, fields, through)) => {
                    return Ok((
                        Self::finish(index, fields, through, Some(lock))?,
                        Opened::Existing,
                    ));
                }
                Err(reason) => {
                    Self::wipe(dir)?;
                    let (index, fields) = Self::create(dir)?;
                    return Ok((
                        Self::finish(index, fields, EventSeq(0), Some(lock))?,
                        Opened::Replaced(reason),
                    ));
                }
            }
        }
        Self::wipe(dir)?;
        let (index, fields) = Self::create(dir)?;
        Ok((
            Self::finish(index, fields, EventSeq(0), Some(lock))?,
            Opened::Created,
        ))
    }

    /// An index in memory (tests, and tools that do not keep one).
    pub fn in_ram() -> Result<TantivyIndex, SearchError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzer(&index);
        Self::finish(index, fields, EventSeq(0), None)
    }

    fn open_existing(dir: &Path) -> Result<(Index, Fields, EventSeq), String> {
        let (schema, fields) = schema();
        let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
        if index.schema() != schema {
            return Err("the index was built with a different schema".into());
        }
        let through = position(&index)?;
        register_analyzer(&index);
        Ok((index, fields, through))
    }

    fn create(dir: &Path) -> Result<(Index, Fields), SearchError> {
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema).map_err(unavailable)?;
        register_analyzer(&index);
        Ok((index, fields))
    }

    fn finish(
        index: Index,
        fields: Fields,
        through: EventSeq,
        lock: Option<File>,
    ) -> Result<TantivyIndex, SearchError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(unavailable)?;
        Ok(TantivyIndex {
            index,
            fields,
            writer: Mutex::new(None),
            reader,
            through: Mutex::new(through),
            _lock: lock,
        })
    }

    /// Removes the index files in `dir` (and nothing that is not a regular file, nor our lock).
    fn wipe(dir: &Path) -> Result<(), SearchError> {
        let entries = std::fs::read_dir(dir).map_err(unavailable)?;
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        for path in paths
            .iter()
            .filter(|p| p.is_file() && p.file_name() != Some(std::ffi::OsStr::new(LOCK_FILE)))
        {
            std::fs::remove_file(path).map_err(unavailable)?;
        }
        Ok(())
    }

    /// Runs `work` with the writer, taking one if none is held.
    fn with_writer<T>(
        &self,
        work: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut held = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let writer = match held.take() {
            Some(writer) => writer,
            None => self
                .index
                .writer_with_options(writer_options())
                .map_err(unavailable)?,
        };
        let writer = held.insert(writer);
        work(writer)
    }

    fn commit(&self, writer: &mut IndexWriter, through: EventSeq) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit().map_err(unavailable)?;
        prepared.set_payload(&through.0.to_string());
        prepared.commit().map_err(unavailable)?;
        self.reader.reload().map_err(unavailable)?;
        *self.through.lock().unwrap_or_else(|e| e.into_inner()) = through;
        Ok(())
    }

    fn filters(&self, query: &Query) -> Vec<Box<dyn TantivyQuery>> {
        let f = self.fields;
        let rooms = query
            .rooms
            .iter()
            .map(|r| Term::from_field_i64(f.room, r.0));
        let mut filters: Vec<Box<dyn TantivyQuery>> = vec![Box::new(TermSetQuery::new(rooms))];
        if let Some(author) = query.author {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_i64(f.author, author.0),
                IndexRecordOption::Basic,
            )));
        }
        if query.from.is_some() || query.until.is_some() {
            let lower = query.from.map_or(Bound::Unbounded, |t| {
                Bound::Included(Term::from_field_i64(f.at, t.0))
            });
            let upper = query.until.map_or(Bound::Unbounded, |t| {
                Bound::Excluded(Term::from_field_i64(f.at, t.0))
            });
            filters.push(Box::new(RangeQuery::new(lower, upper)));
        }
        filters
    }
}

fn register_analyzer(index: &Index) {
    index.tokenizers().register(
        ANALYZER_NAME,
        TextAnalyzer::from(OurTokenizer(Analyzer::new())),
    );
}

fn position(index: &Index) -> Result<EventSeq, String> {
    let metas = index.load_metas().map_err(|e| e.to_string())?;
    match metas.payload {
        None => Ok(EventSeq(0)),
        Some(payload) => payload
            .parse::<i64>()
            .map(EventSeq)
            .map_err(|_| format!("unreadable index position {payload:?}")),
    }
}

type I64Column = Option<Arc<dyn ColumnValues<i64>>>;

fn column(segment: &SegmentReader, name: &str) -> I64Column {
    segment
        .fast_fields()
        .i64(name)
        .ok()
        .map(|c| c.first_or_default_col(0))
}

impl SearchIndex for TantivyIndex {
    fn apply(&self, changes: &[Change], through: EventSeq) -> Result<(), SearchError> {
        let f = self.fields;
        self.with_writer(|writer| {
            let staged: Result<(), SearchError> = changes.iter().try_for_each(|change| {
                match change {
                    Change::Upsert(d) => {
                        writer.delete_term(Term::from_field_i64(f.message, d.message.0));
                        writer
                            .add_document(doc!(
                                f.message => d.message.0,
                                f.room => d.room.0,
                                f.author => d.author.0,
                                f.at => d.at.0,
                                f.text => d.text.as_str(),
                            ))
                            .map_err(unavailable)?;
                    }
                    Change::Delete(id) => {
                        writer.delete_term(Term::from_field_i64(f.message, id.0));
                    }
                    Change::DeleteRoom(room) => {
                        writer.delete_term(Term::from_field_i64(f.room, room.0));
                    }
                }
                Ok(())
            });
            match staged.and_then(|()| self.commit(writer, through)) {
                Ok(()) => Ok(()),
                Err(error) => {
                    // Drop whatever was staged so the next batch starts from the last commit.
                    let _ = writer.rollback();
                    Err(error)
                }
            }
        })
    }

    fn indexed_through(&self) -> Result<EventSeq, SearchError> {
        Ok(*self.through.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn search(&self, query: &Query) -> Result<Vec<Hit>, SearchError> {
        let Some(stems) = query_stems(&mut analyzer(), &query.terms) else {
            return Ok(Vec::new());
        };
        if stems.is_empty() || query.rooms.is_empty() {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = stems
            .iter()
            .map(|stem| {
                let term = Term::from_field_text(f.text, stem);
                let q: Box<dyn TantivyQuery> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Must, q)
            })
            .collect();
        // Filters narrow without scoring, so ranking is relevance and recency only.
        for filter in self.filters(query) {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let now = query.now;
        let collector = TopDocs::with_limit(query.clamped_limit()).tweak_score(
            move |segment: &SegmentReader| {
                let at = column(segment, "at");
                let message = column(segment, "message");
                move |doc: DocId, score: Score| {
                    let posted = at.as_ref().map_or(0, |c| c.get_val(doc));
                    let id = message.as_ref().map_or(0, |c| c.get_val(doc));
                    (score * recency(now, Timestamp(posted)), id)
                }
            },
        );
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&BooleanQuery::new(clauses), &collector)
            .map_err(unavailable)?;
        Ok(top
            .into_iter()
            .filter(|((_, id), _)| *id > 0)
            .map(|((score, id), _)| Hit {
                message: MessageId(id),
                score,
            })
            .collect())
    }

    fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            writer.delete_all_documents().map_err(unavailable)?;
            self.commit(writer, EventSeq(0))
        })
    }

    fn len(&self) -> Result<u64, SearchError> {
        Ok(self.reader.searcher().num_docs())
    }

    fn park(&self) -> Result<(), SearchError> {
        let parked = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        match parked {
            // Merges the last commits started finish first, so segments still get merged.
            Some(writer) => writer.wait_merging_threads().map_err(unavailable),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_in_the_directory_is_replaced_by_an_empty_index() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meta.json"), "{ not json").unwrap();
        let (index, opened) = TantivyIndex::open(dir.path()).unwrap();
        assert!(matches!(opened, Opened::Replaced(_)), "{opened:?}");
        assert_eq!(index.indexed_through().unwrap(), EventSeq(0));
        assert_eq!(index.len().unwrap(), 0);
    }

    #[test]
    fn a_parked_index_keeps_its_position_and_takes_its_writer_again() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _) = TantivyIndex::open(dir.path()).unwrap();
        index.apply(&[], EventSeq(3)).unwrap();
        index.park().unwrap();
        assert_eq!(index.indexed_through().unwrap(), EventSeq(3));
        assert!(
            TantivyIndex::open(dir.path()).is_err(),
            "still this process's while parked"
        );
        index.apply(&[], EventSeq(4)).unwrap();
        index.park().unwrap();
        index.park().unwrap();
        drop(index);
        let (again, opened) = TantivyIndex::open(dir.path()).unwrap();
        assert_eq!(opened, Opened::Existing);
        assert_eq!(again.indexed_through().unwrap(), EventSeq(4));
    }

    #[test]
    fn a_second_writer_is_refused_not_wiped() {
        let dir = tempfile::tempdir().unwrap();
        let (first, _) = TantivyIndex::open(dir.path()).unwrap();
        first.apply(&[], EventSeq(7)).unwrap();
        assert!(TantivyIndex::open(dir.path()).is_err());
        drop(first);
        let (again, opened) = TantivyIndex::open(dir.path()).unwrap();
        assert_eq!(opened, Opened::Existing);
        assert_eq!(again.indexed_through().unwrap(), EventSeq(7));
    }
}
