//! What a rehearsal found, as text and JSON. The estimate of a step is its
//! rehearsal time multiplied by the largest ratio of live rows to
//! rehearsed rows among the tables it locked or rewrote: a linear model,
//! right for the steps that scan or rewrite a table (the slow ones), and
//! slightly optimistic for index builds (sorting grows as n log n, a
//! little faster than n).

use std::fmt::Write;

use serde::Serialize;

use super::measure::{Lock, Measured};

#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub table: String,
    /// Rows in the live database (its statistics).
    pub live: u64,
    /// Rows generated for the rehearsal.
    pub rehearsed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// The plan step, as `plan` summarizes it; `None` for a set-up statement.
    pub change: Option<String>,
    pub sql: String,
    pub seconds: f64,
    pub locks: Vec<Lock>,
    pub rewrote: Vec<String>,
    /// Live rows / rehearsed rows of the tables the statement touched.
    pub scale: f64,
    pub estimate_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tables: Vec<TableRows>,
    pub steps: Vec<StepReport>,
    /// The statement that failed on the rehearsal, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

impl StepReport {
    pub fn new(change: Option<String>, sql: &str, m: Measured, tables: &[TableRows]) -> Self {
        let touched = m.locks.iter().map(|l| &l.table).chain(&m.rewrote);
        let scale = touched
            .filter_map(|t| tables.iter().find(|r| &r.table == t))
            .filter(|r| r.rehearsed > 0)
            .map(|r| r.live as f64 / r.rehearsed as f64)
            .fold(1.0_f64, f64::max);
        StepReport {
            change,
            sql: sql.to_string(),
            seconds: m.seconds,
            estimate_seconds: m.seconds * scale,
            scale,
            locks: m.locks,
            rewrote: m.rewrote,
        }
    }
}

/// The report for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::from("rows (live → rehearsed):\n");
    for t in &r.tables {
        let _ = write!(out, "  {}: {} → {}", t.table, t.live, t.rehearsed);
        if let Some(n) = &t.note {
            let _ = write!(out, " ({n})");
        }
        out.push('\n');
    }
    for (i, s) in r.steps.iter().enumerate() {
        let sql = crate::dialect::first_line(&s.sql);
        let _ = writeln!(out, "\nstatement {}: {sql}", i + 1);
        if let Some(change) = &s.change {
            let _ = writeln!(out, "  step: {change}");
        }
        let _ = writeln!(
            out,
            "  time: {:.3} s; estimate at live size: {:.3} s (×{:.1})",
            s.seconds, s.estimate_seconds, s.scale
        );
        let locks: Vec<String> = s
            .locks
            .iter()
            .map(|l| format!("{} on {}", l.mode, l.table))
            .collect();
        let _ = writeln!(
            out,
            "  locks: {}",
            if locks.is_empty() {
                "none on tables".to_string()
            } else {
                locks.join(", ")
            }
        );
        if !s.rewrote.is_empty() {
            let _ = writeln!(out, "  rewrote: {}", s.rewrote.join(", "));
        }
    }
    if let Some(f) = &r.failed {
        let _ = writeln!(out, "\nfailed on the rehearsal: {f}");
    }
    out
}
