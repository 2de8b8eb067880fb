//! A fleet apply at growing sizes: N empty SQLite files and N/4 empty
//! PostgreSQL databases, `strata apply --targets … --parallel 8` run as a
//! child process (the command a team runs): total time, time per target,
//! the child's peak memory (VmHWM, sampled from /proc while it runs), the
//! most PostgreSQL connections it held at once (pg_stat_activity, sampled),
//! then the rerun, which finds every target matching and applies nothing.
//!
//! ```text
//! cargo bench --bench fleet                 # 50, 100 and 200 SQLite files (+ 12, 25, 50 PostgreSQL)
//! cargo bench --bench fleet -- 400
//! ```
//!
//! Server: `STRATA_TEST_POSTGRES_URL` (the test default otherwise);
//! scratch databases `strata_bench_fleet_*`, dropped at the end. Figures
//! and method: docs/performance.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

// Shared with the other benches; this one uses a part of it.
#[allow(dead_code)]
mod support;

use support::Res;

const PARALLEL: &str = "8";

const SCHEMA: &str = "table teams {
  id   integer pk
  name text

  index teams_name (name) unique
}

table users {
  id      integer pk
  email   text
  team_id integer -> teams.id
  name    text?

  index users_email (email) unique
}

table posts {
  id      integer pk
  user_id integer -> users.id on delete cascade
  title   text
  body    text?

  index posts_user (user_id)
}
";

/// One run of the fleet command: its time, the child's peak resident
/// memory in kB, and the most server connections seen at once.
struct Run {
    time: Duration,
    peak_kb: u64,
    connections: i64,
    report: serde_json::Value,
}

#[tokio::main]
async fn main() -> Res<()> {
    let sizes = support::sizes(&[50, 100, 200])?;
    let admin = std::env::var("STRATA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let strata = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    eprintln!("load average at start: {}", support::load_average());
    println!("| targets (SQLite + PostgreSQL) | total | per target | peak memory | PostgreSQL connections | rerun (no-op) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        let pg = n / 4;
        let dir = tempfile::tempdir()?;
        let mut urls = Vec::new();
        for i in 0..n {
            let path = dir.path().join(format!("tenant_{i}.db"));
            std::fs::write(&path, b"")?;
            urls.push(format!("sqlite://{}", path.display()));
        }
        let names: Vec<String> = (0..pg)
            .map(|i| format!("strata_bench_fleet_{}_{i}", std::process::id()))
            .collect();
        for name in &names {
            support::exec::<sqlx::PgConnection>(&admin, &format!("CREATE DATABASE \"{name}\""))
                .await?;
            urls.push(support::with_database(&admin, name));
        }
        let result = measure(&strata, dir.path(), &urls, &admin).await;
        for name in &names {
            let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let _ = support::exec::<sqlx::PgConnection>(&admin, &drop).await;
        }
        let (first, again) = result?;
        let applied = &first.report["totals"]["applied"];
        let unchanged = &again.report["totals"]["unchanged"];
        if applied != n + pg || unchanged != n + pg {
            return Err(format!(
                "expected {} applied then unchanged, got {applied} and {unchanged}",
                n + pg
            )
            .into());
        }
        println!(
            "| {n} + {pg} | {:.1} s | {:.0} ms | {:.1} MB | {} | {:.1} s |",
            first.time.as_secs_f64(),
            first.time.as_secs_f64() * 1000.0 / (n + pg) as f64,
            first.peak_kb as f64 / 1024.0,
            first.connections.max(again.connections),
            again.time.as_secs_f64(),
        );
    }
    eprintln!("load average at end: {}", support::load_average());
    Ok(())
}

/// The apply, then the rerun.
async fn measure(strata: &Path, dir: &Path, urls: &[String], admin: &str) -> Res<(Run, Run)> {
    let list: Vec<String> = urls.iter().map(|u| format!("  {u:?},")).collect();
    let targets = dir.join("targets.toml");
    std::fs::write(&targets, format!("urls = [\n{}\n]\n", list.join("\n")))?;
    let schema = dir.join("schema.strata");
    std::fs::write(&schema, SCHEMA)?;
    let first = run(strata, &targets, &schema, admin).await?;
    let again = run(strata, &targets, &schema, admin).await?;
    Ok((first, again))
}

async fn run(strata: &Path, targets: &Path, schema: &Path, admin: &str) -> Res<Run> {
    let done = AtomicBool::new(false);
    let most = AtomicI64::new(0);
    let watch = async {
        // A connection of its own, not counted: the query excludes it.
        let mut c: sqlx::PgConnection = sqlx::Connection::connect(admin).await?;
        while !done.load(Ordering::SeqCst) {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'strata_bench_fleet_%' AND pid <> pg_backend_pid()",
            )
            .fetch_one(&mut c)
            .await?;
            most.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    };
    let child = async {
        let ran = apply(strata, targets, schema).await;
        done.store(true, Ordering::SeqCst);
        ran
    };
    let (watched, ran) = tokio::join!(watch, child);
    watched?;
    let (time, peak_kb, report) = ran?;
    Ok(Run {
        time,
        peak_kb,
        connections: most.load(Ordering::SeqCst),
        report,
    })
}

/// Runs the fleet apply, sampling the child's peak memory as it runs;
/// its report goes to a file, which a pipe's buffer could not hold.
async fn apply(
    strata: &Path,
    targets: &Path,
    schema: &Path,
) -> Res<(Duration, u64, serde_json::Value)> {
    let report_path = targets.with_extension("json");
    let started = Instant::now();
    let mut child = Command::new(strata)
        .args([
            "apply",
            "--auto-approve",
            "--format",
            "json",
            "--parallel",
            PARALLEL,
        ])
        .arg("--targets")
        .arg(targets)
        .arg("--to")
        .arg(schema)
        .stdout(std::fs::File::create(&report_path)?)
        .stderr(Stdio::null())
        .spawn()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let exit = loop {
        if let Some(kb) = vm_hwm(&status) {
            peak_kb = kb;
        }
        if let Some(exit) = child.try_wait()? {
            break exit;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let time = started.elapsed();
    let text = std::fs::read_to_string(&report_path)?;
    if !exit.success() {
        return Err(format!("the fleet apply failed: {text}").into());
    }
    Ok((time, peak_kb, serde_json::from_str(&text)?))
}

/// The high-water mark of a process's resident memory, in kB.
fn vm_hwm(status: &str) -> Option<u64> {
    let text = std::fs::read_to_string(status).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
