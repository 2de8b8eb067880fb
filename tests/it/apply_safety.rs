//! `strata apply` never runs a plan on a database state other than the one
//! it was computed from: a change made while an apply waits for the lock
//! or at its prompt is planned again (or refused), two queued applies do
//! not both run their plans, a saved plan runs only on its own state, and
//! a statement blocked by another session's lock times out, is retried and
//! says so. Each test drives the CLI binary against a real server and
//! judges by the server's own catalog (the oracle) and by the rows.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::oracle;
use crate::support::{count, ddl, exec, rt, MyDb, PgDb, SqliteDb};

/// A strata process whose output (stdout and stderr together) is read as
/// it comes, so that a test can act at the moment the apply reaches a
/// given point.
pub(crate) struct Running {
    child: Child,
    output: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `strata ARGS`.
    pub(crate) fn strata(args: &[&str]) -> Running {
        let cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        Running::spawn(cmd, args.iter().map(|s| s.to_string()).collect())
    }

    /// `strata ARGS` on a pseudo-terminal (util-linux `script`), so that
    /// it asks before applying; `None` without `script`.
    fn on_a_terminal(args: &[&str]) -> Option<Running> {
        let line = std::iter::once(env!("CARGO_BIN_EXE_strata").to_string())
            .chain(args.iter().map(|a| format!("'{a}'")))
            .collect::<Vec<_>>()
            .join(" ");
        Command::new("script").arg("--version").output().ok()?;
        let cmd = Command::new("script");
        Some(Running::spawn(
            cmd,
            vec!["-qec".into(), line, "/dev/null".into()],
        ))
    }

    fn spawn(mut cmd: Command, args: Vec<String>) -> Running {
        let mut child = cmd
            .args(args)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start strata");
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        let streams: Vec<Box<dyn Read + Send>> = vec![
            Box::new(child.stdout.take().expect("stdout")),
            Box::new(child.stderr.take().expect("stderr")),
        ];
        for mut stream in streams {
            let sink = Arc::clone(&output);
            readers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let text = String::from_utf8_lossy(&buf[..n]).to_string();
                    sink.lock().expect("output").push_str(&text);
                }
            }));
        }
        Running {
            child,
            output,
            readers,
        }
    }

    fn text(&self) -> String {
        self.output.lock().expect("output").clone()
    }

    /// Waits until `needle` has appeared `times` times in the output.
    pub(crate) fn wait_for(&self, needle: &str, times: usize) {
        let start = Instant::now();
        while self.text().matches(needle).count() < times {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "`{needle}` never came:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("write");
        stdin.flush().expect("flush");
    }

    /// The exit code and the output, with miette's line wrapping and
    /// margins undone so that a sentence can be looked for whole.
    pub(crate) fn finish(mut self) -> (i32, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().expect("wait");
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        let flat = self
            .text()
            .lines()
            .map(|l| l.trim().trim_start_matches('│').trim())
            .collect::<Vec<_>>()
            .join(" ");
        (status.code().unwrap_or(-1), flat)
    }
}

/// A schema file in a temporary directory.
struct SchemaFile {
    _dir: tempfile::TempDir,
    path: String,
}

fn schema_file(text: &str) -> SchemaFile {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("schema.strata");
    std::fs::write(&path, text).expect("write schema");
    SchemaFile {
        path: path.display().to_string(),
        _dir: dir,
    }
}

fn plan_is_empty(url: &str, to: &str) -> bool {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["plan", "--url", url, "--to", to, "--exit-code"])
        .env_remove("DATABASE_URL")
        .output()
        .expect("strata plan");
    out.status.code() == Some(0)
}

/// A session holding strata's apply lock (PostgreSQL advisory lock, MySQL
/// named lock), as another apply in progress would.
enum ApplyLock {
    Pg(sqlx::PgConnection),
    My(sqlx::mysql::MySqlConnection),
}

impl ApplyLock {
    async fn hold(url: &str) -> ApplyLock {
        if url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(strata::dialect::postgres::apply::LOCK_KEY)
                .execute(&mut c)
                .await
                .expect("advisory lock");
            ApplyLock::Pg(c)
        } else {
            let mut c = sqlx::mysql::MySqlConnection::connect(url)
                .await
                .expect("connect");
            sqlx::query("DO GET_LOCK(CONCAT('strata_apply:', DATABASE()), 10)")
                .execute(&mut c)
                .await
                .expect("named lock");
            ApplyLock::My(c)
        }
    }

    async fn release(self) {
        match self {
            ApplyLock::Pg(c) => c.close().await.expect("close"),
            ApplyLock::My(c) => c.close().await.expect("close"),
        }
    }
}

const TABLE: &[&str] = &[
    "CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL)",
    "INSERT INTO t (id, a) VALUES (1, 'one'), (2, 'two'), (3, 'three')",
];

/// The schema of [`TABLE`] plus a nullable column `note`.
fn with_note(dialect: &str) -> String {
    format!(
        "dialect {dialect}\n\ntable t {{\n  id    integer  pk\n  a     text\n  note  text?\n}}\n"
    )
}

/// The column another session adds, and fills, behind the apply's back.
const DRIFT: &[&str] = &[
    "ALTER TABLE t ADD COLUMN extra text",
    "UPDATE t SET extra = 'kept'",
];

fn kept_rows(rt: &tokio::runtime::Runtime, url: &str) -> i64 {
    rt.block_on(count(url, "SELECT COUNT(*) FROM t WHERE extra = 'kept'"))
        .expect("count kept rows")
}

/// An apply that waited for another apply's lock while the database
/// changed runs nothing: its plan was made from the old state, and the new
/// plan is shown, not run, under --auto-approve.
fn change_while_queued_is_refused(url: &str, dialect: &str) {
    let rt = rt();
    rt.block_on(exec(url, &ddl(TABLE))).expect("set up");
    let to = schema_file(&with_note(dialect));
    let lock = rt.block_on(ApplyLock::hold(url));
    let run = Running::strata(&["apply", "--url", url, "--to", &to.path, "--auto-approve"]);
    run.wait_for("waiting for another strata apply", 1);
    rt.block_on(exec(url, &ddl(DRIFT))).expect("drift");
    let changed = rt.block_on(oracle::fingerprint(url)).expect("catalog");
    rt.block_on(lock.release());
    let (code, out) = run.finish();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("changed while this apply waited"), "{out}");
    assert!(!out.contains("Applied"), "{out}");
    let after = rt.block_on(oracle::fingerprint(url)).expect("catalog");
    assert_eq!(after, changed, "nothing ran");
    assert_eq!(kept_rows(&rt, url), 3);
}

#[test]
fn postgres_change_while_queued_is_refused() {
    let Some(db) = rt().block_on(PgDb::create("safe_queued")) else {
        return;
    };
    change_while_queued_is_refused(&db.url, "postgres");
}

#[test]
fn mysql_change_while_queued_is_refused() {
    let Some(db) = rt().block_on(MyDb::create("safe_queued")) else {
        return;
    };
    change_while_queued_is_refused(&db.url, "mysql");
}

/// Two applies queued behind a third session's lock: the first to get it
/// runs its plan; the second, planned from the same old state, finds the
/// database changed, plans again, and has nothing left to do.
fn second_of_two_applies_plans_again_to_nothing(url: &str, dialect: &str) {
    let rt = rt();
    rt.block_on(exec(url, &ddl(TABLE))).expect("set up");
    let to = schema_file(&with_note(dialect));
    let lock = rt.block_on(ApplyLock::hold(url));
    let args = ["apply", "--url", url, "--to", &to.path, "--auto-approve"];
    let (one, two) = (Running::strata(&args), Running::strata(&args));
    one.wait_for("waiting for another strata apply", 1);
    two.wait_for("waiting for another strata apply", 1);
    rt.block_on(lock.release());
    let (a, b) = (one.finish(), two.finish());
    assert_eq!((a.0, b.0), (0, 0), "{}\n---\n{}", a.1, b.1);
    let outputs = [a.1, b.1];
    let applied = outputs
        .iter()
        .filter(|o| o.contains("Applied 1 change"))
        .count();
    let replanned = outputs
        .iter()
        .filter(|o| o.contains("planning again") && o.contains("now matches"))
        .count();
    assert_eq!((applied, replanned), (1, 1), "{outputs:?}");
    assert!(plan_is_empty(url, &to.path));
    assert_eq!(
        rt.block_on(count(url, "SELECT COUNT(*) FROM t"))
            .expect("rows"),
        3
    );
}

#[test]
fn postgres_second_of_two_applies_plans_again_to_nothing() {
    let Some(db) = rt().block_on(PgDb::create("safe_two")) else {
        return;
    };
    second_of_two_applies_plans_again_to_nothing(&db.url, "postgres");
}

#[test]
fn mysql_second_of_two_applies_plans_again_to_nothing() {
    let Some(db) = rt().block_on(MyDb::create("safe_two")) else {
        return;
    };
    second_of_two_applies_plans_again_to_nothing(&db.url, "mysql");
}

/// SQLite: the rebuild that makes `a` nullable copies the columns it was
/// planned with. Another connection writing when the apply wants the
/// write lock adds and fills a column; the apply checks the state inside
/// its own write transaction, so the new column and its values survive.
#[test]
fn sqlite_column_added_while_waiting_for_the_write_lock_survives() {
    let rt = rt();
    let db = SqliteDb::create_file();
    rt.block_on(exec(&db.url, &ddl(TABLE))).expect("set up");
    let to = schema_file("dialect sqlite\n\ntable t {\n  id  integer  pk\n  a   text?\n}\n");
    let mut writer = rt
        .block_on(sqlx::SqliteConnection::connect(&db.url))
        .expect("connect");
    rt.block_on(sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut writer))
        .expect("write lock");
    let run = Running::strata(&[
        "apply",
        "--url",
        &db.url,
        "--to",
        &to.path,
        "--auto-approve",
    ]);
    run.wait_for("waiting for another connection writing", 1);
    for s in DRIFT.iter().chain(&["COMMIT"]) {
        rt.block_on(sqlx::raw_sql(s).execute(&mut writer))
            .expect("drift");
    }
    rt.block_on(writer.close()).expect("close");
    let changed = rt.block_on(oracle::fingerprint(&db.url)).expect("catalog");
    let (code, out) = run.finish();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("changed while this apply waited"), "{out}");
    assert_eq!(
        rt.block_on(oracle::fingerprint(&db.url)).expect("catalog"),
        changed
    );
    assert_eq!(kept_rows(&rt, &db.url), 3);
}

/// SQLite at the prompt: a column added and filled while the apply asks
/// is seen when the answer comes; the plan is made again, shown and asked
/// again, and the apply that runs keeps the column and its values.
#[test]
fn sqlite_change_at_the_prompt_is_planned_again() {
    let rt = rt();
    let db = SqliteDb::create_file();
    rt.block_on(exec(&db.url, &ddl(TABLE))).expect("set up");
    let to = schema_file(
        "dialect sqlite\n\ntable t {\n  id     integer  pk\n  a      text?\n  extra  text?\n}\n",
    );
    let args = ["apply", "--url", &db.url, "--to", &to.path];
    let Some(mut run) = Running::on_a_terminal(&args) else {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        return;
    };
    run.wait_for("[y/N]", 1);
    rt.block_on(exec(&db.url, &ddl(DRIFT))).expect("drift");
    run.send("y\n");
    run.wait_for("planning again", 1);
    run.wait_for("[y/N]", 2);
    run.send("y\n");
    let (code, out) = run.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Applied 1 change"), "{out}");
    assert_eq!(kept_rows(&rt, &db.url), 3);
    assert!(plan_is_empty(&db.url, &to.path));
}

/// A saved plan runs on the state it was planned from, and is refused —
/// naming what changed — on any other, with nothing applied.
fn saved_plan_runs_only_on_its_state(url: &str, dialect: &str) {
    let rt = rt();
    rt.block_on(exec(url, &ddl(TABLE))).expect("set up");
    let to = schema_file(&with_note(dialect));
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("plan.json").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["plan", "--url", url, "--to", &to.path, "-o", &file])
        .env_remove("DATABASE_URL")
        .output()
        .expect("strata plan");
    assert!(out.status.success(), "{out:?}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("read plan")).expect("json");
    assert_eq!(saved["format"], "strata-plan");
    let apply = ["apply", "--url", url, "--plan", &file, "--auto-approve"];

    rt.block_on(exec(url, &ddl(DRIFT))).expect("drift");
    let drifted = rt.block_on(oracle::fingerprint(url)).expect("catalog");
    let (code, out) = Running::strata(&apply).finish();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("planned from another state"), "{out}");
    assert!(out.contains("add column `extra`"), "{out}");
    assert_eq!(
        rt.block_on(oracle::fingerprint(url)).expect("catalog"),
        drifted
    );
    assert_eq!(kept_rows(&rt, url), 3);

    rt.block_on(exec(url, &ddl(&["ALTER TABLE t DROP COLUMN extra"])))
        .expect("undo the drift");
    let (code, out) = Running::strata(&apply).finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Applied 1 change"), "{out}");
    let ran = out.matches(" ran: ").count();
    let planned = saved["up"]["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .flat_map(|p| p["statements"].as_array().expect("statements").clone())
        .count();
    assert_eq!(ran, planned, "exactly the saved statements ran: {out}");
    assert!(plan_is_empty(url, &to.path));
}

#[test]
fn postgres_saved_plan_runs_only_on_its_state() {
    let Some(db) = rt().block_on(PgDb::create("safe_saved")) else {
        return;
    };
    saved_plan_runs_only_on_its_state(&db.url, "postgres");
}

#[test]
fn mysql_saved_plan_runs_only_on_its_state() {
    let Some(db) = rt().block_on(MyDb::create("safe_saved")) else {
        return;
    };
    saved_plan_runs_only_on_its_state(&db.url, "mysql");
}

#[test]
fn sqlite_saved_plan_runs_only_on_its_state() {
    let db = SqliteDb::create_file();
    saved_plan_runs_only_on_its_state(&db.url, "sqlite");
}

/// A session reading `t` in an open transaction blocks the ALTER TABLE:
/// the apply gives up after its lock timeout, says so, retries, and
/// succeeds once the session is done.
fn blocked_statement_is_retried(url: &str, dialect: &str) {
    let rt = rt();
    rt.block_on(exec(url, &ddl(TABLE))).expect("set up");
    let to = schema_file(&with_note(dialect));
    let mut holder = Holder::open(&rt, url);
    holder.run(&rt, "BEGIN");
    holder.run(&rt, "SELECT COUNT(*) FROM t");
    let run = Running::strata(&[
        "apply",
        "--url",
        url,
        "--to",
        &to.path,
        "--auto-approve",
        "--lock-timeout",
        "1s",
    ]);
    run.wait_for("retrying in", 1);
    holder.run(&rt, "COMMIT");
    let (code, out) = run.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("lock timeout after 1s"), "{out}");
    assert!(out.contains("it did not run"), "{out}");
    assert!(out.contains("Applied 1 change"), "{out}");
    assert!(plan_is_empty(url, &to.path));
}

/// A plain connection for statements that must share one session.
pub(crate) enum Holder {
    Pg(sqlx::PgConnection),
    My(sqlx::mysql::MySqlConnection),
}

impl Holder {
    pub(crate) fn open(rt: &tokio::runtime::Runtime, url: &str) -> Holder {
        if url.starts_with("postgres") {
            Holder::Pg(
                rt.block_on(sqlx::PgConnection::connect(url))
                    .expect("connect"),
            )
        } else {
            Holder::My(
                rt.block_on(sqlx::mysql::MySqlConnection::connect(url))
                    .expect("connect"),
            )
        }
    }

    pub(crate) fn run(&mut self, rt: &tokio::runtime::Runtime, s: &str) {
        let done = match self {
            Holder::Pg(c) => rt.block_on(sqlx::raw_sql(s).execute(c)).map(|_| ()),
            Holder::My(c) => rt.block_on(sqlx::raw_sql(s).execute(c)).map(|_| ()),
        };
        done.expect(s);
    }
}

#[test]
fn postgres_blocked_statement_is_retried() {
    let Some(db) = rt().block_on(PgDb::create("safe_retry")) else {
        return;
    };
    blocked_statement_is_retried(&db.url, "postgres");
}

#[test]
fn mysql_blocked_statement_is_retried() {
    let Some(db) = rt().block_on(MyDb::create("safe_retry")) else {
        return;
    };
    blocked_statement_is_retried(&db.url, "mysql");
}

/// A lock that is never released: the apply gives up after its retries,
/// says how to find the holder, and nothing is applied.
#[test]
fn postgres_lock_never_released_gives_up_cleanly() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("safe_giveup")) else {
        return;
    };
    rt.block_on(exec(&db.url, &ddl(TABLE))).expect("set up");
    let to = schema_file(&with_note("postgres"));
    let mut holder = Holder::open(&rt, &db.url);
    holder.run(&rt, "BEGIN");
    holder.run(&rt, "SELECT COUNT(*) FROM t");
    let before = rt.block_on(oracle::fingerprint(&db.url)).expect("catalog");
    let (code, out) = Running::strata(&[
        "apply",
        "--url",
        &db.url,
        "--to",
        &to.path,
        "--auto-approve",
        "--lock-timeout",
        "500ms",
    ])
    .finish();
    holder.run(&rt, "COMMIT");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("retry 3 of 3"), "{out}");
    assert!(out.contains("4 attempts"), "{out}");
    assert!(out.contains("pg_stat_activity"), "{out}");
    // Nothing changed but the record of the failed attempt.
    assert_eq!(
        oracle::without_bookkeeping(rt.block_on(oracle::fingerprint(&db.url)).expect("catalog")),
        before
    );
}

/// What is not a saved plan for this database is refused with the reason,
/// before anything is read from or run on it.
#[test]
fn apply_plan_refuses_other_files() {
    let db = SqliteDb::create_file();
    let dir = tempfile::tempdir().expect("temporary directory");
    let report = dir.path().join("report.json");
    std::fs::write(&report, "{\"version\": 1, \"changes\": []}").expect("write");
    let pg = dir.path().join("pg.json");
    let text = strata::migration::saved::SavedPlan::new(
        &strata::migration::Migration {
            plan: Default::default(),
            up: Default::default(),
            down: Default::default(),
            rollback: Default::default(),
        },
        &Default::default(),
        &Default::default(),
        strata::ir::DialectKind::Postgres,
        &[],
        Vec::new(),
        Vec::new(),
    )
    .to_json();
    std::fs::write(&pg, text).expect("write");
    for (file, code) in [
        (&report, "strata::apply::plan_file"),
        (&pg, "strata::apply::plan_dialect"),
    ] {
        let file = file.display().to_string();
        let (status, out) =
            Running::strata(&["apply", "--url", &db.url, "--plan", &file, "--auto-approve"])
                .finish();
        assert_eq!(status, 1, "{out}");
        assert!(out.contains(code), "{out}");
    }
}
