//! PostgreSQL comments on triggers, and a type change of a column a child
//! table shares with its parent (issue #11), end to end on a real server
//! and judged by its catalog ([`crate::oracle`]): up gives what the file
//! builds from nothing, planning again is empty, the rollback restores
//! the start.

use strata::dialect::EmitOptions;
use strata::ir::{Name, Schema};
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, PgDb};

fn parse(text: &str) -> Schema {
    pg_parse("", text)
}

const T: &str = "table t {\n  id int pk\n  at timestamptz?\n}\n\
function touch() returns trigger language plpgsql as sql$$\n  begin new.at := now(); return new; end\n$$\n";

const TRIG: &str = "trigger t_touch on t before update for each row execute touch()";

const D: &str = "domain positive as int comment \"the domain\" check pos (value > 0)";

const DT: &str = "\ntable t {\n  id int pk\n  qty positive\n}";

const P: &str = "table p {\n  id int?\n  qty int?\n}\n";

pg_pairs! {
    "pgcmore", "";
    trigger_created_with_its_comment (false): T =>
        &format!("{T}{TRIG} comment \"keeps at current\"");
    trigger_comment_added (false): &format!("{T}{TRIG}") =>
        &format!("{T}{TRIG} comment \"keeps at current\"");
    trigger_comment_changed (false): &format!("{T}{TRIG} comment \"old\"") =>
        &format!("{T}{TRIG} comment \"it's new\"");
    trigger_comment_with_body_changed (false): &format!("{T}{TRIG} comment \"old\"") =>
        &format!("{T}trigger t_touch on t before insert or update for each row execute touch() comment \"new\"");
    trigger_with_comment_dropped (false): &format!("{T}{TRIG} comment \"old\"") => T;
    domain_created_with_a_check_comment (false): "" =>
        &format!("{D} comment \"more than nothing\" check small (value < 100) not valid comment \"it's small\"{DT}");
    domain_check_comment_added (false): &format!("{D}{DT}") =>
        &format!("{D} comment \"more than nothing\"{DT}");
    domain_check_comment_changed_and_dropped (false):
        &format!("{D} comment \"old\" check small (value < 100) comment \"x\"{DT}") =>
        &format!("{D} comment \"new\" check small (value < 100){DT}");
    domain_check_changed_keeps_its_comment (false):
        &format!("{D} comment \"c\"{DT}") =>
        &format!("domain positive as int comment \"the domain\" check pos (value >= 1) comment \"c\"{DT}");
    // A column the child declares and inherits: its type follows the
    // parent's, in both directions (rows: `shared_column_rows_survive`).
    inherited_shared_column_widened (false):
        &format!("{P}table c inherits p {{\n  qty int?\n  own text?\n}}") =>
        "table p {\n  id int?\n  qty bigint?\n}\ntable c inherits p {\n  qty bigint?\n  own text?\n}";
    inherited_shared_column_narrowed (false):
        "table p {\n  id int?\n  qty bigint?\n}\ntable c inherits p {\n  qty bigint?\n  own text?\n}" =>
        &format!("{P}table c inherits p {{\n  qty int?\n  own text?\n}}");
    inherited_shared_column_widened_through_a_grandchild (false):
        &format!("{P}table c inherits p {{\n  qty int?\n}}\ntable g inherits c {{\n  qty int?\n  own text?\n}}") =>
        "table p {\n  id int?\n  qty numeric?\n}\ntable c inherits p {\n  qty numeric?\n}\ntable g inherits c {\n  qty numeric?\n  own text?\n}";
}

/// Only the comment changes: a `COMMENT ON TRIGGER`, not a drop and a
/// create of the trigger; removing it is `IS NULL`.
#[test]
fn trigger_comment_alone_changes_in_place() {
    let a = pg().normalize(&parse(&format!("{T}{TRIG}")));
    let b = pg().normalize(&parse(&format!("{T}{TRIG} comment \"x\"")));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(pg(), &m.up);
    assert!(
        up.contains(r#"COMMENT ON TRIGGER "t_touch" ON "public"."t" IS 'x'"#),
        "{up}"
    );
    assert!(!up.contains("DROP TRIGGER"), "{up}");
    let down = strata::report::sql::render(pg(), &m.down);
    assert!(
        down.contains(r#"COMMENT ON TRIGGER "t_touch" ON "public"."t" IS NULL"#),
        "{down}"
    );
}

/// MySQL and SQLite keep no comment on a trigger: E0253, not a plan that
/// would make it again forever.
#[test]
fn trigger_comment_refused_elsewhere() {
    for d in ["mysql", "sqlite"] {
        let text = format!(
            "dialect {d}\ntable t {{\n  id int pk\n}}\ntrigger tr on t before insert for each row sql\"\"\"set new.id = 1\"\"\" comment \"x\""
        );
        let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err("refused");
        assert!(format!("{err:?}").contains("E0253"), "{d}: {err:?}");
    }
}

/// A type change of a shared column is planned on the parent alone.
#[test]
fn shared_column_type_change_is_the_parents() {
    let a = pg().normalize(&parse(&format!(
        "{P}table c inherits p {{\n  qty int?\n  own text?\n}}"
    )));
    let b = pg().normalize(&parse(
        "table p {\n  id int?\n  qty bigint?\n}\ntable c inherits p {\n  qty bigint?\n  own text?\n}",
    ));
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(pg(), &m.up);
    assert_eq!(up.matches("TYPE bigint").count(), 1, "{up}");
    assert!(up.contains(r#"ALTER TABLE "public"."p""#), "{up}");
    assert!(!up.contains(r#"ALTER TABLE "public"."c""#), "{up}");
}

/// Rows of a parent and of its child keep their values through a widened
/// shared column, the narrowing back, and both rollbacks; the types on
/// the server are the file's after each step.
#[tokio::test]
async fn shared_column_rows_survive() {
    let Some(db) = PgDb::create("pgcmore_rows").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE p (id int, qty int); CREATE TABLE c (qty int, own text) INHERITS (p); \
         INSERT INTO p VALUES (1, 10); INSERT INTO c VALUES (2, 2147483647, 'x');",
    )
    .await;
    let narrow =
        "table p {\n  id int?\n  qty int?\n}\ntable c inherits p {\n  qty int?\n  own text?\n}";
    let wide = narrow.replace("qty int?", "qty bigint?");
    let start = crate::oracle::fingerprint(&db.url)
        .await
        .expect("fingerprint");
    for (step, file, ty) in [
        ("widen", wide.as_str(), "bigint"),
        ("narrow", narrow, "integer"),
    ] {
        let m = migration(
            &inspect(&db.url).await.schema,
            &parse(file),
            pg(),
            &EmitOptions::default(),
        )
        .expect("plan");
        for (dir, plan, want) in [
            ("up", &m.up, ty),
            (
                "down",
                &m.down,
                if ty == "bigint" { "integer" } else { "bigint" },
            ),
        ] {
            crate::support::apply(&db.url, plan, &Default::default())
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "{step} {dir}: {e:?}\n{}",
                        strata::report::sql::render(pg(), plan)
                    )
                });
            for (table, id, qty) in [("p", 1, "10"), ("c", 2, "2147483647")] {
                let sql = format!(
                    "SELECT count(*) FROM ONLY {table} WHERE id = {id} AND qty::text = '{qty}' \
                     AND pg_typeof(qty)::text = '{want}'"
                );
                assert_eq!(
                    crate::support::count(&db.url, &sql).await,
                    Ok(1),
                    "{step} {dir}: {table}"
                );
            }
        }
        // Forward again, for the next step to start from.
        crate::support::apply(&db.url, &m.up, &Default::default())
            .await
            .expect("up again");
    }
    let end = crate::oracle::fingerprint(&db.url)
        .await
        .expect("fingerprint");
    assert!(
        crate::oracle::compare(&end, &start).equal,
        "widened and narrowed back"
    );
}

/// A domain check's comment alone changes in place: the check is not
/// dropped (and its rows not checked again). An unnamed check's trailing
/// comment stays the domain's.
#[test]
fn domain_check_comment_alone_changes_in_place() {
    let a = pg().normalize(&parse(&format!("{D}{DT}")));
    let b = pg().normalize(&parse(&format!("{D} comment \"x\"{DT}")));
    assert_eq!(
        b.domains[&Name::new("positive")].comment.as_deref(),
        Some("the domain")
    );
    let m = migration(&a, &b, pg(), &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(pg(), &m.up);
    assert!(
        up.contains(r#"COMMENT ON CONSTRAINT "pos" ON DOMAIN "public"."positive" IS 'x'"#),
        "{up}"
    );
    assert!(!up.contains("DROP CONSTRAINT"), "{up}");
    let unnamed = parse("domain d as int check (value > 0) comment \"x\"");
    let d = &unnamed.domains[&Name::new("d")];
    assert_eq!(
        (d.comment.as_deref(), d.checks[0].comment.as_deref()),
        (Some("x"), None)
    );
}

/// Hand-written DDL: the comments of a trigger and of a domain's check are read without a warning,
/// printed, read back, and an empty database built from the file has the
/// same catalog.
#[tokio::test]
async fn hand_written_trigger_comment_round_trips() {
    let Some(db) = PgDb::create("pgcmore_ddl").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE test (id integer);
         CREATE FUNCTION trigger_func() RETURNS TRIGGER AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;
         CREATE TRIGGER test_trigger BEFORE INSERT ON test FOR EACH ROW EXECUTE FUNCTION trigger_func();
         COMMENT ON TRIGGER test_trigger ON test IS 'Trigger comment';
         CREATE DOMAIN positive AS int CONSTRAINT pos CHECK (VALUE > 0);
         COMMENT ON DOMAIN positive IS 'the domain';
         COMMENT ON CONSTRAINT pos ON DOMAIN positive IS 'more than nothing';",
    )
    .await;
    let i = inspect(&db.url).await;
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    let s = pg().normalize(&i.schema);
    let t = &s.triggers[&(Name::new("test"), "test_trigger".to_string())];
    assert_eq!(t.comment.as_deref(), Some("Trigger comment"));
    let printed = syntax::print(&i.schema);
    assert!(printed.contains("comment \"Trigger comment\""), "{printed}");
    let d = &s.domains[&Name::new("positive")];
    assert_eq!(d.checks[0].comment.as_deref(), Some("more than nothing"));
    assert!(
        printed.contains(
            r#"comment "the domain" check pos ((VALUE > 0)) comment "more than nothing""#
        ) || printed
            .contains(r#"comment "the domain" check pos (VALUE > 0) comment "more than nothing""#),
        "{printed}"
    );
    crate::postgres::printed_file_adopts(&db.url, &i.schema, &s, &printed, "pgcmore_fresh").await;
}

/// One of each kind strata reports but does not model, as this server
/// makes them: `inspect` warns once for each, and a plan from the
/// database to the file it prints is empty (none is dropped).
const UNMODELED: &[(&str, &str)] = &[
    ("rule", "CREATE RULE t_nothing AS ON INSERT TO t WHERE NEW.a < 0 DO INSTEAD NOTHING"),
    ("operator", "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)"),
    ("cast", "CREATE TYPE pair AS (x int, y int); CREATE CAST (pair AS int) WITH INOUT"),
    ("conversion", "CREATE CONVERSION to_latin1 FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1"),
    ("text search dictionary", "CREATE TEXT SEARCH DICTIONARY simple_fr (TEMPLATE = simple, STOPWORDS = french)"),
    ("text search parser", "CREATE TEXT SEARCH PARSER words (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype)"),
    ("text search template", "CREATE TEXT SEARCH TEMPLATE plain (INIT = dsimple_init, LEXIZE = dsimple_lexize)"),
    ("event trigger", "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$; \
       CREATE EVENT TRIGGER on_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl()"),
    ("publication", "CREATE PUBLICATION pub FOR TABLE t"),
    ("subscription", "CREATE SUBSCRIPTION sub CONNECTION 'dbname=none' PUBLICATION pub \
       WITH (connect = false, slot_name = NONE, enabled = false)"),
    // Grants on functions and on enums, domains, composite and range
    // types are modeled (`postgres_grants_more`); a base type's, which
    // only C makes, is not.
    // Default privileges in a schema are modeled; those for every schema
    // are not.
    ("default privileges", "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC"),
    // A table column's storage and compression are modeled; a
    // materialized view's are not.
    ("column storage", "CREATE MATERIALIZED VIEW stored AS SELECT 'x'::text AS a; \
       ALTER MATERIALIZED VIEW stored ALTER COLUMN a SET STORAGE EXTERNAL"),
    ("column compression", "CREATE MATERIALIZED VIEW packed AS SELECT 'x'::text AS a; \
       ALTER MATERIALIZED VIEW packed ALTER COLUMN a SET COMPRESSION lz4"),
    // A column a table only inherits follows its parent's storage and
    // compression; one that differs is not modeled.
    ("inherited column storage", "CREATE TABLE par (a text); CREATE TABLE kid () INHERITS (par); \
       ALTER TABLE kid ALTER COLUMN a SET STORAGE MAIN"),
    ("inherited column compression", "CREATE TABLE par2 (a text); CREATE TABLE kid2 () INHERITS (par2); \
       ALTER TABLE kid2 ALTER COLUMN a SET COMPRESSION lz4"),
    // Any other sequence's persistence is modeled (`unlogged`).
    ("sequence persistence", "CREATE UNLOGGED TABLE ident (id int GENERATED ALWAYS AS IDENTITY); \
       ALTER SEQUENCE ident_id_seq SET LOGGED"),
    ("partition column NOT NULL", "CREATE TABLE parted (k int, a int, b int DEFAULT 1) PARTITION BY LIST (k); \
       CREATE TABLE parted_1 PARTITION OF parted (a NOT NULL) FOR VALUES IN (1); \
       CREATE TABLE parted_2 PARTITION OF parted (PRIMARY KEY (k, a)) FOR VALUES IN (2)"),
    ("partition column default", "CREATE TABLE parted_3 PARTITION OF parted (b DEFAULT 7) FOR VALUES IN (3)"),
    // An operator class's parameters are not modeled (Atlas
    // `index-operator-class`).
    ("index operator class parameters", "CREATE TABLE docs (body tsvector); \
       CREATE INDEX docs_body ON docs USING gist (body tsvector_ops (siglen = 8))"),
    // Whether a trigger fires, and a replica identity other than the
    // primary key, are not modeled.
    ("disabled trigger", "CREATE FUNCTION tg() RETURNS trigger LANGUAGE plpgsql \
       AS 'BEGIN RETURN NEW; END'; \
       CREATE TRIGGER off BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg(); \
       ALTER TABLE t DISABLE TRIGGER off"),
    ("replica-only trigger", "CREATE TRIGGER rep BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg(); \
       ALTER TABLE t ENABLE REPLICA TRIGGER rep"),
    ("always-enabled trigger", "CREATE TRIGGER alw BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg(); \
       ALTER TABLE t ENABLE ALWAYS TRIGGER alw"),
    ("replica identity", "ALTER TABLE t REPLICA IDENTITY FULL"),
    ("foreign data wrapper", "CREATE FOREIGN DATA WRAPPER fdw"),
    ("foreign server", "CREATE SERVER srv FOREIGN DATA WRAPPER fdw"),
    ("foreign table", "CREATE FOREIGN TABLE ft (a int) SERVER srv"),
];

#[tokio::test]
async fn unmodeled_kinds_are_warned_once_and_kept() {
    let Some(db) = PgDb::create("pgcmore_unmod").await else {
        return;
    };
    exec(&db.url, "CREATE TABLE t (a int, b int)").await;
    for (_, sql) in UNMODELED {
        exec(&db.url, sql).await;
    }
    let i = inspect(&db.url).await;
    let printed = syntax::print(&i.schema);
    let planned = syntax::parse(&[SourceFile::new("t.strata", printed.clone())])
        .map_err(|e| format!("{e:?}"))
        .and_then(|file| {
            migration(&i.schema, &file, pg(), &EmitOptions::default()).map_err(|e| format!("{e:?}"))
        })
        .map(|m| strata::report::sql::render(pg(), &m.up));
    // A database with a subscription cannot be dropped: it goes first,
    // before anything here can fail.
    exec(
        &db.url,
        "ALTER SUBSCRIPTION sub DISABLE; DROP SUBSCRIPTION sub",
    )
    .await;
    for (kind, _) in UNMODELED {
        let prefix = format!("unmodeled: {kind} ");
        let n = i.warnings.iter().filter(|w| w.starts_with(&prefix)).count();
        assert_eq!(n, 1, "{kind}: {:?}", i.warnings);
    }
    assert_eq!(i.warnings.len(), UNMODELED.len(), "{:?}", i.warnings);
    // The file inspect prints, planned against the database it came
    // from: nothing to do, nothing unmodeled dropped.
    match planned {
        Ok(sql) => assert!(sql.trim().is_empty(), "{sql}\nfile:\n{printed}"),
        Err(e) => panic!("{e}\nfile:\n{printed}"),
    }
}
