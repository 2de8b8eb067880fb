//! Printing of PostgreSQL's domains and exclusion constraints.

use super::{decl, default_expr, deferral, dotted, index_expr, opt_name, paren};
use crate::ir::{Domain, Exclusion, IndexKey};
use crate::syntax::text;

/// `domain email as text not null check (value ~ '@')`, on one line.
pub(super) fn domain(d: &Domain, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!("{ind}domain {} as {}", decl(&d.name, ns), d.ty);
    if let Some(c) = &d.collation {
        s.push_str(&format!(" collate {}", text::ident(c)));
    }
    if let Some(e) = &d.default {
        s.push_str(&format!(" = {}", default_expr(e)));
    }
    if d.not_null {
        s.push_str(" not null");
    }
    for c in &d.checks {
        s.push_str(&format!(" check{} {}", opt_name(&c.name), paren(&c.expr)));
        if c.not_valid {
            s.push_str(" not valid");
        }
    }
    if let Some(c) = &d.comment {
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
    s
}
