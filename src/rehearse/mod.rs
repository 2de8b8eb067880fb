//! `strata rehearse`: the plan run on a scratch copy of the current schema
//! filled with generated rows, each statement measured (time, table locks,
//! rewrites) and its time scaled to the live database's row counts.
//! PostgreSQL only. See docs/rehearse.md.

pub mod fill;
pub mod measure;
pub mod report;

use std::collections::BTreeMap;

use sqlx::{PgConnection, Row};

use crate::dialect::{self, ApplyOptions, EmitOptions, Scratch};
use crate::ir::{DialectKind, Name, Schema};
use crate::migration::Migration;
use report::{Report, StepReport, TableRows};

/// How many rows each table gets.
#[derive(Debug, Clone)]
pub struct Rows {
    /// `schema.table` → rows, from `--rows`; wins over the live count.
    pub given: BTreeMap<String, u64>,
    /// At most this many rows per table taken from the live count.
    pub max: u64,
}

/// `schema.table`, the key of row counts, locks and rewrites.
pub fn key(name: &Name) -> String {
    format!(
        "{}.{}",
        name.schema.as_deref().unwrap_or("public"),
        name.name
    )
}

fn server(what: &str, e: impl std::fmt::Display) -> miette::Report {
    miette::miette!(code = "strata::rehearse", "rehearsal: {what}: {e}")
}

/// The live database's row count per table: the planner's estimate
/// (`pg_class.reltuples`), or `count(*)` for a table never analyzed.
async fn live_rows(url: &str) -> miette::Result<BTreeMap<String, u64>> {
    let mut c = dialect::postgres::connect::connect(url)
        .await
        .map_err(|e| dialect::postgres::connect::unreachable(url, e))?;
    let rows = sqlx::query(
        "SELECT n.nspname AS s, c.relname AS t, c.reltuples::bigint AS n \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
         AND n.nspname NOT LIKE 'pg_toast%'",
    )
    .fetch_all(&mut c)
    .await
    .map_err(|e| server("reading row counts", e))?;
    let mut counts = BTreeMap::new();
    for r in rows {
        let (s, t, n): (String, String, i64) = (
            r.try_get("s")
                .map_err(|e| server("reading row counts", e))?,
            r.try_get("t")
                .map_err(|e| server("reading row counts", e))?,
            r.try_get("n")
                .map_err(|e| server("reading row counts", e))?,
        );
        let name = Name::qualified(s, t);
        let n = if n >= 0 {
            n
        } else {
            let sql = format!(
                "SELECT count(*) FROM {}",
                dialect::postgres::quote::name(&name)
            );
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&mut c)
                .await
                .map_err(|e| server("counting rows", e))?
        };
        counts.insert(key(&name), u64::try_from(n).unwrap_or(0));
    }
    measure::close(c).await;
    Ok(counts)
}

/// Rehearses `m` (planned from `current`, the schema of the database at
/// `live_url`) on a scratch database of the dev server.
pub async fn rehearse(
    live_url: &str,
    dev_url: Option<&str>,
    current: &Schema,
    m: &Migration,
    rows: &Rows,
) -> miette::Result<Report> {
    let live = live_rows(live_url).await?;
    let driver = dialect::driver(DialectKind::Postgres);
    let name = dialect::scratch_name("rehearse");
    let scratch = driver.create_scratch(dev_url, &name).await?;
    let result = on_scratch(&scratch, current, m, rows, &live).await;
    driver.drop_scratch(scratch).await?;
    result
}

async fn on_scratch(
    scratch: &Scratch,
    current: &Schema,
    m: &Migration,
    rows: &Rows,
    live: &BTreeMap<String, u64>,
) -> miette::Result<Report> {
    let d = dialect::for_kind(DialectKind::Postgres);
    let copy = crate::migration::migration(&Schema::default(), current, d, &EmitOptions::default())
        .map_err(|e| server("copying the schema", e))?;
    dialect::driver(DialectKind::Postgres)
        .apply(&scratch.url, &copy.up, &ApplyOptions::default())
        .await?;
    let connect = |url: &str| {
        let url = url.to_string();
        async move {
            dialect::postgres::connect::connect(&url)
                .await
                .map_err(|e| dialect::postgres::connect::unreachable(&url, e))
        }
    };
    let mut conn = connect(&scratch.url).await?;
    let tables = fill_all(&mut conn, current, rows, live).await?;
    let mut sampler = connect(&scratch.url).await?;
    let (steps, failed) = run_plan(&mut conn, &mut sampler, m, &tables).await;
    measure::close(sampler).await;
    measure::close(conn).await;
    Ok(Report {
        tables,
        steps,
        failed,
    })
}

/// Fills every table, parents first, then lets the planner see the rows.
async fn fill_all(
    conn: &mut PgConnection,
    current: &Schema,
    rows: &Rows,
    live: &BTreeMap<String, u64>,
) -> miette::Result<Vec<TableRows>> {
    let mut filled: BTreeMap<Name, u64> = BTreeMap::new();
    let mut report = Vec::new();
    for t in fill::parents_first(current) {
        let k = key(&t.name);
        let live_n = live.get(&k).copied().unwrap_or(0);
        let want = rows.given.get(&k).copied().unwrap_or(live_n.min(rows.max));
        let outcome = match fill::insert(current, t, want, &filled) {
            Ok(sql) => sqlx::raw_sql(&sql)
                .execute(&mut *conn)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(why) => Err(why),
        };
        let (rehearsed, note) = match outcome {
            Ok(()) => (want, None),
            Err(why) if want > 0 => (0, Some(format!("left empty: {why}"))),
            Err(_) => (0, None),
        };
        filled.insert(t.name.clone(), rehearsed);
        report.push(TableRows {
            table: k,
            live: live_n,
            rehearsed,
            note,
        });
    }
    sqlx::raw_sql("ANALYZE")
        .execute(&mut *conn)
        .await
        .map_err(|e| server("ANALYZE", e))?;
    Ok(report)
}

/// Runs the plan's statements one by one; stops at the first that fails
/// (returned as the error text).
async fn run_plan(
    conn: &mut PgConnection,
    sampler: &mut PgConnection,
    m: &Migration,
    tables: &[TableRows],
) -> (Vec<StepReport>, Option<String>) {
    let mut steps = Vec::new();
    for phase in &m.up.phases {
        for st in &phase.statements {
            let change = st
                .step
                .and_then(|i| m.plan.steps.get(i))
                .map(|s| crate::report::summary::line(&s.change));
            match measure::run(conn, sampler, &st.sql, phase.transactional).await {
                Ok(measured) => steps.push(StepReport::new(change, &st.sql, measured, tables)),
                Err(e) => {
                    return (
                        steps,
                        Some(format!("{}: {e}", dialect::first_line(&st.sql))),
                    )
                }
            }
        }
    }
    (steps, None)
}
