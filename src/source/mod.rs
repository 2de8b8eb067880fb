//! Where a schema comes from: files and directories, live databases
//! (by URL scheme), git revisions.

pub mod git;

use std::path::{Path, PathBuf};

use crate::dialect::{self, Introspection};
use crate::ir::{DialectKind, Schema};

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

/// Reads a schema from any source: a database URL (introspected, narrowed
/// to `namespaces` where the dialect has them), or a schema file or
/// directory of `*.strata` files.
pub async fn load(source: &str, namespaces: &[String]) -> miette::Result<Loaded> {
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
    let path = Path::new(source);
    if !path.exists() {
        return Err(miette::miette!(
            code = "strata::source::not_found",
            help = "give a schema file, a directory of *.strata files, or a database URL \
                    (postgres://…, mysql://…, mariadb://…, sqlite://path)",
            "no such file or directory: {source}"
        ));
    }
    let schema = crate::syntax::load_paths(&[PathBuf::from(path)])?;
    Ok(Loaded {
        dialect: schema.dialect,
        schema,
        warnings: Vec::new(),
    })
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

/// The diagnostic for a URL whose scheme names no database strata knows.
pub fn bad_url(url: &str) -> miette::Report {
    miette::miette!(
        code = "strata::source::url",
        help = "use postgres://…, mysql://…, mariadb://… or sqlite://path",
        "not a database URL: {}",
        redact(url)
    )
}

/// The password of a URL, if it has one (so that messages can hide it).
pub fn password(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let rest = &url[scheme_end + 3..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    let pw = &authority[colon + 1..at];
    (!pw.is_empty()).then_some(pw)
}

/// The dialect a database URL speaks, from its scheme.
pub fn dialect_of_url(url: &str) -> Option<DialectKind> {
    let scheme = url.split(':').next()?;
    match scheme {
        "postgres" | "postgresql" => Some(DialectKind::Postgres),
        "mysql" | "mariadb" => Some(DialectKind::Mysql),
        "sqlite" => Some(DialectKind::Sqlite),
        _ => None,
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
    let current = load(from, namespaces).await?;
    let mut desired = load(to, namespaces).await?;
    align(from, &current.schema, &mut desired.schema).await?;
    Ok((current, desired))
}

/// Where `db` was read from the database at `url`, lets that server print
/// the desired bodies it stores in its own spelling, so that a body written
/// the natural way is not planned again after every apply (PostgreSQL view
/// bodies: `dialect/postgres/canonical.rs`). Other sources: nothing to do.
pub async fn align(url: &str, db: &Schema, desired: &mut Schema) -> miette::Result<()> {
    if dialect_of_url(url) == Some(DialectKind::Postgres) {
        dialect::postgres::server_spelling::align_view_bodies(url, db, desired).await?;
    }
    Ok(())
}

/// Reads the schema of a live database.
pub async fn introspect(url: &str, namespaces: &[String]) -> miette::Result<Introspection> {
    match dialect_of_url(url) {
        Some(DialectKind::Postgres) => {
            dialect::postgres::introspect::introspect(url, namespaces).await
        }
        Some(DialectKind::Mysql) => dialect::mysql::introspect::introspect(url, namespaces).await,
        Some(DialectKind::Sqlite) => dialect::sqlite::introspect::introspect(url, namespaces).await,
        None => Err(bad_url(url)),
    }
}

/// The URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }

    #[test]
    fn finds_the_password() {
        assert_eq!(password("mysql://root:pw@h:3306/db"), Some("pw"));
        assert_eq!(password("mysql://root@h/db"), None);
        assert_eq!(password("sqlite://a.db"), None);
    }

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

    #[test]
    fn dialect_from_scheme() {
        assert_eq!(dialect_of_url("mariadb://x"), Some(DialectKind::Mysql));
        assert_eq!(dialect_of_url("sqlite::memory:"), Some(DialectKind::Sqlite));
        assert_eq!(dialect_of_url("schemas/"), None);
    }
}
