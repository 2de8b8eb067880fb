//! MySQL/MariaDB dialect against the real server: introspection of every
//! modeled feature, a created schema that reads back as its source, and
//! printed SQL run by the `mariadb` client (the emitter's SQL for schema
//! changes is pinned by the cases in tests/cases/mysql/). Every test has its own
//! scratch database (`support::MyDb`).

use crate::support::apply;
use sqlx::Connection;
use strata::dialect::ApplyOptions;
use strata::dialect::{self, EmitOptions, Introspection};
use strata::diff::Change;
use strata::ir::{DialectKind, Expr, FkAction, IndexKey, Name, Schema};
use strata::plan::{Plan, Step};

use crate::converge::schema_diff;
use crate::gen::tables_in_fk_order;
use crate::support::MyDb;

/// Runs set-up SQL as the `mysql` client would: under the server's
/// default `sql_mode` (sqlx adds `PIPES_AS_CONCAT` and `IGNORE_SPACE`,
/// which triggers would remember).
pub async fn exec(url: &str, sql: &str) {
    let mut c = sqlx::MySqlConnection::connect(url)
        .await
        .expect("connect to scratch database");
    sqlx::raw_sql("SET SESSION sql_mode = @@GLOBAL.sql_mode")
        .execute(&mut c)
        .await
        .expect("sets the sql_mode");
    sqlx::raw_sql(sql)
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let _ = c.close().await;
}

pub async fn inspect(url: &str) -> Introspection {
    strata::source::introspect(url, &[])
        .await
        .unwrap_or_else(|e| panic!("introspect: {e:?}"))
}

fn my() -> &'static dyn dialect::Dialect {
    dialect::for_kind(DialectKind::Mysql)
}

pub fn plan_of(changes: Vec<Change>) -> Plan {
    Plan {
        steps: changes
            .into_iter()
            .map(|change| {
                let hazards = my().hazards(&change, &EmitOptions::default());
                Step { change, hazards }
            })
            .collect(),
    }
}

pub fn sql_of(plan: &Plan, options: &EmitOptions) -> String {
    let script = my().emit(plan, options).expect("emit");
    let mut out = String::new();
    for st in script.statements() {
        for h in &st.hazards {
            out.push_str(&format!("-- hazard {}: {}\n", h.kind.as_str(), h.message));
        }
        out.push_str(&st.sql);
        out.push_str(";\n");
    }
    out
}

pub async fn apply_plan(url: &str, plan: &Plan, options: &EmitOptions) -> Result<(), String> {
    let script = my().emit(plan, options).map_err(|e| format!("{e:?}"))?;
    apply(url, &script, &ApplyOptions::default())
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}\nSQL:\n{}", sql_of(plan, options)))
}

/// The schema a DDL script gives, read back from a scratch database.
async fn schema_of(ddl: &str) -> Option<Schema> {
    let db = MyDb::create("ddl").await?;
    exec(&db.url, ddl).await;
    Some(inspect(&db.url).await.schema)
}

/// Everything in a schema, created from nothing, in dependency order.
fn create_all(s: &Schema) -> Vec<Change> {
    let mut out: Vec<Change> = tables_in_fk_order(s)
        .into_iter()
        .map(|t| Change::CreateTable(t.clone()))
        .collect();
    out.extend(s.views.values().map(|v| Change::CreateView(v.clone())));
    out.extend(
        s.triggers
            .values()
            .map(|t| Change::CreateTrigger(t.clone())),
    );
    out
}

fn assert_same(expected: &Schema, actual: &Schema, what: &str) {
    let (e, a) = (my().normalize(expected), my().normalize(actual));
    if let Some(d) = schema_diff(&e, &a) {
        panic!("{what}:\n{d}");
    }
}

const FEATURES: &str = r#"
CREATE TABLE parent (
  id int NOT NULL PRIMARY KEY,
  code varchar(10) NOT NULL,
  UNIQUE KEY uq_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COMMENT='the parents';
CREATE TABLE child (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  parent_id int DEFAULT NULL,
  code varchar(10) CHARACTER SET latin1 DEFAULT NULL,
  qty int(11) NOT NULL DEFAULT 0,
  price decimal(10,2) DEFAULT 0,
  label varchar(20) COLLATE utf8mb4_bin DEFAULT 'it''s' COMMENT 'shown',
  state enum('new','Done') NOT NULL DEFAULT 'new',
  flags set('a','b') DEFAULT NULL,
  ok tinyint(1) DEFAULT 1,
  doc json DEFAULT NULL,
  body text,
  uid varchar(36) DEFAULT (uuid()),
  created timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),
  total int GENERATED ALWAYS AS (qty * 2) VIRTUAL,
  stored_total int AS (qty + 1) STORED INVISIBLE,
  bits bit(3) DEFAULT b'101',
  PRIMARY KEY (id),
  KEY ix_prefix (body(10)),
  KEY ix_multi (qty DESC, label),
  FULLTEXT KEY ft_body (body),
  CONSTRAINT qty_positive CHECK (qty >= 0),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL,
  FOREIGN KEY (code) REFERENCES parent (code)
) ROW_FORMAT=COMPRESSED;
CREATE VIEW big_children AS SELECT id, qty FROM child WHERE qty > 10;
CREATE TRIGGER child_bi BEFORE INSERT ON child FOR EACH ROW SET NEW.qty = NEW.qty + 1;
"#;

#[tokio::test]
async fn introspects_every_feature() {
    let Some(db) = MyDb::create("feat").await else {
        return;
    };
    exec(&db.url, FEATURES).await;
    let got = inspect(&db.url).await;
    let s = &got.schema;
    let parent = &s.tables[&Name::new("parent")];
    assert_eq!(parent.comment.as_deref(), Some("the parents"));
    assert_eq!(
        parent.options.get("charset").map(String::as_str),
        Some("latin1")
    );
    assert_eq!(parent.uniques.len() + parent.indexes.len(), 1);

    let child = &s.tables[&Name::new("child")];
    let t = my().normalize(s).tables[&Name::new("child")].clone();
    let col = |n: &str| t.column(n).unwrap_or_else(|| panic!("column {n}")).clone();
    assert_eq!(
        child.options.get("row_format").map(String::as_str),
        Some("compressed")
    );
    assert_eq!(col("id").ty.as_str(), "bigint unsigned");
    assert!(col("id").identity.is_some());
    assert_eq!(col("qty").ty.as_str(), "int");
    assert_eq!(col("qty").default, Some(Expr::new("0")));
    assert_eq!(col("price").default, Some(Expr::new("0.00")));
    assert_eq!(col("label").default, Some(Expr::new("'it''s'")));
    assert_eq!(col("label").collation.as_deref(), Some("utf8mb4_bin"));
    assert_eq!(col("label").comment.as_deref(), Some("shown"));
    assert_eq!(col("code").charset.as_deref(), Some("latin1"));
    assert_eq!(col("state").ty.as_str(), "enum('new','Done')");
    assert_eq!(col("flags").ty.as_str(), "set('a','b')");
    assert_eq!(col("ok").ty.as_str(), "tinyint(1)");
    assert_eq!(
        col("doc").ty.as_str(),
        "json",
        "MariaDB's json is longtext + check"
    );
    assert!(t
        .checks
        .iter()
        .all(|c| !c.expr.as_str().contains("json_valid")));
    assert_eq!(col("uid").default, Some(Expr::new("uuid()")));
    assert_eq!(
        col("created").default,
        Some(Expr::new("current_timestamp(6)"))
    );
    assert_eq!(
        col("created").on_update,
        Some(Expr::new("current_timestamp(6)"))
    );
    let total = col("total").generated.expect("generated");
    assert!(!total.stored);
    assert_eq!(total.expr.as_str(), "`qty` * 2");
    let st = col("stored_total");
    assert!(st.generated.expect("generated").stored && st.invisible);
    assert_eq!(col("bits").default, Some(Expr::new("b'101'")));
    assert_eq!(
        t.primary_key.as_ref().map(|p| p.columns.clone()),
        Some(vec!["id".to_string()])
    );

    let ix = |n: &str| {
        t.indexes
            .iter()
            .find(|i| i.name.as_deref() == Some(n))
            .unwrap_or_else(|| panic!("index {n} in {:#?}", t.indexes))
            .clone()
    };
    assert_eq!(ix("ix_prefix").parts[0].length, Some(10));
    assert!(ix("ix_multi").parts[0].desc && !ix("ix_multi").parts[1].desc);
    assert_eq!(ix("ft_body").method.as_deref(), Some("fulltext"));
    // InnoDB's own index for each foreign key is explicit.
    assert_eq!(
        ix("fk_parent").parts[0].key,
        IndexKey::Column("parent_id".into())
    );
    assert!(t.indexes.iter().any(|i| i.name.as_deref() == Some("code")));

    let fk = t
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("fk_parent"))
        .expect("fk_parent");
    assert_eq!(fk.on_delete, FkAction::Cascade);
    assert_eq!(fk.on_update, FkAction::SetNull);
    assert!(t
        .foreign_keys
        .iter()
        .any(|f| f.name.as_deref() == Some("child_ibfk_1")
            && f.on_delete == FkAction::Unspecified
            && f.ref_columns == ["code"]));
    let chk = t
        .checks
        .iter()
        .find(|c| c.name.as_deref() == Some("qty_positive"))
        .expect("check");
    assert_eq!(chk.expr.as_str(), "`qty` >= 0");

    let v = &s.views[&Name::new("big_children")];
    assert!(
        !v.body.contains(&db.name),
        "database name stripped: {}",
        v.body
    );
    assert!(v.body.contains("`child`"));
    let tr = &s.triggers[&(Name::new("child"), "child_bi".to_string())];
    assert_eq!(
        (tr.timing.as_str(), tr.events.clone()),
        ("before", vec!["insert".to_string()])
    );
    assert!(tr.body.to_ascii_lowercase().contains("set new.qty"));
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);

    // Normalizing twice changes nothing.
    let once = my().normalize(s);
    assert_eq!(once, my().normalize(&once));
}

#[tokio::test]
async fn unmodeled_objects_are_reported_and_history_is_hidden() {
    let Some(db) = MyDb::create("warn").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE t (id int PRIMARY KEY);
         CREATE PROCEDURE p() SELECT 1;
         CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 1;
         CREATE TABLE parts (id int NOT NULL) PARTITION BY HASH (id) PARTITIONS 2;
         CREATE TABLE ranges (id int NOT NULL, d date NOT NULL)
           PARTITION BY RANGE (year(d)) (PARTITION p0 VALUES LESS THAN (2020), PARTITION pm VALUES LESS THAN MAXVALUE);
         CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO DELETE FROM t;
         CREATE TABLE strata_history (x int);",
    )
    .await;
    let got = inspect(&db.url).await;
    let w = got.warnings.join("\n");
    assert!(!w.contains("procedure p"), "routines are modeled: {w}");
    let kinds: Vec<(String, bool)> = got
        .schema
        .functions
        .values()
        .map(|f| (f.name.name.clone(), f.returns.is_some()))
        .collect();
    assert_eq!(
        kinds,
        vec![("f".to_string(), true), ("p".to_string(), false)]
    );
    assert!(!w.contains("event ev"), "events are modeled: {w}");
    assert!(got.schema.events.contains_key(&Name::new("ev")));
    assert!(!w.contains("parts"), "partitioning is modeled: {w}");
    let part = |t: &str| match &got.schema.tables[&Name::new(t)].partition {
        Some(strata::ir::Partitioning::By { by }) => by.as_str().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(part("parts"), "hash (`id`) partitions 2");
    assert_eq!(
        part("ranges"),
        "range (year(`d`)) (partition `p0` values less than (2020), partition `pm` values less than maxvalue)"
    );
    assert_eq!(
        my().normalize(&got.schema),
        my().normalize(&my().normalize(&got.schema))
    );
    assert!(!got.schema.tables.contains_key(&Name::new("strata_history")));
    assert!(got.schema.tables.contains_key(&Name::new("t")));
}

#[tokio::test]
async fn created_schema_round_trips() {
    let Some(source) = schema_of(FEATURES).await else {
        return;
    };
    let Some(db) = MyDb::create("create").await else {
        return;
    };
    let plan = plan_of(create_all(&my().normalize(&source)));
    apply_plan(&db.url, &plan, &EmitOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got = inspect(&db.url).await.schema;
    // View bodies come back in the server's spelling either way.
    assert_same(&source, &got, "created schema differs from its source");
}

/// The SQL `plan` prints (and its rollback) runs as-is with the `mariadb`
/// client, trigger bodies with `;` inside included.
#[tokio::test]
async fn printed_sql_runs_with_the_mariadb_client() {
    let ddl = format!(
        "{FEATURES}\nCREATE TRIGGER child_bu BEFORE UPDATE ON child FOR EACH ROW BEGIN SET NEW.qty = NEW.qty + 1; SET NEW.ok = 1; END;"
    );
    let Some(source) = schema_of(&ddl).await else {
        return;
    };
    let Some(db) = MyDb::create("client").await else {
        return;
    };
    let empty = inspect(&db.url).await.schema;
    let m =
        strata::migration::migration(&empty, &source, my(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(my(), &m.up);
    assert!(up.contains("DELIMITER"), "{up}");
    client(&db.name, &up);
    // The client's own session character set (not strata's connection's)
    // is what a view or trigger it creates records; the rest must be the
    // source.
    let mut got = inspect(&db.url).await.schema;
    let session = ["character_set_client", "collation_connection"];
    for v in got.views.values_mut() {
        v.options.retain(|k, _| !session.contains(&k.as_str()));
    }
    for t in got.triggers.values_mut() {
        t.options.retain(|k, _| !session.contains(&k.as_str()));
    }
    assert_same(&source, &got, "client-run up SQL");
    let down = strata::report::sql::render(my(), &m.down);
    client(&db.name, &down);
    let back = inspect(&db.url).await.schema;
    assert!(
        back.tables.is_empty() && back.views.is_empty() && back.triggers.is_empty(),
        "{back:#?}"
    );
}

fn client(db: &str, sql: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-P", "3306", "-uroot", db])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the mariadb client runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("send the script");
    let out = child.wait_with_output().expect("client exits");
    assert!(
        out.status.success(),
        "mariadb client failed: {}\n{sql}",
        String::from_utf8_lossy(&out.stderr)
    );
}
