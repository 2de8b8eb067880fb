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
    // What a text parameter or return type without a collation of its
    // own gets: the database's, when the routine was created.
    let database_collation: BTreeMap<(String, String), String> = rows
        .iter()
        .map(|r| ((col(r, 0), col(r, 1)), col(r, 12)))
        .collect();
    let mut args: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for p in parameters {
        let key = (col(p, 0), col(p, 1));
        let default = database_collation.get(&key).map_or("", String::as_str);
        let mode = col(p, 2).to_ascii_lowercase();
        let mode = if mode.is_empty() || mode == "in" {
            String::new()
        } else {
            format!("{mode} ")
        };
        let ty = with_collation(&col(p, 4), opt(p, 5), opt(p, 6), default);
        args.entry(key).or_default().push(format!(
            "{mode}{} {}",
            ident(&col(p, 3)),
            canonical(&ty)
        ));
    }
    for r in rows {
        let (kind, name) = (col(r, 0), col(r, 1));
        let returns = match kind.as_str() {
            "FUNCTION" => Some(canonical(&with_collation(
                &col(r, 2),
                opt(r, 13),
                opt(r, 14),
                &col(r, 12),
            ))),
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

/// A text type with the character set and collation the server gave it,
/// when they are not the database's (the default it would get again):
/// `varchar(30) charset utf8mb4 collate utf8mb4_bin`.
fn with_collation(
    ty: &str,
    charset: Option<String>,
    collation: Option<String>,
    database_collation: &str,
) -> String {
    match (charset, collation) {
        (Some(cs), Some(c)) if !c.eq_ignore_ascii_case(database_collation) => {
            format!("{ty} charset {cs} collate {c}")
        }
        _ => ty.to_string(),
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
