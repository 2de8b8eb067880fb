//! Comments on constraints and indexes (issue #11 item 3). An index's
//! comment is modeled: `inspect` prints it and a plan keeps it. A
//! constraint's comment is not: `inspect` names it once as unmodeled and a
//! plan that leaves the constraint alone leaves the comment alone.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, exec, PgDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn constraint_comments_are_reported_and_index_comments_kept() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("pg_comments")) else {
        return;
    };
    let setup: Vec<String> = [
        "CREATE TABLE t (a int CONSTRAINT t_a_positive CHECK (a > 0))",
        "CREATE INDEX t_a ON t (a)",
        "COMMENT ON CONSTRAINT t_a_positive ON t IS 'only positive a'",
        "COMMENT ON INDEX t_a IS 'looks a up'",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    rt.block_on(exec(&db.url, &setup)).expect("setup");

    let out = strata()
        .args(["inspect", "--url", &db.url])
        .output()
        .expect("run inspect");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warning = "unmodeled: comment on constraint t_a_positive on public.t";
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(printed.contains("looks a up"), "{printed}");

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, &printed).expect("write schema");
    let file = file.display().to_string();
    strata()
        .args(["plan", "--url", &db.url, "--to", &file, "--exit-code"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(warning));
    for (what, sql) in [
        (
            "constraint comment",
            "SELECT count(*) FROM pg_constraint c JOIN pg_description d ON d.objoid = c.oid \
             WHERE c.conname = 't_a_positive' AND d.description = 'only positive a'",
        ),
        (
            "index comment",
            "SELECT count(*) FROM pg_description WHERE objoid = 't_a'::regclass \
             AND description = 'looks a up'",
        ),
    ] {
        assert_eq!(rt.block_on(count(&db.url, sql)), Ok(1), "{what} kept");
    }
}
