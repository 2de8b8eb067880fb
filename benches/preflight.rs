//! Pre-flight data checks on a 1,000,000-row table, PostgreSQL and
//! MariaDB: how long `apply` spends counting before it runs anything,
//! with an index on the new unique key's column and without one.
//!
//! ```text
//! cargo bench --bench preflight            # 1,000,000 rows
//! cargo bench --bench preflight -- 200000
//! ```
//!
//! Servers: `STRATA_TEST_POSTGRES_URL`, `STRATA_TEST_MYSQL_URL` (the test
//! defaults otherwise); scratch databases `strata_bench_preflight_*`,
//! dropped at the end. Figures and method: docs/performance.md.

use std::time::{Duration, Instant};

// Shared with the inspect benches; this one uses a part of it.
#[allow(dead_code)]
mod support;

use strata::dialect::EmitOptions;
use support::Res;

const ROUNDS: usize = 3;

struct Server {
    label: &'static str,
    admin: String,
    /// Quoting of a database name in CREATE/DROP DATABASE.
    quote: fn(&str) -> String,
    /// Rows 1..n, from the server's own generator.
    fill: fn(usize) -> String,
}

#[tokio::main]
async fn main() -> Res<()> {
    let n = support::sizes(&[1_000_000])?[0];
    let servers = [
        Server {
            label: "PostgreSQL 15",
            admin: std::env::var("STRATA_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
            quote: |s| format!("\"{s}\""),
            fill: |n| {
                format!("INSERT INTO users SELECT g, 'u' || g || '@x', g % 1000 + 1, 'n' || (g % 97) FROM generate_series(1, {n}) g")
            },
        },
        Server {
            label: "MariaDB 10.11",
            admin: std::env::var("STRATA_TEST_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into()),
            quote: |s| format!("`{s}`"),
            fill: |n| {
                format!("INSERT INTO users SELECT seq, CONCAT('u', seq, '@x'), seq % 1000 + 1, CONCAT('n', seq % 97) FROM seq_1_to_{n}")
            },
        },
    ];
    eprintln!("load average at start: {}", support::load_average());
    println!("| server | rows | email indexed | pre-flight (median of {ROUNDS}) | probes |");
    println!("| --- | ---: | --- | ---: | ---: |");
    for s in &servers {
        for indexed in [true, false] {
            let (t, probes) = run(s, n, indexed).await?;
            println!(
                "| {} | {n} | {} | {:.3} s | {probes} |",
                s.label,
                if indexed { "yes" } else { "no" },
                t.as_secs_f64()
            );
        }
    }
    eprintln!("load average at end: {}", support::load_average());
    Ok(())
}

async fn run(s: &Server, n: usize, indexed: bool) -> Res<(Duration, usize)> {
    let have_db = format!("strata_bench_preflight_have_{}", u8::from(indexed));
    let want_db = format!("strata_bench_preflight_want_{}", u8::from(indexed));
    for db in [&have_db, &want_db] {
        admin(s, &format!("DROP DATABASE IF EXISTS {}", (s.quote)(db))).await?;
        admin(s, &format!("CREATE DATABASE {}", (s.quote)(db))).await?;
    }
    let have = support::with_database(&s.admin, &have_db);
    let want = support::with_database(&s.admin, &want_db);
    let index = if indexed {
        "CREATE INDEX users_email_plain ON users (email);"
    } else {
        ""
    };
    let start = format!(
        "CREATE TABLE teams (id int PRIMARY KEY);
         CREATE TABLE users (id int PRIMARY KEY, email varchar(60), team int, nick varchar(20));
         {};
         {index}",
        (s.fill)(n)
    );
    let teams = if s.label.starts_with("Postgre") {
        "INSERT INTO teams SELECT generate_series(1, 1000)"
    } else {
        "INSERT INTO teams SELECT seq FROM seq_1_to_1000"
    };
    exec(&have, &format!("{start}\n{teams}")).await?;
    let want_ddl = format!(
        "CREATE TABLE teams (id int PRIMARY KEY);
         CREATE TABLE users (id int PRIMARY KEY, email varchar(60) NOT NULL, team int, nick varchar(10),
           CONSTRAINT users_team FOREIGN KEY (team) REFERENCES teams (id));
         {index}
         CREATE UNIQUE INDEX users_email ON users (email);"
    );
    exec(&want, &want_ddl).await?;

    let d = strata::dialect::for_url(&have)?;
    let current = d.introspect(&have, &[]).await?;
    let desired = d.introspect(&want, &[]).await?;
    let m =
        strata::migration::migration(&current.schema, &desired.schema, d, &EmitOptions::default())?;
    let probes = strata::preflight::probes(d, &m.plan);
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let report = strata::preflight::check(d, &have, &probes).await?;
        times.push(t.elapsed());
        if !report.findings.is_empty() || !report.unchecked.is_empty() {
            return Err(format!("unexpected findings: {report:?}").into());
        }
    }
    for db in [&have_db, &want_db] {
        admin(s, &format!("DROP DATABASE IF EXISTS {}", (s.quote)(db))).await?;
    }
    Ok((support::median(times), probes.len()))
}

async fn admin(s: &Server, sql: &str) -> Res<()> {
    exec(&s.admin, sql).await
}

async fn exec(url: &str, sql: &str) -> Res<()> {
    if url.starts_with("postgres") {
        support::exec::<sqlx::PgConnection>(url, sql).await
    } else {
        support::exec::<sqlx::MySqlConnection>(url, sql).await
    }
}
