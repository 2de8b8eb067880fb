//! `strata export`: the IR of a schema as JSON or YAML, for other tools.

use std::path::PathBuf;

use super::Outcome;
use crate::ir::Schema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files or directories (one schema), git:REV:PATH, a database URL,
    /// or SQL files (*.sql); default: the environment's `schema`.
    #[arg(value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub sql: super::sources::SourceArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let resolved = args.sql.resolve(args.source)?;
    let schema = resolved.secrets().scrub(resolved.schema())?;
    let text = render(&schema, args.format)?;
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            miette::miette!(code = "E0001", "cannot write `{}`: {e}", path.display())
        })?,
        None => super::common::write_output(None, &text)?,
    }
    Ok(Outcome::Success)
}

/// The IR in an export format, ending with a newline.
pub fn render(schema: &Schema, format: Format) -> miette::Result<String> {
    let mut s = match format {
        Format::Json => serde_json::to_string_pretty(schema)
            .map_err(|e| miette::miette!("cannot serialize the schema: {e}"))?,
        Format::Yaml => serde_yaml_ng::to_string(schema)
            .map_err(|e| miette::miette!("cannot serialize the schema: {e}"))?,
    };
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}
