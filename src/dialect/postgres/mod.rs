//! The PostgreSQL dialect: bulk catalog introspection, a tokenizer-based
//! normalizer, an emitter that quotes every identifier and knows which
//! statements cannot share the main transaction, and an apply that holds
//! an advisory lock. See docs/postgres.md.

pub mod apply;
pub mod connect;
pub mod emit;
pub mod expr;
pub mod hazards;
pub mod history;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod scratch;
pub mod server_spelling;
pub mod types;

use futures::future::LocalBoxFuture;

use super::driver::{Fut, LoadError};
use super::statements::Lexicon;
use super::{
    ApplyOptions, ApplyReport, Dialect, Driver, EmitError, EmitOptions, Introspection, RunError,
    Scratch, Script,
};
use crate::diff::Change;
use crate::ir::{DialectKind, Name, Schema};
use crate::plan::{Capabilities, Hazard, Plan, Target};

pub struct Postgres;

impl Target for Postgres {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            lazy_foreign_keys: false,
            alter_constraints: true,
            foreign_keys_pin_columns: false,
            move_columns: false,
            schema_wide_index_names: true,
        }
    }
}

impl Dialect for Postgres {
    fn kind(&self) -> DialectKind {
        DialectKind::Postgres
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::normalize(schema)
    }

    fn pair(&self, from: &mut Schema, to: &mut Schema) {
        normalize::unfold_traded(from, to);
    }

    fn normalize_owned(&self, schema: Schema) -> Schema {
        normalize::normalize_owned(schema)
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
        quote::name(name)
    }

    fn kept_name(&self, table: &Name, stamp: &str) -> Name {
        super::keep::kept_name(table, Some(super::keep::NAMESPACE), stamp)
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

impl Driver for Postgres {
    fn introspect<'a>(&'a self, url: &'a str, namespaces: &'a [String]) -> Fut<'a, Introspection> {
        Box::pin(introspect::introspect(url, namespaces))
    }

    fn align<'a>(&'a self, url: &'a str, db: &'a Schema, desired: &'a mut Schema) -> Fut<'a, ()> {
        Box::pin(async move {
            server_spelling::align_view_bodies(url, db, desired).await?;
            Ok(())
        })
    }

    fn apply<'a>(
        &'a self,
        url: &'a str,
        script: &'a Script,
        options: &'a ApplyOptions,
    ) -> Fut<'a, ApplyReport> {
        Box::pin(apply::apply(url, script, options))
    }

    fn count<'a>(&'a self, url: &'a str, sql: &'a str) -> Fut<'a, i64> {
        Box::pin(apply::count(url, sql))
    }

    fn size_queries(&self, table: &crate::ir::Name) -> Option<[String; 2]> {
        Some(apply::size_queries(table))
    }

    fn version_query(&self) -> Option<&'static str> {
        Some("SELECT current_setting('server_version_num')::bigint")
    }

    fn create_scratch<'a>(&'a self, dev_url: Option<&'a str>, name: &'a str) -> Fut<'a, Scratch> {
        Box::pin(scratch::create(dev_url, name))
    }

    fn drop_scratch(&self, s: Scratch) -> Fut<'_, ()> {
        Box::pin(scratch::drop(s))
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
            dollar_quotes: true,
            atomic_blocks: true,
            ..Lexicon::default()
        }
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
