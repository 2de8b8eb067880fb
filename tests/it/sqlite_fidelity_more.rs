//! SQLite keeps DDL text as written: what strata makes must store the
//! very text the desired database holds, judged by the server's catalog
//! (`sqlite_master` and the pragmas, through the oracle).

use std::time::Duration;

use crate::client::run_sql;
use crate::conformance::pipeline;
use crate::oracle::{compare, fingerprint};
use crate::sqlite_fidelity::adopts;
use crate::support::SqliteDb;

/// `current` planned to what `desired` holds (inspected to a file): the
/// catalogs then match, and planning again is empty.
async fn converges(current: &str, desired: &str) {
    let (start, want) = (SqliteDb::create(), SqliteDb::create());
    let deadline = Duration::from_secs(60);
    run_sql(&start.url, current, deadline)
        .await
        .expect("set-up");
    run_sql(&want.url, desired, deadline).await.expect("set-up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = pipeline::inspect_to_file(&want.url, dir.path())
        .await
        .expect("inspect");
    let up = pipeline::plan(&start.url, &file).await.expect("plan").up;
    run_sql(&start.url, &up, deadline)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{up}"));
    let c = compare(
        &fingerprint(&start.url).await.expect("fingerprint"),
        &fingerprint(&want.url).await.expect("fingerprint"),
    );
    assert!(c.equal, "{}\n{up}", c.diff.join("\n"));
    let again = pipeline::plan(&start.url, &file).await.expect("re-plan");
    assert!(pipeline::statements(&again.up).is_empty(), "{}", again.up);
}

/// Parentheses around a whole index expression, an index predicate or a
/// trigger's WHEN are stored with the text (`ON t ((a + b))`): before,
/// strata made `ON t (a + b)`, the same index under another text.
/// `((a))` is the column `a` to SQLite and stays one.
#[tokio::test]
async fn outer_parentheses_of_index_expressions_are_kept() {
    adopts(
        "CREATE TABLE t (a int, b int, x text);
         CREATE INDEX i1 ON t ((a + b));
         CREATE INDEX i2 ON t ((lower(x)) COLLATE nocase DESC, (((a))));
         CREATE INDEX i3 ON t (lower(x), (a * 2)) WHERE (a > 1);
         CREATE INDEX i4 ON t (((x || 'y'))) WHERE ((b IS NOT NULL) AND (a > 0));
         CREATE TRIGGER tr AFTER UPDATE ON t WHEN (new.a > 1) BEGIN SELECT 1; END;",
    )
    .await;
}

/// The same index with other parentheses is another text: the index is
/// made again (it costs an index build, never the table).
#[tokio::test]
async fn other_parentheses_make_the_index_again() {
    converges(
        "CREATE TABLE t (a int, b int); CREATE INDEX i ON t (a + b) WHERE a > 0;",
        "CREATE TABLE t (a int, b int); CREATE INDEX i ON t ((a + b)) WHERE (a > 0);",
    )
    .await;
}

/// SQLite stores a foreign key to columns that are not a key of the
/// parent (it looks at the parent only when a write uses the key): before,
/// strata refused such a database with E0208, so it could not even be
/// planned against itself. Now it is kept (the `fk-target-not-key` lint
/// warns).
#[tokio::test]
async fn a_foreign_key_to_a_column_that_is_not_a_key_is_kept() {
    adopts(
        "CREATE TABLE p (id integer PRIMARY KEY, code text);
         CREATE TABLE c (id integer PRIMARY KEY, pc text REFERENCES p (code) ON DELETE CASCADE);",
    )
    .await;
}

/// A rebuild in such a database: the whole-database foreign key check
/// fails on that foreign key ("foreign key mismatch"), so the check is
/// made table by table without it, and the script applies; a row that
/// lost its parent elsewhere is still caught.
#[tokio::test]
async fn a_rebuild_beside_a_foreign_key_to_a_column_that_is_not_a_key_applies() {
    let tables = "CREATE TABLE p (id integer PRIMARY KEY, code text);
         CREATE TABLE c (id integer PRIMARY KEY, pc text REFERENCES p (code));";
    converges(
        &format!(
            "{tables} CREATE TABLE o (id integer PRIMARY KEY, pid integer REFERENCES p (id), v int);
             INSERT INTO p VALUES (1, 'a'); INSERT INTO o VALUES (1, 1, 2);"
        ),
        &format!(
            "{tables} CREATE TABLE o (id integer PRIMARY KEY, pid integer REFERENCES p (id), \
             v text NOT NULL DEFAULT 'x');"
        ),
    )
    .await;
}

/// The same for a CHECK, a generated column and a default: `CHECK ((a >
/// 0))` stores `(a > 0)` inside the clause, `DEFAULT ((1))` the default
/// `(1)`; before, strata made `CHECK (a > 0)` and `DEFAULT 1`, other
/// texts than the server keeps.
#[tokio::test]
async fn outer_parentheses_of_checks_defaults_and_generated_columns_are_kept() {
    adopts(
        "CREATE TABLE t (id integer PRIMARY KEY, a int DEFAULT ((1)) CHECK ((a >= 0)),
         b text DEFAULT (('x')), c real DEFAULT ((-0.5)),
         g int AS ((a * 2)) STORED, h text AS (((upper(b)))) VIRTUAL,
         CONSTRAINT small CHECK (((a < 1000))));",
    )
    .await;
}
