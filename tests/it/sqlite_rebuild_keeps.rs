//! SQLite makes most table changes by rebuilding the table from strata's
//! model of it. What the table's definition holds that the model leaves
//! out (`ON CONFLICT` clauses, a key's own COLLATE) would be gone after
//! the copy, changing what the table accepts without a word: such a plan
//! is refused (E0256) and the database left as it was; a change made in
//! place, or a rebuild of a table whose definition the model covers,
//! still runs. Judged by `sqlite_master` and by what the server accepts.

use sqlx::Connection;

use crate::cli_errors::strata;
use crate::support::{count, ddl, exec, rt, SqliteDb};

/// The `CREATE` text SQLite keeps for every table, by name.
async fn definitions(url: &str) -> Vec<(String, String)> {
    let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'strata%' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .expect("sqlite_master");
    let _ = c.close().await;
    rows
}

/// A database file set up by `statements`, and a desired schema file
/// `want` (SQL) beside it.
fn database(statements: &[&str], want: &str) -> (SqliteDb, tempfile::TempDir, String) {
    let db = SqliteDb::create_file();
    rt().block_on(exec(&db.url, &ddl(statements)))
        .expect("set up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("want.sql");
    std::fs::write(&file, want).expect("write the schema");
    (db, dir, file.display().to_string())
}

fn apply(url: &str, to: &str) -> (bool, String) {
    let out = strata()
        .args(["apply", "--url", url, "--to", to, "--auto-approve"])
        .output()
        .expect("run strata");
    (
        out.status.success(),
        crate::faults::flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

const ON_CONFLICT: &[&str] = &[
    "CREATE TABLE t (id integer PRIMARY KEY ON CONFLICT REPLACE, n int)",
    "INSERT INTO t VALUES (1, 10), (2, 20)",
];

#[test]
fn a_rebuild_that_would_drop_on_conflict_is_refused() {
    let (db, _dir, want) = database(
        ON_CONFLICT,
        "CREATE TABLE t (id integer PRIMARY KEY ON CONFLICT REPLACE, n text);",
    );
    let rt = rt();
    let before = rt.block_on(definitions(&db.url));

    let (ok, err) = apply(&db.url, &want);
    assert!(!ok, "{err}");
    assert!(err.contains("E0256"), "{err}");
    assert!(
        err.contains("rebuilds table `t`") && err.contains("primary key of id ON CONFLICT REPLACE"),
        "{err}"
    );
    assert_eq!(rt.block_on(definitions(&db.url)), before);
    // The clause still holds: a second row with id 1 replaces the first.
    rt.block_on(exec(&db.url, &ddl(&["INSERT INTO t VALUES (1, 11)"])))
        .expect("ON CONFLICT REPLACE still replaces");
    assert_eq!(
        rt.block_on(count(&db.url, "SELECT n FROM t WHERE id = 1")),
        Ok(11)
    );
}

#[test]
fn a_change_in_place_keeps_on_conflict_and_runs() {
    let (db, _dir, want) = database(
        ON_CONFLICT,
        "CREATE TABLE t (id integer PRIMARY KEY ON CONFLICT REPLACE, n int, note text);",
    );
    let rt = rt();
    let (ok, err) = apply(&db.url, &want);
    assert!(ok, "{err}");
    let defs = rt.block_on(definitions(&db.url));
    assert!(
        defs[0].1.to_uppercase().contains("ON CONFLICT REPLACE"),
        "{defs:?}"
    );
    assert_eq!(rt.block_on(count(&db.url, "SELECT COUNT(*) FROM t")), Ok(2));
}

#[test]
fn a_rebuild_that_would_drop_a_keys_collation_is_refused() {
    let (db, _dir, want) = database(
        &[
            "CREATE TABLE u (email text, n int, UNIQUE (email COLLATE NOCASE))",
            "INSERT INTO u VALUES ('a@x', 1)",
        ],
        "CREATE TABLE u (email text, n text, UNIQUE (email COLLATE NOCASE));",
    );
    let rt = rt();
    let before = rt.block_on(definitions(&db.url));
    let (ok, err) = apply(&db.url, &want);
    assert!(!ok, "{err}");
    assert!(
        err.contains("E0256") && err.contains("COLLATE NOCASE of email in the unique constraint"),
        "{err}"
    );
    assert_eq!(rt.block_on(definitions(&db.url)), before);
    // Still case-blind: 'A@X' is the same email.
    assert!(rt
        .block_on(exec(&db.url, &ddl(&["INSERT INTO u VALUES ('A@X', 2)"])))
        .is_err());
}

/// A key's COLLATE that is the column's own is what the rebuilt key does
/// anyway: the rebuild runs, and the key stays case-blind.
#[test]
fn a_keys_collation_equal_to_the_columns_is_rebuilt() {
    let (db, _dir, want) = database(
        &[
            "CREATE TABLE u (email text COLLATE NOCASE, n int, UNIQUE (email COLLATE nocase))",
            "INSERT INTO u VALUES ('a@x', 1)",
        ],
        "CREATE TABLE u (email text COLLATE NOCASE, n text, UNIQUE (email COLLATE nocase));",
    );
    let rt = rt();
    let (ok, err) = apply(&db.url, &want);
    assert!(ok, "{err}");
    assert_eq!(rt.block_on(count(&db.url, "SELECT COUNT(*) FROM u")), Ok(1));
    assert!(rt
        .block_on(exec(&db.url, &ddl(&["INSERT INTO u VALUES ('A@X', '2')"])))
        .is_err());
}

/// Dropping the table drops its clauses with it: nothing is lost that the
/// plan does not say (data loss, allowed here).
#[test]
fn dropping_a_table_with_on_conflict_is_not_refused() {
    let (db, _dir, want) = database(ON_CONFLICT, "CREATE TABLE other (id integer PRIMARY KEY);");
    let out = strata()
        .args([
            "apply",
            "--url",
            &db.url,
            "--to",
            &want,
            "--auto-approve",
            "--allow-destructive",
        ])
        .output()
        .expect("run strata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = rt()
        .block_on(definitions(&db.url))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["other"]);
}

/// A definition strata cannot read (SQLite takes `ON CONFLICT` after a
/// table's CHECK; strata's reader does not) leaves its checks out of the
/// model: a rebuild would drop the check. Refused; the check still holds.
#[test]
fn a_rebuild_of_a_table_strata_could_not_read_is_refused() {
    let (db, _dir, want) = database(
        &[
            "CREATE TABLE t (a int, b int, CHECK (a > 0) ON CONFLICT FAIL)",
            "INSERT INTO t VALUES (1, 2)",
        ],
        "CREATE TABLE t (a int, b text, CHECK (a > 0));",
    );
    let rt = rt();
    let before = rt.block_on(definitions(&db.url));
    let (ok, err) = apply(&db.url, &want);
    assert!(!ok, "{err}");
    assert!(
        err.contains("E0256") && err.contains("its definition, which strata could not read"),
        "{err}"
    );
    assert_eq!(rt.block_on(definitions(&db.url)), before);
    assert!(rt
        .block_on(exec(&db.url, &ddl(&["INSERT INTO t VALUES (-1, 0)"])))
        .is_err());
}

/// A saved plan rebuilds `t`; before it runs, another connection remakes
/// `t` with an `ON CONFLICT` clause, the same in strata's model. The plan
/// is stale (the clause is part of the state a plan records) and runs
/// nothing; the clause stays.
#[test]
fn a_saved_plan_does_not_rebuild_away_a_clause_added_since() {
    let (db, dir, want) = database(
        &[
            "CREATE TABLE t (id integer PRIMARY KEY, n int)",
            "INSERT INTO t VALUES (1, 10)",
        ],
        "CREATE TABLE t (id integer PRIMARY KEY, n text);",
    );
    let file = dir.path().join("plan.json").display().to_string();
    strata()
        .args(["plan", "--url", &db.url, "--to", &want, "-o", &file])
        .assert()
        .success();
    let rt = rt();
    rt.block_on(exec(
        &db.url,
        &ddl(&[
            "CREATE TABLE t2 (id integer PRIMARY KEY ON CONFLICT REPLACE, n int)",
            "INSERT INTO t2 SELECT * FROM t",
            "DROP TABLE t",
            "ALTER TABLE t2 RENAME TO t",
        ]),
    ))
    .expect("remake t");
    let before = rt.block_on(definitions(&db.url));

    let out = strata()
        .args(["apply", "--url", &db.url, "--plan", &file, "--auto-approve"])
        .output()
        .expect("run strata");
    let err = crate::faults::flat(&String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("plan_stale") && err.contains("nothing was applied"),
        "{err}"
    );
    assert!(
        err.contains("primary key of id ON CONFLICT REPLACE"),
        "{err}"
    );
    assert_eq!(rt.block_on(definitions(&db.url)), before);
}

/// A key's DESC orders the key's index (`pragma_index_xinfo.desc`), the
/// clustered order of a WITHOUT ROWID table. Before, it was dropped
/// without a word: a rebuild made the key ascending. Now it is reported
/// as not modeled, and a rebuild that would lose it is refused.
#[test]
fn a_rebuild_that_would_drop_a_keys_desc_is_refused() {
    let (db, _dir, want) = database(
        &[
            "CREATE TABLE kv (k text NOT NULL, v blob, PRIMARY KEY (k DESC)) WITHOUT ROWID",
            "CREATE TABLE u (a int, b int, c int UNIQUE, UNIQUE (a, b DESC))",
            "INSERT INTO kv VALUES ('a', x'00')",
        ],
        "CREATE TABLE kv (k text NOT NULL, v text, PRIMARY KEY (k DESC)) WITHOUT ROWID;
         CREATE TABLE u (a int, b int, c int UNIQUE, UNIQUE (a, b DESC));",
    );
    let rt = rt();
    let before = rt.block_on(definitions(&db.url));
    let (ok, err) = apply(&db.url, &want);
    assert!(!ok, "{err}");
    assert!(
        err.contains("E0256") && err.contains("DESC of k in the primary key"),
        "{err}"
    );
    assert_eq!(rt.block_on(definitions(&db.url)), before);
}
