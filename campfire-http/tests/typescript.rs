//! The front end's TypeScript wire types are generated from `wire.rs`; this fails when the
//! committed `frontend/src/api/wire.ts` no longer matches them.
//!
//! To regenerate after changing a wire type: `UPDATE_SNAPSHOTS=1 cargo test -p campfire-http --test typescript`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[test]
fn the_typescript_wire_types_match_the_rust_ones() {
    let generated = campfire_http::wire::typescript();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/src/api/wire.ts");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "frontend/src/api/wire.ts drifted from campfire-http/src/wire.rs; run \
         `UPDATE_SNAPSHOTS=1 cargo test -p campfire-http --test typescript` and commit the result"
    );
}
