//! `strata check`: parse and validate schema files; print every diagnostic.

use std::path::PathBuf;

use miette::Severity;

use super::Outcome;
use crate::ir::Schema;
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
    eprintln!("ok: {}", summary(files.len(), &a.schema));
    Ok(Outcome::Success)
}

/// `3 files, 15 tables, 4 views, 3 enums, 2 domains, …`: files, tables,
/// views and enums always (the line has always had them), then every
/// other kind of object the schema has.
fn summary(files: usize, s: &Schema) -> String {
    let mut parts = vec![
        counted(files, "file", "files"),
        counted(s.tables.len(), "table", "tables"),
        counted(s.views.len(), "view", "views"),
        counted(s.enums.len(), "enum", "enums"),
    ];
    for (n, one, many) in [
        (s.domains.len(), "domain", "domains"),
        (s.sequences.len(), "sequence", "sequences"),
        (s.functions.len(), "function", "functions"),
        (s.triggers.len(), "trigger", "triggers"),
        (s.policies.len(), "policy", "policies"),
        (s.grants.len(), "grant", "grants"),
        (s.extensions.len(), "extension", "extensions"),
        (s.namespaces.len(), "namespace", "namespaces"),
    ] {
        if n > 0 {
            parts.push(counted(n, one, many));
        }
    }
    parts.join(", ")
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
