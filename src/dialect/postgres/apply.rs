//! Running a script on PostgreSQL.
//!
//! - One connection for the whole run, holding `pg_advisory_lock` on a
//!   fixed key, so that two applies on one database never interleave: the
//!   second waits (up to [`APPLY_LOCK_WAIT`] unless told) and then, given the state its
//!   plan was made from, reads the database again and runs nothing when
//!   the first changed it.
//! - Every statement waits for table locks at most the apply's lock
//!   timeout (`lock_timeout`); one that gave up did not run, and its
//!   transaction is tried again a few times.
//! - A transactional phase runs between `BEGIN` and `COMMIT`; any error
//!   rolls it back whole.
//! - A non-transactional phase runs statement by statement; each one that
//!   succeeded is reported, and a failure names what already ran.

use std::time::Duration;

use sqlx::{Connection, PgConnection};

use crate::dialect::driver::{lock_backoff, verify, GateRef, Progress, LOCK_RETRIES};
use crate::dialect::{ApplyOptions, ApplyReport, Phase, Script};

/// The advisory lock key strata holds while applying ("strata" in ASCII).
pub const LOCK_KEY: i64 = 0x7374_7261_7461;

/// `lock_not_available`: a lock wait ran past `lock_timeout`.
const LOCK_TIMEOUT_STATE: &str = "55P03";

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let mut conn = super::connect::connect(url)
        .await
        .map_err(|e| super::connect::unreachable(url, e))?;
    acquire_lock(&mut conn, options.apply_lock_wait()).await?;
    let result = locked(&mut conn, url, script, options).await;
    // The lock is released with the session anyway; unlocking first keeps
    // a pooled connection clean.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

/// Under the apply lock: the state check, then the script.
async fn locked(
    conn: &mut PgConnection,
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let wait = options.statement_lock_wait();
    set_lock_timeout(conn, wait.unwrap_or(Duration::ZERO)).await?;
    if let Some(expected) = &options.expect {
        let now = super::introspect::introspect(url, &expected.namespaces).await?;
        verify(expected, &now)?;
    }
    run(conn, script, wait, &options.gate).await
}

/// `SET lock_timeout` for the session; zero waits forever.
async fn set_lock_timeout(conn: &mut PgConnection, t: Duration) -> miette::Result<()> {
    sqlx::raw_sql(&format!("SET lock_timeout = '{}ms'", t.as_millis()))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            miette::miette!(
                code = "strata::apply::lock",
                "could not set lock_timeout: {e}"
            )
        })?;
    Ok(())
}

/// Takes the advisory lock, saying so when another apply holds it.
async fn acquire_lock(conn: &mut PgConnection, patience: Duration) -> miette::Result<()> {
    let lock_error = |e: sqlx::Error| {
        miette::miette!(
            code = "strata::apply::lock",
            "could not take the apply lock: {e}"
        )
    };
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LOCK_KEY)
        .fetch_one(&mut *conn)
        .await
        .map_err(lock_error)?;
    if got {
        return Ok(());
    }
    eprintln!("waiting for another strata apply on this database to finish…");
    set_lock_timeout(conn, patience).await?;
    match sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *conn)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_lock_timeout(&e) => Err(miette::miette!(
            code = "strata::apply::locked",
            help = "another strata apply is running on this database; try again when it is done",
            "could not take the apply lock within {patience:?}: nothing was applied"
        )),
        Err(e) => Err(lock_error(e)),
    }
}

fn is_lock_timeout(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some(LOCK_TIMEOUT_STATE))
}

/// `CREATE INDEX CONCURRENTLY` commits in stages: one that gave up may
/// leave an invalid index behind, so it is never run a second time.
fn retryable(sql: &str, e: &sqlx::Error) -> bool {
    is_lock_timeout(e) && !sql.to_ascii_uppercase().contains("CONCURRENTLY")
}

async fn run(
    conn: &mut PgConnection,
    script: &Script,
    wait: Option<Duration>,
    gate: &Option<GateRef>,
) -> miette::Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let progress = Progress::new(script);
    // Statements committed by earlier phases, for the failure message.
    let mut committed: Vec<String> = Vec::new();
    for (index, phase) in script.phases.iter().enumerate() {
        if phase.statements.is_empty() {
            continue;
        }
        if phase.transactional {
            let what = phase_name(phase);
            GateRef::before(gate, &what).await?;
            let mut attempt = 0;
            while let Err((sql, e)) = run_transaction(conn, phase, index, &progress).await {
                if !retryable(&sql, &e) || attempt == LOCK_RETRIES {
                    return Err(failure(&sql, &e, index, true, &committed, attempt));
                }
                attempt += 1;
                lock_backoff(attempt, first_line(&sql), wait).await;
            }
            for s in &phase.statements {
                report.executed.push(s.sql.clone());
                committed.push(s.sql.clone());
            }
            GateRef::after(gate, &what).await?;
        } else {
            for (n, s) in phase.statements.iter().enumerate() {
                GateRef::before(gate, &crate::dialect::first_line(&s.sql)).await?;
                let online = s.sql.contains(" CONCURRENTLY ");
                let invalid_before = if online {
                    invalid_indexes(conn).await
                } else {
                    Vec::new()
                };
                let mut attempt = 0;
                loop {
                    let sent = sqlx::raw_sql(&s.sql).execute(&mut *conn);
                    let Err(e) = progress.send((index, n), &s.sql, false, sent).await else {
                        break;
                    };
                    if !retryable(&s.sql, &e) || attempt == LOCK_RETRIES {
                        let err = failure(&s.sql, &e, index, false, &committed, attempt);
                        let left = if online {
                            drop_left_invalid(conn, &invalid_before).await
                        } else {
                            String::new()
                        };
                        return Err(if left.is_empty() {
                            err
                        } else {
                            err.wrap_err(left)
                        });
                    }
                    attempt += 1;
                    lock_backoff(attempt, first_line(&s.sql), wait).await;
                }
                report.executed.push(s.sql.clone());
                committed.push(s.sql.clone());
                GateRef::after(gate, &crate::dialect::first_line(&s.sql)).await?;
            }
        }
    }
    Ok(report)
}

/// A transactional phase as the replica gate names it: its first
/// statement, and how many follow.
fn phase_name(phase: &Phase) -> String {
    let first = phase
        .statements
        .first()
        .map_or(String::new(), |s| crate::dialect::first_line(&s.sql));
    match phase.statements.len() {
        0 | 1 => first,
        n => format!("{first} (and {} more)", n - 1),
    }
}

/// One transactional phase; on failure, the statement and the error (the
/// transaction is rolled back).
async fn run_transaction(
    conn: &mut PgConnection,
    phase: &Phase,
    index: usize,
    progress: &Progress,
) -> Result<(), (String, sqlx::Error)> {
    let mut tx = conn.begin().await.map_err(|e| ("BEGIN".to_string(), e))?;
    for (n, s) in phase.statements.iter().enumerate() {
        let sent = sqlx::raw_sql(&s.sql).execute(&mut *tx);
        if let Err(e) = progress.send((index, n), &s.sql, true, sent).await {
            let _ = tx.rollback().await;
            return Err((s.sql.clone(), e));
        }
    }
    tx.commit().await.map_err(|e| ("COMMIT".to_string(), e))
}

fn failure(
    sql: &str,
    err: &sqlx::Error,
    phase: usize,
    transactional: bool,
    committed: &[String],
    retries: u32,
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
    let help = if is_lock_timeout(err) {
        format!("another session held a lock this statement needs ({} attempt{}): find it in pg_stat_activity / pg_locks, or raise --lock-timeout (0 waits forever)", retries + 1, if retries == 0 { "" } else { "s" })
    } else {
        "fix the cause and run the apply again: it plans from the database as it is now".into()
    };
    miette::miette!(
        code = "strata::apply::failed",
        help = help,
        "statement failed in phase {}: {}\n  {sql};\nserver error: {server}\n{undone}. {already}",
        phase + 1,
        if transactional {
            "transaction"
        } else {
            "outside a transaction"
        },
    )
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
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

/// The integer a `SELECT COUNT(*) …` returns (pre-flight checks).
/// `pg_class.reltuples` (-1 until the table is first analyzed) and
/// `pg_total_relation_size`.
pub fn size_queries(table: &crate::ir::Name) -> [String; 2] {
    let regclass = format!(
        "to_regclass({})",
        super::quote::literal(&super::quote::name(table))
    );
    [
        format!(
            "SELECT COALESCE((SELECT c.reltuples::bigint FROM pg_class c WHERE c.oid = {regclass}), -1)"
        ),
        format!("SELECT COALESCE(pg_total_relation_size({regclass}), -1)"),
    ]
}

pub async fn count(url: &str, sql: &str) -> miette::Result<i64> {
    let mut conn = super::connect::connect(url)
        .await
        .map_err(|e| super::connect::unreachable(url, e))?;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| miette::miette!("{e}\n{sql}"));
    let _ = sqlx::Connection::close(conn).await;
    n
}
