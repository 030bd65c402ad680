//! The results: one row per scenario, printed as a table and written as JSON.

use serde_json::{Value, json};

/// One measured figure, with its limit baseline when there is one.
pub struct Figure {
    /// What it is ("p50 all-received").
    pub what: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The limit baseline measured in the same run, in the same unit.
    pub baseline: Option<f64>,
}

/// How a scenario went.
pub enum Status {
    /// Figures are valid.
    Ok,
    /// Something was wrong (lost, duplicated or out-of-order messages, errors): no figures count.
    Failed(String),
    /// The feature under test is not on this server.
    NotAvailable(String),
}

/// One scenario's result.
pub struct Row {
    /// The scenario's name.
    pub name: &'static str,
    /// Its size, in words.
    pub size: String,
    /// Its figures.
    pub figures: Vec<Figure>,
    /// CPU seconds the server used during the scenario (user + system).
    pub server_cpu: Option<f64>,
    /// CPU seconds the baseline process used, where it is one.
    pub baseline_cpu: Option<f64>,
    /// Its status.
    pub status: Status,
    /// Anything else worth saying.
    pub notes: Vec<String>,
}

impl Row {
    /// A row with no figures yet.
    pub fn new(name: &'static str, size: String) -> Row {
        Row {
            name,
            size,
            figures: Vec::new(),
            server_cpu: None,
            baseline_cpu: None,
            status: Status::Ok,
            notes: Vec::new(),
        }
    }

    /// Adds a figure.
    pub fn figure(&mut self, what: &str, value: f64, unit: &'static str, baseline: Option<f64>) {
        self.figures.push(Figure {
            what: what.to_owned(),
            value,
            unit,
            baseline,
        });
    }

    /// Marks the row failed (keeps the first reason).
    pub fn fail(&mut self, why: String) {
        if matches!(self.status, Status::Ok) {
            self.status = Status::Failed(why);
        } else if let Status::Failed(reasons) = &mut self.status {
            reasons.push_str("; ");
            reasons.push_str(&why);
        }
    }
}

fn number(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The table, as Markdown (readable on a terminal, pasteable into BENCHMARKS.md).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | size | figure | value | limit baseline | ratio | server CPU s | status |\n|---|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let status = match &row.status {
            Status::Ok => "ok".to_owned(),
            Status::Failed(why) => format!("**FAILED**: {why}"),
            Status::NotAvailable(why) => format!("not available: {why}"),
        };
        let cpu = row.server_cpu.map_or("–".to_owned(), |c| format!("{c:.2}"));
        if row.figures.is_empty() {
            out.push_str(&format!(
                "| {} | {} | – | – | – | – | {cpu} | {status} |\n",
                row.name, row.size
            ));
        }
        for (i, f) in row.figures.iter().enumerate() {
            let (baseline, ratio) = match f.baseline {
                Some(b) if b > 0.0 => (
                    format!("{} {}", number(b), f.unit),
                    format!("{:.2}×", f.value / b),
                ),
                _ => ("–".to_owned(), "–".to_owned()),
            };
            let value = if matches!(row.status, Status::Failed(_)) {
                format!("~~{} {}~~", number(f.value), f.unit)
            } else {
                format!("{} {}", number(f.value), f.unit)
            };
            let (name, size, cpu, status) = if i == 0 {
                (row.name, row.size.as_str(), cpu.as_str(), status.as_str())
            } else {
                ("", "", "", "")
            };
            out.push_str(&format!(
                "| {name} | {size} | {} | {value} | {baseline} | {ratio} | {cpu} | {status} |\n",
                f.what
            ));
        }
    }
    out
}

/// The JSON form of `rows`.
pub fn json(rows: &[Row], machine: Value, mode: &str) -> Value {
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            let (status, reason) = match &row.status {
                Status::Ok => ("ok", None),
                Status::Failed(why) => ("failed", Some(why.clone())),
                Status::NotAvailable(why) => ("not_available", Some(why.clone())),
            };
            json!({
                "scenario": row.name,
                "size": row.size,
                "status": status,
                "reason": reason,
                "server_cpu_s": row.server_cpu,
                "baseline_cpu_s": row.baseline_cpu,
                "notes": row.notes,
                "figures": row.figures.iter().map(|f| json!({
                    "what": f.what,
                    "value": f.value,
                    "unit": f.unit,
                    "baseline": f.baseline,
                    "ratio": f.baseline.filter(|b| *b > 0.0).map(|b| f.value / b),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "mode": mode, "machine": machine, "scenarios": rows })
}
