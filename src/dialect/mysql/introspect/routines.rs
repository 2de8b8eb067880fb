//! Stored functions and procedures (`information_schema.ROUTINES` and
//! `PARAMETERS`) → [`Function`]s: the body byte for byte, the parameters
//! and return type in the canonical type spelling, and as options the
//! characteristics and the session the routine was created under.

use std::collections::BTreeMap;

use super::{col, opt, Rows};
use crate::dialect::mysql::quote::ident;
use crate::dialect::mysql::types::canonical;
use crate::ir::{Function, Name, Schema};

/// The routines onto the schema; a MariaDB package (or any other kind of
/// routine) is reported, not modeled.
pub(super) fn routines(
    rows: &Rows,
    parameters: &Rows,
    schema: &mut Schema,
    warnings: &mut Vec<String>,
) {
    let mut args: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for p in parameters {
        let mode = col(p, 2).to_ascii_lowercase();
        let mode = if mode.is_empty() || mode == "in" {
            String::new()
        } else {
            format!("{mode} ")
        };
        args.entry((col(p, 0), col(p, 1)))
            .or_default()
            .push(format!(
                "{mode}{} {}",
                ident(&col(p, 3)),
                canonical(&col(p, 4))
            ));
    }
    for r in rows {
        let (kind, name) = (col(r, 0), col(r, 1));
        let returns = match kind.as_str() {
            "FUNCTION" => Some(canonical(&col(r, 2))),
            "PROCEDURE" => None,
            other => {
                warnings.push(format!(
                    "{} {name} is not modeled by strata yet",
                    other.to_ascii_lowercase()
                ));
                continue;
            }
        };
        let f = Function {
            name: Name::new(&name),
            args: args
                .remove(&(kind.clone(), name.clone()))
                .unwrap_or_default()
                .join(", "),
            returns,
            language: "sql".into(),
            body: col(r, 3),
            object_file: None,
            standard_body: false,
            aggregate: false,
            comment: opt(r, 9).filter(|c| !c.is_empty()),
            attributes: Default::default(),
            options: options(r),
        };
        schema.functions.insert(f.key(), f);
    }
}

/// A routine's characteristics and creation session, each only when it is
/// not the default (normalization drops the defaults of a written file
/// the same way).
fn options(r: &[Option<String>]) -> BTreeMap<String, String> {
    let mut o = BTreeMap::new();
    if col(r, 4).eq_ignore_ascii_case("YES") {
        o.insert("deterministic".into(), "true".into());
    }
    let access = col(r, 5).to_ascii_lowercase();
    if !access.is_empty() && access != "contains sql" {
        o.insert("data_access".into(), access);
    }
    if col(r, 6).eq_ignore_ascii_case("INVOKER") {
        o.insert("sql_security".into(), "invoker".into());
    }
    for (key, i) in [
        ("definer", 7),
        ("sql_mode", 8),
        ("character_set_client", 10),
        ("collation_connection", 11),
    ] {
        if let Some(v) = opt(r, i) {
            o.insert(key.into(), v);
        }
    }
    o
}
