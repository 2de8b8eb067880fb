//! `apply` reports each statement as it completes: piped, a `ran:` line
//! is on stderr while the next statement is still running.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use sqlx::{Connection, Executor};

use crate::support::{ddl, exec, rt, PgDb};

const SCHEMA: &str = "dialect postgres

table a {
  id  bigint  pk
  x   text?
}

table b {
  id  bigint  pk
  y   text?
}
";

#[test]
fn each_ran_line_is_written_before_the_next_statement_ends() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("progress")) else {
        return;
    };
    rt.block_on(exec(
        &db.url,
        &ddl(&[
            "CREATE TABLE a (id bigint PRIMARY KEY)",
            "CREATE TABLE b (id bigint PRIMARY KEY)",
        ]),
    ))
    .expect("set up");
    // Another session reads b in an open transaction: the ALTER of b
    // waits for it, after the ALTER of a has completed.
    let mut holder = rt
        .block_on(sqlx::PgConnection::connect(&db.url))
        .expect("connect");
    rt.block_on(holder.execute("BEGIN; SELECT * FROM b"))
        .expect("hold b");

    let dir = tempfile::tempdir().expect("tempdir");
    let schema = dir.path().join("s.strata");
    std::fs::write(&schema, SCHEMA).expect("write schema");
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args([
            "apply",
            "--auto-approve",
            // Each step commits on its own: a's line is due before b's
            // statement runs.
            "--tx-mode",
            "per-step",
            "--lock-timeout",
            "0",
            "--url",
            &db.url,
            "--to",
        ])
        .arg(&schema)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run strata");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(120))
            .expect("a `ran:` line while the ALTER of b waits");
        // Session settings (`SET lock_timeout`) come first.
        if line.starts_with("ran: ALTER") {
            break line;
        }
    };
    assert!(
        first.contains("ALTER TABLE") && first.contains('a'),
        "{first}"
    );
    assert!(
        child.try_wait().expect("poll").is_none(),
        "strata ended before b was released: the line was not written early"
    );
    rt.block_on(holder.execute("COMMIT")).expect("release b");
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let rest: Vec<String> = lines.try_iter().collect();
    assert!(status.success(), "apply failed: {rest:?}");
    let second: Vec<&String> = rest
        .iter()
        .filter(|l| l.starts_with("ran: ALTER"))
        .collect();
    assert_eq!(second.len(), 1, "{rest:?}");
    assert!(
        second[0].contains("\"b\"") || second[0].contains(" b "),
        "{rest:?}"
    );
}
