//! Domains, composite and range types and exclusion constraints (one
//! bulk query each), and the attributes of a function row.

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{deferral, name_of, os, s};
use crate::ir::{
    Attribute, Check, Composite, Domain, Exclusion, ExclusionElement, Expr, FunctionAttributes,
    IndexKey, Parallel, RangeType, Schema, Type, Volatility,
};

pub(super) fn domains(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let mut d = Domain::new(name.clone(), s(r, "base_type")?);
        d.collation = os(r, "collation")?;
        d.default = os(r, "default")?.map(Expr::new);
        d.not_null = r.try_get("not_null")?;
        let names: Vec<String> = r.try_get("check_names")?;
        let exprs: Vec<String> = r.try_get("check_exprs")?;
        let valid: Vec<bool> = r.try_get("check_valid")?;
        let comments: Vec<Option<String>> = r.try_get("check_comments")?;
        let checks = names.into_iter().zip(exprs).zip(valid).zip(comments);
        for (((n, e), v), comment) in checks {
            d.checks.push(Check {
                comment,
                name: Some(n),
                expr: Expr::new(e),
                not_valid: !v,
                renamed_from: None,
                no_inherit: false,
                column: None,
            });
        }
        d.comment = os(r, "comment")?;
        schema.domains.insert(name, d);
    }
    Ok(())
}

pub(super) fn composites(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let names: Vec<String> = r.try_get("attr_names")?;
        let types: Vec<String> = r.try_get("attr_types")?;
        let collations: Vec<Option<String>> = r.try_get("attr_collations")?;
        let attributes = names
            .into_iter()
            .zip(types)
            .zip(collations)
            .map(|((name, ty), collation)| Attribute {
                name,
                ty: Type::new(ty),
                collation,
            })
            .collect();
        let comment = os(r, "comment")?;
        schema.composites.insert(
            name.clone(),
            Composite {
                name,
                attributes,
                comment,
            },
        );
    }
    Ok(())
}

pub(super) fn ranges(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let mut x = RangeType::new(name.clone(), s(r, "subtype")?);
        x.opclass = os(r, "opclass")?;
        x.collation = os(r, "collation")?;
        x.subtype_diff = os(r, "subtype_diff")?;
        x.multirange = os(r, "multirange")?;
        x.comment = os(r, "comment")?;
        schema.ranges.insert(name, x);
    }
    Ok(())
}

pub(super) fn exclusion_of(r: &PgRow) -> Result<Exclusion, sqlx::Error> {
    let defs: Vec<String> = r.try_get("column_defs")?;
    let attnames: Vec<Option<String>> = r.try_get("attnames")?;
    let options: Vec<i16> = r.try_get("options")?;
    let opclasses: Vec<Option<String>> = r.try_get("opclasses")?;
    let operators: Vec<String> = r.try_get("operators")?;
    let mut elements = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        let opt = options.get(i).copied().unwrap_or(0);
        let desc = opt & 1 != 0;
        let nulls_first = opt & 2 != 0;
        elements.push(ExclusionElement {
            key: match attnames.get(i).cloned().flatten() {
                Some(c) => IndexKey::Column(c),
                None => IndexKey::Expr(Expr::new(def.clone())),
            },
            opclass: opclasses.get(i).cloned().flatten(),
            desc,
            nulls_first: (nulls_first != desc).then_some(nulls_first),
            operator: operators.get(i).cloned().unwrap_or_default(),
        });
    }
    Ok(Exclusion {
        comment: os(r, "comment")?,
        name: Some(s(r, "name")?),
        method: s(r, "method")?,
        elements,
        predicate: os(r, "predicate")?.map(Expr::new),
        deferral: deferral(r.try_get("deferrable")?, r.try_get("deferred")?),
    })
}

/// `pg_proc`'s attribute columns, with cost and rows as the catalog has
/// them (normalization leaves out the defaults).
pub(super) fn function_attributes(r: &PgRow) -> Result<FunctionAttributes, sqlx::Error> {
    let cost: f64 = r.try_get("cost")?;
    let rows: f64 = r.try_get("rows")?;
    let config: Vec<String> = r.try_get("config")?;
    Ok(FunctionAttributes {
        volatility: match s(r, "volatility")?.as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            _ => Volatility::Volatile,
        },
        strict: r.try_get("strict")?,
        security_definer: r.try_get("security_definer")?,
        leakproof: r.try_get("leakproof")?,
        parallel: match s(r, "parallel")?.as_str() {
            "s" => Parallel::Safe,
            "r" => Parallel::Restricted,
            _ => Parallel::Unsafe,
        },
        cost: Some(cost.round() as u32),
        rows: Some(rows.round() as u32),
        config: config
            .iter()
            .filter_map(|c| c.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}
