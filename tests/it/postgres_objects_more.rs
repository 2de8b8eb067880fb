//! PostgreSQL kinds issue #11 asks to model that were only reported:
//! comments on view columns and extended statistics, end to end on a real server and judged by
//! its catalog ([`crate::oracle`]): up gives what the file builds from
//! nothing, planning again is empty, the rollback restores the start.

use strata::dialect::EmitOptions;
use strata::ir::{Name, Schema};
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, PgDb};

fn parse(text: &str) -> Schema {
    pg_parse("", text)
}

const T: &str = "table t {\n  id int pk\n  email text?\n}\n";

const V: &str = "view v as sql\"\"\"select t.id, t.email from t\"\"\"";

const M: &str = "materialized view m as sql\"\"\"select t.id, t.email from t\"\"\"";

pg_pairs! {
    "pgomore", "";
    view_created_with_column_comments (false): T =>
        &format!("{T}{V} {{\n  comment \"the view\"\n  column email comment \"where we write\"\n  column id comment \"it's the key\"\n}}");
    view_column_comment_added (false): &format!("{T}{V}") =>
        &format!("{T}{V} {{\n  column email comment \"where we write\"\n}}");
    view_column_comment_changed_and_dropped (false):
        &format!("{T}{V} {{\n  column email comment \"old\"\n  column id comment \"x\"\n}}") =>
        &format!("{T}{V} {{\n  column email comment \"new\"\n}}");
    matview_column_comment_added (false): &format!("{T}{M}") =>
        &format!("{T}{M} {{\n  index m_id (id)\n  column \"email\" comment \"where we write\"\n}}");
    statistics_created (false): T =>
        &format!("{T}statistics t_ie (dependencies, mcv) on email, id from t target 500 comment \"pairs\"\n\
                  statistics t_all on id, email from t\nstatistics t_lower on (lower(email)) from t\n\
                  statistics t_mixed (ndistinct) on id, (lower(email)) from t");
    statistics_target_and_comment_altered (false):
        &format!("{T}statistics t_ie on email, id from t target 500 comment \"pairs\"") =>
        &format!("{T}statistics t_ie on email, id from t target 100");
    statistics_kinds_changed (false):
        &format!("{T}statistics t_ie (ndistinct) on email, id from t") =>
        &format!("{T}statistics t_ie (mcv) on email, id from t");
    statistics_dropped_with_their_column (false):
        &format!("{T}statistics t_ie on email, id from t") =>
        "table t {\n  id int pk\n}";
}

/// The language form reads back as it is printed, and twice the same
/// column is refused (E0308).
#[test]
fn view_column_comments_print_and_read_back() {
    let s = parse(&format!(
        "{T}{V} {{\n  column email comment \"e\"\n  column id comment \"i\"\n}}"
    ));
    let v = &s.views[&Name::new("v")];
    assert_eq!(v.column_comments.len(), 2);
    let printed = syntax::print(&s);
    assert!(printed.contains("column email comment \"e\""), "{printed}");
    let again = syntax::parse(&[SourceFile::new("p.strata", printed.clone())])
        .unwrap_or_else(|e| panic!("{e:?}\n{printed}"));
    assert_eq!(
        again.views[&Name::new("v")].column_comments,
        v.column_comments
    );
    let twice = format!(
        "dialect postgres\n{T}{V} {{\n  column email comment \"a\"\n  column email comment \"b\"\n}}"
    );
    let err = syntax::parse(&[SourceFile::new("t.strata", twice)]).expect_err("refused");
    assert!(format!("{err:?}").contains("E0308"), "{err:?}");
}

/// MySQL and SQLite keep no comment on a view's column: E0265.
#[test]
fn view_column_comment_refused_elsewhere() {
    for d in ["mysql", "sqlite"] {
        let text = format!(
            "dialect {d}\ntable t {{\n  id int pk\n}}\nview v as sql\"\"\"select id from t\"\"\" {{\n  column id comment \"x\"\n}}"
        );
        let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err("refused");
        assert!(format!("{err:?}").contains("E0265"), "{d}: {err:?}");
    }
}

/// Hand-written DDL: comments on the columns of a view and of a
/// materialized view are read without a warning, printed, and an empty
/// database built from the printed file has the same catalog.
#[tokio::test]
async fn hand_written_view_column_comments_round_trip() {
    let Some(db) = PgDb::create("pgomore_vcc").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE t (id int PRIMARY KEY, email text);
         CREATE VIEW v AS SELECT id, email AS \"E-mail\" FROM t;
         COMMENT ON COLUMN v.\"E-mail\" IS 'where we write';
         CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
         COMMENT ON COLUMN m.id IS 'the key';",
    )
    .await;
    let i = inspect(&db.url).await;
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    let s = pg().normalize(&i.schema);
    let v = &s.views[&Name::new("v")];
    assert_eq!(
        v.column_comments.get("E-mail").map(String::as_str),
        Some("where we write")
    );
    assert!(v.unmodeled.is_empty(), "{:?}", v.unmodeled);
    let printed = syntax::print(&i.schema);
    assert!(
        printed.contains("column \"E-mail\" comment \"where we write\""),
        "{printed}"
    );
    crate::postgres::printed_file_adopts(&db.url, &i.schema, &s, &printed, "pgomore_vcc_fresh")
        .await;
}

/// Only the comments change: `COMMENT ON COLUMN` in place, the view
/// kept, and the rollback takes the comment off again.
#[test]
fn view_column_comment_change_plans_the_comment() {
    let a = pg().normalize(&parse(&format!("{T}{V}")));
    let b = pg().normalize(&parse(&format!(
        "{T}{V} {{\n  column email comment \"x\"\n}}"
    )));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(pg(), &m.up);
    assert!(
        up.contains(r#"COMMENT ON COLUMN "public"."v"."email" IS 'x'"#),
        "{up}"
    );
    assert!(!up.contains("DROP VIEW"), "{up}");
    let down = strata::report::sql::render(pg(), &m.down);
    assert!(
        down.contains(r#"COMMENT ON COLUMN "public"."v"."email" IS NULL"#),
        "{down}"
    );
    assert!(!down.contains("DROP VIEW"), "{down}");
}

/// Statistics: the target and comment alone change in place; MySQL and
/// SQLite refuse them (E0269); a column the table lacks is E0271.
#[test]
fn statistics_alter_in_place_and_are_refused_elsewhere() {
    let a = pg().normalize(&parse(&format!("{T}statistics s on id, email from t")));
    let b = pg().normalize(&parse(&format!(
        "{T}statistics s on email, id from t target 10 comment \"x\""
    )));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(pg(), &m.up);
    assert!(
        up.contains(r#"ALTER STATISTICS "public"."s" SET STATISTICS 10"#),
        "{up}"
    );
    assert!(!up.contains("DROP STATISTICS"), "{up}");
    let down = strata::report::sql::render(pg(), &m.down);
    assert!(down.contains("SET STATISTICS -1"), "{down}");
    assert!(
        down.contains(r#"COMMENT ON STATISTICS "public"."s" IS NULL"#),
        "{down}"
    );
    for (d, text, code) in [
        (
            "mysql",
            "table t {\n  a int\n  b int\n}\nstatistics s on a, b from t",
            "E0269",
        ),
        (
            "sqlite",
            "table t {\n  a int\n  b int\n}\nstatistics s on a, b from t",
            "E0269",
        ),
        (
            "postgres",
            "table t {\n  a int\n  b int\n}\nstatistics s on a, c from t",
            "E0271",
        ),
        (
            "postgres",
            "table t {\n  a int\n}\nstatistics s on a from t",
            "E0272",
        ),
        (
            "postgres",
            "table t {\n  a int\n  b int\n}\nstatistics s (bogus) on a, b from t",
            "E0267",
        ),
    ] {
        let err = syntax::parse(&[SourceFile::new("t.strata", format!("dialect {d}\n{text}"))])
            .expect_err("refused");
        assert!(format!("{err:?}").contains(code), "{d} {code}: {err:?}");
    }
}

/// Statistics objects on columns alone, one with a target and comment.
const STATS_ON_COLUMNS: &str = "CREATE TABLE t (a int, b int, c text);
    CREATE STATISTICS s_ab (dependencies) ON b, a FROM t;
    CREATE STATISTICS s_all ON a, b, c FROM t;
    ALTER STATISTICS s_all SET STATISTICS 250;
    COMMENT ON STATISTICS s_all IS 'all three';";

/// Hand-written DDL: statistics of each shape are read without a warning,
/// printed, and an empty database built from the printed file has the
/// same catalog.
#[tokio::test]
async fn hand_written_statistics_round_trip() {
    let Some(db) = PgDb::create("pgomore_stx").await else {
        return;
    };
    exec(
        &db.url,
        &format!(
            "{STATS_ON_COLUMNS}
             CREATE STATISTICS s_expr ON (lower(c)) FROM t;
             CREATE STATISTICS s_mixed (ndistinct, mcv) ON a, (b + 1) FROM t;"
        ),
    )
    .await;
    let i = inspect(&db.url).await;
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    let s = pg().normalize(&i.schema);
    assert_eq!(s.statistics.len(), 4);
    let all = &s.statistics[&Name::new("s_all")];
    assert_eq!((all.target, all.kinds.len()), (Some(250), 0));
    let printed = syntax::print(&i.schema);
    assert!(
        printed.contains("statistics s_ab (dependencies) on a, b from t"),
        "{printed}"
    );
    crate::postgres::printed_file_adopts(&db.url, &i.schema, &s, &printed, "pgomore_stx_fresh")
        .await;
}

/// A server before PostgreSQL 14 has neither statistics expressions nor
/// `pg_get_statisticsobjdef_expressions`: introspection runs the query
/// without them there. On this server both texts must read the same rows
/// for statistics on columns, and the older one the expressions as none.
#[tokio::test]
async fn statistics_query_before_14_reads_what_the_current_one_does() {
    use strata::dialect::postgres::introspect::queries::{STATISTICS, STATISTICS_BEFORE_14};
    let Some(db) = PgDb::create("pgomore_stx14").await else {
        return;
    };
    exec(&db.url, STATS_ON_COLUMNS).await;
    let current = statistics_rows(&db.url, STATISTICS).await;
    let before = statistics_rows(&db.url, STATISTICS_BEFORE_14).await;
    assert_eq!(
        current,
        vec![
            "s_ab [\"a\", \"b\"] [] None".to_string(),
            "s_all [\"a\", \"b\", \"c\"] [] Some(250)".to_string(),
        ]
    );
    assert_eq!(before, current);
}

/// Each statistics object `sql` reads: name, columns, expressions, target.
async fn statistics_rows(url: &str, sql: &'static str) -> Vec<String> {
    use sqlx::{Connection, Row};
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let rows = sqlx::query(sql)
        .bind(Vec::<String>::new())
        .fetch_all(&mut c)
        .await
        .expect("statistics query");
    rows.iter()
        .map(|r| {
            let cols: Vec<String> = r.get("columns");
            let exprs: Vec<String> = r.get("expressions");
            let target: Option<i32> = r.get("target");
            let name: String = r.get("name");
            format!("{name} {cols:?} {exprs:?} {target:?}")
        })
        .collect()
}
