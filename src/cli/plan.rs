//! `strata plan`: the SQL that takes the database at `--url` to the schema
//! `--to`; `--rollback FILE` writes the SQL that undoes it. SQL goes to
//! stdout (or `-o`), everything else to stderr. `-o plan.json` (or
//! `--format plan`) saves the plan for `strata apply --plan`
//! (`migration::saved`).

use std::path::PathBuf;

use miette::miette;

use super::common::{
    changes_outcome, check_source_dialect, parse_dialect, refuse_destructive, refuse_hazards,
    summarize, url_dialect, warn_all, write_file, write_output, Secrets,
};
use super::env::no_to;
use super::exclude::without;
use super::fleet::TargetsArgs;
use super::planning::Target;
use super::Outcome;
use crate::dialect;
use crate::ir::DialectKind;
use crate::migration::{migration, migration_of};
use crate::source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Sql,
    Json,
    Markdown,
    /// A saved plan for `strata apply --plan` (docs/saved-plans.md).
    Plan,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to plan for and the desired schema.
    #[command(flatten)]
    target: Target,
    /// sql by default; plan when `-o` names a `.json` file.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the plan here instead of stdout; `-o plan.json` saves a plan
    /// for `strata apply --plan`.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the SQL that undoes the plan to FILE.
    #[arg(long, value_name = "FILE")]
    rollback: Option<PathBuf>,
    /// Exit 0 even when the plan loses data (dropped tables or columns,
    /// narrowing type changes); otherwise such a plan is printed and the
    /// command exits 1.
    #[arg(long)]
    allow_destructive: bool,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    exit_code: bool,
    /// Run the plan and its rollback on a scratch database (on --dev-url)
    /// first (docs/prove.md).
    #[arg(long)]
    prove: bool,
    /// The dialect, when it must be checked against the URL's.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    #[command(flatten)]
    fleet: TargetsArgs,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.target.planning.resolve()?;
    let fleet = super::targets::fleet(&args.fleet, &selected, &args.target.url)?;
    // The database is asked for before the schema, so that a bare `strata
    // plan` first says the database is missing; a fleet names its own.
    let url = match &fleet {
        Some(_) => String::new(),
        None => selected.url(args.target.url.take())?,
    };
    let to = selected
        .to(args.target.to.take())?
        .ok_or_else(|| no_to(&selected))?;
    let dev_url = args.target.planning.dev_url.clone().unwrap_or_default();
    if let Some(urls) = fleet {
        let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
        all.push(&to);
        return Secrets::of(&all).scrub(plan_fleet(&args, urls, &to));
    }
    args.dialect = selected.dialect(args.dialect.take());
    let secrets = Secrets::of(&[&url, &to, &dev_url]);
    secrets.scrub(plan(args, &url, &to))
}

fn plan(args: Args, url: &str, to: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    let planning = &args.target.planning;
    check_dialect_flag(args.dialect.as_deref(), kind)?;
    let d = dialect::for_kind(kind);
    let exclude = planning.exclude.load()?;
    let rt = super::runtime()?;
    let sql = source::SqlSetup {
        dialect: Some(kind),
        dev_url: planning.dev_url.as_deref(),
    };
    let (whole, mut desired) =
        rt.block_on(source::load_pair_with(url, to, &planning.namespaces, &sql))?;
    warn_all(&whole.warnings);
    warn_all(&desired.warnings);
    check_source_dialect(&desired, kind, to)?;
    let history = planning.exclude.history()?;
    // A saved plan records the whole database, as `apply --plan` reads it;
    // nothing else needs the unfiltered schema, so it is not kept.
    let whole_stripped = (format(&args) == Format::Plan).then(|| history.strip(&whole.schema));
    let mut current = source::Loaded {
        schema: without(&exclude, whole.schema, true),
        ..whole
    };
    desired.schema = without(&exclude, std::mem::take(&mut desired.schema), false);

    // Only a preview, a saved plan and a proof look at the schemas again:
    // otherwise they are handed over, and freed as soon as normalized.
    let keep = args.prove || matches!(format(&args), Format::Markdown | Format::Plan);
    let mut options = planning.emit.options(kind);
    super::server::detect(&rt, dialect::driver(kind), url, &mut options);
    let acks = desired.schema.acknowledgements.clone();
    let mut m = if keep {
        migration(&current.schema, &desired.schema, d, &options)?
    } else {
        let from = std::mem::take(&mut current.schema);
        let to = std::mem::take(&mut desired.schema);
        migration_of(from, to, d, &options)?
    };
    super::cluster::annotate_plan(&rt, url, kind, &mut m)?;
    super::common::acknowledge(&mut m, &acks, true)?;
    let driver = dialect::driver(kind);
    let probes = crate::preflight::probes(driver, &m.plan);
    // Saved before the policy drops hazards: the policy of the apply
    // judges them.
    let saved = whole_stripped.map(|whole| {
        let changes = m.plan.steps.iter();
        let changes = changes.map(|s| crate::report::summary::line(&s.change));
        let saved = crate::migration::saved::SavedPlan::new(
            &m,
            &whole,
            &desired.schema,
            kind,
            &planning.namespaces,
            changes.collect(),
            probes.clone(),
        );
        crate::migration::saved::SavedPlan {
            keep_dropped: options.keep_dropped.is_some(),
            ..saved
        }
    });
    m.apply_policy(&planning.policy);
    if format(&args) != Format::Plan {
        // A saved plan's statements are what `apply --plan` checks; they
        // stay as planned.
        super::sizes::annotate(&rt, dialect::driver(kind), url, &mut m);
    }
    let text = match format(&args) {
        Format::Plan => saved.map(|p| p.to_json()).unwrap_or_default(),
        Format::Sql => crate::report::sql::render(d, &m.up),
        Format::Json => crate::report::json::render(&m, kind),
        Format::Markdown => {
            let (from_label, to_label) = (crate::url::redact(url), crate::url::redact(to));
            let (from_text, to_text) = (
                crate::syntax::print(&current.schema),
                crate::syntax::print(&desired.schema),
            );
            let mut preview =
                crate::report::markdown::Preview::new(kind, &m, &current.schema, &desired.schema);
            preview.from_label = &from_label;
            preview.to_label = &to_label;
            preview.source = Some((&from_text, &to_text));
            crate::report::markdown::render(&preview)
        }
    };
    write_output(args.output.as_deref(), &text)?;
    if let Some(path) = &args.rollback {
        write_file(path, &crate::report::sql::render(d, &m.down))?;
    }
    summarize(&m, d);
    super::preflight::warn(&rt, driver, url, &probes)?;
    if args.prove {
        let dev = crate::prove::Dev::new(planning.dev_url.as_deref(), url, &planning.namespaces);
        let proof = crate::prove::prove(&dev, &current.schema, &m, &desired.schema, d);
        rt.block_on(proof)?.finish()?;
    }
    refuse_destructive(
        &m,
        args.allow_destructive || !planning.policy.refuses_data_loss(),
    )?;
    if args.exit_code {
        refuse_hazards(&m, &planning.policy)?;
    }
    Ok(changes_outcome(&m, args.exit_code))
}

/// A fleet (`--targets FILE`, or the environment's `targets`): the
/// distinct plans, as SQL or JSON.
fn plan_fleet(args: &Args, urls: Vec<String>, to: &str) -> miette::Result<Outcome> {
    let json = match args.format {
        None | Some(Format::Sql) => false,
        Some(Format::Json) => true,
        Some(other) => {
            return Err(fleet_refusal(&format!(
                "--format {}",
                format!("{other:?}").to_lowercase()
            )))
        }
    };
    let unsupported = [
        (args.output.is_some(), "-o"),
        (args.rollback.is_some(), "--rollback"),
        (args.prove, "--prove"),
    ];
    if let Some((_, flag)) = unsupported.iter().find(|(given, _)| *given) {
        return Err(fleet_refusal(flag));
    }
    super::fleet::plan(
        &args.target.planning,
        &args.fleet,
        urls,
        to,
        json,
        args.exit_code,
    )
}

fn fleet_refusal(flag: &str) -> miette::Report {
    miette!(
        code = "strata::fleet::flag",
        help = "plan one target with --url for that; with --targets, --format is sql or json",
        "{flag} does not combine with --targets"
    )
}

/// `--format`, else a saved plan for `-o *.json`, else SQL.
fn format(args: &Args) -> Format {
    let json_file = args
        .output
        .as_deref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    match args.format {
        Some(f) => f,
        None if json_file => Format::Plan,
        None => Format::Sql,
    }
}

fn check_dialect_flag(flag: Option<&str>, kind: DialectKind) -> miette::Result<()> {
    if let Some(flag) = flag {
        let asked = parse_dialect(flag)?;
        if asked != kind {
            return Err(miette!(
                code = "strata::cli::dialect_mismatch",
                help = format!("drop --dialect, or point --url at a {asked} database"),
                "--dialect {asked} does not match the database URL, which is {kind}"
            ));
        }
    }
    Ok(())
}
