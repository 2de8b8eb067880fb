//! `strata rehearse` on PostgreSQL: a live database with rows, a plan that
//! rewrites a table and builds an index, rehearsed on fewer rows than the
//! live table holds: each statement's locks and rewrite are reported and
//! its estimate is scaled by live rows / rehearsed rows.

use crate::cli_errors::strata;
use crate::support::{ddl, exec, postgres_admin_url, rt, PgDb};

const LIVE: &[&str] = &[
    "CREATE TYPE mood AS ENUM ('calm', 'cross')",
    // Another tool's history table: excluded by default, so not dropped.
    "CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY)",
    "CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE NOT NULL, m mood)",
    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
     user_id bigint NOT NULL REFERENCES users (id), total integer CHECK (total >= 0))",
    "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g",
    "INSERT INTO orders (user_id, total) SELECT 1 + g % 500, g % 100 FROM generate_series(1, 8000) g",
    "ANALYZE",
];

const DESIRED: &str = "CREATE TYPE mood AS ENUM ('calm', 'cross');\n\
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE NOT NULL, m mood);\n\
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
user_id bigint NOT NULL REFERENCES users (id), total bigint CHECK (total >= 0));\n\
CREATE INDEX orders_user ON orders (user_id);\n";

#[test]
fn rehearsal_reports_locks_rewrites_and_a_scaled_estimate() {
    let rt = rt();
    let Some(live) = rt.block_on(PgDb::create("rehearse")) else {
        return;
    };
    rt.block_on(exec(&live.url, &ddl(LIVE)))
        .expect("live set-up");
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("desired.sql"), DESIRED).expect("write desired.sql");
    let dev = postgres_admin_url();
    let out = strata()
        .current_dir(dir.path())
        .args([
            "rehearse",
            "--url",
            &live.url,
            "--to",
            "desired.sql",
            "--dev-url",
            &dev,
        ])
        .args(["--rows", "orders=2000", "--format", "json"])
        .output()
        .expect("strata runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let orders = report["tables"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["table"] == "public.orders"))
        .expect("orders in the report");
    assert_eq!(orders["rehearsed"], 2000);
    assert_eq!(orders["live"], 8000);
    let users = report["tables"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["table"] == "public.users"))
        .expect("users in the report");
    assert_eq!(users["rehearsed"], 500, "users takes its live count");
    let steps = report["steps"].as_array().expect("steps");
    assert!(
        steps
            .iter()
            .all(|s| !s["sql"].as_str().unwrap_or("").contains("DROP TABLE")),
        "{steps:?}"
    );
    let rewrite = steps
        .iter()
        .find(|s| s["sql"].as_str().is_some_and(|q| q.contains("TYPE bigint")))
        .expect("the type change");
    assert_eq!(rewrite["rewrote"][0], "public.orders", "{rewrite}");
    assert!(
        rewrite["locks"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["mode"] == "AccessExclusiveLock")),
        "{rewrite}"
    );
    assert_eq!(rewrite["scale"], 4.0);
    let (t, e) = (
        rewrite["seconds"].as_f64(),
        rewrite["estimate_seconds"].as_f64(),
    );
    assert!(
        t.zip(e).is_some_and(|(t, e)| (e - 4.0 * t).abs() < 1e-9),
        "{rewrite}"
    );
    let index = steps
        .iter()
        .find(|s| {
            s["sql"]
                .as_str()
                .is_some_and(|q| q.starts_with("CREATE INDEX"))
        })
        .expect("the index");
    assert!(
        index["rewrote"].as_array().is_some_and(|r| r.is_empty()),
        "{index}"
    );
    assert!(
        index["locks"].as_array().is_some_and(|l| l
            .iter()
            .any(|l| l["mode"] == "ShareLock" && l["table"] == "public.orders")),
        "{index}"
    );
}

#[test]
fn rehearse_refuses_other_dialects_and_bad_rows() {
    strata()
        .args(["rehearse", "--url", "sqlite::memory:", "--to", "x.strata"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("PostgreSQL only"));
    strata()
        .args([
            "rehearse",
            "--url",
            "postgres://u@127.0.0.1:1/x",
            "--to",
            "x.strata",
            "--rows",
            "orders",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("bad --rows"));
}
