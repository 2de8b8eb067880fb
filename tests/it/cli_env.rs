//! `strata.toml` environments through the CLI: `--env NAME` (or
//! `STRATA_ENV`) supplies the URL (with `${VAR}`s read from the process),
//! the schema, the exclude patterns and `online`; flags given explicitly
//! win; a literal password, a missing variable and an unknown environment
//! are diagnostics. Judged on SQLite and PostgreSQL by the servers
//! (tables present or absent) and by the emitted SQL.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, exec, PgDb, SqliteDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A project directory with `strata.toml` and `schemas/app.strata`.
fn project(toml: &str, schema: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("schemas")).expect("mkdir");
    std::fs::write(dir.path().join("schemas/app.strata"), schema).expect("schema");
    std::fs::write(dir.path().join("strata.toml"), toml).expect("strata.toml");
    dir
}

const SQLITE_TOML: &str = r#"exclude = ["table:keep_*"]

[env.dev]
url = "sqlite://${APP_DB}"
schema = "schemas"
dialect = "sqlite"

[env.other]
url = "sqlite://${OTHER_DB}"
schema = ["schemas/"]
"#;

const SQLITE_SCHEMA: &str = "dialect sqlite\n\ntable users {\n  id integer pk\n  name text\n}\n";

#[test]
fn an_environment_supplies_url_and_schema_on_sqlite() {
    let db = SqliteDb::create();
    let other = SqliteDb::create();
    rt().block_on(exec(
        &format!("{}?mode=rwc", db.url),
        &["create table keep_me (id integer primary key)".into()],
    ))
    .expect("set up");
    let dir = project(SQLITE_TOML, SQLITE_SCHEMA);
    let path = db.path.to_str().expect("utf-8");
    let other_path = other.path.to_str().expect("utf-8");
    let run = |args: &[&str]| {
        let mut cmd = strata();
        cmd.current_dir(dir.path())
            .env("APP_DB", path)
            .env("OTHER_DB", other_path)
            // An environment's url wins over the process's DATABASE_URL.
            .env("DATABASE_URL", "sqlite:///nonexistent/dir/x.db")
            .args(args);
        cmd.assert()
    };
    run(&["plan", "--env", "dev", "--exit-code"])
        .code(2)
        .stdout(predicate::str::contains("CREATE TABLE \"users\""))
        .stdout(predicate::str::contains("keep_me").not());
    let mut apply = strata();
    apply
        .current_dir(dir.path())
        .env("APP_DB", path)
        .env("STRATA_ENV", "dev")
        .args(["apply", "--auto-approve"])
        .assert()
        .success();
    let users = "select count(*) from sqlite_master where name = 'users'";
    let kept = "select count(*) from sqlite_master where name = 'keep_me'";
    assert_eq!(rt().block_on(count(&db.url, users)), Ok(1));
    assert_eq!(rt().block_on(count(&db.url, kept)), Ok(1));
    run(&["plan", "--env", "dev", "--exit-code"]).code(0);
    // An explicit --url wins over the environment's.
    run(&["plan", "--env", "dev", "--url", &other.url, "--exit-code"]).code(2);
    run(&["diff", "--env", "other", "--exit-code"]).code(2);
    assert_eq!(rt().block_on(count(&other.url, users)).unwrap_or(0), 0);
}

#[test]
fn a_missing_variable_and_an_unknown_environment_are_diagnostics() {
    let dir = project(SQLITE_TOML, SQLITE_SCHEMA);
    let run = |args: &[&str]| {
        let mut cmd = strata();
        cmd.current_dir(dir.path()).env_remove("APP_DB").args(args);
        cmd.assert()
    };
    run(&["plan", "--env", "dev"])
        .code(1)
        .stderr(predicate::str::contains(
            "needs ${APP_DB}, which is not set",
        ));
    run(&["plan", "--env", "deve"])
        .code(1)
        .stderr(predicate::str::contains("no environment `deve`"))
        .stderr(predicate::str::contains("did you mean `dev`?"));
    run(&["plan"])
        .code(1)
        .stderr(predicate::str::contains("no database URL"));
}

#[test]
fn a_literal_password_is_refused_at_its_line() {
    let toml = "[env.prod]\nschema = \"schemas\"\nurl = \"postgres://app:hunter2@db/x\"\n";
    let dir = project(toml, SQLITE_SCHEMA);
    strata()
        .current_dir(dir.path())
        .args(["plan", "--env", "prod"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`env.prod.url` holds a password"))
        .stderr(predicate::str::contains("strata.toml:3:"))
        .stderr(predicate::str::contains("${DB_PASSWORD}"));
}

const PG_SCHEMA: &str =
    "dialect postgres\n\ntable items {\n  id integer pk\n  sku text\n  index (sku)\n}\n";

#[test]
fn an_online_environment_plans_online_on_postgres() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("strata_env")) else {
        return;
    };
    rt.block_on(exec(
        &db.url,
        &["create table items (id integer primary key, sku text)".into()],
    ))
    .expect("set up");
    let toml = "[env.staging]\nurl = \"${STAGING_URL}\"\nschema = \"schemas/app.strata\"\n\
                online = true\nlock_timeout = \"3s\"\n\n[env.plain]\nurl = \"${STAGING_URL}\"\n\
                schema = \"schemas\"\n";
    let dir = project(toml, PG_SCHEMA);
    let run = |args: &[&str]| {
        let mut cmd = strata();
        cmd.current_dir(dir.path())
            .env("STAGING_URL", &db.url)
            .args(args);
        cmd.assert()
    };
    run(&["plan", "--env", "staging"])
        .success()
        .stdout(predicate::str::contains("CREATE INDEX CONCURRENTLY"))
        .stdout(predicate::str::contains("3s"));
    run(&["plan", "--env", "staging", "--no-online"])
        .success()
        .stdout(
            predicate::str::contains("CREATE INDEX")
                .and(predicate::str::contains("CONCURRENTLY").not()),
        );
    run(&["plan", "--env", "plain"])
        .success()
        .stdout(predicate::str::contains("CONCURRENTLY").not());
    run(&["apply", "--env", "staging", "--auto-approve"]).success();
    let indexes =
        "select count(*) from pg_indexes where tablename = 'items' and indexdef like '%(sku)%'";
    assert_eq!(rt.block_on(count(&db.url, indexes)), Ok(1));
    run(&["plan", "--env", "staging", "--exit-code"]).code(0);
}
