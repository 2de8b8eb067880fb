//! PostgreSQL domains and exclusion constraints, end to end against a
//! real server: schema files → plan → apply → introspect, the
//! convergence triple (with rows) for each alteration, the emitted SQL,
//! and introspection of hand-written DDL without `unmodeled` warnings.

use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, IndexKey, Name, Parallel, Schema, Volatility};
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, PgDb};

/// The extensions the exclusion constraints need.
const PREAMBLE: &str = "extension btree_gist\n";

fn parse(text: &str) -> Schema {
    pg_parse(PREAMBLE, text)
}

const T: &str = "table t {\n  id int pk\n  qty positive\n}";
const F: &str = "function inc(n int)\n  returns int";

pg_pairs! {
    "pgtypes", PREAMBLE;
    domain_created_with_its_column (false): "" =>
        "domain positive as int not null check (value > 0) comment \"more than nothing\"\ntable t {\n  id int pk\n  qty positive\n}";
    domain_default_set_and_dropped (true):
        &format!("domain positive as int check (value > 0)\n{T}") =>
        &format!("domain positive as int = 1 check (value > 0)\n{T}");
    domain_not_null_set (true):
        &format!("domain positive as int check (value > 0)\n{T}") =>
        &format!("domain positive as int not null check (value > 0)\n{T}");
    domain_checks_added_renamed_and_dropped (true):
        &format!("domain positive as int check (value > 0) check small (value < 100)\n{T}") =>
        &format!("domain positive as int check big_enough (value >= 1) check tiny (value < 50) not valid\n{T}");
    domain_comment_and_namespace (false):
        "namespace app {\n  domain code as varchar(8) collate \"C\" = 'x'\n}" =>
        "namespace app {\n  domain code as varchar(8) collate \"C\" = 'y' comment \"short code\"\n}\ntable t {\n  id int pk\n  c app.code?\n}";
    domain_check_calls_a_function (false): "" =>
        "function is_even(n int)\n  returns boolean\n  language sql\n  as sql\"\"\"select n % 2 = 0\"\"\"\ndomain even as int check (is_even(value))\ntable t {\n  id int pk\n  e even\n}";
    exclusion_added_and_dropped (true):
        "table booking {\n  id int pk\n  room int\n  slot int\n}" =>
        "table booking {\n  id int pk\n  room int\n  slot int\n  exclude no_double using gist (room with =, slot with =)\n}";
    exclusion_changed (true):
        "table booking {\n  id int pk\n  room int\n  slot int\n  exclude using gist (room with =) where (slot > 0)\n}" =>
        "table booking {\n  id int pk\n  room int\n  slot int\n  exclude using gist (room with =, slot with <>) deferrable initially deferred\n}";
    function_created_with_attributes (false): "" =>
        &format!("{F}\n  language sql immutable strict parallel safe leakproof cost 5 set search_path = public, pg_temp set work_mem = '64MB'\n  as sql\"\"\"select n + 1\"\"\"");
    function_attributes_changed_one_by_one (false):
        &format!("{F}\n  language sql immutable strict\n  as sql\"\"\"select n + 1\"\"\"") =>
        &format!("{F}\n  language sql stable security definer parallel restricted cost 50 set search_path = \"$user\", public\n  as sql\"\"\"select n + 1\"\"\"");
    function_attributes_dropped (false):
        &format!("{F}\n  language sql volatile strict security definer set search_path = public\n  as sql\"\"\"select n + 1\"\"\"") =>
        &format!("{F}\n  language sql\n  as sql\"\"\"select n + 1\"\"\"");
    set_returning_function_rows (false):
        "function nums()\n  returns setof int\n  language sql stable rows 10\n  as sql\"\"\"select 1\"\"\"" =>
        "function nums()\n  returns setof int\n  language sql stable\n  as sql\"\"\"select 1\"\"\"";
    exclusion_on_ranges_with_new_table (false): "" =>
        "table stay {\n  id int pk\n  room int\n  during tstzrange\n  exclude using gist (room with =, during with &&)\n}";
}

#[tokio::test]
async fn domain_base_type_change_is_refused() {
    let a = pg().normalize(&parse("domain d as int"));
    let b = pg().normalize(&parse("domain d as bigint"));
    let err = migration(&a, &b, pg(), &EmitOptions::default()).expect_err("refused");
    let msg = format!("{err:?}");
    assert!(msg.contains("base type"), "{msg}");
}

#[test]
fn mysql_and_sqlite_refuse_domains_and_exclusions() {
    for kind in [DialectKind::Mysql, DialectKind::Sqlite] {
        let d = dialect::for_kind(kind);
        for text in [
            "domain d as int",
            "table t {\n  id int pk\n  exclude using gist (id with =)\n}",
        ] {
            let s = syntax::parse(&[SourceFile::new("t.strata", text)]).expect("parse");
            let err =
                migration(&Schema::default(), &s, d, &EmitOptions::default()).expect_err("refused");
            let msg = format!("{err:?}");
            assert!(msg.contains("PostgreSQL's"), "{kind}: {msg}");
        }
    }
}

const DDL: &str = r#"
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE SCHEMA app;
CREATE DOMAIN email AS text COLLATE "C" DEFAULT 'nobody@example.com' NOT NULL
  CONSTRAINT has_at CHECK (VALUE ~ '@') CONSTRAINT short CHECK (length(VALUE) < 200);
COMMENT ON DOMAIN email IS 'an address';
CREATE DOMAIN app.qty AS numeric(10,2) CHECK (VALUE >= 0);
ALTER DOMAIN app.qty ADD CONSTRAINT not_huge CHECK (VALUE < 1000000) NOT VALID;
CREATE TABLE users (id int PRIMARY KEY, mail email, q app.qty);
CREATE FUNCTION inc(n int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
  COST 7 SET search_path = public, pg_temp SET work_mem = '64MB' AS 'select n + 1';
CREATE FUNCTION nums() RETURNS SETOF int LANGUAGE sql STABLE SECURITY DEFINER ROWS 20 AS 'select 1';
CREATE TABLE booking (
  id int PRIMARY KEY,
  room int NOT NULL,
  during tstzrange NOT NULL,
  cancelled boolean NOT NULL DEFAULT false,
  CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (NOT cancelled)
    DEFERRABLE INITIALLY DEFERRED,
  EXCLUDE USING gist (lower(during) WITH =, room WITH <>)
);
"#;

#[tokio::test]
async fn hand_written_ddl_is_modeled_and_round_trips() {
    let Some(db) = PgDb::create("pgtypes_ddl").await else {
        return;
    };
    exec(&db.url, DDL).await;
    let i = inspect(&db.url).await;
    assert!(
        !i.warnings
            .iter()
            .any(|w| w.contains("domain") || w.contains("exclusion") || w.contains("attributes")),
        "{:?}",
        i.warnings
    );
    let s = pg().normalize(&i.schema);

    let email = &s.domains[&Name::new("email")];
    assert_eq!(email.ty.as_str(), "text");
    assert_eq!(email.collation.as_deref(), Some("C"));
    assert!(email.not_null);
    assert_eq!(
        email.default.as_ref().map(|e| e.as_str()),
        Some("'nobody@example.com'")
    );
    let names: Vec<&str> = email
        .checks
        .iter()
        .filter_map(|c| c.name.as_deref())
        .collect();
    assert_eq!(names, ["has_at", "short"]);
    assert_eq!(email.comment.as_deref(), Some("an address"));
    let qty = &s.domains[&Name::qualified("app", "qty")];
    assert_eq!(qty.ty.as_str(), "numeric(10,2)");
    assert_eq!(qty.checks.len(), 2);
    assert!(qty.checks.iter().any(|c| c.not_valid));

    let booking = &s.tables[&Name::new("booking")];
    assert_eq!(booking.exclusions.len(), 2);
    let x = booking
        .exclusions
        .iter()
        .find(|x| x.name.as_deref() == Some("no_overlap"))
        .expect("no_overlap");
    assert_eq!(x.method, "gist");
    assert_eq!(x.elements.len(), 2);
    assert_eq!(x.elements[0].key, IndexKey::Column("room".into()));
    assert_eq!(x.elements[1].operator, "&&");
    assert!(x.predicate.is_some());
    assert_eq!(x.deferral, strata::ir::Deferral::InitiallyDeferred);
    let generated = booking
        .exclusions
        .iter()
        .find(|x| x.name.as_deref() != Some("no_overlap"))
        .expect("the unnamed one");
    assert_eq!(generated.name.as_deref(), Some("booking_lower_room_excl"));
    assert!(matches!(&generated.elements[0].key, IndexKey::Expr(_)));

    let inc = &crate::postgres::function(&s, "inc").attributes;
    assert_eq!(inc.volatility, Volatility::Immutable);
    assert!(inc.strict && inc.leakproof && !inc.security_definer);
    assert_eq!(inc.parallel, Parallel::Safe);
    assert_eq!((inc.cost, inc.rows), (Some(7), None));
    assert_eq!(inc.config["search_path"], "public, pg_temp");
    assert_eq!(inc.config["work_mem"], "64MB");
    let nums = &crate::postgres::function(&s, "nums").attributes;
    assert_eq!(nums.volatility, Volatility::Stable);
    assert!(nums.security_definer);
    assert_eq!((nums.cost, nums.rows), (None, Some(20)));

    // The printer's text parses back to the same schema.
    let printed = syntax::print(&i.schema);
    let again = syntax::parse(&[SourceFile::new("printed.strata", printed.as_str())])
        .unwrap_or_else(|e| panic!("{e:?}\n{printed}"));
    assert_eq!(pg().normalize(&again), s, "{printed}");

    // And the database converges with itself.
    let m = migration(&i.schema, &again, pg(), &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);
}
