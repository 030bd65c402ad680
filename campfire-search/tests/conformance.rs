//! One suite, every index: what a person searching would check, run against [`MemoryIndex`]
//! and [`TantivyIndex`] (in RAM and on disk).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use campfire_domain::{EventSeq, MessageId, RoomId, Timestamp, UserId};
use campfire_search::{
    Change, Document, MAX_RESULTS, MemoryIndex, Query, SearchIndex, TantivyIndex, Terms,
};

const DAY: i64 = 86_400_000;
const NOW: Timestamp = Timestamp(1_800_000_000_000);

fn doc(id: i64, room: i64, author: i64, days_ago: i64, text: &str) -> Change {
    Change::Upsert(Document {
        message: MessageId(id),
        room: RoomId(room),
        author: UserId(author),
        at: Timestamp(NOW.0 - days_ago * DAY),
        text: text.into(),
    })
}

fn query(typed: &str, rooms: &[i64]) -> Query {
    Query::new(
        Terms::parse(typed),
        rooms.iter().map(|r| RoomId(*r)).collect(),
        NOW,
    )
}

fn ids(index: &dyn SearchIndex, query: &Query) -> Vec<i64> {
    index
        .search(query)
        .unwrap()
        .into_iter()
        .map(|h| h.message.0)
        .collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

fn seed(index: &dyn SearchIndex) {
    index
        .apply(
            &[
                doc(1, 1, 10, 5, "Deploying the new release tonight"),
                doc(2, 1, 11, 4, "The release notes are ready"),
                doc(3, 2, 10, 3, "Lunch? The cafés downtown deploy salads"),
                doc(4, 3, 12, 2, "Secret release plans in a closed room"),
                doc(5, 1, 11, 1, "nothing to see here"),
            ],
            EventSeq(5),
        )
        .unwrap();
}

fn finds_every_form_of_every_word(index: &dyn SearchIndex) {
    seed(index);
    assert_eq!(sorted(ids(index, &query("deploys", &[1, 2, 3]))), [1, 3]);
    assert_eq!(sorted(ids(index, &query("RELEASE", &[1, 2, 3]))), [1, 2, 4]);
    // Every word must match.
    assert_eq!(ids(index, &query("release notes", &[1, 2, 3])), [2]);
    assert!(ids(index, &query("release zebra", &[1, 2, 3])).is_empty());
    assert_eq!(ids(index, &query("café", &[1, 2, 3])), [3]);
}

fn only_the_given_rooms_match(index: &dyn SearchIndex) {
    seed(index);
    assert_eq!(sorted(ids(index, &query("release", &[1]))), [1, 2]);
    assert!(
        ids(index, &query("release", &[])).is_empty(),
        "no rooms, no results"
    );
    assert!(ids(index, &query("secret", &[1, 2])).is_empty());
    assert_eq!(ids(index, &query("secret", &[3])), [4]);
}

fn filters_by_author_and_date(index: &dyn SearchIndex) {
    seed(index);
    let mut by_author = query("release", &[1, 2, 3]);
    by_author.author = Some(UserId(11));
    assert_eq!(ids(index, &by_author), [2]);

    let mut dated = query("release", &[1, 2, 3]);
    dated.from = Some(Timestamp(NOW.0 - 4 * DAY));
    assert_eq!(sorted(ids(index, &dated)), [2, 4]);
    dated.until = Some(Timestamp(NOW.0 - 2 * DAY));
    assert_eq!(ids(index, &dated), [2], "until is exclusive");
}

fn edits_replace_and_deletes_remove(index: &dyn SearchIndex) {
    seed(index);
    index
        .apply(
            &[
                doc(2, 1, 11, 4, "The changelog is ready"),
                Change::Delete(MessageId(1)),
            ],
            EventSeq(7),
        )
        .unwrap();
    assert!(ids(index, &query("release", &[1])).is_empty());
    assert_eq!(ids(index, &query("changelog", &[1])), [2]);
    assert_eq!(index.len().unwrap(), 4, "an edit does not duplicate");

    index
        .apply(&[Change::DeleteRoom(RoomId(3))], EventSeq(8))
        .unwrap();
    assert!(ids(index, &query("secret", &[3])).is_empty());
    // Deleting what is not there is harmless (batches may be replayed).
    index
        .apply(&[Change::Delete(MessageId(1))], EventSeq(9))
        .unwrap();
    assert_eq!(index.indexed_through().unwrap(), EventSeq(9));
}

fn ranks_by_relevance_and_recency(index: &dyn SearchIndex) {
    index
        .apply(
            &[
                doc(1, 1, 10, 60, "standup moved"),
                doc(2, 1, 10, 0, "standup moved"),
                doc(3, 1, 10, 30, "standup moved"),
                doc(4, 2, 10, 1, "deploy deploy deploy, yes deploy"),
                doc(
                    5,
                    2,
                    10,
                    1,
                    "we talked about many things and one was to deploy it",
                ),
            ],
            EventSeq(5),
        )
        .unwrap();
    assert_eq!(
        ids(index, &query("standup", &[1])),
        [2, 3, 1],
        "newer first"
    );
    assert_eq!(
        ids(index, &query("deploy", &[2])),
        [4, 5],
        "more relevant first"
    );
    let hits = index.search(&query("standup", &[1])).unwrap();
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

fn the_position_commits_with_the_changes(index: &dyn SearchIndex) {
    assert_eq!(index.indexed_through().unwrap(), EventSeq(0));
    seed(index);
    assert_eq!(index.indexed_through().unwrap(), EventSeq(5));
    index.apply(&[], EventSeq(12)).unwrap();
    assert_eq!(index.indexed_through().unwrap(), EventSeq(12));
    index.clear().unwrap();
    assert_eq!(index.indexed_through().unwrap(), EventSeq(0));
    assert!(index.is_empty().unwrap());
    assert!(ids(index, &query("release", &[1, 2, 3])).is_empty());
}

fn odd_queries_find_what_they_can_and_never_fail(index: &dyn SearchIndex) {
    seed(index);
    let all = [1, 2, 3];
    assert_eq!(ids(index, &query("\"release notes\"", &all)), [2]);
    assert_eq!(
        ids(index, &query("release AND notes", &[1])).len(),
        0,
        "AND is a word"
    );
    assert_eq!(ids(index, &query("notes*", &all)), [2]);
    assert_eq!(ids(index, &query("room:1 notes", &all)).len(), 0);
    for typed in ["", "*", "🔥", "\"", ":", "((", &"x".repeat(10_240)] {
        assert!(ids(index, &query(typed, &all)).is_empty(), "{typed:.20}");
    }
}

fn results_are_bounded(index: &dyn SearchIndex) {
    let many: Vec<Change> = (1..=150).map(|i| doc(i, 1, 10, i % 7, "ping")).collect();
    index.apply(&many, EventSeq(150)).unwrap();
    let mut q = query("ping", &[1]);
    q.limit = 10;
    assert_eq!(ids(index, &q).len(), 10);
    q.limit = 10_000;
    assert_eq!(ids(index, &q).len(), MAX_RESULTS);
}

macro_rules! suite {
    ($module:ident, $make:expr) => {
        mod $module {
            use super::*;
            suite!(@cases $make =>
                finds_every_form_of_every_word,
                only_the_given_rooms_match,
                filters_by_author_and_date,
                edits_replace_and_deletes_remove,
                ranks_by_relevance_and_recency,
                the_position_commits_with_the_changes,
                odd_queries_find_what_they_can_and_never_fail,
                results_are_bounded
            );
        }
    };
    (@cases $make:expr => $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                let (index, _guard) = $make;
                super::$case(&*index);
            }
        )*
    };
}

suite!(
    memory,
    (Box::new(MemoryIndex::new()) as Box<dyn SearchIndex>, ())
);
suite!(
    tantivy_in_ram,
    (
        Box::new(TantivyIndex::in_ram().unwrap()) as Box<dyn SearchIndex>,
        ()
    )
);
suite!(tantivy_on_disk, {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = TantivyIndex::open(dir.path()).unwrap();
    (Box::new(index) as Box<dyn SearchIndex>, dir)
});
