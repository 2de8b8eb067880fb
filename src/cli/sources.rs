//! The schema a read-only command (`check`, `graph`, `export`) is given:
//! schema files, `git:REV:PATH`, a database URL, or SQL files loaded on a
//! scratch database (docs/sql-source.md), with `--env` filling in the
//! source, the dialect and the dev server from strata.toml.

use super::common::{parse_dialect, warn_all, Secrets};
use super::env::{no_to, EnvArgs};
use crate::source::{self, Loaded, SqlSetup};

/// The flags that say how a SQL source is loaded, and `--env`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SourceArgs {
    /// The dialect of a SQL source (default: the environment's, then the
    /// dev URL's).
    #[arg(long, value_name = "D")]
    pub dialect: Option<String>,
    /// The server where a SQL source is loaded into a scratch database,
    /// dropped afterwards (PostgreSQL, MySQL; SQLite loads in memory;
    /// default: the environment's `dev_url`, then $STRATA_DEV_URL).
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    #[command(flatten)]
    pub env: EnvArgs,
}

/// The sources and SQL settings once strata.toml has been read.
pub struct Resolved {
    pub sources: Vec<String>,
    dialect: Option<String>,
    dev_url: Option<String>,
}

impl SourceArgs {
    /// The sources given, else the environment's `schema`; the dialect
    /// and dev URL given, else the environment's.
    pub fn resolve(self, sources: Vec<String>) -> miette::Result<Resolved> {
        let selected = self.env.load()?;
        let sources = if sources.is_empty() {
            vec![selected.to(None)?.ok_or_else(|| no_to(&selected))?]
        } else {
            sources
        };
        Ok(Resolved {
            dialect: selected.dialect(self.dialect),
            dev_url: selected.dev_url(self.dev_url)?,
            sources,
        })
    }
}

impl Resolved {
    /// The passwords of every URL involved, to keep out of errors.
    pub fn secrets(&self) -> Secrets {
        let mut urls: Vec<&str> = self.sources.iter().map(String::as_str).collect();
        urls.extend(self.dev_url.as_deref());
        Secrets::of(&urls)
    }

    /// Whether the one source is read by a server or in memory (a
    /// database or SQL) rather than parsed from schema files.
    pub fn single_loaded(&self) -> Option<&str> {
        match self.sources.as_slice() {
            [one] if crate::url::dialect_of_url(one).is_some() || source::sql::is_sql(one) => {
                Some(one)
            }
            _ => None,
        }
    }

    /// One source of any kind, its warnings printed.
    pub fn load_one(&self, one: &str) -> miette::Result<Loaded> {
        let sql = SqlSetup {
            dialect: self.dialect.as_deref().map(parse_dialect).transpose()?,
            dev_url: self.dev_url.as_deref(),
        };
        let loaded = super::runtime()?.block_on(source::load_with(one, &[], &sql))?;
        warn_all(&loaded.warnings);
        Ok(loaded)
    }

    /// The schema: one source of any kind, or several schema files and
    /// directories read as one.
    pub fn schema(&self) -> miette::Result<crate::ir::Schema> {
        match self.sources.as_slice() {
            [one] => Ok(self.load_one(one)?.schema),
            many => super::common::load_sources(many),
        }
    }
}
