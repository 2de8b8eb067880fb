//! Running a script on PostgreSQL.
//!
//! - One connection for the whole run, holding `pg_advisory_lock` on a
//!   fixed key, so that two applies on one database never interleave: the
//!   second waits (up to `lock_timeout` when one is given) and then runs
//!   against what the first left.
//! - A transactional phase runs between `BEGIN` and `COMMIT`; any error
//!   rolls it back whole.
//! - A non-transactional phase runs statement by statement; each one that
//!   succeeded is reported, and a failure names what already ran.

use std::time::Duration;

use sqlx::{Connection, PgConnection};

use crate::dialect::driver::Progress;
use crate::dialect::{ApplyOptions, ApplyReport, Phase, Script};

/// The advisory lock key strata holds while applying ("strata" in ASCII).
pub const LOCK_KEY: i64 = 0x7374_7261_7461;

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let mut conn = PgConnection::connect(url).await.map_err(|e| {
        miette::miette!(
            code = "strata::postgres::connect",
            help = "check the URL, that the server runs, and that the user may connect",
            "cannot connect to {}: {e}",
            crate::url::redact(url)
        )
    })?;
    acquire_lock(&mut conn, options.lock_timeout).await?;
    let result = run(&mut conn, script).await;
    // The lock is released with the session anyway; unlocking first keeps
    // a pooled connection clean.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

async fn acquire_lock(conn: &mut PgConnection, timeout: Option<Duration>) -> miette::Result<()> {
    let lock = sqlx::query("SELECT pg_advisory_lock($1)").bind(LOCK_KEY);
    let result = match timeout {
        Some(t) => tokio::time::timeout(t, lock.execute(&mut *conn))
            .await
            .map_err(|_| {
                miette::miette!(
                    code = "strata::apply::locked",
                    help = "another strata apply is running on this database; try again when it is done",
                    "could not take the apply lock within {t:?}"
                )
            })?,
        None => lock.execute(&mut *conn).await,
    };
    result.map_err(|e| {
        miette::miette!(
            code = "strata::apply::lock",
            "could not take the apply lock: {e}"
        )
    })?;
    Ok(())
}

async fn run(conn: &mut PgConnection, script: &Script) -> miette::Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let mut progress = Progress::new(script);
    // Statements committed by earlier phases, for the failure message.
    let mut committed: Vec<String> = Vec::new();
    for (index, phase) in script.phases.iter().enumerate() {
        if phase.statements.is_empty() {
            continue;
        }
        if phase.transactional {
            run_transaction(conn, phase, index, &committed, &mut progress).await?;
            for s in &phase.statements {
                report.executed.push(s.sql.clone());
                committed.push(s.sql.clone());
            }
        } else {
            for s in &phase.statements {
                let online = s.sql.contains(" CONCURRENTLY ");
                let invalid_before = if online {
                    invalid_indexes(conn).await
                } else {
                    Vec::new()
                };
                let sent = sqlx::raw_sql(&s.sql).execute(&mut *conn);
                if let Err(e) = progress.send(&s.sql, false, sent).await {
                    let left = if online {
                        drop_left_invalid(conn, &invalid_before).await
                    } else {
                        String::new()
                    };
                    let err = failure(&s.sql, &e, index, false, &committed);
                    return Err(if left.is_empty() {
                        err
                    } else {
                        err.wrap_err(left)
                    });
                }
                report.executed.push(s.sql.clone());
                committed.push(s.sql.clone());
            }
        }
    }
    Ok(report)
}

async fn run_transaction(
    conn: &mut PgConnection,
    phase: &Phase,
    index: usize,
    committed: &[String],
    progress: &mut Progress,
) -> miette::Result<()> {
    let mut tx = conn.begin().await.map_err(|e| {
        miette::miette!(
            code = "strata::apply::begin",
            "could not begin a transaction: {e}"
        )
    })?;
    for s in &phase.statements {
        let sent = sqlx::raw_sql(&s.sql).execute(&mut *tx);
        if let Err(e) = progress.send(&s.sql, true, sent).await {
            let _ = tx.rollback().await;
            return Err(failure(&s.sql, &e, index, true, committed));
        }
    }
    tx.commit()
        .await
        .map_err(|e| failure("COMMIT", &e, index, true, committed))
}

fn failure(
    sql: &str,
    err: &sqlx::Error,
    phase: usize,
    transactional: bool,
    committed: &[String],
) -> miette::Report {
    let server = match err {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| format!(" [{c}]")).unwrap_or_default();
            format!("{}{code}", db.message())
        }
        other => other.to_string(),
    };
    let undone = if transactional {
        "its transaction was rolled back, nothing of this phase remains"
    } else {
        "this phase runs outside a transaction: the statements before it in this phase stay applied"
    };
    let already = if committed.is_empty() {
        "Nothing had been applied before it.".to_string()
    } else {
        format!(
            "Already applied and kept ({}):\n{}",
            committed.len(),
            committed
                .iter()
                .map(|s| format!("  {};", first_line(s)))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    miette::miette!(
        code = "strata::apply::failed",
        help = "fix the cause and run the apply again: it plans from the database as it is now",
        "statement failed in phase {}: {}\n  {sql};\nserver error: {server}\n{undone}. {already}",
        phase + 1,
        if transactional {
            "transaction"
        } else {
            "outside a transaction"
        },
    )
}

/// The invalid indexes of the database, as quoted names: what a failed
/// `CREATE INDEX CONCURRENTLY` leaves behind.
async fn invalid_indexes(conn: &mut PgConnection) -> Vec<String> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT n.nspname::text, c.relname::text FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT i.indisvalid ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    rows.iter()
        .map(|(ns, ix)| format!("{}.{}", super::quote::ident(ns), super::quote::ident(ix)))
        .collect()
}

/// After a failed `CREATE INDEX CONCURRENTLY`: drops the invalid index
/// it left (one that was not invalid before it ran — nobody else's), so
/// that the database is as before the statement; says what it did.
async fn drop_left_invalid(conn: &mut PgConnection, before: &[String]) -> String {
    let mut said = Vec::new();
    for ix in invalid_indexes(conn).await {
        if before.contains(&ix) {
            continue;
        }
        let drop = format!("DROP INDEX CONCURRENTLY IF EXISTS {ix}");
        match sqlx::raw_sql(&drop).execute(&mut *conn).await {
            Ok(_) => said.push(format!(
                "the failed build left the invalid index {ix}; strata dropped it"
            )),
            Err(e) => said.push(format!(
                "the failed build left the invalid index {ix}, and dropping it failed ({e}): run `{drop}`"
            )),
        }
    }
    said.join("; ")
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The integer a `SELECT COUNT(*) …` returns (pre-flight checks).
pub async fn count(url: &str, sql: &str) -> miette::Result<i64> {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .map_err(|e| {
            miette::miette!(
                code = "strata::postgres::connect",
                "cannot connect to {}: {e}",
                crate::url::redact(url)
            )
        })?;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| miette::miette!("{e}\n{sql}"));
    let _ = sqlx::Connection::close(conn).await;
    n
}
