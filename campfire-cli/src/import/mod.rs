//! `campfire-cli import`: coming over from ONCE Campfire (X6). So far the parsers of the
//! original's storage, each fuzzed: mention SGIDs, stored times and Action Text bodies. The
//! command that reads a `storage/` folder through them is the rest of issue 16.

pub mod rich_text;
pub mod sgid;
pub mod time;
