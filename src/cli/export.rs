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
    /// or SQL files (*.sql).
    #[arg(required = true, value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The dialect of a SQL source (default: the --dev-url's).
    #[arg(long, value_name = "D")]
    pub dialect: Option<String>,
    /// The server where a SQL source is loaded into a scratch database
    /// (PostgreSQL, MySQL; SQLite loads in memory).
    #[arg(long, env = "STRATA_DEV_URL", hide_env_values = true)]
    pub dev_url: Option<String>,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let mut urls: Vec<&str> = args.source.iter().map(String::as_str).collect();
    urls.extend(args.dev_url.as_deref());
    let schema = super::common::Secrets::of(&urls).scrub(load(&args))?;
    let text = render(&schema, args.format)?;
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            miette::miette!(code = "E0001", "cannot write `{}`: {e}", path.display())
        })?,
        None => print!("{text}"),
    }
    Ok(Outcome::Success)
}

/// One source of any kind (a SQL source is loaded on a scratch
/// database), or several schema files and directories read as one schema.
fn load(args: &Args) -> miette::Result<Schema> {
    let [one] = args.source.as_slice() else {
        return super::common::load_sources(&args.source);
    };
    let sql = crate::source::SqlSetup {
        dialect: args
            .dialect
            .as_deref()
            .map(super::common::parse_dialect)
            .transpose()?,
        dev_url: args.dev_url.as_deref(),
    };
    let loaded = super::runtime()?.block_on(crate::source::load_with(one, &[], &sql))?;
    super::common::warn_all(&loaded.warnings);
    Ok(loaded.schema)
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
