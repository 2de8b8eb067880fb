//! `strata plan --prove` against the real servers: a plan that proves ok
//! in each dialect (through the binary), proofs that fail with the failed
//! check named (through the library, with hand-broken scripts), refusals,
//! and the scratch database gone afterwards whatever happened.

use predicates::prelude::*;
use strata::dialect::{self, Script};
use strata::ir::Schema;
use strata::migration::migration;
use strata::prove::{self, Dev, ProveReport};

use crate::cli_errors::strata;
use crate::support::{self, MyDb, PgDb, SqliteDb};

const SQLITE_V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)";
const PG_V1: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)";
const MY_V1: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL)";
/// The schema every proof migrates to (from `*_V1`), in `dialect` with
/// its integer and text types.
fn v2(dialect: &str, int: &str, text: &str, short_text: &str) -> String {
    format!(
        "dialect {dialect}

table users {{
  id    {int} pk
  email {text}
  name  {short_text}?

  index users_email (email) unique
}}

table posts {{
  id      {int} pk
  user_id {int} -> users.id on delete cascade
  title   {text}
}}
"
    )
}

fn sqlite_v2() -> String {
    v2("sqlite", "integer", "text", "text")
}

fn pg_v2() -> String {
    v2("postgres", "bigint", "text", "text")
}

fn my_v2() -> String {
    v2("mysql", "bigint", "varchar(200)", "varchar(100)")
}

/// Loads a `*_V1` schema into the database at `url`.
async fn set_up(url: &str, v1: &str) {
    support::exec(url, &[v1.to_string()])
        .await
        .expect("set up v1");
}

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

/// How many databases the server has by this name: 0 once a proof has
/// dropped its scratch database (scratch names need no quoting).
async fn pg_databases_named(name: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'");
    support::count(&support::postgres_admin_url(), &sql)
        .await
        .expect("count databases")
}

/// [`pg_databases_named`] on MySQL/MariaDB.
async fn my_databases_named(name: &str) -> i64 {
    let sql =
        format!("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{name}'");
    support::count(&support::mysql_admin_url(), &sql)
        .await
        .expect("count databases")
}

/// Runs `cmd` as `strata plan --prove --url <url> <args> --to <text>`,
/// which must succeed and print the plan; returns what it said on stderr.
fn proves_ok(mut cmd: assert_cmd::Command, url: &str, args: &[&str], text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, text);
    let out = cmd
        .args(["plan", "--prove", "--url", url])
        .args(args)
        .arg("--to")
        .arg(&to)
        .assert()
        .success()
        .stdout(predicate::str::contains("CREATE TABLE"))
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn sqlite_plan_proves_ok_without_a_dev_url() {
    let db = SqliteDb::create();
    set_up(&format!("{}?mode=rwc", db.url), SQLITE_V1).await;
    let mut cmd = strata();
    cmd.env_remove("STRATA_DEV_URL");
    let stderr = proves_ok(cmd, &db.url, &[], &sqlite_v2());
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
    set_up(&db.url, PG_V1).await;
    let mut cmd = strata();
    cmd.env("STRATA_DEV_URL", support::postgres_admin_url());
    let stderr = proves_ok(cmd, &db.url, &[], &pg_v2());
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
    set_up(&db.url, MY_V1).await;
    let admin = support::mysql_admin_url();
    let stderr = proves_ok(strata(), &db.url, &["--dev-url", &admin], &my_v2());
    let name = assert_all_ok(&stderr);
    assert_eq!(my_databases_named(&name).await, 0, "{name} left behind");
}

#[tokio::test]
async fn the_dev_url_may_not_be_the_target() {
    let Some(db) = PgDb::create("prove_same").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let to = schema_file(&dir, &pg_v2());
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
    let to = schema_file(&dir, &pg_v2());
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
    breaks: impl FnOnce(&mut strata::migration::Migration),
) -> ProveReport {
    let kind = strata::url::dialect_of_url(url).expect("a database URL");
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
    set_up(&db.url, PG_V1).await;
    let admin = support::postgres_admin_url();
    // The up script forgets every statement after the first.
    let report = prove_broken(&db.url, Some(&admin), &pg_v2(), |m| {
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
    set_up(&db.url, PG_V1).await;
    let admin = support::postgres_admin_url();
    let report = prove_broken(&db.url, Some(&admin), &pg_v2(), |m| {
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
    set_up(&format!("{}?mode=rwc", db.url), SQLITE_V1).await;
    let report = prove_broken(&db.url, None, &sqlite_v2(), |m| m.down = Script::default()).await;
    assert_failed(&report, prove::DOWN_RESTORES, "posts");
    // Every check before the failed one held.
    assert!(report.checks[..5].iter().all(|c| c.failure.is_none()));
}

#[tokio::test]
async fn mysql_up_that_misses_the_target_fails_and_drops_the_scratch_database() {
    let Some(db) = MyDb::create("prove_bad_up").await else {
        return;
    };
    set_up(&db.url, MY_V1).await;
    let admin = support::mysql_admin_url();
    let report = prove_broken(&db.url, Some(&admin), &my_v2(), |m| {
        m.up = Script::default()
    })
    .await;
    assert_failed(&report, prove::UP_CONVERGES, "posts");
    let name = scratch_name(&report.scratch);
    assert_eq!(my_databases_named(&name).await, 0, "{name} left behind");
}
