//! `campfire-bench`: the load generator behind `cargo xtask bench` (quality.md's scenarios).
//!
//! It starts the server binary it is given on a loopback port with a fresh data directory per
//! scenario, seeds what the scenario needs directly through the store, drives it the way the
//! browser app does (session cookie, one WebSocket resuming from its last `seq`, JSON over HTTP
//! with a same-origin `Origin`), and measures the limit baselines in the same run: a bare tokio
//! WebSocket broadcaster (this binary, `campfire-bench broadcaster ADDR`) and bare SQLite.
//!
//! Correctness is part of every figure: a scenario in which some client missed a message, got
//! one twice or saw a gap in the event sequence is reported as failed, not as a number.

mod baseline;
mod http;
mod process;
mod report;
mod scenarios;
mod seed;
mod stats;
mod ws;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::report::{Row, Status};

const USAGE: &str = "\
usage: campfire-bench --server PATH [--quick] [--json PATH] [--only a,b,...] [--work DIR]
       campfire-bench broadcaster ADDR

scenarios: idle, connections, fanout, durable, store, restart
";

/// The run's settings.
pub struct Ctx {
    /// The server binary under test.
    pub server: PathBuf,
    /// Where data directories go.
    pub work: PathBuf,
    /// Small sizes (CI: proves the harness works, judges nothing).
    pub quick: bool,
}

impl Ctx {
    /// `full` normally, `quick` with `--quick`.
    pub fn size<T>(&self, full: T, quick: T) -> T {
        if self.quick { quick } else { full }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match args.first().map(String::as_str) {
            Some("broadcaster") => {
                let addr = args.get(1).context("broadcaster needs an address")?;
                ws::broadcaster(addr.parse()?).await.map(|()| true)
            }
            _ => bench(&args).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error:#}");
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs the scenarios; false when one failed.
async fn bench(args: &[String]) -> Result<bool> {
    let mut server = None;
    let mut json_path = None;
    let mut only: Option<Vec<String>> = None;
    let mut quick = false;
    let mut work = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--server" => server = it.next().map(PathBuf::from),
            "--json" => json_path = it.next().map(PathBuf::from),
            "--work" => work = it.next().map(PathBuf::from),
            "--only" => {
                only = it.next().map(|s| s.split(',').map(str::to_owned).collect());
            }
            "--quick" => quick = true,
            other => bail!("unknown argument {other}"),
        }
    }
    let server = server.context("--server PATH is required")?;
    let work = work.unwrap_or_else(|| std::env::temp_dir().join("campfire-bench"));
    std::fs::create_dir_all(&work)?;
    let ctx = Ctx {
        server,
        work,
        quick,
    };
    let files = process::open_files_limit();
    let machine = machine(files);
    println!(
        "campfire-bench{}: {} — server and generator share these cores",
        if quick { " --quick" } else { "" },
        machine
            .get("summary")
            .and_then(|s| s.as_str())
            .unwrap_or("")
    );
    let wanted = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));
    let mut rows: Vec<Row> = Vec::new();
    let mut run = |row: Result<Vec<Row>>, name: &'static str| match row {
        Ok(r) => {
            for row in &r {
                println!(
                    "{}",
                    report::table(std::slice::from_ref(row))
                        .lines()
                        .skip(2)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
            rows.extend(r);
        }
        Err(error) => {
            let mut row = Row::new(name, "–".into());
            row.fail(format!("harness error: {error:#}"));
            println!("{name}: harness error: {error:#}");
            rows.push(row);
        }
    };
    if wanted("idle") {
        run(scenarios::idle(&ctx).await.map(|r| vec![r]), "idle");
    }
    if wanted("connections") {
        run(scenarios::connections(&ctx).await, "connections");
    }
    if wanted("fanout") {
        for (n, name) in [
            (ctx.size(1_000, 100), "fan-out, 1,000"),
            (ctx.size(10_000, 300), "fan-out, 10,000"),
        ] {
            run(
                scenarios::fanout(&ctx, n, name).await.map(|r| vec![r]),
                name,
            );
        }
    }
    if wanted("durable") {
        run(scenarios::durable(&ctx).await, "durable posts");
    }
    if wanted("store") {
        run(scenarios::big_store(&ctx).await, "store");
    }
    if wanted("restart") {
        run(scenarios::restart(&ctx).await.map(|r| vec![r]), "restart");
    }
    println!();
    println!("{}", report::table(&rows));
    let mode = if quick { "quick" } else { "full" };
    let value = report::json(&rows, machine, mode);
    let json_path = json_path.unwrap_or_else(|| ctx.work.join("bench.json"));
    std::fs::write(&json_path, serde_json::to_string_pretty(&value)?)?;
    println!("JSON: {}", json_path.display());
    let failed = rows
        .iter()
        .filter(|r| matches!(r.status, Status::Failed(_)))
        .count();
    if failed > 0 {
        println!("{failed} scenario(s) FAILED");
    }
    Ok(failed == 0)
}

/// The machine the run is on, from /proc.
fn machine(open_files: u64) -> serde_json::Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mem_gib = mem_kib as f64 / 1024.0 / 1024.0;
    serde_json::json!({
        "summary": format!("{cores} cores ({model}), {mem_gib:.1} GiB RAM, open files limit {open_files}"),
        "cores": cores,
        "cpu": model,
        "memory_gib": mem_gib,
        "open_files": open_files,
    })
}
