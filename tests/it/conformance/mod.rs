//! The sqldef conformance corpus (`../shared/conformance/sqldef/<dialect>.jsonl`,
//! test data of another project: current and desired DDL per case), run
//! against real databases. Generic over the dialect: a dialect's file
//! (`sqlite.rs`, later `postgres.rs`, `mysql.rs`) gives [`Hooks`] — how to
//! make a scratch database, how to load DDL into it, which cases its
//! server cannot run — and calls [`run`].
//!
//! For each case: load `desired` into a scratch database and introspect
//! it; load `current` into another and introspect it; plan current →
//! desired, apply, introspect, compare (normalized); plan again, which
//! must be empty; apply the rollback, which must give `current` back.
//!
//! The ids of passing cases are kept in `tests/conformance/<dialect>.passing`:
//! a listed case that fails is a regression and fails the test.
//! `STRATA_CONFORMANCE_WRITE=1` rewrites that list and
//! `target/conformance/<dialect>.md` (pass rate and grouped reasons, for
//! docs/conformance.md); `STRATA_CONFORMANCE_ONLY=text` runs the cases
//! whose id contains `text`. The cases are never edited.

mod mysql;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::apply;
use futures::future::LocalBoxFuture;
use futures::StreamExt;
use serde::Deserialize;
use strata::dialect::ApplyOptions;
use strata::dialect::{self, Dialect, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::migration;

use crate::converge::schema_diff;

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub id: String,
    pub current: String,
    pub desired: String,
    #[serde(default)]
    pub flags: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// With the number of steps the plan had (0: nothing to do).
    Pass(usize),
    /// Not run, and why (counted apart from failures).
    Skip(String),
    /// Stage and reason (grouped in the report), then the detail.
    Fail(String, String),
}

/// A scratch database: its URL, and whatever must live as long as it.
pub struct Scratch {
    pub url: String,
    /// Dropped with the scratch database (removes a file or a database).
    pub _guard: Box<dyn std::any::Any>,
}

/// What a dialect plugs into the runner.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub dialect: DialectKind,
    /// A new, empty database; `None` when the server is unreachable.
    pub scratch: fn() -> LocalBoxFuture<'static, Option<Scratch>>,
    /// Runs DDL text (several statements) on the database at the URL.
    pub load: fn(String, String) -> LocalBoxFuture<'static, Result<(), String>>,
    /// Why this server cannot run a case (version, flavor), if it cannot.
    pub skip: fn(&Case) -> Option<String>,
    /// How many cases run at once.
    pub concurrency: usize,
}

/// The corpus directory: `../shared/conformance/sqldef` beside the repo.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/sqldef")
}

/// Every case of a dialect's file. Fails loudly when the corpus is not
/// there: a silent skip would hide every regression.
pub fn cases(dialect: &str) -> Vec<Case> {
    let path = corpus_dir().join(format!("{dialect}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the sqldef conformance corpus is missing at {} ({e}); it ships in shared/ beside the repository",
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

/// Why no dialect runs a case: sqldef expects to refuse it, its recorded
/// output leaves drops out on purpose, or it tests a sqldef option.
pub fn generic_skip(case: &Case) -> Option<String> {
    let f = &case.flags;
    let truthy = |k: &str| {
        f.get(k)
            .is_some_and(|v| !v.is_null() && *v != serde_json::Value::Bool(false))
    };
    if truthy("error") {
        return Some("sqldef expects an error".into());
    }
    if f.get("enable_drop") == Some(&serde_json::Value::Bool(false)) {
        return Some("enable_drop: false (sqldef leaves drops out)".into());
    }
    for option in ["config", "managed_roles", "manage", "user", "offline"] {
        if truthy(option) {
            return Some(format!("tests the sqldef option `{option}`"));
        }
    }
    None
}

pub fn fail(stage: &str, reason: impl Into<String>, detail: impl Into<String>) -> Outcome {
    Outcome::Fail(format!("{stage}: {}", reason.into()), detail.into())
}

/// How a runner words the errors of a case: `short` makes a failure
/// reason (grouped in the report) of an error's text, which is the
/// error's `Debug` rendering (miette's, with the server's message on a
/// line of its own) when `debug` is set, its `Display` otherwise.
#[derive(Clone, Copy)]
pub struct Wording {
    pub short: fn(&str) -> String,
    pub debug: bool,
}

/// The wording of the generic runner.
const PLAIN: Wording = Wording {
    short,
    debug: false,
};

impl Wording {
    fn text(&self, e: &miette::Report) -> String {
        if self.debug {
            format!("{e:?}")
        } else {
            format!("{e}")
        }
    }

    /// What the database at `url` holds, or the error's text.
    pub async fn introspect(&self, url: &str) -> Result<strata::dialect::Introspection, String> {
        strata::source::introspect(url, &[])
            .await
            .map_err(|e| self.text(&e))
    }

    async fn inspect(&self, url: &str) -> Result<Schema, String> {
        self.introspect(url).await.map(|i| i.schema)
    }
}

/// The first line of an error, with quoted names blanked so that the
/// same failure groups across cases.
fn short(e: &str) -> String {
    let line = e.lines().next().unwrap_or("").trim();
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' || ch == '`' => {
                out.push('…');
                quote = Some(ch);
            }
            None => out.push(ch),
        }
    }
    out.chars().take(100).collect()
}

/// The first changed line of a schema difference, for grouping.
pub fn first_difference(diff: &str) -> String {
    diff.lines()
        .find(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .map(|l| {
            let body = l[1..].trim().trim_start_matches("- ");
            body.split(':').next().unwrap_or(body).trim().to_string()
        })
        .unwrap_or_else(|| "?".into())
}

/// One case, start to end.
pub async fn check_case(h: Hooks, case: &Case) -> Outcome {
    if let Some(why) = generic_skip(case).or_else(|| (h.skip)(case)) {
        return Outcome::Skip(why);
    }
    let d = dialect::for_kind(h.dialect);
    let (Some(want_db), Some(cur_db)) = ((h.scratch)().await, (h.scratch)().await) else {
        return Outcome::Skip("server unreachable".into());
    };
    if let Err(e) = (h.load)(want_db.url.clone(), case.desired.clone()).await {
        return fail("desired DDL rejected", short(&e), e);
    }
    if let Err(e) = (h.load)(cur_db.url.clone(), case.current.clone()).await {
        return fail("current DDL rejected", short(&e), e);
    }
    let desired = match PLAIN.inspect(&want_db.url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    if case.desired.to_lowercase().contains("create ")
        && desired.tables.is_empty()
        && desired.views.is_empty()
    {
        return fail("introspect", "desired DDL read back as empty", "");
    }
    let current = match PLAIN.inspect(&cur_db.url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    converge_triple(d, &cur_db.url, &current, &desired, PLAIN).await
}

/// The convergence triple on the database at `url`, which holds
/// `current`: the plan to `desired` applied converges, planning again is
/// empty, and the rollback restores `current`.
pub async fn converge_triple(
    d: &dyn Dialect,
    url: &str,
    current: &Schema,
    desired: &Schema,
    w: Wording,
) -> Outcome {
    let short = w.short;
    let opts = EmitOptions::default();
    let m = match migration(current, desired, d, &opts) {
        Ok(m) => m,
        Err(e) => return fail("plan", short(&e.to_string()), format!("{e:?}")),
    };
    let up_sql = strata::report::sql::render(d, &m.up);
    if let Err(e) = apply(url, &m.up, &ApplyOptions::default()).await {
        return fail("apply up", short(&w.text(&e)), format!("{e:?}\n{up_sql}"));
    }
    let after = match w.inspect(url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    if let Some(diff) = schema_diff(&d.normalize(desired), &d.normalize(&after)) {
        return fail(
            "up did not converge",
            first_difference(&diff),
            format!("{diff}\n{up_sql}"),
        );
    }
    match migration(&after, desired, d, &opts) {
        Ok(again) if again.plan.is_empty() => {}
        Ok(again) => {
            return fail(
                "perpetual diff",
                format!("{} step(s)", again.plan.steps.len()),
                strata::report::sql::render(d, &again.up),
            )
        }
        Err(e) => return fail("plan again", short(&e.to_string()), String::new()),
    }
    let down_sql = strata::report::sql::render(d, &m.down);
    if let Err(e) = apply(url, &m.down, &ApplyOptions::default()).await {
        return fail(
            "apply down",
            short(&w.text(&e)),
            format!("{e:?}\n{down_sql}"),
        );
    }
    let restored = match w.inspect(url).await {
        Ok(s) => s,
        Err(e) => return fail("introspect", short(&e), e),
    };
    if let Some(diff) = schema_diff(&d.normalize(current), &d.normalize(&restored)) {
        return fail(
            "down did not restore",
            first_difference(&diff),
            format!("{diff}\n{down_sql}"),
        );
    }
    Outcome::Pass(m.plan.steps.len())
}

/// Runs every case of `name`'s corpus, `h.concurrency` at a time, then checks the passing list (or rewrites it).
pub async fn run(name: &str, h: Hooks) {
    let only = std::env::var("STRATA_CONFORMANCE_ONLY").ok();
    let all = cases(name);
    let started = std::time::Instant::now();
    // One task drives the cases; sqlx runs every SQLite connection (and
    // every server round trip) on its own worker, so they overlap.
    let results: BTreeMap<String, Outcome> = futures::stream::iter(
        all.into_iter()
            .filter(|c| only.as_deref().is_none_or(|o| c.id.contains(o))),
    )
    .map(|case| async move {
        let outcome = check_case(h, &case).await;
        (case.id, outcome)
    })
    .buffer_unordered(h.concurrency.max(1))
    .collect()
    .await;
    if results
        .values()
        .any(|o| *o == Outcome::Skip("server unreachable".into()))
    {
        eprintln!("SKIPPED: {name} conformance: the server is unreachable");
        return;
    }
    let text = report(name, &results);
    conclude(name, &results, &text, only.is_some(), started.elapsed());
}

fn passing_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/conformance/{name}.passing"))
}

/// The pass rate and the failure reasons, grouped, as markdown.
pub fn report(name: &str, results: &BTreeMap<String, Outcome>) -> String {
    let total = results.len();
    let pass = results
        .values()
        .filter(|o| matches!(o, Outcome::Pass(_)))
        .count();
    let changed = results
        .values()
        .filter(|o| matches!(o, Outcome::Pass(n) if *n > 0))
        .count();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, o) in results {
        match o {
            Outcome::Skip(why) => *skipped.entry(why).or_default() += 1,
            Outcome::Fail(reason, _) => groups.entry(reason).or_default().push(id),
            Outcome::Pass(_) => {}
        }
    }
    let skip: usize = skipped.values().sum();
    let run = total - skip;
    let rate = if run == 0 {
        0.0
    } else {
        100.0 * pass as f64 / run as f64
    };
    let mut out = format!(
        "{name}: {pass} of {run} runnable cases pass ({rate:.1}%); {skip} of {total} not run. \
         {changed} of the passing cases planned a change, the others were already equal.\n\n"
    );
    if !skipped.is_empty() {
        out.push_str("| not run | cases |\n| --- | ---: |\n");
        for (why, n) in &skipped {
            out.push_str(&format!("| {why} | {n} |\n"));
        }
        out.push('\n');
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    if !groups.is_empty() {
        out.push_str("| failure | cases | e.g. |\n| --- | ---: | --- |\n");
        for (reason, ids) in groups {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                reason.replace('|', "\\|"),
                ids.len(),
                ids.iter().take(2).copied().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    out
}

/// Prints the report `text` and writes it, with every failure's detail,
/// to `target/conformance/`; then rewrites the passing list (with
/// `STRATA_CONFORMANCE_WRITE=1`) or fails on every listed case that does
/// not pass. A `partial` run checks only the cases it ran.
pub fn conclude(
    name: &str,
    results: &BTreeMap<String, Outcome>,
    text: &str,
    partial: bool,
    elapsed: std::time::Duration,
) {
    eprintln!(
        "{text}\n({} cases in {:.1}s)",
        results.len(),
        elapsed.as_secs_f64()
    );
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance");
    let _ = std::fs::create_dir_all(&out_dir);
    let details: String = results
        .iter()
        .filter_map(|(id, o)| match o {
            Outcome::Fail(reason, detail) => Some(format!("=== {id}\n{reason}\n{detail}\n\n")),
            _ => None,
        })
        .collect();
    let _ = std::fs::write(out_dir.join(format!("{name}-failures.txt")), details);
    let _ = std::fs::write(out_dir.join(format!("{name}.md")), text);

    let passing: BTreeSet<&String> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Pass(_)))
        .map(|(id, _)| id)
        .collect();
    if std::env::var("STRATA_CONFORMANCE_WRITE").is_ok_and(|v| v == "1") && !partial {
        let mut body = passing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        body.push('\n');
        std::fs::write(passing_file(name), body).expect("write the passing list");
        return;
    }
    let expected: Vec<String> = std::fs::read_to_string(passing_file(name))
        .unwrap_or_else(|e| panic!("{}: {e}", passing_file(name).display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let regressions: Vec<String> = expected
        .iter()
        .filter(|id| !partial || results.contains_key(*id))
        .filter(|id| !passing.contains(id))
        .map(|id| match results.get(id) {
            Some(Outcome::Fail(r, d)) => format!(
                "{id}: {r}\n{}",
                d.lines().take(40).collect::<Vec<_>>().join("\n")
            ),
            Some(other) => format!("{id}: {other:?}"),
            None => format!("{id}: no longer in the corpus"),
        })
        .collect();
    assert!(
        regressions.is_empty(),
        "{} {name} case(s) listed as passing fail now:\n{}",
        regressions.len(),
        regressions.join("\n\n")
    );
}
