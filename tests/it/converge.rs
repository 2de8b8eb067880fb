//! The property every dialect must hold, against a real database: for
//! schemas A and B,
//! 1. applying plan(A → B) to a database holding A gives B (up converges);
//! 2. planning again right after is empty (no perpetual diff);
//! 3. applying the rollback gives A back (down restores).
//!
//! 1 and 3 are judged by the server's catalog ([`crate::oracle`]), not by
//! strata's introspection, which cannot see what strata does not model:
//! "gives B" means the catalog equals that of B built from nothing, "gives
//! A back" that it equals the one A had before the up.

#![allow(dead_code)]

use crate::oracle::{self, Fingerprint};
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
    // What the server records only (dependencies) and a view's text as
    // written are never compared by a plan, nor here.
    s.depends = Default::default();
    for v in s.views.values_mut() {
        v.written = None;
    }
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
    let want = reference(url, kind, &empty, b).await?;
    run(url, &empty, a, "set up A").await?;
    let start = inspect(url).await?;
    built_as_declared("A", d, a, &start)?;
    let start_print = oracle::fingerprint(url).await?;
    if rows {
        crate::support::exec(url, &crate::gen::seed_rows(a, kind)).await?;
    }

    let m =
        migration(&start, b, d, &EmitOptions::default()).map_err(|e| format!("plan A→B: {e:?}"))?;
    let up_sql = strata::report::sql::render(d, &m.up);
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("apply A→B failed: {e:?}\nSQL:\n{up_sql}"))?;
    oracle::judge("up", kind, &oracle::fingerprint(url).await?, &want)
        .map_err(|e| format!("{e}\nSQL:\n{up_sql}"))?;
    if rows {
        check_rows(url, kind, a, b)
            .await
            .map_err(|e| format!("after up: {e}\nSQL:\n{up_sql}"))?;
    }
    let again = migration(&inspect(url).await?, b, d, &EmitOptions::default())
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
    oracle::judge(
        "rollback",
        kind,
        &oracle::fingerprint(url).await?,
        &start_print,
    )
    .map_err(|e| format!("{e}\nSQL:\n{down_sql}"))
}

/// The catalog a database built from `b` has, the one the up must reach:
/// `b` is built in the empty database at `url`, printed and taken back to
/// `empty`, which must leave the catalog it found (strata's MySQL history
/// table aside). Reusing the one scratch database keeps a check to one
/// database creation, most of its cost on a busy server.
async fn reference(
    url: &str,
    kind: DialectKind,
    empty: &Schema,
    b: &Schema,
) -> Result<Fingerprint, String> {
    let nothing = empty_print(url, kind).await?;
    run(url, empty, b, "build B").await?;
    built_as_declared("B", dialect::for_kind(kind), b, &inspect(url).await?)?;
    let want = oracle::fingerprint(url).await?;
    run(url, &inspect(url).await?, empty, "take B back to nothing").await?;
    oracle::judge(
        "taking B back to nothing",
        kind,
        &oracle::without_bookkeeping(oracle::fingerprint(url).await?),
        &nothing,
    )?;
    Ok(want)
}

/// The oracle's print of the empty database at `url`. A SQLite database
/// that was never opened has no file yet; an empty file is the empty
/// database, and the oracle opens it read-only.
async fn empty_print(url: &str, kind: DialectKind) -> Result<Fingerprint, String> {
    if kind == DialectKind::Sqlite {
        let options = strata::url::with_scheme(url, "sqlite")
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .map_err(|e| format!("{url}: {e}"))?
            .create_if_missing(true);
        sqlx::ConnectOptions::connect(&options)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
    }
    oracle::fingerprint(url).await
}

/// The oracle compares a migrated database with one built from nothing,
/// so a schema both builds lose the same way would pass it. Strata's own
/// reading of a database built from nothing, compared with the schema,
/// is what catches that (as far as strata models it).
fn built_as_declared(
    what: &str,
    d: &dyn dialect::Dialect,
    declared: &Schema,
    built: &Schema,
) -> Result<(), String> {
    let built = built.without_unmanaged(declared);
    match schema_diff(
        &d.normalize(&declared.without_hints()),
        &d.normalize(&built),
    ) {
        Some(diff) => Err(format!(
            "building {what} from nothing did not give {what}:\n{diff}"
        )),
        None => Ok(()),
    }
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
