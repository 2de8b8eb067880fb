//! The cluster flags where they do not apply: refused with the reason,
//! before anything is planned (no server needed).

use predicates::prelude::*;

use crate::support::{strata, write};

#[test]
fn cluster_flags_are_refused_where_they_do_not_apply() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let schema = write(dir.path(), "s.strata", "table t {\n  id integer pk\n}\n");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let cases: [(&[&str], &str); 3] = [
        (
            &["--galera-osu", "rsu"],
            "--galera-osu does not apply to a sqlite database",
        ),
        (
            &["--replica", "postgres://r/db"],
            "--replica does not apply to a sqlite database",
        ),
        (
            &["--read-url", "postgres://r/db"],
            "--read-url does not apply to a sqlite database",
        ),
    ];
    for (flags, message) in cases {
        strata()
            .args(["apply", "--auto-approve", "--url", &db, "--to"])
            .arg(&schema)
            .args(flags)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    }
    let targets = write(dir.path(), "targets.toml", &format!("urls = [\"{db}\"]\n"));
    strata()
        .args(["apply", "--auto-approve", "--targets"])
        .arg(&targets)
        .arg("--to")
        .arg(&schema)
        .args(["--replica", "postgres://r/db"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a fleet apply does not take --replica",
        ));
}
