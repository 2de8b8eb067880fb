//! Passwords stay out of everything strata prints, through the binary a
//! user runs, against real servers: a wrong password (raw, with a `/`,
//! or percent-encoded) on MariaDB, and `password` / `sslpassword` query
//! parameters on PostgreSQL, in messages, diagnostics, JSON and markdown.
//! Only the password is masked: the words around it keep their letters.

use crate::cli_errors::strata;
use crate::support::{mysql_admin_url, postgres_admin_url, PgDb};

/// `url` with `userinfo` in place of its own.
fn with_userinfo(url: &str, userinfo: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{userinfo}@{host}")
}

/// Everything a run printed, both streams.
fn output(args: &[&str]) -> (Option<i32>, String) {
    let out = strata().args(args).output().expect("run strata");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

fn assert_hidden(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "`{s}` shown:\n{text}");
    }
}

#[test]
fn mariadb_wrong_passwords_are_never_shown() {
    let schema = tempfile::tempdir().expect("temporary directory");
    let file = schema.path().join("s.strata");
    std::fs::write(&file, "dialect mysql\ntable t {\n  id int pk\n}\n").expect("write");
    let file = file.display().to_string();
    let migrations = schema.path().join("migrations");
    std::fs::create_dir_all(&migrations).expect("a migrations folder");
    let migrations = migrations.display().to_string();
    let admin = mysql_admin_url();
    for (userinfo, secrets) in [
        ("root:Wr0ngSecret", vec!["Wr0ngSecret"]),
        ("root:ab/cd#x", vec!["ab/cd"]),
        ("root:p%40ss%2Fw0rd", vec!["p%40ss%2Fw0rd", "p@ss/w0rd"]),
        ("root:ro", vec![":ro@"]),
    ] {
        let url = with_userinfo(&admin, userinfo);
        for args in [
            vec!["inspect", "--url", &url],
            vec!["plan", "--url", &url, "--to", &file],
            vec!["plan", "--url", &url, "--to", &file, "--format", "json"],
            vec!["diff", &url, &file],
            vec!["apply", "--url", &url, "--to", &file, "--auto-approve"],
            vec!["graph", &url],
            vec!["migrate", "check", "--to", &url, "--dir", &migrations],
        ] {
            let (code, text) = output(&args);
            assert_eq!(code, Some(1), "{args:?}\n{text}");
            assert_hidden(&text, &secrets);
            // The user's name keeps its letters, even where they spell
            // the password (`ro` in `root`).
            assert!(text.contains("root"), "{args:?}\n{text}");
        }
    }
}

#[tokio::test]
async fn postgres_query_passwords_are_never_shown() {
    let Some(db) = PgDb::create("secrets").await else {
        return;
    };
    let base = with_userinfo(&db.url, "postgres:Tru5tedAnyway");
    let url = format!("{base}?sslmode=disable&password=Qu3ryPass&sslpassword=KeyPhrase9");
    let schema = tempfile::tempdir().expect("temporary directory");
    let file = schema.path().join("s.strata");
    std::fs::write(&file, "dialect postgres\ntable t {\n  id int pk\n}\n").expect("write");
    let file = file.display().to_string();
    let secrets = ["Tru5tedAnyway", "Qu3ryPass", "KeyPhrase9"];
    for format in ["sql", "json", "markdown"] {
        let (code, text) = output(&["plan", "--url", &url, "--to", &file, "--format", format]);
        assert_eq!(code, Some(0), "{format}\n{text}");
        assert_hidden(&text, &secrets);
        assert!(
            text.contains("CREATE TABLE") || text.contains("create"),
            "{text}"
        );
    }
    let (code, text) = output(&["diff", &url, &file, "--format", "json"]);
    assert!(code.is_some(), "{text}");
    assert_hidden(&text, &secrets);
    // A database that does not exist: the server's error, redacted.
    let missing = with_userinfo(&postgres_admin_url(), "postgres:Tru5tedAnyway")
        .replace("/postgres", "/strata_no_such_database")
        + "?sslpassword=KeyPhrase9";
    for args in [
        vec!["inspect", "--url", &missing],
        vec!["plan", "--url", &missing, "--to", &file, "--format", "json"],
        vec!["apply", "--url", &missing, "--to", &file, "--auto-approve"],
    ] {
        let (code, text) = output(&args);
        assert_eq!(code, Some(1), "{args:?}\n{text}");
        assert_hidden(&text, &secrets);
    }
    drop(db);
}
