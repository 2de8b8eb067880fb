//! `strata apply`: plan, show, confirm, execute, report.
//!
//! The plan goes to stderr (with `--dry-run`, its SQL to stdout and
//! nothing runs). Without `--auto-approve` it asks `Apply? [y/N]` on a
//! terminal and refuses when there is none to ask on. A plan that loses
//! data is refused without `--allow-destructive`.

use std::io::{BufRead, IsTerminal, Write};

use miette::{miette, IntoDiagnostic};

use super::plan::{
    check_source_dialect, database_url, refuse_destructive, summarize, url_dialect, warn_all,
    EmitArgs, Secrets,
};
use super::Outcome;
use crate::apply::ApplyOptions;
use crate::dialect;
use crate::plan::migration;
use crate::source::{self, redact};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to change (default: $DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    url: Option<String>,
    /// The desired schema: files, a directory, or another database URL.
    #[arg(long)]
    to: String,
    /// Only these namespaces of the database (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
    /// Apply without asking.
    #[arg(long)]
    auto_approve: bool,
    /// Accept changes that lose data (dropped tables or columns, narrowing
    /// type changes).
    #[arg(long)]
    allow_destructive: bool,
    /// Print the SQL that would run, and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Continue an apply that failed part-way (MySQL/MariaDB, whose DDL is
    /// not transactional): the plan is made again from where the database
    /// stands, and no statement the history shows as applied runs twice.
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    emit: EmitArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let url = database_url(args.url.as_deref())?;
    let secrets = Secrets::of(&[&url, &args.to]);
    secrets.scrub(apply(args, &url))
}

fn apply(args: Args, url: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    let d = dialect::for_kind(kind);
    let rt = super::runtime()?;
    let (current, mut desired) = rt.block_on(source::load_pair(url, &args.to, &args.namespaces))?;
    warn_all(&current.warnings);
    check_source_dialect(&desired, kind, &args.to)?;

    let options = args.emit.options();
    let m = migration(&current.schema, &desired.schema, d, &options)?;
    let target = redact(url);
    if m.plan.is_empty() {
        eprintln!("No changes: {target} already matches {}.", redact(&args.to));
        return Ok(Outcome::Success);
    }
    let sql = crate::report::sql::render(d, &m.up);
    if args.dry_run {
        summarize(&m, d);
        super::plan::write_output(None, &sql)?;
        refuse_destructive(&m, args.allow_destructive)?;
        eprintln!("Dry run: nothing was applied.");
        return Ok(Outcome::Success);
    }
    eprintln!("{sql}");
    summarize(&m, d);
    refuse_destructive(&m, args.allow_destructive)?;
    if !args.auto_approve {
        confirm(&target)?;
    }

    let report = rt.block_on(crate::apply::apply(
        url,
        &m.up,
        &ApplyOptions {
            lock_timeout: args.emit.lock_timeout(),
            resume: args.resume,
        },
    ))?;
    for s in &report.executed {
        eprintln!("ran: {}", first_line(s));
    }
    eprintln!(
        "Applied {} change{} ({} statement{}) to {target}.",
        m.plan.steps.len(),
        if m.plan.steps.len() == 1 { "" } else { "s" },
        report.executed.len(),
        if report.executed.len() == 1 { "" } else { "s" },
    );

    // Planning again right away must find nothing; if it does, say so
    // rather than let the difference surface on the next run.
    let after = rt.block_on(async {
        let after = source::load(url, &args.namespaces).await?;
        source::align(url, &after.schema, &mut desired.schema).await?;
        Ok::<_, miette::Report>(after)
    })?;
    let again = migration(&after.schema, &desired.schema, d, &options)?;
    if !again.plan.is_empty() {
        eprintln!(
            "warning: after the apply, {} change{} still differ from {}:",
            again.plan.steps.len(),
            if again.plan.steps.len() == 1 { "" } else { "s" },
            redact(&args.to)
        );
        for step in &again.plan.steps {
            eprintln!("  {}", crate::plan::describe(&step.change));
        }
    }
    Ok(Outcome::Success)
}

fn first_line(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or("").trim();
    if sql.lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_string()
    }
}

/// Asks on the terminal; refuses when stdin is not one.
fn confirm(target: &str) -> miette::Result<()> {
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
