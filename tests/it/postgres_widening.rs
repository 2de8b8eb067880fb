//! A type change that keeps every value is not data loss: on PostgreSQL
//! `integer[]` to `bigint[]` and `timestamp` to `timestamptz` once called
//! themselves narrowing, so a safe plan was refused without
//! `--allow-destructive` (teaching people to pass it). Applied here
//! without it; every value is checked on the server afterwards, and a
//! real narrowing is still refused.

use crate::cli_errors::strata;
use crate::faults::{assert_same, flat, pg_pair};
use crate::support::{count, rt};

const HAVE: &[&str] = &[
    "CREATE TABLE t (id int PRIMARY KEY, xs int[], at timestamp)",
    "INSERT INTO t SELECT g, ARRAY[g, 2147483647], timestamp '2020-01-01 12:00' + g * interval '1 day' FROM generate_series(1, 50) g",
];
const WANT: &[&str] = &["CREATE TABLE t (id int PRIMARY KEY, xs bigint[], at timestamptz)"];

#[test]
fn a_widening_is_applied_without_allow_destructive() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "widen", HAVE, WANT) else {
        return;
    };
    let out = strata()
        .args([
            "apply",
            "--url",
            &have.url,
            "--to",
            &want.url,
            "--auto-approve",
        ])
        .output()
        .expect("run strata");
    let err = flat(&String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("data_loss"), "{err}");
    rt.block_on(assert_same(&have.url, &want.url, "widened"));
    assert_eq!(
        rt.block_on(count(
            &have.url,
            "SELECT COUNT(*) FROM t WHERE xs = ARRAY[id::bigint, 2147483647] \
             AND at = (timestamp '2020-01-01 12:00' + id * interval '1 day') AT TIME ZONE current_setting('TimeZone')"
        )),
        Ok(50)
    );
}

#[test]
fn a_narrowing_array_is_still_refused() {
    let rt = rt();
    let Some((have, want)) = pg_pair(
        &rt,
        "narrow_arr",
        &[
            "CREATE TABLE t (xs bigint[])",
            "INSERT INTO t VALUES (ARRAY[1])",
        ],
        &["CREATE TABLE t (xs int[])"],
    ) else {
        return;
    };
    let out = strata()
        .args([
            "apply",
            "--url",
            &have.url,
            "--to",
            &want.url,
            "--auto-approve",
        ])
        .output()
        .expect("run strata");
    let err = flat(&String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("data_loss"), "{err}");
}
