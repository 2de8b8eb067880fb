//! `strata apply --plan plan.json` is guarded as a live apply is: the
//! pre-flight data checks the plan recorded run on the data as it is when
//! the plan is applied, the hazard policy of that run (strata.toml
//! `[hazards]`, `--env`) and `--allow-destructive` judge its hazards, and
//! a statement blocked by another session's lock times out and is
//! retried. Each test drives the binary against a real server and judges
//! by the server's catalog (the oracle).

use std::path::Path;
use std::process::Command;

use crate::apply_safety::{Holder, Running};
use crate::oracle;
use crate::support::{count, ddl, exec, rt, MyDb, PgDb, SqliteDb};

const START: &[&str] = &[
    "CREATE TABLE t (id integer PRIMARY KEY, a varchar(20) NOT NULL, b varchar(20))",
    "INSERT INTO t (id, a, b) VALUES (1, 'one', 'x'), (2, 'two', 'y'), (3, 'three', 'z')",
];

/// [`START`] with `b` made NOT NULL and a new unique index on `a`: both
/// hold for its rows.
fn guarded(dialect: &str) -> String {
    format!(
        "dialect {dialect}\n\ntable t {{\n  id  integer      pk\n  a   varchar(20)\n  b   varchar(20)\n  index t_a (a) unique\n}}\n"
    )
}

/// `strata ARGS` run in `dir` (where strata.toml is looked for): exit
/// code and stderr with miette's margins undone.
fn strata_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("STRATA_ENV")
        .env("NO_COLOR", "1")
        .output()
        .expect("run strata");
    let text = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(|l| l.trim().trim_start_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    (out.status.code().unwrap_or(-1), text)
}

/// A project directory with `schema.strata` (and strata.toml when
/// given), and `strata plan -o plan.json` of it already run.
struct Saved {
    dir: tempfile::TempDir,
    plan: String,
}

fn saved(url: &str, schema: &str, toml: &str, plan_args: &[&str]) -> Saved {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("schema.strata"), schema).expect("write schema");
    std::fs::write(dir.path().join("strata.toml"), toml).expect("write strata.toml");
    let mut args = vec![
        "plan",
        "--url",
        url,
        "--to",
        "schema.strata",
        "-o",
        "plan.json",
    ];
    args.extend_from_slice(plan_args);
    let (code, out) = strata_in(dir.path(), &args);
    assert_eq!(code, 0, "{out}");
    let plan = dir.path().join("plan.json").display().to_string();
    Saved { dir, plan }
}

impl Saved {
    fn apply(&self, url: &str, extra: &[&str]) -> (i32, String) {
        let mut args = vec![
            "apply",
            "--url",
            url,
            "--plan",
            &self.plan,
            "--auto-approve",
        ];
        args.extend_from_slice(extra);
        strata_in(self.dir.path(), &args)
    }

    fn json(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(&self.plan).expect("read plan");
        serde_json::from_str(&text).expect("plan is JSON")
    }
}

/// A plan saved while the data was clean; rows inserted afterwards that
/// break its new unique index and NOT NULL make `apply --plan` refuse it
/// with the live apply's message, nothing applied; `--skip-preflight`
/// says what it skips and lets the server refuse; the file still applies
/// once the rows are fixed.
fn rows_inserted_after_the_plan_are_caught(url: &str, dialect: &str) {
    let rt = rt();
    rt.block_on(exec(url, &ddl(START))).expect("set up");
    let s = saved(url, &guarded(dialect), "", &[]);
    let probes = s.json()["preflight"].as_array().expect("probes").len();
    assert_eq!(probes, 2, "{}", s.json()["preflight"]);
    rt.block_on(exec(
        url,
        &ddl(&["INSERT INTO t (id, a, b) VALUES (4, 'one', NULL)"]),
    ))
    .expect("insert");
    let before = rt.block_on(oracle::fingerprint(url)).expect("catalog");

    let (code, out) = s.apply(url, &[]);
    assert_eq!(code, 1, "{out}");
    for want in [
        "strata::apply::preflight",
        "nothing was applied",
        "2 rows in t have the same a: the new unique",
        "1 row in t has NULL in b: making t.b NOT NULL would fail",
    ] {
        assert!(out.contains(want), "missing `{want}` in: {out}");
    }
    let after = rt.block_on(oracle::fingerprint(url)).expect("catalog");
    assert_eq!(oracle::without_bookkeeping(after), before);

    let (code, out) = s.apply(url, &["--skip-preflight"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("warning: --skip-preflight: the data was not checked"),
        "{out}"
    );
    assert!(!out.contains("strata::apply::preflight"), "{out}");
    let rows = rt
        .block_on(count(url, "SELECT COUNT(*) FROM t"))
        .expect("count");
    assert_eq!(rows, 4);

    // The failed attempt is recorded in strata_history, which is not part
    // of the state the plan was made from: with the rows fixed, the same
    // saved plan runs.
    let recorded = rt.block_on(count(url, "SELECT COUNT(*) FROM strata_history"));
    assert!(recorded.expect("history") > 0);
    rt.block_on(exec(
        url,
        &ddl(&["UPDATE t SET a = 'four', b = 'w' WHERE id = 4"]),
    ))
    .expect("fix the rows");
    let (code, out) = s.apply(url, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Applied 1 change"), "{out}");
}

#[test]
fn postgres_saved_plan_checks_the_data_as_it_is() {
    let Some(db) = rt().block_on(PgDb::create("saved_pre")) else {
        return;
    };
    rows_inserted_after_the_plan_are_caught(&db.url, "postgres");
}

#[test]
fn mysql_saved_plan_checks_the_data_as_it_is() {
    let Some(db) = rt().block_on(MyDb::create("saved_pre")) else {
        return;
    };
    rows_inserted_after_the_plan_are_caught(&db.url, "mysql");
}

#[test]
fn sqlite_saved_plan_checks_the_data_as_it_is() {
    let db = SqliteDb::create_file();
    rows_inserted_after_the_plan_are_caught(&db.url, "sqlite");
}

const POLICY: &str = "[env.quiet.hazards]\nindex-build = \"off\"\n\n\
                      [env.prod.hazards]\nindex-build = \"error\"\n";

/// The policy of the apply judges the saved hazards: a plan saved where
/// `index-build` was off still records it, and the environment that sets
/// it to `error` refuses the plan; data loss needs --allow-destructive.
#[test]
fn postgres_saved_plan_obeys_the_policy_of_the_apply() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("saved_policy")) else {
        return;
    };
    let url = &db.url;
    rt.block_on(exec(url, &ddl(START))).expect("set up");
    let s = saved(url, &guarded("postgres"), POLICY, &["--env", "quiet"]);
    let kinds = s.json()["hazards"].to_string();
    assert!(kinds.contains("index_build"), "{kinds}");
    let before = rt.block_on(oracle::fingerprint(url)).expect("catalog");

    let (code, out) = s.apply(url, &["--env", "prod"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("strata::plan::hazard_policy"), "{out}");
    assert!(out.contains("index-build"), "{out}");
    let (code, out) = s.apply(url, &["--env", "prod", "--dry-run"]);
    assert_eq!(code, 1, "a dry run is judged too: {out}");
    assert_eq!(
        rt.block_on(oracle::fingerprint(url)).expect("catalog"),
        before
    );

    let drop_b = "dialect postgres\n\ntable t {\n  id  integer      pk\n  a   varchar(20)\n}\n";
    let d = saved(url, drop_b, POLICY, &["--allow-destructive"]);
    let (code, out) = d.apply(url, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("strata::plan::destructive"), "{out}");
    assert_eq!(
        rt.block_on(oracle::fingerprint(url)).expect("catalog"),
        before
    );
    let (code, out) = d.apply(url, &["--allow-destructive"]);
    assert_eq!(code, 0, "{out}");
    let gone = "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'b'";
    assert_eq!(rt.block_on(count(url, gone)).expect("count"), 0);
}

/// A session reading `t` in an open transaction blocks the saved plan's
/// ALTER TABLE: the apply gives up after its lock timeout, says so,
/// retries, and runs once the session is done.
#[test]
fn postgres_saved_plan_retries_a_blocked_statement() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("saved_retry")) else {
        return;
    };
    rt.block_on(exec(&db.url, &ddl(START))).expect("set up");
    let s = saved(&db.url, &guarded("postgres"), "", &[]);
    let mut holder = Holder::open(&rt, &db.url);
    holder.run(&rt, "BEGIN");
    holder.run(&rt, "SELECT COUNT(*) FROM t");
    let run = Running::strata(&[
        "apply",
        "--url",
        &db.url,
        "--plan",
        &s.plan,
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
}

/// A file that records no pre-flight checks is not run unchecked by
/// accident: refused, and run only with `--skip-preflight`.
#[test]
fn a_plan_without_recorded_checks_needs_skip_preflight() {
    let db = SqliteDb::create_file();
    let rt = rt();
    rt.block_on(exec(&db.url, &ddl(START))).expect("set up");
    let s = saved(&db.url, &guarded("sqlite"), "", &[]);
    let mut json = s.json();
    json.as_object_mut().expect("object").remove("preflight");
    std::fs::write(&s.plan, json.to_string()).expect("write plan");
    let before = rt.block_on(oracle::fingerprint(&db.url)).expect("catalog");
    let (code, out) = s.apply(&db.url, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("strata::apply::plan_unchecked"), "{out}");
    assert_eq!(
        rt.block_on(oracle::fingerprint(&db.url)).expect("catalog"),
        before
    );
    let (code, out) = s.apply(&db.url, &["--skip-preflight"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: --skip-preflight"), "{out}");
}
