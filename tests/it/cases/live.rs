//! A case against a live database, judged by the server's catalog
//! ([`crate::oracle`]): scratch database A is built from `from` and D from
//! `to`; strata plans A to `to` the way `strata plan` does (introspect,
//! align, plan) and the up script runs on A. Then A's catalog must equal
//! D's, planning again must be empty, and the rollback must give A back
//! the catalog it started with.

use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::{migration, Migration};

use super::format::Case;
use crate::oracle::{self, Fingerprint};
use crate::support::{apply, MyDb, PgDb, SqliteDb};

/// A scratch database of one dialect, dropped with the value.
enum Scratch {
    Postgres(PgDb),
    Mysql(MyDb),
    Sqlite(SqliteDb),
}

impl Scratch {
    /// `None` when the server is unreachable (a failure instead under
    /// `STRATA_REQUIRE_DATABASES=1`, see `support.rs`).
    async fn create(kind: DialectKind) -> Option<Scratch> {
        Some(match kind {
            DialectKind::Postgres => Scratch::Postgres(PgDb::create("case").await?),
            DialectKind::Mysql => Scratch::Mysql(MyDb::create("case").await?),
            DialectKind::Sqlite => Scratch::Sqlite(SqliteDb::create()),
        })
    }

    fn url(&self) -> &str {
        match self {
            Scratch::Postgres(d) => &d.url,
            Scratch::Mysql(d) => &d.url,
            Scratch::Sqlite(d) => &d.url,
        }
    }
}

/// Runs the case on `kind`'s server; `Ok` also when the server is
/// unreachable and not required.
pub async fn run(case: &Case, kind: DialectKind, from: &Schema, to: &Schema) -> Result<(), String> {
    let (Some(a), Some(d)) = (Scratch::create(kind).await, Scratch::create(kind).await) else {
        return Ok(());
    };
    let (a, d) = (a.url(), d.url());
    build(d, to)
        .await
        .map_err(|e| format!("building `to`: {e}"))?;
    build(a, from)
        .await
        .map_err(|e| format!("building `from`: {e}"))?;
    let (want, start) = (print(d).await?, print(a).await?);

    let m = plan(a, to, &case.options).await?;
    let up_sql = render(kind, &m, true);
    apply(a, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("up failed: {e:?}\n{up_sql}"))?;
    judge("up", kind, &print(a).await?, &want).map_err(|e| format!("{e}\n{up_sql}"))?;

    let again = plan(a, to, &case.options).await?;
    if !again.plan.is_empty() {
        return Err(format!(
            "planning again is not empty:\n{}\nafter:\n{up_sql}",
            render(kind, &again, true)
        ));
    }

    let down_sql = render(kind, &m, false);
    apply(a, &m.down, &ApplyOptions::default())
        .await
        .map_err(|e| format!("rollback failed: {e:?}\n{down_sql}"))?;
    judge("rollback", kind, &print(a).await?, &start).map_err(|e| format!("{e}\n{down_sql}"))
}

/// Takes the empty database at `url` to `schema`.
async fn build(url: &str, schema: &Schema) -> Result<(), String> {
    let m = plan(url, schema, &EmitOptions::default()).await?;
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// What `strata plan` plans from the database at `url` to `desired`.
async fn plan(url: &str, desired: &Schema, options: &EmitOptions) -> Result<Migration, String> {
    let current = strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("introspect: {e:?}"))?
        .schema;
    let mut desired = desired.clone();
    strata::source::align(url, &current, &mut desired)
        .await
        .map_err(|e| format!("align: {e:?}"))?;
    let kind = strata::url::dialect_of_url(url).ok_or("not a database URL")?;
    migration(&current, &desired, dialect::for_kind(kind), options)
        .map_err(|e| format!("plan: {e:?}"))
}

fn render(kind: DialectKind, m: &Migration, up: bool) -> String {
    let script = if up { &m.up } else { &m.down };
    strata::report::sql::render(dialect::for_kind(kind), script)
}

async fn print(url: &str) -> Result<Fingerprint, String> {
    oracle::fingerprint(url).await
}

/// Equal catalogs; column order counts except on PostgreSQL, which can
/// only append a column (a rollback that re-adds one puts it last).
fn judge(
    what: &str,
    kind: DialectKind,
    got: &Fingerprint,
    want: &Fingerprint,
) -> Result<(), String> {
    let c = oracle::compare(got, want);
    if !c.equal {
        return Err(format!("{what} did not converge:\n{}", c.diff.join("\n")));
    }
    if c.column_order_differs && kind != DialectKind::Postgres {
        return Err(format!(
            "{what}: column order differs: {:?} != {:?}",
            got.column_order, want.column_order
        ));
    }
    Ok(())
}
