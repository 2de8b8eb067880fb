//! `strata drift`: which databases differ from the schema — a fleet's
//! (`--targets FILE`) or one (`--url`). A table (or JSON) of the targets,
//! exit 2 when any differs, 1 when any could not be read.

use super::common::Secrets;
use super::env::no_to;
use super::fleet::{Format, TargetsArgs};
use super::planning::Target;
use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// One database to check (`--url`; default: the environment's targets
    /// or `url`, then $DATABASE_URL), when there is no `--targets`, and
    /// the desired schema.
    #[command(flatten)]
    target: Target,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    fleet: TargetsArgs,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.target.planning.resolve()?;
    let urls = match super::targets::fleet(&args.fleet, &selected, &args.target.url)? {
        Some(urls) => urls,
        None => vec![selected.url(args.target.url.take())?],
    };
    let to = selected
        .to(args.target.to.take())?
        .ok_or_else(|| no_to(&selected))?;
    let planning = &args.target.planning;
    let mut all: Vec<&str> = urls.iter().map(String::as_str).collect();
    all.push(&to);
    all.extend(planning.dev_url.as_deref());
    Secrets::of(&all).scrub(super::fleet::drift(
        planning,
        &urls,
        &to,
        args.fleet.parallel,
        args.format,
    ))
}
