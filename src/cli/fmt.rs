//! `strata fmt`.

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> miette::Result<Outcome> {
    Err(miette::miette!("`strata fmt` is not built yet"))
}
