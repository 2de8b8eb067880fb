//! Fleets (docs/fleet.md): one schema, many databases. `apply --targets`
//! plans every target, groups the targets whose plans are the same
//! statements, shows each distinct plan once, and applies with bounded
//! concurrency (`pool.rs`), each target through the single-target path
//! (`apply::converge`: its lock, its re-check of the state the plan was
//! made from, its pre-flight checks); `plan --targets` and `drift` stop
//! after the survey. The results go out as a table or JSON (`table.rs`).

mod pool;
mod table;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use miette::miette;

use super::apply::{converge, plan_now, Args as ApplyArgs, Voice};
use super::common::{url_dialect, Secrets};
use super::planning::Planning;
use super::Outcome;
use crate::dialect::{self, Script};
use crate::ir::DialectKind;

pub use table::Format;
use table::{Row, State};

/// Where the targets come from and how many run at once; shared by
/// `apply`, `plan` and `drift`.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetsArgs {
    /// A fleet: a TOML file listing the databases (`urls = [...]`, or a
    /// `command` printing one URL a line; docs/fleet.md). `--url` is then
    /// not used.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<std::path::PathBuf>,
    /// How many targets of a fleet are planned or applied at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallel: u16,
}

/// `apply`'s fleet flags.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    #[command(flatten)]
    pub targets: TargetsArgs,
    /// Stop launching targets once this many have failed (planning
    /// included); the ones not started are reported as such.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_failures: Option<u32>,
    /// The per-target results table: text, or JSON for other tools.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// One distinct plan and the targets (indexes into the URLs) that get it.
#[derive(Debug, Clone)]
pub struct Group {
    pub kind: DialectKind,
    /// The plan's SQL as `strata plan` prints it.
    pub sql: String,
    pub script: Script,
    pub changes: usize,
    /// A line per step, with its hazards below it.
    pub summary: Vec<String>,
    pub destructive: Vec<String>,
    /// Hazards the policy sets to `error`, as `id: message`.
    pub refused: Vec<String>,
    pub targets: Vec<usize>,
}

/// Every target planned: the distinct plans, the targets that already
/// match, the ones that could not be planned.
#[derive(Debug, Default)]
pub struct Survey {
    pub urls: Vec<String>,
    pub groups: Vec<Group>,
    pub matching: Vec<usize>,
    pub failed: Vec<(usize, String)>,
    /// Time spent planning each target.
    pub times: Vec<Duration>,
}

impl Survey {
    /// The group number (1-based) a target's plan is in.
    pub fn group_of(&self, target: usize) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.targets.contains(&target))
            .map(|g| g + 1)
    }
}

/// A target's plan (or why there is none) and the time it took.
type Slot = (Result<Planned, String>, Duration);

/// A target's plan, before grouping.
struct Planned {
    kind: DialectKind,
    sql: String,
    script: Script,
    changes: usize,
    summary: Vec<String>,
    destructive: Vec<String>,
    refused: Vec<String>,
}

/// Plans every target, `parallel` at a time, and groups identical plans
/// (the same dialect's same statements) in order of first appearance.
pub fn survey(
    urls: &[String],
    to: &str,
    shape: &Planning,
    parallel: u16,
) -> miette::Result<Survey> {
    let slots: Mutex<Vec<Option<Slot>>> = Mutex::new((0..urls.len()).map(|_| None).collect());
    eprintln!(
        "Planning {} target{} ({parallel} at a time)…",
        urls.len(),
        if urls.len() == 1 { "" } else { "s" }
    );
    pool::each(urls.len(), parallel.into(), &|| false, &|rt, i| {
        let started = Instant::now();
        let planned = plan_one(rt, shape, &urls[i], to).map_err(|e| one_line(&urls[i], to, e));
        if let Ok(mut s) = slots.lock() {
            s[i] = Some((planned, started.elapsed()));
        }
    })?;
    let slots = slots
        .into_inner()
        .map_err(|_| miette!("a planning worker panicked"))?;
    let mut survey = Survey {
        urls: urls.to_vec(),
        ..Survey::default()
    };
    for (i, slot) in slots.into_iter().enumerate() {
        let (planned, time) = slot.ok_or_else(|| miette!("target {i} was not planned"))?;
        survey.times.push(time);
        match planned {
            Err(e) => survey.failed.push((i, e)),
            Ok(p) if p.changes == 0 => survey.matching.push(i),
            Ok(p) => match survey
                .groups
                .iter_mut()
                .find(|g| g.kind == p.kind && g.sql == p.sql)
            {
                Some(g) => g.targets.push(i),
                None => survey.groups.push(Group {
                    kind: p.kind,
                    sql: p.sql,
                    script: p.script,
                    changes: p.changes,
                    summary: p.summary,
                    destructive: p.destructive,
                    refused: p.refused,
                    targets: vec![i],
                }),
            },
        }
    }
    Ok(survey)
}

fn plan_one(
    rt: &tokio::runtime::Runtime,
    shape: &Planning,
    url: &str,
    to: &str,
) -> miette::Result<Planned> {
    let kind = url_dialect(url)?;
    let d = dialect::for_kind(kind);
    let m = plan_now(rt, shape, url, to, false)?.m;
    let mut summary = Vec::new();
    for step in &m.plan.steps {
        summary.push(crate::report::summary::line(&step.change));
        for h in &step.hazards {
            summary.push(format!("  hazard: {}: {}", h.kind.as_str(), h.message));
        }
    }
    Ok(Planned {
        kind,
        sql: crate::report::sql::render(d, &m.up),
        changes: m.plan.steps.len(),
        destructive: m.destructive().iter().map(|h| h.message.clone()).collect(),
        refused: (shape.policy.errors(&m.plan).iter())
            .chain(shape.policy.errors_in(m.rollback_losses()).iter())
            .map(|h| format!("{}: {}", h.kind.id(), h.message))
            .collect(),
        script: m.up,
        summary,
    })
}

/// An error as one line of the results table, every password masked.
fn one_line(url: &str, to: &str, e: miette::Report) -> String {
    let e = Secrets::of(&[url, to])
        .scrub(Err::<(), _>(e))
        .expect_err("still an error");
    let mut text: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    text.dedup();
    text.join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The distinct plans on stderr, as `apply` shows them before asking.
fn show(survey: &Survey) {
    let n = survey.groups.len();
    for (k, g) in survey.groups.iter().enumerate() {
        eprintln!(
            "Plan {} of {n}: {} change{}, for {} target{}:",
            k + 1,
            g.changes,
            if g.changes == 1 { "" } else { "s" },
            g.targets.len(),
            if g.targets.len() == 1 { "" } else { "s" }
        );
        for line in &g.summary {
            eprintln!("  {line}");
        }
        for &t in &g.targets {
            eprintln!("  → {}", crate::url::redact(&survey.urls[t]));
        }
    }
    if !survey.matching.is_empty() {
        eprintln!("{} target(s) already match.", survey.matching.len());
    }
    for (t, e) in &survey.failed {
        eprintln!("cannot plan {}: {e}", crate::url::redact(&survey.urls[*t]));
    }
}

/// `apply --targets FILE` (or an environment's targets).
pub fn apply(args: ApplyArgs, urls: Vec<String>) -> miette::Result<Outcome> {
    let to = args.target.to.clone().unwrap_or_default();
    let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
    all.push(&to);
    let secrets = Secrets::of(&all);
    secrets.scrub(run_apply(&args, &urls, &to))
}

fn run_apply(args: &ApplyArgs, urls: &[String], to: &str) -> miette::Result<Outcome> {
    let fleet = &args.fleet;
    let survey = survey(urls, to, args.planning(), fleet.targets.parallel)?;
    show(&survey);
    if args.dry_run {
        super::common::write_output(None, &table::plans_sql(&survey))?;
        eprintln!("Dry run: nothing was applied.");
        return Ok(Outcome::Success);
    }
    refuse_destructive(
        &survey,
        args.allow_destructive || !args.planning().policy.refuses_data_loss(),
    )?;
    refuse_by_policy(&survey)?;
    let todo: Vec<usize> = survey
        .groups
        .iter()
        .flat_map(|g| g.targets.clone())
        .collect();
    if !todo.is_empty() && !args.auto_approve {
        super::apply::confirm(&format!("{} targets", todo.len()))?;
    }
    let rows = apply_all(args, to, &survey, &todo)?;
    table::print(&rows, &survey, fleet.format)?;
    finish(&rows)
}

/// A fleet whose plans have hazards the policy sets to `error` runs none
/// of them, as one `apply` would not.
fn refuse_by_policy(survey: &Survey) -> miette::Result<()> {
    let refused: Vec<String> = survey
        .groups
        .iter()
        .enumerate()
        .flat_map(|(k, g)| {
            g.refused
                .iter()
                .map(move |h| format!("  - plan {}: {h}", k + 1))
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(miette!(
        code = "strata::plan::hazard_policy",
        help = "see docs/hazards/ for what to do instead, or lower the rule's level in strata.toml [hazards]",
        "the fleet's plans have hazards the policy refuses; nothing was applied:\n{}",
        refused.join("\n")
    ))
}

/// A fleet whose plans lose data runs none of them without
/// `--allow-destructive`: the loss is the schema's, not one target's.
fn refuse_destructive(survey: &Survey, allowed: bool) -> miette::Result<()> {
    let lost: Vec<String> = survey
        .groups
        .iter()
        .enumerate()
        .flat_map(|(k, g)| {
            g.destructive
                .iter()
                .map(move |m| format!("  - plan {}: {m}", k + 1))
        })
        .collect();
    if allowed || lost.is_empty() {
        return Ok(());
    }
    Err(miette!(
        code = "strata::plan::destructive",
        help = "review the plans, then pass --allow-destructive to accept the data loss",
        "the fleet's plans are destructive; nothing was applied:\n{}",
        lost.join("\n")
    ))
}

/// Applies each target of `todo` with its group's plan as the approved
/// one, `parallel` at a time, until `--max-failures` is reached; a line
/// of progress on stderr as each ends.
fn apply_all(
    args: &ApplyArgs,
    to: &str,
    survey: &Survey,
    todo: &[usize],
) -> miette::Result<Vec<Row>> {
    let mut rows = table::planned_rows(survey);
    let failed_planning = survey.failed.len();
    let progress = Mutex::new(table::Progress::new(todo.len(), failed_planning));
    let limit = args.fleet.max_failures.map(|k| k as usize);
    let stop = || {
        let p = progress.lock().map(|p| p.failed).unwrap_or(usize::MAX);
        limit.is_some_and(|k| p >= k)
    };
    let results: Mutex<Vec<(usize, Row)>> = Mutex::new(Vec::new());
    let left = pool::each(
        todo.len(),
        args.fleet.targets.parallel.into(),
        &stop,
        &|rt, i| {
            let t = todo[i];
            let url = &survey.urls[t];
            let group = survey.group_of(t);
            if let Ok(mut p) = progress.lock() {
                p.running += 1;
            }
            let approved = group.map(|g| survey.groups[g - 1].script.clone());
            let started = Instant::now();
            let outcome = converge(rt, args, url, to, approved, Voice::InFleet);
            let time = survey.times[t] + started.elapsed();
            let row = Row::applied(url, group, time, outcome.map_err(|e| one_line(url, to, e)));
            if let Ok(mut p) = progress.lock() {
                p.ended(&row);
            }
            if let Ok(mut r) = results.lock() {
                r.push((t, row));
            }
        },
    )?;
    for (t, row) in results
        .into_inner()
        .map_err(|_| miette!("an apply worker panicked"))?
    {
        rows[t] = row;
    }
    for i in left {
        let t = todo[i];
        rows[t] = Row::not_started(&survey.urls[t], survey.group_of(t));
    }
    Ok(rows)
}

/// Exit 1 when any target failed; the table already said which.
fn finish(rows: &[Row]) -> miette::Result<Outcome> {
    let failed = rows.iter().filter(|r| r.state == State::Failed).count();
    let not_started = rows.iter().filter(|r| r.state == State::NotStarted).count();
    if failed == 0 && not_started == 0 {
        return Ok(Outcome::Success);
    }
    Err(miette!(
        code = "strata::fleet::failed",
        help = "fix what the table says and run the apply again: the targets that already match are left alone",
        "{failed} of {} targets failed{}",
        rows.len(),
        match not_started {
            0 => String::new(),
            n => format!(", {n} not started (--max-failures)"),
        }
    ))
}

/// `plan --targets FILE`: the distinct plans and which targets get each.
pub fn plan(
    shape: &Planning,
    targets: &TargetsArgs,
    urls: Vec<String>,
    to: &str,
    json: bool,
    exit_code: bool,
) -> miette::Result<Outcome> {
    let survey = survey(&urls, to, shape, targets.parallel)?;
    let text = if json {
        table::plans_json(&survey)
    } else {
        table::plans_sql(&survey)
    };
    super::common::write_output(None, &text)?;
    outcome(&survey, exit_code)
}

/// `drift --targets FILE`: which targets differ from the schema.
pub fn drift(
    shape: &Planning,
    urls: &[String],
    to: &str,
    parallel: u16,
    format: Format,
) -> miette::Result<Outcome> {
    let survey = survey(urls, to, shape, parallel)?;
    table::print(&table::planned_rows(&survey), &survey, format)?;
    outcome(&survey, true)
}

/// Exit 1 when a target could not be planned, else 2 under `exit_code`
/// when any differs.
fn outcome(survey: &Survey, exit_code: bool) -> miette::Result<Outcome> {
    if !survey.failed.is_empty() {
        return Err(miette!(
            code = "strata::fleet::failed",
            help = "the table says why; the other targets were planned",
            "{} of {} targets could not be planned",
            survey.failed.len(),
            survey.urls.len()
        ));
    }
    if exit_code && !survey.groups.is_empty() {
        Ok(Outcome::Changes)
    } else {
        Ok(Outcome::Success)
    }
}
