//! Where a schema comes from: files and directories, live databases
//! (by URL scheme), git revisions.

use crate::dialect::{self, Introspection};
use crate::ir::DialectKind;

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

/// Reads the schema of a live database.
pub async fn introspect(url: &str, namespaces: &[String]) -> miette::Result<Introspection> {
    match dialect_of_url(url) {
        Some(DialectKind::Postgres) => {
            dialect::postgres::introspect::introspect(url, namespaces).await
        }
        Some(DialectKind::Mysql) => dialect::mysql::introspect::introspect(url, namespaces).await,
        Some(DialectKind::Sqlite) => dialect::sqlite::introspect::introspect(url, namespaces).await,
        None => Err(miette::miette!(
            code = "strata::source::url",
            help = "use postgres://…, mysql://…, mariadb://… or sqlite://path",
            "not a database URL: {}",
            redact(url)
        )),
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
    fn dialect_from_scheme() {
        assert_eq!(dialect_of_url("mariadb://x"), Some(DialectKind::Mysql));
        assert_eq!(dialect_of_url("sqlite::memory:"), Some(DialectKind::Sqlite));
        assert_eq!(dialect_of_url("schemas/"), None);
    }
}
