//! Printing of PostgreSQL's domains, composite types, exclusion constraints and function
//! attributes.

use super::{
    constraint_comment, decl, default_expr, deferral, dotted, index_expr, opt_name, paren,
};
use crate::ir::{Composite, Domain, Exclusion, FunctionAttributes, IndexKey, RangeType};
use crate::syntax::text;

/// `domain email as text not null check (value ~ '@')`, on one line. The
/// domain's comment goes before the checks: after a named check it would
/// be the check's.
pub(super) fn domain(d: &Domain, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!("{ind}domain {} as {}", decl(&d.name, ns), d.ty);
    if let Some(c) = &d.collation {
        s.push_str(&format!(" collate {}", dotted(c)));
    }
    if let Some(e) = &d.default {
        s.push_str(&format!(" = {}", default_expr(e)));
    }
    if d.not_null {
        s.push_str(" not null");
    }
    if let Some(c) = &d.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    for c in &d.checks {
        s.push_str(&format!(" check{} {}", opt_name(&c.name), paren(&c.expr)));
        if c.not_valid {
            s.push_str(" not valid");
        }
        s.push_str(&constraint_comment(&c.comment));
    }
    s
}

/// `type address { street text; city text collate "C" }`: on one line
/// when it fits, one attribute per line otherwise.
pub(super) fn composite(x: &Composite, ind: &str, ns: Option<&str>) -> String {
    let attrs: Vec<String> = x
        .attributes
        .iter()
        .map(|a| {
            let mut s = format!("{} {}", text::ident(&a.name), a.ty);
            if let Some(c) = &a.collation {
                s.push_str(&format!(" collate {}", dotted(c)));
            }
            s
        })
        .collect();
    let name = decl(&x.name, ns);
    let line = format!("{ind}type {name} {{ {} }}", attrs.join("; "));
    if x.comment.is_none() && line.len() <= 80 {
        return if attrs.is_empty() {
            format!("{ind}type {name} {{}}")
        } else {
            line
        };
    }
    let mut s = format!("{ind}type {name} {{\n");
    for a in &attrs {
        s.push_str(&format!("{ind}  {a}\n"));
    }
    if let Some(c) = &x.comment {
        s.push_str(&format!("{ind}  comment {}\n", text::string(c)));
    }
    s.push_str(&format!("{ind}}}"));
    s
}

/// `range floatrange as float8 subtype_diff float8mi`, on one line.
pub(super) fn range(r: &RangeType, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!("{ind}range {} as {}", decl(&r.name, ns), r.subtype);
    if let Some(c) = &r.collation {
        s.push_str(&format!(" collate {}", dotted(c)));
    }
    if let Some(o) = &r.opclass {
        s.push_str(&format!(" opclass {}", dotted(o)));
    }
    if let Some(f) = &r.subtype_diff {
        s.push_str(&format!(" subtype_diff {}", dotted(f)));
    }
    if let Some(m) = &r.multirange {
        s.push_str(&format!(" multirange {}", dotted(m)));
    }
    if let Some(c) = &r.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}

/// `exclude name using gist (room with =, during with &&) where (…)`.
pub(super) fn exclusion(x: &Exclusion) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            let mut s = match &e.key {
                IndexKey::Column(c) => text::ident(c),
                IndexKey::Expr(ex) => index_expr(ex),
            };
            if let Some(o) = &e.opclass {
                s.push_str(&format!(" {}", dotted(o)));
            }
            if e.desc {
                s.push_str(" desc");
            }
            match e.nulls_first {
                Some(true) => s.push_str(" nulls first"),
                Some(false) => s.push_str(" nulls last"),
                None => {}
            }
            format!("{s} with {}", e.operator)
        })
        .collect();
    let mut s = format!(
        "exclude{} using {} ({})",
        opt_name(&x.name),
        text::ident(&x.method),
        elements.join(", ")
    );
    if let Some(p) = &x.predicate {
        s.push_str(&format!(" where {}", paren(p)));
    }
    s.push_str(deferral(x.deferral));
    s.push_str(&constraint_comment(&x.comment));
    s
}

/// ` immutable strict … set search_path = public, pg_temp`: each
/// attribute that is not the default, with a leading space.
pub(super) fn function_attributes(a: &FunctionAttributes) -> String {
    let mut s = String::new();
    if !a.volatility.is_default() {
        s.push_str(&format!(" {}", a.volatility.as_str()));
    }
    if a.strict {
        s.push_str(" strict");
    }
    if a.security_definer {
        s.push_str(" security definer");
    }
    if a.leakproof {
        s.push_str(" leakproof");
    }
    if !a.parallel.is_default() {
        s.push_str(&format!(" parallel {}", a.parallel.as_str()));
    }
    if let Some(c) = a.cost {
        s.push_str(&format!(" cost {c}"));
    }
    if let Some(r) = a.rows {
        s.push_str(&format!(" rows {r}"));
    }
    for (k, v) in &a.config {
        let items: Vec<String> = v.split(", ").map(set_item).collect();
        s.push_str(&format!(" set {} = {}", text::ident(k), items.join(", ")));
    }
    s
}

/// A `set` value item: bare when the grammar reads it back as it is, a
/// SQL string otherwise.
fn set_item(v: &str) -> String {
    let bare = !v.is_empty()
        && (v.starts_with('"') && v.ends_with('"') && v.len() > 1
            || v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_$.-+".contains(c)));
    if bare {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "''"))
    }
}
