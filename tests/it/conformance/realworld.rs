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
use crate::oracle::{compare, difference_kind};

pub(super) const ADOPTION: &[&str] = &["check", "original", "up", "replan"];

/// What the adoption path of one schema reached, and its first failure
/// (a one-line summary, then the detail).
pub(super) struct Adoption {
    pub(super) marks: Vec<&'static str>,
    pub(super) failure: Option<(String, String)>,
}

impl Adoption {
    /// Records a failure at `step`; the first one is the one reported.
    fn fail(&mut self, step: &str, detail: String) {
        if self.failure.is_none() {
            let summary = format!("{step}: {}", super::message_line(&detail));
            self.failure = Some((summary, detail));
        }
    }
}

/// The adoption path of `schema` (its DDL) on a fresh workspace: D holds
/// the original, A starts empty.
pub(super) async fn adopt<W: Workspace>(w: &mut W, schema: &str) -> Adoption {
    let mut out = Adoption {
        marks: Vec::new(),
        failure: None,
    };
    if let Err(e) = w.fresh().await {
        out.fail("harness", e);
        return out;
    }
    let (a, d) = w.urls();
    let (a, d) = (&a.to_string(), &d.to_string());
    let deadline = Duration::from_secs(120);
    let case = Case {
        id: String::new(),
        current: None,
        desired: None,
        flags: Default::default(),
    };
    if let Err(e) = run_sql(d, &w.prepare(schema, d, &case), deadline).await {
        out.fail("the schema does not load", e);
        return out;
    }
    let Ok(dir) = tempfile::tempdir() else {
        out.fail("harness", "no temporary directory".into());
        return out;
    };
    let file = match pipeline::inspect_to_file(d, dir.path()).await {
        Ok(f) => f,
        Err(e) => {
            out.fail("inspect", e);
            return out;
        }
    };
    match pipeline::check(&file) {
        Ok(()) => out.marks.push("check"),
        Err(e) => out.fail("strata check rejects the inspected file", e),
    }
    match pipeline::plan(d, &file).await {
        Ok(p) if pipeline::statements(&p.up).is_empty() => out.marks.push("original"),
        Ok(p) => out.fail(
            "planning the file against its own database is not empty",
            p.up,
        ),
        Err(e) => out.fail("plan against the original", e),
    }
    let planned = match pipeline::plan(a, &file).await {
        Ok(p) => p,
        Err(e) => {
            out.fail("plan from an empty database", e);
            return out;
        }
    };
    if let Err(e) = run_sql(a, &planned.up, deadline).await {
        out.fail("up SQL rejected", format!("{e}\n{}", planned.up));
        return out;
    }
    match (w.fingerprint(a).await, w.fingerprint(d).await) {
        (Ok(got), Ok(want)) => {
            let c = compare(&got, &want);
            if c.equal {
                out.marks.push("up");
            } else {
                out.fail(
                    "applied to an empty database",
                    format!("{}\n{}", difference_kind(&c.diff), c.diff.join("\n")),
                );
            }
        }
        (Err(e), _) | (_, Err(e)) => out.fail("harness", e),
    }
    match pipeline::plan(a, &file).await {
        Ok(p) if pipeline::statements(&p.up).is_empty() => out.marks.push("replan"),
        Ok(p) => out.fail("re-plan not empty", p.up),
        Err(e) => out.fail("re-plan", e),
    }
    out
}

/// Runs one dialect's adoption paths (on the first worker) and its
/// real-world corpus (on all), then concludes against
/// `tests/conformance/realworld-<dialect>.passing`.
pub async fn run<W: Workspace>(
    dialect: &str,
    schemas: &[&str],
    workers: &mut [W],
    skip: impl Fn(&Case) -> Option<String>,
) {
    let started = std::time::Instant::now();
    let mut adoption = BTreeMap::new();
    for name in schemas {
        let path = super::corpus_dir().join(format!("realworld/{name}.{dialect}.sql"));
        let ddl =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        adoption.insert(format!("adopt/{name}"), adopt(&mut workers[0], &ddl).await);
    }
    let results = run_cases(
        workers,
        cases(&format!("realworld/corpus.{dialect}.jsonl")),
        skip,
    )
    .await;

    let mut text = report::figures(&format!("{dialect}, real-world schemas"), &results);
    text.push_str("\n| adoption | check | original | up | replan | first failure |\n| --- | --- | --- | --- | --- | --- |\n");
    let mut marks: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut details = BTreeMap::new();
    for (id, a) in &adoption {
        let cell = |m: &str| {
            if a.marks.contains(&m) {
                "yes"
            } else {
                "**no**"
            }
        };
        let first_line: String = a
            .failure
            .as_ref()
            .map(|(summary, _)| summary.chars().take(110).collect())
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
        if let Some((summary, detail)) = &a.failure {
            details.insert(id.clone(), format!("{summary}\n{detail}"));
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
        |id| {
            if id.starts_with("adopt/") {
                ADOPTION
            } else {
                report::PROPERTIES
            }
        },
        &details,
        started.elapsed(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_postgres() {
    use super::postgres::{drop_all, ensure_roles, server_version, workers};
    let Some(mut ws) = workers(2).await else {
        return;
    };
    let version = server_version(&ws[0].a).await;
    ensure_roles(&[]).await;
    run("postgres", &["chinook", "pagila"], &mut ws, |c| {
        super::skip_reason(c, &version, "")
    })
    .await;
    drop_all(ws).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_mysql() {
    use super::mysql::{flavor, server_version, workers};
    let Some(mut ws) = workers(2).await else {
        return;
    };
    let version = server_version(&ws[0].a).await;
    run("mysql", &["chinook", "sakila"], &mut ws, |c| {
        super::skip_reason(c, &version, flavor(&version))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn realworld_sqlite() {
    use super::sqlite::Pair;
    let mut ws = [Pair::create(), Pair::create()];
    run("sqlite", &["chinook", "sakila"], &mut ws, |_| None).await;
}
