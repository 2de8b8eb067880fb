//! Domains and exclusion constraints (one bulk query each), and the
//! attributes of a function row.

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{deferral, name_of, os, s};
use crate::ir::{
    Check, Domain, Exclusion, ExclusionElement, Expr, FunctionAttributes, IndexKey, Parallel,
    Schema, Volatility,
};

pub(super) fn domains(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let mut d = Domain::new(name.clone(), s(r, "base_type")?);
        d.collation = os(r, "collation")?;
        d.default = os(r, "default")?.map(Expr);
        d.not_null = r.try_get("not_null")?;
        let names: Vec<String> = r.try_get("check_names")?;
        let exprs: Vec<String> = r.try_get("check_exprs")?;
        let valid: Vec<bool> = r.try_get("check_valid")?;
        for ((n, e), v) in names.into_iter().zip(exprs).zip(valid) {
            d.checks.push(Check {
                name: Some(n),
                expr: Expr(e),
                not_valid: !v,
                renamed_from: None,
            });
        }
        d.comment = os(r, "comment")?;
        schema.domains.insert(name, d);
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
                None => IndexKey::Expr(Expr(def.clone())),
            },
            opclass: opclasses.get(i).cloned().flatten(),
            desc,
            nulls_first: (nulls_first != desc).then_some(nulls_first),
            operator: operators.get(i).cloned().unwrap_or_default(),
        });
    }
    Ok(Exclusion {
        name: Some(s(r, "name")?),
        method: s(r, "method")?,
        elements,
        predicate: os(r, "predicate")?.map(Expr),
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

pub(super) const DOMAINS: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       format_type(t.typbasetype, t.typtypmod) AS base_type, t.typnotnull AS not_null, \
       pg_get_expr(t.typdefaultbin, 0) AS default, \
       CASE WHEN t.typcollation <> bt.typcollation THEN \
         (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text \
                 ELSE cn.nspname || '.' || co.collname END \
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
          WHERE co.oid = t.typcollation) END AS collation, \
       ARRAY(SELECT c.conname::text FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names, \
       ARRAY(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_exprs, \
       ARRAY(SELECT c.convalidated FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_valid, \
       obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_type bt ON bt.oid = t.typbasetype \
     WHERE t.typtype = 'd' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

pub(super) const EXCLUSIONS: &str = concat!(
    "SELECT con.conrelid::int8 AS table_oid, con.conname::text AS name, \
       con.condeferrable AS deferrable, con.condeferred AS deferred, am.amname::text AS method, \
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) \
             FROM generate_series(1, i.indnkeyatts) k ORDER BY k) AS column_defs, \
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n AND k.n <> 0 \
             ORDER BY k.o) AS attnames, \
       ARRAY(SELECT k FROM unnest(i.indoption::int2[]) WITH ORDINALITY u(k, o) ORDER BY o) AS options, \
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL ELSE \
               CASE WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname::text \
                    ELSE ocn.nspname || '.' || oc.opcname END END \
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(o, ord) \
             JOIN pg_opclass oc ON oc.oid = k.o JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace \
             ORDER BY k.ord) AS opclasses, \
       ARRAY(SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN op.oprname::text \
                    ELSE 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END \
             FROM unnest(con.conexclop) WITH ORDINALITY k(o, ord) \
             JOIN pg_operator op ON op.oid = k.o JOIN pg_namespace opn ON opn.oid = op.oprnamespace \
             ORDER BY k.ord) AS operators \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_index i ON i.indexrelid = con.conindid \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_am am ON am.oid = ic.relam \
     WHERE con.contype = 'x' AND c.relkind IN ('r', 'p') AND con.conislocal AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY con.conrelid, con.conname"
);
