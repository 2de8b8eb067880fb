//! `kill -9` of strata in the middle of a slow statement.

use predicates::prelude::*;

use super::*;
use crate::cli_errors::strata;
use crate::support::count;

/// A table big enough that copying it takes a visible while.
pub const MYSQL_BIG: &[&str] = &[
    "CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL, note varchar(20))",
    "INSERT INTO big SELECT seq, seq, 'x' FROM seq_1_to_400000",
];
/// [`MYSQL_BIG`] with `v` widened: a full table copy on MariaDB.
pub const MYSQL_WIDE: &[&str] =
    &["CREATE TABLE big (id int PRIMARY KEY, v bigint NOT NULL, note varchar(20))"];

/// MySQL finishes a statement whose client died: resume must neither run
/// it again nor claim what it has not checked.
#[test]
fn mysql_statement_finished_by_the_server_is_not_run_again() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(&rt, "f_k9", MYSQL_BIG, MYSQL_WIDE) else {
        return;
    };

    let (child, id) = mysql_apply_in_flight(&rt, &have.url, &want.url);
    signal(&child, "KILL");
    let (code, _) = finish(child);
    assert_eq!(code, None, "killed by the signal");
    rt.block_on(mysql_gone(&have.url, id));
    // The server finished the copy after strata was gone.
    rt.block_on(assert_same(&have.url, &want.url, "the server finished"));
    let in_flight =
        "SELECT COUNT(*) FROM strata_history WHERE started_at IS NOT NULL AND applied_at IS NULL";
    assert_eq!(rt.block_on(count(&have.url, in_flight)), Ok(1));

    // Resume finds the schema changed since the statement started: it
    // runs nothing, says what it knows, and names the way out.
    let (code, err) = run_strata(&["apply", "--url", &have.url, "--resume", "--auto-approve"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the schema has changed since it started"),
        "{err}"
    );
    assert!(err.contains("so it ran nothing"), "{err}");
    assert!(
        err.contains("`strata apply --to <schema>` plans from where the database stands"),
        "{err}"
    );
    assert!(!err.contains("ran:"), "{err}");
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM big")),
        Ok(400_000)
    );

    // The way out: nothing left to do, and the unfinished run is
    // superseded — kept in the history, no longer offered to --resume.
    let (code, err) = run_strata(&[
        "apply",
        "--url",
        &have.url,
        "--to",
        &want.url,
        "--auto-approve",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("No changes"), "{err}");
    assert!(err.contains("is marked superseded"), "{err}");
    let kept = "SELECT COUNT(*) FROM strata_history WHERE superseded_by IS NOT NULL";
    assert_eq!(rt.block_on(count(&have.url, kept)), Ok(1));
    strata()
        .args(["apply", "--url", &have.url, "--resume", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing to resume"));
    assert_converged(&have.url, &want.url);
}

/// A function default that sleeps: adding the column evaluates it for the
/// one row, inside the apply's transaction.
pub const PG_START: &[&str] = &[
    "CREATE FUNCTION slow() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1 FROM pg_sleep(3)'",
    "CREATE TABLE t (id int PRIMARY KEY)",
    "INSERT INTO t VALUES (1)",
];
pub const PG_WANT: &[&str] = &[
    "CREATE FUNCTION slow() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 1 FROM pg_sleep(3)'",
    "CREATE TABLE t (id int PRIMARY KEY, w int DEFAULT slow())",
];

/// PostgreSQL rolls back the transaction of a client that died.
#[test]
fn postgres_transaction_of_a_killed_apply_is_rolled_back() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_k9", PG_START, PG_WANT) else {
        return;
    };
    let start = rt.block_on(catalog(&have.url));

    let (child, _) = pg_apply_in_flight(&rt, &have.url, &want.url);
    signal(&child, "KILL");
    assert_eq!(finish(child).0, None);
    rt.block_on(pg_idle(&have.url));
    rt.block_on(assert_catalog(&have.url, &start, "rolled back"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM t")),
        Ok(1)
    );

    apply_again(&rt, &have.url, &want.url);
    assert_converged(&have.url, &want.url);
}

/// SQLite: the journal undoes a killed transaction on the next open; the
/// file is as it was before or as it should be after, never between.
#[test]
fn sqlite_killed_apply_leaves_before_or_after() {
    let rt = rt();
    // A NOT NULL added to `note`: SQLite rebuilds the table.
    let (have, want) = sqlite_pair(
        &rt,
        &[
            "CREATE TABLE big (id integer PRIMARY KEY, v integer NOT NULL, note text)",
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300000) \
             INSERT INTO big SELECT n, n, 'x' FROM s",
        ],
        &["CREATE TABLE big (id integer PRIMARY KEY, v integer NOT NULL, note text NOT NULL)"],
    );
    let start = rt.block_on(catalog(&have.url));
    let end = rt.block_on(catalog(&want.url));

    let child = spawn_apply(&have.url, &want.url, &[]);
    std::thread::sleep(Duration::from_millis(400));
    signal(&child, "KILL");
    let _ = finish(child);
    // Opening it read-write first rolls back a hot journal; the oracle
    // reads read-only.
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM big")),
        Ok(300_000)
    );
    let now = rt.block_on(catalog(&have.url));
    assert!(
        now == start || now == end,
        "between states:\n{}",
        crate::oracle::compare(&now, &start).diff.join("\n")
    );

    apply_again(&rt, &have.url, &want.url);
    assert_converged(&have.url, &want.url);
}
