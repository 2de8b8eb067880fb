//! `strata_history` on SQLite: one row per apply (see `dialect/audit.rs`),
//! in the database file itself. SQLite has no users: `db_user` stays
//! empty.

use sqlx::{Connection, SqliteConnection};

use super::quote::ident;
use crate::dialect::audit::{Entry, Place, Row};

fn error(action: &'static str) -> impl Fn(sqlx::Error) -> miette::Report {
    move |e| {
        miette::miette!(
            code = "strata::history",
            help = "the apply itself ended as reported; check that the database file is writable",
            "cannot {action} the history table: {e}"
        )
    }
}

async fn connect(url: &str, place: &Place) -> miette::Result<SqliteConnection> {
    if let Some(s) = &place.schema {
        return Err(miette::miette!(
            code = "strata::history::place",
            help = "give --history-table a table name only",
            "SQLite has no schema `{s}` to keep the history in"
        ));
    }
    let Some(options) = super::connect_options(url, false)? else {
        return Err(miette::miette!("cannot open {url}"));
    };
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| super::connect_error(url, e))
}

pub async fn record(url: &str, place: &Place, e: &Entry) -> miette::Result<()> {
    let mut conn = connect(url, place).await?;
    let table = ident(&place.table);
    sqlx::raw_sql(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n  \
         run_id text PRIMARY KEY,\n  \
         plan_hash text NOT NULL,\n  \
         started_at text NOT NULL,\n  \
         finished_at text NOT NULL,\n  \
         db_user text,\n  \
         os_user text,\n  \
         statements text NOT NULL,\n  \
         outcome text NOT NULL\n)"
    ))
    .execute(&mut conn)
    .await
    .map_err(error("create"))?;
    sqlx::query(&format!(
        "INSERT INTO {table} (run_id, plan_hash, started_at, finished_at, os_user, statements, outcome) \
         VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?)"
    ))
    .bind(&e.run_id)
    .bind(&e.plan_hash)
    .bind(&e.started_at)
    .bind(&e.os_user)
    .bind(&e.sql)
    .bind(&e.outcome)
    .execute(&mut conn)
    .await
    .map_err(error("write"))?;
    let _ = conn.close().await;
    Ok(())
}

pub async fn list(url: &str, place: &Place) -> miette::Result<Vec<Entry>> {
    let mut conn = connect(url, place).await?;
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
            .bind(&place.table)
            .fetch_one(&mut conn)
            .await
            .map_err(error("read"))?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT run_id, plan_hash, started_at, finished_at, NULL AS db_user, os_user, statements, outcome \
         FROM {} ORDER BY started_at, run_id",
        ident(&place.table)
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(error("read"))?;
    let _ = conn.close().await;
    Ok(rows.into_iter().map(Entry::from).collect())
}
