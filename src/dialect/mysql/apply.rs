//! Running a script on MySQL/MariaDB. DDL there commits implicitly, so
//! there is no transaction to fall back on: statements run one by one,
//! each recorded in `strata_history` (`history.rs`) as started and then
//! as applied, so that an apply that stopped can be continued (`resume`)
//! where it stopped, never running a statement twice: a statement that
//! was in flight is checked on the server first (`resume.rs`). A named
//! lock (`GET_LOCK`) keeps two applies to the same database from
//! interleaving; under it, given the state its plan was made from, an
//! apply reads the database again and runs nothing when it changed. Each
//! statement waits `lock_wait_timeout` for a metadata lock; one that gave
//! up did not run and is tried again a few times.

use std::collections::BTreeSet;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::dialect::driver::{completed, lock_backoff, set_running, verify, Running, LOCK_RETRIES};
use crate::dialect::{first_line, ApplyOptions, ApplyReport, Pending, Script, Statement};

use super::history::{self, db_error, Row, Run};
use super::resume::{check_interrupted, fnv, lock_holder};
use super::HISTORY_TABLE;
use crate::dialect::audit::Place;

/// A connection whose session has the server's default `sql_mode`, as a
/// `mysql` client's has. sqlx would add `PIPES_AS_CONCAT`,
/// `NO_ENGINE_SUBSTITUTION` and (through its handshake) `IGNORE_SPACE`,
/// and triggers remember the mode they were created under: `a || b` in a
/// trigger strata created would be concatenation, in one the client
/// created a logical OR.
pub(super) async fn session(url: &str) -> Result<MySqlConnection, sqlx::Error> {
    let options: MySqlConnectOptions = crate::url::with_scheme(url, "mysql").parse()?;
    let mut conn = options
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .connect()
        .await?;
    conn.execute("SET SESSION sql_mode = @@GLOBAL.sql_mode")
        .await?;
    Ok(conn)
}

/// A stable hash of the script's statements (FNV-1a, 64 bits): resume
/// trusts the history only for the very same plan.
pub fn plan_hash(script: &Script) -> String {
    // Session settings (statements of no step) are left out, so that the
    // script `pending_script` rebuilds from the history hashes the same.
    fnv(script
        .statements()
        .filter(|s| s.step.is_some())
        .flat_map(|s| s.sql.bytes().chain(*b";\n")))
}

async fn connect(url: &str) -> miette::Result<MySqlConnection> {
    session(url).await.map_err(|e| {
        unreachable(
            url,
            e,
            "check that the server is running and the URL names a database",
        )
    })
}

/// The diagnostic for a connection to `url` that failed with `e`: a TLS
/// hint (docs/tls.md) when the failure is about TLS, `help` otherwise.
pub(crate) fn unreachable(url: &str, e: impl std::fmt::Display, help: &str) -> miette::Report {
    let e = e.to_string();
    let help = crate::dialect::tls::hint(crate::ir::DialectKind::Mysql, &e)
        .unwrap_or_else(|| help.to_string());
    miette::miette!(
        code = "strata::mysql::connect",
        help = help,
        "cannot connect to {}: {e}",
        crate::url::redact(url)
    )
}

pub async fn apply(
    url: &str,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    let mut conn = connect(url).await?;
    let result = run(url, &mut conn, script, options).await;
    set_running(None);
    // Releases the lock too; a closed connection would release it anyway.
    let _ = sqlx::query("DO RELEASE_LOCK(CONCAT('strata_apply:', DATABASE()))")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    result
}

/// Takes the named lock, saying so when another apply holds it, and
/// naming the holder when it gives up: often a statement of a stopped
/// strata that the server is still finishing.
async fn take_lock(conn: &mut MySqlConnection, patience: Duration) -> miette::Result<()> {
    for wait in [Duration::ZERO, patience] {
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
        help = "another `strata apply` is running on this database, or the server is still finishing a statement of one that was stopped; wait for it to finish",
        "another apply held the lock on this database{} for {patience:?}; nothing was applied",
        lock_holder(conn).await
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

/// The per-statement lock wait, and the plan's starting state checked
/// under the lock (the database unchanged since it was planned).
async fn settle(
    conn: &mut MySqlConnection,
    url: &str,
    options: &ApplyOptions,
) -> miette::Result<Option<Duration>> {
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
    Ok(wait)
}

/// The run to continue and what of it is applied, or a fresh run recorded.
/// Resuming, the first pending statement, if it was started, is checked
/// on the server first (a note says what was found).
async fn prepare(
    url: &str,
    conn: &mut MySqlConnection,
    script: &Script,
    options: &ApplyOptions,
    report: &mut ApplyReport,
) -> miette::Result<(Run, BTreeSet<i64>)> {
    history::ensure(conn, &options.history).await?;
    let hash = plan_hash(script);
    // Where each recorded statement stands in the script (session
    // settings are not recorded), for numbers in messages.
    let positions: Vec<usize> = script
        .statements()
        .enumerate()
        .filter(|(_, s)| s.step.is_some())
        .map(|(i, _)| i)
        .collect();
    if options.resume {
        if let Some(run) = history::pending_run(conn, &options.history, Some(&hash)).await? {
            let rows = history::rows(conn, &run).await?;
            let applied = rows.iter().filter(|r| r.applied).map(|r| r.index).collect();
            if let Some(row) = rows.iter().find(|r| !r.applied && r.started) {
                let number = positions.get(row.index as usize).map_or(0, |p| p + 1);
                report
                    .notes
                    .push(check_interrupted(url, conn, row, number).await?);
            }
            return Ok((run, applied));
        }
    }
    let run = Run {
        hash,
        id: crate::dialect::audit::new_run_id(),
        table: history::table_sql(&options.history),
    };
    let recorded: Vec<&Statement> = script.statements().filter(|s| s.step.is_some()).collect();
    history::record(conn, &run, &recorded).await?;
    Ok((run, BTreeSet::new()))
}

async fn run(
    url: &str,
    conn: &mut MySqlConnection,
    script: &Script,
    options: &ApplyOptions,
) -> miette::Result<ApplyReport> {
    take_lock(conn, options.apply_lock_wait()).await?;
    let wait = settle(conn, url, options).await?;
    let mut report = ApplyReport::default();
    let (run, applied) = prepare(url, conn, script, options, &mut report).await?;
    let connection: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| miette::miette!("cannot read the connection id: {}", db_error(e)))?;

    let statements: Vec<_> = script.statements().collect();
    let total = statements.len();
    let mut done: Vec<(usize, String)> = Vec::new();
    // Index among the recorded statements (session settings are not).
    let mut recorded = 0i64;
    for (i, st) in statements.iter().enumerate() {
        let idx = recorded;
        let step = st.step.is_some();
        if step {
            recorded += 1;
        }
        // Session settings (no step, or a trigger's `sql_mode` set and put
        // back around it) run every time; they change nothing that lasts.
        let session = st.sql.starts_with("SET ");
        if step && applied.contains(&idx) && !session {
            done.push((i, first_line(&st.sql)));
            continue;
        }
        if step {
            let catalog = super::resume::catalog_fingerprint(url).await?;
            history::started(conn, &run, idx, connection, &catalog).await?;
        }
        set_running(Some(Running {
            number: i + 1,
            total,
            phase: 0,
            sql: st.sql.clone(),
            transactional: false,
        }));
        let result = execute(conn, &st.sql, wait).await;
        if result.is_ok() {
            completed();
        } else {
            set_running(None);
        }
        if let Err((e, retries)) = result {
            // The server answered: the statement is over, and MySQL's DDL
            // took no effect. Any other error (the connection lost) leaves
            // it in flight for resume to check.
            // A killed connection answers too, and cannot write: the row
            // then stays in flight, for resume to check.
            if step && matches!(e, sqlx::Error::Database(_)) {
                let _ = history::refused(conn, &run, idx).await;
            }
            return Err(failure(&run, i, total, st, (e, retries), &done));
        }
        if step {
            history::applied(conn, &run, idx).await.map_err(|e| {
                miette::miette!(
                    code = "strata::mysql::history",
                    help = format!(
                        "strata apply --resume checks on the server whether it took effect"
                    ),
                    "statement #{} ran but recording it in {HISTORY_TABLE} failed: {e}",
                    i + 1,
                )
            })?;
            done.push((i, first_line(&st.sql)));
        }
        report.executed.push(st.sql.clone());
    }
    Ok(report)
}

/// The error of statement `i` (0-based) of `total`, saying what is
/// applied — only what the server confirmed or the history records.
fn failure(
    run: &Run,
    i: usize,
    total: usize,
    st: &Statement,
    (e, retries): (sqlx::Error, u32),
    done: &[(usize, String)],
) -> miette::Report {
    let answered = matches!(e, sqlx::Error::Database(_));
    let before = if done.is_empty() {
        "no statement before it in this plan is applied".to_string()
    } else {
        let list = done
            .iter()
            .map(|(n, s)| format!("  #{} {s}", n + 1))
            .collect::<Vec<_>>()
            .join("\n");
        format!(
            "applied before it ({} of {total}, recorded in {HISTORY_TABLE} under plan {}):\n{list}",
            done.len(),
            run.hash
        )
    };
    let (state, help) = if is_lock_timeout(&e) {
        (
            "it gave up waiting for a lock, so it took no effect".to_string(),
            format!(
                "another session held a lock this statement needs ({} attempts): find it in SHOW PROCESSLIST, then `strata apply --resume` continues from statement #{}; --lock-timeout raises the wait (0 waits forever)",
                retries + 1,
                i + 1
            ),
        )
    } else if answered {
        (
            "the server refused it, so it took no effect".to_string(),
            format!(
                "MySQL DDL is not transactional: fix the cause and `strata apply --resume` continues from statement #{}; or `strata apply --to <schema>` plans afresh from where the database stands",
                i + 1
            ),
        )
    } else {
        (
            "the connection was lost before the server answered, so the server may have finished it".to_string(),
            "`strata apply --resume` checks on the server whether it took effect before running anything; `strata apply --to <schema>` plans afresh from where the database stands".to_string(),
        )
    };
    miette::miette!(
        code = "strata::mysql::apply_failed",
        help = help,
        "statement #{} of {total} failed: {}\n{}\n{state}; {before}",
        i + 1,
        db_error(e),
        st.sql,
    )
}

/// The plan whose apply did not finish, rebuilt from `strata_history`
/// (its statements, in order, with the same hash — checked, so that a
/// history edited or cut short is refused rather than half replayed).
/// `None` when every recorded run finished or was superseded: a fresh
/// apply supersedes an unfinished run, so at most one is pending.
pub async fn pending_script(url: &str, place: &Place) -> miette::Result<Option<Pending>> {
    let mut conn = connect(url).await?;
    let result = read_pending(&mut conn, place).await;
    let _ = conn.close().await;
    result
}

async fn read_pending(
    conn: &mut MySqlConnection,
    place: &Place,
) -> miette::Result<Option<Pending>> {
    let Some(run) = history::pending_run(conn, place, None).await? else {
        return Ok(None);
    };
    let rows = history::rows(conn, &run).await?;
    let applied = rows.iter().take_while(|r| r.applied).count();
    let gapped = rows.iter().enumerate().any(|(i, r)| r.index != i as i64)
        || rows[applied..].iter().any(|r| r.applied);
    let statements = rows
        .into_iter()
        .map(|Row { index, sql, .. }| Statement {
            sql,
            step: Some(index.max(0) as usize),
            hazards: Vec::new(),
        })
        .collect();
    let script = Script {
        phases: vec![crate::dialect::Phase {
            transactional: false,
            statements,
        }],
    };
    let hash = run.hash;
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

/// The integer a `SELECT COUNT(*) …` returns (pre-flight checks).
/// `information_schema.TABLES`: `TABLE_ROWS` (InnoDB's estimate) and
/// `DATA_LENGTH + INDEX_LENGTH`.
pub fn size_queries(table: &crate::ir::Name) -> [String; 2] {
    let schema = match &table.schema {
        Some(s) => super::quote::string(s),
        None => "DATABASE()".to_string(),
    };
    let of = |column: &str| {
        format!(
            "SELECT CAST(COALESCE((SELECT {column} FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {}), -1) AS SIGNED)",
            super::quote::string(&table.name)
        )
    };
    [of("TABLE_ROWS"), of("DATA_LENGTH + INDEX_LENGTH")]
}

pub async fn count(url: &str, sql: &str) -> miette::Result<i64> {
    let real_url = crate::url::with_scheme(url, "mysql");
    let mut conn = <sqlx::mysql::MySqlConnection as sqlx::Connection>::connect(&real_url)
        .await
        .map_err(|e| {
            unreachable(
                url,
                e,
                "check that the server is running and the URL names a database",
            )
        })?;
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| miette::miette!("{e}\n{sql}"));
    let _ = sqlx::Connection::close(conn).await;
    n
}

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
