//! Plans ordered from the dependencies the server records (`pg_depend`,
//! and `pg_rewrite` for views), in both directions: every kind of object
//! made on an empty database and dropped from a full one (pg-schema-diff's
//! "schema/Add/drop all objects"), and what strata does not model living
//! on what it drops. Judged by the server's catalog (the oracle), as the
//! conformance corpora are: up converges, the plan again is empty, the
//! rollback restores the start.

use crate::conformance::postgres::{case, judge_both_ways};

/// One object of each kind strata models, leaning on each other the ways
/// the server records: a schema, an enum, a domain with a check calling a
/// function, a composite type, a sequence owned by a column, tables with
/// a foreign key (and one each way), a check calling a function, a
/// function taking a table's row type, one reading a table through its
/// own `search_path`, a view over a function and an aggregate, a trigger,
/// a policy, a materialized view and indexes.
const ALL_OBJECTS: &str = "\
CREATE SCHEMA app; \
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy'); \
CREATE FUNCTION app.positive(x integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; \
CREATE DOMAIN app.pos AS integer CHECK (app.positive(VALUE)); \
CREATE TYPE app.pair AS (a integer, m app.mood); \
CREATE TABLE app.owners (id integer PRIMARY KEY, name text NOT NULL, pet integer); \
CREATE TABLE app.pets ( \
  id integer PRIMARY KEY, owner integer REFERENCES app.owners (id), \
  mood app.mood DEFAULT 'ok', legs app.pos, p app.pair, \
  CONSTRAINT legs_even CHECK (app.positive(legs))); \
ALTER TABLE app.owners ADD CONSTRAINT owners_pet FOREIGN KEY (pet) REFERENCES app.pets (id); \
CREATE SEQUENCE app.pet_numbers OWNED BY app.pets.id; \
CREATE INDEX pets_mood ON app.pets (mood) WHERE legs > 2; \
CREATE FUNCTION app.legs_of(p app.pets) RETURNS integer LANGUAGE sql AS 'SELECT p.legs'; \
CREATE FUNCTION app.pet_count() RETURNS bigint LANGUAGE sql SET search_path = app \
  AS 'SELECT count(*) FROM pets'; \
CREATE FUNCTION app.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'; \
CREATE AGGREGATE app.total(integer) (sfunc = int4pl, stype = integer); \
CREATE VIEW app.summary AS SELECT app.total(app.twice(legs)) AS legs, app.pet_count() AS n \
  FROM app.pets; \
CREATE VIEW app.legged AS SELECT id, app.legs_of(p.*) AS legs FROM app.pets p; \
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS \
  $$BEGIN NEW.mood := 'happy'; RETURN NEW; END$$; \
CREATE TRIGGER pets_touch BEFORE INSERT ON app.pets FOR EACH ROW EXECUTE FUNCTION app.touch(); \
ALTER TABLE app.pets ENABLE ROW LEVEL SECURITY; \
CREATE POLICY happy_only ON app.pets USING (mood = 'happy' AND app.positive(legs)); \
CREATE MATERIALIZED VIEW app.moods AS SELECT mood, count(*) AS n FROM app.pets GROUP BY mood; \
CREATE INDEX moods_mood ON app.moods (mood);";

#[test]
fn add_and_drop_all_objects() {
    judge_both_ways(&[case("add_drop_all_objects", "", ALL_OBJECTS)]);
}

/// Every object of the set leaves but the schema, and the public schema
/// keeps a table: what is dropped goes in the order the server records.
#[test]
fn all_objects_dropped_around_what_stays() {
    judge_both_ways(&[case(
        "all_objects_but_the_schema",
        &format!("CREATE TABLE public.kept (a integer); {ALL_OBJECTS}"),
        "CREATE SCHEMA app; CREATE TABLE public.kept (a integer);",
    )]);
}

/// Schemas, an extension in a schema that goes, functions with standard
/// bodies calling each other across schemas, a trigger function, serial
/// columns, policies and a foreign key: all of one side replaced by all of
/// the other (the shape of pg-schema-diff's "Add/drop all objects").
#[test]
fn one_set_of_objects_replaced_by_another() {
    let role = "DO $$ BEGIN CREATE ROLE pgdepend_reader; \
        EXCEPTION WHEN duplicate_object THEN NULL; END $$;";
    let old = format!(
        "{role} CREATE SCHEMA s1; CREATE EXTENSION amcheck WITH SCHEMA s1; CREATE SCHEMA s2; \
         CREATE TABLE empty_one (); \
         CREATE TYPE s1.hue AS ENUM ('red', 'green'); \
         CREATE SEQUENCE s2.numbers AS bigint INCREMENT BY 3 OWNED BY NONE; \
         CREATE FUNCTION s2.plus(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE \
           RETURN a + b; \
         CREATE FUNCTION bump(i integer) RETURNS integer LANGUAGE plpgsql \
           AS $$BEGIN RETURN i + 1; END$$; \
         CREATE FUNCTION both_of(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE \
           RETURN s2.plus(a, b) + bump(a); \
         CREATE FUNCTION \"bump version\"() RETURNS trigger LANGUAGE plpgsql \
           AS $$BEGIN NEW.version = bump(OLD.version); RETURN NEW; END$$; \
         CREATE TABLE items (id integer PRIMARY KEY, n serial NOT NULL, \
           label varchar(40) NOT NULL DEFAULT 'x', at timestamptz DEFAULT now(), \
           hue s1.hue DEFAULT 'green', version integer NOT NULL DEFAULT 0, UNIQUE (label, at)); \
         CREATE POLICY mine ON items FOR SELECT TO PUBLIC USING (label = current_user); \
         CREATE TRIGGER \"bump it\" BEFORE UPDATE ON items FOR EACH ROW \
           WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION \"bump version\"(); \
         CREATE TABLE s2.refs (id varchar(40) PRIMARY KEY, label varchar(40), at timestamptz, \
           w real NOT NULL, FOREIGN KEY (label, at) REFERENCES items (label, at)); \
         ALTER TABLE s2.refs ADD CONSTRAINT short CHECK (length(label) < w) NOT VALID; \
         CREATE POLICY reader ON s2.refs FOR INSERT TO pgdepend_reader WITH CHECK (w > 1);"
    );
    let new = format!(
        "{role} CREATE EXTENSION pg_trgm; CREATE SCHEMA s2; CREATE SCHEMA s3; \
         CREATE TABLE empty_one (); \
         CREATE TYPE shade AS ENUM ('cyan', 'teal'); \
         CREATE SEQUENCE s3.counter AS smallint INCREMENT BY 4 OWNED BY NONE; \
         CREATE FUNCTION s3.\"plus more\"(a integer, b integer) RETURNS integer LANGUAGE sql \
           IMMUTABLE RETURN a + b + a; \
         CREATE FUNCTION \"bump more\"(i integer) RETURNS integer LANGUAGE plpgsql \
           AS $$BEGIN RETURN i + 2; END$$; \
         CREATE FUNCTION \"both of\"(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE \
           RETURN s3.\"plus more\"(a, b) + \"bump more\"(a); \
         CREATE FUNCTION \"bump version\"() RETURNS trigger LANGUAGE plpgsql \
           AS $$BEGIN NEW.version = \"bump more\"(OLD.version); RETURN NEW; END$$; \
         CREATE TABLE \"Things\" (at timestamptz DEFAULT now(), id integer PRIMARY KEY, \
           version integer NOT NULL DEFAULT 0, shade shade DEFAULT 'teal', n smallserial NOT NULL, \
           label varchar(40) NOT NULL DEFAULT '' CHECK (label IS NOT NULL), UNIQUE (label, n)); \
         CREATE UNIQUE INDEX things_label_at ON \"Things\" (label, at); \
         CREATE POLICY \"Things_del\" ON \"Things\" FOR DELETE TO PUBLIC USING (version > 0); \
         CREATE TRIGGER \"bump it\" BEFORE UPDATE ON \"Things\" FOR EACH ROW \
           WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION \"bump version\"(); \
         CREATE TABLE s2.refs (id varchar(40) PRIMARY KEY, label varchar(40), at timestamptz, \
           w real NOT NULL, note text, FOREIGN KEY (label, at) REFERENCES \"Things\" (label, at)); \
         ALTER TABLE s2.refs ADD CONSTRAINT short CHECK (length(label) < w); \
         CREATE INDEX refs_note ON s2.refs USING gin (note gin_trgm_ops); \
         CREATE POLICY reader ON s2.refs FOR SELECT TO pgdepend_reader USING (note = 'n');"
    );
    judge_both_ways(&[case("one_set_replaced_by_another", &old, &new)]);
}

/// What a scan of names cannot order: a column typed as a view's row
/// type leans on the view (the server refuses to drop the view first),
/// and a composite type's attribute of a table's row type on the table.
#[test]
fn row_types_of_views_and_tables_used_as_types() {
    judge_both_ways(&[case(
        "row_types_used_as_types",
        "",
        "CREATE TABLE t (a integer, b text); CREATE VIEW v AS SELECT a, b FROM t; \
         CREATE TABLE keep (x v, y t); CREATE TYPE both_rows AS (r v, s t);",
    )]);
}

/// A default that casts to a view's row type leans on the view: the
/// server records it, which orders the drops (and the rollback's
/// creations); the planner's scan of casts orders the creations from a
/// file.
#[test]
fn a_default_cast_to_a_view_row_type() {
    judge_both_ways(&[case(
        "default_of_a_view_row_type",
        "",
        "CREATE TABLE t (a integer); CREATE VIEW v AS SELECT a FROM t; \
             CREATE TABLE u (x text DEFAULT (NULL::v)::text);",
    )]);
}

/// A rule on a table (which strata does not model) inserts into another
/// table: a plan that drops the other table is refused (E0248), naming
/// the rule, and nothing changes; dropping the rule's own table too takes
/// the rule along, and is ordered so (the rule's table first).
#[test]
fn a_rule_strata_does_not_model_stops_a_drop_naming_it() {
    use crate::cli_errors::strata;
    use crate::support::{count, exec, PgDb};
    use predicates::prelude::*;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let Some(db) = rt.block_on(PgDb::create("pg_rule_stops_drop")) else {
        return;
    };
    let setup: Vec<String> = [
        "CREATE TABLE t (a integer)",
        "CREATE TABLE log (a integer)",
        "CREATE RULE keep_log AS ON INSERT TO t DO ALSO INSERT INTO log VALUES (NEW.a)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    rt.block_on(exec(&db.url, &setup)).expect("setup");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, "dialect postgres\n\ntable t {\n  a  integer?\n}\n").expect("write");
    let file = file.display().to_string();
    strata()
        .args([
            "apply",
            "--url",
            &db.url,
            "--to",
            &file,
            "--allow-destructive",
        ])
        .arg("--auto-approve")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("E0248")
                .and(predicate::str::contains("rule keep_log on table t"))
                .and(predicate::str::contains("drop table `log`")),
        );
    let log = "SELECT count(*) FROM pg_class WHERE relname = 'log'";
    assert_eq!(rt.block_on(count(&db.url, log)), Ok(1));
    let rule = "SELECT count(*) FROM pg_rewrite WHERE rulename = 'keep_log'";
    assert_eq!(rt.block_on(count(&db.url, rule)), Ok(1));

    // Both tables go: the rule goes with its table, dropped first.
    rt.block_on(crate::conformance::postgres::up_and_replan(
        "rule_goes_with_its_table",
        "CREATE TABLE t (a integer); CREATE TABLE log (a integer); \
         CREATE RULE keep_log AS ON INSERT TO t DO ALSO INSERT INTO log VALUES (NEW.a);",
        "",
    ));
}
