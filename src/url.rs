//! Facts about database URLs that every layer needs and none owns: which
//! dialect a URL speaks, how to print one without its password, how to
//! point one at another database of the same server. Pure string work,
//! no I/O, so that dialects, sources and the CLI can all ask it without
//! importing each other.

use crate::ir::DialectKind;

/// The dialect a database URL speaks, from its scheme. The scheme is read
/// by [`DialectKind::parse`], the one parser of dialect names, so that a
/// URL accepts exactly the names `--dialect` and `dialect …` accept
/// (`pg://`, `postgresql://`, `mariadb://`, `sqlite3://` included).
pub fn dialect_of_url(url: &str) -> Option<DialectKind> {
    let (scheme, _) = url.split_once(':')?;
    DialectKind::parse(scheme)
}

/// The URL under another scheme, for a driver that reads only its own:
/// `sqlite3://a.db` becomes `sqlite://a.db`, `mariadb://h/db`
/// `mysql://h/db`. A string without a scheme is returned as it is.
pub fn with_scheme(url: &str, scheme: &str) -> String {
    match url.split_once(':') {
        Some((_, rest)) => format!("{scheme}:{rest}"),
        None => url.to_string(),
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

/// The server URL with its database replaced by `name` (query kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let server = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

/// Whether two URLs name the same database (same server and name).
pub fn same_database(a: &str, b: &str) -> bool {
    parts(a) == parts(b)
}

/// The parts of a server URL that say which database it is: the dialect
/// (so that `postgresql://` and `postgres://` agree), host and port (with
/// the dialect's default port, `localhost` read as `127.0.0.1`), and the
/// database name.
fn parts(url: &str) -> (String, String, String) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let kind = DialectKind::parse(scheme);
    let family: &str = match kind {
        Some(k) => k.as_str(),
        None => scheme,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let default_port = match kind {
        Some(DialectKind::Postgres) => ":5432",
        Some(DialectKind::Mysql) => ":3306",
        _ => "",
    };
    let host = match host.rsplit_once(':') {
        Some((_, port)) if !port.is_empty() && !host.ends_with(']') => host.to_string(),
        _ => format!("{host}{default_port}"),
    };
    let host = host.replacen("localhost:", "127.0.0.1:", 1);
    (
        family.to_string(),
        host,
        path.trim_end_matches('/').to_string(),
    )
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
    fn dialect_from_scheme() {
        assert_eq!(dialect_of_url("mariadb://x"), Some(DialectKind::Mysql));
        assert_eq!(dialect_of_url("sqlite::memory:"), Some(DialectKind::Sqlite));
        assert_eq!(dialect_of_url("schemas/"), None);
        // A bare word is a path, even when it names a dialect.
        assert_eq!(dialect_of_url("postgres"), None);
    }

    /// A URL's scheme and `--dialect` are read by the same parser, so
    /// every name one accepts the other accepts too.
    #[test]
    fn url_schemes_accept_every_dialect_name() {
        for (name, kind) in [
            ("postgres", DialectKind::Postgres),
            ("postgresql", DialectKind::Postgres),
            ("pg", DialectKind::Postgres),
            ("mysql", DialectKind::Mysql),
            ("mariadb", DialectKind::Mysql),
            ("sqlite", DialectKind::Sqlite),
            ("sqlite3", DialectKind::Sqlite),
        ] {
            assert_eq!(DialectKind::parse(name), Some(kind), "{name}");
            assert_eq!(
                dialect_of_url(&format!("{name}://h/db")),
                Some(kind),
                "{name}"
            );
        }
        assert_eq!(DialectKind::parse("redis"), None);
        assert_eq!(dialect_of_url("redis://h/0"), None);
    }

    #[test]
    fn schemes_are_replaced_for_drivers() {
        assert_eq!(with_scheme("sqlite3://a.db", "sqlite"), "sqlite://a.db");
        assert_eq!(with_scheme("sqlite::memory:", "sqlite"), "sqlite::memory:");
        assert_eq!(with_scheme("mariadb://r@h/d", "mysql"), "mysql://r@h/d");
        assert_eq!(with_scheme("a.db", "sqlite"), "a.db");
    }

    #[test]
    fn scratch_url_replaces_the_database() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "s"),
            "postgres://u:p@h:5432/s?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@h", "s"), "mysql://root@h/s");
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(
            with_database("mysql://root@h/mysql", "s"),
            "mysql://root@h/s"
        );
    }

    #[test]
    fn same_database_ignores_users_ports_and_queries() {
        assert!(same_database(
            "postgres://a@localhost/app",
            "postgresql://b:pw@127.0.0.1:5432/app?sslmode=disable"
        ));
        assert!(same_database(
            "pg://a@localhost/app",
            "postgres://h@127.0.0.1/app"
        ));
        assert!(!same_database("postgres://h/app", "postgres://h/postgres"));
        assert!(!same_database("postgres://h:5433/app", "postgres://h/app"));
        assert!(same_database(
            "mariadb://root@h/app",
            "mysql://root@h:3306/app"
        ));
        assert!(!same_database("mysql://h/app", "postgres://h/app"));
    }
}
