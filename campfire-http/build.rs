//! Builds the browser app (`frontend/`) into `$OUT_DIR/frontend`, where `static_files` embeds it,
//! so `cargo run -p campfire-server` on a fresh clone serves the whole app with no extra step.
//!
//! Needs Node.js 20+ and npm. If they are missing the build stops with a message saying so.
//! `CAMPFIRE_SKIP_FRONTEND=1` skips it (the server then serves a page explaining that the app
//! was not built), for Rust-only work.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let frontend = manifest.join("../frontend");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("frontend");
    for watched in [
        "src",
        "public",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "build-plugins.ts",
        "tsconfig.json",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            frontend.join(watched).display()
        );
    }
    println!("cargo:rerun-if-env-changed=CAMPFIRE_SKIP_FRONTEND");

    if std::env::var_os("CAMPFIRE_SKIP_FRONTEND").is_some_and(|v| v == "1") {
        placeholder(
            &out,
            "The browser app was not built (CAMPFIRE_SKIP_FRONTEND=1).",
        );
        return;
    }
    if let Err(problem) = build(&frontend, &out) {
        eprintln!("\nerror: could not build the browser app in frontend/: {problem}\n");
        eprintln!("Campfire embeds its browser app, which needs Node.js 20 or newer with npm.");
        eprintln!(
            "Install them (Debian: `apt-get install nodejs npm`), or set CAMPFIRE_SKIP_FRONTEND=1 to build the server without it.\n"
        );
        std::process::exit(1);
    }
}

fn build(frontend: &Path, out: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let version = Command::new(npm)
        .arg("--version")
        .output()
        .map_err(|_| "npm was not found on PATH".to_owned())?;
    if !version.status.success() {
        return Err("`npm --version` failed".to_owned());
    }
    if !frontend.join("node_modules").is_dir() {
        run(
            Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(frontend),
            "npm ci",
        )?;
    }
    let out_dir = out
        .to_str()
        .ok_or("the build directory is not valid UTF-8")?;
    run(
        Command::new(npm)
            .args(["run", "build", "--", "--outDir", out_dir, "--emptyOutDir"])
            .current_dir(frontend),
        "npm run build",
    )
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("`{what}` could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status})"))
    }
}

fn placeholder(out: &Path, message: &str) {
    let _ = std::fs::create_dir_all(out);
    let page =
        format!("<!doctype html><meta charset=utf-8><title>Campfire</title><p>{message}</p>");
    let _ = std::fs::write(out.join("index.html"), page);
}
