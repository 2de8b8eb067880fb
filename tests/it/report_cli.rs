//! The report commands end to end through the binary.

use assert_cmd::Command;

use crate::support::{self, SqliteDb};

fn shop_db() -> SqliteDb {
    let db = SqliteDb::create();
    std::fs::File::create(&db.path).expect("create database file");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sql = [
        "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE)",
        "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id), total numeric NOT NULL)",
    ]
    .map(String::from);
    rt.block_on(support::exec(&db.url, &sql))
        .expect("set-up SQL");
    db
}

#[test]
fn graph_of_a_database_as_mermaid() {
    let db = shop_db();
    let out = Command::cargo_bin("strata")
        .expect("binary")
        .args(["graph", &db.url])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("erDiagram\n"), "{text}");
    assert!(text.contains("    orders {"), "{text}");
    assert!(text.contains("users |o..o{ orders : \"user_id\""), "{text}");
}

#[test]
fn graph_as_dot_to_a_file() {
    let db = shop_db();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.dot");
    Command::cargo_bin("strata")
        .expect("binary")
        .args(["graph", &db.url, "--format", "dot", "-o"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.starts_with("digraph schema {"));
    assert!(
        text.contains("\"orders\":\"user_id\" -> \"users\":\"id\""),
        "{text}"
    );
}

#[test]
fn graph_of_a_missing_source_fails() {
    Command::cargo_bin("strata")
        .expect("binary")
        .args(["graph", "no/such/schema/dir/"])
        .assert()
        .code(1);
}
