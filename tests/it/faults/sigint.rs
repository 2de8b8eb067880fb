//! SIGINT to strata in the middle of a slow statement: it stops at once
//! and says which statement was in flight and what the server may do.

use super::kill9::{MYSQL_BIG, MYSQL_WIDE, PG_START, PG_WANT};
use super::*;
use crate::support::count;

#[test]
fn mysql_sigint_names_the_statement_the_server_may_finish() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(&rt, "f_int", MYSQL_BIG, MYSQL_WIDE) else {
        return;
    };

    let (child, id) = mysql_apply_in_flight(&rt, &have.url, &want.url);
    signal(&child, "INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("interrupted by SIGINT while statement #1 of 1 was running"),
        "{err}"
    );
    assert!(err.contains("ALTER TABLE `big`"), "{err}");
    assert!(err.contains("the server may still finish it"), "{err}");
    assert!(
        err.contains("strata apply --resume") && err.contains("strata apply --to"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // The server did finish it; the history knows it was in flight, and
    // resume will not run it a second time.
    rt.block_on(mysql_gone(&have.url, id));
    rt.block_on(assert_same(&have.url, &want.url, "the server finished"));
    let (code, err) = run_strata(&["apply", "--url", &have.url, "--resume", "--auto-approve"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("so it ran nothing"), "{err}");
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM big")),
        Ok(400_000)
    );
}

#[test]
fn postgres_sigint_says_the_transaction_is_rolled_back() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_int", PG_START, PG_WANT) else {
        return;
    };
    let start = rt.block_on(catalog(&have.url));

    let (child, _) = pg_apply_in_flight(&rt, &have.url, &want.url);
    signal(&child, "INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("interrupted by SIGINT while statement #"),
        "{err}"
    );
    assert!(err.contains("ALTER TABLE"), "{err}");
    assert!(err.contains("rolls back"), "{err}");
    assert!(
        !err.contains("--resume"),
        "PostgreSQL has nothing to resume: {err}"
    );
    rt.block_on(pg_idle(&have.url));
    rt.block_on(assert_catalog(&have.url, &start, "rolled back"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM t")),
        Ok(1)
    );
}

/// A saved plan (`apply --plan`) is interrupted as a live one is: the
/// message names the statement and the rollback, nothing stays, and the
/// same file applies afterwards (the attempt recorded in strata_history
/// does not make it stale).
#[test]
fn postgres_sigint_during_a_saved_plan() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_int_saved", PG_START, PG_WANT) else {
        return;
    };
    let start = rt.block_on(catalog(&have.url));
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("plan.json").display().to_string();
    let (code, err) = run_strata(&["plan", "--url", &have.url, "--to", &want.url, "-o", &file]);
    assert_eq!(code, Some(0), "{err}");

    let child = Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .args([
            "apply",
            "--url",
            &have.url,
            "--plan",
            &file,
            "--auto-approve",
        ])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn strata");
    rt.block_on(pg_running(&have.url, "ALTER TABLE"));
    signal(&child, "INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("interrupted by SIGINT while statement #"),
        "{err}"
    );
    assert!(err.contains("rolls back"), "{err}");
    rt.block_on(pg_idle(&have.url));
    rt.block_on(assert_catalog(&have.url, &start, "rolled back"));

    let (code, err) = run_strata(&[
        "apply",
        "--url",
        &have.url,
        "--plan",
        &file,
        "--auto-approve",
    ]);
    assert_eq!(code, Some(0), "{err}");
    rt.block_on(assert_same(&have.url, &want.url, "the saved plan applied"));
}
