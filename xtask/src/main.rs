//! Project automation for Campfire, run as `cargo xtask <command>`.
//!
//! Kept nearly dependency-free so it builds fast and never becomes a reason
//! for CI to be slow or flaky: `anyhow`, plus the domain's sound list and the
//! LAME MP3 encoder for `assets`.

mod bench;
mod ci;
mod layering;
mod soak;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci         fmt check, layering check, clippy and tests, failing fast
  layering   check that crates do not depend on forbidden crates
  bench      build the release server and run the benchmark (quality.md's scenarios):
             a table on stdout, JSON in target/bench/latest.json
             (--quick: every scenario small, against the debug server, in under a
             minute; --only idle,connections,fanout,durable,store,restart)
  soak       the reliability battery (quality.md items 1-7), large: writes RELIABILITY.md
             (--only=1,5: some items; cargo test runs them all small)
  assets     synthesise the /play sounds into assets/sounds/*.mp3
             (--check: fail if they are out of date; --report: describe each)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["ci"] => workspace_root().and_then(|root| ci::run(&root)),
        ["bench", rest @ ..] => workspace_root().and_then(|root| bench::run(&root, rest)),
        ["soak", rest @ ..] => workspace_root().and_then(|root| soak::run(&root, rest)),
        ["layering"] => workspace_root().and_then(|root| layering::check(&root)),
        ["assets", rest @ ..] => workspace_root().and_then(|root| xtask::assets::run(&root, rest)),
        ["help" | "-h" | "--help"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line, e.g.
            // "ci step `clippy` failed: `cargo clippy ...` exited with ...".
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask's manifest lives one directory below it.
pub fn workspace_root() -> Result<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .context("xtask's manifest directory has no parent")
}

/// A `cargo` command running in the workspace root.
///
/// Prefers `$CARGO` (set by `cargo run` and `cargo test`) so nested commands
/// use the same toolchain that launched xtask.
pub fn cargo(root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root);
    cmd
}
