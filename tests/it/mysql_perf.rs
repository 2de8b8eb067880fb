//! Introspection speed on a generated 1,000-table MariaDB database, side
//! by side with the `mariadb` client running the same information_schema
//! queries alone (the floor). Ignored by default (it takes about a
//! minute); run with
//! `cargo test --release --test it mysql_perf -- --ignored --nocapture`.
//! Figures go in docs/performance.md.

use std::time::{Duration, Instant};

use crate::mysql::exec;
use crate::support::MyDb;

/// `n` tables of 12 columns, 2 secondary indexes, a check, and a foreign
/// key to the previous table.
fn generated_ddl(n: usize) -> String {
    let mut s = String::from("SET foreign_key_checks = 0;\n");
    for i in 0..n {
        s.push_str(&format!(
            "CREATE TABLE t{i} (\n  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  \
             parent_id bigint unsigned NULL,\n  name varchar(100) NOT NULL DEFAULT '',\n  \
             email varchar(200) NULL,\n  qty int NOT NULL DEFAULT 0,\n  price decimal(10,2) NOT NULL DEFAULT 0,\n  \
             state enum('a','b','c') NOT NULL DEFAULT 'a',\n  body text NULL,\n  \
             created timestamp NOT NULL DEFAULT current_timestamp,\n  \
             updated timestamp NULL ON UPDATE current_timestamp,\n  flag tinyint(1) NOT NULL DEFAULT 0,\n  \
             note varchar(20) NULL COMMENT 'n',\n  \
             KEY ix_name (name), UNIQUE KEY uq_email (email),\n  CHECK (qty >= 0){}\n);\n",
            if i > 0 {
                format!(",\n  FOREIGN KEY (parent_id) REFERENCES t{} (id)", i - 1)
            } else {
                String::new()
            }
        ));
    }
    s
}

/// The catalog queries introspection runs, as the client would run them.
fn client_queries(db: &str) -> String {
    let q = |s: &str| s.replace('?', &format!("'{db}'"));
    [
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT, CREATE_OPTIONS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE, INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME WHERE k.TABLE_SCHEMA = ? AND r.CONSTRAINT_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME",
        "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
        "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME",
        "SELECT COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT FROM information_schema.COLLATIONS",
        "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME",
        "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME",
        "SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, PARTITION_DESCRIPTION, PARTITION_COMMENT FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
    ]
    .iter()
    .map(|s| format!("{};\n", q(s)))
    .collect()
}

fn client(db: &str, sql: &str) -> Duration {
    use std::io::Write;
    let start = Instant::now();
    let mut child = std::process::Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-P", "3306", "-uroot", "--batch", db])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the mariadb client runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("send queries");
    assert!(child.wait().expect("client exits").success());
    start.elapsed()
}

#[tokio::test]
#[ignore = "benchmark: about a minute"]
async fn inspect_1000_tables_near_the_client_floor() {
    let Some(db) = MyDb::create("perf").await else {
        return;
    };
    let n = 1000;
    let t = Instant::now();
    exec(&db.url, &generated_ddl(n)).await;
    eprintln!("created {n} tables in {:.1}s", t.elapsed().as_secs_f64());
    let queries = client_queries(&db.name);
    // Warm both once: the first read of 1,000 tables opens their files.
    let _ = client(&db.name, &queries);
    let mut floor = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..3 {
        floor.push(client(&db.name, &queries));
        let t = Instant::now();
        let got = strata::source::introspect(&db.url, &[])
            .await
            .expect("introspect");
        ours.push(t.elapsed());
        assert_eq!(got.schema.tables.len(), n);
    }
    floor.sort();
    ours.sort();
    let (f, o) = (floor[1].as_secs_f64(), ours[1].as_secs_f64());
    eprintln!(
        "mariadb client, same queries: {f:.2}s (median of 3); strata inspect: {o:.2}s; ratio {:.2}",
        o / f
    );
    assert!(
        o <= f * 1.5,
        "inspect {o:.2}s is over 1.5× the client's {f:.2}s"
    );
}
