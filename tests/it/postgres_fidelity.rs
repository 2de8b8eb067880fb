//! PostgreSQL fidelity: what a database holds comes back from a round
//! trip through strata unchanged, judged by the server's catalog.
//!
//! Each case is a `current` and a `desired` database in plain DDL, run as
//! a conformance case is ([`crate::conformance::judge`]): strata inspects
//! the desired database, prints and re-reads the schema file, plans the
//! current database to it; the up SQL must give the desired catalog, a
//! second plan must be empty, and the rollback must give the current
//! catalog back.

use crate::conformance::postgres::Pair;
use crate::conformance::{judge, Case};

async fn round_trip(name: &str, current: &str, desired: &str) {
    let Some(mut pair) = Pair::create().await else {
        return;
    };
    let case = Case {
        id: name.to_string(),
        current: Some(current.to_string()),
        desired: Some(desired.to_string()),
        flags: Default::default(),
    };
    let v = judge(&mut pair, &case).await;
    assert!(
        v.up() && v.replan_empty() && v.down_restored(),
        "{name}: {:?} {}\n{}",
        v.status,
        v.reason.unwrap_or_default(),
        v.detail
    );
}

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

const T: &str = "CREATE TABLE t (id int PRIMARY KEY, a numeric[], b numeric);";

cases! {
    typed_array_default_kept_as_written: T =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[] DEFAULT ARRAY['1'::numeric], b numeric);";
    typed_literal_in_a_check_kept_as_written: T =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[], b numeric CHECK (b = '1'::numeric));";
    typed_literal_in_an_index_predicate_kept_as_written: T =>
        &format!("{T} CREATE INDEX t_b ON t (b) WHERE b = '1'::numeric;");
    typed_literals_in_a_new_table: "" =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[] DEFAULT ARRAY['1.50'::numeric, 2], \
         b numeric DEFAULT '007'::numeric CHECK (b <> '1'::numeric), c text DEFAULT 'x'::text);";
}
