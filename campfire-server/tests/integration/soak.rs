//! The reliability battery's sizes and its report (quality.md, "Reliability battery").
//!
//! `cargo test` runs every battery item small, as CI does. `cargo xtask soak` runs them large
//! (`CAMPFIRE_SOAK=1`) and collects what each item reports (`CAMPFIRE_SOAK_REPORT`, one JSON
//! line per item) into RELIABILITY.md.

use std::io::Write;

use serde_json::json;

/// Whether this is the large run.
pub fn large() -> bool {
    std::env::var("CAMPFIRE_SOAK").is_ok_and(|v| v == "1")
}

/// `small` in CI, `large` under `cargo xtask soak`.
pub fn size(small: usize, large: usize) -> usize {
    if self::large() { large } else { small }
}

/// What one battery item tried, what held and what was lost, for RELIABILITY.md. Printed
/// always; appended to the soak report when there is one.
pub fn report(item: u8, name: &str, tried: &str, held: &str, lost: &str) {
    println!("battery item {item} ({name}): tried {tried}; held: {held}; lost: {lost}");
    let Ok(path) = std::env::var("CAMPFIRE_SOAK_REPORT") else {
        return;
    };
    let line = json!({ "item": item, "name": name, "tried": tried, "held": held, "lost": lost });
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("the soak report {path}: {e}"));
    writeln!(file, "{line}").unwrap();
}
