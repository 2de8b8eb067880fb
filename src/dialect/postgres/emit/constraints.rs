//! Constraint clauses as `CREATE TABLE` and `ALTER TABLE … ADD` take
//! them: primary key, unique, check, foreign key, exclusion.

use crate::dialect::postgres::quote::{ident, idents, name as qname};
use crate::ir::{Check, Deferral, Exclusion, ForeignKey, IndexKey, MatchType, PrimaryKey, Unique};

pub(super) fn deferral(d: Deferral) -> &'static str {
    match d {
        Deferral::NotDeferrable => "",
        Deferral::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferral::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

pub(super) fn constraint_name(n: &Option<String>) -> String {
    n.as_ref()
        .map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default()
}

pub(super) fn primary_key_def(pk: &PrimaryKey) -> String {
    format!(
        "{}PRIMARY KEY ({}){}{}",
        constraint_name(&pk.name),
        idents(&pk.columns),
        super::table::with_params(&pk.options),
        deferral(pk.deferral)
    )
}

pub(super) fn unique_def(u: &Unique) -> String {
    format!(
        "{}UNIQUE{} ({}){}{}",
        constraint_name(&u.name),
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        idents(&u.columns),
        super::table::with_params(&u.options),
        deferral(u.deferral)
    )
}

pub(super) fn check_def(c: &Check, not_valid: bool) -> String {
    format!(
        "{}CHECK ({}){}{}",
        constraint_name(&c.name),
        c.expr,
        if c.no_inherit { " NO INHERIT" } else { "" },
        if not_valid { " NOT VALID" } else { "" }
    )
}

pub(super) fn fk_def(f: &ForeignKey, not_valid: bool) -> String {
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(&f.name),
        idents(&f.columns),
        qname(&f.ref_table)
    );
    if !f.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", idents(&f.ref_columns)));
    }
    match f.match_type {
        MatchType::Simple => {}
        MatchType::Full => s.push_str(" MATCH FULL"),
        MatchType::Partial => s.push_str(" MATCH PARTIAL"),
    }
    if !f.on_delete.is_default() {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
    }
    if !f.on_update.is_default() {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
    }
    s.push_str(deferral(f.deferral));
    if not_valid {
        s.push_str(" NOT VALID");
    }
    s
}

/// `CONSTRAINT n EXCLUDE USING gist ("room" WITH =, …) WHERE (…) …`, as
/// a table element or after `ALTER TABLE … ADD`.
pub(super) fn exclusion_def(x: &Exclusion) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            let mut k = match &e.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(ex) => format!("({ex})"),
            };
            if let Some(o) = &e.opclass {
                let o = match o.split_once('.') {
                    Some((s, n)) => format!("{}.{}", ident(s), ident(n)),
                    None => ident(o),
                };
                k.push_str(&format!(" {o}"));
            }
            if e.desc {
                k.push_str(" DESC");
            }
            match e.nulls_first {
                Some(true) => k.push_str(" NULLS FIRST"),
                Some(false) => k.push_str(" NULLS LAST"),
                None => {}
            }
            format!("{k} WITH {}", e.operator)
        })
        .collect();
    let mut s = format!(
        "CONSTRAINT {} EXCLUDE USING {} ({})",
        ident(x.name.as_deref().unwrap_or_default()),
        ident(&x.method),
        elements.join(", ")
    );
    if let Some(p) = &x.predicate {
        s.push_str(&format!(" WHERE ({p})"));
    }
    s.push_str(match x.deferral {
        Deferral::NotDeferrable => "",
        Deferral::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferral::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    });
    s
}
