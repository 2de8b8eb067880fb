//! PostgreSQL functions and procedures as a database holds them, judged
//! by the server's catalog (tests/it/oracle): each case loads `current`
//! and `desired` DDL into two scratch databases, inspects the desired one
//! into schema source, plans and applies it to the current one, and then
//! requires the catalog to equal the desired one, the next plan to be
//! empty and the rollback to restore the start. A case whose two sides
//! are the same must plan nothing at all.

use crate::conformance::postgres::Pair;
use crate::conformance::{judge, Case};

/// Runs each `(id, current, desired)` case on one pair of databases.
async fn converge(cases: &[(&str, &str, &str)]) {
    let Some(mut w) = Pair::create().await else {
        return;
    };
    for (id, current, desired) in cases {
        let case = Case {
            id: id.to_string(),
            current: Some(current.to_string()),
            desired: Some(desired.to_string()),
            flags: Default::default(),
        };
        let v = judge(&mut w, &case).await;
        assert!(
            v.up() && v.replan_empty() && v.down_restored(),
            "{id}: {:?}: {}\n{}",
            v.status,
            v.reason.unwrap_or_default(),
            v.detail
        );
        if current == desired {
            assert_eq!(v.steps, 0, "{id}: an unchanged database planned changes");
        }
    }
}

/// Bodies as `psql` or pg_dump write them: a newline after `$$`,
/// indentation, trailing blanks, a quoted body ending in `$`.
const BODIES: &str = "CREATE FUNCTION f1(a int) RETURNS int LANGUAGE plpgsql AS $$\n  BEGIN\n    \
    RETURN a + 1;   \n  END;\n$$;\n\
    CREATE FUNCTION f2() RETURNS text LANGUAGE sql AS 'select ''x$'' ';\n\
    CREATE PROCEDURE p1(n int) LANGUAGE plpgsql AS $b$\n\tBEGIN\n\t\tPERFORM n;\n\tEND\n\n$b$;";

#[tokio::test]
async fn function_bodies_are_kept_byte_for_byte() {
    converge(&[
        ("bodies-created", "", BODIES),
        ("bodies-unchanged", BODIES, BODIES),
        (
            "body-changed-by-a-blank",
            BODIES,
            &BODIES.replace("RETURN a + 1;   ", "RETURN a + 1;"),
        ),
    ])
    .await;
}

/// SQL-standard bodies, which the server parses and keeps without any
/// `prosrc`, and a C function's library and link symbol.
const FORMS: &str = "CREATE TABLE t (a int);\n\
    CREATE FUNCTION twice(a int) RETURNS int LANGUAGE sql IMMUTABLE RETURN a * 2;\n\
    CREATE FUNCTION counted() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;\n\
    CREATE PROCEDURE put(n int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (n); INSERT INTO t VALUES (n + 1); END;\n\
    CREATE FUNCTION handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';\n\
    CREATE FUNCTION plus(int, int) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'int4pl';";

#[tokio::test]
async fn standard_bodies_and_c_functions_are_kept() {
    converge(&[
        ("forms-created", "", FORMS),
        ("forms-unchanged", FORMS, FORMS),
        (
            "standard-body-changed",
            FORMS,
            &FORMS.replace("RETURN a * 2", "RETURN a * 3"),
        ),
    ])
    .await;
}

/// Aggregates, with the functions they call and a view that uses one:
/// created after their functions, dropped before them (pagila's
/// `group_concat`), and changed in place.
const AGGREGATES: &str = "CREATE TABLE t (a int, s text);\n\
    CREATE FUNCTION _group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$\n\
    SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END\n$$;\n\
    CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text);\n\
    CREATE FUNCTION add2(bigint, int) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN $1 + $2;\n\
    CREATE FUNCTION done(bigint) RETURNS text LANGUAGE sql IMMUTABLE RETURN $1::text;\n\
    CREATE AGGREGATE total(int) (SFUNC = add2, STYPE = bigint, FINALFUNC = done, INITCOND = '0', PARALLEL = SAFE);\n\
    CREATE AGGREGATE biggest(int) (SFUNC = int4larger, STYPE = int, SORTOP = >);\n\
    CREATE AGGREGATE counted(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');\n\
    COMMENT ON AGGREGATE total(int) IS 'sum as text';\n\
    CREATE VIEW v AS SELECT group_concat(s) AS names, total(a) AS n FROM t;";

#[tokio::test]
async fn aggregates_are_modeled() {
    converge(&[
        ("aggregates-created", "", AGGREGATES),
        ("aggregates-unchanged", AGGREGATES, AGGREGATES),
        ("aggregates-dropped", AGGREGATES, ""),
        (
            "aggregate-changed",
            AGGREGATES,
            &AGGREGATES.replace("INITCOND = '0', ", "INITCOND = '10', "),
        ),
    ])
    .await;
}

/// Overloads: one name, told apart by argument types; one of them
/// dropped, one added, one changed.
const OVERLOADS: &str = "CREATE FUNCTION area(r double precision) RETURNS double precision \
    LANGUAGE sql IMMUTABLE RETURN pi() * r * r;\n\
    CREATE FUNCTION area(w int, h int) RETURNS int LANGUAGE sql IMMUTABLE RETURN w * h;\n\
    CREATE FUNCTION area(label text, OUT n int) LANGUAGE sql AS $$ SELECT length(label) $$;\n\
    CREATE PROCEDURE log_it(a int) LANGUAGE sql AS $$ SELECT a $$;\n\
    CREATE PROCEDURE log_it(a text, b text DEFAULT 'x') LANGUAGE sql AS $$ SELECT a || b $$;";

#[tokio::test]
async fn overloaded_functions_are_each_modeled() {
    let changed = OVERLOADS
        .replace("RETURN w * h", "RETURN w * h * 1")
        .replace(
            "CREATE PROCEDURE log_it(a int)",
            "CREATE PROCEDURE log_it(a bigint)",
        );
    converge(&[
        ("overloads-created", "", OVERLOADS),
        ("overloads-unchanged", OVERLOADS, OVERLOADS),
        ("overloads-changed", OVERLOADS, &changed),
        ("overloads-dropped", OVERLOADS, ""),
    ])
    .await;
}
