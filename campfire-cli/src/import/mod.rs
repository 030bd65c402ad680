//! `campfire-cli import STORAGE`: coming over from ONCE Campfire (X6). `run` reads the
//! original's storage through `campfire_store::once`, turns each row into ours with the
//! original's ids, and writes a new database that replaces the data directory's only once it is
//! complete. Files, avatars and the logo are copied by `files` into a blob store that moves into
//! place with the database. Stored times are parsed here; Action Text bodies and their mention SGIDs by
//! `campfire_domain::action_text`, which the bot API shares. The parsers are pure and fuzzed.

mod files;
pub mod run;
pub mod time;
