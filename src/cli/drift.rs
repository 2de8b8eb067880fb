//! `strata drift`: which databases differ from the schema — a fleet's
//! (`--targets FILE`) or one (`--url`). A table (or JSON) of the targets,
//! exit 2 when any differs, 1 when any could not be read.

use super::common::{EmitArgs, Secrets};
use super::env::{no_to, EnvArgs};
use super::exclude::ExcludeArgs;
use super::fleet::{Format, TargetsArgs};
use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One database to check (default: the environment's targets or
    /// `url`, then $DATABASE_URL), when there is no `--targets`.
    #[arg(long)]
    url: Option<String>,
    /// The desired schema: files, a directory, or another database URL
    /// (default: the environment's `schema`).
    #[arg(long)]
    to: Option<String>,
    /// The server where a SQL --to is loaded into a scratch database
    /// (default: the environment's `dev_url`, then $STRATA_DEV_URL).
    #[arg(long)]
    dev_url: Option<String>,
    /// Only these namespaces of the databases (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    fleet: TargetsArgs,
    #[command(flatten)]
    emit: EmitArgs,
    #[command(flatten)]
    exclude: ExcludeArgs,
    #[command(flatten)]
    env: EnvArgs,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.env.load()?;
    let urls = match super::targets::fleet(&args.fleet, &selected, &args.url)? {
        Some(urls) => urls,
        None => vec![selected.url(args.url.take())?],
    };
    let to = selected
        .to(args.to.take())?
        .ok_or_else(|| no_to(&selected))?;
    let dev_url = selected.dev_url(args.dev_url.take())?;
    args.emit.with_env(selected.env.as_ref())?;
    args.exclude.with_env(selected.env.as_ref());
    let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
    all.push(&to);
    all.extend(dev_url.as_deref());
    let policy = selected.policy();
    let shape = super::apply::Shape {
        namespaces: &args.namespaces,
        exclude: &args.exclude,
        emit: &args.emit,
        dev_url: dev_url.as_deref(),
        policy: &policy,
        read_url: None,
    };
    Secrets::of(&all).scrub(super::fleet::drift(
        &shape,
        &urls,
        &to,
        args.fleet.parallel,
        args.format,
    ))
}
