//! `strata_history`, the record MySQL/MariaDB applies keep of themselves.
//! DDL there commits statement by statement, so the record is what lets
//! an apply that stopped half-way be continued — and what tells, after a
//! crash, which statement was in flight.
//!
//! One row per statement of one run of a plan (`plan_hash`, `run_id`,
//! `statement_index`). Before a statement runs, its row gets `started_at`,
//! the connection running it and a fingerprint of the catalog; once the
//! server answered OK, `applied_at`. Rows are never deleted: a fresh run
//! marks the pending rows of older runs `superseded_by` itself.

use sqlx::mysql::MySqlConnection;
use sqlx::{Connection, Executor};

use super::HISTORY_TABLE;
use crate::dialect::audit::{Entry, Place};
use crate::dialect::Statement;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS `strata_history` (\n  \
`plan_hash` char(16) NOT NULL,\n  \
`run_id` char(16) NOT NULL DEFAULT '',\n  \
`statement_index` int NOT NULL,\n  \
`statement` longtext NOT NULL,\n  \
`started_at` timestamp(6) NULL DEFAULT NULL,\n  \
`connection_id` bigint unsigned NULL DEFAULT NULL,\n  \
`catalog_before` char(16) NULL DEFAULT NULL,\n  \
`applied_at` timestamp(6) NULL DEFAULT NULL,\n  \
`superseded_by` char(16) NULL DEFAULT NULL,\n  \
`db_user` varchar(288) NULL DEFAULT NULL,\n  \
`os_user` varchar(255) NULL DEFAULT NULL,\n  \
PRIMARY KEY (`plan_hash`, `run_id`, `statement_index`)\n)";

/// The columns a history table made by strata 0.1 lacks; added in place,
/// its rows kept (as run '').
const UPGRADE: &str = "ALTER TABLE `strata_history` \
ADD COLUMN `run_id` char(16) NOT NULL DEFAULT '' AFTER `plan_hash`, \
ADD COLUMN `started_at` timestamp(6) NULL DEFAULT NULL AFTER `statement`, \
ADD COLUMN `connection_id` bigint unsigned NULL DEFAULT NULL AFTER `started_at`, \
ADD COLUMN `catalog_before` char(16) NULL DEFAULT NULL AFTER `connection_id`, \
ADD COLUMN `superseded_by` char(16) NULL DEFAULT NULL, \
DROP PRIMARY KEY, ADD PRIMARY KEY (`plan_hash`, `run_id`, `statement_index`)";

/// Who ran each apply: columns a history table made by strata 0.2 lacks.
const UPGRADE_WHO: &str = "ALTER TABLE `strata_history` \
ADD COLUMN `db_user` varchar(288) NULL DEFAULT NULL, \
ADD COLUMN `os_user` varchar(255) NULL DEFAULT NULL";

/// One recorded statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub index: i64,
    pub sql: String,
    pub applied: bool,
    /// Started by the connection `connection_id`, with the catalog
    /// fingerprinted as `catalog_before` just before.
    pub started: bool,
    pub connection_id: Option<u64>,
    pub catalog_before: Option<String>,
}

/// A run of a plan: its identity in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub hash: String,
    pub id: String,
    /// The history table it is recorded in, quoted for SQL.
    pub table: String,
}

/// The history table at `place`, quoted: `db`.`table` when the place
/// names a database, else in the application's database.
pub fn table_sql(place: &Place) -> String {
    super::quote::name(&crate::ir::Name {
        schema: place.schema.clone(),
        name: place.table.clone(),
    })
}

/// `sql` (written for the default table) for the table at `place`.
fn at(sql: &str, place: &Place) -> String {
    sql.replace("`strata_history`", &table_sql(place))
}

pub fn db_error(e: sqlx::Error) -> String {
    match &e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("{} (SQLSTATE {code})", d.message()),
            None => d.message().to_string(),
        },
        other => other.to_string(),
    }
}

/// The error of a failed `action` (create, read, write) on the history table.
pub fn error(action: &'static str) -> impl Fn(sqlx::Error) -> miette::Report {
    move |e| {
        miette::miette!(
            code = "strata::mysql::history",
            "cannot {action} {HISTORY_TABLE}: {}",
            db_error(e)
        )
    }
}

async fn exists(conn: &mut MySqlConnection, place: &Place) -> miette::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
    )
    .bind(&place.schema)
    .bind(&place.table)
    .fetch_one(&mut *conn)
    .await
    .map_err(error("read"))?;
    Ok(n > 0)
}

async fn has_runs(conn: &mut MySqlConnection, place: &Place) -> miette::Result<bool> {
    has_column(conn, place, "run_id").await
}

async fn has_column(
    conn: &mut MySqlConnection,
    place: &Place,
    column: &str,
) -> miette::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?",
    )
    .bind(&place.schema)
    .bind(&place.table)
    .bind(column)
    .fetch_one(&mut *conn)
    .await
    .map_err(error("read"))?;
    Ok(n > 0)
}

/// Creates the table, or brings an older one up to date. Called under
/// the apply lock, so two applies never upgrade it at once.
/// A database named by `place` is created when missing, as PostgreSQL's
/// history schema is.
pub async fn ensure(conn: &mut MySqlConnection, place: &Place) -> miette::Result<()> {
    if let Some(db) = &place.schema {
        let sql = format!("CREATE DATABASE IF NOT EXISTS {}", super::quote::ident(db));
        conn.execute(sql.as_str()).await.map_err(error("create"))?;
    }
    conn.execute(at(CREATE, place).as_str())
        .await
        .map_err(error("create"))?;
    if !has_runs(conn, place).await? {
        conn.execute(at(UPGRADE, place).as_str())
            .await
            .map_err(error("upgrade"))?;
    }
    if !has_column(conn, place, "os_user").await? {
        conn.execute(at(UPGRADE_WHO, place).as_str())
            .await
            .map_err(error("upgrade"))?;
    }
    Ok(())
}

/// Records a new run of the plan, every statement pending, and marks the
/// pending rows of every other run superseded by it (a fresh plan was
/// made from where the database stands). One transaction.
pub async fn record(
    conn: &mut MySqlConnection,
    run: &Run,
    statements: &[&Statement],
) -> miette::Result<()> {
    let mut tx = conn.begin().await.map_err(error("write"))?;
    let table = &run.table;
    sqlx::query(&format!(
        "UPDATE {table} SET superseded_by = ? WHERE applied_at IS NULL AND superseded_by IS NULL"
    ))
    .bind(&run.id)
    .execute(&mut *tx)
    .await
    .map_err(error("write"))?;
    for (i, st) in statements.iter().enumerate() {
        sqlx::query(&format!(
            "INSERT INTO {table} (plan_hash, run_id, statement_index, statement, db_user, os_user) \
             VALUES (?, ?, ?, ?, CURRENT_USER(), ?)"
        ))
        .bind(&run.hash)
        .bind(&run.id)
        .bind(i as i64)
        .bind(&st.sql)
        .bind(crate::dialect::audit::os_user())
        .execute(&mut *tx)
        .await
        .map_err(error("write"))?;
    }
    tx.commit().await.map_err(error("write"))
}

/// The latest run still pending (some statement not applied, not
/// superseded): of the plan `hash` when given, of any plan otherwise.
pub async fn pending_run(
    conn: &mut MySqlConnection,
    place: &Place,
    hash: Option<&str>,
) -> miette::Result<Option<Run>> {
    if !exists(conn, place).await? || !has_runs(conn, place).await? {
        return Ok(None);
    }
    let filter = if hash.is_some() {
        "AND plan_hash = ?"
    } else {
        ""
    };
    let table = table_sql(place);
    let sql = format!(
        "SELECT plan_hash, run_id FROM {table} WHERE superseded_by IS NULL {filter} \
         GROUP BY plan_hash, run_id HAVING SUM(applied_at IS NULL) > 0 \
         ORDER BY run_id DESC LIMIT 1"
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    if let Some(h) = hash {
        q = q.bind(h);
    }
    let found = q.fetch_optional(&mut *conn).await.map_err(error("read"))?;
    Ok(found.map(|(hash, id)| Run { hash, id, table }))
}

/// A [`Row`] as the query reads it.
type RowTuple = (i64, String, bool, bool, Option<u64>, Option<String>);

/// The rows of one run, in statement order.
pub async fn rows(conn: &mut MySqlConnection, run: &Run) -> miette::Result<Vec<Row>> {
    let rows: Vec<RowTuple> = sqlx::query_as(&format!(
        "SELECT CAST(statement_index AS SIGNED), statement, applied_at IS NOT NULL, \
             started_at IS NOT NULL, connection_id, catalog_before \
             FROM {} WHERE plan_hash = ? AND run_id = ? ORDER BY statement_index",
        run.table
    ))
    .bind(&run.hash)
    .bind(&run.id)
    .fetch_all(&mut *conn)
    .await
    .map_err(error("read"))?;
    Ok(rows
        .into_iter()
        .map(
            |(index, sql, applied, started, connection_id, catalog_before)| Row {
                index,
                sql,
                applied,
                started,
                connection_id,
                catalog_before,
            },
        )
        .collect())
}

/// An UPDATE of one statement row, before its `SET` values are bound.
type Update<'q> = sqlx::query::Query<'q, sqlx::MySql, sqlx::mysql::MySqlArguments>;

/// Sets `set` on the row of statement `index` of `run`; `bind` binds the
/// `?`s of `set`, which come before those of the row's key.
async fn update_row(
    conn: &mut MySqlConnection,
    run: &Run,
    index: i64,
    set: &str,
    bind: impl for<'q> FnOnce(Update<'q>) -> Update<'q>,
) -> miette::Result<()> {
    let sql = format!(
        "UPDATE {} SET {set} WHERE plan_hash = ? AND run_id = ? AND statement_index = ?",
        run.table
    );
    bind(sqlx::query(&sql))
        .bind(&run.hash)
        .bind(&run.id)
        .bind(index)
        .execute(&mut *conn)
        .await
        .map_err(error("write"))?;
    Ok(())
}

/// Statement `index` is about to run on connection `connection`, the
/// catalog fingerprinted `catalog` just before.
pub async fn started(
    conn: &mut MySqlConnection,
    run: &Run,
    index: i64,
    connection: u64,
    catalog: &str,
) -> miette::Result<()> {
    let catalog = catalog.to_owned();
    update_row(
        conn,
        run,
        index,
        "started_at = CURRENT_TIMESTAMP(6), connection_id = ?, catalog_before = ?",
        |q| q.bind(connection).bind(catalog),
    )
    .await
}

/// The server refused statement `index`: nothing of it is in flight.
pub async fn refused(conn: &mut MySqlConnection, run: &Run, index: i64) -> miette::Result<()> {
    update_row(
        conn,
        run,
        index,
        "started_at = NULL, connection_id = NULL, catalog_before = NULL",
        |q| q,
    )
    .await
}

/// Statement `index` succeeded.
pub async fn applied(conn: &mut MySqlConnection, run: &Run, index: i64) -> miette::Result<()> {
    update_row(conn, run, index, "applied_at = CURRENT_TIMESTAMP(6)", |q| q).await
}

/// A statement row as [`list`] reads it.
type ListTuple = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The recorded runs as audit entries, oldest first: the statements of
/// each, and how far it got.
pub async fn list(url: &str, place: &Place) -> miette::Result<Vec<Entry>> {
    let mut conn = super::apply::session(url).await.map_err(error("read"))?;
    conn.execute("SET time_zone = '+00:00'")
        .await
        .map_err(error("read"))?;
    if !exists(&mut conn, place).await? {
        return Ok(Vec::new());
    }
    // Listing changes nothing: a table from before `db_user` reads as
    // nobody known.
    let who = if has_column(&mut conn, place, "os_user").await? {
        "db_user, os_user"
    } else {
        "NULL, NULL"
    };
    let utc = |c: &str| format!("DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%sZ')");
    let rows: Vec<ListTuple> = sqlx::query_as(&format!(
        "SELECT plan_hash, run_id, statement, {}, {}, superseded_by, {who} \
         FROM {} ORDER BY run_id, plan_hash, statement_index",
        utc("started_at"),
        utc("applied_at"),
        table_sql(place)
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(error("read"))?;
    let _ = conn.close().await;
    let mut out: Vec<(Entry, usize, usize)> = Vec::new();
    for (hash, id, sql, started, applied, superseded, db_user, os_user) in rows {
        let same = out
            .last()
            .is_some_and(|(e, _, _)| e.run_id == id && e.plan_hash == hash);
        if !same {
            out.push((
                Entry {
                    run_id: id,
                    plan_hash: hash,
                    started_at: started.clone(),
                    finished_at: None,
                    db_user,
                    os_user,
                    sql: String::new(),
                    outcome: String::new(),
                },
                0,
                0,
            ));
        }
        if let Some((e, total, done)) = out.last_mut() {
            e.sql.push_str(&format!("{sql};\n"));
            e.started_at = e.started_at.take().or(started);
            if let (Some(s), true) = (superseded, e.outcome.is_empty()) {
                e.outcome = format!("superseded by {s}");
            }
            *total += 1;
            if applied.is_some() {
                *done += 1;
                e.finished_at = applied;
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(mut e, total, done)| {
            if e.outcome.is_empty() {
                e.outcome = if done == total {
                    "applied".to_string()
                } else {
                    format!("unfinished: {done} of {total} applied")
                };
            }
            e
        })
        .collect())
}
