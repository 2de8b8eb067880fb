//! The audit history on every dialect: each apply records who (database
//! user, OS user), when, the plan's hash, the SQL that ran and the
//! outcome; `strata history --url … --format json` lists it; the table is
//! never planned against; `--history-table` moves it.

use assert_cmd::Command;

use crate::support::{self, SqliteDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn exec(url: &str, sql: &[&str]) {
    let stmts: Vec<String> = sql.iter().map(|s| s.to_string()).collect();
    rt().block_on(support::exec(url, &stmts))
        .expect("set-up SQL runs");
}

fn strata(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("strata")
        .expect("binary")
        .env("USER", "alice")
        .env_remove("STRATA_HISTORY_TABLE")
        .env_remove("DATABASE_URL")
        .args(args)
        .assert()
}

fn apply(url: &str, to: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut args = vec![
        "apply",
        "--url",
        url,
        "--to",
        to,
        "--auto-approve",
        "--skip-preflight",
    ];
    args.extend(extra);
    strata(&args)
}

fn history(url: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["history", "--url", url, "--format", "json"];
    args.extend(extra);
    let out = strata(&args).success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("history JSON")
}

/// Nothing to do between the database and `to`: the history table is not
/// something to drop.
fn in_sync(url: &str, to: &str, extra: &[&str]) {
    let mut args = vec!["plan", "--url", url, "--to", to, "--exit-code"];
    args.extend(extra);
    strata(&args).code(0);
}

/// An apply that works, then one that fails on the data (a unique index
/// over duplicates, the pre-flight check skipped); `db_user` is what the
/// server calls the user (None on SQLite), `failed` the outcome prefix of
/// the failed run.
fn scenario(target: &str, want: &str, db_user: Option<&str>, failed: &str) {
    exec(
        want,
        &["CREATE TABLE t (id int PRIMARY KEY, email varchar(100))"],
    );
    apply(target, want, &[]).success();
    in_sync(target, want, &[]);
    exec(target, &["INSERT INTO t VALUES (1, 'a'), (2, 'a')"]);
    exec(want, &["CREATE UNIQUE INDEX t_email ON t (email)"]);
    apply(target, want, &[]).code(1);

    let runs = history(target, &[]);
    assert_eq!(runs.len(), 2, "{runs:#?}");
    let first = &runs[0];
    assert_eq!(first["outcome"], "applied");
    assert_eq!(first["os_user"], "alice");
    assert!(first["sql"].as_str().unwrap_or("").contains("CREATE TABLE"));
    assert_eq!(first["plan_hash"].as_str().map(str::len), Some(16));
    assert!(first["started_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    match db_user {
        Some(u) => assert!(
            first["db_user"].as_str().is_some_and(|d| d.starts_with(u)),
            "{first:#?}"
        ),
        None => assert!(first["db_user"].is_null()),
    }
    let second = &runs[1];
    assert!(
        second["outcome"]
            .as_str()
            .is_some_and(|o| o.starts_with(failed)),
        "{second:#?}"
    );
    assert!(second["sql"].as_str().unwrap_or("").contains("t_email"));
}

#[test]
fn sqlite_records_every_apply() {
    let target = SqliteDb::create();
    let want = SqliteDb::create();
    std::fs::File::create(&want.path).expect("create");
    std::fs::File::create(&target.path).expect("create");
    scenario(&target.url, &want.url, None, "failed:");
    // The text form names the run and who ran it.
    strata(&["history", "--url", &target.url])
        .success()
        .stdout(predicates::str::contains("os: alice"));
}

#[test]
fn postgres_records_every_apply_where_it_is_told() {
    let rt = rt();
    let Some(target) = rt.block_on(support::PgDb::create("history")) else {
        return;
    };
    let Some(want) = rt.block_on(support::PgDb::create("history_want")) else {
        return;
    };
    scenario(&target.url, &want.url, Some("postgres"), "failed:");

    // In a schema of its own: created there, left alone by planning.
    let Some(other) = rt.block_on(support::PgDb::create("history_place")) else {
        return;
    };
    let place = ["--history-table", "strata.applies"];
    apply(&other.url, &want.url, &place).success();
    in_sync(&other.url, &want.url, &place);
    assert!(history(&other.url, &[]).is_empty(), "nothing in public");
    let runs = history(&other.url, &place);
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0]["outcome"], "applied");
}

#[test]
fn mysql_records_who_ran_each_apply() {
    let rt = rt();
    let Some(target) = rt.block_on(support::MyDb::create("history")) else {
        return;
    };
    let Some(want) = rt.block_on(support::MyDb::create("history_want")) else {
        return;
    };
    scenario(&target.url, &want.url, Some("root@"), "unfinished: 0 of 1");

    // In a database of its own (`--history-table db.table`): none is made
    // in the application's database, planning leaves it alone, and the
    // default place stays where it was for those who do not move it.
    let Some(other) = rt.block_on(support::MyDb::create("history_app")) else {
        return;
    };
    let Some(records) = rt.block_on(support::MyDb::create("history_rec")) else {
        return;
    };
    let table = format!("{}.applies", records.name);
    let place = ["--history-table", table.as_str()];
    apply(&other.url, &want.url, &place).success();
    in_sync(&other.url, &want.url, &place);
    let in_app = format!(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = 'strata_history'",
        other.name
    );
    assert_eq!(rt.block_on(support::count(&other.url, &in_app)), Ok(0));
    assert!(
        history(&other.url, &[]).is_empty(),
        "nothing in the app's database"
    );
    let runs = history(&other.url, &place);
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0]["outcome"], "applied");
}
