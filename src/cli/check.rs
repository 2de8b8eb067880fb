//! `strata check`: parse and validate schema files; print every diagnostic.

use std::path::PathBuf;

use miette::Severity;

use super::Outcome;
use crate::syntax::{self, Diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files, or directories (every `*.strata` file below them), read as one schema.
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let files = syntax::read_paths(&args.paths).map_err(Diagnostics::into_report)?;
    let a = syntax::analyze(&files);
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(Diagnostics {
            items: a.diagnostics,
        }
        .into_report());
    }
    for d in &a.diagnostics {
        eprintln!("{:?}", miette::Report::new(d.clone()));
    }
    let s = &a.schema;
    eprintln!(
        "ok: {} file{}, {} table{}, {} view{}, {} enum{}",
        files.len(),
        plural(files.len()),
        s.tables.len(),
        plural(s.tables.len()),
        s.views.len(),
        plural(s.views.len()),
        s.enums.len(),
        plural(s.enums.len()),
    );
    Ok(Outcome::Success)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
