//! `campfire-cli import STORAGE`: coming over from ONCE Campfire (X6). `run` reads the
//! original's storage through `campfire_store::once`, turns each row into ours with the
//! original's ids, and writes a new database that replaces the data directory's only once it is
//! complete. The parsers it reads with — mention SGIDs, stored times, Action Text bodies — are
//! pure and fuzzed.

pub mod rich_text;
pub mod run;
pub mod sgid;
pub mod time;
