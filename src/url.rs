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

/// The byte range of a URL's userinfo (`user:password`): after `://`, up
/// to the last `@` that a host follows. Found by hand, not only by the
/// parser, because a password with a raw `/`, `#` or `@` (`user:ab/cd@h`)
/// is not a valid URL, yet a driver's error may still quote it. An `@` in
/// the query (`?user=a@b`) is not taken for the userinfo's.
fn userinfo(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let host_follows = |at: usize| {
        let host = rest[at + 1..].split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_:[]%".contains(c))
    };
    let last = rest
        .match_indices('@')
        .map(|(i, _)| i)
        .rfind(|&i| host_follows(i));
    match last {
        Some(at) if !(rest[..at].contains('?') && rest[..at].contains('=')) => {
            Some(start..start + at)
        }
        _ => {
            let end = rest.find(['?', '#']).unwrap_or(rest.len());
            let at = rest[..end].rfind('@')?;
            Some(start..start + at)
        }
    }
}

/// The password of a URL as written and as the server reads it
/// (percent-decoded through the `url` crate's parser), if it has one, so
/// that messages can hide either form.
pub fn password(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(range) = userinfo(url) {
        if let Some((_, pw)) = url[range].split_once(':') {
            out.push(pw.to_string());
        }
    }
    if let Ok(parsed) = url::Url::parse(url) {
        if let Some(pw) = parsed.password() {
            out.push(pw.to_string());
            let decoded = url::form_urlencoded::parse(format!("p={pw}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned());
            out.extend(decoded);
        }
        for (key, value) in parsed.query_pairs() {
            if is_secret_key(&key) {
                out.push(value.into_owned());
            }
        }
    }
    out.retain(|p| !p.is_empty() && p != MASK);
    out.sort();
    out.dedup();
    out
}

/// What a hidden secret is shown as.
const MASK: &str = "***";

/// Query parameters that carry a secret (`password`, `sslpassword`,
/// `passwd`, `pwd`, `pass`, `secret`, `token`, `api_key`, …), by name.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "api_key", "apikey"]
        .iter()
        .any(|w| k.contains(w))
        || k == "pwd"
        || k == "pass"
}

/// The URL with its password and secret query values replaced by `***`,
/// for messages; everything else is kept as written.
pub fn redact(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let query_start = match userinfo(url) {
        Some(range) => {
            let info = &url[range.clone()];
            match info.split_once(':') {
                Some((user, _)) => {
                    out.push_str(&url[..range.start]);
                    out.push_str(user);
                    out.push(':');
                    out.push_str(MASK);
                }
                None => out.push_str(&url[..range.end]),
            }
            range.end
        }
        None => 0,
    };
    let rest = &url[query_start..];
    let Some(q) = rest.find('?') else {
        out.push_str(rest);
        return out;
    };
    out.push_str(&rest[..=q]);
    let (query, fragment) = match rest[q + 1..].find('#') {
        Some(h) => (&rest[q + 1..q + 1 + h], &rest[q + 1 + h..]),
        None => (&rest[q + 1..], ""),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if secret_pair_key(k) => format!("{k}={MASK}"),
            _ => pair.to_string(),
        })
        .collect();
    out.push_str(&pairs.join("&"));
    out.push_str(fragment);
    out
}

/// Whether a raw query key names a secret, read as the `url` crate
/// decodes it (`ssl%70assword` is `sslpassword`).
fn secret_pair_key(raw: &str) -> bool {
    url::form_urlencoded::parse(raw.as_bytes())
        .next()
        .is_some_and(|(k, _)| is_secret_key(&k))
}

/// `text` with every database URL in it redacted, and each of `secrets`
/// masked where it stands as a whole word (a driver may quote a password
/// on its own): the letters of a password inside other words stay, and a
/// password shorter than four characters is hidden only inside URLs, so
/// that `a` or `pw` do not star every such word of a message.
pub fn redact_text(text: &str, secrets: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || "\"'`<>()[]{}".contains(c))
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..start]);
        out.push_str(&redact(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    for s in secrets.iter().filter(|s| s.chars().count() >= 4) {
        out = mask_word(&out, s);
    }
    out
}

/// `text` with `secret` masked wherever neither side of it continues a
/// word, so that `pw` hides in `pw` and `(pw)` but not in `upward`.
fn mask_word(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(found) = text[i..].find(secret) {
        let at = i + found;
        let end = at + secret.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let joins_before = word(before) && word(secret.chars().next());
        let joins_after = word(after) && word(secret.chars().next_back());
        out.push_str(&text[i..at]);
        out.push_str(if joins_before || joins_after {
            secret
        } else {
            MASK
        });
        i = end;
    }
    out.push_str(&text[i..]);
    out
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
        assert_eq!(password("mysql://root:pw@h:3306/db"), ["pw"]);
        assert!(password("mysql://root@h/db").is_empty());
        assert!(password("sqlite://a.db").is_empty());
        assert_eq!(password("postgres://u:ab/cd@h/db"), ["ab/cd"]);
        assert_eq!(password("postgres://u:a%2Fb@h/db"), ["a%2Fb", "a/b"]);
        assert_eq!(
            password("postgres://u@h/db?sslpassword=k3y&sslmode=require"),
            ["k3y"]
        );
    }

    #[test]
    fn redacts_every_form_of_password() {
        assert_eq!(redact("postgres://u:ab/cd@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("postgres://u:a%2Fb%40c@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("mysql://r:p@ss@h/db"), "mysql://r:***@h/db");
        assert_eq!(redact("mysql://r:a#b?c@h/db"), "mysql://r:***@h/db");
        assert_eq!(
            redact("postgres://u:pw@h/db?user=a@b.c"),
            "postgres://u:***@h/db?user=a@b.c"
        );
        assert_eq!(
            redact("postgres://h/db?sslmode=require&password=x&SSLPASSWORD=y#f"),
            "postgres://h/db?sslmode=require&password=***&SSLPASSWORD=***#f"
        );
        assert_eq!(
            redact("postgres://h/db?ssl%70assword=y"),
            "postgres://h/db?ssl%70assword=***"
        );
    }

    #[test]
    fn only_the_password_is_masked_in_text() {
        let secrets = password("postgres://app:pass@db/x");
        assert_eq!(
            redact_text(
                "cannot connect to postgres://app:pass@db/x: password pass (passes) rejected",
                &secrets
            ),
            "cannot connect to postgres://app:***@db/x: password *** (passes) rejected"
        );
        let short = password("postgres://app:pw@db/x");
        assert_eq!(
            redact_text("postgres://app:pw@db/x: upward pw", &short),
            "postgres://app:***@db/x: upward pw"
        );
        assert_eq!(
            redact_text("at 'mysql://r:s3@h/d?pass=q'", &[]),
            "at 'mysql://r:***@h/d?pass=***'"
        );
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
