//! `strata plan --prove` against the real servers: a plan that proves ok
//! in each dialect (through the binary), proofs that fail with the failed
//! check named (through the library, with hand-broken scripts), refusals,
//! and the scratch database gone afterwards whatever happened.

use predicates::prelude::*;
use sqlx::Connection;
use strata::apply::prove::{self, Dev, ProveReport};
use strata::dialect::{self, Script};
use strata::ir::Schema;
use strata::plan::migration;

use crate::cli_errors::strata;
use crate::support::{self, MyDb, PgDb, SqliteDb};

fn pg_admin() -> String {
    std::env::var(support::POSTGRES_VAR)
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn my_admin() -> String {
    std::env::var(support::MYSQL_VAR).unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into())
}

const SQLITE_V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)";
const SQLITE_V2: &str = "dialect sqlite

table users {
  id    integer pk
  email text
  name  text?

  index users_email (email) unique
}

table posts {
  id      integer pk
  user_id integer -> users.id on delete cascade
  title   text
}
";

const PG_V1: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)";
const PG_V2: &str = "dialect postgres

table users {
  id    bigint pk
  email text
  name  text?

  index users_email (email) unique
}

table posts {
  id      bigint pk
  user_id bigint -> users.id on delete cascade
  title   text
}
";

const MY_V1: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL)";
const MY_V2: &str = "dialect mysql

table users {
  id    bigint pk
  email varchar(200)
  name  varchar(100)?

  index users_email (email) unique
}

table posts {
  id      bigint pk
  user_id bigint -> users.id on delete cascade
  title   varchar(200)
}
";

/// The checks every successful proof reports, in order.
const ALL_CHECKS: [&str; 6] = [
    prove::SETUP,
    prove::UP_APPLIES,
    prove::UP_CONVERGES,
    prove::PLAN_AGAIN_EMPTY,
    prove::DOWN_APPLIES,
    prove::DOWN_RESTORES,
];

fn schema_file(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("schema.strata");
    std::fs::write(&path, text).expect("write schema file");
    path
}

/// Asserts every check is reported ok, in order, and returns the scratch
/// database's name from the last line.
fn assert_all_ok(stderr: &str) -> String {
    let mut at = 0;
    for name in ALL_CHECKS {
        let line = format!("prove: {name} … ok");
        let found = stderr[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("missing `{line}` (in order) in:\n{stderr}"));
        at += found + line.len();
    }
    assert!(!stderr.contains("FAILED"), "{stderr}");
    scratch_name(stderr)
}

fn scratch_name(stderr: &str) -> String {
    let start = stderr
        .find("strata_prove_")
        .unwrap_or_else(|| panic!("no scratch name in:\n{stderr}"));
    stderr[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

async fn pg_databases_named(name: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(&pg_admin())
        .await
        .expect("connect to the admin database");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut c)
        .await
        .expect("count databases");
    let _ = c.close().await;
    n
}

async fn my_databases_named(name: &str) -> i64 {
    let mut c = sqlx::MySqlConnection::connect(&my_admin())
        .await
        .expect("connect to the admin database");
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?",
    )
    .bind(name)
    .fetch_one(&mut c)
    .await
    .expect("count databases");
    let _ = c.close().await;
    n
}

#[tokio::test]
async fn sqlite_plan_proves_ok_without_a_dev_url() {
    let db = SqliteDb::create();
    support::exec(&format!("{}?mode=rwc", db.url), &[SQLITE_V1.to_string()])
        .await
        .expect("set up v1");
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, SQLITE_V2);
    let out = strata()
        .env_remove("STRATA_DEV_URL")
        .args(["plan", "--prove", "--url", &db.url, "--to"])
        .arg(&to)
        .assert()
        .success()
        .stdout(predicate::str::contains("CREATE TABLE"))
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_all_ok(&stderr);
    let file = stderr
        .split("scratch file ")
        .nth(1)
        .and_then(|s| s.lines().next())
        .unwrap_or_else(|| panic!("no scratch file named in:\n{stderr}"));
    assert!(
        !std::path::Path::new(file).exists(),
        "scratch file {file} left behind"
    );
    // The real database is untouched: a proof never applies to --url.
    let n = support::count(
        &db.url,
        "SELECT count(*) FROM sqlite_master WHERE name = 'posts'",
    )
    .await
    .expect("count");
    assert_eq!(n, 0);
}

#[tokio::test]
async fn postgres_plan_proves_ok_and_drops_the_scratch_database() {
    let Some(db) = PgDb::create("prove_ok").await else {
        return;
    };
    support::exec(&db.url, &[PG_V1.to_string()])
        .await
        .expect("set up v1");
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, PG_V2);
    let out = strata()
        .env("STRATA_DEV_URL", pg_admin())
        .args(["plan", "--prove", "--url", &db.url, "--to"])
        .arg(&to)
        .assert()
        .success()
        .stdout(predicate::str::contains("CREATE TABLE"))
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = assert_all_ok(&stderr);
    assert_eq!(pg_databases_named(&name).await, 0, "{name} left behind");
    let n = support::count(
        &db.url,
        "SELECT count(*) FROM pg_tables WHERE tablename = 'posts'",
    )
    .await
    .expect("count");
    assert_eq!(n, 0, "the proof touched --url");
}

#[tokio::test]
async fn mysql_plan_proves_ok_and_drops_the_scratch_database() {
    let Some(db) = MyDb::create("prove_ok").await else {
        return;
    };
    support::exec(&db.url, &[MY_V1.to_string()])
        .await
        .expect("set up v1");
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, MY_V2);
    let out = strata()
        .args([
            "plan",
            "--prove",
            "--url",
            &db.url,
            "--dev-url",
            &my_admin(),
            "--to",
        ])
        .arg(&to)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = assert_all_ok(&stderr);
    assert_eq!(my_databases_named(&name).await, 0, "{name} left behind");
}

#[tokio::test]
async fn the_dev_url_may_not_be_the_target() {
    let Some(db) = PgDb::create("prove_same").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, PG_V2);
    strata()
        .args([
            "plan",
            "--prove",
            "--url",
            &db.url,
            "--dev-url",
            &db.url,
            "--to",
        ])
        .arg(&to)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("strata::prove::dev_is_target"));
}

#[tokio::test]
async fn postgres_needs_a_dev_url() {
    let Some(db) = PgDb::create("prove_nodev").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, PG_V2);
    strata()
        .env_remove("STRATA_DEV_URL")
        .args(["plan", "--prove", "--url", &db.url, "--to"])
        .arg(&to)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("strata::prove::no_dev_url"))
        .stderr(predicate::str::contains("STRATA_DEV_URL"));
}

/// Loads the current schema from `url` and the desired one from `text`,
/// then proves `migration(current, desired)` after `breaks` has tampered
/// with it.
async fn prove_broken(
    url: &str,
    dev_url: Option<&str>,
    text: &str,
    breaks: impl FnOnce(&mut strata::plan::Migration),
) -> ProveReport {
    let kind = strata::source::dialect_of_url(url).expect("a database URL");
    let d = dialect::for_kind(kind);
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, text);
    let current: Schema = strata::source::load(url, &[])
        .await
        .expect("introspect")
        .schema;
    let desired = strata::source::load(&to.display().to_string(), &[])
        .await
        .expect("load schema file")
        .schema;
    let mut m = migration(&current, &desired, d, &Default::default()).expect("plan");
    breaks(&mut m);
    prove::prove(&Dev::new(dev_url, url, &[]), &current, &m, &desired, d)
        .await
        .expect("the proof runs")
}

fn assert_failed(report: &ProveReport, check: &str, detail: &str) {
    let failed = report
        .failed()
        .unwrap_or_else(|| panic!("the proof passed: {:?}", report.lines()));
    assert_eq!(failed.name, check, "{:?}", report.lines());
    let why = failed.failure.as_deref().unwrap_or_default();
    assert!(why.contains(detail), "`{detail}` not in:\n{why}");
    assert_eq!(
        report.checks.last().map(|c| c.name),
        Some(check),
        "the proof goes on after a failure"
    );
    let err = format!("{:?}", report.finish().expect_err("a failed proof errs"));
    assert!(err.contains(check), "{err}");
    assert!(err.contains("strata::prove::failed"), "{err}");
}

#[tokio::test]
async fn postgres_up_that_misses_the_target_fails_and_drops_the_scratch_database() {
    let Some(db) = PgDb::create("prove_bad_up").await else {
        return;
    };
    support::exec(&db.url, &[PG_V1.to_string()])
        .await
        .expect("set up v1");
    let admin = pg_admin();
    // The up script forgets every statement after the first.
    let report = prove_broken(&db.url, Some(&admin), PG_V2, |m| {
        for phase in &mut m.up.phases {
            phase.statements.retain(|s| s.step.is_none_or(|i| i == 0));
        }
    })
    .await;
    assert_failed(&report, prove::UP_CONVERGES, "+++ actual");
    let name = scratch_name(&report.scratch);
    assert_eq!(pg_databases_named(&name).await, 0, "{name} left behind");
}

#[tokio::test]
async fn postgres_up_that_errors_fails_with_the_server_error() {
    let Some(db) = PgDb::create("prove_err_up").await else {
        return;
    };
    support::exec(&db.url, &[PG_V1.to_string()])
        .await
        .expect("set up v1");
    let admin = pg_admin();
    let report = prove_broken(&db.url, Some(&admin), PG_V2, |m| {
        if let Some(phase) = m.up.phases.first_mut() {
            phase.statements.push(strata::dialect::Statement {
                sql: "ALTER TABLE \"no_such_table\" ADD COLUMN \"x\" integer".into(),
                step: None,
                hazards: Vec::new(),
            });
        }
    })
    .await;
    assert_failed(&report, prove::UP_APPLIES, "no_such_table");
    let name = scratch_name(&report.scratch);
    assert_eq!(pg_databases_named(&name).await, 0, "{name} left behind");
}

#[tokio::test]
async fn sqlite_rollback_that_does_nothing_fails_the_restore_check() {
    let db = SqliteDb::create();
    support::exec(&format!("{}?mode=rwc", db.url), &[SQLITE_V1.to_string()])
        .await
        .expect("set up v1");
    let report = prove_broken(&db.url, None, SQLITE_V2, |m| m.down = Script::default()).await;
    assert_failed(&report, prove::DOWN_RESTORES, "posts");
    // Every check before the failed one held.
    assert!(report.checks[..5].iter().all(|c| c.failure.is_none()));
}

#[tokio::test]
async fn mysql_up_that_misses_the_target_fails_and_drops_the_scratch_database() {
    let Some(db) = MyDb::create("prove_bad_up").await else {
        return;
    };
    support::exec(&db.url, &[MY_V1.to_string()])
        .await
        .expect("set up v1");
    let admin = my_admin();
    let report = prove_broken(&db.url, Some(&admin), MY_V2, |m| m.up = Script::default()).await;
    assert_failed(&report, prove::UP_CONVERGES, "posts");
    let name = scratch_name(&report.scratch);
    assert_eq!(my_databases_named(&name).await, 0, "{name} left behind");
}
