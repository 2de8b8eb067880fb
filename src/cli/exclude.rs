//! `--exclude` and `--no-default-excludes`, merged with `strata.toml`'s
//! `exclude = [...]`: the objects the commands that read a database leave
//! alone (`ir::filter`, docs/cli.md).

use miette::miette;

use crate::config;
use crate::dialect::audit::Place;
use crate::ir::filter::{Exclude, Pattern};
use crate::ir::Schema;

/// The flags, shared by `plan`, `apply`, `diff` and `inspect`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExcludeArgs {
    /// Leave alone the objects this pattern matches: a glob on the
    /// qualified name, optionally with a kind (`audit.*`, `*.tmp_*`,
    /// `table:legacy_*`). Repeatable; adds to strata.toml's `exclude`.
    #[arg(long = "exclude", value_name = "PATTERN")]
    patterns: Vec<String>,
    /// Manage the history tables of other migration tools too
    /// (flyway_schema_history, _sqlx_migrations, …), which are left alone
    /// unless this is given.
    #[arg(long)]
    no_default_excludes: bool,
    /// The `exclude` of the environment picked with `--env`.
    #[arg(skip)]
    from_env: Vec<Pattern>,
    /// Where applies record themselves: `[schema.]table` (on MySQL the
    /// schema is a database; SQLite takes a table only; default
    /// strata_history). Always left alone by planning, with its schema
    /// when one is named.
    #[arg(long, value_name = "[SCHEMA.]TABLE", env = "STRATA_HISTORY_TABLE")]
    history_table: Option<String>,
}

impl ExcludeArgs {
    /// Adds the patterns of the environment picked with `--env`.
    pub fn with_env(&mut self, env: Option<&config::Env>) {
        if let Some(env) = env {
            self.from_env = env.exclude.clone();
        }
    }

    /// The patterns in force: strata.toml's, the environment's, then the
    /// flags', then the defaults unless turned off.
    pub fn load(&self) -> miette::Result<Exclude> {
        let cwd = std::env::current_dir().map_err(|e| {
            miette!(
                code = "strata::config",
                "cannot read the working directory: {e}"
            )
        })?;
        let ids: Vec<&str> = crate::lint::rules::ids().collect();
        let mut patterns = config::load(&cwd, &ids)?.exclude;
        patterns.extend(self.from_env.iter().cloned());
        for text in &self.patterns {
            let p = Pattern::parse(text).map_err(|e| {
                miette!(
                    code = "strata::exclude",
                    help = e.help,
                    "--exclude {text}: {}",
                    e.message
                )
            })?;
            patterns.push(p);
        }
        patterns.extend(history_patterns(&self.history()?));
        patterns.extend(kept_patterns());
        Ok(Exclude::new(patterns, !self.no_default_excludes))
    }

    /// Where the history table is.
    pub fn history(&self) -> miette::Result<Place> {
        history_place(self.history_table.as_deref())
    }
}

/// `--history-table`, parsed.
pub fn history_place(text: Option<&str>) -> miette::Result<Place> {
    let Some(text) = text else {
        return Ok(Place::default());
    };
    Place::parse(text).ok_or_else(|| {
        miette!(
            code = "strata::history::place",
            help = "write TABLE or SCHEMA.TABLE, e.g. strata.strata_history",
            "--history-table {text}: not a table name"
        )
    })
}

/// The patterns that keep the history table (and a schema named for it)
/// out of every plan.
fn history_patterns(place: &Place) -> Vec<Pattern> {
    let mut texts = vec![match &place.schema {
        Some(s) => format!("table:{s}.{}", place.table),
        None => format!("table:{}", place.table),
    }];
    if let Some(s) = &place.schema {
        texts.push(format!("namespace:{s}"));
    }
    texts
        .iter()
        .filter_map(|t| Pattern::parse(t).ok())
        .collect()
}

/// The patterns that keep the tables `--keep-dropped` moved aside out of
/// every plan: they are `strata gc`'s to remove.
fn kept_patterns() -> Vec<Pattern> {
    crate::dialect::keep::patterns()
        .iter()
        .filter_map(|t| Pattern::parse(t).ok())
        .collect()
}

/// `schema` without what `exclude` leaves alone; the dependents kept
/// only because they lean on an excluded table are warned about when
/// `report` (the database's side: the desired side would repeat them).
/// Takes the schema by value: at 5,000 tables a copy is tens of MB, and
/// most callers no longer need the unfiltered one.
pub fn without(exclude: &Exclude, mut schema: Schema, report: bool) -> Schema {
    let notes = exclude.apply(&mut schema);
    if report {
        super::common::warn_all(&notes);
    }
    schema
}
