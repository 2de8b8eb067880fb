//! `strata check`: parse and validate a schema; print every diagnostic.
//! A database is checked as the schema source strata prints for it.

use miette::Severity;

use super::Outcome;
use crate::ir::Schema;
use crate::syntax::{self, Diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files, or directories (every `*.strata` file below them), read as
    /// one schema; `git:REV:PATH` for files at a git revision; or a database URL.
    #[arg(required = true, value_name = "SOURCES")]
    pub paths: Vec<String>,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let urls: Vec<&str> = args.paths.iter().map(String::as_str).collect();
    super::common::Secrets::of(&urls).scrub(check(&args.paths))
}

fn check(sources: &[String]) -> miette::Result<Outcome> {
    let (files, what) = match sources {
        [url] if crate::url::dialect_of_url(url).is_some() => {
            (vec![database(url)?], crate::url::redact(url))
        }
        _ => {
            let files = super::common::source_files(sources)?;
            let what = counted(files.len(), "file", "files");
            (files, what)
        }
    };
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
    eprintln!("ok: {what}, {}", summary(&a.schema));
    Ok(Outcome::Success)
}

/// The schema of the database at `url`, printed as a schema file named
/// after the URL (password left out), so that its diagnostics point into it.
fn database(url: &str) -> miette::Result<syntax::SourceFile> {
    let found = super::runtime()?.block_on(crate::source::load(url, &[]))?;
    super::common::warn_all(&found.warnings);
    Ok(syntax::SourceFile::new(
        crate::url::redact(url),
        syntax::print(&found.schema),
    ))
}

/// `15 tables, 4 views, 3 enums, 2 domains, …`: tables, views and enums
/// always (the line has always had them), then every other kind of object
/// the schema has.
fn summary(s: &Schema) -> String {
    let mut parts = vec![
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
