//! `apply --tx-mode per-step`: a bootstrap of 2,000 tables (8,000
//! relations to lock: more than one transaction may hold on a default
//! PostgreSQL, 64 × 100 slots) commits step by step; a failure midway
//! says exactly what stayed.

use assert_cmd::Command;

use crate::support::{count, rt, PgDb};

const TABLES: usize = 2000;

/// `TABLES` tables of four relations each (table, primary key, unique
/// key, index); `bad` names one whose default calls a function that does
/// not exist, which only the server finds out.
fn schema(bad: Option<usize>) -> String {
    let mut s = String::from("dialect postgres\n\n");
    for i in 0..TABLES {
        let default = if bad == Some(i) {
            " = no_such_function()"
        } else {
            ""
        };
        s.push_str(&format!(
            "table t{i:04} {{\n  id     bigint  pk\n  code   text    unique\n  n      int{default}\n\n  index (n)\n}}\n\n"
        ));
    }
    s
}

fn apply(url: &str, schema: &str, mode: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("s.strata");
    std::fs::write(&file, schema).expect("write schema");
    Command::cargo_bin("strata")
        .expect("strata")
        .args([
            "apply",
            "--auto-approve",
            "--tx-mode",
            mode,
            "--url",
            url,
            "--to",
        ])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run strata")
}

fn tables(url: &str) -> i64 {
    rt().block_on(count(
        url,
        // The schema's tables, not strata's own history table.
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]{4}$'",
    ))
    .expect("count tables")
}

#[test]
fn per_step_bootstraps_two_thousand_tables_and_a_failure_says_where_it_stopped() {
    let Some(db) = rt().block_on(PgDb::create("txmode")) else {
        return;
    };
    // A failure midway: the steps before it stay, and the error lists them.
    let out = apply(&db.url, &schema(Some(1234)), "per-step");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("each step commits on its own"),
        "the hazard is not stated: {err}"
    );
    assert!(err.contains("no_such_function"), "{err}");
    let kept = tables(&db.url);
    assert!(kept > 0 && kept < TABLES as i64, "{kept} tables kept");
    let ran_tables = err
        .lines()
        .filter(|l| l.starts_with("ran: CREATE TABLE"))
        .count();
    assert_eq!(
        ran_tables as i64, kept,
        "a `ran:` line for each table kept, no more"
    );
    // Each table kept is two statements (the table, its index); miette
    // may wrap the line before "applied".
    let said = format!("applied and kept ({})", 2 * kept);
    assert!(
        err.contains(&said),
        "the error does not say `{said}`: {}",
        &err[err.len().saturating_sub(2000)..]
    );

    // The whole bootstrap from there.
    let out = apply(&db.url, &schema(None), "per-step");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}",
        &err[err.len().saturating_sub(3000)..]
    );
    assert_eq!(tables(&db.url), TABLES as i64);
}
