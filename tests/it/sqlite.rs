//! SQLite against real database files: introspection of every feature,
//! migrations with rows in them, the foreign-key traps of the rebuild,
//! failures that leave the database unchanged, and the printed SQL run
//! by the `sqlite3` shell.

use std::str::FromStr;

use crate::support::apply;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use strata::dialect::ApplyOptions;
use strata::dialect::{self, EmitOptions};
use strata::ir::{
    Column, Deferral, DialectKind, Expr, FkAction, Identity, IndexKey, MatchType, Name, Schema,
};
use strata::migration::migration;

use crate::converge::schema_diff;
use crate::support::SqliteDb;

fn sqlite() -> &'static dyn dialect::Dialect {
    dialect::for_kind(DialectKind::Sqlite)
}

/// Runs SQL on the file, creating it.
pub async fn exec(url: &str, sql: &str) {
    let opts = SqliteConnectOptions::from_str(url)
        .expect("sqlite url")
        .create_if_missing(true);
    let mut c = SqliteConnection::connect_with(&opts)
        .await
        .expect("open sqlite");
    sqlx::raw_sql(sql).execute(&mut c).await.expect("run SQL");
    let _ = c.close().await;
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = SqliteConnection::connect(url).await.expect("open sqlite");
    let n = sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect("query");
    let _ = c.close().await;
    n
}

async fn inspect(url: &str) -> strata::dialect::Introspection {
    strata::source::introspect(url, &[])
        .await
        .expect("introspect")
}

const EVERYTHING: &str = r#"
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL COLLATE NOCASE,
  name varchar ( 40 ) DEFAULT 'anon',
  score REAL DEFAULT (0.5),
  created_at TEXT DEFAULT CURRENT_TIMESTAMP,
  doubled INT GENERATED ALWAYS AS (score * 2) VIRTUAL,
  tripled INT AS (score * 3) STORED,
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT score_positive CHECK (score >= 0),
  CHECK (length(name) < 100)
);
CREATE TABLE tags (
  name TEXT PRIMARY KEY,
  note TEXT UNIQUE
) WITHOUT ROWID;
CREATE TABLE posts (
  id integer primary key,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  tag TEXT,
  body TEXT,
  CONSTRAINT posts_tag_fk FOREIGN KEY (tag) REFERENCES tags ON UPDATE SET NULL MATCH FULL
) STRICT;
CREATE TABLE pairs (a int, b int, CONSTRAINT pairs_pk PRIMARY KEY (a, b));
CREATE UNIQUE INDEX posts_lower_body ON posts (lower(body) DESC, tag COLLATE nocase) WHERE body IS NOT NULL;
CREATE INDEX posts_user ON posts (user_id);
CREATE VIEW active_users AS
  SELECT id, email
  FROM users
  WHERE score > 0;
CREATE TRIGGER posts_touch AFTER UPDATE OF body ON posts
  WHEN new.body IS NOT NULL
BEGIN
  UPDATE users SET score = score + 1 WHERE id = new.user_id;
END;
CREATE VIRTUAL TABLE docs USING fts5(body);
"#;

#[tokio::test]
async fn introspects_every_feature() {
    let db = SqliteDb::create();
    exec(&db.url, EVERYTHING).await;
    let found = inspect(&db.url).await;
    let s = &found.schema;

    let names: Vec<&str> = s.tables.keys().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["pairs", "posts", "tags", "users"],
        "virtual and shadow tables are left out"
    );
    assert!(
        found
            .warnings
            .iter()
            .any(|w| w.contains("virtual table docs")),
        "{:?}",
        found.warnings
    );

    let users = &s.tables[&Name::new("users")];
    let col = |n: &str| users.column(n).unwrap_or_else(|| panic!("column {n}"));
    assert_eq!(col("id").ty.as_str(), "integer", "types come lowercased");
    assert!(!col("id").nullable, "key columns are NOT NULL");
    assert_eq!(col("id").identity, Some(Identity::AutoIncrement));
    assert!(!col("email").nullable);
    assert_eq!(col("email").collation.as_deref(), Some("nocase"));
    assert!(col("name").nullable);
    assert_eq!(col("name").default, Some(Expr::new("'anon'")));
    assert_eq!(
        col("created_at").default,
        Some(Expr::new("current_timestamp"))
    );
    assert_eq!(
        col("score").default,
        Some(Expr::new("0.5")),
        "no parentheses"
    );
    let doubled = col("doubled").generated.as_ref().expect("generated");
    assert_eq!(
        (doubled.expr.as_str(), doubled.stored),
        ("score * 2", false)
    );
    assert!(col("tripled").generated.as_ref().is_some_and(|g| g.stored));
    assert_eq!(
        users.primary_key.as_ref().map(|p| p.columns.clone()),
        Some(vec!["id".to_string()])
    );
    assert_eq!(users.uniques.len(), 1);
    assert_eq!(users.uniques[0].name.as_deref(), Some("users_email_key"));
    assert!(
        users.indexes.is_empty(),
        "autoindexes belong to their constraint"
    );
    let checks: Vec<(Option<&str>, &str)> = users
        .checks
        .iter()
        .map(|c| (c.name.as_deref(), c.expr.as_str()))
        .collect();
    assert_eq!(
        checks,
        vec![
            (None, "length(name) < 100"),
            (Some("score_positive"), "score >= 0")
        ]
    );

    let tags = &s.tables[&Name::new("tags")];
    assert_eq!(
        tags.options.get("without_rowid").map(String::as_str),
        Some("true")
    );
    assert_eq!(tags.uniques[0].name, None, "unnamed stays unnamed");

    let posts = &s.tables[&Name::new("posts")];
    assert_eq!(
        posts.options.get("strict").map(String::as_str),
        Some("true")
    );
    let fk_user = posts
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["user_id"])
        .expect("fk");
    assert_eq!(fk_user.on_delete, FkAction::Cascade);
    assert_eq!(fk_user.deferral, Deferral::InitiallyDeferred);
    assert_eq!(fk_user.ref_columns, vec!["id"]);
    let fk_tag = posts
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["tag"])
        .expect("fk");
    assert_eq!(fk_tag.name.as_deref(), Some("posts_tag_fk"));
    assert_eq!(fk_tag.on_update, FkAction::SetNull);
    assert_eq!(fk_tag.match_type, MatchType::Full);
    assert_eq!(fk_tag.ref_columns, vec!["name"], "the parent's key");
    assert_eq!(posts.indexes.len(), 2);
    let lower = posts
        .indexes
        .iter()
        .find(|i| i.name.as_deref() == Some("posts_lower_body"))
        .expect("index");
    assert!(lower.unique);
    assert_eq!(lower.parts[0].key, IndexKey::Expr(Expr::new("lower(body)")));
    assert!(lower.parts[0].desc);
    assert_eq!(lower.parts[1].key, IndexKey::Column("tag".into()));
    assert_eq!(lower.parts[1].collation.as_deref(), Some("nocase"));
    assert_eq!(lower.predicate, Some(Expr::new("body is not null")));

    let pairs = &s.tables[&Name::new("pairs")];
    let pk = pairs.primary_key.as_ref().expect("pk");
    assert_eq!(
        (pk.name.as_deref(), pk.columns.clone()),
        (Some("pairs_pk"), vec!["a".to_string(), "b".to_string()])
    );

    let view = &s.views[&Name::new("active_users")];
    assert!(view.body.starts_with("SELECT id, email"), "{}", view.body);

    let trig = &s.triggers[&(Name::new("posts"), "posts_touch".to_string())];
    assert_eq!(trig.timing, "after");
    assert_eq!(trig.events, vec!["update of body"]);
    assert_eq!(trig.when, Some(Expr::new("new.body is not null")));
    assert!(
        trig.body.starts_with("BEGIN") && trig.body.ends_with("END"),
        "{}",
        trig.body
    );

    // Normalized, the database plans to itself as nothing.
    let m = migration(s, s, sqlite(), &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);
}

#[tokio::test]
async fn missing_file_reads_empty_and_apply_creates_it() {
    let db = SqliteDb::create();
    assert!(!db.path.exists());
    let found = inspect(&db.url).await;
    assert!(found.schema.tables.is_empty());
    assert!(!db.path.exists(), "introspection creates nothing");

    let mut want = Schema::default();
    let mut t = strata::ir::Table::new(Name::new("t"));
    t.columns.push(Column::new("id", "integer"));
    t.primary_key = Some(strata::ir::PrimaryKey {
        attached_to: None,
        comment: None,
        name: None,
        columns: vec!["id".into()],
        deferral: Default::default(),
        options: Default::default(),
        method: None,
        lengths: Default::default(),
        descending: Default::default(),
    });
    want.tables.insert(t.name.clone(), t);
    let m = migration(&found.schema, &want, sqlite(), &EmitOptions::default()).expect("plan");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("apply");
    assert!(db.path.exists());
    let after = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&sqlite().normalize(&want), &sqlite().normalize(&after)),
        None
    );
}

/// The trap: a rebuild of a parent table drops it. With foreign keys on,
/// that DROP deletes every child row through ON DELETE CASCADE; the
/// script turns them off before its transaction, where the pragma works.
#[tokio::test]
async fn rebuilding_a_parent_keeps_cascading_children() {
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
         INSERT INTO parent VALUES (1, 'a'), (2, 'b');
         INSERT INTO child VALUES (10, 1), (11, 1), (12, 2);",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    let parent = want.tables.get_mut(&Name::new("parent")).expect("parent");
    // A new NOT NULL constraint: SQLite can only rebuild for it.
    parent.columns[1].nullable = false;
    parent.columns[1].default = Some(Expr::new("'none'"));
    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(sqlite(), &m.up);
    assert!(sql.contains("DROP TABLE \"parent\""), "a rebuild:\n{sql}");
    assert!(
        sql.find("PRAGMA foreign_keys = OFF") < sql.find("BEGIN"),
        "the pragma must come before the transaction:\n{sql}"
    );
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("apply");
    assert_eq!(
        scalar(&db.url, "SELECT count(*) FROM child").await,
        3,
        "children survive:\n{sql}"
    );
    assert_eq!(scalar(&db.url, "SELECT count(*) FROM parent").await, 2);
    // And foreign keys still hold afterwards, on strata's connections.
    exec(&db.url, "DELETE FROM parent WHERE id = 2").await;
    assert_eq!(
        scalar(&db.url, "SELECT count(*) FROM child").await,
        2,
        "cascade still on"
    );

    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .expect("rollback");
    assert_eq!(scalar(&db.url, "SELECT count(*) FROM child").await, 2);
    let restored = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&sqlite().normalize(&start), &sqlite().normalize(&restored)),
        None
    );
}

/// A rebuild that leaves child rows without a parent fails at the foreign
/// key check, names the rows, and leaves the database as it was.
#[tokio::test]
async fn foreign_key_violations_roll_back() {
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER);
         INSERT INTO parent VALUES (1);
         INSERT INTO child VALUES (10, 1), (11, 7);",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    let child = want.tables.get_mut(&Name::new("child")).expect("child");
    child.foreign_keys.push(strata::ir::ForeignKey {
        comment: None,
        name: None,
        columns: vec!["parent_id".into()],
        ref_table: Name::new("parent"),
        ref_columns: vec!["id".into()],
        on_delete: FkAction::Unspecified,
        on_update: FkAction::Unspecified,
        deferral: Deferral::NotDeferrable,
        match_type: MatchType::Simple,
        not_valid: false,
        renamed_from: None,
        attached_to: None,
    });
    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let err = apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect_err("must fail");
    let msg = err.to_string();
    assert!(msg.contains("breaks foreign keys"), "{msg}");
    assert!(msg.contains("row 11 of child"), "{msg}");
    let help = err.help().map(|h| h.to_string()).unwrap_or_default();
    assert!(help.contains("rolled back"), "{help}");
    let after = inspect(&db.url).await.schema;
    assert_eq!(schema_diff(&start, &after), None, "unchanged");
    assert_eq!(scalar(&db.url, "SELECT count(*) FROM child").await, 2);
}

/// A failing statement is named with SQLite's error, and nothing before
/// it in the transaction stays.
#[tokio::test]
async fn failure_names_the_statement_and_changes_nothing() {
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT);
         CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT);
         INSERT INTO b VALUES (1, NULL);",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    want.tables
        .get_mut(&Name::new("a"))
        .expect("a")
        .columns
        .push(Column::new("extra", "text"));
    // NOT NULL without a default: the copy of b's NULL fails.
    want.tables.get_mut(&Name::new("b")).expect("b").columns[1].nullable = false;
    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let err = apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect_err("must fail");
    let msg = err.to_string();
    assert!(msg.contains("NOT NULL constraint failed"), "{msg}");
    assert!(msg.contains("INSERT INTO \"_strata_new_b\""), "{msg}");
    let after = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&start, &after),
        None,
        "the added column of a is rolled back too"
    );
}

/// A column rename and a rebuild in one migration, with rows, an index, a
/// view and a trigger along; then the rollback.
#[tokio::test]
async fn rows_survive_renames_and_rebuilds() {
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, qty INT, old TEXT);
         CREATE INDEX items_title ON items (title);
         CREATE TABLE log (n INTEGER);
         CREATE VIEW item_titles AS SELECT id, title FROM items;
         CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log VALUES (new.id); END;
         INSERT INTO items (title, qty, old) VALUES ('a', 1, 'x'), ('b', NULL, 'y'), ('c', 3, 'z');
         DELETE FROM items WHERE id = 3;
         DELETE FROM log;",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    let items = want.tables.get_mut(&Name::new("items")).expect("items");
    items.columns[1].name = "label".into();
    items.columns[1].renamed_from = Some("title".into());
    items.indexes[0].parts[0].key = IndexKey::Column("label".into());
    items.columns[2].nullable = false;
    items.columns[2].default = Some(Expr::new("0"));
    items.columns.retain(|c| c.name != "old");
    let view = want.views.get_mut(&Name::new("item_titles")).expect("view");
    view.body = "SELECT id, label FROM items".into();

    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(sqlite(), &m.up);
    assert!(sql.contains("_strata_new_items"), "a rebuild:\n{sql}");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
    let after = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(
            &sqlite().normalize(&want.without_hints()),
            &sqlite().normalize(&after)
        ),
        None,
        "{sql}"
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT count(*) FROM items WHERE label IN ('a', 'b')"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(&db.url, "SELECT qty FROM items WHERE id = 2").await,
        0,
        "NULL became the default"
    );
    // AUTOINCREMENT keeps its high-water mark: 3 stays used.
    exec(&db.url, "INSERT INTO items (label) VALUES ('d')").await;
    assert_eq!(
        scalar(&db.url, "SELECT max(id) FROM items").await,
        4,
        "{sql}"
    );
    assert_eq!(
        scalar(&db.url, "SELECT count(*) FROM log").await,
        1,
        "trigger recreated"
    );
    let again = migration(&after, &want, sqlite(), &EmitOptions::default()).expect("plan");
    assert!(
        again.plan.is_empty(),
        "{}",
        strata::report::sql::render(sqlite(), &again.up)
    );

    let down = strata::report::sql::render(sqlite(), &m.down);
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    let restored = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&sqlite().normalize(&start), &sqlite().normalize(&restored)),
        None,
        "{down}"
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT count(*) FROM items WHERE title IN ('a', 'b', 'd')"
        )
        .await,
        3
    );
}

/// Renaming a table and adding a column need no rebuild: ALTER TABLE
/// does both, and SQLite carries the trigger and the view along.
#[tokio::test]
async fn table_rename_in_place() {
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT);
         CREATE TABLE log (n INTEGER);
         CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log VALUES (new.id); END;
         INSERT INTO items VALUES (1, 'a');",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    let mut items = want.tables.remove(&Name::new("items")).expect("items");
    items.name = Name::new("goods");
    items.renamed_from = Some(Name::new("items"));
    let mut extra = Column::new("extra", "text");
    extra.nullable = true;
    items.columns.push(extra);
    want.tables.insert(items.name.clone(), items);
    let trig = want
        .triggers
        .remove(&(Name::new("items"), "items_log".to_string()))
        .expect("trigger");
    let trig = strata::ir::Trigger {
        table: Name::new("goods"),
        ..trig
    };
    want.triggers
        .insert((trig.table.clone(), trig.name.clone()), trig);
    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(sqlite(), &m.up);
    assert!(!sql.contains("_strata_new_"), "no rebuild:\n{sql}");
    assert!(
        sql.contains("ALTER TABLE \"items\" RENAME TO \"goods\""),
        "{sql}"
    );
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
    let after = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(
            &sqlite().normalize(&want.without_hints()),
            &sqlite().normalize(&after)
        ),
        None,
        "{sql}"
    );
    assert_eq!(
        scalar(&db.url, "SELECT count(*) FROM goods WHERE title = 'a'").await,
        1
    );
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .expect("rollback");
    let restored = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&sqlite().normalize(&start), &sqlite().normalize(&restored)),
        None
    );
}

/// `strata plan > up.sql; sqlite3 -bail db < up.sql` does what apply does.
#[tokio::test]
async fn printed_sql_runs_in_the_sqlite3_shell() {
    let Ok(shell) = which("sqlite3") else {
        eprintln!("SKIPPED: no sqlite3 shell on PATH");
        return;
    };
    let db = SqliteDb::create();
    exec(
        &db.url,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
         INSERT INTO parent VALUES (1, 'a');
         INSERT INTO child VALUES (10, 1);",
    )
    .await;
    let start = inspect(&db.url).await.schema;
    let mut want = start.clone();
    want.tables
        .get_mut(&Name::new("parent"))
        .expect("parent")
        .columns[1]
        .ty = strata::ir::Type::new("varchar(10)");
    let m = migration(&start, &want, sqlite(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(sqlite(), &m.up);
    let mut child = std::process::Command::new(shell)
        .arg("-bail")
        .arg(&db.path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sqlite3");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("write SQL");
    let out = child.wait_with_output().expect("sqlite3 ends");
    assert!(
        out.status.success(),
        "{}\n{sql}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = inspect(&db.url).await.schema;
    assert_eq!(
        schema_diff(&sqlite().normalize(&want), &sqlite().normalize(&after)),
        None
    );
    assert_eq!(
        scalar(&db.url, "SELECT count(*) FROM child").await,
        1,
        "{sql}"
    );
}

fn which(cmd: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(cmd))
                .find(|f| f.is_file())
        })
        .ok_or(())
}

/// Two catalog queries whatever the size: a thousand tables read fast.
#[tokio::test]
async fn introspection_scales() {
    let db = SqliteDb::create();
    let mut ddl = String::from("BEGIN;");
    for i in 0..1000 {
        ddl.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', n INT CHECK (n > 0), \
             parent INTEGER REFERENCES t{} (id), at TEXT DEFAULT CURRENT_TIMESTAMP, UNIQUE (name, n));
             CREATE INDEX t{i}_name ON t{i} (lower(name)) WHERE n > 1;",
            i.max(1) - 1
        ));
    }
    ddl.push_str("COMMIT;");
    exec(&db.url, &ddl).await;
    let started = std::time::Instant::now();
    let found = inspect(&db.url).await;
    let took = started.elapsed();
    eprintln!(
        "introspected 1000 tables in {:.0} ms",
        took.as_secs_f64() * 1000.0
    );
    assert_eq!(found.schema.tables.len(), 1000);
    assert!(found
        .schema
        .tables
        .values()
        .all(|t| t.indexes.len() == 1 && t.checks.len() == 1));
    assert!(took.as_secs() < 5, "took {took:?}");
}
