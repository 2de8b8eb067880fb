//! Catalog queries → IR. A fixed set of bulk queries (constants in
//! `introspect/queries.rs`), run concurrently over a small pool: the
//! number of round trips does not grow with the number of tables. Each
//! query's rows become IR in a function of their own.

mod collations;
mod columns;
mod depend;
mod more;
mod objects;
pub mod queries;
mod security;

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::{Column as _, PgPool, Row};

use super::types;
use crate::dialect::Introspection;
use crate::ir::{
    Check, Deferral, Enum, Extension, FkAction, ForeignKey, Function, Index, IndexKey, IndexPart,
    MatchType, Name, Namespace, Partitioning, PrimaryKey, Schema, Sequence, SequenceOptions, Table,
    Trigger, Unique, View,
};
use depend::DEPENDS;
use queries::{
    COLLATIONS, COLUMNS, COLUMN_COMPRESSION, COMPOSITES, CONSTRAINTS, DOMAINS, ENUMS, EXCLUSIONS,
    EXTENSIONS, FUNCTIONS, GRANTS, INDEXES, NAMESPACES, POLICIES, RANGES, SEQUENCES, STATISTICS,
    STATISTICS_BEFORE_14, TABLES, TEXT_SEARCH_CONFIGS, TRIGGERS, UNMODELED, VIEWS,
    VIEW_COLUMN_COMMENTS,
};

/// Reads the schema of the database at `url`; `namespaces` narrows it
/// where the dialect has namespaces (empty: all non-system ones).
pub async fn introspect(url: &str, namespaces: &[String]) -> miette::Result<Introspection> {
    let unreachable = |e: String| super::connect::unreachable(url, e);
    let probe = tokio::time::timeout(crate::dialect::CONNECT_TIMEOUT, super::connect::settle(url));
    let (options, version) = match probe.await {
        Ok(Ok((c, options))) => {
            let version = c.server_version_num();
            // The probe only had to succeed; how it closes does not matter.
            let _ = sqlx::Connection::close(c).await;
            (options, version)
        }
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => {
            return Err(unreachable(format!(
                "no answer within {} s",
                crate::dialect::CONNECT_TIMEOUT.as_secs()
            )))
        }
    };
    let pool = PgPoolOptions::new()
        .max_connections(crate::dialect::readers::connections(options.get_host()))
        // The server's JIT compiles `CONSTRAINTS` (its cost estimate passes
        // `jit_above_cost` at a few thousand tables) for more time than the
        // query then saves: about a sixth of that query's server time.
        // Parallel workers: seven of the queries would start them at a few
        // thousand tables, and with the queries already running side by
        // side (`readers::connections`) they only add their start-up and
        // the hash tables each builds again: 15 % more server CPU in all.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::Executor::execute(
                    conn,
                    "SET jit = off; SET max_parallel_workers_per_gather = 0",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let result = read(&pool, namespaces, version).await;
    pool.close().await;
    result
}

struct Rows {
    namespaces: Vec<PgRow>,
    extensions: Vec<PgRow>,
    tables: Vec<PgRow>,
    columns: Vec<columns::ColumnRow>,
    constraints: Vec<(i64, Constraint)>,
    indexes: Vec<(i64, Index)>,
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
    composites: Vec<PgRow>,
    collations: Vec<PgRow>,
    text_search_configs: Vec<PgRow>,
    ranges: Vec<PgRow>,
    depends: Vec<PgRow>,
    view_column_comments: Vec<PgRow>,
    statistics: Vec<PgRow>,
    column_compression: Vec<PgRow>,
}

/// `version` is the server's `server_version_num`, which decides the
/// queries that name catalog columns of later releases.
async fn read(
    pool: &PgPool,
    namespaces: &[String],
    version: Option<u32>,
) -> miette::Result<Introspection> {
    let ns: Vec<String> = namespaces.to_vec();
    let q = |sql: &'static str| {
        let ns = ns.clone();
        async move {
            sqlx::query(sql)
                .bind(ns)
                .fetch_all(pool)
                .await
                .map_err(query_failed)
        }
    };
    // Every query at once, the slowest first: the pool runs as many at a
    // time as it has connections, and the short ones fill in around the
    // long ones (in batches, each batch waited for its slowest query;
    // `DEPENDS`, as slow as `INDEXES`, ran alone after all the others, and
    // the IR build after it).
    let (
        ((constraints, indexes), depends, columns, views, tables, grants),
        (functions, namespaces_r, extensions, enums, sequences, triggers),
        (unmodeled, policies, domains, exclusions, composites, ranges),
        (collations, text_search_configs, view_column_comments, statistics, column_compression),
    ) = tokio::try_join!(
        async {
            tokio::try_join!(
                keys_and_indexes(pool, &ns),
                q(DEPENDS),
                decoded(pool, COLUMNS, &ns, columns::Fields::of, columns::decode),
                q(VIEWS),
                q(TABLES),
                q(GRANTS),
            )
        },
        async {
            tokio::try_join!(
                q(FUNCTIONS),
                q(NAMESPACES),
                q(EXTENSIONS),
                q(ENUMS),
                q(SEQUENCES),
                q(TRIGGERS),
            )
        },
        async {
            tokio::try_join!(
                q(UNMODELED),
                q(POLICIES),
                q(DOMAINS),
                q(EXCLUSIONS),
                q(COMPOSITES),
                q(RANGES),
            )
        },
        async {
            tokio::try_join!(
                q(COLLATIONS),
                q(TEXT_SEARCH_CONFIGS),
                q(VIEW_COLUMN_COMMENTS),
                q(statistics_query(version)),
                async {
                    // `attcompression` is PostgreSQL 14's.
                    if before_14(version) {
                        Ok(Vec::new())
                    } else {
                        q(COLUMN_COMPRESSION).await
                    }
                },
            )
        },
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
        composites,
        ranges,
        collations,
        text_search_configs,
        depends,
        view_column_comments,
        statistics,
        column_compression,
    };
    // Building the IR is CPU work: on a blocking thread it neither stalls
    // the queries of another introspection running at the same time
    // (`diff` of two databases) nor waits for it.
    let built = tokio::task::spawn_blocking(move || build(rows))
        .await
        .map_err(|e| miette::miette!("the catalog reader stopped: {e}"))?;
    built.map_err(unexpected_row)
}

/// Whether the server said it is older than PostgreSQL 14, whose catalog
/// columns and functions two queries read. A server that did not say its
/// version is taken for a current one: a silent skip would lose what it
/// holds.
fn before_14(version: Option<u32>) -> bool {
    version.is_some_and(|v| v < 140_000)
}

/// Statistics objects have expressions from PostgreSQL 14, and the query
/// that reads them calls a function older servers do not have.
fn statistics_query(version: Option<u32>) -> &'static str {
    if before_14(version) {
        STATISTICS_BEFORE_14
    } else {
        STATISTICS
    }
}

fn query_failed(e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::postgres::introspect",
        help = "the user needs read access to the system catalogs",
        "catalog query failed: {e}"
    )
}

fn unexpected_row(e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::postgres::introspect",
        help = "this is a bug in strata's catalog queries; please report it",
        "unexpected catalog row: {e}"
    )
}

/// The rows of one of the large queries, each decoded as it arrives
/// (`decode`, with what `fields` found in the first row: where its fields
/// are) and freed at once: the client's decoding overlaps the server's
/// work and the raw rows are never all held together.
async fn decoded<'e, F, T>(
    on: impl sqlx::PgExecutor<'e>,
    sql: &'static str,
    ns: &[String],
    fields: impl Fn(&PgRow) -> Result<F, sqlx::Error>,
    decode: impl Fn(&PgRow, &F) -> Result<T, sqlx::Error>,
) -> miette::Result<Vec<T>> {
    let mut rows = sqlx::query(sql).bind(ns.to_vec()).fetch(on);
    let mut out = Vec::new();
    let mut at: Option<F> = None;
    while let Some(r) = rows.try_next().await.map_err(query_failed)? {
        let f = match &at {
            Some(f) => f,
            None => at.insert(fields(&r).map_err(unexpected_row)?),
        };
        out.push(decode(&r, f).map_err(unexpected_row)?);
    }
    Ok(out)
}

/// `CONSTRAINTS`, then `INDEXES`, on one connection. Printing a check or
/// an index expression opens its table, and the server caches what it
/// built for that per connection: on two connections every table is built
/// twice (about a third of both queries' server time), which the floor,
/// one connection, does not pay.
async fn keys_and_indexes(
    pool: &PgPool,
    ns: &[String],
) -> miette::Result<(Vec<(i64, Constraint)>, Vec<(i64, Index)>)> {
    let mut conn = pool.acquire().await.map_err(query_failed)?;
    let constraints = decoded(
        &mut *conn,
        CONSTRAINTS,
        ns,
        |_| Ok(()),
        |r, _| constraint_of(r),
    )
    .await?;
    let indexes = decoded(
        &mut *conn,
        INDEXES,
        ns,
        |_| Ok(()),
        |r, _| Ok((oid(r)?, index_of(r)?)),
    )
    .await?;
    Ok((constraints, indexes))
}

fn oid(r: &PgRow) -> Result<i64, sqlx::Error> {
    r.try_get("table_oid")
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

/// Where the sequence option fields of a row are.
struct SeqFields {
    start: usize,
    increment: usize,
    min: usize,
    max: usize,
    cache: usize,
    cycle: usize,
}

impl SeqFields {
    fn of(r: &PgRow) -> Result<SeqFields, sqlx::Error> {
        let at = |name: &str| r.try_column(name).map(|c| c.ordinal());
        Ok(SeqFields {
            start: at("seq_start")?,
            increment: at("seq_increment")?,
            min: at("seq_min")?,
            max: at("seq_max")?,
            cache: at("seq_cache")?,
            cycle: at("seq_cycle")?,
        })
    }
}

/// Sequence options of a sequence, with every value that equals
/// PostgreSQL's default for its type left out.
fn sequence_options(row: &PgRow, ty: &str) -> Result<SequenceOptions, sqlx::Error> {
    sequence_options_at(row, &SeqFields::of(row)?, ty)
}

fn sequence_options_at(
    row: &PgRow,
    f: &SeqFields,
    ty: &str,
) -> Result<SequenceOptions, sqlx::Error> {
    let start: i64 = row.try_get(f.start)?;
    let increment: i64 = row.try_get(f.increment)?;
    let min: i64 = row.try_get(f.min)?;
    let max: i64 = row.try_get(f.max)?;
    let cache: i64 = row.try_get(f.cache)?;
    let cycle: bool = row.try_get(f.cycle)?;
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
        _ => FkAction::Unspecified,
    }
}

fn deferral(deferrable: bool, deferred: bool) -> Deferral {
    match (deferrable, deferred) {
        (false, _) => Deferral::NotDeferrable,
        (true, false) => Deferral::InitiallyImmediate,
        (true, true) => Deferral::InitiallyDeferred,
    }
}

/// The rows of every query → the schema, one catalog query at a time.
/// Tables come first: columns, constraints and indexes attach to them by
/// oid, and the sequences serial columns own fold into those columns.
/// The big row sets are taken out of `rows` as they are used, so that
/// each is freed once read: at 5,000 tables the column rows alone are
/// tens of MB, and the schema they become grows meanwhile.
fn build(mut rows: Rows) -> Result<Introspection, sqlx::Error> {
    let mut schema = Schema {
        dialect: Some(crate::ir::DialectKind::Postgres),
        ..Schema::default()
    };
    let mut warnings = Vec::new();
    namespaces(&rows.namespaces, &mut schema)?;
    extensions(&rows.extensions, &mut schema)?;
    enums(&rows.enums, &mut schema)?;

    let mut tables = tables(&std::mem::take(&mut rows.tables))?;
    let serial_sequences = columns::attach(std::mem::take(&mut rows.columns), &mut tables);
    columns::compressions(&rows.column_compression, &mut tables, &mut warnings)?;
    constraints(std::mem::take(&mut rows.constraints), &mut tables);
    for r in &rows.exclusions {
        let oid: i64 = r.try_get("table_oid")?;
        if let Some(t) = tables.get_mut(&oid) {
            t.exclusions.push(objects::exclusion_of(r)?);
        }
    }
    objects::domains(&rows.domains, &mut schema)?;
    objects::composites(&rows.composites, &mut schema)?;
    objects::ranges(&rows.ranges, &mut schema)?;
    collations::collations(&rows.collations, &mut schema)?;
    collations::text_search_configs(&rows.text_search_configs, &mut schema)?;
    let mut matview_indexes = indexes(std::mem::take(&mut rows.indexes), &mut tables);
    for t in tables.into_values() {
        schema.tables.insert(t.name.clone(), t);
    }
    // The indexes and keys a parent's made on its partitions are not theirs.
    super::normalize::attach_indexes(&mut schema);
    super::normalize::attach_keys(&mut schema);

    sequences(&rows.sequences, &serial_sequences, &mut schema)?;
    views(&rows.views, &mut matview_indexes, &mut schema)?;
    more::view_column_comments(&rows.view_column_comments, &mut schema)?;
    more::statistics(&rows.statistics, &mut schema)?;
    functions(&rows.functions, &mut schema)?;
    triggers(&rows.triggers, &mut schema)?;
    security::policies(&rows.policies, &mut schema)?;
    security::grants(&rows.grants, &mut schema)?;
    security::public_revoked(&mut schema);
    depend::depends(&rows.depends, &mut schema)?;
    for r in &rows.unmodeled {
        warnings.push(format!("unmodeled: {} {}", s(r, "kind")?, s(r, "name")?));
    }
    warnings.sort();
    Ok(Introspection { schema, warnings })
}

fn namespaces(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = s(r, "name")?;
        // `public`'s comment is the server's own ("standard public schema").
        let comment = if name == "public" {
            None
        } else {
            os(r, "comment")?
        };
        schema.namespaces.insert(
            name.clone(),
            Namespace {
                name,
                comment,
                owner: os(r, "owner")?,
            },
        );
    }
    Ok(())
}

fn extensions(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = s(r, "name")?;
        let ns = s(r, "schema")?;
        schema.extensions.insert(
            name.clone(),
            Extension {
                name,
                schema: (ns != "public").then_some(ns),
                version: Some(s(r, "version")?),
                comment: r.try_get("comment")?,
            },
        );
    }
    Ok(())
}

fn enums(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
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
    Ok(())
}

/// Tables by oid, with their comment, row-level security, options,
/// partitioning and the parents they inherit from; the other queries attach to them by that oid.
fn tables(rows: &[PgRow]) -> Result<BTreeMap<i64, Table>, sqlx::Error> {
    let mut tables: BTreeMap<i64, Table> = BTreeMap::new();
    for r in rows {
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
        t.options.extend(storage_parameters(r)?);
        if let Some(ix) = os(r, "cluster_on")? {
            t.options.insert(crate::ir::CLUSTER_ON.into(), ix);
        }
        let by = os(r, "partition_by")?.map(|by| crate::ir::Expr::new(by.to_lowercase_keywords()));
        if let Some(by) = &by {
            t.partition = Some(Partitioning::By { by: by.clone() });
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
                bound: crate::ir::Expr::new(bound),
                by,
            });
        }
        let schemas: Vec<String> = r.try_get("inherits_schemas")?;
        let names: Vec<String> = r.try_get("inherits_names")?;
        t.inherits = schemas
            .into_iter()
            .zip(names)
            .map(|(ps, pn)| name_of(ps, pn))
            .collect();
        tables.insert(oid, t);
    }
    Ok(tables)
}

/// A constraint of a table, as `CONSTRAINTS` reads it.
enum Constraint {
    Primary(PrimaryKey),
    Unique(Unique),
    Check(Check),
    Foreign(ForeignKey),
    /// A kind the query does not select.
    Other,
}

/// Primary keys, unique, check and foreign-key constraints onto their
/// tables, in the query's order.
fn constraints(rows: Vec<(i64, Constraint)>, tables: &mut BTreeMap<i64, Table>) {
    for (oid, c) in rows {
        let Some(t) = tables.get_mut(&oid) else {
            continue;
        };
        match c {
            Constraint::Primary(pk) => t.primary_key = Some(pk),
            Constraint::Unique(u) => t.uniques.push(u),
            Constraint::Check(c) => t.checks.push(c),
            Constraint::Foreign(fk) => t.foreign_keys.push(fk),
            Constraint::Other => {}
        }
    }
}

fn constraint_of(r: &PgRow) -> Result<(i64, Constraint), sqlx::Error> {
    let name = s(r, "name")?;
    let comment = os(r, "comment")?;
    let kind = s(r, "kind")?;
    let columns: Vec<String> = r.try_get("columns")?;
    let deferral = deferral(r.try_get("deferrable")?, r.try_get("deferred")?);
    let validated: bool = r.try_get("validated")?;
    let c = match kind.as_str() {
        "p" => Constraint::Primary(PrimaryKey {
            attached_to: None,
            comment,
            name: Some(name),
            columns,
            deferral,
            options: storage_parameters(r)?,
            method: None,
            lengths: Default::default(),
            descending: Default::default(),
        }),
        "u" => Constraint::Unique(Unique {
            attached_to: None,
            comment,
            name: Some(name),
            columns,
            nulls_not_distinct: r.try_get("nulls_not_distinct")?,
            deferral,
            renamed_from: None,
            options: storage_parameters(r)?,
        }),
        "c" => Constraint::Check(Check {
            comment,
            name: Some(name),
            expr: crate::ir::Expr::new(s(r, "check_expr")?),
            not_valid: !validated,
            renamed_from: None,
            no_inherit: r.try_get("no_inherit")?,
            column: None,
        }),
        "f" => Constraint::Foreign(ForeignKey {
            comment,
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
            attached_to: None,
        }),
        _ => Constraint::Other,
    };
    Ok((oid(r)?, c))
}

/// Indexes onto their tables; those of materialized views are returned
/// by the view's oid.
fn indexes(
    rows: Vec<(i64, Index)>,
    tables: &mut BTreeMap<i64, Table>,
) -> BTreeMap<i64, Vec<Index>> {
    let mut matview_indexes: BTreeMap<i64, Vec<Index>> = BTreeMap::new();
    for (oid, index) in rows {
        if let Some(t) = tables.get_mut(&oid) {
            t.indexes.push(index);
        } else {
            matview_indexes.entry(oid).or_default().push(index);
        }
    }
    matview_indexes
}

fn sequences(
    rows: &[PgRow],
    serial_sequences: &BTreeSet<Name>,
    schema: &mut Schema,
) -> Result<(), sqlx::Error> {
    for r in rows {
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
                unlogged: r.try_get("unlogged")?,
                owned_by,
                comment: os(r, "comment")?,
            },
        );
    }
    Ok(())
}

fn views(
    rows: &[PgRow],
    matview_indexes: &mut BTreeMap<i64, Vec<Index>>,
    schema: &mut Schema,
) -> Result<(), sqlx::Error> {
    for r in rows {
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
                options: storage_parameters(r)?,
                column_comments: BTreeMap::new(),
                unmodeled: r.try_get("unmodeled")?,
                written: None,
            },
        );
    }
    Ok(())
}

/// Functions, procedures and aggregates; overloads of one name apart by
/// their arguments.
fn functions(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let is_proc = s(r, "kind")? == "p";
        if let Some(options) = os(r, "aggregate_options")? {
            let f = Function {
                name: name.clone(),
                args: s(r, "args")?,
                returns: None,
                language: String::new(),
                body: options,
                object_file: None,
                standard_body: false,
                aggregate: true,
                comment: os(r, "comment")?,
                attributes: Default::default(),
                options: Default::default(),
            };
            schema.functions.insert(f.key(), f);
            continue;
        }
        let standard = os(r, "standard_body")?;
        let f = Function {
            name,
            args: s(r, "args")?,
            returns: if is_proc { None } else { os(r, "returns")? },
            language: s(r, "language")?,
            standard_body: standard.is_some(),
            body: match standard {
                Some(b) => b,
                None => s(r, "body")?,
            },
            object_file: os(r, "object_file")?,
            aggregate: false,
            comment: os(r, "comment")?,
            attributes: objects::function_attributes(r)?,
            options: Default::default(),
        };
        schema.functions.insert(f.key(), f);
    }
    Ok(())
}

/// Triggers, their timing and events read from `tgtype`'s bits.
fn triggers(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
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
        let mut options = BTreeMap::new();
        for (column, key) in [
            ("is_constraint", "constraint"),
            ("deferrable", "deferrable"),
            ("initially_deferred", "initially_deferred"),
        ] {
            if r.try_get::<bool, _>(column)? {
                options.insert(key.to_string(), "true".to_string());
            }
        }
        // A statement trigger's transition tables (`REFERENCING OLD TABLE
        // AS …`): the names its function reads the rows by.
        for key in ["old_table", "new_table"] {
            if let Some(t) = r.try_get::<Option<String>, _>(key)? {
                options.insert(key.to_string(), t);
            }
        }
        schema.triggers.insert(
            (table.clone(), name.clone()),
            Trigger {
                name,
                table,
                timing: timing.to_string(),
                events,
                for_each_row: tgtype & 1 != 0,
                when: when.map(crate::ir::Expr::new),
                body,
                options,
                comment: r.try_get("comment")?,
            },
        );
    }
    Ok(())
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
    // Printed for expressions only: a key column is its name.
    let defs: Vec<Option<String>> = r.try_get("column_defs")?;
    let attnums: Vec<i16> = r.try_get("attnums")?;
    let attnames: Vec<Option<String>> = r.try_get("attnames")?;
    let options: Vec<i16> = r.try_get("options")?;
    let opclasses: Vec<Option<String>> = r.try_get("opclasses")?;
    let collations: Vec<Option<String>> = r.try_get("collations")?;
    let mut parts = Vec::new();
    let mut include = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        let key = match (attnums.get(i), attnames.get(i), def) {
            (Some(n), Some(Some(name)), _) if *n != 0 => IndexKey::Column(name.clone()),
            (_, _, Some(def)) => IndexKey::Expr(crate::ir::Expr::new(def.clone())),
            _ => {
                return Err(sqlx::Error::Decode(
                    format!("index key {i} is neither a column nor an expression").into(),
                ))
            }
        };
        if i as i16 >= key_count {
            include.push(match key {
                IndexKey::Column(c) => c,
                IndexKey::Expr(e) => e.0,
            });
            continue;
        }
        let opt = options.get(i).copied().unwrap_or(0);
        let desc = opt & 1 != 0;
        let nulls_first = opt & 2 != 0;
        parts.push(IndexPart {
            key,
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
        predicate: os(r, "predicate")?.map(crate::ir::Expr::new),
        nulls_not_distinct: r.try_get("nulls_not_distinct")?,
        comment: os(r, "comment")?,
        renamed_from: None,
        options: storage_parameters(r)?,
        invalid: !r.try_get::<bool, _>("is_valid")?,
        attached_to: None,
    })
}

/// `reloptions` (`{fillfactor=70}`) as options.
fn storage_parameters(r: &PgRow) -> Result<BTreeMap<String, String>, sqlx::Error> {
    let reloptions: Option<Vec<String>> = r.try_get("reloptions")?;
    Ok(reloptions
        .unwrap_or_default()
        .iter()
        .filter_map(|o| o.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
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
