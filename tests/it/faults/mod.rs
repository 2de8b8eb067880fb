//! Fault injection: the strata binary is stopped, signalled or cut off
//! from its server in the middle of a slow statement, or several applies
//! race; each test then asserts the database (through the oracle, against
//! a second database built with plain DDL as the desired state), the
//! history and what strata said. The slow statements are real work —
//! a table copy, a `pg_sleep` default, a big rebuild — never mocks.

mod concurrent;
mod kill9;
mod online_index;
mod server_kill;
mod sigint;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::oracle;
use crate::support::{exec, MyDb, PgDb, SqliteDb};

/// How long a test waits for the slow statement to show up on the server.
const SHOW_UP: Duration = Duration::from_secs(30);

pub use crate::support::{ddl, rt};

/// Two scratch MySQL databases, `<prefix>_have` and `<prefix>_want`, set
/// up by `have` and `want`; `None` when the server is not reachable.
pub fn mysql_pair(
    rt: &tokio::runtime::Runtime,
    prefix: &str,
    have: &[&str],
    want: &[&str],
) -> Option<(MyDb, MyDb)> {
    let h = rt.block_on(MyDb::create(&format!("{prefix}_have")))?;
    let w = rt.block_on(MyDb::create(&format!("{prefix}_want")))?;
    set_up(rt, &h.url, have, &w.url, want);
    Some((h, w))
}

/// [`mysql_pair`] on PostgreSQL.
pub fn pg_pair(
    rt: &tokio::runtime::Runtime,
    prefix: &str,
    have: &[&str],
    want: &[&str],
) -> Option<(PgDb, PgDb)> {
    let h = rt.block_on(PgDb::create(&format!("{prefix}_have")))?;
    let w = rt.block_on(PgDb::create(&format!("{prefix}_want")))?;
    set_up(rt, &h.url, have, &w.url, want);
    Some((h, w))
}

/// [`mysql_pair`] on SQLite, always there.
pub fn sqlite_pair(
    rt: &tokio::runtime::Runtime,
    have: &[&str],
    want: &[&str],
) -> (SqliteDb, SqliteDb) {
    let (h, w) = (SqliteDb::create_file(), SqliteDb::create_file());
    set_up(rt, &h.url, have, &w.url, want);
    (h, w)
}

fn set_up(
    rt: &tokio::runtime::Runtime,
    have_url: &str,
    have: &[&str],
    want_url: &str,
    want: &[&str],
) {
    rt.block_on(exec(have_url, &ddl(have))).expect("set up");
    rt.block_on(exec(want_url, &ddl(want))).expect("set up");
}

/// `strata apply` from `have` to `want` started, once its `ALTER TABLE` is
/// running on MySQL: the process and the connection id running it.
pub fn mysql_apply_in_flight(rt: &tokio::runtime::Runtime, have: &str, want: &str) -> (Child, u64) {
    let child = spawn_apply(have, want, &[]);
    let id = rt.block_on(mysql_running(have, "ALTER TABLE"));
    (child, id)
}

/// [`mysql_apply_in_flight`] on PostgreSQL: the backend pid.
pub fn pg_apply_in_flight(rt: &tokio::runtime::Runtime, have: &str, want: &str) -> (Child, i32) {
    let child = spawn_apply(have, want, &[]);
    let pid = rt.block_on(pg_running(have, "ALTER TABLE"));
    (child, pid)
}

/// Applies `want` to `have` with the CLI, which must succeed and leave
/// `have`'s catalog equal to `want`'s.
pub fn apply_again(rt: &tokio::runtime::Runtime, have: &str, want: &str) {
    crate::cli_errors::strata()
        .args(["apply", "--url", have, "--to", want, "--auto-approve"])
        .assert()
        .success();
    rt.block_on(assert_same(have, want, "applied again"));
}

/// `strata apply --url have --to want --auto-approve`, stderr captured.
pub fn spawn_apply(have: &str, want: &str, extra: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .args(["apply", "--url", have, "--to", want, "--auto-approve"])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn strata")
}

/// `strata` with `args`: its exit code and its stderr with miette's
/// wrapping undone (one line, single spaces), for phrase checks.
pub fn run_strata(args: &[&str]) -> (Option<i32>, String) {
    let out = crate::cli_errors::strata()
        .args(args)
        .output()
        .expect("run strata");
    (
        out.status.code(),
        flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

/// Text without miette's frame characters and line breaks.
pub fn flat(text: &str) -> String {
    text.replace(['│', '×', '╰', '─', '▶'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to the process.
pub fn signal(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("run kill")
        .success();
    assert!(ok, "kill -{signal} failed");
}

/// Waits for the process; its exit code (`None` when a signal ended it)
/// and its stderr, flattened.
pub fn finish(child: Child) -> (Option<i32>, String) {
    let out = child.wait_with_output().expect("wait for strata");
    (
        out.status.code(),
        flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

/// The id of the MySQL connection running a statement that starts with
/// `prefix` on the database at `url`, once it runs.
pub async fn mysql_running(url: &str, prefix: &str) -> u64 {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connect");
    let start = Instant::now();
    loop {
        let found: Option<u64> = sqlx::query_scalar(
            "SELECT CAST(ID AS UNSIGNED) FROM information_schema.PROCESSLIST \
             WHERE DB = DATABASE() AND INFO LIKE CONCAT(?, '%') AND ID <> CONNECTION_ID()",
        )
        .bind(prefix)
        .fetch_optional(&mut c)
        .await
        .expect("processlist");
        if let Some(id) = found {
            let _ = c.close().await;
            return id;
        }
        assert!(start.elapsed() < SHOW_UP, "`{prefix}…` never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until MySQL connection `id` is gone (the server finished or
/// undid what it was doing).
pub async fn mysql_gone(url: &str, id: u64) {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connect");
    let start = Instant::now();
    loop {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?")
                .bind(id)
                .fetch_one(&mut c)
                .await
                .expect("processlist");
        if n == 0 {
            let _ = c.close().await;
            return;
        }
        assert!(start.elapsed() < SHOW_UP, "connection {id} never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The backend pid of the PostgreSQL session running a statement that
/// starts with `prefix` on the database at `url`, once it runs.
pub async fn pg_running(url: &str, prefix: &str) -> i32 {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let start = Instant::now();
    loop {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND state = 'active' AND query LIKE $1 || '%' AND pid <> pg_backend_pid()",
        )
        .bind(prefix)
        .fetch_optional(&mut c)
        .await
        .expect("pg_stat_activity");
        if let Some(pid) = found {
            let _ = c.close().await;
            return pid;
        }
        assert!(start.elapsed() < SHOW_UP, "`{prefix}…` never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until no session but ours is connected to the database at `url`
/// (the server noticed the dead client and ended its session).
pub async fn pg_idle(url: &str) {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let start = Instant::now();
    loop {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut c)
        .await
        .expect("pg_stat_activity");
        if n == 0 {
            let _ = c.close().await;
            return;
        }
        assert!(start.elapsed() < SHOW_UP, "sessions never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asserts that the server's catalogs of `actual` and `expected` agree.
pub async fn assert_same(actual: &str, expected: &str, what: &str) {
    let e = catalog(expected).await;
    assert_catalog(actual, &e, what).await;
}

/// Asserts that the server's catalog of `actual` is `expected`.
pub async fn assert_catalog(actual: &str, expected: &oracle::Fingerprint, what: &str) {
    let a = catalog(actual).await;
    let c = oracle::compare(&a, expected);
    assert!(c.equal, "{what}:\n{}", c.diff.join("\n"));
}

/// The oracle's fingerprint without strata's own history table (MySQL),
/// which the desired database never has.
pub async fn catalog(url: &str) -> oracle::Fingerprint {
    let mut f = oracle::fingerprint(url).await.expect("oracle");
    f.lines.retain(|l| !l.contains("strata_history"));
    f.column_order.retain(|k, _| !k.contains("strata_history"));
    f
}

/// Asserts that `url` plans nothing against `want`.
pub fn assert_converged(have: &str, want: &str) {
    crate::cli_errors::strata()
        .args(["plan", "--url", have, "--to", want, "--exit-code"])
        .assert()
        .code(0);
}
