//! What SQLite accepts that other servers do not, taken through the
//! user's adoption path: the database is inspected to a file, `strata
//! check` accepts it, planning it against its own database is empty, and
//! applying it to an empty database gives the same catalog (the oracle's).

use std::time::Duration;

use crate::client::run_sql;
use crate::conformance::pipeline;
use crate::oracle::{compare, fingerprint};
use crate::support::SqliteDb;

pub(crate) async fn adopts(ddl: &str) {
    let original = SqliteDb::create();
    let empty = SqliteDb::create();
    let deadline = Duration::from_secs(60);
    run_sql(&original.url, ddl, deadline).await.expect("set-up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = pipeline::inspect_to_file(&original.url, dir.path())
        .await
        .expect("inspect");
    let text = std::fs::read_to_string(&file).expect("inspected file");
    pipeline::check(&file).unwrap_or_else(|e| panic!("check rejects:\n{text}\n{e}"));
    let own = pipeline::plan(&original.url, &file).await.expect("plan");
    assert!(
        pipeline::statements(&own.up).is_empty(),
        "not empty against its own database:\n{}",
        own.up
    );
    let up = pipeline::plan(&empty.url, &file).await.expect("plan").up;
    run_sql(&empty.url, &up, deadline)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{up}"));
    let c = compare(
        &fingerprint(&empty.url).await.expect("fingerprint"),
        &fingerprint(&original.url).await.expect("fingerprint"),
    );
    assert!(c.equal, "{}\n{text}\n{up}", c.diff.join("\n"));
    let again = pipeline::plan(&empty.url, &file).await.expect("re-plan");
    assert!(pipeline::statements(&again.up).is_empty(), "{}", again.up);
}

#[tokio::test]
async fn a_column_without_a_type_is_kept() {
    adopts("CREATE TABLE t (id integer PRIMARY KEY, data, other NOT NULL DEFAULT 1);").await;
}

#[tokio::test]
async fn every_type_name_sqlite_accepts_is_kept() {
    adopts(
        "CREATE TABLE t (a UNSIGNED BIG INT, b VARYING CHARACTER(255), \
         c BLOB SUB_TYPE TEXT, d NATIVE CHARACTER(70), e DOUBLE PRECISION, \
         f \"weird type\" NOT NULL, g [bracketed one], h INT8, i NVARCHAR(100));",
    )
    .await;
}

#[tokio::test]
async fn a_nullable_primary_key_stays_nullable() {
    adopts(
        "CREATE TABLE a (id text PRIMARY KEY, n int);
         CREATE TABLE b (x int, y varchar(10), PRIMARY KEY (x, y));
         CREATE TABLE c (id INTEGER PRIMARY KEY, n text);
         CREATE TABLE d (k text PRIMARY KEY, v any) WITHOUT ROWID;
         INSERT INTO a VALUES (NULL, 1);",
    )
    .await;
}

/// Django's SQLite tables: a `bigint` column referencing an `INTEGER
/// PRIMARY KEY` (one affinity, so SQLite compares them as one type).
#[tokio::test]
async fn a_bigint_references_an_integer_primary_key() {
    adopts(
        "CREATE TABLE \"auth_user\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"username\" varchar(150) NOT NULL UNIQUE);
         CREATE TABLE \"blog_post\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"author_id\" bigint NOT NULL REFERENCES \"auth_user\" (\"id\") DEFERRABLE INITIALLY DEFERRED);
         CREATE INDEX \"blog_post_author_id\" ON \"blog_post\" (\"author_id\");",
    )
    .await;
}

/// A default written as a double-quoted word is the string to SQLite
/// (calibre's `metadata.db`: `link TEXT NOT NULL DEFAULT ""`, `type TEXT
/// NON NULL DEFAULT "isbn"`): made again as written, not in parentheses,
/// where the server took it for a column and refused the table ("default
/// value of column is not constant"), nor unquoted into a name.
#[tokio::test]
async fn a_double_quoted_default_is_the_string() {
    adopts(
        "CREATE TABLE t (id integer PRIMARY KEY, link TEXT NOT NULL DEFAULT \"\", \
         type TEXT NON NULL DEFAULT \"isbn\" COLLATE NOCASE, other TEXT DEFAULT 'x');",
    )
    .await;
}
