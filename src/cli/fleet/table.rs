//! What a fleet run tells: a progress line per target as it ends (stderr),
//! the per-target results table (text or JSON, stdout), and the distinct
//! plans of `plan --targets` (SQL or JSON). Targets appear redacted.

use std::time::Duration;

use serde_json::json;

use super::Survey;
use crate::cli::apply::Converged;
use crate::url::redact;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Where a target ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Its plan ran.
    Applied,
    /// It already matched the schema: nothing ran.
    Unchanged,
    /// It has a plan that was not run (`drift`).
    Differs,
    Failed,
    /// `--max-failures` was reached before its turn.
    NotStarted,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Unchanged => "unchanged",
            State::Differs => "differs",
            State::Failed => "failed",
            State::NotStarted => "not started",
        }
    }
}

/// One target's line of the results.
#[derive(Debug, Clone)]
pub struct Row {
    pub target: String,
    pub state: State,
    /// The number of its plan among the distinct plans (1-based).
    pub plan: Option<usize>,
    pub changes: usize,
    pub statements: usize,
    pub time: Duration,
    pub error: Option<String>,
}

impl Row {
    fn new(url: &str, state: State, plan: Option<usize>) -> Row {
        Row {
            target: redact(url),
            state,
            plan,
            changes: 0,
            statements: 0,
            time: Duration::ZERO,
            error: None,
        }
    }

    /// The end of one target's apply.
    pub fn applied(
        url: &str,
        plan: Option<usize>,
        time: Duration,
        outcome: Result<Converged, String>,
    ) -> Row {
        let mut row = Row::new(url, State::Failed, plan);
        row.time = time;
        match outcome {
            Err(e) => row.error = Some(e),
            // Someone converged it between the survey and its turn.
            Ok(c) if c.changes == 0 => row.state = State::Unchanged,
            Ok(c) => {
                row.state = State::Applied;
                row.changes = c.changes;
                row.statements = c.statements;
                if c.still_differ > 0 {
                    row.error = Some(format!(
                        "after the apply, a new plan still finds {} change(s)",
                        c.still_differ
                    ));
                }
            }
        }
        row
    }

    pub fn not_started(url: &str, plan: Option<usize>) -> Row {
        Row::new(url, State::NotStarted, plan)
    }
}

/// A row per target as the survey found it: failed to plan, matching, or
/// differing by its group's plan.
pub fn planned_rows(survey: &Survey) -> Vec<Row> {
    let mut rows: Vec<Row> = survey
        .urls
        .iter()
        .enumerate()
        .map(|(t, url)| {
            let mut row = Row::new(url, State::Unchanged, None);
            row.time = survey.times.get(t).copied().unwrap_or_default();
            row
        })
        .collect();
    for (k, g) in survey.groups.iter().enumerate() {
        for &t in &g.targets {
            rows[t].state = State::Differs;
            rows[t].plan = Some(k + 1);
            rows[t].changes = g.changes;
        }
    }
    for (t, e) in &survey.failed {
        rows[*t].state = State::Failed;
        rows[*t].error = Some(e.clone());
    }
    rows
}

/// The counts behind the progress line.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    ended: usize,
    done: usize,
    pub failed: usize,
    pub running: usize,
}

impl Progress {
    /// `failed`: the targets that failed before any apply (planning).
    pub fn new(total: usize, failed: usize) -> Progress {
        Progress {
            total,
            ended: 0,
            done: 0,
            failed,
            running: 0,
        }
    }

    /// Counts a target that ended and says so on stderr.
    pub fn ended(&mut self, row: &Row) {
        self.running = self.running.saturating_sub(1);
        self.ended += 1;
        if row.state == State::Failed {
            self.failed += 1;
        } else {
            self.done += 1;
        }
        let what = match (&row.error, row.state) {
            (Some(e), _) => format!("{}: {e}", row.state.as_str()),
            (None, State::Applied) => format!("applied {} change(s)", row.changes),
            (None, s) => s.as_str().to_string(),
        };
        eprintln!(
            "[{}/{}] {} {what} ({}) — done {}, failed {}, running {}",
            self.ended,
            self.total,
            row.target,
            millis(row.time),
            self.done,
            self.failed,
            self.running
        );
    }
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The results table on stdout, then a line of totals on stderr.
pub fn print(rows: &[Row], survey: &Survey, format: Format) -> miette::Result<()> {
    let text = match format {
        Format::Json => results_json(rows, survey),
        Format::Text => results_text(rows),
    };
    super::super::common::write_output(None, &text)?;
    eprintln!("{}", totals_line(rows));
    Ok(())
}

fn count(rows: &[Row], state: State) -> usize {
    rows.iter().filter(|r| r.state == state).count()
}

const STATES: [State; 5] = [
    State::Applied,
    State::Unchanged,
    State::Differs,
    State::Failed,
    State::NotStarted,
];

fn totals_line(rows: &[Row]) -> String {
    let parts: Vec<String> = STATES
        .iter()
        .map(|&s| (s, count(rows, s)))
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    format!("{} targets: {}.", rows.len(), parts.join(", "))
}

fn results_text(rows: &[Row]) -> String {
    let head = ["TARGET", "RESULT", "PLAN", "CHANGES", "TIME", "ERROR"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.target.clone(),
                r.state.as_str().to_string(),
                r.plan.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                r.changes.to_string(),
                millis(r.time),
                r.error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut width = head.map(str::len);
    for c in &cells {
        for (w, cell) in width.iter_mut().zip(c) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |c: &[String]| {
        let mut l = String::new();
        for (k, cell) in c.iter().enumerate() {
            if k + 1 == c.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  ", w = width[k]));
            }
        }
        format!("{}\n", l.trim_end())
    };
    let mut out = line(&head.map(String::from));
    for c in &cells {
        out.push_str(&line(c));
    }
    out
}

fn results_json(rows: &[Row], survey: &Survey) -> String {
    let targets: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "target": r.target,
                "result": r.state.as_str(),
                "plan": r.plan,
                "changes": r.changes,
                "statements": r.statements,
                "millis": r.time.as_millis() as u64,
                "error": r.error,
            })
        })
        .collect();
    let mut totals = serde_json::Map::new();
    for s in STATES {
        totals.insert(s.as_str().replace(' ', "_"), json!(count(rows, s)));
    }
    let doc = json!({ "targets": targets, "plans": plans(survey), "totals": totals });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

fn plans(survey: &Survey) -> Vec<serde_json::Value> {
    survey
        .groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let targets: Vec<String> = g.targets.iter().map(|&t| redact(&survey.urls[t])).collect();
            json!({
                "plan": k + 1,
                "dialect": g.kind.as_str(),
                "changes": g.changes,
                "summary": g.summary,
                "sql": g.sql,
                "targets": targets,
            })
        })
        .collect()
}

/// `plan --targets --format json`.
pub fn plans_json(survey: &Survey) -> String {
    let matching: Vec<String> = survey
        .matching
        .iter()
        .map(|&t| redact(&survey.urls[t]))
        .collect();
    let failed: Vec<_> = survey
        .failed
        .iter()
        .map(|(t, e)| json!({ "target": redact(&survey.urls[*t]), "error": e }))
        .collect();
    let doc = json!({ "plans": plans(survey), "matching": matching, "failed": failed });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// `plan --targets`: each distinct plan's SQL once, headed by the targets
/// that get it; then the targets that match and the ones not planned.
pub fn plans_sql(survey: &Survey) -> String {
    let n = survey.groups.len();
    let mut out = String::new();
    for (k, g) in survey.groups.iter().enumerate() {
        out.push_str(&format!(
            "-- plan {} of {n} ({}): {} change(s), {} target(s)\n",
            k + 1,
            g.kind,
            g.changes,
            g.targets.len()
        ));
        for &t in &g.targets {
            out.push_str(&format!("-- target: {}\n", redact(&survey.urls[t])));
        }
        out.push_str(&g.sql);
        if !g.sql.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    if !survey.matching.is_empty() {
        out.push_str(&format!(
            "-- no changes: {} target(s)\n",
            survey.matching.len()
        ));
        for &t in &survey.matching {
            out.push_str(&format!("-- target: {}\n", redact(&survey.urls[t])));
        }
    }
    for (t, e) in &survey.failed {
        out.push_str(&format!(
            "-- not planned: {}: {e}\n",
            redact(&survey.urls[*t])
        ));
    }
    out
}
