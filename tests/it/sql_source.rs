//! SQL as the desired state, through the CLI on real servers: a `.sql`
//! file (or a directory of them) is loaded into a scratch database —
//! in memory for SQLite, on `--dev-url` for PostgreSQL and MySQL — planned,
//! applied, and planned again empty; a refused statement is reported at
//! its file and line; `import` writes schema source that plans empty
//! against the database it describes; the scratch database is gone
//! afterwards, also after SIGINT (judged by the server's catalog).

use std::path::Path;

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, mysql_admin_url, postgres_admin_url, MyDb, PgDb, SqliteDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Two files, read in lexical order: the second references the first.
const TABLES: &str = "-- users; first\nCREATE TABLE users (id integer PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, note varchar(20) DEFAULT 'a;b');\n";
const ORDERS: &str = "CREATE TABLE orders (\n  id integer PRIMARY KEY,\n  user_id integer NOT NULL REFERENCES users (id)\n);\n\nCREATE INDEX orders_user ON orders (user_id);\n";

fn sql_dir(dir: &Path, extra: &str) -> String {
    let schema = dir.join("schema");
    std::fs::create_dir_all(&schema).expect("mkdir");
    std::fs::write(schema.join("01_users.sql"), TABLES).expect("write");
    std::fs::write(schema.join("02_orders.sql"), format!("{ORDERS}{extra}")).expect("write");
    schema.to_str().expect("utf-8 path").to_string()
}

/// apply → plan --exit-code 0 → import → plan of the imported file empty.
fn round_trip(url: &str, dev_url: Option<&str>, extra: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let to = sql_dir(dir.path(), extra);
    let with_dev = |cmd: &mut assert_cmd::Command| {
        if let Some(dev) = dev_url {
            cmd.env("STRATA_DEV_URL", dev);
        }
    };
    let mut apply = strata();
    with_dev(&mut apply);
    apply
        .args(["apply", "--url", url, "--to", &to, "--auto-approve"])
        .assert()
        .success()
        .stderr(predicate::str::contains("create table `orders`"));
    let mut again = strata();
    with_dev(&mut again);
    again
        .args(["plan", "--url", url, "--to", &to, "--exit-code"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("No changes."));
    let out = dir.path().join("schema.strata");
    let mut import = strata();
    with_dev(&mut import);
    let dialect = &url[..url.find(':').expect("scheme")];
    import
        .args(["import", &to, "-o", out.to_str().expect("utf-8")])
        .args(["--dialect", dialect])
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("imported file");
    assert!(text.contains("table orders"), "{text}");
    strata()
        .args(["plan", "--url", url, "--to", out.to_str().expect("utf-8")])
        .arg("--exit-code")
        .assert()
        .code(0);
}

/// The error a refused statement gives: its file, its line, the server's
/// message; exit 1.
fn refused(url: &str, dev_url: Option<&str>, bad: &str, line: usize, message: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.sql");
    std::fs::write(&file, bad).expect("write");
    let mut cmd = strata();
    if let Some(dev) = dev_url {
        cmd.env("STRATA_DEV_URL", dev);
    }
    cmd.args(["plan", "--url", url, "--to", file.to_str().expect("utf-8")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("strata::source::sql"))
        .stderr(predicate::str::contains(format!("bad.sql:{line}: ")))
        .stderr(predicate::str::contains(message));
}

#[test]
fn sqlite_sql_files_load_in_memory_and_plan_empty_after_apply() {
    let db = SqliteDb::create();
    round_trip(&db.url, None, "CREATE TRIGGER t AFTER INSERT ON orders BEGIN UPDATE orders SET user_id = CASE WHEN 1 THEN NEW.user_id END WHERE id = NEW.id; END;\n");
    let bad = "CREATE TABLE a (x int);\n\nCREATE TABLE a (y int);\n";
    refused(&db.url, None, bad, 3, "already exists");
}

#[test]
fn postgres_sql_files_load_on_the_dev_server() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("sqlsrc")) else {
        return;
    };
    let dev = postgres_admin_url();
    round_trip(
        &db.url,
        Some(&dev),
        "CREATE FUNCTION one() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n",
    );
    let bad = "CREATE TABLE a (x int);\n\nCREATE TABLE b (\n  y nosuchtype\n);\n";
    refused(
        &db.url,
        Some(&dev),
        bad,
        4,
        "type \"nosuchtype\" does not exist",
    );
    strata()
        .args(["plan", "--url", &db.url, "--to"])
        .arg(sql_dir(tempfile::tempdir().expect("tmp").path(), ""))
        .env_remove("STRATA_DEV_URL")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("strata::source::dev_url"));
}

#[test]
fn mysql_sql_files_load_on_the_dev_server() {
    let rt = rt();
    let Some(db) = rt.block_on(MyDb::create("sqlsrc")) else {
        return;
    };
    let dev = mysql_admin_url();
    round_trip(
        &db.url,
        Some(&dev),
        "DELIMITER //\nCREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW BEGIN SET NEW.user_id = NEW.user_id; END//\nDELIMITER ;\n",
    );
    let bad = "# c\nCREATE TABLE a (x int);\nCREATE TABLE a (y int);\n";
    refused(&db.url, Some(&dev), bad, 3, "already exists");
}

/// SIGINT while the SQL loads: exit 1, and the scratch database the
/// process made (named after its pid) is gone from the server.
#[cfg(unix)]
#[test]
fn the_scratch_database_is_dropped_on_sigint() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("sqlsrc_int")) else {
        return;
    };
    let admin = postgres_admin_url();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("slow.sql");
    std::fs::write(&file, "CREATE TABLE a (x int);\nSELECT pg_sleep(30);\n").expect("write");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .args(["plan", "--url", &db.url, "--to"])
        .arg(&file)
        .env("STRATA_DEV_URL", &admin)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn strata");
    let scratch = format!(
        "select count(*) from pg_database where datname like 'strata_sql\\_{}\\_%'",
        child.id()
    );
    let mut seen = false;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if rt.block_on(count(&admin, &scratch)).expect("count") == 1 {
            seen = true;
            break;
        }
    }
    assert!(seen, "the scratch database never appeared");
    // Past CREATE TABLE, into the sleep.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("strata::source::interrupted"), "{stderr}");
    assert_eq!(rt.block_on(count(&admin, &scratch)).expect("count"), 0);
}

#[test]
fn a_strata_file_of_sql_points_to_sql_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, "CREATE TABLE t (id int);\n").expect("write");
    strata()
        .args(["check", file.to_str().expect("utf-8")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("E0108"))
        .stderr(predicate::str::contains("--to schema.sql"))
        .stderr(predicate::str::contains("strata import"));
}
