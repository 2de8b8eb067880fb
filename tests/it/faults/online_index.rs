//! An online unique index build that fails on duplicate values (the
//! pre-flight check skipped, so that the server gets to fail it).

use super::*;

const START: &[&str] = &[
    "CREATE TABLE users (id int PRIMARY KEY, email varchar(50) NOT NULL)",
    "INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x')",
];
const WANT: &[&str] = &[
    "CREATE TABLE users (id int PRIMARY KEY, email varchar(50) NOT NULL)",
    "CREATE UNIQUE INDEX users_email ON users (email)",
];

fn fails_and_leaves_the_start(have: &str, want: &str, rt: &tokio::runtime::Runtime) -> String {
    let start = rt.block_on(catalog(have));
    let (code, err) = finish(spawn_apply(have, want, &["--online", "--skip-preflight"]));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("users_email"), "{err}");
    rt.block_on(assert_catalog(have, &start, "nothing of the index stays"));
    err
}

#[test]
fn postgres_concurrent_unique_index_on_duplicates() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_ix", START, WANT) else {
        return;
    };
    let err = fails_and_leaves_the_start(&have.url, &want.url, &rt);
    assert!(err.contains("CONCURRENTLY"), "{err}");
}

#[test]
fn mysql_online_unique_index_on_duplicates() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(&rt, "f_ix", START, WANT) else {
        return;
    };
    let err = fails_and_leaves_the_start(&have.url, &want.url, &rt);
    assert!(err.contains("Duplicate entry"), "{err}");
}
