//! Canonical form of domains, composite types, exclusion constraints and function
//! attributes: the spellings the catalog prints back, and the names
//! PostgreSQL generates.

use super::super::expr::{self, Context};
use super::super::quote::is_bare;
use super::super::types;
use super::{collation, expr_column_name, generated_name, name, split_top_level};
use crate::ir::{Composite, Domain, Expr, FunctionAttributes, IndexKey, Table};

/// Attribute types as `format_type` prints them; a collation only where
/// it is not the type's own (`default`).
pub(super) fn composite(mut x: Composite) -> Composite {
    x.name = name(&x.name);
    for a in &mut x.attributes {
        a.ty = crate::ir::Type::new(types::canonical(a.ty.as_str()));
        a.collation = a
            .collation
            .take()
            .map(|c| collation(&c))
            .filter(|c| c != "default");
    }
    x.comment = x.comment.filter(|c| !c.is_empty());
    x
}

pub(super) fn domain(mut d: Domain, base: &Context<'_>) -> Domain {
    d.name = name(&d.name);
    d.ty = crate::ir::Type::new(types::canonical(d.ty.as_str()));
    d.collation = d
        .collation
        .take()
        .map(|c| collation(&c))
        .filter(|c| c != "default");
    let ty = d.ty.0.clone();
    d.default = d.default.take().and_then(|e| {
        let n = expr::normalize(
            &e.0,
            &Context {
                column_type: Some(&ty),
                ..*base
            },
        );
        (n != "null").then(|| e.canonical(n))
    });
    // Unnamed checks get PostgreSQL's names: `email_check`, `email_check1`, …
    let mut taken: Vec<String> = d.checks.iter().filter_map(|c| c.name.clone()).collect();
    for c in &mut d.checks {
        if c.name.is_none() {
            let mut n = generated_name(&d.name.name, &[], "check");
            let mut k = 1;
            while taken.contains(&n) {
                n = generated_name(&d.name.name, &[], &format!("check{k}"));
                k += 1;
            }
            taken.push(n.clone());
            c.name = Some(n);
        }
        c.expr = c.expr.canonical(expr::normalize(
            &c.expr.0,
            &Context {
                column_type: Some(&ty),
                ..*base
            },
        ));
        c.renamed_from = None;
    }
    d.checks.sort_by(|a, b| a.name.cmp(&b.name));
    d.comment = d.comment.filter(|c| !c.is_empty());
    d
}

pub(super) fn exclusions(t: &mut Table, base: &Context<'_>) {
    let cx = Context {
        column_type: None,
        ..*base
    };
    let table = t.name.name.clone();
    for x in &mut t.exclusions {
        x.method = x.method.to_lowercase();
        for e in &mut x.elements {
            if let IndexKey::Expr(ex) = &e.key {
                let n = expr::normalize(&ex.0, &cx);
                e.key = if is_bare(&n) {
                    IndexKey::Column(n)
                } else {
                    IndexKey::Expr(Expr::new(n))
                };
            }
            if e.nulls_first == Some(e.desc) {
                e.nulls_first = None;
            }
            e.opclass = e.opclass.take().map(|o| o.to_lowercase());
            e.operator = e.operator.trim().to_string();
        }
        x.predicate = x
            .predicate
            .take()
            .map(|p| p.canonical(expr::normalize(&p.0, &cx)));
        if x.name.is_none() {
            let names: Vec<String> = x
                .elements
                .iter()
                .map(|e| match &e.key {
                    IndexKey::Column(c) => c.clone(),
                    IndexKey::Expr(ex) => expr_column_name(&ex.0),
                })
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            x.name = Some(generated_name(&table, &refs, "excl"));
        }
    }
    t.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Function attributes without the defaults PostgreSQL fills in: cost 100
/// (1 for C and internal functions), 1000 rows for a set-returning
/// function (0 otherwise); `set` names lowercased, values unquoted.
pub(super) fn function_attributes(
    mut a: FunctionAttributes,
    language: &str,
    returns: Option<&str>,
) -> FunctionAttributes {
    let default_cost = if matches!(language, "c" | "internal") {
        1
    } else {
        100
    };
    let set_returning = returns.is_some_and(|r| {
        let r = r.trim_start().to_lowercase();
        r.starts_with("setof ") || r.starts_with("table")
    });
    let default_rows = if set_returning { 1000 } else { 0 };
    a.cost = a.cost.filter(|c| *c != default_cost);
    a.rows = a.rows.filter(|r| *r != default_rows);
    a.config = std::mem::take(&mut a.config)
        .into_iter()
        .map(|(k, v)| {
            let items: Vec<String> = v
                .split(',')
                .map(|i| {
                    let i = i.trim();
                    match i.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')) {
                        Some(inner) => inner.replace("''", "'"),
                        None => i.to_string(),
                    }
                })
                .collect();
            (k.to_lowercase(), items.join(", "))
        })
        .collect();
    a
}

/// `CREATE AGGREGATE`'s options in the order and spelling introspection
/// prints them: keys lowercase, types canonical, function names without
/// `public.`, defaults (`parallel = unsafe`) left out.
pub(super) fn aggregate_options(options: &str) -> String {
    const ORDER: &[&str] = &[
        "sfunc",
        "stype",
        "sspace",
        "finalfunc",
        "finalfunc_extra",
        "finalfunc_modify",
        "combinefunc",
        "serialfunc",
        "deserialfunc",
        "initcond",
        "msfunc",
        "minvfunc",
        "mstype",
        "msspace",
        "mfinalfunc",
        "mfinalfunc_extra",
        "mfinalfunc_modify",
        "minitcond",
        "sortop",
        "hypothetical",
        "parallel",
    ];
    let mut items: Vec<(usize, String)> = split_top_level(options)
        .iter()
        .filter_map(|item| {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim().to_lowercase(), Some(v.trim())),
                None => (item.trim().to_lowercase(), None),
            };
            let value = value.map(|v| match key.as_str() {
                "stype" | "mstype" => types::canonical(v),
                "initcond" | "minitcond" | "sortop" => v.to_string(),
                _ => {
                    let v = if v.starts_with('"') {
                        v.to_string()
                    } else {
                        v.to_lowercase()
                    };
                    v.strip_prefix("public.").map(str::to_string).unwrap_or(v)
                }
            });
            if key == "parallel" && value.as_deref() == Some("unsafe") {
                return None;
            }
            let rank = ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len());
            Some(match value {
                Some(v) => (rank, format!("{key} = {v}")),
                None => (rank, key),
            })
        })
        .collect();
    items.sort_by_key(|(rank, _)| *rank);
    items
        .into_iter()
        .map(|(_, i)| i)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::aggregate_options;

    #[test]
    fn aggregate_options_take_introspections_spelling() {
        assert_eq!(
            aggregate_options(
                "PARALLEL = UNSAFE, INITCOND = '{}', STYPE = INT, SFUNC = public.Add2, finalfunc_extra"
            ),
            "sfunc = add2, stype = integer, finalfunc_extra, initcond = '{}'"
        );
    }
}
