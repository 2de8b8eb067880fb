//! `strata plan`: the SQL that takes the database at `--url` to the schema
//! `--to`; `--rollback FILE` writes the SQL that undoes it. SQL goes to
//! stdout (or `-o`), everything else to stderr. `-o plan.json` (or
//! `--format plan`) saves the plan for `strata apply --plan`
//! (`migration::saved`).

use std::path::PathBuf;

use miette::miette;

use super::common::{
    changes_outcome, check_source_dialect, parse_dialect, refuse_destructive, refuse_hazards,
    summarize, url_dialect, warn_all, write_file, write_output, EmitArgs, Secrets,
};
use super::env::{no_to, EnvArgs};
use super::exclude::{without, ExcludeArgs};
use super::fleet::TargetsArgs;
use super::Outcome;
use crate::dialect;
use crate::ir::DialectKind;
use crate::migration::migration;
use crate::plan::hazard::policy::Policy;
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
    /// The database to plan for (default: the environment's `url`, then
    /// $DATABASE_URL).
    #[arg(long)]
    url: Option<String>,
    /// The desired schema: files, a directory, another database URL, or
    /// SQL (a .sql file or a directory of them, loaded into a scratch
    /// database on --dev-url; in memory for SQLite) (default: the
    /// environment's `schema`).
    #[arg(long)]
    to: Option<String>,
    /// Only these namespaces of the database (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
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
    /// Run the plan and its rollback on a scratch database first (docs/prove.md).
    #[arg(long)]
    prove: bool,
    /// The server where --prove and a SQL --to create their scratch
    /// databases (default: the environment's `dev_url`, then
    /// $STRATA_DEV_URL).
    #[arg(long)]
    dev_url: Option<String>,
    #[command(flatten)]
    emit: EmitArgs,
    #[command(flatten)]
    exclude: ExcludeArgs,
    /// The dialect, when it must be checked against the URL's.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    #[command(flatten)]
    env: EnvArgs,
    #[command(flatten)]
    fleet: TargetsArgs,
    #[arg(skip)]
    policy: Policy,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.env.load()?;
    let fleet = super::targets::fleet(&args.fleet, &selected, &args.url)?;
    // The database is asked for before the schema, so that a bare `strata
    // plan` first says the database is missing; a fleet names its own.
    let url = match &fleet {
        Some(_) => String::new(),
        None => selected.url(args.url.take())?,
    };
    let to = selected
        .to(args.to.take())?
        .ok_or_else(|| no_to(&selected))?;
    args.dev_url = selected.dev_url(args.dev_url.take())?;
    args.emit.with_env(selected.env.as_ref())?;
    args.exclude.with_env(selected.env.as_ref());
    args.policy = selected.policy();
    if let Some(urls) = fleet {
        let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
        all.push(&to);
        return Secrets::of(&all).scrub(plan_fleet(&args, urls, &to));
    }
    args.dialect = selected.dialect(args.dialect.take());
    let secrets = Secrets::of(&[&url, &to, args.dev_url.as_deref().unwrap_or("")]);
    secrets.scrub(plan(args, &url, &to))
}

fn plan(args: Args, url: &str, to: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    check_dialect_flag(args.dialect.as_deref(), kind)?;
    let d = dialect::for_kind(kind);
    let exclude = args.exclude.load()?;
    let rt = super::runtime()?;
    let sql = source::SqlSetup {
        dialect: Some(kind),
        dev_url: args.dev_url.as_deref(),
    };
    let (whole, mut desired) =
        rt.block_on(source::load_pair_with(url, to, &args.namespaces, &sql))?;
    warn_all(&whole.warnings);
    warn_all(&desired.warnings);
    check_source_dialect(&desired, kind, to)?;
    // A saved plan records the whole database, as `apply --plan` reads it.
    let current = source::Loaded {
        schema: without(&exclude, &whole.schema, true),
        ..whole.clone()
    };
    desired.schema = without(&exclude, &desired.schema, false);

    let mut m = migration(&current.schema, &desired.schema, d, &args.emit.options())?;
    super::cluster::annotate_plan(&rt, url, kind, &mut m)?;
    m.apply_policy(&args.policy);
    let text = match format(&args) {
        Format::Plan => crate::migration::saved::SavedPlan::new(
            &m,
            &whole.schema,
            &desired.schema,
            kind,
            &args.namespaces,
            m.plan
                .steps
                .iter()
                .map(|s| crate::report::summary::line(&s.change))
                .collect(),
        )
        .to_json(),
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
    super::preflight::warn(&rt, dialect::driver(kind), url, &m.plan)?;
    if args.prove {
        let dev = crate::prove::Dev::new(args.dev_url.as_deref(), url, &args.namespaces);
        let proof = crate::prove::prove(&dev, &current.schema, &m, &desired.schema, d);
        rt.block_on(proof)?.finish()?;
    }
    refuse_destructive(
        &m,
        args.allow_destructive || !args.policy.refuses_data_loss(),
    )?;
    if args.exit_code {
        refuse_hazards(&m, &args.policy)?;
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
    let shape = super::apply::Shape {
        namespaces: &args.namespaces,
        exclude: &args.exclude,
        emit: &args.emit,
        dev_url: args.dev_url.as_deref(),
        policy: &args.policy,
        read_url: None,
    };
    super::fleet::plan(&shape, &args.fleet, urls, to, json, args.exit_code)
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
