//! The mysql cases of the sqldef corpus (../shared/conformance/sqldef/
//! mysql.jsonl) against the real MariaDB server. For each case: load
//! `current` into one scratch database and `desired` into another,
//! introspect both, then check the convergence triple (the plan applied
//! converges, planning again is empty, the rollback restores `current`).
//!
//! Cases that need another server (MySQL 8 or 5.7, TiDB, Aurora DSQL) are
//! listed as such and not run. The ids of passing cases are kept in
//! tests/conformance/mysql.passing: a listed case that fails is a
//! regression and fails the test. `STRATA_CONFORMANCE_WRITE=1` rewrites
//! that file and target/conformance/mysql.md (pass rate and grouped
//! reasons, pasted into docs/conformance.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use serde::Deserialize;
use sqlx::Connection;
use strata::apply::{apply, ApplyOptions};
use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::plan::migration;

use crate::converge::schema_diff;
use crate::support::MyDb;

#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    current: String,
    desired: String,
    #[serde(default)]
    flags: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Pass,
    /// Not run here: needs another server.
    Skip(String),
    /// Stage and reason (grouped in the report), then the detail.
    Fail(String, String),
}

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
    .map(|d| d.join("mysql.jsonl"))
    .find(|p| p.exists())
}

/// Why a case cannot run on MariaDB 10.11, if it cannot.
fn needs_other_server(case: &Case) -> Option<String> {
    let f = &case.flags;
    if f.get("offline").and_then(|v| v.as_bool()) == Some(true) {
        return Some("needs Aurora DSQL / TiDB (offline case)".into());
    }
    if let Some(flavor) = f.get("flavor").and_then(|v| v.as_str()) {
        match flavor {
            "mysql" | "!mariadb" => return Some("needs MySQL 8".into()),
            "tidb" => return Some("needs TiDB".into()),
            _ => {}
        }
    }
    let mentions_vector = |sql: &str| {
        sql.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|w| w == "vector")
    };
    if mentions_vector(&case.current) || mentions_vector(&case.desired) {
        return Some("needs MariaDB 11.7 (VECTOR)".into());
    }
    let flavor = f.get("flavor").and_then(|v| v.as_str()).unwrap_or("");
    if let Some(v) = f.get("min_version").and_then(|v| v.as_str()) {
        // MariaDB versions (10.x) are met; MySQL 8 ones are not, unless
        // the case is explicitly for MariaDB.
        if v.starts_with('8') && flavor != "mariadb" {
            return Some("needs MySQL 8".into());
        }
    }
    if let Some(v) = f.get("max_version").and_then(|v| v.as_str()) {
        if v.starts_with('5') {
            return Some("needs MySQL 5.7".into());
        }
    }
    None
}

/// The case's SQL for the scratch database `db`: sqldef's test database
/// names (the `db_name_placeholder`, and `test_db` in a `USE`) become
/// `db`, and foreign keys are not checked while loading, as a dump loads
/// (one case creates a child table before its parent).
fn substitute(sql: &str, case: &Case, db: &str) -> String {
    let placeholder = case
        .flags
        .get("db_name_placeholder")
        .and_then(|v| v.as_str());
    let sql = match placeholder {
        Some(p) => sql.replace(p, db),
        None => sql.to_string(),
    };
    let sql = sql.replace("use test_db;", &format!("use `{db}`;"));
    format!("SET foreign_key_checks = 0;\n{sql}")
}

async fn load(url: &str, sql: &str) -> Result<(), String> {
    if sql.trim().is_empty() || sql.trim() == "SET foreign_key_checks = 0;" {
        return Ok(());
    }
    let mut c = sqlx::MySqlConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let r = sqlx::raw_sql(sql).execute(&mut c).await;
    let _ = c.close().await;
    r.map(|_| ()).map_err(|e| match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    })
}

async fn inspect(url: &str) -> Result<Schema, String> {
    inspect_all(url).await.map(|i| i.schema)
}

async fn inspect_all(url: &str) -> Result<strata::dialect::Introspection, String> {
    strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("{e:?}"))
}

fn fail(stage: &str, reason: impl Into<String>, detail: impl Into<String>) -> Outcome {
    Outcome::Fail(format!("{stage}: {}", reason.into()), detail.into())
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

/// The first field a schema difference shows, for grouping.
fn first_difference(diff: &str) -> String {
    diff.lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .map(|l| {
            let body = l[1..].trim().trim_start_matches("- ");
            body.split(':').next().unwrap_or(body).trim().to_string()
        })
        .next()
        .unwrap_or_else(|| "?".into())
}

async fn run_case(case: &Case) -> Outcome {
    if let Some(why) = needs_other_server(case) {
        return Outcome::Skip(why);
    }
    let d = dialect::for_kind(DialectKind::Mysql);
    let (Some(cur_db), Some(want_db)) = (MyDb::create("conf").await, MyDb::create("confd").await)
    else {
        return Outcome::Skip("MariaDB unreachable".into());
    };
    if let Err(e) = load(
        &want_db.url,
        &substitute(&case.desired, case, &want_db.name),
    )
    .await
    {
        return fail("desired DDL", "rejected by MariaDB", e);
    }
    if let Err(e) = load(&cur_db.url, &substitute(&case.current, case, &cur_db.name)).await {
        return fail("current DDL", "rejected by MariaDB", e);
    }
    let (desired, desired_warnings) = match inspect_all(&want_db.url).await {
        Ok(i) => (i.schema, i.warnings),
        Err(e) => return fail("introspect", short(&e), e),
    };
    let (current, current_warnings) = match inspect_all(&cur_db.url).await {
        Ok(i) => (i.schema, i.warnings),
        Err(e) => return fail("introspect", short(&e), e),
    };
    // What strata does not model cannot converge: a case whose two sides
    // differ there fails rather than passing on an empty plan.
    if desired_warnings != current_warnings {
        let first = desired_warnings
            .iter()
            .chain(current_warnings.iter())
            .find(|w| !desired_warnings.contains(w) || !current_warnings.contains(w))
            .cloned()
            .unwrap_or_default();
        let kind = first
            .split(" is ")
            .last()
            .unwrap_or("")
            .split(';')
            .next_back()
            .unwrap_or("")
            .trim()
            .to_string();
        return fail(
            "not modeled",
            kind,
            format!("current: {current_warnings:?}\ndesired: {desired_warnings:?}"),
        );
    }
    let opts = EmitOptions::default();
    let m = match migration(&current, &desired, d, &opts) {
        Ok(m) => m,
        Err(e) => return fail("plan", format!("{e}"), format!("{e:?}")),
    };
    let up_sql = strata::report::sql::render(d, &m.up);
    if let Err(e) = apply(&cur_db.url, &m.up, &ApplyOptions::default()).await {
        let e = format!("{e:?}");
        return fail("apply up", short(&e), format!("{e}\n{up_sql}"));
    }
    let after = match inspect(&cur_db.url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    if let Some(diff) = schema_diff(&d.normalize(&desired), &d.normalize(&after)) {
        return fail(
            "up did not converge",
            first_difference(&diff),
            format!("{diff}\n{up_sql}"),
        );
    }
    match migration(&after, &desired, d, &opts) {
        Ok(again) if again.plan.is_empty() => {}
        Ok(again) => {
            return fail(
                "perpetual diff",
                format!("{} step(s)", again.plan.steps.len()),
                strata::report::sql::render(d, &again.up),
            )
        }
        Err(e) => return fail("plan again", format!("{e}"), String::new()),
    }
    let down_sql = strata::report::sql::render(d, &m.down);
    if let Err(e) = apply(&cur_db.url, &m.down, &ApplyOptions::default()).await {
        let e = format!("{e:?}");
        return fail("apply down", short(&e), format!("{e}\n{down_sql}"));
    }
    let restored = match inspect(&cur_db.url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    if let Some(diff) = schema_diff(&d.normalize(&current), &d.normalize(&restored)) {
        return fail(
            "down did not restore",
            first_difference(&diff),
            format!("{diff}\n{down_sql}"),
        );
    }
    Outcome::Pass
}

fn passing_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/mysql.passing")
}

fn report(results: &BTreeMap<String, Outcome>) -> String {
    let total = results.len();
    let pass = results.values().filter(|o| **o == Outcome::Pass).count();
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
        "MySQL: {pass} of {run} runnable cases pass on MariaDB ({:.1}%); {skip} of {total} need another server.\n\n",
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

#[test]
fn mysql_conformance() {
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
    assert_eq!(cases.len(), 313, "the corpus has 313 mysql cases");
    let only = std::env::var("STRATA_CONFORMANCE_ONLY").ok();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let started = std::time::Instant::now();
    let results: BTreeMap<String, Outcome> = rt.block_on(async {
        let cases: Vec<Arc<Case>> = cases
            .into_iter()
            .filter(|c| only.as_deref().is_none_or(|o| c.id.contains(o)))
            .map(Arc::new)
            .collect();
        futures::stream::iter(cases)
            .map(|c| async move {
                let o = run_case(&c).await;
                (c.id.clone(), o)
            })
            .buffer_unordered(8)
            .collect::<BTreeMap<_, _>>()
            .await
    });
    let elapsed = started.elapsed();
    if results
        .values()
        .any(|o| *o == Outcome::Skip("MariaDB unreachable".into()))
    {
        return;
    }
    let text = report(&results);
    eprintln!(
        "{text}\n({} cases in {:.1}s)",
        results.len(),
        elapsed.as_secs_f64()
    );

    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance");
    let _ = std::fs::create_dir_all(&out_dir);
    let mut details = String::new();
    for (id, o) in &results {
        if let Outcome::Fail(reason, detail) = o {
            details.push_str(&format!("=== {id}\n{reason}\n{detail}\n\n"));
        }
    }
    let _ = std::fs::write(out_dir.join("mysql-failures.txt"), details);
    let _ = std::fs::write(out_dir.join("mysql.md"), &text);

    let passing: BTreeSet<String> = results
        .iter()
        .filter(|(_, o)| **o == Outcome::Pass)
        .map(|(id, _)| id.clone())
        .collect();
    if std::env::var("STRATA_CONFORMANCE_WRITE").is_ok_and(|v| v == "1") && only.is_none() {
        let mut body = passing.iter().cloned().collect::<Vec<_>>().join("\n");
        body.push('\n');
        std::fs::write(passing_file(), body).expect("write the passing list");
        return;
    }
    let expected: BTreeSet<String> = std::fs::read_to_string(passing_file())
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let regressions: Vec<String> = expected
        .iter()
        .filter(|id| results.contains_key(*id) && !passing.contains(*id))
        .map(|id| match &results[id] {
            Outcome::Fail(r, d) => format!(
                "{id}: {r}\n{}",
                d.lines().take(30).collect::<Vec<_>>().join("\n")
            ),
            other => format!("{id}: {other:?}"),
        })
        .collect();
    assert!(
        regressions.is_empty(),
        "{} case(s) that passed before fail now:\n{}",
        regressions.len(),
        regressions.join("\n\n")
    );
}
