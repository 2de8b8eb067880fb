//! The flags that decide what a plan is — the scratch server for SQL
//! sources, the namespaces, the emit and exclude flags, and the hazard
//! policy — and the one step that fills in from `strata.toml` and `--env`
//! what they leave out. Shared by `plan`, `apply` (and `apply --plan`),
//! `diff` and `drift`; `--url`/`--to` come with [`Target`] where they are
//! flags (`diff` takes its two sources as arguments).

use super::common::EmitArgs;
use super::env::{EnvArgs, Selected};
use super::exclude::ExcludeArgs;
use crate::plan::hazard::policy::Policy;

#[derive(Debug, Clone, clap::Args)]
pub struct Planning {
    /// The server where a SQL source (a .sql file or a directory of them)
    /// is loaded into a scratch database, and where `plan --prove` runs;
    /// SQLite loads in memory (default: the environment's `dev_url`, then
    /// $STRATA_DEV_URL).
    #[arg(long)]
    pub dev_url: Option<String>,
    /// Only these namespaces of the database (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    pub namespaces: Vec<String>,
    #[command(flatten)]
    pub emit: EmitArgs,
    #[command(flatten)]
    pub exclude: ExcludeArgs,
    #[command(flatten)]
    env: EnvArgs,
    /// The hazard levels the plan is judged by: `[hazards]`, then the
    /// environment's.
    #[arg(skip)]
    pub policy: Policy,
    /// Where the current schema is read when not the target: a replica
    /// of it (`apply --read-url`).
    #[arg(skip)]
    pub read_url: Option<String>,
}

impl Planning {
    /// Reads `strata.toml` and the environment named by `--env`, fills in
    /// the flags not given (a flag always wins), and returns the
    /// selection, from which each command takes its URL and schema.
    pub fn resolve(&mut self) -> miette::Result<Selected> {
        let selected = self.env.load()?;
        self.dev_url = selected.dev_url(self.dev_url.take())?;
        self.emit.with_env(selected.env.as_ref())?;
        self.exclude.with_env(selected.env.as_ref());
        self.policy = selected.policy();
        Ok(selected)
    }
}

/// `--url` and `--to`, with the flags that decide the plan.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// The database (default: the environment's `url`, then
    /// $DATABASE_URL).
    #[arg(long)]
    pub url: Option<String>,
    /// The desired schema: files, a directory, another database URL, or
    /// SQL (a .sql file or a directory of them, loaded on --dev-url)
    /// (default: the environment's `schema`).
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub planning: Planning,
}
