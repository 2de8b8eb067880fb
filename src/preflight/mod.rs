//! Pre-flight data checks: before a plan runs, count the rows that would
//! make one of its statements fail — NULLs under a new NOT NULL,
//! duplicates under a new unique key, orphans under a new foreign key,
//! rows a new check rejects, values a narrowed type cannot hold — so that
//! `apply` refuses a plan certain to fail, saying why, instead of failing
//! half-way (on MySQL, after the statements before it committed).
//!
//! The probes (`probes.rs`) are plain `SELECT COUNT(*)` text built from
//! the plan with the dialect's own identifier quoting; the driver runs
//! them. Each is shaped so that an index on the columns serves it
//! (`IS NULL`, `GROUP BY` on the key, `NOT EXISTS` on the referenced key).

mod probes;

use crate::dialect::Driver;

pub use probes::{probes, Probe};

/// A probe that found rows: the statement it guards would fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rows: i64,
    /// "3 rows in users have the same email: the new unique index
    /// users_email would fail".
    pub message: String,
}

/// What the checks found: certain failures, and probes the server
/// could not run (an expression it did not accept), reported as such.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub unchecked: Vec<String>,
}

/// Runs the probes (of a plan: [`probes`]) on the database at `url`.
pub async fn check(d: &dyn Driver, url: &str, probes: &[Probe]) -> miette::Result<Report> {
    let mut report = Report::default();
    for probe in probes {
        match d.count(url, &probe.sql).await {
            Ok(0) => {}
            Ok(rows) => report.findings.push(Finding {
                rows,
                message: probe.message(rows),
            }),
            Err(e) => report
                .unchecked
                .push(format!("{}: not checked ({e})", probe.guards)),
        }
    }
    Ok(report)
}

/// The refusal of a plan the checks found certain to fail.
pub fn refusal(report: &Report) -> Option<miette::Report> {
    if report.findings.is_empty() {
        return None;
    }
    let list = report
        .findings
        .iter()
        .map(|f| format!("  {}", f.message))
        .collect::<Vec<_>>()
        .join("\n");
    Some(miette::miette!(
        code = "strata::apply::preflight",
        help = "fix the data first (or change the schema), then apply again; --skip-preflight runs the plan without these checks",
        "the plan would fail on the data in the database; nothing was applied:\n{list}"
    ))
}
