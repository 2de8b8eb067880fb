//! The SQLite dialect: introspection through `sqlite_master` and pragma
//! table-valued functions, ALTER TABLE where SQLite has it and the
//! documented table rebuild everywhere else. See docs/sqlite.md.

pub mod apply;
pub mod ddl;
pub mod emit;
pub mod expr;
pub mod hazards;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod rebuild;
pub mod types;

use sqlx::sqlite::SqliteConnectOptions;

use super::{Capabilities, Dialect, EmitError, EmitOptions, Script};
use crate::diff::{Change, TableChange};
use crate::ir::{DialectKind, Schema, Table};
use crate::plan::{Hazard, Plan};

pub struct Sqlite;

impl Dialect for Sqlite {
    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::schema(schema)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            lazy_foreign_keys: true,
            alter_constraints: false,
            foreign_keys_pin_columns: false,
            move_columns: false,
        }
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

    fn rebuilds(&self, from: &Table, to: &Table, changes: &[TableChange]) -> bool {
        rebuild::needs_rebuild(from, to, changes)
    }
}

/// Connection options for a `sqlite://path` or `sqlite::memory:` URL;
/// `None` when the file does not exist and `create` is false.
pub(crate) fn connect_options(
    url: &str,
    create: bool,
) -> miette::Result<Option<SqliteConnectOptions>> {
    let options: SqliteConnectOptions = url.parse().map_err(|e| {
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
