//! `strata import`: SQL (a `.sql` file or a directory of them) converted
//! once into schema source. The SQL is loaded into a scratch database and
//! read back (`source::sql`), so what is written is what the server made
//! of it, in strata's canonical form.

use std::path::PathBuf;

use super::common::{parse_dialect, warn_all, write_output, Secrets};
use super::Outcome;
use crate::source::{self, SqlSetup};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQL to convert: a .sql file or a directory of them (read in
    /// lexical order of their paths).
    source: String,
    /// Write the schema here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The dialect the SQL is written in (default: the --dev-url's).
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    /// The server where the SQL is loaded into a scratch database, which
    /// is dropped afterwards (PostgreSQL, MySQL; SQLite loads in memory).
    #[arg(long, env = "STRATA_DEV_URL", hide_env_values = true)]
    dev_url: Option<String>,
    /// Only these namespaces (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let secrets = Secrets::of(&[args.dev_url.as_deref().unwrap_or("")]);
    secrets.scrub(import(args))
}

fn import(args: Args) -> miette::Result<Outcome> {
    if !source::sql::is_sql(&args.source) {
        return Err(miette::miette!(
            code = "strata::import::not_sql",
            help =
                "give a .sql file or a directory of .sql files; `strata inspect` reads a database",
            "{} is not SQL",
            args.source
        ));
    }
    let sql = SqlSetup {
        dialect: args.dialect.as_deref().map(parse_dialect).transpose()?,
        dev_url: args.dev_url.as_deref(),
    };
    let rt = super::runtime()?;
    let loaded = rt.block_on(source::load_with(&args.source, &args.namespaces, &sql))?;
    warn_all(&loaded.warnings);
    write_output(
        args.output.as_deref(),
        &crate::syntax::print(&loaded.schema),
    )?;
    Ok(Outcome::Success)
}
