//! `inspect` on a large database, piped: plain progress lines on stderr
//! (what was read, then what was printed), no terminal control
//! characters, and the schema on stdout untouched; a small database gets
//! none of these lines.

use std::process::Command;

use sqlx::{Connection, Executor};

use crate::support::{rt, SqliteDb};

fn database_of(tables: usize) -> SqliteDb {
    let db = SqliteDb::create_file();
    let sql: String = (0..tables)
        .map(|i| format!("CREATE TABLE t{i} (id integer PRIMARY KEY, name text);\n"))
        .collect();
    rt().block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&db.url)
            .await
            .expect("open");
        c.execute(sqlx::raw_sql(&sql)).await.expect("create tables");
    });
    db
}

fn inspect(db: &SqliteDb) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["inspect", "--url", &db.url])
        .env("NO_COLOR", "1")
        .output()
        .expect("run strata");
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_large_database_piped_gets_plain_progress_lines() {
    let db = database_of(1000);
    let (stdout, stderr) = inspect(&db);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("read 1000 tables from {} in ", db.url)),
        "{stderr}"
    );
    assert!(lines[1].starts_with("printed 1000 tables in "), "{stderr}");
    assert!(
        !stderr.contains(['\u{1b}', '\r']),
        "control characters on a pipe: {stderr:?}"
    );
    assert_eq!(
        stdout.matches("\ntable ").count() + usize::from(stdout.starts_with("table ")),
        1000
    );
}

#[test]
fn a_small_database_piped_prints_the_schema_only() {
    let db = database_of(3);
    let (stdout, stderr) = inspect(&db);
    assert_eq!(stderr, "", "no progress lines for 3 tables");
    assert!(stdout.contains("table t2 {"), "{stdout}");
}
