//! PostgreSQL objects that lean on each other in ways a name scan of
//! their text cannot see, and what strata does not model living on what
//! it drops and makes anew. Each case is a pair of SQL scripts judged as
//! the conformance corpora are (`conformance::judge`): the desired
//! database inspected into a schema file, the current one planned to it,
//! and the server's catalog (the oracle) must show the up script
//! converging, an empty plan after it, and the rollback restoring the
//! start.

use crate::conformance::postgres::Pair;
use crate::conformance::{judge, Case};

fn case(id: &str, current: &str, desired: &str) -> Case {
    Case {
        id: id.into(),
        current: Some(current.into()),
        desired: Some(desired.into()),
        flags: Default::default(),
    }
}

/// Judges every case, and the case the other way round, on one pair of
/// scratch databases; fails naming each that does not converge up,
/// re-plan empty and restore down.
fn judge_all(cases: &[Case]) {
    let cases: Vec<Case> = cases
        .iter()
        .flat_map(|c| {
            let back = case(
                &format!("{} (reversed)", c.id),
                c.desired.as_deref().unwrap_or(""),
                c.current.as_deref().unwrap_or(""),
            );
            [c.clone(), back]
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let Some(mut pair) = Pair::create().await else {
            return;
        };
        let mut failed = Vec::new();
        for c in &cases {
            let v = judge(&mut pair, c).await;
            if !(v.up() && v.replan_empty() && v.down_restored()) {
                failed.push(format!(
                    "{}: {:?} replan {:?} down {:?}: {}\n{}",
                    c.id,
                    v.status,
                    v.replan,
                    v.down,
                    v.reason.unwrap_or_default(),
                    v.detail
                ));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    });
}

const RULE_VIEW: &str = "CREATE VIEW v AS SELECT a FROM t; \
    CREATE RULE ins AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (NEW.a); \
    COMMENT ON COLUMN v.a IS 'the a of t';";

#[test]
fn a_view_made_anew_keeps_its_rules_and_column_comments() {
    judge_all(&[case(
        "view_rule_kept",
        &format!("CREATE TABLE t (a integer); {RULE_VIEW}"),
        &format!("CREATE TABLE t (a bigint); {RULE_VIEW}"),
    )]);
}

/// A SQL-standard body is parsed when the function is created, and the
/// server records what it reads: it refuses to retype a column or drop a
/// view such a function uses, as it does for views.
#[test]
fn functions_with_standard_bodies_are_made_anew_around_what_they_read() {
    let body = "CREATE VIEW v AS SELECT a FROM t; \
        CREATE FUNCTION n() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM v; END; \
        CREATE FUNCTION total() RETURNS bigint LANGUAGE sql RETURN (SELECT sum(a) FROM t); \
        CREATE VIEW counted AS SELECT n() AS n, total() AS total;";
    judge_all(&[case(
        "standard_bodies_over_a_retyped_column",
        &format!("CREATE TABLE t (a integer, b text); {body}"),
        &format!("CREATE TABLE t (a bigint, b text); {body}"),
    )]);
}

#[test]
fn objects_are_ordered_by_what_the_catalog_records() {
    judge_all(&[
        case(
            "function_of_row_type",
            "",
            "CREATE TABLE t (a integer); \
             CREATE VIEW w AS SELECT a FROM t; \
             CREATE FUNCTION f(r t) RETURNS integer LANGUAGE sql AS 'SELECT r.a'; \
             CREATE FUNCTION g(r w) RETURNS integer LANGUAGE sql AS 'SELECT r.a';",
        ),
        case(
            "function_through_search_path",
            "",
            "CREATE SCHEMA s; CREATE TABLE s.items (a integer); \
             CREATE FUNCTION public.n() RETURNS bigint LANGUAGE sql SET search_path = s \
               AS 'SELECT count(*) FROM items';",
        ),
        case(
            "view_over_function_and_aggregate",
            "",
            "CREATE TABLE t (a integer); \
             CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'; \
             CREATE AGGREGATE total(integer) (sfunc = int4pl, stype = integer); \
             CREATE VIEW v AS SELECT total(twice(a)) AS s FROM t;",
        ),
        case(
            "sequence_owned_by_column",
            "",
            "CREATE TABLE t (id integer); CREATE SEQUENCE ids OWNED BY t.id;",
        ),
        case(
            "sequence_owned_by_a_dropped_column",
            "CREATE TABLE t (id integer, n integer); CREATE SEQUENCE ns OWNED BY t.n;",
            "CREATE TABLE t (id integer);",
        ),
        case(
            "function_of_row_type_with_its_table_changed",
            "CREATE TABLE t (a integer); \
             CREATE FUNCTION f(r t) RETURNS integer LANGUAGE sql AS 'SELECT r.a';",
            "CREATE TABLE t (a integer, b text); \
             CREATE FUNCTION f(r t) RETURNS text LANGUAGE sql AS 'SELECT r.b';",
        ),
        case(
            "function_in_check_and_default",
            "",
            "CREATE FUNCTION positive(x integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; \
             CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1'; \
             CREATE TABLE t (a integer DEFAULT one() CHECK (positive(a)));",
        ),
    ]);
}

/// A type an extension adds in a namespace of its own (`ext.citext`) is
/// known to `check`, and the extension is created before the table.
#[test]
fn an_extension_type_in_its_own_namespace_converges() {
    judge_all(&[case(
        "extension_type_in_its_own_namespace",
        "",
        "CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext; \
         CREATE TABLE t (e ext.citext, f ext.citext[]);",
    )]);
}
