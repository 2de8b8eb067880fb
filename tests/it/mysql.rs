//! MySQL/MariaDB dialect against the real server: introspection of every
//! modeled feature, the emitter's SQL (snapshots under snapshots/mysql/),
//! and hand-built plans that must converge. Every test has its own
//! scratch database (`support::MyDb`).

use crate::support::apply;
use sqlx::Connection;
use strata::dialect::ApplyOptions;
use strata::dialect::{self, EmitOptions, Introspection};
use strata::diff::{Change, ColumnChanges, TableChange};
use strata::ir::{Column, DialectKind, Expr, FkAction, IndexKey, Name, Schema, Table};
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
    assert!(w.contains("procedure p"), "{w}");
    assert!(w.contains("function f"), "{w}");
    assert!(w.contains("event ev"), "{w}");
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

/// A → B by a hand-built AlterTable, applied to a database holding A,
/// must read back as B; then the reverse changes must give A back.
async fn alter_converges(
    a_ddl: &str,
    b_ddl: &str,
    table: &str,
    changes: Vec<TableChange>,
    reverse: Vec<TableChange>,
    options: &EmitOptions,
) -> Option<String> {
    let a = schema_of(a_ddl).await?;
    let b = schema_of(b_ddl).await?;
    let db = MyDb::create("alter").await?;
    exec(&db.url, a_ddl).await;
    let (na, nb) = (my().normalize(&a), my().normalize(&b));
    let n = Name::new(table);
    let up = plan_of(vec![Change::AlterTable {
        from: na.tables[&n].clone(),
        to: nb.tables[&n].clone(),
        changes,
    }]);
    let sql = sql_of(&up, options);
    apply_plan(&db.url, &up, options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_same(
        &b,
        &inspect(&db.url).await.schema,
        &format!("up did not converge:\n{sql}"),
    );
    let down = plan_of(vec![Change::AlterTable {
        from: nb.tables[&n].clone(),
        to: na.tables[&n].clone(),
        changes: reverse,
    }]);
    apply_plan(&db.url, &down, options)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_same(&a, &inspect(&db.url).await.schema, "down did not restore");
    Some(sql)
}

const ALTER_A: &str =
    "CREATE TABLE p (id int PRIMARY KEY, k varchar(10) NOT NULL, UNIQUE KEY uk (k));
CREATE TABLE t (
  id int NOT NULL PRIMARY KEY,
  a int NOT NULL DEFAULT 1,
  b varchar(20) DEFAULT NULL,
  gone int DEFAULT NULL,
  p_id int DEFAULT NULL,
  KEY ix_b (b),
  CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id),
  CONSTRAINT a_small CHECK (a < 100)
) COMMENT='before';";

const ALTER_B: &str =
    "CREATE TABLE p (id int PRIMARY KEY, k varchar(10) NOT NULL, UNIQUE KEY uk (k));
CREATE TABLE t (
  first_one int DEFAULT NULL,
  id int NOT NULL PRIMARY KEY,
  a bigint NOT NULL DEFAULT 5,
  middle varchar(5) NOT NULL DEFAULT 'm',
  b varchar(40) DEFAULT NULL,
  p_id int DEFAULT NULL,
  KEY ix_b2 (b),
  UNIQUE KEY uq_a (a),
  CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE,
  CONSTRAINT a_big CHECK (a > -1)
) COMMENT='after';";

fn alter_changes(a: &Schema, b: &Schema) -> (Vec<TableChange>, Vec<TableChange>) {
    let (a, b) = (my().normalize(a), my().normalize(b));
    let ta = &a.tables[&Name::new("t")];
    let tb = &b.tables[&Name::new("t")];
    let c = |t: &Table, n: &str| t.column(n).cloned().unwrap_or_else(|| panic!("column {n}"));
    let fk = |t: &Table| t.foreign_keys[0].clone();
    let ck = |t: &Table| t.checks[0].clone();
    let up = vec![
        TableChange::AddColumn(c(tb, "first_one")),
        TableChange::AddColumn(c(tb, "middle")),
        TableChange::DropColumn(c(ta, "gone")),
        TableChange::AlterColumn {
            from: c(ta, "a"),
            to: c(tb, "a"),
            what: ColumnChanges::between(&c(ta, "a"), &c(tb, "a")),
        },
        TableChange::AlterColumn {
            from: c(ta, "b"),
            to: c(tb, "b"),
            what: ColumnChanges::between(&c(ta, "b"), &c(tb, "b")),
        },
        TableChange::RenameIndex {
            from: "ix_b".into(),
            to: "ix_b2".into(),
        },
        TableChange::AddUnique(
            tb.uniques
                .iter()
                .find(|u| u.name.as_deref() == Some("uq_a"))
                .cloned()
                .expect("uq_a"),
        ),
        TableChange::DropForeignKey(fk(ta)),
        TableChange::AddForeignKey(fk(tb)),
        TableChange::DropCheck(ck(ta)),
        TableChange::AddCheck(ck(tb)),
        TableChange::SetComment {
            from: ta.comment.clone(),
            to: tb.comment.clone(),
        },
    ];
    let down = vec![
        TableChange::DropColumn(c(tb, "first_one")),
        TableChange::DropColumn(c(tb, "middle")),
        TableChange::AddColumn(c(ta, "gone")),
        TableChange::AlterColumn {
            from: c(tb, "a"),
            to: c(ta, "a"),
            what: ColumnChanges::between(&c(tb, "a"), &c(ta, "a")),
        },
        TableChange::AlterColumn {
            from: c(tb, "b"),
            to: c(ta, "b"),
            what: ColumnChanges::between(&c(tb, "b"), &c(ta, "b")),
        },
        TableChange::RenameIndex {
            from: "ix_b2".into(),
            to: "ix_b".into(),
        },
        TableChange::DropUnique(
            tb.uniques
                .iter()
                .find(|u| u.name.as_deref() == Some("uq_a"))
                .cloned()
                .expect("uq_a"),
        ),
        TableChange::DropForeignKey(fk(tb)),
        TableChange::AddForeignKey(fk(ta)),
        TableChange::DropCheck(ck(tb)),
        TableChange::AddCheck(ck(ta)),
        TableChange::SetComment {
            from: tb.comment.clone(),
            to: ta.comment.clone(),
        },
    ];
    (up, down)
}

#[tokio::test]
async fn hand_built_alter_converges_both_ways() {
    let (Some(a), Some(b)) = (schema_of(ALTER_A).await, schema_of(ALTER_B).await) else {
        return;
    };
    let (up, down) = alter_changes(&a, &b);
    let Some(sql) = alter_converges(ALTER_A, ALTER_B, "t", up, down, &EmitOptions::default()).await
    else {
        return;
    };
    snapshot("alter_table", &sql);
}

#[tokio::test]
async fn online_mode_requests_algorithms_the_server_accepts() {
    let a_ddl = "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL DEFAULT 1, b varchar(20) DEFAULT NULL, gone int DEFAULT NULL);";
    let b_ddl = "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL DEFAULT 2, b varchar(20) DEFAULT NULL, c int DEFAULT NULL, KEY ix_b (b));";
    let (Some(a), Some(b)) = (schema_of(a_ddl).await, schema_of(b_ddl).await) else {
        return;
    };
    let (a, b) = (my().normalize(&a), my().normalize(&b));
    let (ta, tb) = (&a.tables[&Name::new("t")], &b.tables[&Name::new("t")]);
    let c = |t: &Table, n: &str| t.column(n).cloned().expect("column");
    let up = vec![
        TableChange::AddColumn(c(tb, "c")),
        TableChange::DropColumn(c(ta, "gone")),
        TableChange::AlterColumn {
            from: c(ta, "a"),
            to: c(tb, "a"),
            what: ColumnChanges::between(&c(ta, "a"), &c(tb, "a")),
        },
        TableChange::AddIndex(tb.indexes[0].clone()),
    ];
    let down = vec![
        TableChange::DropColumn(c(tb, "c")),
        TableChange::AddColumn(c(ta, "gone")),
        TableChange::AlterColumn {
            from: c(tb, "a"),
            to: c(ta, "a"),
            what: ColumnChanges::between(&c(tb, "a"), &c(ta, "a")),
        },
        TableChange::DropIndex(tb.indexes[0].clone()),
    ];
    let online = EmitOptions {
        online: true,
        ..EmitOptions::default()
    };
    let Some(sql) = alter_converges(a_ddl, b_ddl, "t", up, down, &online).await else {
        return;
    };
    assert!(sql.contains("ALGORITHM=INPLACE,\n  LOCK=NONE"), "{sql}");
    snapshot("online_alter", &sql);

    // A type change cannot run online: no ALGORITHM clause, a hazard.
    let from = Column::new("a", "int");
    let to = Column::new("a", "varchar(10)");
    let plan = plan_of(vec![Change::AlterTable {
        from: ta.clone(),
        to: ta.clone(),
        changes: vec![TableChange::AlterColumn {
            what: ColumnChanges::between(&from, &to),
            from,
            to,
        }],
    }]);
    let sql = sql_of(&plan, &online);
    assert!(!sql.contains("ALGORITHM="), "{sql}");
    assert!(
        sql.contains("hazard access_exclusive_lock: cannot run online"),
        "{sql}"
    );
    assert!(sql.contains("hazard data_loss"), "{sql}");
    snapshot("online_copy_hazard", &sql);
}

fn snapshot(name: &str, sql: &str) {
    insta::with_settings!({
        snapshot_path => "../../snapshots/mysql",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, sql);
    });
}

#[test]
fn emitter_snapshots() {
    let mut t = Table::new(Name::new("orders"));
    let mut id = Column::new("id", "bigint unsigned");
    id.identity = Some(strata::ir::Identity::AutoIncrement);
    t.columns.push(id);
    let mut note = Column::new("note", "varchar(200)");
    note.nullable = true;
    note.default = Some(Expr::new("'none'"));
    note.comment = Some("free text".into());
    t.columns.push(note);
    let mut at = Column::new("at", "timestamp");
    at.default = Some(Expr::new("CURRENT_TIMESTAMP"));
    at.on_update = Some(Expr::new("CURRENT_TIMESTAMP"));
    t.columns.push(at);
    t.primary_key = Some(strata::ir::PrimaryKey {
        name: None,
        columns: vec!["id".into()],
        deferral: Default::default(),
    });
    t.options.insert("engine".into(), "InnoDB".into());
    t.options.insert("charset".into(), "utf8mb4".into());
    t.comment = Some("it's an order".into());
    let s = Schema {
        tables: [(t.name.clone(), t.clone())].into_iter().collect(),
        ..Schema::default()
    };
    let n = my().normalize(&s);
    let t = n.tables[&Name::new("orders")].clone();
    let mut wider = t.clone();
    wider.columns[1].ty = strata::ir::Type::new("varchar(300)");
    let plan = plan_of(vec![
        Change::CreateTable(t.clone()),
        Change::AlterTable {
            from: t.clone(),
            to: wider.clone(),
            changes: vec![TableChange::AlterColumn {
                from: t.columns[1].clone(),
                to: wider.columns[1].clone(),
                what: ColumnChanges::between(&t.columns[1], &wider.columns[1]),
            }],
        },
        Change::DropTable(t),
    ]);
    let sql = sql_of(
        &plan,
        &EmitOptions {
            lock_timeout: Some("5s".into()),
            ..EmitOptions::default()
        },
    );
    assert!(sql.starts_with("SET SESSION lock_wait_timeout = 5;\n"));
    assert!(
        sql.contains("DEFAULT current_timestamp() ON UPDATE current_timestamp()"),
        "{sql}"
    );
    snapshot("create_alter_drop", &sql);
    let script = my().emit(&plan, &EmitOptions::default()).expect("emit");
    assert!(script.phases.iter().all(|p| !p.transactional));
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
    assert_same(&source, &inspect(&db.url).await.schema, "client-run up SQL");
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
