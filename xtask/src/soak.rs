//! `cargo xtask soak`: the reliability battery (quality.md items 1–7), large, on demand.
//!
//! `cargo test` (and so CI) runs every item small. Here the items that scale run with
//! `CAMPFIRE_SOAK=1` (hundreds of SIGKILL rounds, a thousand churning clients, floods of slow
//! clients), the property tests with many more cases, and the XSS corpus in Chromium; what the
//! tests report (`CAMPFIRE_SOAK_REPORT`, a JSON line per item) and what ran and passed go into
//! RELIABILITY.md, as BENCHMARKS.md holds the benchmark's figures.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Cases per property in the large run (proptest's default is 256).
const PROPTEST_CASES: u32 = 20_000;

/// One run of tests that belongs to a battery item.
struct Run {
    item: u8,
    /// What it shows, for the report.
    what: &'static str,
    /// `cargo test --locked --workspace` arguments: test targets, then `--` and name filters.
    cargo: &'static [&'static str],
}

/// Every battery item's tests. A filter names test modules or functions.
const RUNS: &[Run] = &[
    Run {
        item: 1,
        what: "random SIGKILL rounds: posters, a listening socket, webhook calls and pushes queued",
        cargo: &["--test", "integration", "--", "battery_crash"],
    },
    Run {
        item: 1,
        what: "SIGKILL under writers, retries by client id, queued deliveries and pushes across a crash",
        cargo: &[
            "--test",
            "integration",
            "--",
            "acknowledged_messages_survive_sigkill",
            "queued_deliveries_survive_a_crash",
            "pushes_queued_at_a_crash",
        ],
    },
    Run {
        item: 1,
        what: "the store killed mid-commit (group commit): acknowledged posts and the log agree",
        cargo: &["--test", "sqlite_crash"],
    },
    Run {
        item: 2,
        what: "clients in many rooms dropping and resuming, some past the replay window",
        cargo: &["--test", "integration", "--", "battery_churn"],
    },
    Run {
        item: 2,
        what: "resume at random moments and across restarts; network partitions",
        cargo: &[
            "--test",
            "websocket_recovery",
            "--test",
            "network_partition",
        ],
    },
    Run {
        item: 3,
        what: "the generated matrix (every listed route × caller × room kind × foreign id), access control, revocation every way, the upgrade/sign-out race",
        cargo: &[
            "--test",
            "integration",
            "--",
            "authorization_matrix",
            "access_control",
            "revocation",
        ],
    },
    Run {
        item: 3,
        what: "the policy table, every role × room kind × membership × action",
        cargo: &["--lib", "--", "policy::"],
    },
    Run {
        item: 4,
        what: "property tests (fuzzing) of mentions, /play, codes, names, direct-room keys",
        cargo: &[
            "--lib",
            "--",
            "mention::",
            "play::",
            "codes::",
            "names::",
            "direct::",
        ],
    },
    Run {
        item: 4,
        what: "property tests (fuzzing) of the JSON body and frame decoders and the sanitiser",
        cargo: &["--lib", "--", "body::", "sanitize::"],
    },
    Run {
        item: 4,
        what: "property tests (fuzzing) of the search query",
        cargo: &["--lib", "--", "fuzzing::", "terms::"],
    },
    Run {
        item: 4,
        what: "property tests (fuzzing) of the import's parsers: mention SGIDs, stored times, Action Text bodies",
        cargo: &["--bins", "--", "import::"],
    },
    Run {
        item: 4,
        what: "malformed requests and frames at the edge: 4xx, never a 500, nothing half-written",
        cargo: &["--test", "integration", "--", "bad_input"],
    },
    Run {
        item: 5,
        what: "never-reading sockets, silent and dribbling connections, focus and typing floods at once",
        cargo: &[
            "--test",
            "integration",
            "--",
            "battery_slow",
            "slow_clients",
            "limits",
        ],
    },
    Run {
        item: 6,
        what: "the outbound guard: private and obfuscated addresses, a name rebinding after the check, redirects",
        cargo: &["--lib", "--", "outbox::guard"],
    },
    Run {
        item: 6,
        what: "webhooks and pushes: private targets, proxies ignored, endless replies, loopback names",
        cargo: &["--test", "integration", "--", "webhooks", "push::"],
    },
    Run {
        item: 7,
        what: "sign-in links voided (F3), Secure cookies over TLS and behind a proxy (F12), first run from a foreign name (R3), password guesses (F7, R5)",
        cargo: &[
            "--test",
            "integration",
            "--",
            "voids",
            "https",
            "proxy",
            "first_run_host",
            "password_guesses",
        ],
    },
    Run {
        item: 7,
        what: "pruning of idle sessions, used sign-in links and old bans (R6), per store",
        cargo: &["--tests", "--", "prune"],
    },
];

const ITEMS: &[(u8, &str)] = &[
    (1, "crash"),
    (2, "churn"),
    (3, "authorization"),
    (4, "hostile input"),
    (5, "slow and broken clients"),
    (6, "outbound"),
    (7, "sessions"),
];

/// What one run did.
struct Outcome {
    item: u8,
    what: &'static str,
    command: String,
    passed: usize,
    ok: bool,
    seconds: f64,
    /// What it reported of itself, for a bullet of its own (the XSS corpus's counts).
    detail: Option<String>,
}

/// Runs the battery large and writes RELIABILITY.md.
pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let mut only: Option<Vec<u8>> = None;
    for arg in args {
        match arg.strip_prefix("--only=") {
            Some(list) => {
                only = Some(
                    list.split(',')
                        .map(|n| n.parse().context("--only=1,2,… takes item numbers"))
                        .collect::<Result<_>>()?,
                )
            }
            None => bail!("unknown argument {arg}; usage: cargo xtask soak [--only=1,5]"),
        }
    }
    let wanted = |item: u8| only.as_ref().is_none_or(|o| o.contains(&item));
    let dir = root.join("target/soak");
    std::fs::create_dir_all(&dir)?;
    let report = dir.join("report.jsonl");
    let _ = std::fs::remove_file(&report);

    let started = Instant::now();
    let mut outcomes = Vec::new();
    for run in RUNS.iter().filter(|r| wanted(r.item)) {
        println!("== xtask soak: item {}: {} ==", run.item, run.what);
        let began = Instant::now();
        let mut cmd = crate::cargo(root);
        // Always the whole workspace (selecting tests by target and name): a `-p` build unifies
        // features differently and would rebuild half the dependency tree between runs.
        cmd.args(["test", "--locked", "--workspace"])
            .args(run.cargo)
            .env("CAMPFIRE_SOAK", "1")
            .env("CAMPFIRE_SOAK_REPORT", &report)
            .env("PROPTEST_CASES", PROPTEST_CASES.to_string());
        if run.cargo.contains(&"--") {
            cmd.arg("--nocapture");
        } else {
            cmd.args(["--", "--nocapture"]);
        }
        let output = cmd
            .stderr(Stdio::inherit())
            .output()
            .context("failed to start cargo test")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        outcomes.push(Outcome {
            item: run.item,
            what: run.what,
            command: format!("cargo test --locked --workspace {}", run.cargo.join(" ")),
            passed: passed(&stdout),
            ok: output.status.success(),
            seconds: began.elapsed().as_secs_f64(),
            detail: None,
        });
    }
    let xss = if wanted(4) { Some(xss(root)?) } else { None };

    let reported = std::fs::read_to_string(&report).unwrap_or_default();
    let mut text = render(
        &outcomes,
        xss.as_ref(),
        &reported,
        started.elapsed().as_secs_f64(),
    );
    if only.is_some() {
        // Items not run keep what the last run said of them.
        let previous = std::fs::read_to_string(root.join("RELIABILITY.md")).unwrap_or_default();
        text = merge(&text, &previous, &wanted);
    }
    std::fs::write(root.join("RELIABILITY.md"), text)?;
    println!("== xtask soak: RELIABILITY.md written ==");
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.ok)
        .map(|o| format!("item {}: {}", o.item, o.command))
        .chain(
            xss.iter()
                .filter(|x| !x.ok)
                .map(|x| format!("item 4: {}", x.command)),
        )
        .collect();
    if !failed.is_empty() {
        bail!("the battery failed:\n  {}", failed.join("\n  "));
    }
    Ok(())
}

/// The XSS corpus rendered in Chromium against the debug server.
fn xss(root: &Path) -> Result<Outcome> {
    println!("== xtask soak: item 4: the XSS corpus in Chromium ==");
    let began = Instant::now();
    // The test runs above built it (the integration tests start it), with the same features.
    let server = root.join("target/debug/campfire-server");
    if !server.exists() {
        bail!(
            "{} is missing: item 4's Rust tests build it",
            server.display()
        );
    }
    let output = Command::new("bash")
        .arg(root.join("frontend/e2e/run.sh"))
        .arg(&server)
        .arg("xss")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("failed to start frontend/e2e/run.sh")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    // The script's summary: payloads sent and rendered per channel, what the reader did, and
    // what ran.
    let summary: Vec<String> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('✓') && !l.ends_with(':'))
        .filter(|l| {
            l.contains(" → ") || l.starts_with("links hovered") || l.starts_with("__xss calls")
        })
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    Ok(Outcome {
        item: 4,
        what: "the XSS corpus rendered in Chromium through every channel text reaches the page",
        command: "frontend/e2e/run.sh target/debug/campfire-server xss".to_owned(),
        detail: Some(format!(
            "**XSS corpus in Chromium**: {}.",
            summary.join("; ")
        )),
        passed: stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("e2e: "))
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        ok: output.status.success(),
        seconds: began.elapsed().as_secs_f64(),
    })
}

/// Tests passed, summed over libtest's `test result:` lines and the `N passed, M failed` lines
/// of our own harnesses (`sqlite_crash`).
fn passed(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| match l.strip_prefix("test result: ") {
            Some(rest) => rest.split(". ").nth(1),
            None => l.contains(" passed, ").then_some(l),
        })
        .filter_map(|l| l.split(' ').next())
        .filter_map(|n| n.parse::<usize>().ok())
        .sum()
}

/// A field of a reported JSON line (the report is ours: flat strings and a number).
fn field(line: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\":");
    let start = line.find(&key)? + key.len();
    let rest = line.get(start..)?.trim_start();
    if let Some(rest) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => out.push(chars.next()?),
                c => out.push(c),
            }
        }
        None
    } else {
        Some(rest.split([',', '}']).next()?.trim().to_owned())
    }
}

/// `fresh`'s sections for the items run, `previous`'s for the others, in item order.
fn merge(fresh: &str, previous: &str, ran: &dyn Fn(u8) -> bool) -> String {
    let sections = |text: &str| -> (String, BTreeMap<u8, String>) {
        let mut parts = text.split("\n## ");
        let head = parts.next().unwrap_or_default().to_owned();
        let items = parts
            .filter_map(|part| {
                let item: u8 = part.split('.').next()?.parse().ok()?;
                Some((item, format!("\n## {part}")))
            })
            .collect();
        (head, items)
    };
    let (head, fresh) = sections(fresh);
    let (_, mut all) = sections(previous);
    all.retain(|item, _| !ran(*item));
    all.extend(fresh);
    let mut text = head.trim_end().to_owned();
    text.push_str(" Items not in the latest run keep the text of the run before.\n");
    for section in all.values() {
        text.push_str(section);
    }
    text
}

fn render(outcomes: &[Outcome], xss: Option<&Outcome>, reported: &str, seconds: f64) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# Reliability\n");
    let _ = writeln!(
        text,
        "Written by `cargo xtask soak` (the large battery of quality.md, items 1–7); `cargo test` runs the same items small. \
         A run took {:.0} s. Each item lists what its tests tried, what held and what was lost, as they reported it, and every test run with how many tests passed.\n",
        seconds
    );
    for (item, name) in ITEMS {
        let runs: Vec<&Outcome> = outcomes
            .iter()
            .chain(xss.filter(|x| x.item == *item))
            .filter(|o| o.item == *item)
            .collect();
        if runs.is_empty() {
            continue;
        }
        let ok = runs.iter().all(|o| o.ok);
        let _ = writeln!(
            text,
            "## {item}. {name}: {}\n",
            if ok { "held" } else { "FAILED" }
        );
        for line in reported.lines() {
            if field(line, "item").as_deref() == Some(&item.to_string()) {
                let _ = writeln!(
                    text,
                    "- **{}**: tried {}. Held: {}. Lost: {}.",
                    field(line, "name").unwrap_or_default(),
                    field(line, "tried").unwrap_or_default(),
                    field(line, "held").unwrap_or_default(),
                    field(line, "lost").unwrap_or_default()
                );
            }
        }
        if let Some(detail) = xss
            .filter(|x| x.item == *item)
            .and_then(|x| x.detail.as_ref())
        {
            let _ = writeln!(text, "- {detail}");
        }
        if *item == 4 {
            let _ = writeln!(text, "- Property tests ran {PROPTEST_CASES} cases each.");
        }
        let _ = writeln!(
            text,
            "\n| what | passed | time | result | command |\n|---|---|---|---|---|"
        );
        for run in runs {
            let _ = writeln!(
                text,
                "| {} | {} | {:.0} s | {} | `{}` |",
                run.what,
                run.passed,
                run.seconds,
                if run.ok { "ok" } else { "failed" },
                run.command
            );
        }
        let _ = writeln!(text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_of_a_reported_line() {
        let line =
            r#"{"held":"all \"ok\"","item":5,"lost":"nothing","name":"slow","tried":"8 sockets"}"#;
        assert_eq!(field(line, "item").as_deref(), Some("5"));
        assert_eq!(field(line, "held").as_deref(), Some("all \"ok\""));
        assert_eq!(field(line, "tried").as_deref(), Some("8 sockets"));
        assert_eq!(field(line, "missing"), None);
    }

    #[test]
    fn a_partial_run_keeps_the_other_items() {
        let previous =
            "# R\n\nhead\n\n## 1. crash: held\n\nold one\n\n## 2. churn: FAILED\n\nold two\n";
        let fresh = "# R\n\nnew head\n\n## 2. churn: held\n\nnew two\n";
        let merged = merge(fresh, previous, &|item| item == 2);
        assert!(merged.contains("new head"));
        assert!(merged.contains("old one"));
        assert!(merged.contains("new two") && !merged.contains("old two"));
        assert!(merged.find("1. crash") < merged.find("2. churn"));
    }

    #[test]
    fn adds_up_passed_tests() {
        let out = "test result: ok. 3 passed; 0 failed; 0 ignored\nnoise\ntest result: ok. 4 passed; 0 failed\n8 passed, 0 failed";
        assert_eq!(passed(out), 15);
    }
}
