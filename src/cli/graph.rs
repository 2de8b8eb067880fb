//! `strata graph`: the schema as an entity–relationship diagram.

use std::path::PathBuf;

use super::Outcome;
use crate::report::graph::Diagram;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mermaid,
    Dot,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files or directories (one schema), git:REV:PATH, a database
    /// URL, or SQL files (*.sql); default: the environment's `schema`.
    #[arg(value_name = "SOURCE")]
    sources: Vec<String>,
    #[arg(long, value_enum, default_value = "mermaid")]
    format: Format,
    /// Write the diagram to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    source: super::sources::SourceArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let resolved = args.source.resolve(args.sources)?;
    let schema = resolved.secrets().scrub(resolved.schema())?;
    let diagram = Diagram::from_schema(&schema);
    let text = match args.format {
        Format::Mermaid => diagram.mermaid(),
        Format::Dot => diagram.dot(),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            miette::miette!(
                code = "strata::io::write",
                "cannot write {}: {e}",
                path.display()
            )
        })?,
        None => super::common::write_output(None, &text)?,
    }
    Ok(Outcome::Success)
}
