//! Indexes: `CREATE INDEX`, and what a SQLite index cannot hold.

use super::unsupported;
use crate::dialect::sqlite::quote::ident;
use crate::dialect::EmitError;
use crate::ir::{Index, IndexKey, Table};

/// `CREATE [UNIQUE] INDEX "name" ON "table" (…) [WHERE …]`.
pub fn create_index(i: &Index, table: &str) -> Result<String, EmitError> {
    let Some(name) = &i.name else {
        return Err(unsupported(
            format!("create an unnamed index on {table}"),
            Some("normalize the schema first: it names every index"),
        ));
    };
    let parts: Vec<String> = i
        .parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => e.to_string(),
            };
            if let Some(coll) = &p.collation {
                s.push_str(&format!(" COLLATE {}", ident(coll)));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        ident(name),
        ident(table),
        parts.join(", ")
    );
    if let Some(p) = &i.predicate {
        sql.push_str(&format!(" WHERE {p}"));
    }
    Ok(sql)
}

pub(super) fn check_index(i: &Index, t: &Table) -> Result<(), EmitError> {
    let what = format!(
        "index {} of {}",
        i.name.as_deref().unwrap_or("(unnamed)"),
        t.name
    );
    if i.method.is_some() || !i.include.is_empty() || i.nulls_not_distinct {
        return Err(unsupported(
            format!("give {what} a method, INCLUDE columns or NULLS NOT DISTINCT"),
            Some("SQLite indexes are B-trees over their key columns only"),
        ));
    }
    for p in &i.parts {
        if p.nulls_first.is_some() || p.opclass.is_some() || p.length.is_some() {
            return Err(unsupported(
                format!(
                    "give a part of {what} NULLS FIRST/LAST, an operator class or a prefix length"
                ),
                None,
            ));
        }
    }
    Ok(())
}

pub(super) fn drop_index(name: &str) -> String {
    format!("DROP INDEX {}", ident(name))
}
