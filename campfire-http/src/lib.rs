//! Campfire's HTTP and WebSocket API.
//!
//! Today this crate holds the closed set of error codes the API answers with; routes, wire types
//! and the live-delivery driver arrive with the chat server.
//!
//! Architecture Invariant: no sea-orm or tantivy here, not even transitively (`cargo xtask
//! layering`): storage and search are reached through the `campfire-store` and
//! `campfire-search` traits.

mod error_code;

pub use error_code::ErrorCode;
