//! Run a script against a database: transactions, locks, progress, and an
//! exact account of where a failure stopped. The per-dialect executors are
//! `dialect::<name>::apply`; this module holds what they share.

pub mod prove;

use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    pub lock_timeout: Option<Duration>,
    /// Continue an apply that failed half-way (MySQL history table).
    pub resume: bool,
}

/// What an apply did, statement by statement, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub executed: Vec<String>,
}

use crate::dialect::{self, Script};
use crate::ir::DialectKind;

/// Runs a script on the database at `url`, with that dialect's executor.
pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    match crate::url::dialect_of_url(url) {
        Some(DialectKind::Postgres) => dialect::postgres::apply::apply(url, script, options).await,
        Some(DialectKind::Mysql) => dialect::mysql::apply::apply(url, script, options).await,
        Some(DialectKind::Sqlite) => dialect::sqlite::apply::apply(url, script, options).await,
        None => Err(miette::miette!(
            "not a database URL: {}",
            crate::url::redact(url)
        )),
    }
}

/// A statement's first line for progress and failure messages, with `…`
/// when the statement goes on.
pub fn first_line(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or("").trim();
    if sql.lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_string()
    }
}
