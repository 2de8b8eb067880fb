//! View bodies as the server prints them.
//!
//! PostgreSQL keeps a view's query parsed and prints it back
//! (`pg_get_viewdef`) in its own spelling: columns qualified, casts made
//! explicit, its own layout. Text normalization cannot infer what the
//! parser adds (`status = 'active'` becomes `status = 'active'::text` only
//! because `status` is `text`), so a view written the natural way would be
//! planned again after every apply. Where a desired view's body differs
//! from the database's, the server itself prints the desired body, from a
//! temporary view created in a transaction that is rolled back; when the
//! two prints agree the bodies mean the same, and the desired view takes
//! the server's text.
//!
//! A body the server cannot create yet (it reads a table the plan is about
//! to add) is left as written: the plan replaces the view, and once the
//! tables exist the next comparison can ask the server.
//!
//! The file is named for what it asks of a live server, its spelling, as
//! opposed to `normalize.rs`, the canonical form strata computes offline
//! (it was `canonical.rs`, which read as one more offline canonical form).

use std::collections::BTreeMap;

use sqlx::{Connection, PgConnection};

use super::expr::{self, Context};
use super::normalize::name;
use super::quote::{ident, idents};
use crate::ir::{Name, Schema, View};

/// Replaces the body of every view in `desired` that means the same as
/// the body of the view of that name in `db` (the schema introspected
/// from `url`) by the server's print of it. Returns how many it aligned.
pub async fn align_view_bodies(
    url: &str,
    db: &Schema,
    desired: &mut Schema,
) -> miette::Result<usize> {
    let candidates = differing(db, desired);
    if candidates.is_empty() {
        return Ok(0);
    }
    let mut conn = super::connect::connect(url)
        .await
        .map_err(|e| super::connect::unreachable(url, e))?;
    let mut tx = conn.begin().await.map_err(server)?;
    let mut aligned = 0;
    for (key, have) in candidates {
        let Some(view) = desired.views.get_mut(&key) else {
            continue;
        };
        if let Some(printed) = print(&mut tx, view).await? {
            if body(&printed) == body(&have.body) {
                // The server folds a column list into the body's aliases.
                view.body = printed;
                view.columns = have.columns.clone();
                aligned += 1;
            }
        }
    }
    // Nothing of the probes may stay: the transaction only ever held
    // temporary views.
    tx.rollback().await.map_err(server)?;
    let _ = conn.close().await;
    Ok(aligned)
}

/// The desired views whose body or column list differs from the
/// database's view of the same name and kind, with that view.
fn differing<'a>(db: &'a Schema, desired: &Schema) -> Vec<(Name, &'a View)> {
    let have: BTreeMap<Name, &View> = db.views.values().map(|v| (name(&v.name), v)).collect();
    desired
        .views
        .iter()
        .filter_map(|(key, want)| {
            let have = *have.get(&name(&want.name))?;
            let differs = have.columns != want.columns || body(&have.body) != body(&want.body);
            (have.materialized == want.materialized && differs).then(|| (key.clone(), have))
        })
        .collect()
}

/// A body as the normalizer compares it. Both sides are the server's
/// prints, so no cast needs to be told apart from one the server adds.
fn body(sql: &str) -> String {
    expr::normalize(sql, &Context::default())
}

/// The server's print of `view`'s body, or `None` when the server cannot
/// create it as things stand.
async fn print(conn: &mut PgConnection, view: &View) -> miette::Result<Option<String>> {
    const PROBE: &str = "strata_canonical_view";
    sqlx::query("SAVEPOINT strata_canonical")
        .execute(&mut *conn)
        .await
        .map_err(server)?;
    let columns = if view.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&view.columns))
    };
    let create = format!(
        "CREATE TEMPORARY VIEW {}{columns} AS {}",
        ident(PROBE),
        view.body.trim().trim_end_matches(';')
    );
    let printed = match sqlx::raw_sql(&create).execute(&mut *conn).await {
        Ok(_) => {
            let read = format!("SELECT pg_get_viewdef('pg_temp.{PROBE}'::regclass, true)");
            Some(
                sqlx::query_scalar::<_, String>(&read)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(server)?,
            )
        }
        Err(_) => None,
    };
    sqlx::query("ROLLBACK TO SAVEPOINT strata_canonical")
        .execute(&mut *conn)
        .await
        .map_err(server)?;
    Ok(printed)
}

fn server(e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::postgres::canonical",
        "while asking the server how it prints a view: {e}"
    )
}
