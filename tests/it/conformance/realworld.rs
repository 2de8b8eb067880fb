//! Real published schemas — Chinook on every dialect, Pagila on
//! PostgreSQL, Sakila on MySQL/MariaDB and SQLite (`tests/conformance/
//! realworld/`, with their licenses) — taken two ways:
//!
//! - their convergence cases (`corpus.<dialect>.jsonl`: create the schema,
//!   drop it, and the edits a team makes in a pull request), judged as
//!   every conformance case is ([`super::judge`]);
//! - the user's adoption path (`adopt/<schema>`): the schema is loaded
//!   into a database, `strata inspect` writes it as a file, `strata check`
//!   accepts the file (`check`), planning the file against the database it
//!   came from is empty (`original`), applying it to an empty database
//!   gives a catalog equal to the original's (`up`), and planning again
//!   there is empty (`replan`).
//!
//! Both go to `tests/conformance/realworld-<dialect>.passing`; the cases
//! that fail today are listed with the properties they have, so that the
//! fidelity work shows up as lines gaining properties.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{cases, pipeline, report, run_cases, Case, Workspace};
use crate::client::run_sql;
use crate::oracle::{compare, difference_kind, fingerprint};

const ADOPTION: &[&str] = &["check", "original", "up", "replan"];

/// What the adoption path of one schema reached, and its first failure.
struct Adoption {
    marks: Vec<&'static str>,
    failure: Option<String>,
}

impl Adoption {
    /// Records a failure; the first one is the one reported.
    fn fail(&mut self, what: String) {
        if self.failure.is_none() {
            self.failure = Some(what);
        }
    }
}

/// The adoption path of `schema` (its DDL) on a fresh workspace: D holds
/// the original, A starts empty.
async fn adopt<W: Workspace>(w: &mut W, schema: &str) -> Adoption {
    let mut out = Adoption {
        marks: Vec::new(),
        failure: None,
    };
    if let Err(e) = w.fresh().await {
        out.fail(format!("harness: {e}"));
        return out;
    }
    let (a, d) = w.urls();
    let deadline = Duration::from_secs(120);
    let case = Case {
        id: String::new(),
        current: None,
        desired: None,
        flags: Default::default(),
    };
    if let Err(e) = run_sql(d, &w.prepare(schema, d, &case), deadline).await {
        out.fail(format!("the schema does not load: {e}"));
        return out;
    }
    let Ok(dir) = tempfile::tempdir() else {
        out.fail("harness: tempdir".into());
        return out;
    };
    let file = match pipeline::inspect_to_file(d, dir.path()).await {
        Ok(f) => f,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    match pipeline::check(&file) {
        Ok(()) => out.marks.push("check"),
        Err(e) => out.fail(format!("strata check rejects the inspected file: {e}")),
    }
    match pipeline::plan(d, &file).await {
        Ok(p) if pipeline::statements(&p.up).is_empty() => out.marks.push("original"),
        Ok(p) => out.fail(format!("planning the file against its own database is not empty:\n{}", p.up),
        ),
        Err(e) => out.fail(e),
    }
    let planned = match pipeline::plan(a, &file).await {
        Ok(p) => p,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    if let Err(e) = run_sql(a, &planned.up, deadline).await {
        out.fail(format!("up SQL rejected: {e}\n{}", planned.up));
        return out;
    }
    match (fingerprint(a).await, fingerprint(d).await) {
        (Ok(got), Ok(want)) => {
            let c = compare(&got, &want);
            if c.equal {
                out.marks.push("up");
            } else {
                out.fail(format!(
                        "applied to an empty database: {}\n{}",
                        difference_kind(&c.diff),
                        c.diff.join("\n")
                    ),
                );
            }
        }
        (Err(e), _) | (_, Err(e)) => out.fail(format!("harness: {e}")),
    }
    match pipeline::plan(a, &file).await {
        Ok(p) if pipeline::statements(&p.up).is_empty() => out.marks.push("replan"),
        Ok(p) => out.fail(format!("re-plan not empty:\n{}", p.up)),
        Err(e) => out.fail(e),
    }
    out
}

/// Runs one dialect's real-world corpus and adoption paths on `w` (and
/// the rest of `workers` for the corpus), then concludes against
/// `tests/conformance/realworld-<dialect>.passing`.
pub async fn run<W: Workspace>(
    dialect: &str,
    schemas: &[&str],
    mut first: W,
    others: Vec<W>,
    skip: impl Fn(&Case) -> Option<String>,
) {
    let started = std::time::Instant::now();
    let mut adoption = BTreeMap::new();
    for name in schemas {
        let path = super::corpus_dir().join(format!("realworld/{name}.{dialect}.sql"));
        let ddl = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        adoption.insert(format!("adopt/{name}"), adopt(&mut first, &ddl).await);
    }
    let mut workers = others;
    workers.push(first);
    let results = run_cases(workers, cases(&format!("realworld/corpus.{dialect}.jsonl")), skip).await;

    let mut text = report::figures(&format!("{dialect}, real-world schemas"), &results);
    text.push_str("\n| adoption | check | original | up | replan | first failure |\n| --- | --- | --- | --- | --- | --- |\n");
    let mut marks: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut details = BTreeMap::new();
    for (id, a) in &adoption {
        let cell = |m: &str| if a.marks.contains(&m) { "yes" } else { "**no**" };
        let first_line = a
            .failure
            .as_deref()
            .map(|f| f.lines().next().unwrap_or("").chars().take(100).collect::<String>())
            .unwrap_or_default();
        text.push_str(&format!(
            "| {id} | {} | {} | {} | {} | {} |\n",
            cell("check"),
            cell("original"),
            cell("up"),
            cell("replan"),
            first_line.replace('|', "\\|")
        ));
        marks.insert(id.clone(), a.marks.clone());
        if let Some(f) = &a.failure {
            details.insert(id.clone(), f.clone());
        }
    }
    for (id, v) in &results {
        marks.insert(id.clone(), v.marks());
        if let Some(r) = &v.reason {
            details.insert(id.clone(), format!("{r}\n{}", v.detail));
        }
    }
    report::conclude_with(
        &format!("realworld-{dialect}"),
        &text,
        &marks,
        |id| if id.starts_with("adopt/") { ADOPTION } else { report::PROPERTIES },
        &details,
        started.elapsed(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_postgres() {
    use super::postgres::{ensure_roles, server_version, workers};
    let Some(mut ws) = workers(2).await else {
        return;
    };
    let version = server_version(&ws[0].a).await;
    ensure_roles(&[]).await;
    let first = ws.remove(0);
    run("postgres", &["chinook", "pagila"], first, ws, |c| {
        super::skip_reason(c, &version, "")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_mysql() {
    use super::mysql::{flavor, server_version, workers};
    let Some(mut ws) = workers(2).await else {
        return;
    };
    let version = server_version(&ws[0].a).await;
    let first = ws.remove(0);
    run("mysql", &["chinook", "sakila"], first, ws, |c| {
        super::skip_reason(c, &version, flavor(&version))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_sqlite() {
    use super::sqlite::Pair;
    run(
        "sqlite",
        &["chinook", "sakila"],
        Pair::create(),
        vec![Pair::create()],
        |_| None,
    )
    .await;
}
