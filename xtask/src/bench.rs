//! `cargo xtask bench`: builds the server and the load generator (`campfire-bench`, behind the
//! `bench` feature so the default xtask build stays light) and runs it.
//!
//! Full runs use the release server and a release generator. `--quick` (CI) uses the debug
//! server the e2e step already built and a debug generator: it proves the harness works and
//! judges no time.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Runs the benchmark; `args` are passed on to `campfire-bench`.
pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let quick = args.contains(&"--quick");
    let profile: &[&str] = if quick { &[] } else { &["--release"] };
    let dir = if quick { "debug" } else { "release" };
    let mut build = crate::cargo(root);
    build
        .args(["build", "--locked", "-p", "campfire-server"])
        .args(profile);
    status(&mut build, "building the server")?;
    let mut gen_build = crate::cargo(root);
    gen_build
        .args(["build", "--locked", "-p", "xtask", "--features", "bench"])
        .args(["--bin", "campfire-bench"])
        .args(profile);
    status(&mut gen_build, "building campfire-bench")?;

    let target = root.join("target");
    let out = target.join("bench");
    std::fs::create_dir_all(&out)?;
    let server = target.join(dir).join("campfire-server");
    let generator = target.join(dir).join("campfire-bench");
    let json = out.join(if quick { "quick.json" } else { "latest.json" });
    // 10,000 clients and as many server sockets: raise the soft open-files limit to the hard
    // one for both processes (the server inherits it).
    let mut bench = Command::new("bash");
    bench
        .arg("-c")
        .arg("ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"")
        .arg("campfire-bench")
        .arg(&generator)
        .arg("--server")
        .arg(&server)
        .arg("--json")
        .arg(&json)
        .arg("--work")
        .arg(out.join("work"))
        .args(args.iter().filter(|a| **a != "--release"))
        .current_dir(root);
    status(&mut bench, "the benchmark")?;
    let _ = std::fs::remove_dir_all(out.join("work"));
    Ok(())
}

fn status(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("could not start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
