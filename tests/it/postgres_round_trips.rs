//! PostgreSQL schema pairs of shapes other diff tools test (a serial and
//! its sequence trading places, a view column typed by a literal cast),
//! run as conformance cases ([`crate::conformance::judge`]): strata
//! inspects the desired database and plans the current one to it; the up
//! SQL must give the desired catalog, a second plan must be empty, and
//! the rollback must give the current catalog back.

use crate::conformance::postgres::round_trip;

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

/// A select list whose literal casts are the only thing typing its
/// columns: without them the columns would be `text`.
const TAGGED: &str = "CREATE TYPE mood AS ENUM ('calm', 'tense'); \
    CREATE TABLE notes (id int PRIMARY KEY, m mood); \
    CREATE VIEW tagged AS SELECT id, 'calm'::mood AS fallback, 'n/a'::varchar(8) AS code FROM notes;";

/// A list-partitioned table whose parent leaves every column nullable.
const READINGS: &str =
    "CREATE TABLE readings (site text, n int, v numeric) PARTITION BY LIST (site); \
    CREATE TABLE readings_north PARTITION OF readings FOR VALUES IN ('north');";

cases! {
    foreign_key_to_a_partition_keyed_by_its_parent: "" =>
        "CREATE TABLE ledgers (site text, n int, PRIMARY KEY (site, n)) PARTITION BY LIST (site); \
         CREATE TABLE ledgers_north PARTITION OF ledgers FOR VALUES IN ('north'); \
         CREATE TABLE entries (site text, n int, FOREIGN KEY (site, n) REFERENCES ledgers_north (site, n));";
    partition_made_with_its_own_primary_key: "" =>
        &READINGS.replace("FOR VALUES", "(CONSTRAINT north_key PRIMARY KEY (site, n)) FOR VALUES");
    view_columns_typed_by_literal_casts_in_a_new_view: "" => TAGGED;
    view_columns_typed_by_literal_casts_when_the_view_changes: TAGGED =>
        &TAGGED.replace("FROM notes", "FROM notes WHERE id > 0");
    view_columns_typed_by_literal_casts_when_an_enum_loses_a_label:
        &TAGGED.replace("'tense'", "'tense', 'sad'") => TAGGED;
}
