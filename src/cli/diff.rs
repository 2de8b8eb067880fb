//! `strata diff FROM TO`: the changes between any two sources (schema
//! files, directories, database URLs), as SQL or as a plain summary.

use miette::{miette, Context, IntoDiagnostic};

use super::common::{changes_outcome, parse_dialect, warn_all, write_output, Secrets};
use super::exclude::without;
use super::planning::Planning;
use super::Outcome;
use crate::dialect;
use crate::ir::DialectKind;
use crate::migration::{migration, migration_of};
use crate::source::{self, Loaded};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Sql,
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The current schema: files, a directory, or a database URL
    /// (default: the environment's `url`).
    #[arg(requires = "to")]
    from: Option<String>,
    /// The desired schema: files, a directory, a database URL, or SQL
    /// (a .sql file or a directory of them; either side may be SQL)
    /// (default: the environment's `schema`).
    to: Option<String>,
    /// The dialect to plan for, when neither source says it.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    #[arg(long, value_enum, default_value = "sql")]
    format: Format,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    exit_code: bool,
    #[command(flatten)]
    planning: Planning,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.planning.resolve()?;
    let from = selected.url(args.from.take())?;
    let to = selected
        .to(args.to.take())?
        .ok_or_else(|| super::env::no_to(&selected))?;
    args.dialect = selected.dialect(args.dialect.take());
    let dev_url = args.planning.dev_url.clone().unwrap_or_default();
    let secrets = Secrets::of(&[&from, &to, &dev_url]);
    secrets.scrub(diff(args, &from, &to))
}

fn diff(args: Args, from_source: &str, to_source: &str) -> miette::Result<Outcome> {
    let flag = args.dialect.as_deref().map(parse_dialect).transpose()?;
    let exclude = args.planning.exclude.load()?;
    let rt = super::runtime()?;
    let sql = source::SqlSetup {
        dialect: flag,
        dev_url: args.planning.dev_url.as_deref(),
    };
    let (mut from, mut to) = rt.block_on(source::load_pair_with(
        from_source,
        to_source,
        &args.planning.namespaces,
        &sql,
    ))?;
    warn_all(&from.warnings);
    warn_all(&to.warnings);
    from.schema = without(&exclude, std::mem::take(&mut from.schema), true);
    to.schema = without(&exclude, std::mem::take(&mut to.schema), false);
    let kind = pick_dialect(flag, &from, &to)?;
    let d = dialect::for_kind(kind);
    let mut options = args.planning.emit.options(kind);
    let connected = crate::url::dialect_of_url(from_source).is_some();
    if connected {
        super::server::detect(&rt, dialect::driver(kind), from_source, &mut options);
    }
    let acks = to.schema.acknowledgements.clone();
    // Only the preview prints the schemas again: otherwise they are
    // handed over and normalized in place instead of cloned.
    let mut m = if args.format == Format::Markdown {
        migration(&from.schema, &to.schema, d, &options)?
    } else {
        let (a, b) = (
            std::mem::take(&mut from.schema),
            std::mem::take(&mut to.schema),
        );
        migration_of(a, b, d, &options)?
    };
    super::common::acknowledge(&mut m, &acks, true)?;
    match args.format {
        Format::Sql => write_output(None, &crate::report::sql::render(d, &m.up))?,
        Format::Text => crate::report::text::print(&m, kind)
            .into_diagnostic()
            .wrap_err("cannot write to stdout")?,
        Format::Json => write_output(None, &crate::report::json::render(&m, kind))?,
        Format::Markdown => {
            let (from_label, to_label) = (
                crate::url::redact(from_source),
                crate::url::redact(to_source),
            );
            let (from_text, to_text) = (
                crate::syntax::print(&from.schema),
                crate::syntax::print(&to.schema),
            );
            let mut preview =
                crate::report::markdown::Preview::new(kind, &m, &from.schema, &to.schema);
            preview.from_label = &from_label;
            preview.to_label = &to_label;
            preview.source = Some((&from_text, &to_text));
            write_output(None, &crate::report::markdown::render(&preview))?
        }
    }
    if m.plan.is_empty() {
        eprintln!("No changes.");
    }
    if !connected {
        super::server::note_offline(kind, &options, &m);
    }
    Ok(changes_outcome(&m, args.exit_code))
}

/// `--dialect`, else what the sources say (a URL's scheme, the files'
/// `dialect` declaration); sources that disagree with each other or with
/// the flag are an error.
fn pick_dialect(
    flag: Option<DialectKind>,
    from: &Loaded,
    to: &Loaded,
) -> miette::Result<DialectKind> {
    let known: Vec<DialectKind> = [from.dialect, to.dialect].into_iter().flatten().collect();
    if let (Some(a), Some(b)) = (from.dialect, to.dialect) {
        if a != b && flag.is_none() {
            return Err(miette!(
                code = "strata::cli::dialect_mismatch",
                help = "pass --dialect to say which one to plan for",
                "the two sources are in different dialects: {a} and {b}"
            ));
        }
    }
    match flag {
        Some(f) => Ok(f),
        None => known.first().copied().ok_or_else(|| {
            miette!(
                code = "strata::cli::no_dialect",
                help = "pass --dialect postgres|mysql|sqlite, or declare `dialect …` in the schema files",
                "cannot tell which dialect to plan for"
            )
        }),
    }
}
