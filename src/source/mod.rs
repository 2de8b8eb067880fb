//! Where a schema comes from: files and directories, live databases
//! (by URL scheme), git revisions, SQL files loaded into a scratch
//! database (`sql.rs`).

pub mod git;
pub mod sql;

pub use sql::SqlSetup;

use std::path::{Path, PathBuf};

use crate::dialect::{self, Introspection};
use crate::ir::{DialectKind, Schema};
use crate::url::{bad_url, dialect_of_url};

/// A schema read from a source, with the dialect it is known to be in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub schema: Schema,
    /// The URL's dialect for a database; the `dialect` declaration of
    /// schema files, if they have one.
    pub dialect: Option<DialectKind>,
    /// Objects a database holds that strata does not model.
    pub warnings: Vec<String>,
}

/// Reads a schema from any source but SQL files (which need a dialect
/// and a dev server: [`load_with`]).
pub async fn load(source: &str, namespaces: &[String]) -> miette::Result<Loaded> {
    load_with(source, namespaces, &SqlSetup::default()).await
}

/// Reads a schema from any source: a database URL (introspected, narrowed
/// to `namespaces` where the dialect has them), a schema file or
/// directory of `*.strata` files, or SQL files (loaded as `sql` says).
pub async fn load_with(
    source: &str,
    namespaces: &[String],
    sql: &SqlSetup<'_>,
) -> miette::Result<Loaded> {
    if let Some(kind) = dialect_of_url(source) {
        let Introspection { schema, warnings } = introspect(source, namespaces).await?;
        return Ok(Loaded {
            schema,
            dialect: Some(kind),
            warnings,
        });
    }
    if git::is_git(source) {
        let schema = git::load(source)?;
        return Ok(Loaded {
            dialect: schema.dialect,
            schema,
            warnings: Vec::new(),
        });
    }
    if looks_like_url(source) {
        return Err(bad_url(source));
    }
    if sql::is_sql(source) {
        return sql::load(source, namespaces, sql).await;
    }
    let path = Path::new(source);
    if !path.exists() {
        return Err(miette::miette!(
            code = "strata::source::not_found",
            help = "give a schema file, a directory of *.strata files, or a database URL \
                    (postgres://…, mysql://…, mariadb://…, sqlite://path), or SQL files (*.sql)",
            "no such file or directory: {source}"
        ));
    }
    let schema = parse_off_thread(PathBuf::from(path)).await?;
    Ok(Loaded {
        dialect: schema.dialect,
        schema,
        warnings: Vec::new(),
    })
}

/// Parses schema files on a blocking thread: [`load_pair`] reads the
/// database at the same time, and a parse of thousands of tables on the
/// task that drives the introspection would stall its queries (and, on a
/// loaded machine, let its connect timeout run out).
async fn parse_off_thread(path: PathBuf) -> miette::Result<Schema> {
    tokio::task::spawn_blocking(move || crate::syntax::load_paths(&[path]))
        .await
        .map_err(|e| miette::miette!("the schema parser stopped: {e}"))?
}

/// `scheme://…` or `scheme:…` with a scheme strata does not know.
fn looks_like_url(source: &str) -> bool {
    match source.split_once(':') {
        Some((scheme, rest)) => {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && rest.starts_with("//")
        }
        None => false,
    }
}

/// Reads the source `from` (usually a database URL) and the desired schema
/// `to`, with every desired body that `from`'s server prints the same
/// taken in that server's spelling (see [`align`]).
pub async fn load_pair(
    from: &str,
    to: &str,
    namespaces: &[String],
) -> miette::Result<(Loaded, Loaded)> {
    load_pair_with(from, to, namespaces, &SqlSetup::default()).await
}

/// [`load_pair`], where a side given as SQL is loaded in the dialect of
/// `sql`, else of either URL, else of the other side's files.
pub async fn load_pair_with(
    from: &str,
    to: &str,
    namespaces: &[String],
    sql: &SqlSetup<'_>,
) -> miette::Result<(Loaded, Loaded)> {
    let mut setup = SqlSetup {
        dialect: sql
            .dialect
            .or_else(|| dialect_of_url(from))
            .or_else(|| dialect_of_url(to)),
        ..*sql
    };
    let (current, mut desired) = if sql::is_sql(from) || sql::is_sql(to) {
        // A SQL side is loaded second, in the dialect the other side says.
        let sql_first = sql::is_sql(from) && !sql::is_sql(to);
        let (first, second) = if sql_first { (to, from) } else { (from, to) };
        let a = load_with(first, namespaces, &setup).await?;
        setup.dialect = setup.dialect.or(a.dialect);
        let b = load_with(second, namespaces, &setup).await?;
        if sql_first {
            (b, a)
        } else {
            (a, b)
        }
    } else {
        // Both sides are read at once (their catalog queries overlap):
        // diffing two databases then costs about one introspection. They
        // share the cores of this machine where their servers run on it.
        let (a, b) = tokio::join!(
            crate::dialect::readers::alongside(2, load_with(from, namespaces, &setup)),
            crate::dialect::readers::alongside(2, load_with(to, namespaces, &setup))
        );
        (a?, b?)
    };
    align(from, &current.schema, &mut desired.schema).await?;
    Ok((current, desired))
}

/// Where `db` was read from the database at `url`, lets that server print
/// the desired bodies it stores in its own spelling, so that a body written
/// the natural way is not planned again after every apply (PostgreSQL view
/// bodies: `dialect/postgres/server_spelling.rs`). Other sources: nothing to do.
pub async fn align(url: &str, db: &Schema, desired: &mut Schema) -> miette::Result<()> {
    match dialect_of_url(url) {
        Some(kind) => dialect::driver(kind).align(url, db, desired).await,
        None => Ok(()),
    }
}

/// Reads the schema of a live database.
pub async fn introspect(url: &str, namespaces: &[String]) -> miette::Result<Introspection> {
    dialect::for_url(url)?.introspect(url, namespaces).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_urls_paths_are_not() {
        assert!(looks_like_url("redis://x"));
        assert!(!looks_like_url("schemas/shop.strata"));
        assert!(!looks_like_url("C:/x"));
    }

    #[test]
    fn missing_file_is_a_diagnostic() {
        let rt = tokio::runtime::Builder::new_current_thread().build();
        let Ok(rt) = rt else { return };
        let err = rt
            .block_on(load("/nonexistent/x.strata", &[]))
            .expect_err("must fail");
        assert!(format!("{err}").contains("no such file"));
        let err = rt
            .block_on(load("redis://u:secret@h/0", &[]))
            .expect_err("must fail");
        assert!(!format!("{err}").contains("secret"));
    }
}
