//! `strata check`: parse and validate a schema; print every diagnostic.
//! A database or SQL files are checked as the schema source strata
//! prints for them.

use miette::Severity;

use super::sources::Resolved;
use super::Outcome;
use crate::ir::Schema;
use crate::syntax::{self, Diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files, or directories (every `*.strata` file below them), read as
    /// one schema; `git:REV:PATH` for files at a git revision; a database URL;
    /// or SQL files (*.sql). Default: the environment's `schema`.
    #[arg(value_name = "SOURCES")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub source: super::sources::SourceArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let resolved = args.source.resolve(args.paths)?;
    resolved.secrets().scrub(check(&resolved))
}

fn check(resolved: &Resolved) -> miette::Result<Outcome> {
    let (files, what) = match resolved.single_loaded() {
        Some(one) => (vec![loaded(resolved, one)?], crate::url::redact(one)),
        None => {
            let files = super::common::source_files(&resolved.sources)?;
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

/// The schema of a database or of SQL files, printed as a schema file
/// named after the source (a URL without its password), so that its
/// diagnostics point into it.
fn loaded(resolved: &Resolved, source: &str) -> miette::Result<syntax::SourceFile> {
    let found = resolved.load_one(source)?;
    Ok(syntax::SourceFile::new(
        crate::url::redact(source),
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
        (s.events.len(), "event", "events"),
        (s.composites.len(), "composite type", "composite types"),
        (s.ranges.len(), "range type", "range types"),
        (s.collations.len(), "collation", "collations"),
        (
            s.statistics.len(),
            "statistics object",
            "statistics objects",
        ),
        (
            s.text_search_configs.len(),
            "text search configuration",
            "text search configurations",
        ),
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
