//! `strata inspect`: a live database as schema source, or its IR as JSON
//! or YAML. Objects the database holds that strata does not model are
//! warned about on stderr; `--strict` makes them an error.

use std::path::PathBuf;
use std::time::Instant;

use miette::{miette, IntoDiagnostic};

use super::common::{url_dialect, warn_all, write_output, Secrets};
use super::exclude::{without, ExcludeArgs};
use super::Outcome;
use crate::source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Strata,
    Json,
    Yaml,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to read (default: the environment's `url`, then
    /// $DATABASE_URL).
    #[arg(long)]
    url: Option<String>,
    /// Only these namespaces (PostgreSQL schemas); default: all but the
    /// system ones.
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
    #[arg(long, value_enum, default_value = "strata")]
    format: Format,
    /// Write here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when the database holds objects strata does not model.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    exclude: ExcludeArgs,
    #[command(flatten)]
    env: super::env::EnvArgs,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.env.load()?;
    let url = selected.url(args.url.take())?;
    args.exclude.with_env(selected.env.as_ref());
    let secrets = Secrets::of(&[&url]);
    secrets.scrub(inspect(args, &url))
}

/// From this many tables on, a piped `inspect` says on stderr what it read
/// and printed (a terminal gets a spinner whatever the size); below it,
/// pipes and logs get the schema and the warnings only.
const LARGE: usize = 1000;

fn inspect(args: Args, url: &str) -> miette::Result<Outcome> {
    url_dialect(url)?;
    let exclude = args.exclude.load()?;
    let rt = super::runtime()?;
    let redacted = crate::url::redact(url);
    let spinner = super::progress::spinner(&format!("reading the catalog of {redacted}"));
    let started = Instant::now();
    let found = rt.block_on(source::introspect(url, &args.namespaces));
    let mut found = found?;
    warn_all(&found.warnings);
    found.schema = without(&exclude, std::mem::take(&mut found.schema), true);
    let tables = found.schema.tables.len();
    let plain = spinner.is_none() && tables >= LARGE;
    if plain {
        eprintln!(
            "read {tables} tables from {redacted} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(s) = &spinner {
        s.set_message(format!("printing {tables} tables"));
    }
    let printing = Instant::now();
    let text = match args.format {
        Format::Strata => crate::syntax::print(&found.schema),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&found.schema).into_diagnostic()?;
            s.push('\n');
            s
        }
        Format::Yaml => serde_yaml_ng::to_string(&found.schema).into_diagnostic()?,
    };
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    write_output(args.output.as_deref(), &text)?;
    if plain {
        eprintln!(
            "printed {tables} tables in {:.1} s",
            printing.elapsed().as_secs_f64()
        );
    }
    if args.strict && !found.warnings.is_empty() {
        return Err(miette!(
            code = "strata::inspect::strict",
            help = "drop --strict to accept an inspection without them",
            "{} object{} in the database {} not modeled by strata",
            found.warnings.len(),
            if found.warnings.len() == 1 { "" } else { "s" },
            if found.warnings.len() == 1 {
                "is"
            } else {
                "are"
            },
        ));
    }
    Ok(Outcome::Success)
}
