//! The sqlite dialect.

pub mod apply;
pub mod introspect;

use super::{Capabilities, Dialect, EmitError, EmitOptions, Script};
use crate::diff::Change;
use crate::ir::{DialectKind, Schema};
use crate::plan::{Hazard, Plan};

pub struct Sqlite;

impl Dialect for Sqlite {
    fn kind(&self) -> DialectKind {
        DialectKind::Sqlite
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        schema.clone()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            lazy_foreign_keys: false,
            alter_constraints: true,
        }
    }

    fn hazards(&self, _change: &Change, _options: &EmitOptions) -> Vec<Hazard> {
        Vec::new()
    }

    fn emit(&self, _plan: &Plan, _options: &EmitOptions) -> Result<Script, EmitError> {
        Err(EmitError::Unsupported {
            dialect: DialectKind::Sqlite,
            what: "emit SQL yet".into(),
            help: None,
        })
    }

    fn quote_ident(&self, ident: &str) -> String {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
}
