//! Shapes that Atlas's PostgreSQL integration scripts and pgschema's diff
//! cases showed strata getting wrong, each rewritten here in a shape of its
//! own. Judged as the conformance corpora are (`conformance::judge`): the
//! desired database inspected into a schema file, the current one planned
//! to it, and the server's catalog (the oracle) must show the up script
//! converging, an empty plan after it, and the rollback restoring the
//! start; every case both ways.

use crate::conformance::postgres::{case, judge_both_ways};

/// `bpchar` without a length holds strings of any length; `character`
/// without one is `character(1)`. A `bpchar` column was made as
/// `character` (Atlas `column-default`): the server took it as
/// `character(1)`, and rows longer than one character could not go in.
#[test]
fn an_unbounded_bpchar_stays_unbounded() {
    let desired = "CREATE TABLE tags (id int, code bpchar NOT NULL DEFAULT 'foo', \
        short bpchar(3), one character, many bpchar[]);";
    let changed = "CREATE TABLE tags (id int, code bpchar NOT NULL DEFAULT 'bar', \
        short bpchar, one bpchar(2), many bpchar[]);";
    judge_both_ways(&[
        case("bpchar_made", "", desired),
        case("bpchar_retyped", desired, changed),
    ]);
}
