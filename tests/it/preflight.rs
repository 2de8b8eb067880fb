//! Pre-flight data checks: `apply` refuses a plan the data makes certain
//! to fail, naming the rows, and changes nothing; `plan` warns;
//! `--skip-preflight` lets the server have its say.

use crate::faults::{assert_catalog, catalog, ddl, mysql_pair, pg_pair, run_strata};
use crate::support::exec;

const START: &[&str] = &[
    "CREATE TABLE teams (id int PRIMARY KEY)",
    "INSERT INTO teams VALUES (1)",
    "CREATE TABLE users (id int PRIMARY KEY, email varchar(40), nick varchar(20), team int, age int)",
    "INSERT INTO users VALUES (1, 'a@x', 'ann', 1, 30), (2, 'a@x', NULL, 7, -1), (3, 'a@x', 'bob-the-very-long', 8, 40), (4, NULL, 'cy', NULL, 50)",
];
const WANT: &[&str] = &[
    "CREATE TABLE teams (id int PRIMARY KEY)",
    "CREATE TABLE users (id int PRIMARY KEY, email varchar(40), nick varchar(10) NOT NULL, team int, age int, \
     CONSTRAINT users_team FOREIGN KEY (team) REFERENCES teams (id), CONSTRAINT users_age CHECK (age >= 0))",
    "CREATE UNIQUE INDEX users_email ON users (email)",
];

/// Every probe fires; `apply` refuses with all of them and leaves the
/// database as it was.
fn refused(have: &str, want: &str, rt: &tokio::runtime::Runtime) {
    let start = rt.block_on(catalog(have));

    let (code, err) = run_strata(&["plan", "--url", have, "--to", want, "--allow-destructive"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: pre-flight: 3 rows in users have the same email: the new unique"),
        "{err}"
    );

    let (code, err) = run_strata(&[
        "apply",
        "--url",
        have,
        "--to",
        want,
        "--auto-approve",
        "--allow-destructive",
    ]);
    assert_eq!(code, Some(1), "{err}");
    for want in [
        "strata::apply::preflight",
        "nothing was applied",
        "3 rows in users have the same email: the new unique",
        "1 row in users has NULL in nick: making users.nick NOT NULL would fail",
        "2 rows in users point at no row of teams: the new foreign key users_team would fail",
        "rejects: the new check users_age would fail",
        "1 row in users has a value in users.nick that",
        "runs the plan without these checks",
    ] {
        assert!(err.contains(want), "missing `{want}` in: {err}");
    }
    rt.block_on(assert_catalog(have, &start, "nothing applied"));
}

#[test]
fn postgres_refuses_a_plan_the_data_would_fail() {
    let rt = crate::faults::rt();
    let Some((have, want)) = pg_pair(&rt, "pre", START, WANT) else {
        return;
    };
    refused(&have.url, &want.url, &rt);
}

#[test]
fn mysql_refuses_a_plan_the_data_would_fail_and_skip_lets_the_server_say() {
    let rt = crate::faults::rt();
    let Some((have, want)) = mysql_pair(&rt, "pre", START, WANT) else {
        return;
    };
    refused(&have.url, &want.url, &rt);
    let (code, err) = run_strata(&[
        "apply",
        "--url",
        &have.url,
        "--to",
        &want.url,
        "--auto-approve",
        "--allow-destructive",
        "--skip-preflight",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("warning: --skip-preflight: the data was not checked"),
        "{err}"
    );
    assert!(err.contains("failed"), "{err}");
}

#[test]
fn sqlite_refuses_duplicates_under_a_new_unique_index() {
    let rt = crate::faults::rt();
    let (have, want) = crate::faults::sqlite_pair(
        &rt,
        &[
            "CREATE TABLE users (id integer PRIMARY KEY, email text)",
            "INSERT INTO users VALUES (1, 'a'), (2, 'a'), (3, NULL), (4, NULL)",
        ],
        &[
            "CREATE TABLE users (id integer PRIMARY KEY, email text)",
            "CREATE UNIQUE INDEX users_email ON users (email)",
        ],
    );
    let (code, err) = run_strata(&[
        "apply",
        "--url",
        &have.url,
        "--to",
        &want.url,
        "--auto-approve",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "2 rows in users have the same email: the new unique index users_email would fail"
        ),
        "{err}"
    );
    // Without the duplicate, the same plan applies: NULLs never collide.
    rt.block_on(exec(&have.url, &ddl(&["DELETE FROM users WHERE id = 2"])))
        .expect("delete");
    let (code, err) = run_strata(&[
        "apply",
        "--url",
        &have.url,
        "--to",
        &want.url,
        "--auto-approve",
    ]);
    assert_eq!(code, Some(0), "{err}");
}
