//! The postgres cases of the sqldef corpus (../shared/conformance/sqldef/
//! postgres.jsonl) against the real PostgreSQL server. For each case:
//! load `current` into one scratch database and `desired` into another,
//! introspect both, then check the convergence triple (the plan applied
//! converges, planning again is empty, the rollback restores `current`).
//!
//! Creating two databases per case is the slow part of such a run, so a
//! few workers each own a pair of databases for the whole run and reset
//! them between cases (every user namespace and extension dropped).
//!
//! Cases that need another server (PostgreSQL 16+, pgvector, Aurora DSQL)
//! or a sqldef-specific setting (login roles, expected refusals) are
//! listed as such and not run. The ids of passing cases are kept in
//! tests/conformance/postgres.passing: a listed case that fails is a
//! regression and fails the test. `STRATA_CONFORMANCE_WRITE=1` rewrites
//! that file and target/conformance/postgres.md (pass rate and grouped
//! reasons, pasted into docs/conformance.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sqlx::Connection;
use strata::dialect;
use strata::ir::DialectKind;

use crate::conformance::{conclude, converge_triple, fail, Case, Outcome, Wording};
use crate::support::PgDb;

/// Errors are grouped by the server's message, which miette's `Debug`
/// rendering puts on a line of its own.
const WORDING: Wording = Wording { short, debug: true };

fn corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var("STRATA_CONFORMANCE_DIR")
            .ok()
            .map(PathBuf::from),
        Some(root.join("../shared/conformance/sqldef")),
        Some(PathBuf::from("/work/shared/conformance/sqldef")),
    ]
    .into_iter()
    .flatten()
    .map(|d| d.join("postgres.jsonl"))
    .find(|p| p.exists())
}

/// The server's major version, e.g. 15.
async fn server_major(url: &str) -> u32 {
    let Ok(mut c) = sqlx::PgConnection::connect(url).await else {
        return 0;
    };
    let v: Result<String, _> = sqlx::query_scalar("SHOW server_version_num")
        .fetch_one(&mut c)
        .await;
    let _ = c.close().await;
    v.ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map(|n| n / 10000)
        .unwrap_or(0)
}

/// Why a case cannot run here, if it cannot.
fn not_runnable(case: &Case, major: u32) -> Option<String> {
    let f = &case.flags;
    if f.get("offline").and_then(|v| v.as_bool()) == Some(true) {
        return Some("needs Aurora DSQL (offline case)".into());
    }
    if f.get("flavor").and_then(|v| v.as_str()) == Some("pgvector") {
        return Some("needs the pgvector extension".into());
    }
    if let Some(v) = f.get("min_version").and_then(|v| v.as_str()) {
        let need: u32 = v
            .split('.')
            .next()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        if need > major {
            return Some(format!("needs PostgreSQL {need}"));
        }
    }
    if f.contains_key("error") {
        return Some("sqldef expects a refusal (error case)".into());
    }
    if f.contains_key("user") {
        return Some("runs as a sqldef login role".into());
    }
    None
}

/// Drops everything a case may have left: every user namespace (then a
/// fresh `public`) and every extension.
const RESET: &str = "DO $$ DECLARE r record; BEGIN \
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP \
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP; \
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
      AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%' LOOP \
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP; \
  END $$; CREATE SCHEMA public;";

async fn load(url: &str, sql: &str) -> Result<(), String> {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let r = sqlx::raw_sql(sql).execute(&mut c).await;
    let _ = c.close().await;
    r.map(|_| ()).map_err(|e| match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    })
}

/// The roles sqldef's cases grant to; they exist on sqldef's test server.
const ROLES: &[&str] = &[
    "readonly_user",
    "app_user",
    "admin_role",
    "user1",
    "user2",
    "user3",
    "user4",
    "user-with-dash",
    "user.with.dot",
    "user@domain.com",
];

async fn create_roles(url: &str) {
    for r in ROLES {
        let sql = format!(
            "DO $$ BEGIN CREATE ROLE \"{r}\"; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        );
        let _ = load(url, &sql).await;
    }
}

/// Every commit of a case waits for no disk flush: the scratch
/// databases are thrown away, and a run is mostly commits.
fn fast(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20synchronous_commit%3Doff")
}

/// The server's message without the names that differ per case.
fn short(e: &str) -> String {
    let line = e
        .lines()
        .find(|l| l.contains("failed:") || l.contains("×"))
        .unwrap_or_else(|| e.lines().next().unwrap_or(""));
    let line = line.trim_start_matches(['×', ' ', '│']);
    let line = match line.find("failed: ") {
        Some(i) => &line[i + 8..],
        None => line,
    };
    // Names in quotes vary per case; the rest groups.
    let mut out = String::new();
    let mut in_quote = false;
    for ch in line.chars() {
        if ch == '\'' || ch == '`' {
            if !in_quote {
                out.push_str("'…'");
            }
            in_quote = !in_quote;
            continue;
        }
        if !in_quote {
            out.push(ch);
        }
    }
    out.chars().take(90).collect()
}

fn report(results: &BTreeMap<String, Outcome>) -> String {
    let total = results.len();
    let pass = results
        .values()
        .filter(|o| matches!(o, Outcome::Pass(_)))
        .count();
    let skipped: BTreeMap<String, Vec<&String>> =
        results.iter().fold(BTreeMap::new(), |mut m, (id, o)| {
            if let Outcome::Skip(why) = o {
                m.entry(why.clone()).or_insert_with(Vec::new).push(id);
            }
            m
        });
    let skip = skipped.values().map(Vec::len).sum::<usize>();
    let run = total - skip;
    let mut out = format!(
        "PostgreSQL: {pass} of {run} runnable cases pass on PostgreSQL 15 ({:.1}%); {skip} of {total} need another server.\n\n",
        if run == 0 { 0.0 } else { 100.0 * pass as f64 / run as f64 }
    );
    out.push_str("| not run | cases |\n| --- | ---: |\n");
    for (why, ids) in &skipped {
        out.push_str(&format!("| {why} | {} |\n", ids.len()));
    }
    let mut groups: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (id, o) in results {
        if let Outcome::Fail(reason, _) = o {
            groups.entry(reason).or_default().push(id);
        }
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    out.push_str("\n| failure reason | cases | e.g. |\n| --- | ---: | --- |\n");
    for (reason, ids) in groups {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            reason.replace('|', "\\|"),
            ids.len(),
            ids.iter()
                .take(2)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

async fn run_case(case: &Case, cur_url: &str, want_url: &str) -> Outcome {
    let d = dialect::for_kind(DialectKind::Postgres);
    for url in [cur_url, want_url] {
        if let Err(e) = load(url, RESET).await {
            return fail("harness", "reset failed", e);
        }
    }
    if !case.desired.trim().is_empty() {
        if let Err(e) = load(want_url, &case.desired).await {
            return fail("desired DDL", "rejected by PostgreSQL", e);
        }
    }
    if !case.current.trim().is_empty() {
        if let Err(e) = load(cur_url, &case.current).await {
            return fail("current DDL", "rejected by PostgreSQL", e);
        }
    }
    let desired = match WORDING.introspect(want_url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    let current = match WORDING.introspect(cur_url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    // A case about something strata does not model (grants, policies,
    // domains…) cannot pass by ignoring it: it fails as unmodeled.
    let (wd, wc): (BTreeSet<&String>, BTreeSet<&String>) = (
        desired.warnings.iter().collect(),
        current.warnings.iter().collect(),
    );
    if let Some(w) = wd.symmetric_difference(&wc).next() {
        let kind = w.split(' ').take(2).collect::<Vec<_>>().join(" ");
        return fail("unmodeled", kind, (*w).clone());
    }
    converge_triple(d, cur_url, &current.schema, &desired.schema, WORDING).await
}

/// Workers, each with its own pair of databases for the whole run.
const WORKERS: usize = 6;
/// A case that takes longer is stuck; it fails rather than hang the run.
const CASE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

#[test]
fn postgres_conformance() {
    let Some(path) = corpus() else {
        eprintln!("SKIPPED: the sqldef corpus is not at ../shared/conformance/sqldef");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read corpus");
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
        .collect();
    assert_eq!(cases.len(), 838, "the corpus has 838 postgres cases");
    let only = std::env::var("STRATA_CONFORMANCE_ONLY").ok();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let started = std::time::Instant::now();
    let results: Option<BTreeMap<String, Outcome>> = rt.block_on(async {
        let mut dbs = Vec::new();
        for _ in 0..WORKERS {
            let (Some(cur), Some(want)) =
                (PgDb::create("confc").await, PgDb::create("confd").await)
            else {
                return None;
            };
            dbs.push((cur, want));
        }
        let major = server_major(&dbs[0].0.url).await;
        create_roles(&dbs[0].0.url).await;
        let queue: Arc<Mutex<Vec<Case>>> = Arc::new(Mutex::new(
            cases
                .into_iter()
                .filter(|c| only.as_deref().is_none_or(|o| c.id.contains(o)))
                .rev()
                .collect(),
        ));
        let workers = dbs.iter().map(|(cur, want)| {
            let queue = queue.clone();
            let (cur, want) = (fast(&cur.url), fast(&want.url));
            async move {
                let mut out = Vec::new();
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(case) = next else { break };
                    let outcome = match not_runnable(&case, major) {
                        Some(why) => Outcome::Skip(why),
                        None => tokio::time::timeout(CASE_TIMEOUT, run_case(&case, &cur, &want))
                            .await
                            .unwrap_or_else(|_| fail("harness", "timed out", "")),
                    };
                    out.push((case.id.clone(), outcome));
                }
                out
            }
        });
        let all = futures::future::join_all(workers).await;
        drop(dbs);
        Some(all.into_iter().flatten().collect())
    });
    let Some(results) = results else {
        return;
    };
    let text = report(&results);
    conclude(
        "postgres",
        &results,
        &text,
        only.is_some(),
        started.elapsed(),
    );
}
