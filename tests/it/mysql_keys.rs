//! Foreign keys around changes to the columns they use, on MariaDB: the
//! server refuses to retype a column a foreign key uses (either side), so
//! the plan drops those keys first and adds them back after — and the
//! rollback does the same in reverse. Each case is the convergence triple
//! with rows in every table.

use strata::ir::Schema;
use strata::syntax::{parse, SourceFile};

use crate::converge::converge_with_rows;
use crate::support::MyDb;

fn schema(text: &str) -> Schema {
    parse(&[SourceFile::new(
        "case.strata",
        format!("dialect mysql\n{text}"),
    )])
    .unwrap_or_else(|e| panic!("{e:?}"))
}

pub async fn case(name: &str, a: &str, b: &str) -> Option<String> {
    let db = MyDb::create("keys").await?;
    converge_with_rows(&db.url, &schema(a), &schema(b))
        .await
        .err()
        .map(|e| format!("{name}: {e}"))
}

#[tokio::test]
async fn foreign_keys_make_way_for_column_changes() {
    if MyDb::create("keys").await.is_none() {
        return;
    }
    let cases = [
        (
            "both sides int → bigint",
            "table parent { id int pk\n name varchar(20) }\n\
             table child { id int pk\n parent_id int -> parent.id on delete cascade }",
            "table parent { id bigint pk\n name varchar(20) }\n\
             table child { id int pk\n parent_id bigint -> parent.id on delete cascade }",
        ),
        (
            "referenced varchar widened, two referencing tables",
            "table tag { id varchar(10) pk }\n\
             table post_tag { id int pk\n tag_id varchar(10) -> tag.id }\n\
             table user_tag { id int pk\n tag_id varchar(10)? -> tag.id }",
            "table tag { id varchar(40) pk }\n\
             table post_tag { id int pk\n tag_id varchar(10) -> tag.id }\n\
             table user_tag { id int pk\n tag_id varchar(10)? -> tag.id }",
        ),
        (
            "referencing column made nullable, its key changed too, other changes around",
            "table parent { id bigint pk }\n\
             table child { id int pk\n parent_id bigint -> parent.id\n note varchar(10)? }",
            "table parent { id bigint pk }\n\
             table child { id int pk\n parent_id bigint? -> parent.id on delete set null\n note varchar(30)?\n extra int? }",
        ),
        (
            "referenced collation changes on both sides",
            "table code { id varchar(8) pk }\n\
             table use_code { id int pk\n code_id varchar(8) -> code.id }",
            "table code { id varchar(8) collate utf8mb4_bin pk }\n\
             table use_code { id int pk\n code_id varchar(8) collate utf8mb4_bin -> code.id }",
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
