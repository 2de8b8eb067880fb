//! `strata fmt`: rewrites schema files in canonical form, keeping their
//! comments and the order of their items.

use std::path::PathBuf;

use super::Outcome;
use crate::syntax::{self, Diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files, or directories (every `*.strata` file below them).
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let files = syntax::read_paths(&args.paths).map_err(Diagnostics::into_report)?;
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for f in &files {
        match syntax::format_file(f) {
            Ok(out) if out != f.text => changed.push((f.name.clone(), out)),
            Ok(_) => {}
            Err(d) => errors.extend(d.items),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics { items: errors }.into_report());
    }
    if args.check {
        for (name, _) in &changed {
            println!("{name}");
        }
        if changed.is_empty() {
            return Ok(Outcome::Success);
        }
        return Err(miette::miette!(
            code = "strata::fmt::check",
            help = "run `strata fmt` on these paths to format them",
            "{} file{} would be reformatted",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        ));
    }
    for (name, out) in &changed {
        std::fs::write(name, out)
            .map_err(|e| miette::miette!(code = "E0001", "cannot write `{name}`: {e}"))?;
        eprintln!("formatted {name}");
    }
    Ok(Outcome::Success)
}
