//! The full-system integration tests: the real server binary on a loopback port, driven as
//! clients drive it (HTTP, the live socket, the bot API, webhooks, pushes, the CLI, SIGKILL).
//! One test binary, so `cargo test integration` runs exactly these and the build links once;
//! the partition and resume suites stay their own binaries (`--test network_partition`,
//! `--test websocket_recovery`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../common/mod.rs"]
mod common;

#[path = "."]
mod integration {
    mod access_control;
    mod acme;
    mod app_assets;
    mod authorization_matrix;
    mod bad_input;
    mod battery_churn;
    mod battery_crash;
    mod battery_slow;
    mod bot_api;
    mod bot_api_original;
    mod cli_changes;
    mod container;
    mod crash_and_logs;
    mod files;
    mod first_run_host;
    mod history_pages;
    pub mod https;
    mod import;
    mod limits;
    pub mod metrics;
    mod once_fixture;
    mod password_guesses;
    mod previews;
    mod proxy;
    mod push;
    mod revocation;
    mod search;
    mod slow_clients;
    mod soak;
    mod two_users;
    mod version;
    mod webhooks;
}
