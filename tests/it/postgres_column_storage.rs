//! A column's storage (`SET STORAGE`) and compression (`COMPRESSION`,
//! PostgreSQL 14 and later) are modeled, end to end on a real server and
//! judged by its catalog ([`crate::oracle`]): up gives what the file
//! builds from nothing, planning again is empty, the rollback restores
//! the start; with rows, their values survive both ways.

use strata::dialect::EmitOptions;
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, plan_to, PgDb};

const T: &str = "table t {\n  id int pk\n  body text?\n}\n";

const V: &str = "view v as sql\"\"\"select t.id, t.body, 1 as extra from t\"\"\"";

const M: &str = "materialized view m as sql\"\"\"select t.id, t.body from t\"\"\"";

pg_pairs! {
    "pgstore", "";
    compression_on_a_new_table (false): T =>
        &format!("{T}table u {{\n  id int pk\n  a text? compression lz4\n  b jsonb? compression pglz\n}}");
    compression_added_changed_and_removed (true):
        "table t {\n  id int pk\n  a text? compression lz4\n  b text? compression pglz\n  c text?\n}" =>
        "table t {\n  id int pk\n  a text? compression pglz\n  b text?\n  c text? compression lz4\n  d text? compression lz4\n}";
    storage_on_a_new_table (false): T =>
        &format!("{T}table u {{\n  id int pk\n  a text? storage external\n  b jsonb? storage main\n  n numeric? storage extended\n}}");
    storage_added_changed_and_removed (true):
        "table t {\n  id int pk\n  a text? storage external\n  b text? storage main\n  c text?\n}" =>
        "table t {\n  id int pk\n  a text? storage main\n  b text?\n  c text? storage plain\n  d text? storage external\n}";
    storage_of_a_column_added_with_a_backfill (true): T =>
        "table t {\n  id int pk\n  body text?\n  note text storage external compression lz4 backfill 'none'\n}";
    retyped_column_keeps_its_storage_and_compression (true):
        "table t {\n  id int pk\n  a character varying(20)? storage external compression lz4\n}" =>
        "table t {\n  id int pk\n  a text? storage external compression lz4\n}";
    storage_of_a_domain_column_back_to_its_own (false):
        "domain words as text\ntable t {\n  id int pk\n  w words? storage external\n}" =>
        "domain words as text\ntable t {\n  id int pk\n  w words?\n}";
    storage_and_compression_of_an_inherited_column (false):
        "table p {\n  id int\n  a text?\n}\ntable c inherits p {\n  x int?\n}" =>
        "table p {\n  id int\n  a text? storage external compression lz4\n}\ntable c inherits p {\n  x int?\n}";
    storage_and_compression_of_a_partitioned_tables_column (false):
        "table e partition by range (at) {\n  at int\n  a text?\n}\npartition e_1 of e for values from (0) to (10)" =>
        "table e partition by range (at) {\n  at int\n  a text? storage main compression lz4\n}\npartition e_1 of e for values from (0) to (10)\npartition e_2 of e for values from (10) to (20)";
    unlogged_sequences_made_and_changed (false):
        "sequence s\nsequence u unlogged\n" =>
        "sequence s unlogged\nsequence u\nsequence n unlogged start 5 comment \"fast\"\n";
    serial_of_an_unlogged_table_made_and_made_logged (true):
        "table t {\n  id int pk\n}\n" =>
        "table t with (unlogged = true) {\n  id int pk\n}\ntable u with (unlogged = true) {\n  id serial pk\n}\n";
    serial_sequence_logged_on_an_unlogged_table (false): "" =>
        "sequence u_id_seq as integer owned by u.id\n\
         table u with (unlogged = true) {\n  id integer = nextval('u_id_seq'::regclass) pk\n}\n";
    view_comments_changed_in_place (false):
        &format!("{T}{V} {{\n  comment \"old\"\n  column body comment \"old\"\n  column id comment \"key\"\n}}") =>
        &format!("{T}{V} {{\n  column body comment \"new\"\n  column extra comment \"it's new\"\n}}");
    matview_comments_changed_in_place (false):
        &format!("{T}{M} {{\n  index m_id (id)\n  column body comment \"old\"\n}}") =>
        &format!("{T}{M} {{\n  index m_id (id)\n  comment \"the view\"\n  column id comment \"key\"\n}}");
}

/// `inspect` prints what the server holds, and a storage written as
/// the type's own (`text` is `extended`) is no storage: it plans nothing
/// against a column made without one.
#[tokio::test]
async fn inspect_prints_storage_and_compression_and_the_types_own_plans_nothing() {
    let Some(db) = PgDb::create("pgstore_inspect").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE t (id int, a text COMPRESSION lz4, b text, n numeric); \
         ALTER TABLE t ALTER COLUMN b SET STORAGE EXTERNAL;",
    )
    .await;
    let found = inspect(&db.url).await;
    let printed = syntax::print(&found.schema);
    assert!(printed.contains("compression lz4"), "{printed}");
    assert!(printed.contains("storage external"), "{printed}");
    assert!(
        !found.warnings.iter().any(|w| w.contains("column storage")),
        "{:?}",
        found.warnings
    );
    let own = "dialect postgres\ntable t {\n  id int?\n  a text? compression lz4\n  \
               b text? storage external\n  n numeric? storage main\n}";
    let m = plan_to(&db.url, own).await;
    assert!(m.up.is_empty(), "{:?}", m.up);
    let none =
        "dialect postgres\ntable t {\n  id int? storage plain\n  a text? storage extended\n  \
                b text? storage external\n  n numeric?\n}";
    let m = plan_to(&db.url, none).await;
    let sql = format!("{:?}", m.up);
    assert!(sql.contains("SET COMPRESSION default"), "{sql}");
    assert!(!sql.contains("SET STORAGE"), "{sql}");
}

/// A materialized view's column compression and storage are not modeled:
/// `inspect` warns of each once.
#[tokio::test]
async fn a_materialized_views_column_compression_and_storage_are_reported() {
    let Some(db) = PgDb::create("pgstore_matview").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE MATERIALIZED VIEW m AS SELECT 'x'::text AS a, 'y'::text AS b; \
         ALTER MATERIALIZED VIEW m ALTER COLUMN a SET COMPRESSION lz4; \
         ALTER MATERIALIZED VIEW m ALTER COLUMN b SET STORAGE MAIN;",
    )
    .await;
    let w = inspect(&db.url).await.warnings;
    let count = |s: &str| w.iter().filter(|x| x.contains(s)).count();
    assert_eq!(
        count("unmodeled: column compression public.m.a (l)"),
        1,
        "{w:?}"
    );
    assert_eq!(
        count("unmodeled: column storage public.m.b (m)"),
        1,
        "{w:?}"
    );
}

/// An unknown word after `storage` or `compression`, and either outside
/// PostgreSQL, is refused when the file is read, at the attribute.
#[test]
fn unknown_or_non_postgres_storage_and_compression_are_refused() {
    for (text, code, help) in [
        (
            "dialect postgres\ntable t {\n  a text storage toasty\n}",
            "E0277",
            "plain, external, extended, main",
        ),
        (
            "dialect postgres\ntable t {\n  a text compression zstd\n}",
            "E0278",
            "`pglz` or `lz4`",
        ),
        (
            "dialect sqlite\ntable t {\n  a text storage external\n}",
            "E0279",
            "remove `storage`",
        ),
        (
            "dialect mysql\ntable t {\n  a text compression lz4\n}",
            "E0279",
            "remove `compression`",
        ),
    ] {
        let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err(text);
        let shown = format!("{err:?}");
        assert!(
            shown.contains(code) && shown.contains(help),
            "{text}: {shown}"
        );
    }
}

/// A view's comments alone change in place: no `DROP VIEW` either way,
/// and a materialized view keeps its rows (it is not refreshed).
#[test]
fn view_comments_alone_are_commented_not_remade() {
    for (a, b) in [
        (
            format!("{T}{V} {{\n  comment \"old\"\n  column id comment \"key\"\n}}"),
            format!("{T}{V} {{\n  column body comment \"new\"\n}}"),
        ),
        (
            format!("{T}{M} {{\n  column body comment \"old\"\n}}"),
            format!("{T}{M} {{\n  comment \"the view\"\n}}"),
        ),
    ] {
        let (a, b) = (
            pg().normalize(&pg_parse("", &a)),
            pg().normalize(&pg_parse("", &b)),
        );
        let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
        for (side, sql) in [("up", &m.up), ("down", &m.down)] {
            let sql = strata::report::sql::render(pg(), sql);
            assert!(sql.contains("COMMENT ON"), "{side}: {sql}");
            assert!(!sql.contains("DROP"), "{side}: {sql}");
            assert!(!sql.contains("CREATE"), "{side}: {sql}");
        }
    }
}

/// A sequence's persistence is read: an unlogged one prints `unlogged`,
/// a serial of an unlogged table whose sequence is logged (as a dump
/// from before PostgreSQL 15 leaves it) prints as the column's `nextval`
/// default and a sequence of its own, and neither is warned about. The
/// printed file plans nothing and builds the same catalog. An identity
/// column's sequence in that state is still reported.
#[tokio::test]
async fn sequence_persistence_is_read_and_an_identitys_is_reported() {
    let Some(db) = PgDb::create("pgstore_seq").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE UNLOGGED SEQUENCE fast START 3; \
         CREATE UNLOGGED TABLE old (id serial PRIMARY KEY, n int); \
         ALTER SEQUENCE old_id_seq SET LOGGED; \
         CREATE UNLOGGED TABLE new (id serial PRIMARY KEY);",
    )
    .await;
    let found = inspect(&db.url).await;
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    let printed = syntax::print(&found.schema);
    assert!(
        printed.contains("sequence fast start 3 unlogged"),
        "{printed}"
    );
    assert!(
        printed.contains("nextval('old_id_seq'::regclass)"),
        "{printed}"
    );
    assert!(
        printed.contains("id  serial") || printed.contains("id serial"),
        "{printed}"
    );
    let normalized = pg().normalize(&found.schema);
    assert!(!normalized.sequences[&strata::ir::Name::new("old_id_seq")].unlogged);
    crate::postgres::printed_file_adopts(
        &db.url,
        &found.schema,
        &normalized,
        &printed,
        "pgstore_seq_fresh",
    )
    .await;

    exec(
        &db.url,
        "CREATE UNLOGGED TABLE ident (id int GENERATED ALWAYS AS IDENTITY); \
         ALTER SEQUENCE ident_id_seq SET LOGGED;",
    )
    .await;
    let w = inspect(&db.url).await.warnings;
    assert_eq!(
        w,
        ["unmodeled: sequence persistence public.ident_id_seq (logged)"]
    );
}

/// `unlogged` on a sequence outside PostgreSQL is refused at `check`.
#[test]
fn an_unlogged_sequence_outside_postgres_is_refused() {
    let text = "dialect mysql\nsequence s unlogged\n";
    let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err(text);
    let shown = format!("{err:?}");
    assert!(
        shown.contains("E0280") && shown.contains("remove `unlogged`"),
        "{shown}"
    );
}
