//! Column moves on MariaDB: a column whose place among the kept columns
//! changes is moved with `MODIFY … AFTER` / `FIRST` (the sqldef
//! `SwapColumn` case and others), with rows in every table; the
//! convergence triple compares column order on MySQL.

use crate::mysql_keys::case;
use crate::support::MyDb;

#[tokio::test]
async fn moved_columns_converge_with_rows() {
    if MyDb::create("moves").await.is_none() {
        return;
    }
    let cases = [
        (
            "two columns swapped",
            "table users { id bigint pk\n name varchar(40)\n nickname varchar(20)\n created_at int? }",
            "table users { id bigint pk\n nickname varchar(20)\n name varchar(40)\n created_at int? }",
        ),
        (
            "last column first, one moved and retyped, one added between",
            "table t { id int pk\n a int\n b varchar(10)\n c int }",
            "table t { c int\n id int pk\n b varchar(30)\n x int?\n a int }",
        ),
        (
            "moved after a column added in the same plan",
            "table t { id int pk\n a int\n b int }",
            "table t { id int pk\n x int?\n b int\n a int }",
        ),
        (
            "reversed, one dropped",
            "table t { id int pk\n a int\n b int\n gone int? }",
            "table t { b int\n a int\n id int pk }",
        ),
    ];
    let mut failures = Vec::new();
    for (name, a, b) in cases {
        if let Some(e) = case(name, a, b).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
