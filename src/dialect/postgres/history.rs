//! `strata_history` on PostgreSQL: one row per apply (see
//! `dialect/audit.rs`), in the schema `--history-table` names (created
//! when missing) or in `public`.

use sqlx::{Connection, PgConnection};

use super::quote::ident;
use crate::dialect::audit::{Entry, Place, Row};

fn error(action: &'static str) -> impl Fn(sqlx::Error) -> miette::Report {
    move |e| {
        miette::miette!(
            code = "strata::history",
            help = "the apply itself ended as reported; give the user the right to create and write the history table, or point --history-table elsewhere",
            "cannot {action} the history table: {e}"
        )
    }
}

fn qualified(place: &Place) -> String {
    match &place.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&place.table)),
        None => ident(&place.table),
    }
}

async fn connect(url: &str) -> miette::Result<PgConnection> {
    super::connect::connect(url)
        .await
        .map_err(|e| super::connect::unreachable(url, e))
}

pub async fn record(url: &str, place: &Place, e: &Entry) -> miette::Result<()> {
    let mut conn = connect(url).await?;
    let table = qualified(place);
    if let Some(s) = &place.schema {
        sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS {}", ident(s)))
            .execute(&mut conn)
            .await
            .map_err(error("create"))?;
    }
    sqlx::raw_sql(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n  \
         run_id text PRIMARY KEY,\n  \
         plan_hash text NOT NULL,\n  \
         started_at timestamptz NOT NULL,\n  \
         finished_at timestamptz NOT NULL DEFAULT now(),\n  \
         db_user text NOT NULL DEFAULT current_user,\n  \
         os_user text,\n  \
         statements text NOT NULL,\n  \
         outcome text NOT NULL\n)"
    ))
    .execute(&mut conn)
    .await
    .map_err(error("create"))?;
    sqlx::query(&format!(
        "INSERT INTO {table} (run_id, plan_hash, started_at, os_user, statements, outcome) \
         VALUES ($1, $2, $3::timestamptz, $4, $5, $6)"
    ))
    .bind(&e.run_id)
    .bind(&e.plan_hash)
    .bind(e.started_at.as_deref().unwrap_or("now"))
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
    let mut conn = connect(url).await?;
    let table = qualified(place);
    let exists: Option<String> = sqlx::query_scalar("SELECT to_regclass($1)::text")
        .bind(&table)
        .fetch_one(&mut conn)
        .await
        .map_err(error("read"))?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let utc =
        |c: &str| format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT run_id, plan_hash, {}, {}, db_user, os_user, statements, outcome \
         FROM {table} ORDER BY started_at, run_id",
        utc("started_at"),
        utc("finished_at")
    ))
    .fetch_all(&mut conn)
    .await
    .map_err(error("read"))?;
    let _ = conn.close().await;
    Ok(rows.into_iter().map(Entry::from).collect())
}
