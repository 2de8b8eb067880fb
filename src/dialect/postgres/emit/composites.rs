//! Composite types: made whole, or altered attribute by attribute.

use super::Stmts;
use crate::dialect::postgres::hazards::attribute_hazard;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Attribute, Composite};

fn attribute_sql(a: &Attribute) -> String {
    let mut s = format!("{} {}", ident(&a.name), a.ty);
    if let Some(c) = &a.collation {
        s.push_str(&format!(" COLLATE {}", ident(c)));
    }
    s
}

fn comment(x: &Composite) -> String {
    let c = x.comment.as_deref().map(literal).unwrap_or("NULL".into());
    format!("COMMENT ON TYPE {} IS {c}", qname(&x.name))
}

pub(super) fn create_composite(x: &Composite) -> Stmts {
    let attrs: Vec<String> = x.attributes.iter().map(attribute_sql).collect();
    let mut out = Stmts::default();
    out.main.push((
        format!("CREATE TYPE {} AS ({})", qname(&x.name), attrs.join(", ")),
        vec![],
    ));
    if x.comment.is_some() {
        out.main.push((comment(x), vec![]));
    }
    out
}

pub(super) fn drop_composite(x: &Composite) -> Stmts {
    let mut out = Stmts::default();
    out.main
        .push((format!("DROP TYPE {}", qname(&x.name)), vec![]));
    out
}

/// Dropped attributes go, changed ones are retyped, new ones are added at
/// the end: PostgreSQL cannot place an attribute, so, as with a table's
/// columns, order alone is not planned (`crate::plan::positions`).
pub(super) fn alter_composite(from: &Composite, to: &Composite) -> Stmts {
    let find = |x: &Composite, n: &str| x.attributes.iter().find(|a| a.name == n).cloned();
    let n = qname(&to.name);
    let mut out = Stmts::default();
    for a in from
        .attributes
        .iter()
        .filter(|a| find(to, &a.name).is_none())
    {
        out.main.push((
            format!("ALTER TYPE {n} DROP ATTRIBUTE {}", ident(&a.name)),
            attribute_hazard(&to.name, a, None).into_iter().collect(),
        ));
    }
    for a in &from.attributes {
        let Some(b) = find(to, &a.name) else { continue };
        if b != *a {
            out.main.push((
                format!("ALTER TYPE {n} ALTER ATTRIBUTE {}", retype(&b)),
                attribute_hazard(&to.name, a, Some(&b))
                    .into_iter()
                    .collect(),
            ));
        }
    }
    for a in to
        .attributes
        .iter()
        .filter(|a| find(from, &a.name).is_none())
    {
        out.main.push((
            format!("ALTER TYPE {n} ADD ATTRIBUTE {}", attribute_sql(a)),
            vec![],
        ));
    }
    if from.comment != to.comment {
        out.main.push((comment(to), vec![]));
    }
    out
}

/// `a TYPE t COLLATE c`: the collation is said again, since a new type
/// without one would take the type's default.
fn retype(a: &Attribute) -> String {
    let mut s = format!("{} TYPE {}", ident(&a.name), a.ty);
    if let Some(c) = &a.collation {
        s.push_str(&format!(" COLLATE {}", ident(c)));
    }
    s
}
