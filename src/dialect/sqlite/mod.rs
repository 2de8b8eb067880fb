//! The SQLite dialect: introspection through `sqlite_master` and pragma
//! table-valued functions, ALTER TABLE where SQLite has it and the
//! documented table rebuild everywhere else. See docs/sqlite.md.

pub mod apply;
pub mod ddl;
pub mod emit;
pub mod expr;
pub mod hazards;
pub mod history;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod rebuild;
pub mod scratch;
pub mod types;

use sqlx::sqlite::SqliteConnectOptions;

use futures::future::LocalBoxFuture;

use super::driver::{Fut, LoadError};
use super::statements::Lexicon;
use super::{
    ApplyOptions, ApplyReport, Dialect, Driver, EmitError, EmitOptions, Introspection, RunError,
    Scratch, Script,
};
use crate::diff::{Change, TableChange};
use crate::ir::{DialectKind, Name, Schema, Table};
use crate::plan::{Capabilities, Hazard, Plan, Target};

pub struct Sqlite;

impl Target for Sqlite {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            lazy_foreign_keys: true,
            alter_constraints: false,
            foreign_keys_pin_columns: false,
            move_columns: false,
            schema_wide_index_names: false,
        }
    }

    fn rebuilds(&self, from: &Table, to: &Table, changes: &[TableChange]) -> bool {
        rebuild::needs_rebuild(from, to, changes)
    }
}

impl Dialect for Sqlite {
    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::schema(schema)
    }

    fn hazards(&self, change: &Change, options: &EmitOptions) -> Vec<Hazard> {
        hazards::hazards(change, options)
    }

    fn emit(&self, plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError> {
        emit::emit(plan, options)
    }

    fn quote_ident(&self, ident: &str) -> String {
        quote::ident(ident)
    }

    fn quote_name(&self, name: &Name) -> String {
        quote::ident(&name.name)
    }

    fn keep_table(
        &self,
        table: &crate::ir::Table,
        aside: &crate::ir::Name,
        stamp: &str,
    ) -> crate::dialect::keep::Moves {
        emit::keep_table(table, aside, stamp)
    }
}

impl Driver for Sqlite {
    fn introspect<'a>(&'a self, url: &'a str, namespaces: &'a [String]) -> Fut<'a, Introspection> {
        Box::pin(introspect::introspect(url, namespaces))
    }

    fn apply<'a>(
        &'a self,
        url: &'a str,
        script: &'a Script,
        options: &'a ApplyOptions,
    ) -> Fut<'a, ApplyReport> {
        Box::pin(apply::apply(url, script, options))
    }

    fn needs_dev_server(&self) -> bool {
        false
    }

    fn count<'a>(&'a self, url: &'a str, sql: &'a str) -> Fut<'a, i64> {
        Box::pin(apply::count(url, sql))
    }

    fn create_scratch<'a>(&'a self, _dev_url: Option<&'a str>, name: &'a str) -> Fut<'a, Scratch> {
        Box::pin(async move { scratch::create(name) })
    }

    fn drop_scratch(&self, s: Scratch) -> Fut<'_, ()> {
        Box::pin(async move { scratch::drop(s) })
    }

    fn run_file<'a>(
        &'a self,
        url: &'a str,
        sql: &'a str,
    ) -> LocalBoxFuture<'a, Result<(), RunError>> {
        Box::pin(scratch::run_file(url, sql))
    }

    fn lexicon(&self) -> Lexicon {
        Lexicon {
            backticks: true,
            trigger_blocks: true,
            ..Lexicon::default()
        }
    }

    fn memory_scratch(&self, name: &str) -> Option<Scratch> {
        Some(scratch::memory(name))
    }

    fn load_statements<'a>(
        &'a self,
        url: &'a str,
        statements: &'a [String],
        namespaces: &'a [String],
    ) -> LocalBoxFuture<'a, Result<Introspection, LoadError>> {
        Box::pin(scratch::load_statements(url, statements, namespaces))
    }
}

/// Connection options for a `sqlite://path` or `sqlite::memory:` URL;
/// `None` when the file does not exist and `create` is false.
pub(crate) fn connect_options(
    url: &str,
    create: bool,
) -> miette::Result<Option<SqliteConnectOptions>> {
    // `sqlite3://` is a SQLite URL to strata, not to sqlx.
    let options: SqliteConnectOptions =
        crate::url::with_scheme(url, "sqlite")
            .parse()
            .map_err(|e| {
                miette::miette!(
                    code = "strata::sqlite::url",
                    help = "write sqlite://path/to/file.db or sqlite::memory:",
                    "not a SQLite URL: {url} ({e})"
                )
            })?;
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    if !create && !memory && !options.get_filename().exists() {
        return Ok(None);
    }
    Ok(Some(options.create_if_missing(create)))
}

pub(crate) fn connect_error(url: &str, e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::sqlite::connect",
        help = "check that the path exists and is a SQLite database file you may read and write",
        "cannot open {url}: {e}"
    )
}
