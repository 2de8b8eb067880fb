//! Privileges on types and domains (`GRANT USAGE ON TYPE`), and the
//! `USAGE` the server gives `PUBLIC` on every new type, which `REVOKE …
//! FROM PUBLIC` takes away. They were only reported: a database made from
//! the file lacked them, and a type made anew lost them. Judged by the
//! server's catalog (`typacl`), both ways.

use crate::conformance::postgres::{case, judge_both_ways};

/// Two roles, named by a table's grant on both sides: a schema manages
/// only the grants of roles it names.
const ROLES: &str = "DO $$BEGIN CREATE ROLE typegrant_reader; \
    EXCEPTION WHEN duplicate_object THEN NULL; END$$; \
    DO $$BEGIN CREATE ROLE typegrant_writer; \
    EXCEPTION WHEN duplicate_object THEN NULL; END$$; \
    CREATE TABLE anchor (id int); \
    GRANT SELECT ON anchor TO typegrant_reader, typegrant_writer;";

fn types(extra: &str) -> String {
    format!(
        "{ROLES} CREATE TYPE mood AS ENUM ('sad', 'ok'); \
         CREATE DOMAIN posint AS int CHECK (VALUE > 0); \
         CREATE TYPE pair AS (a int, b text); \
         CREATE TYPE floatrange AS RANGE (subtype = float8); {extra}"
    )
}

/// Granted to a role (with and without grant option), `PUBLIC`'s default
/// revoked, on each kind of type; then changed.
#[test]
fn grants_on_types_are_kept() {
    let bare = types("");
    let granted = types(
        "GRANT USAGE ON TYPE mood TO typegrant_reader; \
         GRANT USAGE ON DOMAIN posint TO typegrant_writer WITH GRANT OPTION; \
         REVOKE ALL ON TYPE pair FROM PUBLIC; GRANT USAGE ON TYPE pair TO typegrant_reader; \
         REVOKE USAGE ON TYPE floatrange FROM PUBLIC;",
    );
    let changed = types(
        "GRANT USAGE ON TYPE mood TO typegrant_writer; REVOKE ALL ON TYPE mood FROM PUBLIC; \
         GRANT USAGE ON DOMAIN posint TO typegrant_writer; \
         GRANT USAGE ON TYPE pair TO typegrant_reader;",
    );
    judge_both_ways(&[
        case("type_grants_made", ROLES, &granted),
        case("type_grants_added", &bare, &granted),
        case("type_grants_changed", &granted, &changed),
    ]);
}

/// A domain and an enum dropped: the rollback makes them back with their
/// grants, and `PUBLIC` still without `USAGE` on them.
#[test]
fn a_type_made_back_keeps_its_grants() {
    let before = format!(
        "{ROLES} CREATE DOMAIN code AS int; GRANT USAGE ON DOMAIN code TO typegrant_reader; \
         REVOKE ALL ON DOMAIN code FROM PUBLIC; CREATE TYPE hue AS ENUM ('red'); \
         REVOKE ALL ON TYPE hue FROM PUBLIC; GRANT USAGE ON TYPE hue TO typegrant_writer;"
    );
    judge_both_ways(&[case("types_dropped", &before, ROLES)]);
}

fn routines(extra: &str) -> String {
    format!(
        "{ROLES} CREATE FUNCTION twice(a int) RETURNS int LANGUAGE sql AS 'SELECT a * 2'; \
         CREATE FUNCTION twice(a text) RETURNS text LANGUAGE sql AS 'SELECT a || a'; \
         CREATE PROCEDURE tidy() LANGUAGE sql AS 'SELECT 1'; {extra}"
    )
}

/// `EXECUTE` granted on functions (overloads told apart) and a procedure,
/// and `PUBLIC`'s default revoked (`REVOKE … FROM PUBLIC`, which a
/// database keeps and the file must say); then changed.
#[test]
fn grants_on_routines_are_kept() {
    let bare = routines("");
    let granted = routines(
        "REVOKE ALL ON FUNCTION twice(int) FROM PUBLIC; \
         GRANT EXECUTE ON FUNCTION twice(int) TO typegrant_reader; \
         GRANT EXECUTE ON FUNCTION twice(text) TO typegrant_writer WITH GRANT OPTION; \
         REVOKE EXECUTE ON PROCEDURE tidy() FROM PUBLIC;",
    );
    let changed = routines(
        "GRANT EXECUTE ON FUNCTION twice(int) TO typegrant_writer; \
         REVOKE ALL ON FUNCTION twice(text) FROM PUBLIC; \
         GRANT EXECUTE ON PROCEDURE tidy() TO typegrant_reader;",
    );
    judge_both_ways(&[
        case("routine_grants_made", ROLES, &granted),
        case("routine_grants_added", &bare, &granted),
        case("routine_grants_changed", &granted, &changed),
    ]);
}

/// A function replaced by a drop and a create (its result type changed)
/// gets its grants back, and `PUBLIC` stays without `EXECUTE` on it.
#[test]
fn a_function_made_anew_keeps_its_grants() {
    let grants = "REVOKE ALL ON FUNCTION half(int) FROM PUBLIC; \
        GRANT EXECUTE ON FUNCTION half(int) TO typegrant_reader;";
    let before = format!(
        "{ROLES} CREATE FUNCTION half(a int) RETURNS int LANGUAGE sql AS 'SELECT a / 2'; {grants}"
    );
    let after = format!(
        "{ROLES} CREATE FUNCTION half(a int) RETURNS numeric LANGUAGE sql AS 'SELECT a / 2.0'; \
         {grants}"
    );
    judge_both_ways(&[
        case("function_regranted", &before, &after),
        case("function_dropped", &before, ROLES),
    ]);
}
