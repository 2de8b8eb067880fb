//! Hazards judge by the server's version (docs/hazards.md, "Server
//! versions"): connected, `plan` and `apply` read it from the server (here
//! PostgreSQL 15 and MariaDB 10.11), and it wins over `server_version`;
//! offline, `diff` judges by `--server-version` or `server_version` in
//! `strata.toml`, else the documented default, and says which.

use crate::cli_errors::strata;
use crate::support::{self, MyDb, PgDb};

/// Runs strata in `dir` with `args`: exit code, stdout, stderr.
fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = strata()
        .current_dir(dir)
        .env_remove("STRATA_ENV")
        .args(args)
        .output()
        .expect("run strata");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A directory with `a.strata` and `b.strata` in `dialect`.
fn project(dialect: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, body: &str| {
        std::fs::write(dir.path().join(name), format!("dialect {dialect}\n{body}")).expect("write")
    };
    write("a.strata", from);
    write("b.strata", to);
    dir
}

const PG_FROM: &str = "table users {\n  id bigint pk\n  name text?\n}\n";
const PG_TO: &str = "table users {\n  id bigint pk\n  name text?\n  active boolean = true\n}\n";

#[test]
fn offline_postgres_judges_by_the_given_version_and_says_so() {
    let dir = project("postgres", PG_FROM, PG_TO);
    let (code, sql, err) = run(dir.path(), &["diff", "a.strata", "b.strata"]);
    assert_eq!(code, 0, "{err}");
    assert!(!sql.contains("table_rewrite"), "{sql}");
    assert!(
        err.contains("Hazards judged for PostgreSQL 12, the default"),
        "{err}"
    );
    // Before 11 a constant default is written into every row.
    let (code, sql, err) = run(
        dir.path(),
        &["diff", "a.strata", "b.strata", "--server-version", "10"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(sql.contains("-- hazard: table_rewrite"), "{sql}");
    assert!(sql.contains("-- hazard: access_exclusive_lock"), "{sql}");
    assert!(
        err.contains("Hazards judged for PostgreSQL 10 (server_version)"),
        "{err}"
    );
    // The same from strata.toml, per environment.
    std::fs::write(
        dir.path().join("strata.toml"),
        "[env.old]\nserver_version = \"10.23\"\n\n[env.new]\nserver_version = \"16\"\n",
    )
    .expect("strata.toml");
    let (_, sql, _) = run(
        dir.path(),
        &["diff", "a.strata", "b.strata", "--env", "old"],
    );
    assert!(sql.contains("-- hazard: table_rewrite"), "{sql}");
    let (_, sql, _) = run(
        dir.path(),
        &["diff", "a.strata", "b.strata", "--env", "new"],
    );
    assert!(!sql.contains("table_rewrite"), "{sql}");
}

#[test]
fn a_bad_server_version_is_refused_with_its_place() {
    let dir = project("postgres", PG_FROM, PG_TO);
    let (code, _, err) = run(
        dir.path(),
        &[
            "diff",
            "a.strata",
            "b.strata",
            "--server-version",
            "fifteen",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not a server version"), "{err}");
    std::fs::write(
        dir.path().join("strata.toml"),
        "[env.dev]\nserver_version = \"new\"\nbackfill_batch = 0\n",
    )
    .expect("strata.toml");
    let (code, _, err) = run(
        dir.path(),
        &["diff", "a.strata", "b.strata", "--env", "dev"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`new` is not a server version"), "{err}");
    assert!(err.contains("strata.toml"), "{err}");
    assert!(err.contains("backfill_batch"), "{err}");
}

#[test]
fn offline_mysql_judges_instant_changes_by_release() {
    let from = "table t {\n  id int pk\n  z int?\n}\n";
    let middle = "table t {\n  id int pk\n  x int?\n  z int?\n}\n";
    let dir = project("mysql", from, middle);
    let diff = |v: &str| {
        let (code, sql, err) = run(
            dir.path(),
            &[
                "diff",
                "a.strata",
                "b.strata",
                "--online",
                "--server-version",
                v,
            ],
        );
        assert_eq!(code, 0, "{err}");
        sql
    };
    // In the middle of the table: instant from MySQL 8.0.29 and MariaDB 10.4.
    for v in ["8.0.28", "mariadb-10.3"] {
        let sql = diff(v);
        assert!(sql.contains("-- hazard: table_rewrite"), "{v}: {sql}");
        assert!(sql.contains("ALGORITHM=INPLACE"), "{v}: {sql}");
    }
    for v in ["8.0.29", "mariadb-10.4"] {
        let sql = diff(v);
        assert!(!sql.contains("table_rewrite"), "{v}: {sql}");
        assert!(sql.contains("ALGORITHM=INSTANT"), "{v}: {sql}");
    }
}

/// `strata plan` in a directory whose strata.toml says `server_version`.
fn plan_with_config(url: &str, schema: &str, version: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("app.strata"), schema).expect("write");
    std::fs::write(
        dir.path().join("strata.toml"),
        format!("[env.dev]\nserver_version = \"{version}\"\n"),
    )
    .expect("strata.toml");
    let (code, sql, err) = run(
        dir.path(),
        &["plan", "--env", "dev", "--url", url, "--to", "app.strata"],
    );
    assert_eq!(code, 0, "{err}");
    (sql, err)
}

#[test]
fn connected_postgres_judges_by_the_server() {
    let rt = support::rt();
    let Some(db) = rt.block_on(PgDb::create("srvver")) else {
        return;
    };
    rt.block_on(support::exec(
        &db.url,
        &support::ddl(&["CREATE TABLE users (id bigint PRIMARY KEY, name text)"]),
    ))
    .expect("setup");
    let schema = format!("dialect postgres\n{PG_TO}");
    // strata.toml says 10, but the server is 15: no rewrite, and a warning.
    let (sql, err) = plan_with_config(&db.url, &schema, "10");
    assert!(sql.contains("ADD COLUMN \"active\""), "{sql}");
    assert!(!sql.contains("table_rewrite"), "{sql}");
    assert!(
        err.contains("server_version says PostgreSQL 10, but the server is PostgreSQL 1"),
        "{err}"
    );
    assert!(!err.contains("Hazards judged for"), "connected: {err}");
    // apply too.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("app.strata"), &schema).expect("write");
    let (code, sql, err) = run(
        dir.path(),
        &[
            "apply",
            "--url",
            &db.url,
            "--to",
            "app.strata",
            "--dry-run",
            "--server-version",
            "10",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(sql.contains("ADD COLUMN \"active\""), "{sql}");
    assert!(!sql.contains("table_rewrite"), "{sql}");
}

#[test]
fn connected_mariadb_judges_by_the_server() {
    let rt = support::rt();
    let Some(db) = rt.block_on(MyDb::create("srvver")) else {
        return;
    };
    rt.block_on(support::exec(
        &db.url,
        &support::ddl(&["CREATE TABLE t (id int PRIMARY KEY, z int)"]),
    ))
    .expect("setup");
    let schema = "dialect mysql\ntable t {\n  id int pk\n  x int?\n  z int?\n}\n";
    // Told MySQL 8.0.12 (a rebuild), the server is MariaDB 10.11 (instant).
    let (sql, err) = plan_with_config(&db.url, schema, "8.0.12");
    assert!(sql.contains("ADD COLUMN `x`"), "{sql}");
    assert!(!sql.contains("table_rewrite"), "{sql}");
    assert!(err.contains("but the server is MariaDB 10."), "{err}");
    // Online, the server accepts the instant change it was judged by.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("app.strata"), schema).expect("write");
    let (code, _, err) = run(
        dir.path(),
        &[
            "apply",
            "--url",
            &db.url,
            "--to",
            "app.strata",
            "--online",
            "--auto-approve",
            "--server-version",
            "8.0.12",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ALGORITHM=INSTANT"), "{err}");
    let n = rt
        .block_on(support::count(
            &db.url,
            "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'x' AND ORDINAL_POSITION = 2",
        ))
        .expect("count");
    assert_eq!(n, 1, "x added in the middle");
}
