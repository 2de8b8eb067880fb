//! Fleets of real databases (docs/fleet.md): 20+ SQLite files, PostgreSQL
//! and MariaDB scratch databases per dialect, a few of them unreachable
//! (bad URL, wrong credentials) or locked (another session holding
//! strata's apply lock, or a table lock against a short lock timeout).
//! The others converge — each checked by `drift`, which introspects it —,
//! the per-target report is exact, and a rerun is a no-op for them.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sqlx::Connection;

use crate::cli_errors::strata;
use crate::support::{exec, MyDb, PgDb, SqliteDb};

const SCHEMA: &str = "table users {
  id    integer pk
  email text
  name  text?
}

table posts {
  id      integer pk
  user_id integer -> users.id
  title   text
}
";

/// How many healthy targets each fleet has.
const HEALTHY: usize = 20;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// What a target is expected to end as, and (for a failure) a piece of
/// its error.
#[derive(Debug, Clone)]
struct Expect {
    url: String,
    result: &'static str,
    /// A line of the summary of the plan it got: [`ALTER`] or [`CREATE`].
    plan: Option<&'static str>,
    error: Option<&'static str>,
}

fn expect(
    url: &str,
    result: &'static str,
    plan: Option<&'static str>,
    error: Option<&'static str>,
) -> Expect {
    Expect {
        url: url.to_string(),
        result,
        plan,
        error,
    }
}

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("schema.strata"), SCHEMA).expect("schema");
        Dir { dir }
    }

    fn schema(&self) -> PathBuf {
        self.dir.path().join("schema.strata")
    }

    fn targets(&self, name: &str, urls: &[String]) -> PathBuf {
        let path = self.dir.path().join(name);
        let list: Vec<String> = urls.iter().map(|u| format!("  {u:?},")).collect();
        std::fs::write(&path, format!("urls = [\n{}\n]\n", list.join("\n"))).expect("targets");
        path
    }
}

/// `strata apply --targets … --format json` with `extra` flags: its exit
/// code, its JSON report, its stderr.
fn apply(targets: &Path, schema: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = strata()
        .args(["apply", "--auto-approve", "--format", "json"])
        .args(if extra.contains(&"--parallel") {
            &[][..]
        } else {
            &["--parallel", "4"][..]
        })
        .arg("--targets")
        .arg(targets)
        .arg("--to")
        .arg(schema)
        .args(extra)
        .output()
        .expect("run strata");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the report is JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// The report names every target once, in order, with exactly the
/// expected result, plan and error; the totals add up.
fn check_report(report: &Value, expected: &[Expect]) {
    let rows = report["targets"].as_array().expect("targets");
    assert_eq!(rows.len(), expected.len(), "{report:#}");
    for (row, e) in rows.iter().zip(expected) {
        let ctx = format!("{row:#}");
        assert_eq!(row["target"], strata::url::redact(&e.url), "{ctx}");
        assert_eq!(row["result"], e.result, "{ctx}");
        let summary = row["plan"]
            .as_u64()
            .map(|n| report["plans"][n as usize - 1]["summary"].to_string());
        match e.plan {
            Some(line) => assert!(
                summary.as_deref().is_some_and(|s| s.contains(line)),
                "expected a plan with `{line}`: {ctx}\n{summary:?}"
            ),
            None => assert_eq!(summary, None, "{ctx}"),
        }
        match e.error {
            Some(piece) => {
                let error = row["error"].as_str().unwrap_or_default();
                assert!(error.contains(piece), "expected `{piece}` in {ctx}");
            }
            None => assert!(row["error"].is_null(), "{ctx}"),
        }
        if e.result == "applied" {
            assert!(row["changes"].as_u64() > Some(0), "{ctx}");
            assert!(row["statements"].as_u64() > Some(0), "{ctx}");
        } else {
            assert_eq!(row["statements"], 0, "{ctx}");
        }
    }
    for state in ["applied", "unchanged", "failed"] {
        let n = expected.iter().filter(|e| e.result == state).count();
        assert_eq!(report["totals"][state], n, "{state}: {report:#}");
    }
}

/// `strata drift` over the given targets: every one matches the schema,
/// as its own catalog says.
fn assert_converged(dir: &Dir, urls: &[String]) {
    let list = dir.targets("converged.toml", urls);
    let out = strata()
        .args(["drift", "--format", "json", "--targets"])
        .arg(&list)
        .arg("--to")
        .arg(dir.schema())
        .output()
        .expect("run strata drift");
    let report: Value = serde_json::from_slice(&out.stdout).expect("drift JSON");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{report:#}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(report["totals"]["unchanged"], urls.len(), "{report:#}");
}

/// The plan of a database holding `users` without its `name` column.
const ALTER: &str = "alter table `users`: add column `name`";
/// The plan of an empty database.
const CREATE: &str = "create table `users`";

/// The whole round on one fleet: `healthy` targets (the first two already
/// holding `users` without `name`: plan [`ALTER`]; the third the whole
/// schema; the others empty: [`CREATE`]), `broken` ones that fail, and
/// `locked` ones that fail to apply while `hold` keeps them
/// locked, then apply once `hold` is dropped.
fn round<H>(
    healthy: &[String],
    broken: &[(String, &'static str, Option<&'static str>)],
    locked: &[(String, &'static str, &'static str)],
    hold: H,
    extra: &[&str],
) {
    let dir = Dir::new();
    let mut urls: Vec<String> = healthy.to_vec();
    urls.extend(broken.iter().map(|(u, _, _)| u.clone()));
    urls.extend(locked.iter().map(|(u, _, _)| u.clone()));
    let targets = dir.targets("targets.toml", &urls);
    let mut expected: Vec<Expect> = healthy
        .iter()
        .enumerate()
        .map(|(i, u)| match i {
            0 | 1 => expect(u, "applied", Some(ALTER), None),
            2 => expect(u, "unchanged", None, None),
            _ => expect(u, "applied", Some(CREATE), None),
        })
        .collect();
    for (u, e, plan) in broken {
        expected.push(expect(u, "failed", *plan, Some(e)));
    }
    for (u, e, plan) in locked {
        expected.push(expect(u, "failed", Some(plan), Some(e)));
    }

    let (code, report, stderr) = apply(&targets, &dir.schema(), extra);
    assert_eq!(code, 1, "{stderr}");
    check_report(&report, &expected);
    assert_eq!(
        report["plans"].as_array().map(Vec::len),
        Some(2),
        "{report:#}"
    );
    assert!(
        stderr.contains(&format!("{} targets failed", broken.len() + locked.len())),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
    assert!(!report.to_string().contains("hunter2secret"), "{report:#}");
    assert_converged(&dir, healthy);

    // The rerun, the locks still held: nothing runs on the healthy targets.
    let (code, again, stderr) = apply(&targets, &dir.schema(), extra);
    assert_eq!(code, 1, "{stderr}");
    for e in expected.iter_mut().filter(|e| e.result == "applied") {
        e.result = "unchanged";
        e.plan = None;
    }
    check_report(&again, &expected);

    // The locks released: the locked targets converge, the rest is a no-op.
    drop(hold);
    let (code, last, stderr) = apply(&targets, &dir.schema(), extra);
    let without_broken: Vec<String> = healthy
        .iter()
        .chain(locked.iter().map(|(u, _, _)| u))
        .cloned()
        .collect();
    for e in expected.iter_mut() {
        if locked.iter().any(|(u, _, _)| *u == e.url) {
            e.result = "applied";
            e.error = None;
        }
    }
    assert_eq!(code, 1, "{stderr}");
    check_report(&last, &expected);
    assert_converged(&dir, &without_broken);
}

/// `CREATE TABLE users` with its columns, or without `name`.
fn users(whole: bool) -> String {
    format!(
        "CREATE TABLE users (id integer NOT NULL, email text NOT NULL{}, PRIMARY KEY (id))",
        if whole { ", name text" } else { "" }
    )
}

/// The first two healthy targets hold `users` without `name`; the third,
/// the whole schema.
fn seed(urls: &[String], posts: &str) {
    let rt = rt();
    for (i, url) in urls.iter().take(3).enumerate() {
        let ddl = match i {
            2 => vec![users(true), posts.to_string()],
            _ => vec![users(false)],
        };
        rt.block_on(exec(url, &ddl)).expect("seed");
    }
}

#[test]
fn a_fleet_of_sqlite_files() {
    let dbs: Vec<SqliteDb> = (0..HEALTHY + 1).map(|_| SqliteDb::create()).collect();
    let mut healthy: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    let locked_url = healthy.pop().expect("21 databases");
    for db in &dbs {
        std::fs::write(&db.path, b"").expect("an empty database file");
    }
    seed(&healthy, POSTS);
    let rt = rt();
    // Another connection in a write transaction: strata's waits for the
    // write lock give up after the short lock timeout and its retries.
    let hold = rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&locked_url)
            .await
            .expect("connect");
        sqlx::raw_sql("BEGIN IMMEDIATE; CREATE TABLE held (x integer)")
            .execute(&mut c)
            .await
            .expect("take the write lock");
        c
    });
    let broken = vec![(
        "sqlite:///nonexistent-directory/strata/fleet.db".to_string(),
        "unable to open",
        // SQLite reads a missing file as an empty database; opening it
        // to write is what fails.
        Some(CREATE),
    )];
    let locked = vec![(locked_url, "locked", CREATE)];
    round(
        &healthy,
        &broken,
        &locked,
        hold,
        &["--lock-timeout", "100ms"],
    );
}

const POSTS: &str = "CREATE TABLE posts (id integer NOT NULL, user_id integer NOT NULL REFERENCES users (id), title text NOT NULL, PRIMARY KEY (id))";

/// The locks of a PostgreSQL fleet: one database under strata's own
/// advisory lock, one whose `users` another session holds in ACCESS
/// EXCLUSIVE mode.
struct PgHold {
    _apply: sqlx::PgConnection,
    _table: sqlx::PgConnection,
}

#[test]
fn a_fleet_of_postgres_databases() {
    let rt = rt();
    let Some(first) = rt.block_on(PgDb::create("fleet")) else {
        return;
    };
    let mut dbs = vec![first];
    for _ in 0..HEALTHY + 1 {
        dbs.push(
            rt.block_on(PgDb::create("fleet"))
                .expect("scratch database"),
        );
    }
    let mut healthy: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    let table_locked = healthy.pop().expect("22 databases");
    let apply_locked = healthy.pop().expect("22 databases");
    seed(&healthy, POSTS);
    rt.block_on(exec(&table_locked, &[users(false)]))
        .expect("seed the table-locked database");
    let hold = rt.block_on(async {
        let mut apply = sqlx::PgConnection::connect(&apply_locked)
            .await
            .expect("connect");
        sqlx::query("SELECT pg_advisory_lock(126943972389985)")
            .execute(&mut apply)
            .await
            .expect("hold strata's apply lock");
        let mut table = sqlx::PgConnection::connect(&table_locked)
            .await
            .expect("connect");
        sqlx::raw_sql("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            .execute(&mut table)
            .await
            .expect("hold a table lock");
        PgHold {
            _apply: apply,
            _table: table,
        }
    });
    let admin = crate::support::postgres_admin_url();
    let wrong_user = admin.replacen(
        "postgres://postgres",
        "postgres://strata_no_such_role:hunter2secret",
        1,
    );
    let broken = vec![
        (wrong_user, "does not exist", None),
        (
            "postgres://postgres@127.0.0.1:1/postgres".to_string(),
            "cannot connect",
            None,
        ),
    ];
    let locked = vec![
        (apply_locked, "could not take the apply lock", CREATE),
        (table_locked, "lock", ALTER),
    ];
    round(
        &healthy,
        &broken,
        &locked,
        hold,
        &["--lock-timeout", "100ms", "--apply-lock-wait", "1s"],
    );
}

const MY_POSTS: &str = "CREATE TABLE posts (id integer NOT NULL, user_id integer NOT NULL, title text NOT NULL, PRIMARY KEY (id), FOREIGN KEY (user_id) REFERENCES users (id))";

/// The locks of a MariaDB fleet: one database under strata's named apply
/// lock, one whose `users` another session holds with LOCK TABLES.
struct MyHold {
    _apply: sqlx::MySqlConnection,
    _table: sqlx::MySqlConnection,
}

#[test]
fn a_fleet_of_mariadb_databases() {
    let rt = rt();
    let Some(first) = rt.block_on(MyDb::create("fleet")) else {
        return;
    };
    let mut dbs = vec![first];
    for _ in 0..HEALTHY + 1 {
        dbs.push(
            rt.block_on(MyDb::create("fleet"))
                .expect("scratch database"),
        );
    }
    let mut healthy: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    let table_locked = healthy.pop().expect("22 databases");
    let apply_locked = healthy.pop().expect("22 databases");
    let apply_locked_name = dbs[dbs.len() - 2].name.clone();
    seed(&healthy, MY_POSTS);
    rt.block_on(exec(&table_locked, &[users(false)]))
        .expect("seed the table-locked database");
    let hold = rt.block_on(async {
        let mut apply = sqlx::MySqlConnection::connect(&apply_locked)
            .await
            .expect("connect");
        let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
            .bind(format!("strata_apply:{apply_locked_name}"))
            .fetch_one(&mut apply)
            .await
            .expect("hold strata's apply lock");
        assert_eq!(got, Some(1));
        let mut table = sqlx::MySqlConnection::connect(&table_locked)
            .await
            .expect("connect");
        sqlx::raw_sql("LOCK TABLES users WRITE")
            .execute(&mut table)
            .await
            .expect("hold a table lock");
        MyHold {
            _apply: apply,
            _table: table,
        }
    });
    let admin = crate::support::mysql_admin_url();
    let wrong_password = admin.replacen("mysql://root@", "mysql://root:hunter2secret@", 1);
    assert_ne!(
        wrong_password, admin,
        "the admin URL has the expected shape"
    );
    let missing_db = format!("{}_missing", dbs[0].url);
    let broken = vec![
        (wrong_password, "Access denied", None),
        (missing_db, "Unknown database", None),
    ];
    let locked = vec![
        (apply_locked, "held the lock", CREATE),
        (table_locked, "lock", ALTER),
    ];
    round(
        &healthy,
        &broken,
        &locked,
        hold,
        &["--lock-timeout", "1s", "--apply-lock-wait", "1s"],
    );
}

#[test]
fn targets_from_a_command_with_variables() {
    let dir = Dir::new();
    let list = dir.dir.path().join("targets.toml");
    // Single quotes: the shell leaves `${…}` alone and strata fills it in.
    std::fs::write(
        &list,
        "command = \"echo 'sqlite://${STRATA_FLEET_DIR}/a.db'; echo '# a comment'; echo; echo 'sqlite://${STRATA_FLEET_DIR}/b.db'\"\n",
    )
    .expect("targets");
    let plan = strata()
        .args(["plan", "--exit-code", "--targets"])
        .arg(&list)
        .arg("--to")
        .arg(dir.schema())
        .env("STRATA_FLEET_DIR", dir.dir.path())
        .output()
        .expect("run strata");
    let stdout = String::from_utf8_lossy(&plan.stdout);
    assert_eq!(plan.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.starts_with("-- plan 1 of 1 (sqlite): 2 change(s), 2 target(s)\n"),
        "{stdout}"
    );
    let a = format!("-- target: sqlite://{}/a.db\n", dir.dir.path().display());
    assert!(stdout.contains(&a), "{stdout}");
    assert_eq!(
        stdout.matches("CREATE TABLE \"users\"").count(),
        1,
        "{stdout}"
    );

    let unset = strata()
        .args(["drift", "--targets"])
        .arg(&list)
        .arg("--to")
        .arg(dir.schema())
        .env_remove("STRATA_FLEET_DIR")
        .output()
        .expect("run strata");
    let stderr = String::from_utf8_lossy(&unset.stderr);
    assert_eq!(unset.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("names ${STRATA_FLEET_DIR}"), "{stderr}");
}

#[test]
fn max_failures_stops_launching() {
    let dir = Dir::new();
    let good: Vec<SqliteDb> = (0..5).map(|_| SqliteDb::create()).collect();
    let mut urls = vec!["sqlite:///nonexistent-directory/strata/a.db".to_string()];
    urls.extend(good.iter().map(|d| d.url.clone()));
    let list = dir.targets("targets.toml", &urls);
    let (code, report, stderr) = apply(
        &list,
        &dir.schema(),
        &["--parallel", "1", "--max-failures", "1"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["totals"]["failed"], 1, "{report:#}");
    assert_eq!(report["totals"]["not_started"], 5, "{report:#}");
    assert!(
        stderr.contains("1 of 6 targets failed, 5 not started"),
        "{stderr}"
    );
    for db in &good {
        assert_eq!(
            std::fs::metadata(&db.path).map(|m| m.len()).unwrap_or(0),
            0,
            "untouched"
        );
    }
}

#[test]
fn a_bad_targets_file_points_at_the_key() {
    let dir = Dir::new();
    let list = dir.dir.path().join("targets.toml");
    std::fs::write(&list, "url = [\"sqlite://a.db\"]\n").expect("targets");
    strata()
        .args(["apply", "--auto-approve", "--targets"])
        .arg(&list)
        .arg("--to")
        .arg(dir.schema())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("unknown key `url`"))
        .stderr(predicates::str::contains("did you mean `urls`?"))
        .stderr(predicates::str::contains("targets.toml:1:1"));
}

/// A hazard the team's policy sets to `error` stops the whole fleet before
/// anything runs, as it stops one apply.
#[test]
fn the_hazard_policy_refuses_a_fleet() {
    let dir = Dir::new();
    std::fs::write(
        dir.dir.path().join("strata.toml"),
        "[hazards]\ntable-rebuild = \"error\"\n",
    )
    .expect("strata.toml");
    let dbs: Vec<SqliteDb> = (0..3).map(|_| SqliteDb::create_file()).collect();
    let rt = rt();
    for db in &dbs {
        // The schema's `email text` rebuilds this table on SQLite.
        rt.block_on(exec(
            &db.url,
            &["CREATE TABLE users (id integer PRIMARY KEY, email integer)".to_string()],
        ))
        .expect("a table the schema rebuilds");
    }
    let urls: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    let list = dir.targets("targets.toml", &urls);
    let out = strata()
        .current_dir(dir.dir.path())
        .args(["apply", "--auto-approve", "--targets"])
        .arg(&list)
        .arg("--to")
        .arg(dir.schema())
        .output()
        .expect("run strata");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("hazards the policy refuses"), "{stderr}");
    assert!(stderr.contains("table-rebuild"), "{stderr}");
    for db in &dbs {
        let kept = rt.block_on(crate::support::count(
            &db.url,
            "SELECT count(*) FROM sqlite_master WHERE sql = 'CREATE TABLE users (id integer PRIMARY KEY, email integer)'",
        ));
        assert_eq!(kept, Ok(1), "nothing ran on {}", db.url);
    }
}
