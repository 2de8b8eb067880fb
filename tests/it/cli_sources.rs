//! `check`, `graph` and `export` take SQL sources as `plan --to` does
//! (loaded on a scratch database: in memory for SQLite, on `--dev-url`
//! for PostgreSQL), and `--env` fills in the source, the dialect and the
//! dev server from strata.toml.

use predicates::prelude::*;

use crate::cli_errors::strata;

const SHOP: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n\
                    CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users(id));\n";

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write a file");
    }
    dir
}

#[test]
fn check_and_graph_read_sql_files() {
    let dir = dir_with(&[("schema.sql", SHOP)]);
    strata()
        .current_dir(dir.path())
        .args(["check", "schema.sql", "--dialect", "sqlite"])
        .assert()
        .success()
        .stderr(predicate::str::contains("ok: schema.sql, 2 tables"));
    strata()
        .current_dir(dir.path())
        .args(["graph", "schema.sql", "--dialect", "sqlite"])
        .assert()
        .success()
        .stdout(predicate::str::contains("users |o..o{ orders"));
}

#[test]
fn check_of_sql_the_server_refuses_points_at_the_statement() {
    let dir = dir_with(&[(
        "schema.sql",
        "CREATE TABLE t (id integer PRIMARY KEY);\nCREATE TABLE t (id integer);\n",
    )]);
    strata()
        .current_dir(dir.path())
        .args(["check", "schema.sql", "--dialect", "sqlite"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("strata::source::sql"))
        .stderr(predicate::str::contains("schema.sql:2"));
}

#[test]
fn export_graph_and_check_take_their_source_from_the_environment() {
    let toml = "[env.local]\nurl = \"sqlite://unused.db\"\ndialect = \"sqlite\"\nschema = \"schema.sql\"\n";
    let dir = dir_with(&[("schema.sql", SHOP), ("strata.toml", toml)]);
    strata()
        .current_dir(dir.path())
        .args(["export", "--env", "local"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"dialect\": \"sqlite\""))
        .stdout(predicate::str::contains("\"orders\""));
    strata()
        .current_dir(dir.path())
        .args(["check", "--env", "local"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 tables"));
    strata()
        .current_dir(dir.path())
        .args(["graph", "--env", "local", "--format", "dot"])
        .assert()
        .success()
        .stdout(predicate::str::contains("digraph"));
    // Without an environment or a source there is nothing to read.
    strata()
        .current_dir(dir.path())
        .args(["export"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no desired schema"));
}

#[test]
fn check_loads_postgres_sql_on_the_dev_server() {
    let dev = crate::support::postgres_admin_url();
    let dir = dir_with(&[(
        "schema.sql",
        "CREATE TYPE mood AS ENUM ('ok', 'sad');\nCREATE TABLE people (id bigint PRIMARY KEY, m mood);\n",
    )]);
    let out = strata()
        .current_dir(dir.path())
        .args(["check", "schema.sql", "--dev-url", &dev])
        .output()
        .expect("strata runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("cannot connect") && std::env::var("STRATA_REQUIRE_DATABASES").is_err() {
        eprintln!("SKIPPED: no PostgreSQL at {dev}");
        return;
    }
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 table, 0 views, 1 enum"), "{stderr}");
}
