//! A case against a live database, judged by the server's catalog
//! ([`crate::oracle`]): a scratch database is built from `to` (its catalog
//! is the one to reach), taken back to nothing and built from `from`;
//! strata plans it to `to` the way `strata plan` does (introspect, align,
//! plan) and the up script runs. Then its catalog must equal `to`'s,
//! planning again must be empty, and the rollback must give back the
//! catalog `from` had.

use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::{migration, Migration};
use strata::syntax::SourceFile;

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
            DialectKind::Sqlite => {
                // An empty file is an empty database the oracle can open.
                let db = SqliteDb::create();
                std::fs::File::create(&db.path).ok()?;
                Scratch::Sqlite(db)
            }
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

/// Takes `from` to `to` on `kind`'s server with `options`; `Ok` also
/// when the server is unreachable and not required.
pub async fn run(
    kind: DialectKind,
    from: &Schema,
    to: &Schema,
    options: &EmitOptions,
) -> Result<(), String> {
    let Some(db) = Scratch::create(kind).await else {
        return Ok(());
    };
    let a = db.url();
    let want = reference(a, kind, to).await?;
    build(a, from)
        .await
        .map_err(|e| format!("building `from`: {e}"))?;
    let start = print(a).await?;

    let m = plan(a, to, options).await?;
    let up_sql = render(kind, &m, true);
    apply(a, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("up failed: {e:?}\n{up_sql}"))?;
    oracle::judge("up", kind, &print(a).await?, &want).map_err(|e| format!("{e}\n{up_sql}"))?;

    let again = plan(a, to, options).await?;
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
    oracle::judge("rollback", kind, &print(a).await?, &start)
        .map_err(|e| format!("{e}\n{down_sql}"))
}

/// The catalog of a database built from `to`: `to` is built in the empty
/// database at `url`, printed, and taken back to nothing, which must leave
/// the catalog it found. One scratch database per case instead of two
/// halves the time a case takes: creating and dropping a database is most
/// of it on a busy server.
async fn reference(url: &str, kind: DialectKind, to: &Schema) -> Result<Fingerprint, String> {
    let empty = print(url).await?;
    build(url, to)
        .await
        .map_err(|e| format!("building `to`: {e}"))?;
    let want = print(url).await?;
    let nothing = strata::syntax::parse(&[SourceFile::new("nothing", format!("dialect {kind}\n"))])
        .map_err(|e| format!("{e:?}"))?;
    build(url, &nothing)
        .await
        .map_err(|e| format!("taking `to` back to nothing: {e}"))?;
    oracle::judge(
        "taking `to` back to nothing",
        kind,
        &oracle::without_bookkeeping(print(url).await?),
        &empty,
    )?;
    Ok(want)
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
