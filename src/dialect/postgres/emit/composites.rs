//! Composite types (made whole, or altered attribute by attribute) and
//! range types (made whole; only their comment changes in place).

use super::Stmts;
use crate::dialect::postgres::hazards::attribute_hazard;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::dialect::EmitError;
use crate::ir::{Attribute, Composite, DialectKind, Name, RangeType};

fn attribute_sql(a: &Attribute) -> String {
    let mut s = format!("{} {}", ident(&a.name), a.ty);
    if let Some(c) = &a.collation {
        s.push_str(&format!(" COLLATE {}", super::collation(c)));
    }
    s
}

fn comment_on(name: &Name, comment: &Option<String>) -> String {
    let c = comment.as_deref().map(literal).unwrap_or("NULL".into());
    format!("COMMENT ON TYPE {} IS {c}", qname(name))
}

fn comment(x: &Composite) -> String {
    comment_on(&x.name, &x.comment)
}

/// `a.b` with each part quoted.
fn dotted(s: &str) -> String {
    s.split('.').map(ident).collect::<Vec<_>>().join(".")
}

pub(super) fn create_range(r: &RangeType) -> Stmts {
    let mut opts = vec![format!("SUBTYPE = {}", r.subtype)];
    if let Some(o) = &r.opclass {
        opts.push(format!("SUBTYPE_OPCLASS = {}", dotted(o)));
    }
    if let Some(c) = &r.collation {
        opts.push(format!("COLLATION = {}", super::collation(c)));
    }
    if let Some(f) = &r.subtype_diff {
        opts.push(format!("SUBTYPE_DIFF = {}", dotted(f)));
    }
    if let Some(m) = &r.multirange {
        opts.push(format!("MULTIRANGE_TYPE_NAME = {}", dotted(m)));
    }
    let mut out = Stmts::default();
    out.main.push((
        format!(
            "CREATE TYPE {} AS RANGE ({})",
            qname(&r.name),
            opts.join(", ")
        ),
        vec![],
    ));
    if r.comment.is_some() {
        out.main.push((comment_on(&r.name, &r.comment), vec![]));
    }
    out
}

pub(super) fn drop_range(r: &RangeType) -> Stmts {
    let mut out = Stmts::default();
    out.main
        .push((format!("DROP TYPE {}", qname(&r.name)), vec![]));
    out
}

/// `ALTER TYPE` cannot change what a range is over: every column of it
/// would have to be converted, which strata does not do behind the
/// user's back.
pub(super) fn alter_range(from: &RangeType, to: &RangeType) -> Result<Stmts, EmitError> {
    let same = RangeType {
        comment: to.comment.clone(),
        ..from.clone()
    };
    if same != *to {
        return Err(EmitError::Unsupported {
            dialect: DialectKind::Postgres,
            what: format!("change range type {} other than its comment", to.name),
            help: Some(
                "declare a new range type beside it, move the columns to it (with `using` where a cast is needed), then drop the old one".into(),
            ),
        });
    }
    let mut out = Stmts::default();
    out.main.push((comment_on(&to.name, &to.comment), vec![]));
    Ok(out)
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
        s.push_str(&format!(" COLLATE {}", super::collation(c)));
    }
    s
}
