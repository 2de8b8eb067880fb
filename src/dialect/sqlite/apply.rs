//! Running a script on SQLite, statement by statement, exactly as the
//! printed SQL runs in `sqlite3`: each transactional phase between BEGIN
//! and COMMIT, the others one statement at a time. A failure inside a
//! transaction rolls it back, so the database is as it was.

use sqlx::{Connection, Row, SqliteConnection};

use super::emit::{FK_GUARD_CONSTRAINT, FK_GUARD_TABLE};
use crate::dialect::driver::Progress;
use crate::dialect::{ApplyOptions, ApplyReport, Script, Statement};

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let Some(mut connect) = super::connect_options(url, true)? else {
        return Err(miette::miette!("cannot open {url}"));
    };
    if let Some(t) = options.lock_timeout {
        connect = connect.busy_timeout(t);
    }
    let mut conn = SqliteConnection::connect_with(&connect)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let mut report = ApplyReport::default();
    let mut progress = Progress::new(script);
    let mut committed_any = false;
    for phase in &script.phases {
        if phase.statements.is_empty() {
            continue;
        }
        if !phase.transactional {
            for s in &phase.statements {
                if let Err(e) = progress.send(&s.sql, false, run(&mut conn, &s.sql)).await {
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
        run(&mut conn, "BEGIN")
            .await
            .map_err(|e| miette::miette!("cannot begin a transaction on {url}: {e}"))?;
        for s in &phase.statements {
            if let Err(e) = progress.send(&s.sql, true, run(&mut conn, &s.sql)).await {
                let detail = if s.sql.contains(FK_GUARD_TABLE) {
                    Some(violations(&mut conn).await)
                } else {
                    None
                };
                let _ = run(&mut conn, "ROLLBACK").await;
                let _ = run(&mut conn, "PRAGMA foreign_keys = ON").await;
                return Err(failure(
                    s,
                    &e,
                    detail,
                    "the transaction was rolled back: nothing was changed",
                ));
            }
            report.executed.push(s.sql.clone());
        }
        if let Err(e) = run(&mut conn, "COMMIT").await {
            let _ = run(&mut conn, "ROLLBACK").await;
            return Err(miette::miette!(
                code = "strata::apply::failed",
                help = "the transaction was rolled back: nothing was changed",
                "COMMIT failed: {e}"
            ));
        }
        committed_any = true;
    }
    let _ = conn.close().await;
    Ok(report)
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
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| miette::miette!("{e}\n{sql}"));
    let _ = sqlx::Connection::close(conn).await;
    n
}
