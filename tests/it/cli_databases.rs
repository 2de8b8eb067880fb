//! `plan`, `apply` and `diff` between live PostgreSQL and MariaDB
//! databases (the desired state built with plain DDL in a second scratch
//! database): foreign-key cycles, a view over a dropped column, destructive
//! refusal, and passwords kept out of every message.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, exec, MyDb, PgDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn ddl(statements: &[&str]) -> Vec<String> {
    statements.iter().map(|s| s.to_string()).collect()
}

/// Runs the round on one server kind: `have` starts empty, `want` holds
/// [`V1`]; apply; then `want` becomes [`V2`] (destructive) and apply again.
fn round(have: &str, want: &str) {
    let rt = rt();
    rt.block_on(exec(want, &ddl(V1))).expect("set up v1");
    strata()
        .args(["plan", "--url", have, "--to", want, "--exit-code"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("CREATE TABLE"));
    strata()
        .args(["apply", "--url", have, "--to", want, "--auto-approve"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Applied"))
        .stderr(predicate::str::contains("still differ").not());
    strata()
        .args(["plan", "--url", have, "--to", want, "--exit-code"])
        .assert()
        .code(0)
        .stdout("");
    rt.block_on(exec(
        have,
        &ddl(&["insert into parent (id, child_id, note) values (1, null, 'kept')"]),
    ))
    .expect("insert a row");

    rt.block_on(exec(want, &ddl(V2))).expect("set up v2");
    strata()
        .args(["apply", "--url", have, "--to", want, "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("column `parent.note` is dropped"));
    strata()
        .args(["diff", have, want, "--exit-code"])
        .assert()
        .code(2);
    strata()
        .args([
            "apply",
            "--url",
            have,
            "--to",
            want,
            "--auto-approve",
            "--allow-destructive",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("still differ").not());
    strata()
        .args(["diff", have, want, "--exit-code"])
        .assert()
        .code(0);
    let rows = rt.block_on(count(have, "select count(*) from parent"));
    assert_eq!(rows, Ok(1), "the row survived");
}

const V1: &[&str] = &[
    "create table parent (id integer primary key, child_id integer, note text)",
    "create table child (id integer primary key, parent_id integer not null references parent (id))",
    "alter table parent add constraint parent_child foreign key (child_id) references child (id)",
    "create view parent_notes as select id, note from parent",
];

/// [`V1`] without `parent.note`, and the view over it recreated.
const V2: &[&str] = &[
    "drop view parent_notes",
    "alter table parent drop column note",
    "create view parent_notes as select id from parent",
];

#[test]
fn postgres_cycle_and_view_over_a_dropped_column() {
    let rt = rt();
    let Some(have) = rt.block_on(PgDb::create("cli_have")) else {
        return;
    };
    let Some(want) = rt.block_on(PgDb::create("cli_want")) else {
        return;
    };
    round(&have.url, &want.url);
}

#[test]
fn mariadb_cycle_and_view_over_a_dropped_column() {
    let rt = rt();
    let Some(have) = rt.block_on(MyDb::create("cli_have")) else {
        return;
    };
    let Some(want) = rt.block_on(MyDb::create("cli_want")) else {
        return;
    };
    round(&have.url, &want.url);
}

#[test]
fn postgres_errors_never_show_the_password() {
    // The server trusts local connections, so a password in the URL is
    // accepted and ignored; the missing database makes the error.
    let url = "postgres://postgres:hunter2@127.0.0.1:5432/strata_no_such_database";
    strata()
        .args(["inspect", "--url", url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hunter2").not());
    strata()
        .args(["plan", "--url", url, "--to", url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hunter2").not());
}
