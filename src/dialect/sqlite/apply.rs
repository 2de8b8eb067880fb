//! Running a script on SQLite, statement by statement, exactly as the
//! printed SQL runs in `sqlite3`: each transactional phase between BEGIN
//! and COMMIT, the others one statement at a time. A failure inside a
//! transaction rolls it back, so the database is as it was.
//!
//! Transactions begin `IMMEDIATE`, taking the write lock up front. Given
//! the state its plan was made from, the first one reads the database
//! again before its first statement and runs nothing when it changed: the
//! check and the rebuild's column list see the same database, which no
//! other writer can change until COMMIT. Waiting for the write lock is
//! bounded by the busy timeout and retried a few times.

use std::time::Duration;

use sqlx::{Connection, Row, SqliteConnection};

use super::emit::{FK_GUARD_CONSTRAINT, FK_GUARD_TABLE};
use crate::dialect::driver::{lock_backoff, verify, Progress, LOCK_RETRIES};
use crate::dialect::{ApplyOptions, ApplyReport, Script, Statement};

/// SQLite's busy timeout is an `int` of milliseconds: "forever" is its top.
const FOREVER: Duration = Duration::from_millis(i32::MAX as u64);

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let Some(connect) = super::connect_options(url, true)? else {
        return Err(miette::miette!("cannot open {url}"));
    };
    let wait = options.statement_lock_wait();
    let connect = connect.busy_timeout(wait.unwrap_or(FOREVER));
    let mut conn = SqliteConnection::connect_with(&connect)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let result = run_script(&mut conn, url, script, options).await;
    let _ = conn.close().await;
    result
}

async fn run_script(
    conn: &mut SqliteConnection,
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let wait = options.statement_lock_wait();
    let mut report = ApplyReport::default();
    let progress = Progress::new(script);
    let mut committed_any = false;
    let mut expect = options.expect.as_ref();
    for (p, phase) in script.phases.iter().enumerate() {
        if phase.statements.is_empty() {
            continue;
        }
        if !phase.transactional {
            for (n, s) in phase.statements.iter().enumerate() {
                let sent = run(conn, &s.sql);
                if let Err(e) = progress.send((p, n), &s.sql, false, sent).await {
                    let state = if committed_any {
                        "the transaction before it was committed"
                    } else {
                        "nothing was changed"
                    };
                    return Err(failure(s, &e, None, state));
                }
                report.executed.push(s.sql.clone());
            }
            continue;
        }
        begin_immediate(conn, url, wait).await?;
        if let Some(expected) = expect.take() {
            let checked = async {
                let now = super::introspect::introspect(url, &expected.namespaces).await?;
                verify(expected, &now)
            };
            if let Err(e) = checked.await {
                let _ = run(conn, "ROLLBACK").await;
                let _ = run(conn, "PRAGMA foreign_keys = ON").await;
                return Err(e);
            }
        }
        for (n, s) in phase.statements.iter().enumerate() {
            let sent = run(conn, &s.sql);
            if let Err(e) = progress.send((p, n), &s.sql, true, sent).await {
                let detail = if s.sql.contains(FK_GUARD_TABLE) {
                    Some(violations(conn).await)
                } else {
                    None
                };
                let _ = run(conn, "ROLLBACK").await;
                let _ = run(conn, "PRAGMA foreign_keys = ON").await;
                return Err(failure(
                    s,
                    &e,
                    detail,
                    "the transaction was rolled back: nothing was changed",
                ));
            }
            report.executed.push(s.sql.clone());
        }
        if let Err(e) = run(conn, "COMMIT").await {
            let _ = run(conn, "ROLLBACK").await;
            return Err(miette::miette!(
                code = "strata::apply::failed",
                help = "the transaction was rolled back: nothing was changed",
                "COMMIT failed: {e}"
            ));
        }
        committed_any = true;
    }
    Ok(report)
}

/// `BEGIN IMMEDIATE`: says so when another connection is writing, waits
/// for it up to the busy timeout, and tries again a few times.
async fn begin_immediate(
    conn: &mut SqliteConnection,
    url: &str,
    wait: Option<Duration>,
) -> miette::Result<()> {
    let pragma = |t: Duration| format!("PRAGMA busy_timeout = {}", t.as_millis());
    run(conn, &pragma(Duration::ZERO))
        .await
        .map_err(|e| miette::miette!("cannot set the busy timeout on {url}: {e}"))?;
    let mut attempt = 0;
    let result = loop {
        match sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await {
            Ok(_) => break Ok(()),
            Err(e) if is_busy(&e) && attempt < LOCK_RETRIES + 1 => {
                if attempt == 0 {
                    eprintln!("waiting for another connection writing to this database…");
                    let _ = run(conn, &pragma(wait.unwrap_or(FOREVER))).await;
                } else {
                    lock_backoff(attempt, "BEGIN IMMEDIATE", wait).await;
                }
                attempt += 1;
            }
            Err(e) => break Err(e),
        }
    };
    let _ = run(conn, &pragma(wait.unwrap_or(FOREVER))).await;
    result.map_err(|e| {
        miette::miette!(
            code = "strata::apply::locked",
            help = "another connection kept the database locked for writing: let it finish, or raise --lock-timeout (0 waits forever)",
            "cannot begin a transaction on {url} ({} attempts): {e}; nothing was changed", attempt + 1
        )
    })
}

/// `SQLITE_BUSY` and its extended codes: another connection holds the lock.
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 5))
}

async fn run(conn: &mut SqliteConnection, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(sql)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            sqlx::Error::Database(d) => d.message().to_string(),
            other => other.to_string(),
        })
}

/// The rows that `PRAGMA foreign_key_check` reports, as sentences.
async fn violations(conn: &mut SqliteConnection) -> String {
    let rows =
        sqlx::query("SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check LIMIT 21")
            .fetch_all(&mut *conn)
            .await;
    let Ok(rows) = rows else {
        return String::new();
    };
    let mut lines: Vec<String> = rows
        .iter()
        .take(20)
        .map(|r| {
            let table: String = r.try_get(0).unwrap_or_default();
            let rowid: Option<i64> = r.try_get(1).unwrap_or_default();
            let parent: String = r.try_get(2).unwrap_or_default();
            match rowid {
                Some(id) => format!("row {id} of {table} has no parent row in {parent}"),
                None => format!("a row of {table} has no parent row in {parent}"),
            }
        })
        .collect();
    if rows.len() > 20 {
        lines.push("…and more".into());
    }
    lines.join("\n")
}

fn failure(s: &Statement, error: &str, detail: Option<String>, state: &str) -> miette::Report {
    let mut msg = format!(
        "statement failed: {error}\n  {}",
        s.sql.replace('\n', "\n  ")
    );
    if error.contains(FK_GUARD_CONSTRAINT) || detail.as_deref().is_some_and(|d| !d.is_empty()) {
        msg = format!(
            "the migration breaks foreign keys:\n{}",
            detail.unwrap_or_default()
        );
    }
    miette::miette!(
        code = "strata::apply::failed",
        help = state.to_string(),
        "{msg}"
    )
}

/// The integer a `SELECT COUNT(*) …` returns (pre-flight checks).
pub async fn count(url: &str, sql: &str) -> miette::Result<i64> {
    let Some(options) = super::connect_options(url, false)? else {
        return Err(miette::miette!("cannot open {url}"));
    };
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| miette::miette!("{e}\n{sql}"));
    let _ = conn.close().await;
    n
}
