//! `strata export`: the IR of a schema as JSON or YAML, for other tools.

use std::path::PathBuf;

use super::Outcome;
use crate::ir::Schema;
use crate::syntax;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files or a directory of them.
    #[arg(required = true, value_name = "SOURCE")]
    pub source: Vec<PathBuf>,
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
    let schema = match args.source.as_slice() {
        [one] if crate::source::sql::is_sql(&one.to_string_lossy()) => sql_schema(&args, one)?,
        _ => syntax::load_paths(&args.source)?,
    };
    let text = render(&schema, args.format)?;
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            miette::miette!(code = "E0001", "cannot write `{}`: {e}", path.display())
        })?,
        None => print!("{text}"),
    }
    Ok(Outcome::Success)
}

/// The schema a SQL source makes on a scratch database.
fn sql_schema(args: &Args, source: &std::path::Path) -> miette::Result<Schema> {
    let sql = crate::source::SqlSetup {
        dialect: args
            .dialect
            .as_deref()
            .map(super::common::parse_dialect)
            .transpose()?,
        dev_url: args.dev_url.as_deref(),
    };
    let secrets = super::common::Secrets::of(&[args.dev_url.as_deref().unwrap_or("")]);
    let rt = super::runtime()?;
    let source = source.to_string_lossy();
    let load = crate::source::load_with(&source, &[], &sql);
    let loaded = secrets.scrub(rt.block_on(load))?;
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
