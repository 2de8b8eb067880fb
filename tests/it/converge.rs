//! The property every dialect must hold, against a real database: for
//! schemas A and B,
//! 1. applying plan(A → B) to a database holding A gives B (up converges);
//! 2. planning again right after is empty (no perpetual diff);
//! 3. applying the rollback gives A back (down restores).

#![allow(dead_code)]

use crate::support::apply;
use strata::dialect::ApplyOptions;
use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::migration;

/// The schema as the convergence checks compare it. PostgreSQL cannot
/// place a column (`ADD COLUMN` appends, and strata never rewrites a table
/// to move one), so there column order is not compared: a rollback that
/// re-adds a dropped column puts it last. MySQL and SQLite keep positions
/// and are compared with them.
fn comparable(s: &Schema) -> Schema {
    let mut s = s.clone();
    if s.dialect == Some(DialectKind::Postgres) {
        for t in s.tables.values_mut() {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    s
}

/// A readable difference between two schemas, or `None` when equal.
pub fn schema_diff(expected: &Schema, actual: &Schema) -> Option<String> {
    let (expected, actual) = (&comparable(expected), &comparable(actual));
    if expected == actual {
        return None;
    }
    let e = serde_yaml_ng::to_string(expected).unwrap_or_default();
    let a = serde_yaml_ng::to_string(actual).unwrap_or_default();
    let diff = similar::TextDiff::from_lines(&e, &a)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Some(if diff.is_empty() {
        format!("{expected:#?}\n!=\n{actual:#?}")
    } else {
        diff
    })
}

async fn inspect(url: &str) -> Result<Schema, String> {
    strata::source::introspect(url, &[])
        .await
        .map(|i| i.schema)
        .map_err(|e| format!("introspect: {e:?}"))
}

async fn run(url: &str, from: &Schema, to: &Schema, what: &str) -> Result<(), String> {
    let kind = strata::url::dialect_of_url(url).ok_or("not a database URL")?;
    let d = dialect::for_kind(kind);
    let m = migration(from, to, d, &EmitOptions::default())
        .map_err(|e| format!("{what}: plan: {e:?}"))?;
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| {
            format!(
                "{what}: apply: {e:?}\nSQL:\n{}",
                strata::report::sql::render(d, &m.up)
            )
        })?;
    Ok(())
}

/// Puts `a` into the empty database at `url`, then checks the three
/// properties for `a → b`. Returns a message naming the broken property.
pub async fn converge(url: &str, a: &Schema, b: &Schema) -> Result<(), String> {
    converge_inner(url, a, b, false).await
}

/// As [`converge`], with three rows in every table of `a` before the
/// migration; the values in every column that survives must survive the
/// migration and its rollback (`crate::gen` makes such rows).
pub async fn converge_with_rows(url: &str, a: &Schema, b: &Schema) -> Result<(), String> {
    converge_inner(url, a, b, true).await
}

async fn converge_inner(url: &str, a: &Schema, b: &Schema, rows: bool) -> Result<(), String> {
    let kind = strata::url::dialect_of_url(url).ok_or("not a database URL")?;
    let d = dialect::for_kind(kind);
    let empty = inspect(url).await?;
    run(url, &empty, a, "set up A").await?;
    let start = inspect(url).await?;
    if let Some(diff) = schema_diff(&d.normalize(&a.without_hints()), &d.normalize(&start)) {
        return Err(format!("setting up A did not converge:\n{diff}"));
    }
    if rows {
        crate::support::exec(url, &crate::gen::seed_rows(a, kind)).await?;
    }

    let m =
        migration(&start, b, d, &EmitOptions::default()).map_err(|e| format!("plan A→B: {e:?}"))?;
    let up_sql = strata::report::sql::render(d, &m.up);
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("apply A→B failed: {e:?}\nSQL:\n{up_sql}"))?;
    let after = inspect(url).await?;
    if let Some(diff) = schema_diff(&d.normalize(&b.without_hints()), &d.normalize(&after)) {
        return Err(format!("up did not converge:\n{diff}\nSQL:\n{up_sql}"));
    }
    if rows {
        check_rows(url, kind, a, b)
            .await
            .map_err(|e| format!("after up: {e}\nSQL:\n{up_sql}"))?;
    }
    let again = migration(&after, b, d, &EmitOptions::default())
        .map_err(|e| format!("plan again: {e:?}"))?;
    if !again.plan.is_empty() {
        return Err(format!(
            "planning again is not empty:\n{}\nafter SQL:\n{up_sql}",
            strata::report::sql::render(d, &again.up)
        ));
    }

    let down_sql = strata::report::sql::render(d, &m.down);
    apply(url, &m.down, &ApplyOptions::default())
        .await
        .map_err(|e| format!("rollback failed: {e:?}\nSQL:\n{down_sql}"))?;
    let restored = inspect(url).await?;
    if let Some(diff) = schema_diff(&d.normalize(&start), &d.normalize(&restored)) {
        return Err(format!(
            "rollback did not restore A:\n{diff}\nSQL:\n{down_sql}"
        ));
    }
    Ok(())
}

/// `a` restricted to the tables and columns that also exist in `b`
/// (following column renames), under `a`'s names.
fn survivors_in_a(a: &Schema, b: &Schema) -> Schema {
    let mut out = a.clone();
    out.tables.retain(|name, _| b.tables.contains_key(name));
    for (name, t) in out.tables.iter_mut() {
        let bt = &b.tables[name];
        t.columns.retain(|c| {
            bt.columns
                .iter()
                .any(|bc| bc.name == c.name || bc.renamed_from.as_deref() == Some(&c.name))
        });
    }
    out
}

/// Every row seeded into `a` still holds its values in every column that
/// `b` keeps (under `b`'s name for renamed columns).
async fn check_rows(url: &str, kind: DialectKind, a: &Schema, b: &Schema) -> Result<(), String> {
    let d = dialect::for_kind(kind);
    for (name, at) in &a.tables {
        let Some(bt) = b.tables.get(name) else {
            continue;
        };
        for c in &at.columns {
            let Some(bc) = bt
                .columns
                .iter()
                .find(|bc| bc.name == c.name || bc.renamed_from.as_deref() == Some(&c.name))
            else {
                continue;
            };
            for row in 0..3 {
                let value = crate::gen::value_for(kind, at, c, row);
                let sql = format!(
                    "SELECT COUNT(*) FROM {} WHERE {} = {} AND {} = {}",
                    d.quote_ident(&name.name),
                    d.quote_ident("id"),
                    row + 1,
                    d.quote_ident(&bc.name),
                    value
                );
                let n = crate::support::count(url, &sql).await?;
                if n != 1 {
                    return Err(format!(
                        "row {} of {} lost its value {value} in {}",
                        row + 1,
                        name,
                        bc.name
                    ));
                }
            }
        }
    }
    Ok(())
}
