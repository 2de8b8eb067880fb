//! Generated rows for a rehearsal (PostgreSQL): one `INSERT … SELECT …
//! FROM generate_series(1, n)` per table, parents before children. Row
//! `i` of every table holds values derived from `i` alone, so that keys
//! and unique columns are distinct, and a foreign key column of row `i`
//! holds what its parent's row `((i - 1) % parent_rows) + 1` holds — the
//! reference always exists. Checks are not solved: a table whose insert
//! a check refuses is reported and left empty.

use std::collections::{BTreeMap, BTreeSet};

use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Column, Name, Schema, Table};

/// The tables of `schema` in an order where every parent of a foreign
/// key comes before its children (a cycle is broken where it closes).
pub fn parents_first(schema: &Schema) -> Vec<&Table> {
    fn visit<'a>(
        t: &'a Table,
        schema: &'a Schema,
        done: &mut BTreeSet<&'a Name>,
        order: &mut Vec<&'a Table>,
    ) {
        if !done.insert(&t.name) {
            return;
        }
        for fk in &t.foreign_keys {
            if let Some(parent) = schema.tables.get(&fk.ref_table) {
                visit(parent, schema, done, order);
            }
        }
        order.push(t);
    }
    let mut done = BTreeSet::new();
    let mut order = Vec::new();
    for t in schema.tables.values() {
        visit(t, schema, &mut done, &mut order);
    }
    order
}

/// The value of row `k` (an integer SQL expression) for a column of type
/// `ty`; `None` for a type strata cannot make values of.
fn value(schema: &Schema, ty: &str, k: &str) -> Option<String> {
    let t = ty.to_ascii_lowercase();
    if t.ends_with("[]") {
        return Some(format!("'{{}}'::{ty}"));
    }
    let base = t.split('(').next().unwrap_or("").trim();
    let v = match base {
        "smallint" | "int2" => format!("(({k}) % 32767)::{ty}"),
        "integer" | "int" | "int4" | "bigint" | "int8" | "numeric" | "decimal" | "real"
        | "double precision" | "float4" | "float8" | "serial" | "bigserial" => {
            format!("({k})::{ty}")
        }
        "boolean" | "bool" => format!("(({k}) % 2 = 0)"),
        "text" | "character varying" | "varchar" | "character" | "char" | "citext" | "name" => {
            format!("('r' || ({k}))::{ty}")
        }
        "uuid" => format!("md5(({k})::text)::uuid"),
        "timestamp"
        | "timestamp without time zone"
        | "timestamptz"
        | "timestamp with time zone"
        | "date" => {
            format!("(timestamp '2000-01-01' + ({k}) * interval '1 second')::{ty}")
        }
        "time" | "time without time zone" => {
            format!("(time '00:00' + (({k}) % 86400) * interval '1 second')")
        }
        "interval" => format!("(({k}) * interval '1 second')"),
        "json" | "jsonb" => format!("json_build_object('i', {k})::{ty}"),
        "bytea" => format!("decode(md5(({k})::text), 'hex')"),
        _ => return enum_value(schema, ty, k),
    };
    Some(v)
}

/// A label of the enum `ty`, cycling with `k`.
fn enum_value(schema: &Schema, ty: &str, k: &str) -> Option<String> {
    let e = schema.enums.values().find(|e| {
        let unqualified = ty.rsplit('.').next().unwrap_or(ty).trim_matches('"');
        e.name.name == unqualified
    })?;
    let labels: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
    Some(format!(
        "(ARRAY[{}])[1 + (({k}) % {})]::{}",
        labels.join(", "),
        labels.len(),
        qname(&e.name)
    ))
}

/// The `INSERT` that fills `t` with `rows` rows, given how many rows each
/// parent got; `Err` names a column no value can be made for.
pub fn insert(
    schema: &Schema,
    t: &Table,
    rows: u64,
    filled: &BTreeMap<Name, u64>,
) -> Result<String, String> {
    let mut cols = Vec::new();
    let mut exprs = Vec::new();
    for c in &t.columns {
        if c.generated.is_some() || is_always_identity(c) {
            continue;
        }
        let expr = match reference(schema, t, c, filled) {
            Some(r) => r,
            None => match value(schema, c.ty.as_str(), "i") {
                Some(v) => v,
                None if c.nullable || c.default.is_some() => continue,
                None => return Err(format!("no values for column {} of type {}", c.name, c.ty)),
            },
        };
        cols.push(ident(&c.name));
        exprs.push(expr);
    }
    Ok(format!(
        "INSERT INTO {} ({}) SELECT {} FROM generate_series(1, {rows}) AS g(i)",
        qname(&t.name),
        cols.join(", "),
        exprs.join(", ")
    ))
}

fn is_always_identity(c: &Column) -> bool {
    matches!(c.identity, Some(crate::ir::Identity::Always { .. }))
}

/// For a column of a foreign key: the parent row's value (or NULL when
/// the parent has no rows); `None` for a column of no foreign key.
fn reference(
    schema: &Schema,
    t: &Table,
    c: &Column,
    filled: &BTreeMap<Name, u64>,
) -> Option<String> {
    let fk = t
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.contains(&c.name))?;
    let at = fk.columns.iter().position(|x| x == &c.name)?;
    let parent = schema.tables.get(&fk.ref_table)?;
    let parent_col = parent
        .columns
        .iter()
        .find(|p| Some(&p.name) == fk.ref_columns.get(at))?;
    let n = filled.get(&fk.ref_table).copied().unwrap_or(0);
    if n == 0 {
        return Some("NULL".into());
    }
    let k = format!("((i - 1) % {n}) + 1");
    value(schema, parent_col.ty.as_str(), &k).map(|v| format!("({v})::{}", c.ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_derive_from_the_row_number() {
        let s = Schema::default();
        assert_eq!(value(&s, "bigint", "i").as_deref(), Some("(i)::bigint"));
        assert_eq!(
            value(&s, "varchar(20)", "i").as_deref(),
            Some("('r' || (i))::varchar(20)")
        );
        assert_eq!(value(&s, "tsvector", "i"), None);
    }
}
