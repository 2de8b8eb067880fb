//! The server ends strata's connection mid-statement (`KILL`,
//! `pg_terminate_backend`): the statement is undone there, and strata
//! must say so truthfully and continue or re-plan cleanly.

use predicates::prelude::*;

use super::kill9::{MYSQL_BIG, MYSQL_WIDE, PG_START, PG_WANT};
use super::*;
use crate::cli_errors::strata;
use crate::support::{count, exec};

#[test]
fn mysql_killed_connection_then_resume_runs_the_undone_statement() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(&rt, "f_kill", MYSQL_BIG, MYSQL_WIDE) else {
        return;
    };
    let start = rt.block_on(catalog(&have.url));

    let (child, id) = mysql_apply_in_flight(&rt, &have.url, &want.url);
    rt.block_on(exec(&have.url, &[format!("KILL {id}")]))
        .expect("kill");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("statement #1 of 1 failed"), "{err}");
    rt.block_on(mysql_gone(&have.url, id));
    rt.block_on(assert_catalog(
        &have.url,
        &start,
        "the server undid the copy",
    ));

    // Resume checks first: the schema is as it was, so it runs it again.
    strata()
        .args(["apply", "--url", &have.url, "--resume", "--auto-approve"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "interrupted before it took effect",
        ))
        .stderr(predicate::str::contains("ran: ALTER TABLE"))
        .stderr(predicate::str::contains("the plan is complete"));
    rt.block_on(assert_same(&have.url, &want.url, "resumed"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM big")),
        Ok(400_000)
    );
    assert_converged(&have.url, &want.url);
}

#[test]
fn postgres_terminated_backend_leaves_the_start() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_term", PG_START, PG_WANT) else {
        return;
    };
    let start = rt.block_on(catalog(&have.url));

    let (child, pid) = pg_apply_in_flight(&rt, &have.url, &want.url);
    rt.block_on(exec(
        &have.url,
        &[format!("SELECT pg_terminate_backend({pid})")],
    ))
    .expect("terminate");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("rolled back"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    rt.block_on(assert_catalog(&have.url, &start, "rolled back"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM t")),
        Ok(1)
    );

    apply_again(&rt, &have.url, &want.url);
}
