//! The audit record every apply leaves in the database it changed: who
//! (database user, OS user), when, the plan's hash, the SQL that ran and
//! the outcome, one row per run in `strata_history`.
//!
//! PostgreSQL and SQLite keep one row per run (`postgres/history.rs`,
//! `sqlite/history.rs`), written once the run ended, wherever `--history-table`
//! puts it. MySQL/MariaDB keep their per-statement record (`mysql/history.rs`,
//! which resume reads), in the application's database; its runs are read
//! back as the same entries.

use serde::Serialize;

use super::{DialectKind, Script};
use crate::ir::Schema;

/// The default table name.
pub const TABLE: &str = "strata_history";

/// Where the history lives: a table, in a namespace of its own
/// (PostgreSQL) or the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub schema: Option<String>,
    pub table: String,
}

impl Default for Place {
    fn default() -> Place {
        Place {
            schema: None,
            table: TABLE.to_string(),
        }
    }
}

impl Place {
    /// `[schema.]table`, as `--history-table` takes it; None when a part
    /// is empty or there are more than two.
    pub fn parse(text: &str) -> Option<Place> {
        let parts: Vec<&str> = text.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        match parts.as_slice() {
            [t] => Some(Place {
                schema: None,
                table: t.to_string(),
            }),
            [s, t] => Some(Place {
                schema: Some(s.to_string()),
                table: t.to_string(),
            }),
            _ => None,
        }
    }

    /// `schema` without the history table (and the namespace it has to
    /// itself): the state a plan is made from and checked against. A
    /// recorded attempt creates or changes it, and must not make a plan
    /// stale, nor hide that it is (the table is never planned against).
    pub fn strip(&self, schema: &Schema) -> Schema {
        let mut kept = schema.clone();
        kept.tables
            .retain(|n, _| n.name != self.table || n.schema != self.schema);
        if let Some(ns) = &self.schema {
            kept.namespaces.remove(ns);
        }
        kept
    }
}

/// One apply as the history records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub run_id: String,
    pub plan_hash: String,
    /// UTC, RFC 3339.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub db_user: Option<String>,
    pub os_user: Option<String>,
    /// The statements that were sent, each ending in `;`.
    pub sql: String,
    /// `applied`, `failed: <error>`, or on MySQL `unfinished: k of n
    /// applied` / `superseded by <run>`.
    pub outcome: String,
}

/// One run as PostgreSQL and SQLite select it from their history table:
/// run_id, plan_hash, started_at, finished_at (UTC text), db_user,
/// os_user, statements, outcome.
pub type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

impl From<Row> for Entry {
    fn from((run_id, plan_hash, started, finished, db_user, os_user, sql, outcome): Row) -> Entry {
        Entry {
            run_id,
            plan_hash,
            started_at: Some(started),
            finished_at: Some(finished),
            db_user,
            os_user,
            sql,
            outcome,
        }
    }
}

/// The user running strata, as the environment names it.
pub fn os_user() -> Option<String> {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
}

/// A run id that sorts by start time: nanoseconds since the epoch in hex.
pub fn new_run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("{nanos:016x}")
}

/// The statements of a script as one text, each ending in `;`.
pub fn script_sql(script: &Script) -> String {
    script
        .statements()
        .map(|s| format!("{};\n", s.sql))
        .collect()
}

/// The entry of a run that just ended (`error`: how it failed).
pub fn entry(script: &Script, started_at: String, error: Option<String>) -> Entry {
    Entry {
        run_id: new_run_id(),
        plan_hash: super::mysql::apply::plan_hash(script),
        started_at: Some(started_at),
        finished_at: None,
        db_user: None,
        os_user: os_user(),
        sql: script_sql(script),
        outcome: error.map_or("applied".to_string(), |e| format!("failed: {e}")),
    }
}

/// Records a run that ended (PostgreSQL, SQLite; MySQL records its runs
/// as they go).
pub async fn record(kind: DialectKind, url: &str, place: &Place, e: &Entry) -> miette::Result<()> {
    match kind {
        DialectKind::Postgres => super::postgres::history::record(url, place, e).await,
        DialectKind::Sqlite => super::sqlite::history::record(url, place, e).await,
        DialectKind::Mysql => Ok(()),
    }
}

/// The recorded runs, oldest first.
pub async fn list(kind: DialectKind, url: &str, place: &Place) -> miette::Result<Vec<Entry>> {
    match kind {
        DialectKind::Postgres => super::postgres::history::list(url, place).await,
        DialectKind::Sqlite => super::sqlite::history::list(url, place).await,
        DialectKind::Mysql => super::mysql::history::list(url, place).await,
    }
}

/// Now, UTC, as RFC 3339 (`2026-12-06T13:44:00Z`).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert!(utc_now().starts_with("20") && utc_now().ends_with('Z'));
    }

    #[test]
    fn places() {
        assert_eq!(Place::parse("strata_history"), Some(Place::default()));
        assert_eq!(
            Place::parse("strata.log"),
            Some(Place {
                schema: Some("strata".into()),
                table: "log".into()
            })
        );
        assert_eq!(Place::parse("a.b.c"), None);
        assert_eq!(Place::parse(".x"), None);
    }
}
