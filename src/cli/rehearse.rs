//! `strata rehearse`: the plan from --url to --to run on a scratch copy of
//! the database's schema (on the dev server) filled with generated rows,
//! with each statement's time, locks and rewrites, and its time estimated
//! at the live row counts (docs/rehearse.md). PostgreSQL.

use std::collections::BTreeMap;

use miette::miette;

use super::common::{url_dialect, warn_all, write_output, Secrets};
use super::env::{no_to, EnvArgs};
use super::exclude::{without, ExcludeArgs};
use super::Outcome;
use crate::dialect::{self, EmitOptions};
use crate::ir::DialectKind;
use crate::rehearse::{self, report, Rows};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The live database: its schema is copied, its statistics give the row counts.
    #[arg(long)]
    url: Option<String>,
    /// The desired schema (files, a database, SQL files).
    #[arg(long)]
    to: Option<String>,
    /// The server where the scratch copy is made (default: the environment's
    /// `dev_url`, then $STRATA_DEV_URL).
    #[arg(long, value_name = "URL")]
    dev_url: Option<String>,
    /// Rows for a table, instead of its live count: `orders=1000000`
    /// (`schema.table=N`; repeatable).
    #[arg(long = "rows", value_name = "TABLE=N")]
    rows: Vec<String>,
    /// At most this many rows per table when taken from the live count; the
    /// estimate scales the times up to the live count.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    max_rows: u64,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write the report here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    #[command(flatten)]
    exclude: ExcludeArgs,
    #[command(flatten)]
    env: EnvArgs,
}

pub fn run(mut args: Args) -> miette::Result<Outcome> {
    let selected = args.env.load()?;
    let url = selected.url(args.url.take())?;
    let to = selected
        .to(args.to.take())?
        .ok_or_else(|| no_to(&selected))?;
    args.dev_url = selected.dev_url(args.dev_url.take())?;
    args.exclude.with_env(selected.env.as_ref());
    let secrets = Secrets::of(&[&url, &to, args.dev_url.as_deref().unwrap_or("")]);
    secrets.scrub(rehearse_cli(&args, &url, &to))
}

/// `--rows orders=10` as `public.orders` → 10.
fn given_rows(specs: &[String]) -> miette::Result<BTreeMap<String, u64>> {
    specs
        .iter()
        .map(|s| {
            let parsed = s.split_once('=').and_then(|(t, n)| Some((t.trim(), n.trim().parse::<u64>().ok()?)));
            let (table, n) = parsed.ok_or_else(|| {
                miette!(
                    code = "strata::rehearse::rows",
                    help = "write --rows TABLE=N, e.g. --rows orders=1000000 or --rows shop.orders=5000",
                    "bad --rows `{s}`"
                )
            })?;
            let table = if table.contains('.') { table.to_string() } else { format!("public.{table}") };
            Ok((table, n))
        })
        .collect()
}

fn rehearse_cli(args: &Args, url: &str, to: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    if kind != DialectKind::Postgres {
        return Err(miette!(
            code = "strata::rehearse::dialect",
            help = "rehearsals measure PostgreSQL's locks and rewrites; use `strata plan` for {kind:?}",
            "strata rehearse supports PostgreSQL only"
        ));
    }
    let rows = Rows {
        given: given_rows(&args.rows)?,
        max: args.max_rows,
    };
    let rt = super::runtime()?;
    let sql = crate::source::SqlSetup {
        dialect: Some(kind),
        dev_url: args.dev_url.as_deref(),
    };
    let (current, desired) = rt.block_on(crate::source::load_pair_with(url, to, &[], &sql))?;
    warn_all(&current.warnings);
    let d = dialect::for_kind(kind);
    // Excluded objects are left out of the plan, as `plan` leaves them out,
    // but copied: the scratch database is the whole live schema.
    let exclude = args.exclude.load()?;
    let m = crate::migration::migration(
        &without(&exclude, current.schema.clone(), true),
        &without(&exclude, desired.schema, false),
        d,
        &EmitOptions::default(),
    )?;
    let found = rt.block_on(rehearse::rehearse(
        url,
        args.dev_url.as_deref(),
        &current.schema,
        &m,
        &rows,
    ))?;
    let text = match args.format {
        Format::Text => report::text(&found),
        Format::Json => {
            serde_json::to_string_pretty(&found)
                .map_err(|e| miette!("cannot serialize the report: {e}"))?
                + "\n"
        }
    };
    write_output(args.output.as_deref(), &text)?;
    match found.failed {
        Some(f) => Err(miette!(
            code = "strata::rehearse::failed",
            help = "the plan would fail the same way on the live database: fix the schema or the data first",
            "a statement failed on the rehearsal: {f}"
        )),
        None => Ok(Outcome::Success),
    }
}
