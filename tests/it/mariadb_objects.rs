//! MariaDB's own kinds on a real server, with rows in the tables: a
//! primary key's index comment, sequences (and a default that calls one),
//! system-versioned tables. Each step is planned from a schema file,
//! applied, and judged by the oracle against the same schema built from
//! SQL by the `mariadb` client; planning again is empty, the rollback
//! gives the catalog back, and the rows are still there.

use std::time::Duration;

use strata::dialect::ApplyOptions;
use strata::migration::Migration;
use strata::plan::HazardKind;

use crate::oracle;
use crate::support::{apply, catalog, count, exec, plan_to, MyDb};

/// Plans the database at `url` to `text` and applies it; the catalog is
/// then the one the client makes of `sql` on an empty database, and
/// nothing is left to plan. The rollback gives the catalog back, and the
/// up is applied again. Returns the migration.
async fn step(url: &str, text: &str, sql: &str) -> Migration {
    let before = catalog(url).await;
    let m = plan_to(url, text).await;
    assert!(m.up.statements().count() > 0, "plans a change to:\n{text}");
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let after = catalog(url).await;
    let built = MyDb::create("mdbwant").await.expect("a second database");
    crate::client::run_sql(&built.url, sql, Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let c = oracle::compare(&after, &catalog(&built.url).await);
    assert!(
        c.equal,
        "the up gives the catalog of:\n{sql}\n{:#?}",
        c.diff
    );
    let again = plan_to(url, text).await;
    let left: Vec<&str> = again.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(left.is_empty(), "plans again: {left:?}");
    apply(url, &m.down, &ApplyOptions::default())
        .await
        .expect("rolls back");
    let c = oracle::compare(&catalog(url).await, &before);
    assert!(c.equal, "the rollback restores the catalog: {:#?}", c.diff);
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies again");
    assert_eq!(catalog(url).await, after);
    m
}

async fn number(url: &str, sql: &str) -> i64 {
    count(url, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn has_hazard(m: &Migration, kind: HazardKind, words: &str) -> bool {
    m.up.statements()
        .flat_map(|s| &s.hazards)
        .any(|h| h.kind == kind && h.message.contains(words))
}

/// A new comment on the primary key re-makes the key in one `ALTER`
/// (MySQL has no other way to change it), under a foreign key that
/// references it, and the rows stay.
#[tokio::test]
async fn a_primary_key_comment_is_changed_in_one_statement() {
    let Some(db) = MyDb::create("mdbpk").await else {
        return;
    };
    let start = [
        "CREATE TABLE t (id bigint NOT NULL, PRIMARY KEY (id) COMMENT 'old')",
        "CREATE TABLE c (t_id bigint, CONSTRAINT c_t FOREIGN KEY (t_id) REFERENCES t (id))",
        "INSERT INTO t VALUES (1), (2)",
        "INSERT INTO c VALUES (1), (2)",
    ];
    exec(&db.url, &start.map(String::from))
        .await
        .expect("sets up");
    let text =
        "dialect mysql\n\ntable t {\n  id  bigint\n  primary key (id) comment \"new\"\n}\n\n\
table c {\n  t_id  bigint?\n  foreign key c_t (t_id) -> t (id)\n  index c_t (t_id)\n}\n";
    let sql = "CREATE TABLE t (id bigint NOT NULL, PRIMARY KEY (id) COMMENT 'new');\n\
CREATE TABLE c (t_id bigint, CONSTRAINT c_t FOREIGN KEY (t_id) REFERENCES t (id));\n";
    let m = step(&db.url, text, sql).await;
    let remade = m.up.statements().any(|s| {
        s.sql.contains("DROP PRIMARY KEY") && s.sql.contains("ADD PRIMARY KEY (`id`) COMMENT 'new'")
    });
    assert!(
        remade,
        "{:?}",
        m.up.statements().map(|s| &s.sql).collect::<Vec<_>>()
    );
    assert_eq!(
        number(&db.url, "SELECT COUNT(*) FROM t JOIN c ON c.t_id = t.id").await,
        2
    );
}

/// Sequences created, altered and dropped; a new column whose default
/// calls one fills the rows already there, and the sequence a key's
/// default calls goes on from where it was.
#[tokio::test]
async fn sequences_are_created_altered_and_dropped() {
    let Some(db) = MyDb::create("mdbseq").await else {
        return;
    };
    let start = [
        "CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 COMMENT 'old'",
        "CREATE SEQUENCE gone MAXVALUE 50",
        "CREATE TABLE t (id bigint NOT NULL DEFAULT NEXTVAL(s) PRIMARY KEY, v int)",
        "INSERT INTO t (v) VALUES (1), (2), (3)",
    ];
    exec(&db.url, &start.map(String::from))
        .await
        .expect("sets up");
    let text = "dialect mysql\n\nsequence s start 1 increment 2 max 1000000 cache 10 comment \"new\"\n\
sequence added start 7\n\ntable t {\n  id  bigint  pk = nextval(s)\n  v  int?\n  n  bigint = (next value for added)\n}\n";
    let sql = "CREATE SEQUENCE s START WITH 1 INCREMENT BY 2 MAXVALUE 1000000 CACHE 10 COMMENT 'new';\n\
CREATE SEQUENCE added START WITH 7;\n\
CREATE TABLE t (id bigint NOT NULL DEFAULT NEXTVAL(s) PRIMARY KEY, v int, n bigint NOT NULL DEFAULT NEXTVAL(added));\n";
    let m = step(&db.url, text, sql).await;
    assert!(has_hazard(&m, HazardKind::DataLoss, "sequence gone"));
    assert_eq!(
        number(&db.url, "SELECT COUNT(*) FROM t WHERE n >= 7").await,
        3
    );
    exec(&db.url, &["INSERT INTO t (v) VALUES (4)".to_string()])
        .await
        .expect("inserts with both defaults");
    assert_eq!(
        number(&db.url, "SELECT COUNT(*) FROM t WHERE v = 4 AND id > 3").await,
        1
    );
}

/// Versioning added to a table with rows, the table changed while it
/// keeps its history, then versioning dropped: a data-loss hazard, and
/// the history goes.
#[tokio::test]
async fn system_versioning_is_added_kept_and_dropped() {
    let Some(db) = MyDb::create("mdbver").await else {
        return;
    };
    let start = [
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int)",
        "INSERT INTO t VALUES (1, 1), (2, 2)",
    ];
    exec(&db.url, &start.map(String::from))
        .await
        .expect("sets up");
    let versioned =
        "dialect mysql\n\ntable t with (system_versioning) {\n  id  int  pk\n  a  int?\n}\n";
    let sql = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int) WITH SYSTEM VERSIONING;\n";
    step(&db.url, versioned, sql).await;
    exec(&db.url, &["UPDATE t SET a = a + 10".to_string()])
        .await
        .expect("updates");
    let all = "SELECT COUNT(*) FROM t FOR SYSTEM_TIME ALL";
    assert_eq!(number(&db.url, all).await, 4, "two rows and their history");

    let widened = "dialect mysql\n\ntable t with (system_versioning) {\n  id  int  pk\n  a  int?\n  b  varchar(10)?\n}\n";
    let sql = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10)) WITH SYSTEM VERSIONING;\n";
    let m = step(&db.url, widened, sql).await;
    assert!(has_hazard(&m, HazardKind::TableRewrite, "history rows"));
    assert_eq!(number(&db.url, all).await, 4, "the history is kept");

    let plain = "dialect mysql\n\ntable t {\n  id  int  pk\n  a  int?\n  b  varchar(10)?\n}\n";
    let sql = "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int, b varchar(10));\n";
    let m = step(&db.url, plain, sql).await;
    assert!(has_hazard(&m, HazardKind::DataLoss, "history"));
    assert_eq!(
        number(&db.url, "SELECT COUNT(*) FROM t WHERE a > 10").await,
        2
    );
}
