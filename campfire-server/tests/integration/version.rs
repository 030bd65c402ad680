//! `campfire-server --version` names the release and the commit it was built from (O2), so an
//! operator can tell exactly what is running.

use std::process::Command;

#[test]
fn version_names_the_release_and_the_commit() {
    let output = Command::new(env!("CARGO_BIN_EXE_campfire-server"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let expected = format!("campfire-server {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let commit = text
        .trim_end()
        .strip_prefix(&expected)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{text}"));
    // Built from a git checkout here, so the commit is known: 12 hex digits.
    assert_eq!(commit.len(), 12, "{text}");
    assert!(commit.chars().all(|c| c.is_ascii_hexdigit()), "{text}");
}
