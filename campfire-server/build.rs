//! Link flags of the server binary, and the commit it is built from for `--version`:
//! `CAMPFIRE_COMMIT` when the build sets it (a container build has no `.git`), else
//! `git rev-parse`, else "unknown" — a build never fails for want of git.

use std::process::Command;

fn main() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        // Idle memory: a position-independent binary carries ~38,000 relative relocations
        // (0.9 MB of `.rela.dyn`) that the loader reads, and so pages in, at every start. Packed
        // (DT_RELR, glibc ≥ 2.36, binutils ≥ 2.38) they take a few kilobytes; the binary stays
        // position-independent (ASLR).
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    commit();
}

fn commit() {
    println!("cargo:rerun-if-env-changed=CAMPFIRE_COMMIT");
    // A new commit or checkout moves HEAD (or the branch it names): rebuild the version then.
    for watched in ["../.git/HEAD", "../.git/refs/heads", "../.git/packed-refs"] {
        if std::path::Path::new(watched).exists() {
            println!("cargo:rerun-if-changed={watched}");
        }
    }
    let commit = std::env::var("CAMPFIRE_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CAMPFIRE_COMMIT={}", commit.trim());
}

fn git_commit() -> Option<String> {
    let output = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
        .filter(|c| !c.trim().is_empty())
}
