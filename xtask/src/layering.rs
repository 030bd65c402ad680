//! Layering check: inner crates must not pull in I/O and infrastructure crates, and a few
//! things happen in one place only (SQL, the wall clock, randomness).
//!
//! The crate rules are a const table checked against `cargo tree` (normal and build
//! edges only: dev-dependencies may use anything for testing). The source rules are a const
//! table checked against the product's `src/` files (tests and xtask may do as they need).
//! Parsing and checking are pure functions so the rules themselves are unit tested.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// A crate that must not depend on any of `forbidden`, and why.
#[derive(Debug)]
pub struct Rule {
    /// The package the rule applies to; it must be a workspace member.
    pub krate: &'static str,
    /// Package names the crate must not depend on.
    pub forbidden: &'static [&'static str],
    /// Short reason shown with every violation.
    pub reason: &'static str,
}

/// Runtime, network, database, search and serialization crates.
const IO_CRATES: &[&str] = &[
    "tokio",
    "hyper",
    "sea-orm",
    "rusqlite",
    "tantivy",
    "serde_json",
];

/// The layering rules of the workspace.
pub const RULES: &[Rule] = &[
    Rule {
        krate: "campfire-domain",
        forbidden: IO_CRATES,
        reason: "the domain performs no I/O",
    },
    Rule {
        krate: "campfire-coord",
        forbidden: IO_CRATES,
        reason: "coordination is sans-IO",
    },
    // Transitive: campfire-http uses campfire-store and campfire-search with their default
    // features off (traits and in-memory adapters only), so no path reaches the engines.
    Rule {
        krate: "campfire-http",
        forbidden: &["sea-orm", "rusqlite", "tantivy"],
        reason: "HTTP uses storage and search only through campfire-store and campfire-search",
    },
    // The search index sees messages only through the store's port (the indexer reads the log
    // and message text in batches): never a database of its own.
    Rule {
        krate: "campfire-search",
        forbidden: &["sea-orm", "rusqlite", "hyper"],
        reason: "search reads messages only through the campfire-store port",
    },
    Rule {
        krate: "campfire-cli",
        forbidden: &["hyper"],
        reason: "the admin CLI works on the store, not over HTTP",
    },
];

/// Text that may appear in the product's source only under `allowed` paths, and why.
pub struct SourceRule {
    /// What the rule keeps in one place.
    pub what: &'static str,
    /// Any of these in a line of source is an occurrence.
    pub needles: &'static [&'static str],
    /// Path prefixes, relative to the workspace root, where it may occur.
    pub allowed: &'static [&'static str],
    /// Why.
    pub reason: &'static str,
}

/// The source rules of the workspace.
pub const SOURCE_RULES: &[SourceRule] = &[
    SourceRule {
        what: "SQL",
        needles: &[
            "\"SELECT ",
            "\"INSERT ",
            "\"UPDATE ",
            "\"DELETE FROM",
            "\"CREATE ",
            "\"DROP ",
            "\"ALTER ",
        ],
        allowed: &[
            "campfire-store/src/sql/",
            "campfire-store/src/sqlite/",
            "migrations/src/",
        ],
        reason: "statements belong to the store (campfire_store::sql, and the adapters' own pragmas and transactions) and the migrations; the rules above them are code",
    },
    SourceRule {
        what: "a statement built",
        needles: &[
            "Query::select()",
            "Query::insert()",
            "Query::update()",
            "Query::delete()",
        ],
        allowed: &["campfire-store/src/sql/"],
        reason: "statements are written once, in campfire_store::sql, and rendered for each adapter's dialect",
    },
    SourceRule {
        what: "the wall clock",
        needles: &["SystemTime::now"],
        allowed: &["campfire-store/src/app/clock.rs"],
        reason: "use cases read time through campfire_store::app::Clock, so tests can set it",
    },
    SourceRule {
        what: "randomness",
        needles: &["getrandom::"],
        allowed: &["campfire-store/src/app/random.rs"],
        reason: "every token, code, salt and key is drawn in campfire_store::app::random",
    },
];

/// One message per line of `source` (the file at `path`) that breaks `rule`.
pub fn source_violations(rule: &SourceRule, path: &str, source: &str) -> Vec<String> {
    if rule.allowed.iter().any(|prefix| path.starts_with(prefix)) {
        return Vec::new();
    }
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| rule.needles.iter().any(|needle| line.contains(needle)))
        .map(|(i, _)| {
            format!(
                "{path}:{}: {} outside {} ({})",
                i + 1,
                rule.what,
                rule.allowed.join(", "),
                rule.reason
            )
        })
        .collect()
}

/// The product's source files: `src/` of every campfire crate and of the migrations, relative
/// to `root`, with `/` separators.
fn product_sources(root: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root).context("could not list the workspace")? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if (name.starts_with("campfire-") || name == "migrations") && path.join("src").is_dir() {
            dirs.push(path.join("src"));
        }
    }
    while let Some(dir) = dirs.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Package names in `cargo tree --prefix none --format "{p}"` output.
///
/// Each line is `name vX.Y.Z`, optionally followed by ` (path)`,
/// ` (proc-macro)` or ` (*)`; the name is always the first word.
pub fn crate_names(tree_output: &str) -> BTreeSet<String> {
    tree_output
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// One message per forbidden crate of `rule` present in `names`.
pub fn violations(rule: &Rule, names: &BTreeSet<String>) -> Vec<String> {
    let Rule { krate, reason, .. } = rule;
    rule.forbidden
        .iter()
        .filter(|forbidden| names.contains(**forbidden))
        .map(|forbidden| format!("{krate} depends on {forbidden} (forbidden: {reason})"))
        .collect()
}

/// Checks every rule against the real dependency graph of the workspace.
pub fn check(root: &Path) -> Result<()> {
    let mut found = Vec::new();
    for rule in RULES {
        let names = crate_names(&dependency_tree(root, rule)?);
        // cargo tree lists the root package first; if it is absent the output
        // format changed, and an unparsed tree must not read as "no violations".
        if !names.contains(rule.krate) {
            bail!(
                "`cargo tree -p {}` did not list the crate itself",
                rule.krate
            );
        }
        found.extend(violations(rule, &names));
    }
    let sources = product_sources(root)?;
    if sources.is_empty() {
        bail!("found no product source files under {}", root.display());
    }
    for path in &sources {
        let source = std::fs::read_to_string(root.join(path))
            .with_context(|| format!("could not read {path}"))?;
        for rule in SOURCE_RULES {
            found.extend(source_violations(rule, path, &source));
        }
    }
    if !found.is_empty() {
        bail!("layering check failed:\n  {}", found.join("\n  "));
    }
    println!(
        "layering: {} crate rules and {} source rules ok ({} files)",
        RULES.len(),
        SOURCE_RULES.len(),
        sources.len()
    );
    Ok(())
}

/// Raw `cargo tree` output for the rule's crate: every normal and build dependency, transitively.
fn dependency_tree(root: &Path, rule: &Rule) -> Result<String> {
    let mut cmd = crate::cargo(root);
    cmd.args(["tree", "-p", rule.krate, "-e", "normal,build"])
        .args(["--prefix", "none", "--format", "{p}"]);
    let output = cmd.output().context("failed to start `cargo tree`")?;
    // A crate missing from the workspace makes cargo tree fail; surface that
    // rather than skipping the rule.
    if !output.status.success() {
        bail!(
            "`cargo tree -p {}` failed (is it still a workspace member?): {}",
            rule.krate,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).context("`cargo tree` printed non-UTF-8 output")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed real output of `cargo tree -p campfire-domain ...`.
    const DOMAIN_TREE: &str = "\
campfire-domain v0.1.0 (/work/main/campfire-domain)
argon2 v0.6.0
blake2 v0.11.0
hybrid-array v0.4.15 (*)
thiserror v2.0.21
thiserror-impl v2.0.21 (proc-macro)

";

    fn rule(krate: &str) -> &'static Rule {
        RULES.iter().find(|rule| rule.krate == krate).unwrap()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn parses_sample_output() {
        let expected = set(&[
            "argon2",
            "blake2",
            "campfire-domain",
            "hybrid-array",
            "thiserror",
            "thiserror-impl",
        ]);
        assert_eq!(crate_names(DOMAIN_TREE), expected);
    }

    #[test]
    fn parses_path_variant_line() {
        let names = crate_names("campfire-domain v0.1.0 (/work/my dir/campfire-domain) (*)\n");
        assert_eq!(names, set(&["campfire-domain"]));
    }

    #[test]
    fn clean_tree_passes() {
        assert!(violations(rule("campfire-domain"), &crate_names(DOMAIN_TREE)).is_empty());
    }

    #[test]
    fn adding_tokio_to_domain_is_a_violation() {
        let mut names = crate_names(DOMAIN_TREE);
        names.insert("tokio".to_owned());
        assert_eq!(
            violations(rule("campfire-domain"), &names),
            ["campfire-domain depends on tokio (forbidden: the domain performs no I/O)"]
        );
    }

    #[test]
    fn http_may_not_reach_the_storage_engine_even_through_the_store() {
        let tree = set(&["campfire-http", "campfire-store", "sea-orm", "sqlx-sqlite"]);
        let found = violations(rule("campfire-http"), &tree);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("campfire-http depends on sea-orm"));
    }

    fn source_rule(what: &str) -> &'static SourceRule {
        SOURCE_RULES.iter().find(|r| r.what == what).unwrap()
    }

    #[test]
    fn sql_outside_the_adapters_is_a_violation() {
        let sql = source_rule("SQL");
        let route = "fn f() {\n    let q = \"SELECT id FROM users\";\n}\n";
        let found = source_violations(sql, "campfire-http/src/routes/people.rs", route);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("campfire-http/src/routes/people.rs:2: SQL outside"));
        assert!(source_violations(sql, "campfire-store/src/sqlite/write.rs", route).is_empty());
        assert!(
            source_violations(
                sql,
                "campfire-store/src/app/messages.rs",
                "// select a room\n"
            )
            .is_empty(),
            "prose is not SQL"
        );
    }

    #[test]
    fn statements_are_built_only_in_the_store_sql_module() {
        let rule = source_rule("a statement built");
        let built = "let q = Query::select().column(Users::Id).take();";
        assert_eq!(
            source_violations(rule, "campfire-store/src/sqlite/write.rs", built).len(),
            1,
            "an adapter runs statements, it does not write them"
        );
        assert!(source_violations(rule, "campfire-store/src/sql/people.rs", built).is_empty());
    }

    #[test]
    fn the_clock_and_randomness_are_read_in_one_place() {
        let clock = source_rule("the wall clock");
        let read = "let t = std::time::SystemTime::now();";
        assert_eq!(
            source_violations(clock, "campfire-cli/src/commands.rs", read).len(),
            1
        );
        assert!(source_violations(clock, "campfire-store/src/app/clock.rs", read).is_empty());
        let random = source_rule("randomness");
        let draw = "getrandom::fill(&mut bytes)";
        assert_eq!(
            source_violations(random, "campfire-http/src/auth.rs", draw).len(),
            1
        );
        assert!(source_violations(random, "campfire-store/src/app/random.rs", draw).is_empty());
    }

    #[test]
    fn layering_check_passes_on_current_workspace() {
        check(&crate::workspace_root().unwrap()).unwrap();
    }
}
