//! What the inspect benchmarks share: the figures' helpers (sizes,
//! timing, medians, scratch databases).

use std::error::Error;
use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor};

pub type Res<T> = Result<T, Box<dyn Error>>;

/// The table counts to run: the numbers on the command line (`1,000` and
/// `1_000` read as 1000), or `default`.
pub fn sizes(default: &[usize]) -> Res<Vec<usize>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-')) // cargo bench passes `--bench`
        .map(|a| a.replace([',', '_'], "").parse::<usize>())
        .collect::<Result<_, _>>()?;
    Ok(if sizes.is_empty() {
        default.to_vec()
    } else {
        sizes
    })
}

/// Runs `cmd` to its end and times it; its stderr is the error when it
/// fails (`what` names it there).
pub fn timed(cmd: &mut Command, what: &str) -> Res<Duration> {
    let t = Instant::now();
    let out = cmd.output()?;
    let d = t.elapsed();
    if !out.status.success() {
        return Err(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(d)
}

/// One in-process introspection of `url`, timed.
pub async fn time_introspect(url: &str) -> Res<Duration> {
    let t = Instant::now();
    let got = strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("{e:?}"))?;
    let d = t.elapsed();
    drop(got);
    Ok(d)
}

/// Introspects `url` once (which warms the server's caches) and checks
/// that it found the `n` tables generated there.
pub async fn introspect_tables(url: &str, n: usize) -> Res<()> {
    let got = strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("{e:?}"))?;
    if got.schema.tables.len() != n {
        return Err(format!(
            "introspected {} tables, expected {n}",
            got.schema.tables.len()
        )
        .into());
    }
    Ok(())
}

/// Runs `sql` (any number of statements) on a connection of type `C`.
pub async fn exec<C>(url: &str, sql: &str) -> Res<()>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let mut c = C::connect(url).await?;
    sqlx::raw_sql(sql).execute(&mut c).await?;
    c.close().await?;
    Ok(())
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The server URL with its database replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{root}/{db}{query}")
}
