//! SQLite shapes met in other projects' test corpora and application
//! schemas, each judged by the server's catalog: apply, compare, plan
//! again, roll back, with the rows checked.

use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::DialectKind;
use strata::migration::migration;

use crate::support::{apply, catalog, count, exec, SqliteDb};

/// Every column's default value as a row inserted without them gets it.
async fn defaults_of_a_new_row(url: &str, id: i64) -> i64 {
    exec(url, &[format!("INSERT INTO t (id) VALUES ({id})")])
        .await
        .expect("inserts with the defaults");
    count(
        url,
        &format!(
            "SELECT COUNT(*) FROM t WHERE id = {id} AND a = 'key' AND b = 'abort' \
             AND c = 'no' AND d = 'action' AND e = 'replace' AND f = 'hello'"
        ),
    )
    .await
    .expect("counts")
}

/// A default that is a bare word SQLite reads as a name (`DEFAULT key`,
/// `DEFAULT abort`: keywords it takes for an identifier there), followed
/// by other clauses (`NOT NULL`, `COLLATE`, `UNIQUE`, `CHECK`)
/// is that string. Before, strata made such a keyword
/// `DEFAULT (key)`, which SQLite reads as a column and refuses ("default
/// value of column [a] is not constant"), so the table could not be made;
/// a plain word was made `DEFAULT 'hello'`, another text than the
/// server keeps; and a rebuild filling NULLs with a name alone
/// (`coalesce(g, "c")`) read it as a column of the copied table.
#[tokio::test]
async fn a_bare_keyword_default_is_the_string() {
    let (start, want) = (SqliteDb::create_file(), SqliteDb::create_file());
    exec(
        &start.url,
        &[
            "CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL DEFAULT 'x', b, c text, \
             d, e, f, g text)"
                .to_string(),
            "INSERT INTO t VALUES (1, 'v', 'w', 'u', 'd', 1, NULL, NULL)".to_string(),
        ],
    )
    .await
    .expect("set-up");
    exec(
        &want.url,
        &[
            "CREATE TABLE t (id integer PRIMARY KEY, a text DEFAULT key NOT NULL, \
           b DEFAULT abort COLLATE nocase, c text DEFAULT no UNIQUE, \
           d DEFAULT action CHECK (d <> ''), e DEFAULT replace NOT NULL COLLATE rtrim, \
           f DEFAULT hello NOT NULL, g text NOT NULL DEFAULT \"c\")"
                .to_string(),
        ],
    )
    .await
    .expect("set-up");
    let current = strata::source::introspect(&start.url, &[])
        .await
        .expect("introspects")
        .schema;
    let desired = strata::source::introspect(&want.url, &[])
        .await
        .expect("introspects")
        .schema;
    let text = strata::syntax::print(&desired);
    assert!(text.contains("= key\n"), "kept as written: {text}");
    let start_catalog = catalog(&start.url).await;
    let d = dialect::for_kind(DialectKind::Sqlite);
    let m = migration(&current, &desired, d, &EmitOptions::default()).expect("plans");
    apply(&start.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    crate::oracle::judge(
        "up",
        DialectKind::Sqlite,
        &catalog(&start.url).await,
        &catalog(&want.url).await,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let kept = "SELECT COUNT(*) FROM t WHERE id = 1 AND a = 'v' AND b = 'w' AND c = 'u'";
    assert_eq!(count(&start.url, kept).await.expect("counts"), 1);
    // The NULLs of columns made NOT NULL take the default, the string,
    // not the value of the column `c` that `"c"` would name in a SELECT.
    let filled = "SELECT COUNT(*) FROM t WHERE id = 1 AND f = 'hello' AND g = 'c'";
    assert_eq!(count(&start.url, filled).await.expect("counts"), 1);
    assert_eq!(defaults_of_a_new_row(&start.url, 2).await, 1);
    let again = crate::support::plan_to(&start.url, &text).await;
    assert_eq!(again.up.statements().count(), 0, "plans nothing again");
    exec(&start.url, &["DELETE FROM t WHERE id = 2".to_string()])
        .await
        .expect("deletes");
    apply(&start.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    crate::oracle::judge(
        "down",
        DialectKind::Sqlite,
        &catalog(&start.url).await,
        &start_catalog,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(&start.url, kept).await.expect("counts"), 1);
}
