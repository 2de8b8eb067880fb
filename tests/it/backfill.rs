//! `backfill`: a new NOT NULL column on a table with rows is added
//! nullable, filled from each row, then made NOT NULL — on all three
//! dialects, with rows: the values are there, the column is NOT NULL, a
//! second plan is empty (the hint is not part of the column), and the
//! rollback gives back the start's catalog as the server reports it.

use assert_cmd::Command;
use strata::dialect::{for_url, ApplyOptions, EmitOptions};
use strata::syntax::SourceFile;

use crate::oracle;
use crate::support::{self, MyDb, PgDb, SqliteDb};

const SCHEMA: &str = "table users {
  id     int          pk
  name   varchar(50)
  email  varchar(50)  backfill lower(name)
}
";

fn exec(url: &str, sql: &[&str]) {
    support::rt()
        .block_on(support::exec(url, &support::ddl(sql)))
        .unwrap_or_else(|e| panic!("set-up: {e}"));
}

fn count(url: &str, sql: &str) -> i64 {
    support::rt()
        .block_on(support::count(url, sql))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn fingerprint(url: &str) -> oracle::Fingerprint {
    let fp = support::rt()
        .block_on(oracle::fingerprint(url))
        .expect("oracle");
    oracle::without_bookkeeping(fp)
}

/// `fills` are statements the up script must hold.
fn scenario(target: &str, fills: &[&str]) {
    scenario_with(target, fills, &EmitOptions::default());
}

fn scenario_with(target: &str, fills: &[&str], options: &EmitOptions) {
    exec(
        target,
        &[
            "CREATE TABLE users (id int PRIMARY KEY, name varchar(50) NOT NULL)",
            "INSERT INTO users VALUES (1, 'Ann'), (2, 'BOB'), (3, 'cy')",
        ],
    );
    let start = fingerprint(target);
    let desired = strata::syntax::parse(&[SourceFile::new("users.strata", SCHEMA)])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let column = &desired.tables.values().next().expect("users").columns[2];
    assert!(column.backfill.is_some(), "the hint is read: {column:?}");

    let driver = for_url(target).expect("driver");
    let rt = support::rt();
    let current = rt
        .block_on(driver.introspect(target, &[]))
        .expect("inspect")
        .schema;
    let m = strata::migration::migration(&current, &desired, driver, options).expect("plan");
    let up = strata::report::sql::render(driver, &m.up);
    for f in fills {
        assert!(up.contains(f), "`{f}` in\n{up}");
    }
    rt.block_on(support::apply(target, &m.up, &ApplyOptions::default()))
        .unwrap_or_else(|e| panic!("{e:?}\n{up}"));
    assert_eq!(
        count(
            target,
            "SELECT COUNT(*) FROM users WHERE email = lower(name)"
        ),
        3,
        "{up}"
    );
    // NOT NULL now holds.
    let null = support::ddl(&["INSERT INTO users (id, name, email) VALUES (9, 'x', NULL)"]);
    assert!(rt.block_on(support::exec(target, &null)).is_err(), "{up}");

    // The hint is not part of the column: nothing left to do.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("users.strata");
    std::fs::write(&file, SCHEMA).expect("write");
    Command::cargo_bin("strata")
        .expect("binary")
        .env_remove("DATABASE_URL")
        .env_remove("STRATA_ENV")
        .args(["plan", "--url", target, "--to"])
        .arg(&file)
        .arg("--exit-code")
        .assert()
        .code(0);

    let down = strata::report::sql::render(driver, &m.down);
    rt.block_on(support::apply(target, &m.down, &ApplyOptions::default()))
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    let back = fingerprint(target);
    oracle::judge("rollback", driver.kind(), &back, &start)
        .unwrap_or_else(|e| panic!("{e}\n{down}"));
    assert_eq!(count(target, "SELECT COUNT(*) FROM users"), 3);
}

#[test]
fn backfill_on_postgres() {
    let Some(db) = support::rt().block_on(PgDb::create("backfill")) else {
        return;
    };
    scenario(
        &db.url,
        &[
            "SET \"email\" = (lower(name)) WHERE \"email\" IS NULL",
            "CHECK (\"email\" IS NOT NULL) NOT VALID",
            "VALIDATE CONSTRAINT \"strata_not_null_email\"",
            "ALTER COLUMN \"email\" SET NOT NULL",
        ],
    );
}

#[test]
fn backfill_on_mysql() {
    let Some(db) = support::rt().block_on(MyDb::create("backfill")) else {
        return;
    };
    scenario(
        &db.url,
        &[
            "SET `email` = (lower(name)) WHERE `email` IS NULL",
            "MODIFY COLUMN `email` varchar(50) NOT NULL",
        ],
    );
}

#[test]
fn backfill_on_sqlite() {
    let db = SqliteDb::create_file();
    scenario(&db.url, &["(lower(name)) FROM \"users\""]);
}

/// `--backfill-batch 2`: the fill runs outside the main transaction, two
/// rows per committed batch, and gives the same end.
#[test]
fn batched_backfill_on_postgres() {
    let Some(db) = support::rt().block_on(PgDb::create("backfill_batch")) else {
        return;
    };
    let options = EmitOptions {
        backfill_batch: Some(2),
        ..EmitOptions::default()
    };
    scenario_with(
        &db.url,
        &["LIMIT 2));", "COMMIT;\n  END LOOP;", "VALIDATE CONSTRAINT"],
        &options,
    );
}

/// `backfill_batch` in an environment fills in batches, as
/// `--backfill-batch` does (the PostgreSQL loop), and must be a positive
/// number.
#[test]
fn backfill_batch_comes_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write =
        |name: &str, body: &str| std::fs::write(dir.path().join(name), body).expect("write");
    write("a.strata", "dialect postgres\ntable t {\n  id int pk\n}\n");
    write(
        "b.strata",
        "dialect postgres\ntable t {\n  id int pk\n  n int backfill (id * 2)\n}\n",
    );
    write("strata.toml", "[env.big]\nbackfill_batch = 500\n");
    let diff = |env: &str| {
        crate::cli_errors::strata()
            .current_dir(dir.path())
            .env_remove("STRATA_ENV")
            .args(["diff", "a.strata", "b.strata", "--env", env])
            .output()
            .expect("run strata")
    };
    let out = diff("big");
    let sql = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sql.contains("LIMIT 500"), "{sql}");
    write("strata.toml", "[env.bad]\nbackfill_batch = -3\n");
    let out = diff("bad");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backfill_batch"), "{err}");
}
