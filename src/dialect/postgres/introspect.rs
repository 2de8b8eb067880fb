//! Catalog queries → IR. A fixed set of bulk queries (named constants at
//! the bottom), run concurrently over a small pool: the number of round
//! trips does not grow with the number of tables.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};

use super::normalize::generated_name;
use super::types;
use crate::dialect::Introspection;
use crate::ir::{
    Check, Column, Deferral, Enum, Extension, FkAction, ForeignKey, Function, Generated, Identity,
    Index, IndexKey, IndexPart, MatchType, Name, Namespace, Partitioning, PrimaryKey, Schema,
    Sequence, SequenceOptions, Table, Trigger, Unique, View,
};

/// Reads the schema of the database at `url`; `namespaces` narrows it
/// where the dialect has namespaces (empty: all non-system ones).
pub async fn introspect(url: &str, namespaces: &[String]) -> miette::Result<Introspection> {
    let unreachable = |e: String| {
        miette::miette!(
            code = "strata::postgres::connect",
            help = "check the URL, that the server runs, and that the user may connect",
            "cannot connect to {}: {e}",
            crate::url::redact(url)
        )
    };
    crate::dialect::probe::<sqlx::PgConnection>(url)
        .await
        .map_err(unreachable)?;
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let result = read(&pool, namespaces).await;
    pool.close().await;
    result
}

struct Rows {
    namespaces: Vec<PgRow>,
    extensions: Vec<PgRow>,
    tables: Vec<PgRow>,
    columns: Vec<PgRow>,
    constraints: Vec<PgRow>,
    indexes: Vec<PgRow>,
    enums: Vec<PgRow>,
    sequences: Vec<PgRow>,
    views: Vec<PgRow>,
    functions: Vec<PgRow>,
    triggers: Vec<PgRow>,
    unmodeled: Vec<PgRow>,
    policies: Vec<PgRow>,
    grants: Vec<PgRow>,
    domains: Vec<PgRow>,
    exclusions: Vec<PgRow>,
}

async fn read(pool: &PgPool, namespaces: &[String]) -> miette::Result<Introspection> {
    let ns: Vec<String> = namespaces.to_vec();
    let q = |sql: &'static str| {
        let ns = ns.clone();
        async move {
            sqlx::query(sql)
                .bind(ns)
                .fetch_all(pool)
                .await
                .map_err(|e| {
                    miette::miette!(
                        code = "strata::postgres::introspect",
                        help = "the user needs read access to the system catalogs",
                        "catalog query failed: {e}"
                    )
                })
        }
    };
    let (namespaces_r, extensions, tables, columns, constraints, indexes) = tokio::try_join!(
        q(NAMESPACES),
        q(EXTENSIONS),
        q(TABLES),
        q(COLUMNS),
        q(CONSTRAINTS),
        q(INDEXES),
    )?;
    let (enums, sequences, views, functions, triggers, unmodeled) = tokio::try_join!(
        q(ENUMS),
        q(SEQUENCES),
        q(VIEWS),
        q(FUNCTIONS),
        q(TRIGGERS),
        q(UNMODELED),
    )?;
    let (policies, grants, domains, exclusions) = tokio::try_join!(
        q(security::POLICIES),
        q(security::GRANTS),
        q(objects::DOMAINS),
        q(objects::EXCLUSIONS)
    )?;
    let rows = Rows {
        namespaces: namespaces_r,
        extensions,
        tables,
        columns,
        constraints,
        indexes,
        enums,
        sequences,
        views,
        functions,
        triggers,
        unmodeled,
        policies,
        grants,
        domains,
        exclusions,
    };
    build(rows).map_err(|e| {
        miette::miette!(
            code = "strata::postgres::introspect",
            help = "this is a bug in strata's catalog queries; please report it",
            "unexpected catalog row: {e}"
        )
    })
}

fn name_of(schema: String, name: String) -> Name {
    if schema == "public" {
        Name::new(name)
    } else {
        Name::qualified(schema, name)
    }
}

fn s(row: &PgRow, col: &str) -> Result<String, sqlx::Error> {
    row.try_get::<String, _>(col)
}

fn os(row: &PgRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    row.try_get::<Option<String>, _>(col)
}

/// Sequence options of a sequence, with every value that equals
/// PostgreSQL's default for its type left out.
fn sequence_options(row: &PgRow, ty: &str) -> Result<SequenceOptions, sqlx::Error> {
    let start: i64 = row.try_get("seq_start")?;
    let increment: i64 = row.try_get("seq_increment")?;
    let min: i64 = row.try_get("seq_min")?;
    let max: i64 = row.try_get("seq_max")?;
    let cache: i64 = row.try_get("seq_cache")?;
    let cycle: bool = row.try_get("seq_cycle")?;
    let (dmin, dmax) = if increment > 0 {
        (1, types::int_max(ty))
    } else {
        (types::int_min(ty), -1)
    };
    let dstart = if increment > 0 { min } else { max };
    Ok(SequenceOptions {
        start: (start != dstart).then_some(start),
        increment: (increment != 1).then_some(increment),
        min_value: (min != dmin).then_some(min),
        max_value: (max != dmax).then_some(max),
        cache: (cache != 1).then_some(cache),
        cycle,
    })
}

fn fk_action(c: &str) -> FkAction {
    match c {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn deferral(deferrable: bool, deferred: bool) -> Deferral {
    match (deferrable, deferred) {
        (false, _) => Deferral::NotDeferrable,
        (true, false) => Deferral::InitiallyImmediate,
        (true, true) => Deferral::InitiallyDeferred,
    }
}

fn build(rows: Rows) -> Result<Introspection, sqlx::Error> {
    let mut schema = Schema {
        dialect: Some(crate::ir::DialectKind::Postgres),
        ..Schema::default()
    };
    let mut warnings = Vec::new();

    for r in &rows.namespaces {
        let name = s(r, "name")?;
        if name == "public" {
            continue;
        }
        schema.namespaces.insert(
            name.clone(),
            Namespace {
                name,
                comment: os(r, "comment")?,
            },
        );
    }
    for r in &rows.extensions {
        let name = s(r, "name")?;
        let ns = s(r, "schema")?;
        schema.extensions.insert(
            name.clone(),
            Extension {
                name,
                schema: (ns != "public").then_some(ns),
                // Versions are the extension's business and are not compared.
                version: None,
            },
        );
    }
    for r in &rows.enums {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        schema.enums.insert(
            name.clone(),
            Enum {
                name,
                values: r.try_get("labels")?,
                comment: os(r, "comment")?,
            },
        );
    }

    // Tables by oid; columns, constraints and indexes attach by oid.
    let mut tables: BTreeMap<i64, Table> = BTreeMap::new();
    for r in &rows.tables {
        let oid: i64 = r.try_get("oid")?;
        let mut t = Table::new(name_of(s(r, "schema")?, s(r, "name")?));
        t.comment = os(r, "comment")?;
        t.row_security = crate::ir::RowSecurity {
            enabled: r.try_get("rls")?,
            forced: r.try_get("rls_forced")?,
        };
        if s(r, "persistence")? == "u" {
            t.options.insert("unlogged".into(), "true".into());
        }
        let reloptions: Option<Vec<String>> = r.try_get("reloptions")?;
        for opt in reloptions.unwrap_or_default() {
            if let Some((k, v)) = opt.split_once('=') {
                t.options.insert(k.to_string(), v.to_string());
            }
        }
        if let Some(by) = os(r, "partition_by")? {
            t.partition = Some(Partitioning::By {
                by: crate::ir::Expr(by.to_lowercase_keywords()),
            });
        }
        if let (Some(ps), Some(pn), Some(bound)) = (
            os(r, "parent_schema")?,
            os(r, "parent_name")?,
            os(r, "partition_bound")?,
        ) {
            let bound = bound
                .strip_prefix("FOR VALUES ")
                .map(str::to_string)
                .unwrap_or_else(|| bound.to_lowercase());
            t.partition = Some(Partitioning::Of {
                parent: name_of(ps, pn),
                bound: crate::ir::Expr(bound),
            });
        }
        tables.insert(oid, t);
    }

    // Sequences that a serial column owns fold back into the column type.
    let mut serial_sequences: BTreeSet<Name> = BTreeSet::new();
    for r in &rows.columns {
        let oid: i64 = r.try_get("table_oid")?;
        let Some(t) = tables.get_mut(&oid) else {
            continue;
        };
        let mut c = Column::new(s(r, "name")?, s(r, "type")?);
        c.nullable = !r.try_get::<bool, _>("not_null")?;
        c.default = os(r, "default")?.map(crate::ir::Expr);
        c.collation = os(r, "collation")?;
        c.comment = os(r, "comment")?;
        let identity = s(r, "identity")?;
        let generated = s(r, "generated")?;
        if generated == "s" {
            c.generated = c
                .default
                .take()
                .map(|expr| Generated { expr, stored: true });
        }
        if identity == "a" || identity == "d" {
            let options = sequence_options(r, c.ty.as_str())?;
            c.identity = Some(if identity == "a" {
                Identity::Always { options }
            } else {
                Identity::ByDefault { options }
            });
        }
        if let (Some(seq_schema), Some(seq_name), Some(default)) = (
            os(r, "owned_seq_schema")?,
            os(r, "owned_seq_name")?,
            c.default.as_ref(),
        ) {
            let seq = name_of(seq_schema, seq_name);
            let serial = match c.ty.as_str() {
                "integer" => Some("serial"),
                "bigint" => Some("bigserial"),
                "smallint" => Some("smallserial"),
                _ => None,
            };
            let seq_type: String = s(r, "owned_seq_type")?;
            let expected = generated_name(&t.name.name, &[c.name.as_str()], "seq");
            let nextval = format!(
                "nextval({}::regclass)",
                super::quote::literal(&regclass_text(&seq))
            );
            let defaults = sequence_options(r, &seq_type)?.is_empty();
            if let Some(serial) = serial {
                if default.as_str() == nextval
                    && seq.name == expected
                    && seq.schema == t.name.schema
                    && seq_type == c.ty.as_str()
                    && defaults
                    && !c.nullable
                {
                    c.ty = crate::ir::Type::new(serial);
                    c.default = None;
                    serial_sequences.insert(seq);
                }
            }
        }
        t.columns.push(c);
    }

    for r in &rows.constraints {
        let oid: i64 = r.try_get("table_oid")?;
        let Some(t) = tables.get_mut(&oid) else {
            continue;
        };
        let name = s(r, "name")?;
        let kind = s(r, "kind")?;
        let columns: Vec<String> = r.try_get("columns")?;
        let deferral = deferral(r.try_get("deferrable")?, r.try_get("deferred")?);
        let validated: bool = r.try_get("validated")?;
        match kind.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => t.uniques.push(Unique {
                name: Some(name),
                columns,
                nulls_not_distinct: r.try_get("nulls_not_distinct")?,
                deferral,
                renamed_from: None,
            }),
            "c" => t.checks.push(Check {
                name: Some(name),
                expr: crate::ir::Expr(s(r, "check_expr")?),
                not_valid: !validated,
                renamed_from: None,
            }),
            "f" => t.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns,
                ref_table: name_of(s(r, "ref_schema")?, s(r, "ref_table")?),
                ref_columns: r.try_get("ref_columns")?,
                on_delete: fk_action(&s(r, "on_delete")?),
                on_update: fk_action(&s(r, "on_update")?),
                deferral,
                match_type: match s(r, "match_type")?.as_str() {
                    "f" => MatchType::Full,
                    "p" => MatchType::Partial,
                    _ => MatchType::Simple,
                },
                not_valid: !validated,
                renamed_from: None,
            }),
            _ => {}
        }
    }

    for r in &rows.exclusions {
        let oid: i64 = r.try_get("table_oid")?;
        if let Some(t) = tables.get_mut(&oid) {
            t.exclusions.push(objects::exclusion_of(r)?);
        }
    }
    objects::domains(&rows.domains, &mut schema)?;

    let mut matview_indexes: BTreeMap<i64, Vec<Index>> = BTreeMap::new();
    for r in &rows.indexes {
        let oid: i64 = r.try_get("table_oid")?;
        let index = index_of(r)?;
        if let Some(t) = tables.get_mut(&oid) {
            t.indexes.push(index);
        } else {
            matview_indexes.entry(oid).or_default().push(index);
        }
    }

    for t in tables.into_values() {
        schema.tables.insert(t.name.clone(), t);
    }

    for r in &rows.sequences {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        if serial_sequences.contains(&name) {
            continue;
        }
        let ty = s(r, "type")?;
        let o = sequence_options(r, &ty)?;
        let owned_by = match (
            os(r, "owner_schema")?,
            os(r, "owner_table")?,
            os(r, "owner_column")?,
        ) {
            (Some(s), Some(t), Some(c)) => Some((name_of(s, t), c)),
            _ => None,
        };
        schema.sequences.insert(
            name.clone(),
            Sequence {
                name,
                data_type: (ty != "bigint").then(|| crate::ir::Type::new(ty)),
                start: o.start,
                increment: o.increment,
                min_value: o.min_value,
                max_value: o.max_value,
                cache: o.cache,
                cycle: o.cycle,
                owned_by,
                comment: os(r, "comment")?,
            },
        );
    }

    for r in &rows.views {
        let oid: i64 = r.try_get("oid")?;
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let body = s(r, "body")?;
        let body = body.trim().trim_end_matches(';').trim().to_string();
        schema.views.insert(
            name.clone(),
            View {
                name,
                body,
                materialized: s(r, "kind")? == "m",
                columns: Vec::new(),
                indexes: matview_indexes.remove(&oid).unwrap_or_default(),
                comment: os(r, "comment")?,
                renamed_from: None,
            },
        );
    }

    for r in &rows.functions {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        if schema.functions.contains_key(&name) {
            warnings.push(format!(
                "unmodeled: overloaded function {name}({}): only one function per name is modeled",
                s(r, "args")?
            ));
            continue;
        }
        let is_proc = s(r, "kind")? == "p";
        schema.functions.insert(
            name.clone(),
            Function {
                name,
                args: s(r, "args")?,
                returns: if is_proc { None } else { os(r, "returns")? },
                language: s(r, "language")?,
                body: s(r, "body")?,
                comment: os(r, "comment")?,
                attributes: objects::function_attributes(r)?,
            },
        );
    }

    for r in &rows.triggers {
        let table = name_of(s(r, "schema")?, s(r, "table")?);
        let name = s(r, "name")?;
        let tgtype: i16 = r.try_get("tgtype")?;
        let def = s(r, "definition")?;
        let update_cols: Vec<String> = r.try_get("update_columns")?;
        let timing = if tgtype & 64 != 0 {
            "instead of"
        } else if tgtype & 2 != 0 {
            "before"
        } else {
            "after"
        };
        let mut events = Vec::new();
        if tgtype & 4 != 0 {
            events.push("insert".to_string());
        }
        if tgtype & 16 != 0 {
            if update_cols.is_empty() {
                events.push("update".to_string());
            } else {
                let cols: Vec<String> =
                    update_cols.iter().map(|c| super::quote::ident(c)).collect();
                events.push(format!("update of {}", cols.join(", ")));
            }
        }
        if tgtype & 8 != 0 {
            events.push("delete".to_string());
        }
        if tgtype & 32 != 0 {
            events.push("truncate".to_string());
        }
        let (when, body) = split_trigger_def(&def);
        schema.triggers.insert(
            (table.clone(), name.clone()),
            Trigger {
                name,
                table,
                timing: timing.to_string(),
                events,
                for_each_row: tgtype & 1 != 0,
                when: when.map(crate::ir::Expr),
                body,
            },
        );
    }

    security::policies(&rows.policies, &mut schema)?;
    security::grants(&rows.grants, &mut schema)?;
    for r in &rows.unmodeled {
        warnings.push(format!("unmodeled: {} {}", s(r, "kind")?, s(r, "name")?));
    }
    warnings.sort();
    Ok(Introspection { schema, warnings })
}

/// The text `'seq'::regclass` prints for a sequence name.
fn regclass_text(n: &Name) -> String {
    let part = |s: &str| {
        if types::is_plain_ident(s) && !super::normalize::is_reserved(s) {
            s.to_string()
        } else {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
    };
    match &n.schema {
        Some(s) => format!("{}.{}", part(s), part(&n.name)),
        None => part(&n.name),
    }
}

/// `WHEN (…)` condition and `EXECUTE FUNCTION …` call of a trigger
/// definition as `pg_get_triggerdef` prints it.
fn split_trigger_def(def: &str) -> (Option<String>, String) {
    let exec = def.find(" EXECUTE ").map(|i| i + 1).unwrap_or(def.len());
    let body = def[exec..].trim().to_string();
    let body = body
        .strip_prefix("EXECUTE FUNCTION ")
        .or_else(|| body.strip_prefix("EXECUTE PROCEDURE "))
        .map(|b| format!("execute function {b}"))
        .unwrap_or(body);
    let when = def[..exec].find(" WHEN (").map(|i| {
        let inner = def[i + 7..exec].trim_end();
        inner.strip_suffix(')').unwrap_or(inner).to_string()
    });
    (when, body)
}

fn index_of(r: &PgRow) -> Result<Index, sqlx::Error> {
    let key_count: i16 = r.try_get("key_count")?;
    let defs: Vec<String> = r.try_get("column_defs")?;
    let attnums: Vec<i16> = r.try_get("attnums")?;
    let attnames: Vec<Option<String>> = r.try_get("attnames")?;
    let options: Vec<i16> = r.try_get("options")?;
    let opclasses: Vec<Option<String>> = r.try_get("opclasses")?;
    let collations: Vec<Option<String>> = r.try_get("collations")?;
    let mut parts = Vec::new();
    let mut include = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        let column = match (attnums.get(i), attnames.get(i)) {
            (Some(n), Some(Some(name))) if *n != 0 => Some(name.clone()),
            _ => None,
        };
        if i as i16 >= key_count {
            include.push(column.unwrap_or_else(|| def.clone()));
            continue;
        }
        let opt = options.get(i).copied().unwrap_or(0);
        let desc = opt & 1 != 0;
        let nulls_first = opt & 2 != 0;
        parts.push(IndexPart {
            key: match column {
                Some(c) => IndexKey::Column(c),
                None => IndexKey::Expr(crate::ir::Expr(def.clone())),
            },
            desc,
            // Only a non-default nulls order is spelled out.
            nulls_first: (nulls_first != desc).then_some(nulls_first),
            collation: collations.get(i).cloned().flatten(),
            opclass: opclasses.get(i).cloned().flatten(),
            length: None,
        });
    }
    let method = s(r, "method")?;
    Ok(Index {
        name: Some(s(r, "name")?),
        parts,
        unique: r.try_get("is_unique")?,
        method: (method != "btree").then_some(method),
        include,
        predicate: os(r, "predicate")?.map(crate::ir::Expr),
        nulls_not_distinct: r.try_get("nulls_not_distinct")?,
        comment: os(r, "comment")?,
        renamed_from: None,
    })
}

trait LowerKeywords {
    fn to_lowercase_keywords(&self) -> String;
}

impl LowerKeywords for String {
    /// `RANGE (at)` → `range (at)`: the strategy word only, the rest is
    /// kept as the server printed it.
    fn to_lowercase_keywords(&self) -> String {
        match self.split_once(' ') {
            Some((kw, rest)) => format!("{} {rest}", kw.to_lowercase()),
            None => self.to_lowercase(),
        }
    }
}

/// Every catalog query introspection runs, by name (for benchmarks that
/// time the same queries through another client).
pub const QUERIES: &[(&str, &str)] = &[
    ("namespaces", NAMESPACES),
    ("extensions", EXTENSIONS),
    ("tables", TABLES),
    ("columns", COLUMNS),
    ("constraints", CONSTRAINTS),
    ("indexes", INDEXES),
    ("enums", ENUMS),
    ("sequences", SEQUENCES),
    ("views", VIEWS),
    ("functions", FUNCTIONS),
    ("triggers", TRIGGERS),
    ("unmodeled", UNMODELED),
    ("policies", security::POLICIES),
    ("grants", security::GRANTS),
    ("domains", objects::DOMAINS),
    ("exclusions", objects::EXCLUSIONS),
];

// ---------------------------------------------------------------------------
// Catalog queries. Each takes `$1 text[]`: the namespaces to read, or empty
// for every non-system namespace. Objects that belong to an extension
// (pg_depend deptype 'e') are left to the extension.

/// The namespace filter every query repeats (`n` is `pg_namespace`).
macro_rules! ns_filter {
    () => {
        " n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
          AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%' \
          AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[])) "
    };
}

/// Not created by an extension: `$cls` is the catalog, `$oid` the object.
macro_rules! not_ext {
    ($cls:literal, $oid:literal) => {
        concat!(
            " NOT EXISTS (SELECT 1 FROM pg_depend de WHERE de.classid = '",
            $cls,
            "'::regclass AND de.objid = ",
            $oid,
            " AND de.deptype = 'e') "
        )
    };
}

// After the macros: the module's queries use them.
mod security;

const NAMESPACES: &str = concat!(
    "SELECT n.nspname::text AS name, obj_description(n.oid, 'pg_namespace') AS comment \
     FROM pg_namespace n WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_namespace", "n.oid"),
    "ORDER BY 1"
);

const EXTENSIONS: &str = "SELECT e.extname::text AS name, n.nspname::text AS schema \
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
     WHERE e.extname <> 'plpgsql' AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[])) \
     ORDER BY 1";

const TABLES: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
       c.relpersistence::text AS persistence, c.reloptions::text[] AS reloptions, \
       c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced, \
       obj_description(c.oid, 'pg_class') AS comment, \
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by, \
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound, \
       pn.nspname::text AS parent_schema, pc.relname::text AS parent_name \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_inherits inh ON c.relispartition AND inh.inhrelid = c.oid \
     LEFT JOIN pg_class pc ON pc.oid = inh.inhparent \
     LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 2, 3"
);

const COLUMNS: &str = concat!(
    "SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name, \
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, \
       pg_get_expr(ad.adbin, ad.adrelid) AS default, \
       a.attidentity::text AS identity, a.attgenerated::text AS generated, \
       CASE WHEN a.attcollation <> t.typcollation THEN \
         (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text \
                 ELSE cn.nspname || '.' || co.collname END \
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
          WHERE co.oid = a.attcollation) END AS collation, \
       col_description(a.attrelid, a.attnum) AS comment, \
       sq.seqstart AS seq_start, sq.seqincrement AS seq_increment, sq.seqmin AS seq_min, \
       sq.seqmax AS seq_max, sq.seqcache AS seq_cache, sq.seqcycle AS seq_cycle, \
       format_type(sq.seqtypid, NULL) AS owned_seq_type, \
       osn.nspname::text AS owned_seq_schema, osc.relname::text AS owned_seq_name \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
     LEFT JOIN LATERAL ( \
       SELECT d.objid, d.deptype FROM pg_depend d JOIN pg_class sc ON sc.oid = d.objid \
       WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
         AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum \
         AND d.deptype IN ('a', 'i') AND sc.relkind = 'S' \
       LIMIT 1) dep ON true \
     LEFT JOIN pg_sequence sq ON sq.seqrelid = dep.objid \
     LEFT JOIN pg_class osc ON osc.oid = dep.objid AND dep.deptype = 'a' \
     LEFT JOIN pg_namespace osn ON osn.oid = osc.relnamespace \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') \
       AND NOT (c.relispartition AND a.attinhcount > 0) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY a.attrelid, a.attnum"
);

const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid::int8 AS table_oid, con.conname::text AS name, con.contype::text AS kind, \
       con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated, \
       con.confmatchtype::text AS match_type, con.confupdtype::text AS on_update, \
       con.confdeltype::text AS on_delete, \
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns, \
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_columns, \
       rn.nspname::text AS ref_schema, rc.relname::text AS ref_table, \
       pg_get_expr(con.conbin, con.conrelid) AS check_expr, \
       pg_get_constraintdef(con.oid, true) AS definition, \
       COALESCE((to_jsonb(ix) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u' \
     WHERE con.contype IN ('p', 'u', 'c', 'f') AND c.relkind IN ('r', 'p') \
       AND con.conislocal AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY con.conrelid, con.conname"
);

const INDEXES: &str = concat!(
    "SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name, i.indisunique AS is_unique, \
       am.amname::text AS method, i.indnkeyatts AS key_count, \
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) \
             FROM generate_series(1, i.indnatts) k ORDER BY k) AS column_defs, \
       ARRAY(SELECT k FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(k, o) ORDER BY o) AS attnums, \
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
       ARRAY(SELECT CASE WHEN k.o = 0 OR k.o = ( \
                 SELECT COALESCE(att.attcollation, 0) FROM pg_attribute att \
                 WHERE att.attrelid = i.indrelid AND att.attnum = (i.indkey::int2[])[k.ord - 1]) \
               OR (i.indkey::int2[])[k.ord - 1] = 0 AND k.o = 100 \
               THEN NULL ELSE (SELECT co.collname::text FROM pg_collation co WHERE co.oid = k.o) END \
             FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord) AS collations, \
       COALESCE((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct, \
       obj_description(i.indexrelid, 'pg_class') AS comment \
     FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class c ON c.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_am am ON am.oid = ic.relam \
     WHERE c.relkind IN ('r', 'p', 'm') AND NOT ic.relispartition \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint pc WHERE pc.conindid = i.indexrelid \
                       AND pc.contype IN ('p', 'u', 'x')) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY i.indrelid, ic.relname"
);

const ENUMS: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid \
             ORDER BY e.enumsortorder) AS labels, \
       obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE t.typtype = 'e' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

const SEQUENCES: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS name, \
       format_type(s.seqtypid, NULL) AS type, s.seqstart AS seq_start, \
       s.seqincrement AS seq_increment, s.seqmin AS seq_min, s.seqmax AS seq_max, \
       s.seqcache AS seq_cache, s.seqcycle AS seq_cycle, \
       tn.nspname::text AS owner_schema, tc.relname::text AS owner_table, \
       ta.attname::text AS owner_column, obj_description(c.oid, 'pg_class') AS comment \
     FROM pg_sequence s \
     JOIN pg_class c ON c.oid = s.seqrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' \
     LEFT JOIN pg_class tc ON tc.oid = d.refobjid \
     LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
     LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid \
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend di WHERE di.classid = 'pg_class'::regclass \
                       AND di.objid = c.oid AND di.deptype = 'i') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 1, 2"
);

const VIEWS: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
       c.relkind::text AS kind, pg_get_viewdef(c.oid, true) AS body, \
       obj_description(c.oid, 'pg_class') AS comment \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('v', 'm') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 2, 3"
);

const FUNCTIONS: &str = concat!(
    "SELECT n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind, \
       pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS returns, \
       l.lanname::text AS language, p.prosrc AS body, \
       obj_description(p.oid, 'pg_proc') AS comment, \
       p.provolatile::text AS volatility, p.proisstrict AS strict, p.prosecdef AS security_definer, \
       p.proleakproof AS leakproof, p.proparallel::text AS parallel, \
       p.procost::float8 AS cost, p.prorows::float8 AS rows, \
       COALESCE(p.proconfig, '{}')::text[] AS config \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     JOIN pg_language l ON l.oid = p.prolang \
     WHERE p.prokind IN ('f', 'p') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "ORDER BY 1, 2, 4"
);

const TRIGGERS: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS table, tg.tgname::text AS name, \
       tg.tgtype AS tgtype, pg_get_triggerdef(tg.oid, true) AS definition, \
       ARRAY(SELECT a.attname::text FROM unnest(tg.tgattr::int2[]) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.n ORDER BY k.o) \
         AS update_columns \
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 1, 2, 3"
);

/// Everything strata does not model yet, one row per object, so that
/// introspection can say so instead of silently dropping it.
const UNMODELED: &str = concat!(
    "SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type' \
       ELSE 'composite type' END AS kind, n.nspname || '.' || t.typname AS name \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     LEFT JOIN pg_class c ON c.oid = t.typrelid \
     WHERE (t.typtype = 'r' OR (t.typtype = 'c' AND c.relkind = 'c')) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "UNION ALL \
     SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' END, n.nspname || '.' || c.relname \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind = 'f' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'table inheritance', n.nspname || '.' || c.relname || ' inherits ' || pn.nspname || '.' || pc.relname \
     FROM pg_inherits inh JOIN pg_class c ON c.oid = inh.inhrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_class pc ON pc.oid = inh.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
     WHERE NOT c.relispartition AND c.relkind IN ('r', 'p') AND",
    ns_filter!(),
    "UNION ALL \
     SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END, \
       n.nspname || '.' || p.proname \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE p.prokind IN ('a', 'w') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "UNION ALL \
     SELECT 'rule', r.rulename || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE r.rulename <> '_RETURN' AND",
    ns_filter!(),
    "UNION ALL \
     SELECT 'statistics object', n.nspname || '.' || s.stxname \
     FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE",
    ns_filter!(),
    "ORDER BY 1, 2"
);

// Declared after the query macros, which it uses.
mod objects;
