//! MySQL/MariaDB fidelity: what strata creates means what the `mysql`
//! client would have made of the same file.

use sqlx::{Connection, Executor, Row};
use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::migration;
use strata::syntax::SourceFile;

use crate::support::{apply, MyDb};

const TRIGGER: &str =
    "dialect mysql\n\ntable t {\n  id  int  pk\n  a  int?\n  b  int?\n  c  bigint?\n}\n\n\
trigger tr on t before insert for each row sql\"\"\"\n  set new.c = new.a || new.b\n\"\"\"\n";

/// A trigger strata creates runs under the server's default `sql_mode`,
/// not the one sqlx gives its sessions (`PIPES_AS_CONCAT`,
/// `IGNORE_SPACE`): `1 || 0` is a logical OR (1), not the string `10`.
#[tokio::test]
async fn triggers_are_created_under_the_servers_sql_mode() {
    let Some(db) = MyDb::create("fidmode").await else {
        return;
    };
    let want = strata::syntax::parse(&[SourceFile::new("t.strata", TRIGGER)]).expect("parses");
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&Schema::default(), &want, d, &EmitOptions::default()).expect("plans");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    let same: i64 = sqlx::query(
        "SELECT COUNT(*) FROM information_schema.TRIGGERS \
         WHERE TRIGGER_SCHEMA = DATABASE() AND SQL_MODE = @@GLOBAL.sql_mode",
    )
    .fetch_one(&mut c)
    .await
    .expect("reads the catalog")
    .get(0);
    assert_eq!(same, 1, "the trigger's sql_mode is the server's default");
    c.execute("INSERT INTO t (id, a, b) VALUES (1, 1, 0)")
        .await
        .expect("inserts");
    let v: i64 = sqlx::query("SELECT c FROM t")
        .fetch_one(&mut c)
        .await
        .expect("reads")
        .get(0);
    assert_eq!(v, 1, "`||` is OR under the default sql_mode");
}

/// A trigger created under another `sql_mode` is read with it, and
/// created again under it: `1 || 0` stays the concatenation `10`.
#[tokio::test]
async fn a_trigger_keeps_another_sql_mode() {
    let Some(db) = MyDb::create("fidmode").await else {
        return;
    };
    let Some(copy) = MyDb::create("fidmode2").await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    for sql in [
        "CREATE TABLE t (a int, b int, c int)",
        "SET SESSION sql_mode = CONCAT(@@GLOBAL.sql_mode, ',PIPES_AS_CONCAT')",
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NEW.a || NEW.b",
    ] {
        c.execute(sql).await.expect(sql);
    }
    let got = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects");
    let mode = got
        .schema
        .triggers
        .values()
        .find_map(|t| t.options.get("sql_mode").cloned())
        .unwrap_or_default();
    assert!(mode.contains("PIPES_AS_CONCAT"), "sql_mode: {mode:?}");
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&Schema::default(), &got.schema, d, &EmitOptions::default()).expect("plans");
    apply(&copy.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let mut c = sqlx::MySqlConnection::connect(&copy.url)
        .await
        .expect("connects");
    c.execute("INSERT INTO t (a, b) VALUES (1, 0)")
        .await
        .expect("inserts");
    let v: i64 = sqlx::query("SELECT c FROM t")
        .fetch_one(&mut c)
        .await
        .expect("reads")
        .get(0);
    assert_eq!(v, 10, "`||` concatenates under PIPES_AS_CONCAT");
}

/// A view whose strings hold quotes and backslashes comes back through
/// `inspect` as a file that reads, plans to nothing and, applied to an
/// empty database, selects the very same strings.
#[tokio::test]
async fn view_strings_round_trip_through_inspect() {
    let (Some(db), Some(copy)) = (MyDb::create("fidview").await, MyDb::create("fidview").await)
    else {
        return;
    };
    let want = "it's a\\b 'q' \\%";
    crate::support::exec(
        &db.url,
        &["CREATE VIEW v AS SELECT 'it''s a\\\\b \\'q\\' \\%' AS x".to_string()],
    )
    .await
    .expect("creates the view");
    let inspected = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects")
        .schema;
    let text = strata::syntax::print(&inspected);
    let file = strata::syntax::parse(&[SourceFile::new("v.strata", text.as_str())])
        .unwrap_or_else(|e| panic!("the inspected file reads back: {e:?}\n{text}"));
    let d = dialect::for_kind(DialectKind::Mysql);
    let again = migration(&inspected, &file, d, &EmitOptions::default()).expect("plans");
    assert!(again.up.is_empty(), "plan again is empty:\n{text}");
    let m = migration(&Schema::default(), &file, d, &EmitOptions::default()).expect("plans");
    apply(&copy.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let mut c = sqlx::MySqlConnection::connect(&copy.url)
        .await
        .expect("connects");
    let got: String = sqlx::query("SELECT x FROM v")
        .fetch_one(&mut c)
        .await
        .expect("selects")
        .get(0);
    assert_eq!(got, want);
}

/// What `strata plan` plans from the database at `url` to the schema
/// `text`: introspect, align, plan.
async fn plan_to(url: &str, text: &str) -> strata::migration::Migration {
    let current = strata::source::introspect(url, &[])
        .await
        .expect("introspects")
        .schema;
    let mut desired = strata::syntax::parse(&[SourceFile::new("v.strata", text)]).expect("parses");
    strata::source::align(url, &current, &mut desired)
        .await
        .expect("aligns");
    let d = dialect::for_kind(DialectKind::Mysql);
    migration(&current, &desired, d, &EmitOptions::default()).expect("plans")
}

/// A view's definer that the schema does not name is the server's: a view
/// replaced for its body keeps it, whoever applies, and nothing is left
/// to plan afterwards.
#[tokio::test]
async fn a_view_keeps_the_definer_the_server_has() {
    let Some(db) = MyDb::create("fiddef").await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    for sql in [
        "CREATE TABLE t (a int)",
        "CREATE DEFINER = 'mariadb.sys'@'localhost' SQL SECURITY INVOKER VIEW v AS SELECT a FROM t",
    ] {
        c.execute(sql).await.expect(sql);
    }
    let text = "dialect mysql\n\ntable t {\n  a  int?\n}\n\n\
view v with (sql_security = invoker) as sql\"\"\"\n  select a, a + 1 as b from t\n\"\"\"\n";
    let m = plan_to(&db.url, text).await;
    let sql: Vec<&str> = m.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(
        sql.iter()
            .any(|s| s.contains("DEFINER = 'mariadb.sys'@'localhost'")),
        "{sql:?}"
    );
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let (definer, security): (String, String) = sqlx::query_as(
        "SELECT DEFINER, SECURITY_TYPE FROM information_schema.VIEWS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'v'",
    )
    .fetch_one(&mut c)
    .await
    .expect("reads the catalog");
    assert_eq!(
        (definer.as_str(), security.as_str()),
        ("mariadb.sys@localhost", "INVOKER")
    );
    let again = plan_to(&db.url, text).await;
    assert_eq!(again.up.statements().count(), 0, "plans nothing again");
}

/// An index whose comment alone changes is its own change ("comment on
/// index"); MySQL has no statement that comments an index, so the one
/// `ALTER TABLE` makes it again with the new comment, and the rollback
/// puts the old one back. Converges both ways with rows in the table.
#[tokio::test]
async fn an_index_comment_alone_is_its_own_change() {
    let Some(db) = MyDb::create("fidixcomment").await else {
        return;
    };
    let file = |comment: &str| {
        strata::syntax::parse(&[SourceFile::new(
            "t.strata",
            format!(
                "dialect mysql\ntable t {{\n  id int pk\n  b int?\n  index t_b (b) comment \"{comment}\"\n}}\n"
            ),
        )])
        .unwrap_or_else(|e| panic!("{e:?}"))
    };
    let (old, new) = (file("old"), file("new"));
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&old, &new, d, &EmitOptions::default()).expect("plans");
    let lines: Vec<String> = m
        .plan
        .steps
        .iter()
        .map(|s| strata::report::summary::line(&s.change))
        .collect();
    assert_eq!(lines, ["alter table `t`: comment on index `t_b`"]);
    let (up, down) = (
        strata::report::sql::render(d, &m.up),
        strata::report::sql::render(d, &m.down),
    );
    assert!(
        up.contains("DROP INDEX") && up.contains("COMMENT 'new'"),
        "{up}"
    );
    assert!(down.contains("COMMENT 'old'"), "{down}");
    crate::converge::converge_with_rows(&db.url, &old, &new)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A table partitioned anew keeps its rows: `ALTER TABLE … PARTITION BY`
/// (after its foreign key goes: a partitioned InnoDB table has none) and
/// `REMOVE PARTITIONING` back, never a drop and a create (the employees
/// sample database and its partitioned variant).
#[tokio::test]
async fn a_table_partitioned_anew_keeps_its_rows() {
    let Some(db) = MyDb::create("fidrepart").await else {
        return;
    };
    let file = |body: &str| {
        strata::syntax::parse(&[SourceFile::new(
            "t.strata",
            format!("dialect mysql\ntable emp {{\n  id int pk\n}}\n{body}"),
        )])
        .unwrap_or_else(|e| panic!("{e:?}"))
    };
    let plain = file(
        "table salary {\n  id int pk\n  emp int\n  amount int\n  \
         foreign key (emp) -> emp(id) on delete cascade\n}\n",
    );
    let parted = file(
        "table salary partition by range columns (`id`) (partition `p0` values less than (2), \
         partition `p1` values less than (MAXVALUE)) {\n  id int pk\n  emp int\n  amount int\n}\n",
    );
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&plain, &parted, d, &EmitOptions::default()).expect("plans");
    let (up, down) = (
        strata::report::sql::render(d, &m.up),
        strata::report::sql::render(d, &m.down),
    );
    assert!(
        up.contains("PARTITION BY range columns") && !up.contains("DROP TABLE"),
        "{up}"
    );
    assert!(
        down.contains("REMOVE PARTITIONING") && !down.contains("DROP TABLE"),
        "{down}"
    );
    crate::converge::converge_with_rows(&db.url, &plain, &parted)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let Some(db) = MyDb::create("fidunpart").await else {
        return;
    };
    crate::converge::converge_with_rows(&db.url, &parted, &plain)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A MEMORY table's keys are hashes unless told: one declared `USING
/// BTREE` (Cacti's `poller_output`, `data_source_stats_hourly_cache`)
/// stays a b-tree through inspect and plan, judged by the server's
/// `INDEX_TYPE`, and an InnoDB table's b-trees print no `using`.
#[tokio::test]
async fn a_memory_tables_btree_keys_stay_btree() {
    let Some(db) = MyDb::create("fidmemory").await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    let made = "CREATE TABLE cache (id int NOT NULL, at int NOT NULL, name varchar(20) NOT NULL, \
                v int, PRIMARY KEY USING BTREE (id, at), UNIQUE KEY by_name USING BTREE (name), \
                KEY at_b USING BTREE (at), KEY v_h (v)) ENGINE=MEMORY";
    c.execute(made).await.expect(made);
    c.execute("CREATE TABLE plain (id int PRIMARY KEY, a int, KEY a (a))")
        .await
        .expect("plain");
    let text = strata::syntax::print(&crate::mysql::inspect(&db.url).await.schema);
    assert!(
        text.contains("primary key (id, at) using btree")
            && text.contains("index at_b (at) using btree")
            && text.contains("index by_name (name) unique using btree")
            && text.contains("index v_h (v)\n")
            && text.contains("index a (a)\n"),
        "{text}"
    );
    c.execute("DROP TABLE cache, plain").await.expect("drops");
    let m = plan_to(&db.url, &text).await;
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT INDEX_NAME, INDEX_TYPE FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cache' ORDER BY INDEX_NAME",
    )
    .fetch_all(&mut c)
    .await
    .expect("reads the catalog");
    let types: Vec<(&str, &str)> = types
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("at_b", "BTREE"),
            ("by_name", "BTREE"),
            ("PRIMARY", "BTREE"),
            ("v_h", "HASH")
        ]
    );
    let again = plan_to(&db.url, &text).await;
    assert_eq!(again.up.statements().count(), 0, "plans nothing again");
}

/// A primary key over a column's prefix (`PRIMARY KEY (host, arg(187))`,
/// Cacti's `poller_reindex`) keeps its length through inspect and plan,
/// judged by the server's `SUB_PART`; it was made over the whole column.
#[tokio::test]
async fn a_primary_keys_prefix_length_is_kept() {
    let Some(db) = MyDb::create("fidpkprefix").await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    let made = "CREATE TABLE r (host int NOT NULL, arg varchar(255) NOT NULL, \
                PRIMARY KEY (host, arg(187)))";
    c.execute(made).await.expect(made);
    let text = strata::syntax::print(&crate::mysql::inspect(&db.url).await.schema);
    assert!(text.contains("primary key (host, arg(187))"), "{text}");
    c.execute("DROP TABLE r").await.expect("drops");
    let m = plan_to(&db.url, &text).await;
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let parts: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT COLUMN_NAME, CAST(SUB_PART AS SIGNED) FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'r' ORDER BY SEQ_IN_INDEX",
    )
    .fetch_all(&mut c)
    .await
    .expect("reads the catalog");
    assert_eq!(
        parts,
        [("host".to_string(), None), ("arg".to_string(), Some(187))]
    );
    let again = plan_to(&db.url, &text).await;
    assert_eq!(again.up.statements().count(), 0, "plans nothing again");
}
