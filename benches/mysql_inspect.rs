//! MySQL/MariaDB introspection speed on a generated N-table database, side
//! by side in one run with the floor: the `mariadb` client running the
//! very catalog queries strata runs on MariaDB (the constants of
//! `src/dialect/mysql/introspect/queries.rs`), one after another on one
//! connection.
//!
//! ```text
//! cargo bench --bench mysql_inspect              # 1,000 tables
//! cargo bench --bench mysql_inspect -- 3000
//! ```
//!
//! The server is `STRATA_TEST_MYSQL_URL` (default
//! mysql://root@127.0.0.1:3306/mysql); each size gets a scratch database
//! `strata_bench_N`, dropped at the end (kept, and reused by the next run,
//! with `STRATA_BENCH_KEEP=1`). Figures and method: docs/performance.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

mod support;

use strata::dialect::mysql::introspect::queries::QUERIES;
use support::Res;

const DEFAULT_URL: &str = "mysql://root@127.0.0.1:3306/mysql";
const ROUNDS: usize = 3;
/// The target the issue sets: `strata inspect` within 1.5× the floor.
const TARGET: f64 = 1.5;

/// The queries strata runs on MySQL 8 only; MariaDB gets their siblings.
const MYSQL8_ONLY: &[&str] = &["INDEXES_MYSQL8", "CHECKS_MYSQL"];

#[tokio::main]
async fn main() -> Res<()> {
    let sizes = support::sizes(&[1000])?;
    let admin = std::env::var("STRATA_TEST_MYSQL_URL").unwrap_or_else(|_| DEFAULT_URL.into());
    let strata_bin = PathBuf::from(env!("CARGO_BIN_EXE_strata"));

    eprintln!("load average at start: {}", support::load_average());
    let mut rows = Vec::new();
    for &n in &sizes {
        rows.push(run_size(&admin, n, &strata_bin).await?);
    }
    println!();
    println!("| N tables | floor (mariadb client) | strata inspect | ratio | introspect in-process | load avg |");
    println!("| ---: | ---: | ---: | ---: | ---: | --- |");
    let mut over = Vec::new();
    for r in &rows {
        let ratio = r.inspect.as_secs_f64() / r.floor.as_secs_f64();
        println!(
            "| {} | {:.2} s | {:.2} s | {ratio:.2} | {:.2} s | {} |",
            r.n,
            r.floor.as_secs_f64(),
            r.inspect.as_secs_f64(),
            r.introspect.as_secs_f64(),
            r.load,
        );
        if ratio > TARGET {
            over.push(format!("N={}: ratio {ratio:.2} > {TARGET}", r.n));
        }
    }
    if !over.is_empty() {
        return Err(format!("over the target: {}", over.join("; ")).into());
    }
    Ok(())
}

struct Figures {
    n: usize,
    floor: Duration,
    inspect: Duration,
    introspect: Duration,
    load: String,
}

async fn run_size(admin: &str, n: usize, strata_bin: &Path) -> Res<Figures> {
    let name = format!("strata_bench_{n}");
    let url = support::with_database(admin, &name);
    let keep = std::env::var_os("STRATA_BENCH_KEEP").is_some();
    let reuse = keep && table_count(&url).await == Some(n);
    if !reuse {
        exec(admin, &format!("DROP DATABASE IF EXISTS `{name}`")).await?;
        exec(admin, &format!("CREATE DATABASE `{name}`")).await?;
        let t = Instant::now();
        exec(&url, &generated_ddl(n)).await?;
        eprintln!(
            "N={n}: generated {n} tables in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("N={n}: reusing the kept database");
    }
    let result = measure(n, &url, &name, strata_bin).await;
    if !keep {
        exec(admin, &format!("DROP DATABASE IF EXISTS `{name}`")).await?;
    }
    result
}

async fn measure(n: usize, url: &str, db: &str, strata_bin: &Path) -> Res<Figures> {
    let queries = floor_queries(db)?;
    // Warm both once: the first read of N tables opens their files.
    floor(db, &queries)?;
    support::introspect_tables(url, n).await?;
    let (mut fl, mut ins, mut intro) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        fl.push(floor(db, &queries)?);
        ins.push(support::timed(
            Command::new(strata_bin)
                .args(["inspect", "--url", url, "-o", "/dev/null"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
            "strata inspect",
        )?);
        intro.push(support::time_introspect(url).await?);
        eprintln!(
            "N={n} round {round}: floor {:.2} s, strata inspect {:.2} s, introspect {:.2} s, load {}",
            fl[round].as_secs_f64(),
            ins[round].as_secs_f64(),
            intro[round].as_secs_f64(),
            support::load_average()
        );
    }
    Ok(Figures {
        n,
        floor: support::median(fl),
        inspect: support::median(ins),
        introspect: support::median(intro),
        load: support::load_average(),
    })
}

/// The catalog queries strata runs on MariaDB, with the database name in
/// place of each `?` as strata binds it.
fn floor_queries(db: &str) -> Res<String> {
    let mut out = String::new();
    for (name, sql) in QUERIES {
        if MYSQL8_ONLY.contains(name) {
            continue;
        }
        out.push_str(&sql.replace('?', &format!("'{db}'")));
        out.push_str(";\n");
    }
    Ok(out)
}

/// The floor: the `mariadb` client running the queries one after another
/// on one connection, rows formatted and thrown away.
fn floor(db: &str, sql: &str) -> Res<Duration> {
    let t = Instant::now();
    let mut child = Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-P", "3306", "-uroot", "--batch", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(sql.as_bytes())?;
    let out = child.wait_with_output()?;
    let d = t.elapsed();
    if !out.status.success() {
        return Err(format!("mariadb failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(d)
}

async fn exec(url: &str, sql: &str) -> Res<()> {
    support::exec::<sqlx::MySqlConnection>(url, sql).await
}

async fn table_count(url: &str) -> Option<usize> {
    let mut c = sqlx::MySqlConnection::connect(url).await.ok()?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
    )
    .fetch_one(&mut c)
    .await
    .ok()?;
    usize::try_from(n).ok()
}

// ---------------------------------------------------------------------------
// The generated schema.

/// `n` tables of 12 columns, 2 secondary indexes, a check, and a foreign
/// key to the previous table; foreign-key checks off while loading.
fn generated_ddl(n: usize) -> String {
    let mut s = String::from("SET foreign_key_checks = 0;\n");
    for i in 0..n {
        s.push_str(&table_ddl(i));
    }
    s
}

fn table_ddl(i: usize) -> String {
    let parent_fk = if i > 0 {
        format!(",\n  FOREIGN KEY (parent_id) REFERENCES t{} (id)", i - 1)
    } else {
        String::new()
    };
    format!(
        "CREATE TABLE t{i} (\n  \
           id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,\n  \
           parent_id bigint unsigned NULL,\n  \
           name varchar(100) NOT NULL DEFAULT '',\n  \
           email varchar(200) NULL,\n  \
           qty int NOT NULL DEFAULT 0,\n  \
           price decimal(10,2) NOT NULL DEFAULT 0,\n  \
           state enum('a','b','c') NOT NULL DEFAULT 'a',\n  \
           body text NULL,\n  \
           created timestamp NOT NULL DEFAULT current_timestamp,\n  \
           updated timestamp NULL ON UPDATE current_timestamp,\n  \
           flag tinyint(1) NOT NULL DEFAULT 0,\n  \
           note varchar(20) NULL COMMENT 'n',\n  \
           KEY ix_name (name), UNIQUE KEY uq_email (email),\n  \
           CHECK (qty >= 0){parent_fk}\n);\n"
    )
}
