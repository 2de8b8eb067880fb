//! Conformance: other people's schema changes, run through strata the way
//! a user runs them and judged by the server's own catalog
//! ([`crate::oracle`]), never by strata's introspection.
//!
//! A case is a `current` and a `desired` schema in plain DDL. For each:
//!
//! 1. `current` is loaded into scratch database A and `desired` into D
//!    with the server's own client (a case whose own DDL the server
//!    rejects is *corpus-invalid*, counted apart);
//! 2. strata inspects D, prints it as schema source, parses the file back
//!    and plans A to it, with the rollback (`strata plan
//!    --allow-destructive --rollback`, [`pipeline`]);
//! 3. the up SQL, as printed, runs through the client on A; A's
//!    fingerprint must equal D's (*up*; column order is reported apart);
//! 4. planning again must print no statement (*re-plan*; otherwise a
//!    perpetual diff);
//! 5. the down SQL, as printed, runs on A; A's fingerprint must equal the
//!    one it had after step 1 (*down*, counted only where up converged).
//!
//! The corpora are vendored under `tests/conformance/` with their
//! licenses: `sqldef/` (sqldef's test cases) and `realworld/` (Chinook,
//! Pagila, Sakila). Which properties each case has are kept in
//! `tests/conformance/<corpus>.passing` ([`report`]): a listed property
//! that fails is a regression. `STRATA_CONFORMANCE_WRITE=1` rewrites the
//! lists and `target/conformance/<corpus>.md`; `STRATA_CONFORMANCE_ONLY=x`
//! runs the cases whose id contains `x`.

mod items;
pub mod mysql;
pub mod pipeline;
pub mod postgres;
mod realworld;
pub mod report;
pub mod sqlite;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;

use crate::client::run_sql;
use crate::oracle::{compare, difference_kind, fingerprint, Fingerprint};

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub id: String,
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub desired: Option<String>,
    #[serde(default)]
    pub flags: serde_json::Map<String, serde_json::Value>,
}

/// The vendored corpora.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Every case of a corpus file (`sqldef/postgres.jsonl`, …).
pub fn cases(file: &str) -> Vec<Case> {
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the corpus is part of the repository)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: not a case: {e}", path.display(), n + 1))
        })
        .collect()
}

/// A worker's pair of scratch databases, A (current) and D (desired).
pub trait Workspace {
    /// A's URL, then D's.
    fn urls(&self) -> (&str, &str);
    /// Empties both databases for the next case.
    async fn fresh(&mut self) -> Result<(), String>;
    /// A case's DDL as the client loads it into `url` (test database
    /// names a corpus hard-codes, session settings a dump would set).
    fn prepare(&self, sql: &str, url: &str, case: &Case) -> String;
    /// The oracle's fingerprint of the database at `url`, one of the two.
    async fn fingerprint(&mut self, url: &str) -> Result<Fingerprint, String> {
        fingerprint(url).await
    }
}

/// How far a case got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not run on this server, and why.
    Skipped(String),
    /// The case's own DDL does not load.
    CorpusInvalid(String),
    /// strata inspect, print, parse or plan failed.
    ToolError(String),
    /// The client rejected the printed up SQL.
    UpApplyError(String),
    UpDiverged,
    UpConverged,
    Timeout,
    /// The harness itself failed (scratch database, fingerprint query).
    HarnessError(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replan {
    Empty,
    /// The first statements of the plan that should have been empty.
    Perpetual(Vec<String>),
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Down {
    Restored,
    Diverged,
    ApplyError(String),
}

/// A case's result.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub status: Status,
    pub column_order_differs: bool,
    pub replan: Option<Replan>,
    pub down: Option<Down>,
    /// Steps of the plan.
    pub steps: usize,
    /// The first failure, worded to group alike cases; `None` when the
    /// case passed (or was not run).
    pub reason: Option<String>,
    /// Everything worth reading about a failure.
    pub detail: String,
}

impl Verdict {
    fn new(status: Status) -> Verdict {
        Verdict {
            status,
            column_order_differs: false,
            replan: None,
            down: None,
            steps: 0,
            reason: None,
            detail: String::new(),
        }
    }

    fn failed(status: Status, reason: String, detail: String) -> Verdict {
        Verdict {
            reason: Some(reason),
            detail,
            ..Verdict::new(status)
        }
    }

    pub fn up(&self) -> bool {
        self.status == Status::UpConverged
    }

    pub fn replan_empty(&self) -> bool {
        self.replan == Some(Replan::Empty)
    }

    /// Down restored the start, after an up that converged (an empty plan
    /// would otherwise "restore" everything).
    pub fn down_restored(&self) -> bool {
        self.up() && self.down == Some(Down::Restored)
    }

    pub fn evaluated(&self) -> bool {
        !matches!(self.status, Status::Skipped(_) | Status::CorpusInvalid(_))
    }

    /// The properties this case has, named as in the passing lists.
    pub fn marks(&self) -> Vec<&'static str> {
        [
            (self.up(), "up"),
            (self.replan_empty(), "replan"),
            (self.down_restored(), "down"),
        ]
        .into_iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, m)| m)
        .collect()
    }
}

/// The longest a client call may take.
const CLIENT_DEADLINE: Duration = Duration::from_secs(60);
/// The longest a case may take; then it is a timeout, not a hang.
const CASE_DEADLINE: Duration = Duration::from_secs(150);

/// One case, judged on the workspace's databases (which it empties first).
pub async fn judge<W: Workspace>(w: &mut W, case: &Case) -> Verdict {
    if let Err(e) = w.fresh().await {
        return Verdict::failed(
            Status::HarnessError(e.clone()),
            "harness: scratch databases".into(),
            e,
        );
    }
    match tokio::time::timeout(CASE_DEADLINE, judge_loaded(w, case)).await {
        Ok(v) => v,
        Err(_) => Verdict::failed(Status::Timeout, "timed out".into(), String::new()),
    }
}

async fn judge_loaded<W: Workspace>(w: &mut W, case: &Case) -> Verdict {
    let (a, d) = w.urls();
    let (a, d) = (&a.to_string(), &d.to_string());
    for (url, sql, side) in [(a, &case.current, "current"), (d, &case.desired, "desired")] {
        let sql = w.prepare(sql.as_deref().unwrap_or(""), url, case);
        if let Err(e) = run_sql(url, &sql, CLIENT_DEADLINE).await {
            return Verdict::failed(
                Status::CorpusInvalid(e.clone()),
                format!("{side} DDL rejected: {}", server_message(&e)),
                e,
            );
        }
    }
    let (start, want) = match (w.fingerprint(a).await, w.fingerprint(d).await) {
        (Ok(s), Ok(w)) => (s, w),
        (Err(e), _) | (_, Err(e)) => {
            return Verdict::failed(Status::HarnessError(e.clone()), "harness: oracle".into(), e)
        }
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            let e = e.to_string();
            return Verdict::failed(
                Status::HarnessError(e.clone()),
                "harness: tempdir".into(),
                e,
            );
        }
    };
    let planned = match pipeline::inspect_to_file(d, dir.path()).await {
        Ok(file) => pipeline::plan(a, &file).await.map(|p| (file, p)),
        Err(e) => Err(e),
    };
    let (file, planned) = match planned {
        Ok(x) => x,
        Err(e) => return Verdict::failed(Status::ToolError(e.clone()), tool_reason(&e), e),
    };
    let sql_detail = format!(
        "--- desired.strata\n{}\n--- up\n{}\n--- down\n{}",
        std::fs::read_to_string(&file).unwrap_or_default(),
        planned.up,
        planned.down
    );
    let mut v = Verdict::new(Status::UpConverged);
    v.steps = planned.steps;
    if let Err(e) = run_sql(a, &planned.up, CLIENT_DEADLINE).await {
        let reason = format!("up SQL rejected: {}", server_message(&e));
        return Verdict::failed(
            Status::UpApplyError(e.clone()),
            reason,
            format!("{e}\n{sql_detail}"),
        );
    }
    let after = match w.fingerprint(a).await {
        Ok(f) => f,
        Err(e) => {
            return Verdict::failed(Status::HarnessError(e.clone()), "harness: oracle".into(), e)
        }
    };
    let up = compare(&after, &want);
    v.column_order_differs = up.column_order_differs;
    if !up.equal {
        v.status = Status::UpDiverged;
        v.reason = Some(format!("up diverged: {}", difference_kind(&up.diff)));
        v.detail = format!("{}\n{sql_detail}", up.diff.join("\n"));
    } else {
        let replan = match pipeline::plan(a, &file).await {
            Ok(p) if pipeline::statements(&p.up).is_empty() => Replan::Empty,
            Ok(p) => Replan::Perpetual(
                pipeline::statements(&p.up)
                    .into_iter()
                    .take(10)
                    .map(String::from)
                    .collect(),
            ),
            Err(e) => Replan::Error(e),
        };
        match &replan {
            Replan::Empty => {}
            Replan::Perpetual(stmts) => {
                v.reason = Some(format!("re-plan not empty: {}", statement_kind(stmts)));
                v.detail = format!("{}\n{sql_detail}", stmts.join("\n"));
            }
            Replan::Error(e) => {
                v.reason = Some(format!("re-plan: {}", tool_reason(e)));
                v.detail = e.clone();
            }
        }
        v.replan = Some(replan);
    }
    let down = match run_sql(a, &planned.down, CLIENT_DEADLINE).await {
        Err(e) => {
            let reason = format!("down SQL rejected: {}", server_message(&e));
            if v.reason.is_none() {
                v.reason = Some(reason);
                v.detail = format!("{e}\n{sql_detail}");
            }
            Down::ApplyError(e)
        }
        Ok(()) => match w.fingerprint(a).await {
            Err(e) => {
                return Verdict::failed(
                    Status::HarnessError(e.clone()),
                    "harness: oracle".into(),
                    e,
                )
            }
            Ok(back) => {
                let c = compare(&back, &start);
                if c.equal {
                    Down::Restored
                } else {
                    if v.reason.is_none() {
                        v.reason = Some(format!(
                            "down did not restore: {}",
                            difference_kind(&c.diff)
                        ));
                        v.detail = format!("{}\n{sql_detail}", c.diff.join("\n"));
                    }
                    Down::Diverged
                }
            }
        },
    };
    v.down = Some(down);
    v
}

/// Blanks what differs from case to case (quoted names, numbers) so that
/// alike failures group.
pub fn blank(line: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if matches!(ch, '"' | '\'' | '`') => {
                out.push('…');
                quote = Some(ch);
            }
            None if ch.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            None => out.push(ch),
        }
    }
    out.trim().chars().take(90).collect()
}

/// The server's message in a client's error output, without the client's
/// prefix (`psql:<stdin>:3: ERROR:`, `ERROR 1064 (42000) at line 3:`,
/// `Parse error near line 3:`).
fn server_message(e: &str) -> String {
    let line = e
        .lines()
        .find(|l| l.contains("ERROR") || l.contains("rror"))
        .unwrap_or_else(|| e.lines().next().unwrap_or(""));
    let msg = match line.find("ERROR:") {
        Some(i) => &line[i + 6..],
        None => match line.find(": ") {
            Some(i) => &line[i + 2..],
            None => line,
        },
    };
    blank(msg)
}

/// strata's diagnostic, by its message line.
fn tool_reason(e: &str) -> String {
    let stage = e.split(':').next().unwrap_or("strata");
    format!("{stage}: {}", blank(&message_line(e)))
}

/// The line of an error that says what is wrong: miette puts it after
/// `×` (the first diagnostic's, when a summary such as "36 errors in the
/// schema" comes first); other errors say it first.
pub fn message_line(e: &str) -> String {
    let marked: Vec<&str> = e
        .lines()
        .filter(|l| l.contains('×'))
        .map(|l| l.trim_start_matches([' ', '×', '│']))
        .collect();
    marked
        .iter()
        .find(|l| !l.contains(" errors in the schema"))
        .or(marked.first())
        .copied()
        .or_else(|| e.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The kind of the first statement of a plan: its first words.
fn statement_kind(stmts: &[String]) -> String {
    let first = stmts
        .iter()
        .find(|s| !matches!(s.to_ascii_uppercase().as_str(), "BEGIN;" | "COMMIT;"))
        .map(String::as_str)
        .unwrap_or("");
    let words: Vec<&str> = first.split_whitespace().take(4).collect();
    blank(&words.join(" "))
}

/// Why this server does not run a case, the harness's rules: cases for
/// Aurora DSQL (`offline`), cases where sqldef expects to refuse (`error`),
/// cases run as another login (`user`), server versions and flavors.
pub fn skip_reason(case: &Case, server_version: &str, flavor_here: &str) -> Option<String> {
    let f = &case.flags;
    let truthy = |k: &str| {
        f.get(k).is_some_and(|v| {
            !v.is_null() && *v != serde_json::Value::Bool(false) && *v != serde_json::json!("")
        })
    };
    if truthy("offline") {
        return Some("offline-only (Aurora DSQL)".into());
    }
    if truthy("error") {
        return Some("sqldef expects an error".into());
    }
    if truthy("user") {
        return Some("runs as another login role".into());
    }
    let here = version_tuple(server_version);
    let version = |k: &str| {
        f.get(k)
            .map(|v| v.as_str().map(String::from).unwrap_or(v.to_string()))
    };
    if let Some(min) = version("min_version") {
        if here < version_tuple(&min) {
            return Some(format!("needs server version {min}"));
        }
    }
    if let Some(max) = version("max_version") {
        if here > version_tuple(&max) {
            return Some(format!("needs server version at most {max}"));
        }
    }
    if let Some(flavor) = f.get("flavor").and_then(|v| v.as_str()) {
        let skip = match flavor.strip_prefix('!') {
            Some(not) => not == flavor_here,
            None => flavor != flavor_here,
        };
        if skip {
            return Some(format!("flavor {flavor}"));
        }
    }
    None
}

/// The first three numbers of a version string.
fn version_tuple(v: &str) -> Vec<u32> {
    v.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Runs `cases` on the workers, each with its own pair of databases; the
/// ones `skip` names are not run.
pub async fn run_cases<W: Workspace>(
    workers: &mut [W],
    cases: Vec<Case>,
    skip: impl Fn(&Case) -> Option<String>,
) -> BTreeMap<String, Verdict> {
    let only = std::env::var("STRATA_CONFORMANCE_ONLY").ok();
    let mut results = BTreeMap::new();
    let mut queue = Vec::new();
    for case in cases {
        if only.as_deref().is_some_and(|o| !case.id.contains(o)) {
            continue;
        }
        match skip(&case) {
            Some(why) => {
                results.insert(case.id.clone(), Verdict::new(Status::Skipped(why)));
            }
            None => queue.push(case),
        }
    }
    queue.reverse();
    let queue = Arc::new(Mutex::new(queue));
    let runs = workers.iter_mut().map(|w| {
        let queue = queue.clone();
        async move {
            let mut out = Vec::new();
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.pop());
                let Some(case) = next else { break };
                let v = judge(w, &case).await;
                out.push((case.id, v));
            }
            out
        }
    });
    for (id, v) in futures::future::join_all(runs).await.into_iter().flatten() {
        results.insert(id, v);
    }
    results
}

#[test]
fn the_harness_skip_rules() {
    let case = |flags: serde_json::Value| Case {
        id: "t".into(),
        current: None,
        desired: None,
        flags: flags.as_object().cloned().unwrap_or_default(),
    };
    let maria = "10.11.6-MariaDB-0+deb12u1";
    assert_eq!(
        skip_reason(&case(serde_json::json!({})), maria, "mariadb"),
        None
    );
    assert!(skip_reason(
        &case(serde_json::json!({"max_version": "5.7"})),
        maria,
        "mariadb"
    )
    .is_some());
    assert_eq!(
        skip_reason(
            &case(serde_json::json!({"min_version": "8.0"})),
            maria,
            "mariadb"
        ),
        None
    );
    assert!(skip_reason(
        &case(serde_json::json!({"flavor": "mysql"})),
        maria,
        "mariadb"
    )
    .is_some());
    assert!(skip_reason(
        &case(serde_json::json!({"flavor": "!mariadb"})),
        maria,
        "mariadb"
    )
    .is_some());
    assert!(skip_reason(&case(serde_json::json!({"min_version": "18"})), "15.14", "").is_some());
    assert!(skip_reason(
        &case(serde_json::json!({"flavor": "pgvector"})),
        "15.14",
        ""
    )
    .is_some());
    assert!(skip_reason(
        &case(serde_json::json!({"enable_drop": false})),
        "15.14",
        ""
    )
    .is_none());
    assert_eq!(
        server_message("psql:<stdin>:3: ERROR:  relation \"t\" does not exist"),
        "relation … does not exist"
    );
    assert_eq!(
        server_message("ERROR 1064 (42000) at line 3: You have an error near 'x'"),
        "You have an error near …"
    );
}
