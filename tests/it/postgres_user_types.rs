//! PostgreSQL composite and range types end to end against a real server: the
//! convergence triple (up equals built from nothing by the catalog,
//! planning again is empty, the rollback restores the start) for each
//! way a type can change, what `ALTER TYPE` cannot do, and hand-written
//! DDL read back, printed, and applied to an empty database.

use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Name, Schema};
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, PgDb};

fn parse(text: &str) -> Schema {
    pg_parse("", text)
}

const ADDR: &str = "type address { street text; city text collate \"C\" }";
const USES: &str = "table t {\n  id int pk\n  home address?\n}";

pg_pairs! {
    "pgutypes", "";
    composite_created_with_its_column_and_function (false): "" =>
        &format!("{ADDR}\n{USES}\nfunction city_of(a address)\n  returns text\n  language sql\n  as sql\"\"\"select (a).city\"\"\"\nfunction here()\n  returns address\n  language sql\n  as sql\"\"\"select row('main', 'x')::address\"\"\"");
    composite_uses_enum_domain_and_composite (false): "" =>
        "enum color { red, green }\ndomain small as int check (value < 10)\ntype inner { c color; s small }\ntype outer {\n  i inner\n  many inner[]\n  comment \"nested\"\n}\ntable t {\n  id int pk\n  o outer?\n}";
    composite_attribute_added (false):
        &format!("{ADDR}\n{USES}") =>
        &format!("type address {{ street text; city text collate \"C\"; zip varchar(10) }}\n{USES}");
    composite_attribute_dropped (false):
        "type pair { a int; b text; c date }" =>
        "type pair { a int; c date }";
    composite_attribute_retyped (false):
        "type pair { a int; b text }" =>
        "type pair { a bigint; b text collate \"C\" }";
    composite_comment_and_namespace (false):
        "namespace app {\n  type pt { x float8; y float8 }\n}" =>
        "namespace app {\n  type pt {\n    x float8\n    y float8\n    comment \"a point\"\n  }\n}\ntable t {\n  id int pk\n  p app.pt?\n}";
    range_created_with_its_column (false): "" =>
        "range floatrange as float8 subtype_diff float8mi\ntable t {\n  id int pk\n  r floatrange?\n  m floatmultirange?\n}";
    range_with_every_option (false): "" =>
        "range words as text collate \"C\" opclass text_pattern_ops multirange word_sets comment \"spans of words\"";
    range_comment_changed (false):
        "range floatrange as float8" =>
        "range floatrange as float8 comment \"now said\"";
    range_over_a_domain_with_its_own_diff (false): "" =>
        "domain secs as float8\nfunction secs_diff(a secs, b secs)\n  returns float8\n  language sql immutable\n  as sql\"\"\"select a - b\"\"\"\nrange secs_span as secs subtype_diff secs_diff\ntable t {\n  id int pk\n  s secs_span?\n}";
    composite_dropped_with_its_column (false):
        &format!("{ADDR}\n{USES}") =>
        "table t {\n  id int pk\n}";
}

/// Values in a column of the type keep their attributes when one is
/// added, and the new one is NULL (the row generator of the convergence
/// checks has no composite values, so this one writes its own row).
#[tokio::test]
async fn composite_values_survive_an_added_attribute() {
    let Some(db) = PgDb::create("pgutypes_rows").await else {
        return;
    };
    let a = parse(&format!("{ADDR}\n{USES}"));
    let b = parse(&format!(
        "type address {{ street text; city text collate \"C\"; zip text }}\n{USES}"
    ));
    let empty = inspect(&db.url).await.schema;
    let m = migration(&empty, &a, pg(), &EmitOptions::default()).expect("plan");
    crate::support::apply(&db.url, &m.up, &Default::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    exec(&db.url, "INSERT INTO t VALUES (1, ROW('main', 'Oslo'))").await;
    let m = migration(
        &inspect(&db.url).await.schema,
        &b,
        pg(),
        &EmitOptions::default(),
    )
    .expect("plan");
    crate::support::apply(&db.url, &m.up, &Default::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let n = crate::support::count(
        &db.url,
        "SELECT count(*) FROM t WHERE (home).street = 'main' AND (home).city = 'Oslo' AND (home).zip IS NULL",
    )
    .await
    .expect("count");
    assert_eq!(n, 1);
}

/// As with a table's columns, PostgreSQL cannot place an attribute: an
/// order that differs and nothing else is no change.
#[test]
fn composite_order_alone_is_not_planned() {
    let a = pg().normalize(&parse("type p { a int; b int }"));
    let b = pg().normalize(&parse("type p { b int; a int }"));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);
    let c = pg().normalize(&parse("type p { b int; a int; c int }"));
    let m = migration(&a, &c, pg(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(pg(), &m.up);
    assert!(sql.contains("ADD ATTRIBUTE \"c\" integer"), "{sql}");
}

#[test]
fn composite_attribute_drop_is_data_loss() {
    let a = pg().normalize(&parse("type p { a int; b int }"));
    let b = pg().normalize(&parse("type p { a int }"));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let kinds: Vec<_> = m
        .plan
        .steps
        .iter()
        .flat_map(|s| &s.hazards)
        .map(|h| h.kind)
        .collect();
    assert!(
        kinds.contains(&strata::plan::HazardKind::DataLoss),
        "{kinds:?}"
    );
}

#[test]
fn composite_attribute_named_twice_is_an_error() {
    let text = "dialect postgres\ntype p { a int; a text }";
    let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err("refused");
    assert!(format!("{err:?}").contains("E0238"), "{err:?}");
}

#[test]
fn mysql_and_sqlite_refuse_composite_types() {
    for kind in [DialectKind::Mysql, DialectKind::Sqlite] {
        let s = syntax::parse(&[SourceFile::new("t.strata", "type p { a int }")]).expect("parse");
        let err = migration(
            &Schema::default(),
            &s,
            dialect::for_kind(kind),
            &EmitOptions::default(),
        )
        .expect_err("refused");
        assert!(
            format!("{err:?}").contains("PostgreSQL's"),
            "{kind}: {err:?}"
        );
    }
}

const DDL: &str = r#"
CREATE SCHEMA app;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE app.address AS (street text, city varchar(40) COLLATE "C", "Zip Code" char(5));
COMMENT ON TYPE app.address IS 'where';
CREATE TYPE visit AS (at timestamptz, m mood, addr app.address, tags text[]);
CREATE TYPE gone AS (a int, b int, c int);
ALTER TYPE gone DROP ATTRIBUTE b;
CREATE TABLE people (id int PRIMARY KEY, home app.address, last visit);
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TYPE words AS RANGE (subtype = text, collation = "C", subtype_opclass = text_pattern_ops,
  multirange_type_name = app.word_sets);
COMMENT ON TYPE words IS 'spans';
CREATE TABLE spans (id int PRIMARY KEY, f app.floatrange, w words, ws app.word_sets);
CREATE FUNCTION first_visit(p people) RETURNS visit LANGUAGE sql AS 'select p.last';
"#;

/// Hand-written DDL is read without a warning, printed, parsed back, and
/// applied to an empty database gives the same catalog.
#[tokio::test]
async fn hand_written_composites_round_trip() {
    let Some(db) = PgDb::create("pgutypes_ddl").await else {
        return;
    };
    exec(&db.url, DDL).await;
    let i = inspect(&db.url).await;
    assert!(
        !i.warnings
            .iter()
            .any(|w| w.contains("composite") || w.contains("range")),
        "{:?}",
        i.warnings
    );
    let s = pg().normalize(&i.schema);
    let addr = &s.composites[&Name::qualified("app", "address")];
    let names: Vec<&str> = addr.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["street", "city", "Zip Code"]);
    assert_eq!(addr.attributes[1].ty.as_str(), "character varying(40)");
    assert_eq!(addr.attributes[1].collation.as_deref(), Some("C"));
    assert_eq!(addr.attributes[0].collation, None);
    assert_eq!(addr.comment.as_deref(), Some("where"));
    let gone = &s.composites[&Name::new("gone")];
    assert_eq!(gone.attributes.len(), 2, "a dropped attribute is not read");
    assert!(!s.tables.contains_key(&Name::qualified("app", "address")));
    let fr = &s.ranges[&Name::qualified("app", "floatrange")];
    assert_eq!(fr.subtype.as_str(), "double precision");
    assert_eq!(fr.subtype_diff.as_deref(), Some("float8mi"));
    assert_eq!((fr.opclass.as_ref(), fr.multirange.as_ref()), (None, None));
    let w = &s.ranges[&Name::new("words")];
    assert_eq!(w.collation.as_deref(), Some("C"));
    assert_eq!(w.opclass.as_deref(), Some("text_pattern_ops"));
    assert_eq!(w.multirange.as_deref(), Some("app.word_sets"));
    assert_eq!(w.comment.as_deref(), Some("spans"));

    let printed = syntax::print(&i.schema);
    // What the server makes along with a range type (its constructor
    // functions, the multirange and its cast) is the type's, not listed.
    assert!(!printed.contains("function floatrange"), "{printed}");
    assert!(
        !i.warnings.iter().any(|w| w.contains("cast")),
        "{:?}",
        i.warnings
    );
    crate::postgres::printed_file_adopts(&db.url, &i.schema, &s, &printed, "pgutypes_fresh").await;
}
