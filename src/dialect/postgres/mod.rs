//! The PostgreSQL dialect: bulk catalog introspection, a tokenizer-based
//! normalizer, an emitter that quotes every identifier and knows which
//! statements cannot share the main transaction, and an apply that holds
//! an advisory lock. See docs/postgres.md.

pub mod apply;
pub mod emit;
pub mod expr;
pub mod hazards;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod server_spelling;
pub mod types;

use super::{Capabilities, Dialect, EmitError, EmitOptions, Script};
use crate::diff::Change;
use crate::ir::{DialectKind, Schema};
use crate::plan::{Hazard, Plan};

pub struct Postgres;

impl Dialect for Postgres {
    fn kind(&self) -> DialectKind {
        DialectKind::Postgres
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::normalize(schema)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            lazy_foreign_keys: false,
            alter_constraints: true,
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
}
