//! Exclude patterns on real servers through the CLI: the history tables
//! of other migration tools are left alone by default, `--exclude` and
//! strata.toml's `exclude` keep an application table (and the view over
//! it) from being altered or dropped, and `inspect` prints none of them.
//! Survival is judged by the server: the tables still answer queries and
//! keep their rows.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, exec, MyDb, PgDb, SqliteDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// An application table, an excluded one with a view over it, and three
/// migration tools' tables, each with a row.
const LIVE: &[&str] = &[
    "create table orders (id integer primary key, note text)",
    "create table legacy_audit (id integer primary key)",
    "create view legacy_view as select id from legacy_audit",
    "create table flyway_schema_history (installed_rank integer primary key, version varchar(50))",
    "create table _sqlx_migrations (version bigint primary key)",
    "create table django_migrations (id integer primary key, app varchar(255))",
    "insert into legacy_audit (id) values (1)",
    "insert into flyway_schema_history (installed_rank, version) values (1, '1')",
    "insert into _sqlx_migrations (version) values (20240101)",
    "insert into django_migrations (id, app) values (1, 'auth')",
];

/// The desired schema: `orders` as it is, and `legacy_audit` with a
/// column the database lacks (which an exclusion must keep from being added).
fn schema(dialect: &str) -> String {
    format!(
        "dialect {dialect}\n\ntable orders {{\n  id integer pk\n  note text?\n}}\n\n\
         table legacy_audit {{\n  id integer pk\n  extra text?\n}}\n"
    )
}

const TOOL_TABLES: [&str; 3] = [
    "flyway_schema_history",
    "_sqlx_migrations",
    "django_migrations",
];

fn round(url: &str, dialect: &str) {
    let rt = rt();
    let statements: Vec<String> = LIVE.iter().map(|s| s.to_string()).collect();
    rt.block_on(exec(url, &statements)).expect("set up");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, schema(dialect)).expect("write schema");
    let to = file.to_str().expect("utf-8 path");
    let run = |extra: &[&str]| {
        let mut cmd = strata();
        cmd.current_dir(dir.path())
            .args(["plan", "--url", url, "--to", to, "--exit-code"])
            .args(extra);
        cmd.assert()
    };

    // The tool tables are left alone by default; `--exclude` keeps the
    // legacy table unaltered and the view over it in place.
    run(&["--exclude", "table:legacy_*"])
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(
            "view `legacy_view` reads excluded table `legacy_audit`",
        ));
    // Without `--exclude` the legacy table is altered, the tool tables
    // still not touched.
    let mut no_tools = predicate::str::contains("extra").boxed();
    for t in TOOL_TABLES {
        no_tools = no_tools.and(predicate::str::contains(t).not()).boxed();
    }
    run(&[]).code(predicate::ne(0)).stdout(no_tools);
    run(&["--exclude", "legacy_*", "--no-default-excludes"])
        .code(predicate::ne(0))
        .stdout(predicate::str::contains("flyway_schema_history"));

    let mut inspect = strata();
    inspect.current_dir(dir.path());
    let mut printed = predicate::str::contains("orders")
        .and(predicate::str::contains("legacy_").not())
        .boxed();
    for t in TOOL_TABLES {
        printed = printed.and(predicate::str::contains(t).not()).boxed();
    }
    inspect
        .args(["inspect", "--url", url, "--exclude", "legacy_*"])
        .assert()
        .success()
        .stdout(printed);

    // strata.toml's `exclude` is honoured by apply, even a destructive one.
    std::fs::write(dir.path().join("strata.toml"), "exclude = [\"legacy_*\"]\n").expect("toml");
    let mut apply = strata();
    apply
        .current_dir(dir.path())
        .args(["apply", "--url", url, "--to", to])
        .args(["--auto-approve", "--allow-destructive"])
        .assert()
        .success()
        .stderr(predicate::str::contains("still differ").not());
    run(&[]).code(0).stdout("");
    for t in TOOL_TABLES.iter().chain(&["legacy_audit", "legacy_view"]) {
        let rows = rt.block_on(count(url, &format!("select count(*) from {t}")));
        assert_eq!(rows, Ok(1), "{dialect}: {t} kept its row");
    }
    let added = rt.block_on(count(url, "select count(extra) from legacy_audit"));
    assert!(added.is_err(), "{dialect}: legacy_audit was altered");
}

#[test]
fn postgres_leaves_excluded_objects_alone() {
    let Some(db) = rt().block_on(PgDb::create("exclude")) else {
        return;
    };
    round(&db.url, "postgres");
}

#[test]
fn mysql_leaves_excluded_objects_alone() {
    let Some(db) = rt().block_on(MyDb::create("exclude")) else {
        return;
    };
    round(&db.url, "mysql");
}

#[test]
fn sqlite_leaves_excluded_objects_alone() {
    let db = SqliteDb::create();
    std::fs::File::create(&db.path).expect("create the database file");
    round(&db.url, "sqlite");
}

#[test]
fn bad_patterns_are_diagnostics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    strata()
        .current_dir(dir.path())
        .args([
            "plan",
            "--url",
            &url,
            "--to",
            "x.strata",
            "--exclude",
            "tabel:x",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown object kind `tabel`"))
        .stderr(predicate::str::contains("the kinds are table"));
    std::fs::write(
        dir.path().join("strata.toml"),
        "exclude = [\n  \"a.b.c\",\n]\n",
    )
    .expect("toml");
    strata()
        .current_dir(dir.path())
        .args(["inspect", "--url", &url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`a.b.c` is not an exclude pattern",
        ))
        .stderr(predicate::str::contains("strata.toml:2"));
}
