//! Running a script on MySQL/MariaDB. DDL there commits implicitly, so
//! there is no transaction to fall back on: statements run one by one,
//! each recorded in `strata_history` once it succeeded, so that a failed
//! apply can be continued (`resume`) exactly where it stopped, and never
//! runs a statement twice. A named lock (`GET_LOCK`) keeps two applies to
//! the same database from interleaving; under it, given the state its plan
//! was made from, an apply reads the database again and runs nothing when
//! it changed. Each statement waits `lock_wait_timeout` for a metadata
//! lock; one that gave up did not run and is tried again a few times.

use std::collections::BTreeSet;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::dialect::driver::{lock_backoff, verify, APPLY_LOCK_WAIT, LOCK_RETRIES};
use crate::dialect::{first_line, ApplyOptions, ApplyReport, Pending, Script};

use super::HISTORY_TABLE;

/// A connection whose session keeps the server's `sql_mode`. sqlx would
/// add `PIPES_AS_CONCAT` and `NO_ENGINE_SUBSTITUTION`, and triggers and
/// routines remember the mode they were created under: `a || b` in a
/// trigger strata created would be concatenation, in one the `mysql`
/// client created a logical OR.
pub(super) async fn session(url: &str) -> Result<MySqlConnection, sqlx::Error> {
    let options: MySqlConnectOptions = crate::url::with_scheme(url, "mysql").parse()?;
    options
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .connect()
        .await
}

/// A stable hash of the script's statements (FNV-1a, 64 bits): resume
/// trusts the history only for the very same plan.
pub fn plan_hash(script: &Script) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    // Session settings (statements of no step) are left out, so that the
    // script `pending_script` rebuilds from the history hashes the same.
    for s in script.statements().filter(|s| s.step.is_some()) {
        for b in s.sql.as_bytes().iter().chain(b";\n") {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn db_error(e: sqlx::Error) -> String {
    match &e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("{} (SQLSTATE {code})", d.message()),
            None => d.message().to_string(),
        },
        other => other.to_string(),
    }
}

/// The error of a failed `action` (create, read, write) on the history table.
fn history_error(action: &'static str) -> impl Fn(sqlx::Error) -> miette::Report {
    move |e| {
        miette::miette!(
            code = "strata::mysql::history",
            "cannot {action} {HISTORY_TABLE}: {}",
            db_error(e)
        )
    }
}

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let mut conn = session(url).await.map_err(|e| {
        miette::miette!(
            code = "strata::mysql::connect",
            help = "check that the server is running and the URL names a database",
            "cannot connect to {}: {e}",
            crate::url::redact(url)
        )
    })?;
    let result = run(&mut conn, url, script, options).await;
    // Releases the lock too; a closed connection would release it anyway.
    let _ = sqlx::query("DO RELEASE_LOCK(CONCAT('strata_apply:', DATABASE()))")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

/// Takes the named lock, saying so when another apply holds it.
async fn take_lock(conn: &mut MySqlConnection) -> miette::Result<()> {
    for wait in [Duration::ZERO, APPLY_LOCK_WAIT] {
        if !wait.is_zero() {
            eprintln!("waiting for another strata apply on this database to finish…");
        }
        let got: Option<i64> =
            sqlx::query_scalar("SELECT GET_LOCK(CONCAT('strata_apply:', DATABASE()), ?)")
                .bind(wait.as_secs_f64())
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| {
                    miette::miette!(
                        code = "strata::mysql::lock",
                        "cannot take the apply lock: {}",
                        db_error(e)
                    )
                })?;
        if got == Some(1) {
            return Ok(());
        }
    }
    Err(miette::miette!(
        code = "strata::mysql::locked",
        help = "another `strata apply` is running on this database; wait for it to finish",
        "another apply held the lock on this database for {APPLY_LOCK_WAIT:?}; nothing was applied"
    ))
}

/// `ER_LOCK_WAIT_TIMEOUT`: the statement gave up waiting for a (metadata)
/// lock before it changed anything.
fn is_lock_timeout(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>().is_some_and(|m| m.number() == 1205))
}

/// Runs one statement, again after a pause each time it gave up waiting
/// for a lock (it did not run, so running it again is safe).
async fn execute(
    conn: &mut MySqlConnection,
    sql: &str,
    wait: Option<Duration>,
) -> Result<(), (sqlx::Error, u32)> {
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(sql).execute(&mut *conn).await {
            Ok(_) => return Ok(()),
            Err(e) if is_lock_timeout(&e) && attempt < LOCK_RETRIES => {
                attempt += 1;
                lock_backoff(attempt, &first_line(sql), wait).await;
            }
            Err(e) => return Err((e, attempt)),
        }
    }
}

async fn run(
    conn: &mut MySqlConnection,
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    take_lock(conn).await?;
    let wait = options.statement_lock_wait();
    // Whole seconds from 1 up: the server's range; "forever" is its maximum.
    let secs = wait.map_or(31_536_000, |w| w.as_secs().max(1));
    sqlx::raw_sql(&format!("SET SESSION lock_wait_timeout = {secs}"))
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            miette::miette!(
                code = "strata::mysql::lock",
                "cannot set lock_wait_timeout: {}",
                db_error(e)
            )
        })?;
    if let Some(expected) = &options.expect {
        let now = super::introspect::introspect(url, &expected.namespaces).await?;
        verify(expected, &now)?;
    }

    conn.execute(HISTORY_DDL)
        .await
        .map_err(history_error("create"))?;
    let hash = plan_hash(script);
    let applied: BTreeSet<i64> = sqlx::query_scalar::<_, i64>(&format!(
        "SELECT CAST(statement_index AS SIGNED) FROM {HISTORY_TABLE} WHERE plan_hash = ? AND applied_at IS NOT NULL"
    ))
    .bind(&hash)
    .fetch_all(&mut *conn)
    .await
    .map_err(history_error("read"))?
    .into_iter()
    .collect();
    let applied = if options.resume {
        applied
    } else {
        BTreeSet::new()
    };
    // The whole plan is recorded before it runs, each statement pending
    // until it succeeded: `pending_script` can then continue it without
    // the plan at hand. A fresh run of a plan starts a fresh record and
    // supersedes any other unfinished plan (it was planned from where the
    // database stands), whose pending rows go.
    if !options.resume || applied.is_empty() {
        let mut tx = conn
            .begin()
            .await
            .map_err(|e| miette::miette!("{}", db_error(e)))?;
        sqlx::query(&format!(
            "DELETE FROM {HISTORY_TABLE} WHERE plan_hash = ? OR applied_at IS NULL"
        ))
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .map_err(history_error("write"))?;
        for (i, st) in script.statements().filter(|s| s.step.is_some()).enumerate() {
            sqlx::query(&format!(
                "INSERT INTO {HISTORY_TABLE} (plan_hash, statement_index, statement, applied_at) VALUES (?, ?, ?, NULL)"
            ))
            .bind(&hash)
            .bind(i as i64)
            .bind(&st.sql)
            .execute(&mut *tx)
            .await
            .map_err(history_error("write"))?;
        }
        tx.commit()
            .await
            .map_err(|e| miette::miette!("{}", db_error(e)))?;
    }

    let statements: Vec<_> = script.statements().collect();
    let total = statements.len();
    let mut report = ApplyReport::default();
    let mut done: Vec<(usize, String)> = Vec::new();
    // Index among the recorded statements (session settings are not).
    let mut recorded = 0i64;
    for (i, st) in statements.iter().enumerate() {
        let idx = recorded;
        if st.step.is_some() {
            recorded += 1;
        }
        // Session settings (no step) run every time; they change nothing
        // that lasts.
        if st.step.is_some() && applied.contains(&idx) {
            done.push((i, first_line(&st.sql)));
            continue;
        }
        if let Err((e, retries)) = execute(conn, &st.sql, wait).await {
            let before = if done.is_empty() {
                "no statement of this plan is applied".to_string()
            } else {
                let list = done
                    .iter()
                    .map(|(n, s)| format!("  #{} {s}", n + 1))
                    .collect::<Vec<_>>()
                    .join("\n");
                format!("already applied ({} of {total}, recorded in {HISTORY_TABLE} under plan {hash}):\n{list}", done.len())
            };
            let help = if is_lock_timeout(&e) {
                format!(
                    "another session held a lock this statement needs ({} attempts): find it in SHOW PROCESSLIST, then `strata apply --resume` continues from statement #{}; --lock-timeout raises the wait (0 waits forever)",
                    retries + 1,
                    i + 1
                )
            } else {
                format!(
                    "MySQL DDL is not transactional: fix the cause and run the same plan with `strata apply --resume` to continue from statement #{}, or apply the rollback of the applied statements",
                    i + 1
                )
            };
            return Err(miette::miette!(
                code = "strata::mysql::apply_failed",
                help = help,
                "statement #{} of {total} failed: {}\n{}\n{before}",
                i + 1,
                db_error(e),
                st.sql,
            ));
        }
        if st.step.is_some() {
            sqlx::query(&format!(
                "UPDATE {HISTORY_TABLE} SET applied_at = CURRENT_TIMESTAMP(6) WHERE plan_hash = ? AND statement_index = ?"
            ))
            .bind(&hash)
            .bind(idx)
            .execute(&mut *conn)
            .await
            .map_err(|e| {
                miette::miette!(
                    code = "strata::mysql::history",
                    help = format!("the statement ran; check {HISTORY_TABLE} before resuming"),
                    "statement #{} ran but recording it in {HISTORY_TABLE} failed: {}",
                    i + 1,
                    db_error(e)
                )
            })?;
            done.push((i, first_line(&st.sql)));
        }
        report.executed.push(st.sql.clone());
    }
    Ok(report)
}

/// The plan whose apply did not finish, rebuilt from `strata_history`
/// (its statements, in order, with the same hash — checked, so that a
/// history edited or cut short is refused rather than half replayed).
/// `None` when every recorded plan finished. A fresh apply supersedes an
/// unfinished one (`run` clears the pending rows of other plans), so at
/// most one plan is pending.
pub async fn pending_script(url: &str) -> miette::Result<Option<Pending>> {
    let real_url = crate::url::with_scheme(url, "mysql");
    let mut conn = MySqlConnection::connect(&real_url).await.map_err(|e| {
        miette::miette!(
            code = "strata::mysql::connect",
            "cannot connect to {}: {e}",
            crate::url::redact(url)
        )
    })?;
    let result = read_pending(&mut conn).await;
    let _ = conn.close().await;
    result
}

async fn read_pending(conn: &mut MySqlConnection) -> miette::Result<Option<Pending>> {
    let exists: Option<String> = sqlx::query_scalar(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind(HISTORY_TABLE)
    .fetch_optional(&mut *conn)
    .await
    .map_err(history_error("read"))?;
    if exists.is_none() {
        return Ok(None);
    }
    let latest: Option<String> = sqlx::query_scalar(&format!(
        "SELECT plan_hash FROM {HISTORY_TABLE} GROUP BY plan_hash \
         HAVING SUM(applied_at IS NULL) > 0 ORDER BY MAX(applied_at) DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await
    .map_err(history_error("read"))?;
    let Some(hash) = latest else {
        return Ok(None);
    };
    let rows: Vec<(i64, String, bool)> = sqlx::query_as(&format!(
        "SELECT CAST(statement_index AS SIGNED), statement, applied_at IS NOT NULL \
         FROM {HISTORY_TABLE} WHERE plan_hash = ? ORDER BY statement_index"
    ))
    .bind(&hash)
    .fetch_all(&mut *conn)
    .await
    .map_err(history_error("read"))?;
    let applied = rows.iter().take_while(|(_, _, done)| *done).count();
    let gapped = rows.iter().enumerate().any(|(i, (n, _, _))| *n != i as i64)
        || rows[applied..].iter().any(|(_, _, done)| *done);
    let statements = rows
        .into_iter()
        .map(|(i, sql, _)| crate::dialect::Statement {
            sql,
            step: Some(i.max(0) as usize),
            hazards: Vec::new(),
        })
        .collect();
    let script = Script {
        phases: vec![crate::dialect::Phase {
            transactional: false,
            statements,
        }],
    };
    if gapped || plan_hash(&script) != hash {
        return Err(miette::miette!(
            code = "strata::mysql::history",
            help = format!("inspect {HISTORY_TABLE} by hand; `strata apply --to …` without --resume plans afresh from where the database stands"),
            "the record of plan {hash} in {HISTORY_TABLE} is not a whole plan applied in order (statements missing, edited or out of order): it cannot be resumed"
        ));
    }
    Ok(Some(Pending {
        hash,
        script,
        applied,
    }))
}

const HISTORY_DDL: &str = "CREATE TABLE IF NOT EXISTS `strata_history` (\n  \
`plan_hash` char(16) NOT NULL,\n  \
`statement_index` int NOT NULL,\n  \
`statement` longtext NOT NULL,\n  \
`applied_at` timestamp(6) NULL DEFAULT NULL,\n  \
PRIMARY KEY (`plan_hash`, `statement_index`)\n)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{Phase, Statement};

    fn script(sqls: &[&str]) -> Script {
        Script {
            phases: vec![Phase {
                transactional: false,
                statements: sqls
                    .iter()
                    .map(|s| Statement {
                        sql: s.to_string(),
                        step: Some(0),
                        hazards: Vec::new(),
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn hash_is_stable_and_order_sensitive() {
        let a = plan_hash(&script(&["CREATE TABLE a (x int)", "DROP TABLE b"]));
        let b = plan_hash(&script(&["DROP TABLE b", "CREATE TABLE a (x int)"]));
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        assert_eq!(
            a,
            plan_hash(&script(&["CREATE TABLE a (x int)", "DROP TABLE b"]))
        );
    }
}
