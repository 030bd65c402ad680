//! Builds a tantivy index of N generated messages in a temporary directory and times one-word
//! searches scoped to a user's rooms: a quick look at the index alone, without the server
//! (`cargo xtask bench` measures the real thing end to end).
//!
//! `cargo run --release -p campfire-search --example million -- 1000000`

use std::time::Instant;

use campfire_domain::{EventSeq, MessageId, RoomId, Timestamp, UserId};
use campfire_search::{Change, Document, Query, SearchIndex, TantivyIndex, Terms};

const WORDS: &[&str] = &[
    "deploy", "release", "lunch", "meeting", "standup", "review", "budget", "design", "customer",
    "invoice", "server", "backup", "launch", "coffee", "weekend", "roadmap", "bug", "fix",
    "ticket", "sprint", "demo", "party", "travel", "report", "metrics", "hiring", "office",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let (index, _) = TantivyIndex::open(dir.path())?;
    let started = Instant::now();
    let mut seed: u64 = 42;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let batch = 50_000;
    let mut id = 0i64;
    while id < n {
        let changes: Vec<Change> = (0..batch.min(n - id))
            .map(|_| {
                id += 1;
                let text: Vec<&str> = (0..8)
                    .filter_map(|_| WORDS.get((next() % WORDS.len() as u64) as usize).copied())
                    .collect();
                Change::Upsert(Document {
                    message: MessageId(id),
                    room: RoomId((next() % 100) as i64 + 1),
                    author: UserId((next() % 1000) as i64 + 1),
                    at: Timestamp(1_700_000_000_000 + id * 1000),
                    text: format!("{} number {id}", text.join(" ")),
                })
            })
            .collect();
        index.apply(&changes, EventSeq(id))?;
    }
    println!("indexed {n} messages in {:.1?}", started.elapsed());

    let rooms: Vec<RoomId> = (1..=10).map(RoomId).collect();
    let now = Timestamp(1_700_000_000_000 + n * 1000);
    for word in ["deploy", "hiring", "zebra"] {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..200 {
            let started = Instant::now();
            hits = index
                .search(&Query::new(Terms::parse(word), rooms.clone(), now))?
                .len();
            times.push(started.elapsed());
        }
        times.sort();
        let at = |q: usize| {
            times
                .get(times.len() * q / 100)
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{word:>8}: {hits} hits, p50 {:.2?}, p99 {:.2?}",
            at(50),
            at(99)
        );
    }
    Ok(())
}
