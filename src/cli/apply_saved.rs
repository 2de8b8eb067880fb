//! `strata apply --plan plan.json`: runs a saved plan exactly — its
//! statements, nothing planned again — and only on the database state it
//! was planned from. The driver compares that state under the apply lock;
//! when the database drifted, nothing runs and the refusal lists which
//! objects changed since the plan was made. Everything else that guards a
//! live apply guards it too: the hazard policy of this run, the pre-flight
//! data checks the plan recorded, the lock timeout and its retries, and
//! the message of an interrupt.

use std::path::Path;

use miette::{miette, IntoDiagnostic, WrapErr};

use super::apply::{confirm, report_applied, Args};
use super::common::{refuse_data_loss, refuse_policy_errors, url_dialect};
use super::interrupt::apply_or_interrupt;
use super::Outcome;
use crate::dialect::audit::Place;
use crate::dialect::{self, ApplyOptions, EmitOptions, StalePlan};
use crate::migration::migration;
use crate::migration::saved::SavedPlan;
use crate::plan::Hazard;
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
    refuse_unkept(args, &saved, path)?;
    let d = dialect::driver(kind);
    let target = redact(url);
    let sql = crate::report::sql::render(d, &saved.up);
    if saved.up.is_empty() {
        eprintln!("The saved plan has no changes: nothing to apply.");
        return Ok(Outcome::Success);
    }
    let policy = &args.planning().policy;
    // The policy of this apply judges the hazards, as it judges a live plan's.
    // What the rollback cannot restore is judged with them (and listed
    // last, as `plan` lists it).
    let all = saved.hazards.iter().chain(&saved.rollback_hazards);
    let hazards: Vec<&Hazard> = all.filter(|h| policy.shows(h)).collect();
    if args.dry_run {
        super::common::write_output(None, &sql)?;
        refuse_policy(&hazards, args)?;
        eprintln!("Dry run: nothing was applied.");
        return Ok(Outcome::Success);
    }
    eprintln!("{sql}");
    for line in &saved.changes {
        eprintln!("  {line}");
    }
    for h in &hazards {
        eprintln!("    hazard: {}: {}", h.kind.as_str(), h.message);
    }
    refuse_policy(&hazards, args)?;
    let rt = super::runtime()?;
    preflight(&rt, d, url, &saved, path, args.skip_preflight)?;
    if !args.auto_approve {
        confirm(&target)?;
    }
    let place = args.planning().exclude.history()?;
    super::apply::refuse_tx_mode(args.tx_mode, kind)?;
    let options = ApplyOptions {
        lock_timeout: args.planning().emit.lock_timeout(),
        resume: false,
        expect: Some(saved.expected(place.clone())),
        apply_lock_wait: args.apply_lock_wait,
        gate: None,
        history: place.clone(),
    };
    let resumable = d.pending(url, &place).is_some();
    let started = crate::dialect::audit::utc_now();
    let script = args.tx_mode.cut(&saved.up);
    let result = apply_or_interrupt(&rt, d.apply(url, &script, &options), resumable);
    super::history::record(&rt, kind, url, &place, &saved.up, started, &result);
    match result {
        Ok(report) => {
            report_applied(&report, saved.changes.len(), &target);
            Ok(Outcome::Success)
        }
        Err(e) if e.downcast_ref::<StalePlan>().is_some() => {
            Err(drifted(&rt, url, &saved, &place, path))
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

/// A saved plan's statements are run as written: `--keep-dropped` (or
/// `keep_dropped = true`) cannot make a plan made without it keep what it
/// drops, so such a plan that loses data is refused rather than run.
fn refuse_unkept(args: &Args, saved: &SavedPlan, path: &Path) -> miette::Result<()> {
    let loses = saved.hazards.iter().any(|h| h.kind.is_destructive());
    if !args.planning().emit.keeps_dropped() || saved.keep_dropped || !loses {
        return Ok(());
    }
    Err(miette!(
        code = "strata::apply::plan_not_kept",
        help = "plan again with --keep-dropped (`strata plan … --keep-dropped -o plan.json`), or pass --no-keep-dropped to run this plan as written",
        "{} was planned without --keep-dropped: its drops destroy what --keep-dropped asks to keep. Nothing was applied",
        path.display()
    ))
}

/// Data loss not allowed, and hazards the policy sets to `error`, refuse
/// the plan as they refuse a live one.
fn refuse_policy(hazards: &[&Hazard], args: &Args) -> miette::Result<()> {
    let policy = &args.planning().policy;
    let lost: Vec<&Hazard> = hazards
        .iter()
        .copied()
        // As a live plan: the schema's acknowledgement stands in for
        // --allow-destructive on its one object.
        .filter(|h| h.kind.is_destructive() && h.acknowledged.is_none())
        .collect();
    refuse_data_loss(&lost, args.allow_destructive || !policy.refuses_data_loss())?;
    refuse_policy_errors(&policy.errors_in(hazards.iter().copied()))
}

/// The plan's recorded data checks, run now on the data as it is: a row
/// inserted since the plan was made can make it certain to fail.
fn preflight(
    rt: &tokio::runtime::Runtime,
    d: &dyn dialect::Driver,
    url: &str,
    saved: &SavedPlan,
    path: &Path,
    skip: bool,
) -> miette::Result<()> {
    match &saved.preflight {
        Some(probes) => super::preflight::refuse(rt, d, url, probes, skip),
        None if skip => super::preflight::refuse(rt, d, url, &[], true),
        None => Err(miette!(
            code = "strata::apply::plan_unchecked",
            help = "plan again with this strata (`strata plan … -o plan.json`), or pass --skip-preflight to run it unchecked",
            "{} records no pre-flight data checks (it was written before plans recorded them): nothing was applied",
            path.display()
        )),
    }
}

/// When the objects strata models did not change, what did: the things
/// the database holds now that strata does not model on them (a plan
/// records them as part of its state, without their text).
fn unmodeled_now(now: &miette::Result<crate::source::Loaded>) -> String {
    let what: Vec<String> = now
        .iter()
        .flat_map(|n| &n.schema.depends.unmodeled)
        .map(|u| format!("  {} (not modeled by strata)", u.what))
        .collect();
    if what.is_empty() {
        "  (no difference in the objects strata models)".to_string()
    } else {
        format!(
            "  no difference in the objects strata models; the database now holds what strata does not model, which the plan may take along:\n{}",
            what.join("\n")
        )
    }
}

/// The refusal of a plan whose database moved on, naming what changed
/// since: the changes that lead from the state the plan recorded to the
/// state the database is in now.
fn drifted(
    rt: &tokio::runtime::Runtime,
    url: &str,
    saved: &SavedPlan,
    history: &Place,
    path: &Path,
) -> miette::Report {
    let d = dialect::for_kind(saved.dialect);
    let now = rt.block_on(crate::source::load(url, &saved.namespaces));
    let lines: Vec<String> = match &now {
        Ok(now) => match migration(
            &saved.database.schema,
            &history.strip(&now.schema),
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
        unmodeled_now(&now)
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
