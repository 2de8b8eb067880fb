//! Comments on constraints and indexes (issue #11 item 3). Both are
//! modeled: `inspect` prints them, a plan keeps them, and a comment-only
//! change is a `COMMENT ON` that leaves the constraint or index in place.

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
fn constraint_and_index_comments_are_printed_kept_and_changed_in_place() {
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
    assert!(!stderr.contains("comment on constraint"), "{stderr}");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(printed.contains("looks a up"), "{printed}");
    assert!(
        printed.contains(r#"check t_a_positive ((a > 0)) comment "only positive a""#),
        "{printed}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, &printed).expect("write schema");
    let path = file.display().to_string();
    strata()
        .args(["plan", "--url", &db.url, "--to", &path, "--exit-code"])
        .assert()
        .code(0)
        .stdout("");

    // Only the comment changes: the check stays, no rows are read again.
    std::fs::write(&file, printed.replace("only positive a", "a above zero")).expect("write");
    strata()
        .args(["plan", "--url", &db.url, "--to", &path])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(
                r#"COMMENT ON CONSTRAINT "t_a_positive" ON "public"."t" IS 'a above zero'"#,
            )
            .and(predicate::str::contains("DROP CONSTRAINT").not()),
        );
    strata()
        .args(["apply", "--url", &db.url, "--to", &path, "--auto-approve"])
        .assert()
        .success();
    for (what, sql) in [
        (
            "constraint comment",
            "SELECT count(*) FROM pg_constraint c JOIN pg_description d ON d.objoid = c.oid \
             WHERE c.conname = 't_a_positive' AND d.description = 'a above zero'",
        ),
        (
            "index comment",
            "SELECT count(*) FROM pg_description WHERE objoid = 't_a'::regclass \
             AND description = 'looks a up'",
        ),
    ] {
        assert_eq!(rt.block_on(count(&db.url, sql)), Ok(1), "{what}");
    }
}
