//! The hub's coordination under failure, as transcripts: timed inputs (connects, drops,
//! revocations, resumes, silent connections) and the outputs they produce. `cargo test
//! coordination` runs these with the randomised property test in `tests/properties.rs`.

mod script;
mod transcripts;
