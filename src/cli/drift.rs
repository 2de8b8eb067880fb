//! `strata drift`: which databases differ from the schema — a fleet's
//! (`--targets FILE`) or one (`--url`). A table (or JSON) of the targets,
//! exit 2 when any differs, 1 when any could not be read.

use super::common::{EmitArgs, Secrets};
use super::env::EnvArgs;
use super::exclude::ExcludeArgs;
use super::fleet::{Format, TargetsArgs};
use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One database to check (default: the environment's `url`, then
    /// $DATABASE_URL), when there is no `--targets`.
    #[arg(long)]
    url: Option<String>,
    /// The desired schema: files, a directory, or another database URL.
    #[arg(long)]
    to: String,
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

pub fn run(args: Args) -> miette::Result<Outcome> {
    let urls = match &args.fleet.targets {
        Some(path) => super::targets::load(path)?,
        None => vec![args.env.load()?.url(args.url.clone())?],
    };
    let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
    all.push(&args.to);
    let shape = super::apply::Shape {
        namespaces: &args.namespaces,
        exclude: &args.exclude,
        emit: &args.emit,
        dev_url: None,
    };
    Secrets::of(&all).scrub(super::fleet::drift(
        &shape,
        &urls,
        &args.to,
        args.fleet.parallel,
        args.format,
    ))
}
