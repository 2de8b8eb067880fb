//! The MySQL / MariaDB dialect. One dialect serves both servers: the
//! introspector asks the server which it is and undoes its spellings, so
//! that everything after it sees one canonical form (docs/mysql.md).

mod alter;
pub mod apply;
pub mod emit;
pub mod expr;
pub mod hazards;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod types;

use super::{Capabilities, Dialect, EmitError, EmitOptions, Script};
use crate::diff::Change;
use crate::ir::{DialectKind, Schema};
use crate::plan::{Hazard, Plan};

/// The table where apply records its progress; never introspected.
pub const HISTORY_TABLE: &str = "strata_history";

pub struct Mysql;

impl Dialect for Mysql {
    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::schema(schema)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: false,
            lazy_foreign_keys: false,
            alter_constraints: true,
            foreign_keys_pin_columns: true,
            move_columns: true,
        }
    }

    /// The hazards of the statements this dialect writes for the change,
    /// computed from the change (`hazards.rs`).
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
