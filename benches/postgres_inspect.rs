//! PostgreSQL introspection and planning speed on a generated N-table
//! database, side by side with the floor: `psql` running the very catalog
//! queries strata runs (the constants of
//! `src/dialect/postgres/introspect/queries.rs`), alone.
//!
//! ```text
//! cargo bench --bench postgres_inspect -- 500 5000     # default sizes
//! cargo bench --bench postgres_inspect -- 20000
//! ```
//!
//! `strata diff URL URL` is timed too (both sides introspected at once),
//! and, when `STRATA_BENCH_MIGRA` names a `migra` executable, migra on the
//! same pair, side by side in the same rounds.
//!
//! The server is `STRATA_TEST_POSTGRES_URL` (default
//! postgres://postgres@127.0.0.1:5432/postgres); each size gets a scratch
//! database `strata_bench_N`, dropped at the end (kept with
//! `STRATA_BENCH_KEEP=1`). Figures and method:
//! docs/performance.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use strata::dialect::postgres::introspect::queries::QUERIES;
use support::Res;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const ROUNDS: usize = 3;
/// Tables per loading transaction: big enough that round trips do not
/// matter, small enough that one batch is a few MB of SQL.
const BATCH: usize = 250;

#[tokio::main]
async fn main() -> Res<()> {
    let sizes = support::sizes(&[500, 5000])?;
    let admin = std::env::var("STRATA_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.into());
    let floor_sql = floor_queries()?;
    let strata_bin = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    let has_time = Path::new("/usr/bin/time").exists();

    eprintln!("load average at start: {}", support::load_average());
    let mut rows = Vec::new();
    for &n in &sizes {
        rows.push(run_size(&admin, n, &floor_sql, &strata_bin, has_time).await?);
    }
    println!();
    println!(
        "| N tables | introspect | floor (psql) | ratio | plan | plan/floor | peak MB | diff | diff/floor | migra | load avg |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let secs =
        |d: Option<Duration>| d.map_or("n/a".to_string(), |d| format!("{:.2} s", d.as_secs_f64()));
    for r in &rows {
        println!(
            "| {} | {:.2} s | {:.2} s | {:.2} | {:.2} s | {:.2} | {} | {} | {:.2} | {} | {} |",
            r.n,
            r.introspect.as_secs_f64(),
            r.floor.as_secs_f64(),
            r.introspect.as_secs_f64() / r.floor.as_secs_f64(),
            r.plan.map_or(f64::NAN, |p| p.as_secs_f64()),
            r.plan
                .map_or(f64::NAN, |p| p.as_secs_f64() / r.floor.as_secs_f64()),
            r.peak_mb
                .map(|m| format!("{m:.0}"))
                .unwrap_or_else(|| "n/a".into()),
            secs(Some(r.diff)),
            r.diff.as_secs_f64() / r.floor.as_secs_f64(),
            secs(r.migra),
            r.load,
        );
    }
    Ok(())
}

struct Figures {
    n: usize,
    introspect: Duration,
    floor: Duration,
    plan: Option<Duration>,
    peak_mb: Option<f64>,
    diff: Duration,
    migra: Option<Duration>,
    load: String,
}

async fn run_size(
    admin: &str,
    n: usize,
    floor_sql: &str,
    strata_bin: &Path,
    has_time: bool,
) -> Res<Figures> {
    let name = format!("strata_bench_{n}");
    let url = support::with_database(admin, &name);
    let keep = std::env::var_os("STRATA_BENCH_KEEP").is_some();
    // A database kept from an earlier run is reused: loading 5,000 tables
    // takes minutes on a loaded machine.
    let reuse = keep && table_count(&url).await == Some(n);
    if !reuse {
        exec(
            admin,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await?;
        exec(admin, &format!("CREATE DATABASE \"{name}\"")).await?;
    }
    let result = measure(n, &url, floor_sql, strata_bin, has_time, !reuse).await;
    // STRATA_BENCH_KEEP=1 keeps the database, to profile the queries by hand.
    if !keep {
        exec(
            admin,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await?;
    }
    result
}

async fn table_count(url: &str) -> Option<usize> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.ok()?;
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class WHERE relkind = 'r' \
         AND relnamespace = 'public'::regnamespace",
    )
    .fetch_one(&mut c)
    .await
    .ok()?;
    usize::try_from(n).ok()
}

async fn measure(
    n: usize,
    url: &str,
    floor_sql: &str,
    strata_bin: &Path,
    has_time: bool,
    generate: bool,
) -> Res<Figures> {
    if generate {
        let t = Instant::now();
        load(url, n).await?;
        eprintln!(
            "N={n}: generated {n} tables, {} views in {:.1} s",
            n / 20,
            t.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("N={n}: reusing the kept database");
    }
    let dir = tempfile::tempdir()?;
    let sql_file = dir.path().join("floor.sql");
    std::fs::write(&sql_file, floor_sql)?;
    let schema_dir = dir.path().join("schema");
    std::fs::create_dir(&schema_dir)?;
    let schema_file = schema_dir.join("schema.strata");

    // Warm-up, and the schema source that `plan` reads: what inspect prints.
    floor(url, &sql_file)?;
    support::timed(
        Command::new(strata_bin)
            .args(["inspect", "--url", url, "-o"])
            .arg(&schema_file)
            .stderr(Stdio::piped()),
        "strata inspect",
    )?;
    support::introspect_tables(url, n).await?;

    let migra = std::env::var_os("STRATA_BENCH_MIGRA").map(PathBuf::from);
    let (mut fl, mut intro, mut plan) = (Vec::new(), Vec::new(), Vec::new());
    let (mut diff, mut migra_times) = (Vec::new(), Vec::new());
    let mut peak_kb: Option<u64> = None;
    for round in 0..ROUNDS {
        fl.push(floor(url, &sql_file)?);
        intro.push(support::time_introspect(url).await?);
        // A failed plan is reported, not fatal: the other figures stand.
        let changes = match plan_run(strata_bin, url, &schema_dir, has_time) {
            Ok((d, kb, changes)) => {
                plan.push(d);
                peak_kb = match (peak_kb, kb) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                changes
            }
            Err(e) => format!(
                "FAILED: {}",
                e.to_string()
                    .lines()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        };
        diff.push(support::timed(
            Command::new(strata_bin)
                .args(["diff", url, url, "--format", "text", "--exit-code"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
            "strata diff",
        )?);
        if let Some(bin) = &migra {
            migra_times.push(migra_run(bin, url)?);
        }
        eprintln!(
            "N={n} round {round}: floor {:.2} s, introspect {:.2} s, plan {:.2} s ({changes}), diff {:.2} s, migra {:.2} s, load {}",
            fl[round].as_secs_f64(),
            intro[round].as_secs_f64(),
            plan.get(round).map_or(f64::NAN, Duration::as_secs_f64),
            diff[round].as_secs_f64(),
            migra_times.get(round).map_or(f64::NAN, Duration::as_secs_f64),
            support::load_average()
        );
    }
    Ok(Figures {
        n,
        introspect: support::median(intro),
        floor: support::median(fl),
        plan: (!plan.is_empty()).then(|| support::median(plan)),
        peak_mb: peak_kb.map(|kb| kb as f64 / 1024.0),
        diff: support::median(diff),
        migra: (!migra_times.is_empty()).then(|| support::median(migra_times)),
        load: support::load_average(),
    })
}

/// The floor: psql running the catalog queries one after another on one
/// connection, rows formatted and thrown away.
fn floor(url: &str, sql_file: &Path) -> Res<Duration> {
    support::timed(
        Command::new("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-o",
                "/dev/null",
                "-f",
            ])
            .arg(sql_file)
            .arg(url)
            .stderr(Stdio::piped()),
        "psql",
    )
}

/// migra comparing the database with itself: it exits 0 when the two are
/// the same, 2 when it found differences (neither is a failure here).
fn migra_run(bin: &Path, url: &str) -> Res<Duration> {
    // SQLAlchemy, under migra, knows the scheme only by its long name.
    let url = match url.strip_prefix("postgres://") {
        Some(rest) => format!("postgresql://{rest}"),
        None => url.to_string(),
    };
    let url = url.as_str();
    let t = Instant::now();
    let out = Command::new(bin)
        .args(["--unsafe", url, url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()?;
    if !matches!(out.status.code(), Some(0 | 2)) {
        return Err(format!("migra failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(t.elapsed())
}

/// One `strata plan` against the database with its own inspected schema:
/// wall time, max RSS in kB (from `/usr/bin/time -v`), and what the plan
/// said on stderr (it should be that there is nothing to do).
fn plan_run(
    bin: &Path,
    url: &str,
    schema_dir: &Path,
    has_time: bool,
) -> Res<(Duration, Option<u64>, String)> {
    let mut cmd = if has_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(["plan", "--url", url, "--to"])
        .arg(schema_dir)
        .args(["-o", "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let t = Instant::now();
    let out = cmd.output()?;
    let d = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("strata plan failed: {stderr}").into());
    }
    let kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let said: Vec<&str> = stderr
        .lines()
        .take_while(|l| !l.starts_with('\t') && !l.starts_with("\tCommand"))
        .filter(|l| !l.trim().is_empty() && !l.contains("Command being timed"))
        .collect();
    let summary = match said.len() {
        0 => "no output".to_string(),
        1 => said[0].to_string(),
        k => format!("{k} stderr lines, first: {}", said[0]),
    };
    Ok((d, kb, summary))
}

async fn exec(url: &str, sql: &str) -> Res<()> {
    support::exec::<sqlx::PgConnection>(url, sql).await
}

// ---------------------------------------------------------------------------
// The generated schema.

/// Loads `n` tables (15 columns of mixed types with defaults and NOT NULL,
/// a primary key, 2 secondary indexes, 1.5 foreign keys on average) and
/// `n / 20` views, in transactions of `BATCH` tables.
async fn load(url: &str, n: usize) -> Res<()> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    let mut start = 0;
    while start < n {
        let end = (start + BATCH).min(n);
        let mut sql = String::from("BEGIN;\n");
        for i in start..end {
            sql.push_str(&table_ddl(i));
        }
        for i in (start..end).filter(|i| i % 20 == 19) {
            sql.push_str(&view_ddl(i));
        }
        sql.push_str("COMMIT;\n");
        sqlx::raw_sql(&sql).execute(&mut c).await?;
        start = end;
    }
    c.close().await?;
    Ok(())
}

fn table_ddl(i: usize) -> String {
    // Every table but the first references the previous one; every even
    // one also references the table at half its number: 1.5 on average.
    let parent_fk = if i > 0 {
        format!(
            ",\n  CONSTRAINT t{i}_parent_fk FOREIGN KEY (parent_id) REFERENCES t{} (id) ON DELETE CASCADE",
            i - 1
        )
    } else {
        String::new()
    };
    let other_fk = if i > 0 && i.is_multiple_of(2) {
        format!(
            ",\n  CONSTRAINT t{i}_other_fk FOREIGN KEY (other_id) REFERENCES t{} (id) ON DELETE SET NULL",
            i / 2
        )
    } else {
        String::new()
    };
    format!(
        "CREATE TABLE t{i} (\n  \
           id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  \
           parent_id bigint,\n  \
           other_id bigint,\n  \
           name varchar(100) NOT NULL DEFAULT '',\n  \
           email text,\n  \
           qty integer NOT NULL DEFAULT 0,\n  \
           price numeric(10,2) NOT NULL DEFAULT 0,\n  \
           active boolean NOT NULL DEFAULT true,\n  \
           created_at timestamptz NOT NULL DEFAULT now(),\n  \
           updated_at timestamp,\n  \
           birthday date,\n  \
           payload jsonb NOT NULL DEFAULT '{{}}',\n  \
           token uuid,\n  \
           ratio double precision,\n  \
           code smallint NOT NULL DEFAULT 1,\n  \
           CONSTRAINT t{i}_qty_check CHECK (qty >= 0){parent_fk}{other_fk}\n);\n\
         CREATE INDEX t{i}_name_idx ON t{i} (name);\n\
         CREATE UNIQUE INDEX t{i}_email_idx ON t{i} (lower(email)) WHERE email IS NOT NULL;\n"
    )
}

fn view_ddl(i: usize) -> String {
    format!(
        "CREATE VIEW v{i} AS SELECT t.id, t.name, t.qty, p.name AS parent_name \
         FROM t{i} t LEFT JOIN t{p} p ON p.id = t.parent_id WHERE t.active;\n",
        p = i.saturating_sub(1)
    )
}

// ---------------------------------------------------------------------------
// The floor's SQL: the very constants strata's introspection runs, with
// `$1` (the namespace filter) bound to the empty array as strata binds it.

fn floor_queries() -> Res<String> {
    let mut out = String::new();
    for (_, sql) in QUERIES {
        out.push_str(&sql.replace("$1::text[]", "'{}'::text[]"));
        out.push_str(";\n");
    }
    if out.contains('$') {
        return Err("a catalog query takes a parameter the floor does not bind".into());
    }
    eprintln!(
        "floor: the {} catalog queries of strata's introspection",
        QUERIES.len()
    );
    Ok(out)
}
