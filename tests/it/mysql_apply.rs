//! Applying without transactions: progress in `strata_history`, resume
//! after a failure or a killed connection, and the apply lock.

use std::time::{Duration, Instant};

use crate::support::apply;
use sqlx::Connection;
use strata::dialect::mysql::apply::pending_script;
use strata::dialect::ApplyOptions;
use strata::dialect::{Phase, Script, Statement};

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::mysql::exec;
use crate::support::MyDb;

fn script(sqls: &[&str]) -> Script {
    Script {
        phases: vec![Phase {
            transactional: false,
            statements: sqls
                .iter()
                .enumerate()
                .map(|(i, s)| Statement {
                    sql: s.to_string(),
                    step: Some(i),
                    hazards: Vec::new(),
                })
                .collect(),
        }],
    }
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connect");
    let v: i64 = sqlx::query_scalar(sql)
        .fetch_one(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let _ = c.close().await;
    v
}

async fn tables(url: &str) -> Vec<String> {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connect");
    let v: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .fetch_all(&mut c)
    .await
    .expect("tables");
    let _ = c.close().await;
    v
}

#[tokio::test]
async fn failed_statement_is_named_and_resume_finishes_without_repeats() {
    let Some(db) = MyDb::create("resume").await else {
        return;
    };
    // Statement 3 fails until the missing table exists.
    let s = script(&[
        "CREATE TABLE a (id int PRIMARY KEY)",
        "CREATE TABLE b (id int PRIMARY KEY)",
        "INSERT INTO needed (id) VALUES (1)",
        "CREATE TABLE c (id int PRIMARY KEY)",
    ]);
    let err = apply(&db.url, &s, &ApplyOptions::default())
        .await
        .expect_err("statement 3 fails");
    let msg = format!("{err:?}");
    assert!(msg.contains("statement #3 of 4 failed"), "{msg}");
    assert!(msg.contains("INSERT INTO needed"), "{msg}");
    assert!(msg.contains("doesn't exist"), "server error quoted: {msg}");
    assert!(msg.contains("applied before it (2 of 4"), "{msg}");
    assert!(
        msg.contains("#1 CREATE TABLE a") && msg.contains("#2 CREATE TABLE b"),
        "{msg}"
    );
    assert!(msg.contains("--resume"), "{msg}");

    exec(&db.url, "CREATE TABLE needed (id int PRIMARY KEY)").await;
    let resume = ApplyOptions {
        resume: true,
        ..ApplyOptions::default()
    };
    // The history holds the unfinished plan, whole: it can be resumed
    // without the plan at hand.
    let pending = pending_script(&db.url, &Default::default())
        .await
        .expect("read history")
        .expect("an unfinished plan");
    let sqls: Vec<&str> = pending
        .script
        .statements()
        .map(|s| s.sql.as_str())
        .collect();
    let want: Vec<&str> = s.statements().map(|s| s.sql.as_str()).collect();
    assert_eq!(sqls, want);
    assert_eq!(pending.applied, 2);
    assert_eq!(pending.hash, strata::dialect::mysql::apply::plan_hash(&s));
    // Re-running statement 1 or 2 would fail: the tables exist.
    let report = apply(&db.url, &pending.script, &resume)
        .await
        .expect("resume completes");
    assert_eq!(report.executed.len(), 2, "{:?}", report.executed);
    assert_eq!(scalar(&db.url, "SELECT COUNT(*) FROM needed").await, 1);
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM strata_history WHERE applied_at IS NOT NULL"
        )
        .await,
        4
    );
    assert_eq!(
        tables(&db.url).await,
        ["a", "b", "c", "needed", "strata_history"]
    );
    assert!(pending_script(&db.url, &Default::default())
        .await
        .expect("read history")
        .is_none());
}

#[tokio::test]
async fn killed_connection_then_resume_applies_each_statement_once() {
    let Some(db) = MyDb::create("kill").await else {
        return;
    };
    exec(&db.url, "CREATE TABLE counter (n int NOT NULL)").await;
    // The inserts make a repeat visible: the count must end at exactly 2.
    let s = script(&[
        "CREATE TABLE a (id int PRIMARY KEY)",
        "INSERT INTO counter VALUES (1)",
        "DO SLEEP(4)",
        "INSERT INTO counter VALUES (2)",
        "CREATE TABLE b (id int PRIMARY KEY)",
    ]);
    let killer = async {
        // Find the apply's connection while it sleeps, and kill it.
        let mut admin = sqlx::MySqlConnection::connect(&db.url)
            .await
            .expect("connect");
        let start = Instant::now();
        let id: u64 = loop {
            let found: Option<u64> = sqlx::query_scalar(
                "SELECT CAST(ID AS UNSIGNED) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'DO SLEEP%'",
            )
            .fetch_optional(&mut admin)
            .await
            .expect("processlist");
            if let Some(id) = found {
                break id;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the apply never reached the sleep"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        sqlx::raw_sql(&format!("KILL {id}"))
            .execute(&mut admin)
            .await
            .expect("kill");
        let _ = admin.close().await;
    };
    let defaults = ApplyOptions::default();
    let (first, ()) = tokio::join!(apply(&db.url, &s, &defaults), killer);
    let msg = format!("{:?}", first.expect_err("the killed apply fails"));
    assert!(msg.contains("#3") || msg.contains("statement #4"), "{msg}");
    assert_eq!(tables(&db.url).await, ["a", "counter", "strata_history"]);

    // `strata apply --resume` continues the recorded plan, without the
    // plan or the desired schema at hand.
    strata()
        .args(["apply", "--url", &db.url, "--resume", "--auto-approve"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "2 of 5 statements applied, 3 to run",
        ))
        .stderr(predicate::str::contains(
            "ran: INSERT INTO counter VALUES (2)",
        ))
        .stderr(predicate::str::contains("ran: INSERT INTO counter VALUES (1)").not())
        .stderr(predicate::str::contains("the plan is complete"));
    assert_eq!(scalar(&db.url, "SELECT COUNT(*) FROM counter").await, 2);
    assert_eq!(
        scalar(&db.url, "SELECT CAST(SUM(n) AS SIGNED) FROM counter").await,
        3
    );
    assert_eq!(
        tables(&db.url).await,
        ["a", "b", "counter", "strata_history"]
    );
    // Nothing is left: a second resume says so and fails (exit 1).
    strata()
        .args(["apply", "--url", &db.url, "--resume", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing to resume"));
}

#[tokio::test]
async fn resume_of_another_plan_skips_nothing() {
    let Some(db) = MyDb::create("other").await else {
        return;
    };
    let first = script(&[
        "CREATE TABLE a (id int PRIMARY KEY)",
        "CREATE TABLE a (id int)",
    ]);
    assert!(apply(&db.url, &first, &ApplyOptions::default())
        .await
        .is_err());
    // A different plan: its history is empty, so its first statement runs
    // (and fails, as it should: the table exists). Recorded afresh, it
    // supersedes the first unfinished plan: only one plan is pending.
    let other = script(&["CREATE TABLE a (id int PRIMARY KEY, x int)"]);
    let resume = ApplyOptions {
        resume: true,
        ..ApplyOptions::default()
    };
    let err = apply(&db.url, &other, &resume)
        .await
        .expect_err("not skipped");
    assert!(format!("{err:?}").contains("already exists"), "{err:?}");
    let pending = pending_script(&db.url, &Default::default())
        .await
        .expect("read history")
        .expect("the second plan is pending");
    assert_eq!(
        pending.hash,
        strata::dialect::mysql::apply::plan_hash(&other)
    );
    assert_eq!(pending.applied, 0);
}

/// A second apply waits for the first to finish (the named lock), then
/// runs: the short statement lock timeout does not bound that wait.
#[tokio::test]
async fn concurrent_applies_queue() {
    let Some(db) = MyDb::create("lock").await else {
        return;
    };
    let slow = script(&["CREATE TABLE a (id int PRIMARY KEY)", "DO SLEEP(2)"]);
    let defaults = ApplyOptions::default();
    let holder = apply(&db.url, &slow, &defaults);
    let others = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let quick = ApplyOptions {
            lock_timeout: Some(Duration::from_millis(300)),
            ..ApplyOptions::default()
        };
        let other = script(&["CREATE TABLE b (id int PRIMARY KEY)"]);
        let started = Instant::now();
        apply(&db.url, &other, &quick)
            .await
            .expect("waits, then applies");
        started.elapsed()
    };
    let (first, waited) = tokio::join!(holder, others);
    first.expect("first apply succeeds");
    assert!(
        waited >= Duration::from_millis(1000),
        "it waited: {waited:?}"
    );
    assert_eq!(tables(&db.url).await, ["a", "b", "strata_history"]);
}
