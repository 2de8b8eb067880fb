//! One plan statement run on the rehearsal database, measured: its time,
//! the table locks its session held (sampled from a second connection
//! every few milliseconds while it runs; for a statement that runs in a
//! transaction also read exactly, before COMMIT), and the tables whose
//! storage it replaced (`relfilenode` changed: a rewrite).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::{Connection, PgConnection, Row};

/// A lock on a table (`schema.table`), in PostgreSQL's words
/// (`AccessExclusiveLock`, `ShareLock`, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Lock {
    pub table: String,
    pub mode: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub seconds: f64,
    pub locks: Vec<Lock>,
    /// Tables whose storage the statement replaced.
    pub rewrote: Vec<String>,
}

const TABLE_LOCKS: &str = "SELECT n.nspname || '.' || c.relname AS t, l.mode \
     FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE l.pid = $1 AND l.granted AND c.relkind IN ('r', 'p', 'm') \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

const FILENODES: &str = "SELECT n.nspname || '.' || c.relname AS t, c.relfilenode::bigint AS f \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'm') \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

const SAMPLE_EVERY: Duration = Duration::from_millis(5);

async fn filenodes(c: &mut PgConnection) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let rows = sqlx::query(FILENODES).fetch_all(c).await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>("t")?, r.try_get::<i64, _>("f")?)))
        .collect()
}

async fn locks_of(c: &mut PgConnection, pid: i32) -> Result<Vec<Lock>, sqlx::Error> {
    let rows = sqlx::query(TABLE_LOCKS).bind(pid).fetch_all(c).await?;
    rows.iter()
        .map(|r| {
            Ok(Lock {
                table: r.try_get("t")?,
                mode: r.try_get("mode")?,
            })
        })
        .collect()
}

/// Runs `sql` on `conn` (in a transaction of its own when
/// `transactional`), sampling its locks through `sampler`.
pub async fn run(
    conn: &mut PgConnection,
    sampler: &mut PgConnection,
    sql: &str,
    transactional: bool,
) -> Result<Measured, sqlx::Error> {
    let before = filenodes(conn).await?;
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await?;
    let done = Cell::new(false);
    let mut seen = BTreeSet::new();
    let work = async {
        let ran = execute(conn, sql, transactional, pid).await;
        // Set on success and failure alike: the sampler stops on it.
        done.set(true);
        ran
    };
    let sample = async {
        while !done.get() {
            if let Ok(found) = locks_of(sampler, pid).await {
                seen.extend(found);
            }
            tokio::time::sleep(SAMPLE_EVERY).await;
        }
    };
    let (ran, ()) = futures::join!(work, sample);
    let (seconds, held) = ran?;
    seen.extend(held);
    let after = filenodes(conn).await?;
    let rewrote = before
        .iter()
        .filter(|(t, f)| after.get(*t).is_some_and(|g| g != *f))
        .map(|(t, _)| t.clone())
        .collect();
    Ok(Measured {
        seconds,
        locks: seen.into_iter().collect(),
        rewrote,
    })
}

/// The statement's time, and (in a transaction) the locks it holds
/// before COMMIT releases them.
async fn execute(
    conn: &mut PgConnection,
    sql: &str,
    transactional: bool,
    pid: i32,
) -> Result<(f64, Vec<Lock>), sqlx::Error> {
    if transactional {
        sqlx::raw_sql("BEGIN").execute(&mut *conn).await?;
    }
    let start = Instant::now();
    let ran = sqlx::raw_sql(sql).execute(&mut *conn).await;
    let seconds = start.elapsed().as_secs_f64();
    if !transactional {
        return ran.map(|_| (seconds, Vec::new()));
    }
    let held = match &ran {
        Ok(_) => locks_of(conn, pid).await?,
        Err(_) => Vec::new(),
    };
    let end = if ran.is_ok() { "COMMIT" } else { "ROLLBACK" };
    sqlx::raw_sql(end).execute(&mut *conn).await?;
    ran.map(|_| (seconds, held))
}

/// Opens the sampler's connection.
pub async fn sampler(url: &str) -> Result<PgConnection, sqlx::Error> {
    let c = crate::dialect::postgres::connect::connect(url).await?;
    Ok(c)
}

/// Closes a connection; how it closes does not matter to the report.
pub async fn close(c: PgConnection) {
    let _ = c.close().await;
}
