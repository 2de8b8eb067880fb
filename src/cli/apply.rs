//! `strata apply`: plan, show, confirm, execute, report.
//!
//! The plan goes to stderr (with `--dry-run`, its SQL to stdout and
//! nothing runs). Without `--auto-approve` it asks `Apply? [y/N]` on a
//! terminal and refuses when there is none to ask on. A plan that loses
//! data is refused without `--allow-destructive`. The plan runs only on
//! the database state it was computed from (docs/safety.md): when the
//! database changed by the time the apply holds its lock, it is planned
//! again. `--plan FILE` runs a saved plan (`apply_saved.rs`); `--resume`
//! continues the unfinished MySQL/MariaDB plan that `strata_history`
//! records.

use std::io::{BufRead, IsTerminal, Write};

use miette::{miette, IntoDiagnostic};

use super::common::{
    check_source_dialect, parse_duration, refuse_destructive, summarize, url_dialect, warn_all,
    Secrets,
};
use super::env::no_to;
use super::exclude::without;
use super::fleet::FleetArgs;
use super::interrupt::apply_or_interrupt;
use super::planning::{Planning, Target};
use super::Outcome;
use crate::cluster;
use crate::dialect::tx_mode::TxMode;
use crate::dialect::{self, ApplyOptions, ApplyReport, Expected, Script, StalePlan};
use crate::migration::migration;
use crate::source;
use crate::url::redact;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to change and the desired schema (optional with
    /// `--resume`: given, the database is planned against it once the
    /// resumed plan is done; not with `--plan`).
    #[command(flatten)]
    pub(super) target: Target,
    /// Run a plan saved by `strata plan -o plan.json`: exactly its
    /// statements, and only on the database state it was planned from.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["to", "resume", "namespaces", "online"]
    )]
    pub(super) plan: Option<std::path::PathBuf>,
    /// Apply without asking.
    #[arg(long)]
    pub(super) auto_approve: bool,
    /// Accept changes that lose data (dropped tables or columns, narrowing
    /// type changes).
    #[arg(long)]
    pub(super) allow_destructive: bool,
    /// Print the SQL that would run, and run nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Continue an apply that failed part-way (MySQL/MariaDB, whose DDL is
    /// not transactional): the statements of the unfinished plan recorded
    /// in strata_history run from the one that failed; none runs twice.
    #[arg(long)]
    resume: bool,
    /// Run without the pre-flight data checks (rows a new NOT NULL,
    /// unique key, check or foreign key would reject): for tables too big
    /// to scan. A plan that fails on the data then stops part-way.
    #[arg(long)]
    pub(super) skip_preflight: bool,
    /// How long to wait for another strata apply on the same database to
    /// finish before giving up on it (default 10m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(super) apply_lock_wait: Option<std::time::Duration>,
    /// How much one transaction holds (PostgreSQL; docs/safety.md):
    /// `all` (each phase), `per-step` (each step commits: a large
    /// bootstrap stays within the server's lock table), `none` (each
    /// statement). MySQL commits every DDL statement anyway; SQLite only
    /// runs `all`.
    #[arg(long, value_enum, default_value_t = TxMode::All)]
    pub(super) tx_mode: TxMode,
    #[command(flatten)]
    pub(super) fleet: FleetArgs,
    #[command(flatten)]
    pub(super) cluster: super::cluster::ClusterArgs,
}

impl Args {
    /// The flags that decide the plan.
    pub(super) fn planning(&self) -> &Planning {
        &self.target.planning
    }
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.target.planning.resolve()?;
    let fleet = super::targets::fleet(&args.fleet.targets, &selected, &args.target.url)?;
    args.cluster.with_env(selected.env.as_ref())?;
    args.target.planning.read_url = args.cluster.read_url.clone();
    if fleet.is_some() && args.cluster.given() {
        return Err(miette!(
            code = "strata::fleet::mode",
            help = "apply to the primary or Galera node with --url",
            "a fleet apply does not take --replica, --read-url or --galera-osu"
        ));
    }
    if fleet.is_some() && (args.plan.is_some() || args.resume) {
        return Err(miette!(
            code = "strata::fleet::mode",
            help = "plan each target afresh with `--targets FILE --to SCHEMA`, or pass --url for one target",
            "a fleet apply does not combine with --plan or --resume"
        ));
    }
    if args.plan.is_none() {
        args.target.to = selected.to(args.target.to.take())?;
        if args.target.to.is_none() && !args.resume {
            return Err(no_to(&selected));
        }
    }
    if let Some(fleet) = fleet {
        return super::fleet::apply(args, fleet);
    }
    let url = selected.url(args.target.url.take())?;
    let mut secret_urls = vec![
        url.as_str(),
        args.target.to.as_deref().unwrap_or(""),
        args.planning().dev_url.as_deref().unwrap_or(""),
        args.cluster.read_url.as_deref().unwrap_or(""),
    ];
    secret_urls.extend(args.cluster.replicas.iter().map(String::as_str));
    let secrets = Secrets::of(&secret_urls);
    if let Some(path) = args.plan.clone() {
        return secrets.scrub(super::apply_saved::run(&args, &url, &path));
    }
    match args.target.to.clone() {
        Some(to) if !args.resume => secrets.scrub(apply(args, &url, &to)),
        _ => secrets.scrub(resume(args, &url)),
    }
}

/// A plan and the database state it was computed from.
pub(super) struct Planned {
    pub m: crate::migration::Migration,
    desired: crate::ir::Schema,
    expected: Expected,
}

pub(super) fn plan_now(
    rt: &tokio::runtime::Runtime,
    args: &Planning,
    url: &str,
    to: &str,
    warn: bool,
) -> miette::Result<Planned> {
    let kind = url_dialect(url)?;
    let exclude = args.exclude.load()?;
    let sql = source::SqlSetup {
        dialect: Some(kind),
        dev_url: args.dev_url.as_deref(),
    };
    let read = args.read_url.as_deref().unwrap_or(url);
    let (current, desired) =
        rt.block_on(source::load_pair_with(read, to, &args.namespaces, &sql))?;
    if warn {
        warn_all(&current.warnings);
        warn_all(&desired.warnings);
    }
    check_source_dialect(&desired, kind, to)?;
    let desired_schema = without(&exclude, desired.schema, false);
    let mut options = args.emit.options(kind);
    super::server::detect(rt, dialect::driver(kind), url, &mut options);
    let mut m = migration(
        &without(&exclude, current.schema.clone(), warn),
        &desired_schema,
        dialect::for_kind(kind),
        &options,
    )?;
    super::common::acknowledge(&mut m, &desired_schema.acknowledgements, warn)?;
    m.apply_policy(&args.policy);
    let history = args.exclude.history()?;
    Ok(Planned {
        m,
        expected: Expected {
            // The whole database: the driver reads it all again under its lock.
            fingerprint: dialect::fingerprint(&history.strip(&current.schema)),
            namespaces: args.namespaces.to_vec(),
            history,
        },
        desired: desired_schema,
    })
}

/// How many times in a row the database may change under an apply whose
/// new plan is the one already approved, before it gives up.
const STALE_ROUNDS: usize = 5;

/// How the one-target path speaks: to a person at a terminal, or as one
/// target of a fleet (`fleet.rs`), whose plans were shown and approved
/// once for all targets before any ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Voice {
    Alone,
    InFleet,
}

/// What an apply to one target did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Converged {
    /// The plan's steps that ran (0: the target already matched).
    pub changes: usize,
    pub statements: usize,
    /// Changes a plan made right after the apply still finds.
    pub still_differ: usize,
}

fn apply(args: Args, url: &str, to: &str) -> miette::Result<Outcome> {
    let rt = super::runtime()?;
    converge(&rt, &args, url, to, None, Voice::Alone)?;
    Ok(Outcome::Success)
}

/// Plans, shows, confirms, and runs the plan only on the database state
/// it was computed from: the driver reads the database again once it
/// holds the apply lock, and when it changed meanwhile (another apply
/// queued ahead, a change made while the prompt waited) nothing runs and
/// the plan is made again. A new plan with the very statements approved
/// runs; another is shown and asked again, or, with `--auto-approve`,
/// refused unless there is nothing left to do. In a fleet, `approved` is
/// the plan approved for the target's group, and any other is refused.
pub(super) fn converge(
    rt: &tokio::runtime::Runtime,
    args: &Args,
    url: &str,
    to: &str,
    mut approved: Option<Script>,
    voice: Voice,
) -> miette::Result<Converged> {
    let d = dialect::driver(url_dialect(url)?);
    refuse_tx_mode(args.tx_mode, d.kind())?;
    let alone = voice == Voice::Alone;
    let target = redact(url);
    let mut checked: Option<Script> = None;
    let cluster = match voice {
        Voice::Alone => rt.block_on(cluster::survey(url, d.kind(), &args.cluster.settings()))?,
        Voice::InFleet => cluster::Cluster::Alone,
    };
    rt.block_on(cluster.check_before())?;
    for round in 0..=STALE_ROUNDS {
        let replanned = round > 0;
        if let Some(replica) = &args.cluster.read_url {
            rt.block_on(cluster::replica::caught_up(
                url,
                replica,
                args.cluster.replica_wait,
            ))?;
        }
        let mut p = plan_now(rt, args.planning(), url, to, alone && !replanned)?;
        rt.block_on(cluster.annotate(url, &mut p.m))?;
        // The cluster's hazards came after the schema's acknowledgements
        // were matched (unmatched ones were already reported).
        p.m.acknowledge(&p.desired.acknowledgements);
        p.m.apply_policy(&args.planning().policy);
        if p.m.plan.is_empty() {
            if alone {
                let already = if replanned { "now" } else { "already" };
                eprintln!("No changes: {target} {already} matches {}.", redact(to));
            }
            supersede_unfinished(rt, d, url, &args.planning().exclude.history()?)?;
            return Ok(Converged::default());
        }
        if alone && args.dry_run {
            let shown = sized(rt, d, url, &p.m);
            let sql = crate::report::sql::render(d, &shown.up);
            summarize(&shown, d);
            super::common::write_output(None, &sql)?;
            refuse_policy(&p.m, args)?;
            eprintln!("Dry run: nothing was applied.");
            return Ok(Converged::default());
        }
        if approved.as_ref() == Some(&p.m.up) {
            if alone {
                eprintln!("The plan made again is the one approved.");
            }
        } else if alone {
            let shown = sized(rt, d, url, &p.m);
            eprintln!("{}", crate::report::sql::render(d, &shown.up));
            summarize(&shown, d);
            if replanned && args.auto_approve {
                return Err(changed_unreviewed(&target));
            }
            refuse_policy(&p.m, args)?;
        } else {
            return Err(changed_unreviewed(&target));
        }
        if checked.as_ref() != Some(&p.m.up) {
            let probes = crate::preflight::probes(d, &p.m.plan);
            super::preflight::refuse(rt, d, url, &probes, args.skip_preflight)?;
            if alone && !args.auto_approve && approved.as_ref() != Some(&p.m.up) {
                confirm(&target)?;
            }
            checked = Some(p.m.up.clone());
        }
        let options = ApplyOptions {
            lock_timeout: args.planning().emit.lock_timeout(),
            resume: false,
            expect: Some(p.expected.clone()),
            apply_lock_wait: args.apply_lock_wait,
            gate: cluster.gate(),
            history: args.planning().exclude.history()?,
        };
        let resumable = d.pending(url, &options.history).is_some();
        let place = options.history.clone();
        let started = crate::dialect::audit::utc_now();
        let script = args.tx_mode.cut(&p.m.up);
        if alone && args.tx_mode != TxMode::All {
            eprintln!("Transactions: {}.", args.tx_mode.hazard());
        }
        let result = if let Some(r) = rt.block_on(cluster.apply(&script, &p.expected)) {
            r
        } else if alone {
            apply_or_interrupt(rt, d.apply(url, &script, &options), resumable)
        } else {
            rt.block_on(d.apply(url, &script, &options))
        };
        super::history::record(rt, d.kind(), url, &place, &p.m.up, started, &result);
        match result {
            Err(e) if e.downcast_ref::<StalePlan>().is_some() => {
                if alone {
                    eprintln!("{target} changed since this plan was made: nothing was applied; planning again.");
                }
                approved = Some(p.m.up);
            }
            Err(e) => return Err(e),
            Ok(report) => {
                let changes = p.m.plan.steps.len();
                if alone {
                    report_applied(&report, changes, &target);
                }
                rt.block_on(cluster.check_after())?;
                let left = plan_again(rt, args, url, to, p.desired, alone)?;
                return Ok(Converged {
                    changes,
                    statements: report.executed.len(),
                    still_differ: left,
                });
            }
        }
    }
    Err(miette!(
        code = "strata::apply::database_changing",
        help = "run the apply again when nothing else is changing the schema",
        "{target} changed under every one of {} attempts to apply: nothing was applied",
        STALE_ROUNDS + 1
    ))
}

/// The plan as shown, with the size of each table a hazard reads
/// (`sizes`). Only what is shown: the plan approved and run is compared
/// as planned, so that a new estimate is not a new plan.
fn sized(
    rt: &tokio::runtime::Runtime,
    d: &dyn crate::dialect::Driver,
    url: &str,
    m: &crate::migration::Migration,
) -> crate::migration::Migration {
    let mut shown = m.clone();
    super::sizes::annotate(rt, d, url, &mut shown);
    shown
}

/// SQLite runs a script in one write transaction, checked and rebuilt
/// as one: it has no other mode.
pub(super) fn refuse_tx_mode(mode: TxMode, kind: crate::ir::DialectKind) -> miette::Result<()> {
    if mode.allowed(kind) {
        return Ok(());
    }
    let name = clap::ValueEnum::to_possible_value(&mode)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    Err(miette!(
        code = "strata::apply::tx_mode",
        help = "drop --tx-mode: a SQLite apply is one transaction (the file is locked, not each table)",
        "--tx-mode {name} is not available on {kind}"
    ))
}

/// The database changed since its plan was approved, into a state whose
/// plan nobody has seen.
fn changed_unreviewed(target: &str) -> miette::Report {
    miette!(
        code = "strata::apply::database_changed",
        help = "review the new plan and run the apply again",
        "{target} changed while this apply waited: its plan was not run, and the new plan is not run without review"
    )
}

/// The refusal of data loss not allowed, and of hazards the policy
/// sets to `error`.
fn refuse_policy(m: &crate::migration::Migration, args: &Args) -> miette::Result<()> {
    let policy = &args.planning().policy;
    let allowed = args.allow_destructive || !policy.refuses_data_loss();
    refuse_destructive(m, allowed)?;
    super::common::refuse_hazards(m, policy)
}

/// One line of totals (each statement was reported as it completed,
/// `progress.rs`).
pub(super) fn report_applied(report: &ApplyReport, changes: usize, target: &str) {
    eprintln!(
        "Applied {} change{} ({} statement{}) to {target}.",
        changes,
        if changes == 1 { "" } else { "s" },
        report.executed.len(),
        if report.executed.len() == 1 { "" } else { "s" },
    );
}

/// A database that already matches the schema has nothing left of an
/// unfinished plan (the statement in flight when it stopped finished, or
/// someone finished the work): an empty run marks it superseded in the
/// history, kept, so that `--resume` stops offering it. A history that
/// cannot be read is left to `--resume` to report.
fn supersede_unfinished(
    rt: &tokio::runtime::Runtime,
    d: &dyn dialect::Driver,
    url: &str,
    history: &crate::dialect::audit::Place,
) -> miette::Result<()> {
    let Some(pending) = d.pending(url, history) else {
        return Ok(());
    };
    if let Ok(Some(p)) = rt.block_on(pending) {
        let empty = dialect::Script::default();
        let options = ApplyOptions {
            history: history.clone(),
            ..ApplyOptions::default()
        };
        rt.block_on(d.apply(url, &empty, &options))?;
        eprintln!(
            "The unfinished plan {} recorded in strata_history is marked superseded: the database already matches.",
            p.hash
        );
    }
    Ok(())
}

/// Planning again right away must find nothing; if it does, say so
/// rather than let the difference surface on the next run.
fn plan_again(
    rt: &tokio::runtime::Runtime,
    args: &Args,
    url: &str,
    to: &str,
    mut desired: crate::ir::Schema,
    alone: bool,
) -> miette::Result<usize> {
    let d = dialect::for_kind(url_dialect(url)?);
    let after = rt.block_on(async {
        let after = source::load(url, &args.planning().namespaces).await?;
        source::align(url, &after.schema, &mut desired).await?;
        Ok::<_, miette::Report>(after)
    })?;
    // `--resume` passes its desired schema unfiltered; filtering twice is harmless.
    let exclude = args.planning().exclude.load()?;
    let after = without(&exclude, after.schema, false);
    let desired = without(&exclude, desired, false);
    let again = migration(&after, &desired, d, &args.planning().emit.options(d.kind()))?;
    if alone && !again.plan.is_empty() {
        eprintln!(
            "warning: after the apply, {} change{} still differ from {}:",
            again.plan.steps.len(),
            if again.plan.steps.len() == 1 { "" } else { "s" },
            redact(to)
        );
        for step in &again.plan.steps {
            eprintln!("  {}", crate::report::summary::line(&step.change));
        }
    }
    Ok(again.plan.steps.len())
}

/// `--resume`: runs the rest of the unfinished plan recorded in
/// `strata_history`, exactly as recorded (its hash checked), after the
/// statements already applied. Nothing pending is an error (exit 1): the
/// caller expected work that is not there.
fn resume(args: Args, url: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    let d = dialect::driver(kind);
    let place = args.planning().exclude.history()?;
    let Some(pending) = d.pending(url, &place) else {
        return Err(miette!(
            code = "strata::apply::resume_unsupported",
            help = "run `strata apply --to …` again: the failed apply was rolled back",
            "--resume continues a MySQL/MariaDB apply; {kind} applies in a transaction, so a failed apply leaves nothing to continue"
        ));
    };
    let rt = super::runtime()?;
    let target = redact(url);
    let planning = args.planning();
    let desired = match args.target.to.as_deref() {
        Some(to) => {
            let sql = source::SqlSetup {
                dialect: Some(kind),
                dev_url: planning.dev_url.as_deref(),
            };
            let desired = rt.block_on(source::load_with(to, &planning.namespaces, &sql))?;
            check_source_dialect(&desired, kind, to)?;
            Some(desired.schema)
        }
        None => None,
    };
    let Some(pending) = rt.block_on(pending)? else {
        return Err(miette!(
            code = "strata::apply::nothing_to_resume",
            help = "every apply recorded in strata_history finished; `strata apply --to …` plans afresh",
            "nothing to resume: {target} has no unfinished apply"
        ));
    };
    let remaining = pending.remaining();
    let total = pending.script.statements().count();
    let sql = crate::report::sql::render(d, &remaining);
    eprintln!(
        "Resuming plan {} on {target}: {} of {total} statements applied, {} to run:",
        pending.hash,
        pending.applied,
        total - pending.applied
    );
    if args.dry_run {
        super::common::write_output(None, &sql)?;
        eprintln!("Dry run: nothing was applied.");
        return Ok(Outcome::Success);
    }
    eprintln!("{sql}");
    if !args.auto_approve {
        confirm(&target)?;
    }
    let options = ApplyOptions {
        lock_timeout: args.planning().emit.lock_timeout(),
        resume: true,
        expect: None,
        apply_lock_wait: args.apply_lock_wait,
        gate: None,
        history: place.clone(),
    };
    let report = apply_or_interrupt(&rt, d.apply(url, &pending.script, &options), true)?;
    for note in &report.notes {
        eprintln!("{note}");
    }
    eprintln!(
        "Resumed plan {}: ran {} statement{}; the plan is complete on {target}.",
        pending.hash,
        report.executed.len(),
        if report.executed.len() == 1 { "" } else { "s" },
    );
    if let (Some(to), Some(desired)) = (args.target.to.as_deref(), desired) {
        plan_again(&rt, &args, url, to, desired, true)?;
    }
    Ok(Outcome::Success)
}

/// Asks on the terminal; refuses when stdin is not one.
pub(super) fn confirm(target: &str) -> miette::Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(miette!(
            code = "strata::apply::no_confirmation",
            help = "review the plan with `strata plan`, then pass --auto-approve",
            "refusing to apply without confirmation: stdin is not a terminal"
        ));
    }
    eprint!("Apply to {target}? [y/N] ");
    std::io::stderr().flush().into_diagnostic()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).into_diagnostic()?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(miette!(
            code = "strata::apply::cancelled",
            "apply cancelled: nothing was changed"
        )),
    }
}
