//! `strata apply --plan plan.json`: runs a saved plan exactly — its
//! statements, nothing planned again — and only on the database state it
//! was planned from. The driver compares that state under the apply lock;
//! when the database drifted, nothing runs and the refusal lists which
//! objects changed since the plan was made.

use std::path::Path;

use miette::{miette, IntoDiagnostic, WrapErr};

use super::apply::{confirm, report_applied, Args};
use super::common::url_dialect;
use super::Outcome;
use crate::dialect::{self, ApplyOptions, Dialect, EmitOptions, StalePlan};
use crate::migration::migration;
use crate::migration::saved::SavedPlan;
use crate::url::redact;

pub fn run(args: &Args, url: &str, path: &Path) -> miette::Result<Outcome> {
    let saved = read(path)?;
    let kind = url_dialect(url)?;
    if saved.dialect != kind {
        return Err(miette!(
            code = "strata::apply::plan_dialect",
            help = "apply the plan to the database it was made for",
            "{} holds a {} plan; {} is a {kind} database",
            path.display(),
            saved.dialect,
            redact(url)
        ));
    }
    let d = dialect::driver(kind);
    let target = redact(url);
    let sql = crate::report::sql::render(d, &saved.up);
    if saved.up.is_empty() {
        eprintln!("The saved plan has no changes: nothing to apply.");
        return Ok(Outcome::Success);
    }
    if args.dry_run {
        super::common::write_output(None, &sql)?;
        eprintln!("Dry run: nothing was applied.");
        return Ok(Outcome::Success);
    }
    eprintln!("{sql}");
    for line in &saved.changes {
        eprintln!("  {line}");
    }
    refuse_destructive(&saved, args.allow_destructive)?;
    if !args.auto_approve {
        confirm(&target)?;
    }
    super::apply::refuse_tx_mode(args.tx_mode, kind)?;
    let rt = super::runtime()?;
    let options = ApplyOptions {
        lock_timeout: args.emit.lock_timeout(),
        resume: false,
        expect: Some(saved.expected()),
        apply_lock_wait: args.apply_lock_wait(),
    };
    let place = args.exclude.history()?;
    let started = crate::dialect::audit::utc_now();
    let result = {
        let shown = super::progress::show();
        let result = rt.block_on(d.apply(url, &args.tx_mode.cut(&saved.up), &options));
        shown.finish(result.is_ok());
        result
    };
    super::history::record(&rt, kind, url, &place, &saved.up, started, &result);
    match result {
        Ok(report) => {
            report_applied(&report, saved.changes.len(), &target);
            Ok(Outcome::Success)
        }
        Err(e) if e.downcast_ref::<StalePlan>().is_some() => {
            Err(drifted(&rt, url, &saved, d, path))
        }
        Err(e) => Err(e),
    }
}

fn read(path: &Path) -> miette::Result<SavedPlan> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    SavedPlan::parse(&text).map_err(|why| {
        miette!(
            code = "strata::apply::plan_file",
            help = "write a plan with `strata plan --url … --to … -o plan.json`",
            "{} cannot be applied: {why}",
            path.display()
        )
    })
}

fn refuse_destructive(saved: &SavedPlan, allowed: bool) -> miette::Result<()> {
    let hazards = saved.destructive();
    if allowed || hazards.is_empty() {
        return Ok(());
    }
    for h in &hazards {
        eprintln!("  data loss: {}", h.message);
    }
    Err(miette!(
        code = "strata::apply::destructive",
        help = "pass --allow-destructive if losing this data is intended",
        "refusing to apply a saved plan that loses data ({} hazard{})",
        hazards.len(),
        if hazards.len() == 1 { "" } else { "s" }
    ))
}

/// The refusal of a plan whose database moved on, naming what changed
/// since: the changes that lead from the state the plan recorded to the
/// state the database is in now.
fn drifted(
    rt: &tokio::runtime::Runtime,
    url: &str,
    saved: &SavedPlan,
    d: &dyn Dialect,
    path: &Path,
) -> miette::Report {
    let now = rt.block_on(crate::source::load(url, &saved.namespaces));
    let lines: Vec<String> = match &now {
        Ok(now) => match migration(
            &saved.database.schema,
            &now.schema,
            d,
            &EmitOptions::default(),
        ) {
            Ok(m) => m
                .plan
                .steps
                .iter()
                .map(|s| format!("  {}", crate::report::summary::line(&s.change)))
                .collect(),
            Err(e) => vec![format!("  (cannot compare: {e})")],
        },
        Err(e) => vec![format!("  (cannot read the database again: {e})")],
    };
    let listed = if lines.is_empty() {
        "  (no difference in the objects strata models)".to_string()
    } else {
        lines.join("\n")
    };
    miette!(
        code = "strata::apply::plan_stale",
        help = "plan again against the database as it is now (`strata plan … -o plan.json`) and review that plan",
        "{} was planned from another state of {}: nothing was applied. Changed since the plan was made:\n{listed}",
        path.display(),
        redact(url)
    )
}
