//! information_schema → IR. One bulk query per kind of object, filtered
//! to the connected database and never run per table; the queries run
//! concurrently over a small pool. The queries are the constants of
//! `introspect/queries.rs`.
//!
//! The result is already in the shape [`super::normalize`] expects; the
//! server-specific spellings (MariaDB's quoted literal defaults, its JSON
//! as `longtext` + `json_valid` check, MySQL's unquoted literals and
//! charset introducers) are undone here, where the server is known.

mod events;
pub mod queries;
mod routines;
mod sequences;
mod written;

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;
use miette::IntoDiagnostic;
use sqlx::mysql::{MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::Row;

use crate::dialect::Introspection;
use crate::ir::{
    Check, Column, Expr, FkAction, ForeignKey, Generated, Identity, Index, IndexKey, IndexPart,
    Name, Partitioning, PrimaryKey, Schema, Table, Trigger, View,
};

use super::expr::literals;
use super::quote::{ident, string};
use super::HISTORY_TABLE;
use queries::{
    CHECKS_MARIADB, CHECKS_MYSQL, COLLATIONS, COLUMNS, EVENTS, FOREIGN_KEYS, INDEXES,
    INDEXES_IGNORED, INDEXES_MYSQL8, PARAMETERS, PARTITIONS, ROUTINES, TABLES, TRIGGERS, VERSION,
    VIEWS, VIEWS_MYSQL8,
};

/// Which server answers, and so which catalog columns exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub mariadb: bool,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub version: String,
}

impl Server {
    pub fn parse(version: &str) -> Server {
        let mariadb = version.to_ascii_lowercase().contains("mariadb");
        let mut nums = version
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u32>().unwrap_or(0));
        Server {
            mariadb,
            major: nums.next().unwrap_or(0),
            minor: nums.next().unwrap_or(0),
            patch: nums.next().unwrap_or(0),
            version: version.to_string(),
        }
    }

    /// MySQL 8.0.13+ has functional indexes (`STATISTICS.EXPRESSION`).
    fn has_index_expressions(&self) -> bool {
        !self.mariadb && (self.major, self.minor, self.patch) >= (8, 0, 13)
    }

    /// MariaDB 10.6+ can keep an index the optimizer ignores
    /// (`STATISTICS.IGNORED`).
    fn has_ignored_indexes(&self) -> bool {
        self.mariadb && (self.major, self.minor) >= (10, 6)
    }

    /// CHECK_CONSTRAINTS exists from MariaDB 10.2 and MySQL 8.0.16.
    fn has_checks(&self) -> bool {
        if self.mariadb {
            (self.major, self.minor) >= (10, 2)
        } else {
            (self.major, self.minor, self.patch) >= (8, 0, 16)
        }
    }
}

pub(crate) async fn connect(url: &str, max: u32) -> miette::Result<MySqlPool> {
    let url = url.replacen("mariadb://", "mysql://", 1);
    let unreachable = |e: String| {
        super::apply::unreachable(
            &url,
            e,
            "check that the server is running and the URL names a database: mysql://user:password@host:3306/database",
        )
    };
    crate::dialect::probe::<sqlx::MySqlConnection>(&url)
        .await
        .map_err(unreachable)?;
    MySqlPoolOptions::new()
        .max_connections(max)
        .connect(&url)
        .await
        .map_err(|e| unreachable(e.to_string()))
}

/// Reads the schema of the database the URL names. `_namespaces` does not
/// apply: a MySQL URL names exactly one database.
pub async fn introspect(url: &str, _namespaces: &[String]) -> miette::Result<Introspection> {
    let pool = connect(url, 4).await?;
    let result = read(&pool).await;
    pool.close().await;
    result
}

/// One row, every column read as optional text.
type Rows = Vec<Vec<Option<String>>>;

async fn fetch(pool: &MySqlPool, sql: &str, db: &str) -> miette::Result<Rows> {
    let binds = sql.matches('?').count();
    let mut q = sqlx::query(sql);
    for _ in 0..binds {
        q = q.bind(db);
    }
    let rows: Vec<MySqlRow> = q.fetch(pool).try_collect().await.map_err(|e| {
        miette::miette!(
            code = "strata::mysql::introspect",
            "catalog query failed: {e}\n{sql}"
        )
    })?;
    Ok(rows
        .iter()
        .map(|r| (0..r.len()).map(|i| text(r, i)).collect())
        .collect())
}

fn text(row: &MySqlRow, i: usize) -> Option<String> {
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v.map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    if let Ok(v) = row.try_get::<Option<u64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    None
}

fn col(r: &[Option<String>], i: usize) -> String {
    r.get(i).cloned().flatten().unwrap_or_default()
}

fn opt(r: &[Option<String>], i: usize) -> Option<String> {
    r.get(i).cloned().flatten()
}

pub(crate) async fn server(pool: &MySqlPool) -> miette::Result<(Server, String, String)> {
    let row: (String, Option<String>, String) = sqlx::query_as(VERSION)
        .fetch_one(pool)
        .await
        .into_diagnostic()?;
    let db = row.1.ok_or_else(|| {
        miette::miette!(
            code = "strata::mysql::no_database",
            help = "name the database in the URL: mysql://user@host:3306/database",
            "the URL names no database"
        )
    })?;
    Ok((Server::parse(&row.0), db, row.2))
}

/// The rows of every catalog query.
struct Catalog {
    tables: Rows,
    columns: Rows,
    indexes: Rows,
    fks: Rows,
    checks: Rows,
    views: Rows,
    triggers: Rows,
    collations: Rows,
    routines: Rows,
    parameters: Rows,
    events: Rows,
    partitions: Rows,
    /// MariaDB sequences: name, comment, then their options.
    sequences: Rows,
}

async fn read(pool: &MySqlPool) -> miette::Result<Introspection> {
    let (server, db, db_collation) = server(pool).await?;
    let catalog = fetch_catalog(pool, &server, &db).await?;
    Ok(build(&server, &db, &db_collation, catalog))
}

/// Runs the catalog queries this server has, concurrently.
async fn fetch_catalog(pool: &MySqlPool, server: &Server, db: &str) -> miette::Result<Catalog> {
    let index_sql = if server.has_index_expressions() {
        INDEXES_MYSQL8.to_string()
    } else if server.has_ignored_indexes() {
        INDEXES_IGNORED.to_string()
    } else {
        INDEXES.to_string()
    };
    let views_sql = if server.mariadb { VIEWS } else { VIEWS_MYSQL8 };
    let check_sql = if !server.has_checks() {
        None
    } else if server.mariadb {
        Some(CHECKS_MARIADB)
    } else {
        Some(CHECKS_MYSQL)
    };
    let checks_fut = async {
        match check_sql {
            Some(sql) => fetch(pool, sql, db).await,
            None => Ok(Vec::new()),
        }
    };
    let (tables, columns, indexes, fks, checks, views, triggers, collations) = futures::try_join!(
        fetch(pool, TABLES, db),
        fetch(pool, COLUMNS, db),
        fetch(pool, &index_sql, db),
        fetch(pool, FOREIGN_KEYS, db),
        checks_fut,
        fetch(pool, views_sql, db),
        fetch(pool, TRIGGERS, db),
        fetch(pool, COLLATIONS, db),
    )?;
    let (views, sequences) = futures::try_join!(
        with_written_bodies(pool, db, views),
        sequences::read(pool, db, &tables),
    )?;
    let (routines, parameters, events, partitions) = futures::try_join!(
        fetch(pool, ROUTINES, db),
        fetch(pool, PARAMETERS, db),
        fetch(pool, EVENTS, db),
        fetch(pool, PARTITIONS, db),
    )?;
    let (triggers, routines, events) = futures::join!(
        written::triggers(pool, db, triggers),
        written::routines(pool, db, routines),
        written::events(pool, db, events),
    );
    Ok(Catalog {
        tables,
        columns,
        indexes,
        fks,
        checks,
        views,
        triggers,
        collations,
        routines,
        parameters,
        events,
        partitions,
        sequences,
    })
}

/// `information_schema.VIEWS` drops the character set introducers a body
/// was written with (`_utf8mb3'x'`), and they decide the character set of
/// a view's columns: each view's body is read from `SHOW CREATE VIEW`
/// instead (one query per view, run concurrently on the pool).
async fn with_written_bodies(pool: &MySqlPool, db: &str, mut views: Rows) -> miette::Result<Rows> {
    let shows = views.iter().map(|r| {
        let sql = format!("SHOW CREATE VIEW {}.{}", ident(db), ident(&col(r, 0)));
        async move {
            let row: MySqlRow = sqlx::query(&sql).fetch_one(pool).await.map_err(|e| {
                miette::miette!(code = "strata::mysql::introspect", "{sql} failed: {e}")
            })?;
            Ok::<_, miette::Report>(text(&row, 1))
        }
    });
    let created = futures::future::try_join_all(shows).await?;
    for (r, create) in views.iter_mut().zip(created) {
        let body = create.and_then(|c| written_body(&c, &col(r, 0), &col(r, 2)));
        if let (Some(body), Some(slot)) = (body, r.get_mut(1)) {
            *slot = Some(body);
        }
    }
    Ok(views)
}

/// The body in `CREATE … VIEW `name` AS body [WITH … CHECK OPTION]`.
fn written_body(create: &str, name: &str, check_option: &str) -> Option<String> {
    let head = format!(" VIEW `{}` AS ", name.replace('`', "``"));
    let body = &create[create.find(&head)? + head.len()..];
    let tail = format!(" WITH {} CHECK OPTION", check_option.to_ascii_uppercase());
    Some(body.strip_suffix(tail.as_str()).unwrap_or(body).to_string())
}

/// The rows → the schema, one catalog query at a time. Tables first: the
/// other rows attach to them by name.
fn build(server: &Server, db: &str, db_collation: &str, c: Catalog) -> Introspection {
    let collations = Collations::from_rows(&c.collations);
    let mut warnings = Vec::new();
    let mut schema = Schema {
        dialect: Some(crate::ir::DialectKind::Mysql),
        ..Schema::default()
    };
    let table_collation = tables(
        &c.tables,
        &collations,
        db_collation,
        &mut schema,
        &mut warnings,
    );
    let (json_checks, table_checks) = checks(&c.checks, server);
    columns(
        &c.columns,
        server,
        &collations,
        &table_collation,
        &json_checks,
        &mut schema,
    );
    unqualify_defaults(db, &mut schema);
    period_columns(&c.columns, &mut warnings);
    indexes(&c.indexes, &mut schema);
    foreign_keys(&c.fks, db, server.mariadb, &mut schema);
    for (tname, checks) in table_checks {
        if let Some(t) = schema.tables.get_mut(&Name::new(&tname)) {
            t.checks = checks;
        }
    }
    views(&c.views, db, &mut schema);
    triggers(&c.triggers, &mut schema);
    routines::routines(&c.routines, &c.parameters, &mut schema, &mut warnings);
    events::events(&c.events, &mut schema);
    sequences::sequences(&c.sequences, &mut schema);
    partitions(&c.partitions, &mut schema);
    Introspection { schema, warnings }
}

/// A system-versioned table's own `ROW START`/`ROW END` columns and its
/// columns `WITHOUT SYSTEM VERSIONING` are not modeled (versioning with
/// the server's hidden period columns is): reported, once per table.
fn period_columns(rows: &Rows, warnings: &mut Vec<String>) {
    let mut tables = BTreeSet::new();
    for r in rows {
        let period = matches!(opt(r, 9).as_deref(), Some("ROW START" | "ROW END"));
        if period || col(r, 5).contains("WITHOUT SYSTEM VERSIONING") {
            tables.insert(col(r, 0));
        }
    }
    for t in tables {
        warnings.push(format!(
            "table {t}: its system-time period columns or columns WITHOUT SYSTEM VERSIONING are not modeled; a plan that changes it may fail"
        ));
    }
}

/// MariaDB prints a sequence a default calls with the database's name,
/// `nextval(`db`.`s`)`: a sequence of the same database is unqualified,
/// as the schema names it and as another database built from it prints.
fn unqualify_defaults(db: &str, schema: &mut Schema) {
    let prefix = format!("{}.", ident(db));
    for t in schema.tables.values_mut() {
        for c in &mut t.columns {
            if let Some(d) = c.default.as_mut().filter(|d| d.as_str().contains(&prefix)) {
                *d = Expr::new(d.as_str().replace(&prefix, ""));
            }
        }
    }
}

/// Base tables with their engine, collation, comment and options (those
/// strata does not model are reported). Returns each table's collation.
fn tables(
    rows: &Rows,
    collations: &Collations,
    db_collation: &str,
    schema: &mut Schema,
    warnings: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut table_collation: BTreeMap<String, String> = BTreeMap::new();
    for r in rows {
        let name = col(r, 0);
        let kind = col(r, 1);
        if name == HISTORY_TABLE {
            continue;
        }
        match kind.as_str() {
            "VIEW" => continue,
            "BASE TABLE" => {}
            "SYSTEM VERSIONED" => {}
            // Read apart (`sequences::read`): a sequence is a table only
            // in how MariaDB stores it.
            "SEQUENCE" => continue,
            other => {
                warnings.push(format!("{other} {name} is not modeled by strata"));
                continue;
            }
        }
        let mut t = Table::new(Name::new(&name));
        if kind == "SYSTEM VERSIONED" {
            t.options
                .insert(super::alter::SYSTEM_VERSIONING.into(), "true".into());
        }
        if let Some(engine) = opt(r, 2) {
            t.options.insert("engine".into(), engine);
        }
        let coll = col(r, 3);
        table_collation.insert(name.clone(), coll.clone());
        if !coll.is_empty() && coll != db_collation {
            collations.describe(&coll, &mut t.options, "charset", "collate");
        }
        t.comment = opt(r, 4).filter(|c| !c.is_empty());
        create_options(&col(r, 5), &mut t.options, &name, warnings);
        t.next_auto_increment = opt(r, 6).and_then(|n| n.parse().ok()).filter(|n| *n > 1);
        schema.tables.insert(t.name.clone(), t);
    }
    table_collation
}

/// The table options `CREATE_OPTIONS` lists that strata models, lowercased;
/// the others are reported. MariaDB writes an engine-defined option
/// (InnoDB's `PAGE_COMPRESSED`, `ENCRYPTED`) quoted: `` `page_compressed`='1' ``.
fn create_options(
    listed: &str,
    options: &mut BTreeMap<String, String>,
    table: &str,
    warnings: &mut Vec<String>,
) {
    for opt in listed.split_whitespace() {
        if let Some((k, v)) = opt.split_once('=') {
            let k = k.trim_matches('`').to_ascii_lowercase();
            let v = v.trim_matches('\'').to_ascii_lowercase();
            if super::normalize::TABLE_OPTIONS.contains(&k.as_str()) {
                options.insert(k, v);
            } else {
                warnings.push(format!("table {table}: option {opt} is not modeled"));
            }
        } else if !opt.eq_ignore_ascii_case("partitioned") {
            // `partitioned` is reported below with its method.
            warnings.push(format!("table {table}: option {opt} is not modeled"));
        }
    }
}

/// MariaDB's JSON columns, as `(table, column)`.
type JsonChecks = BTreeSet<(String, String)>;

/// Check constraints by table. Read before the columns: MariaDB's JSON
/// columns are `longtext` known by their `json_valid` check, returned
/// apart.
fn checks(rows: &Rows, server: &Server) -> (JsonChecks, BTreeMap<String, Vec<Check>>) {
    let mut json_checks: JsonChecks = BTreeSet::new();
    let mut table_checks: BTreeMap<String, Vec<Check>> = BTreeMap::new();
    for r in rows {
        let (table, name, clause) = (col(r, 0), col(r, 1), col(r, 2));
        let clause = if server.mariadb {
            literals(&clause)
        } else {
            unescape_mysql(&clause)
        };
        if server.mariadb && clause == format!("json_valid({})", ident(&name)) {
            json_checks.insert((table.clone(), name.clone()));
            continue;
        }
        let column = (col(r, 3) == "Column").then(|| name.clone());
        table_checks.entry(table).or_default().push(Check {
            comment: None,
            column,
            name: Some(name),
            expr: Expr::new(clause),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
        });
    }
    (json_checks, table_checks)
}

/// Columns onto their tables, with the server's spellings of defaults
/// and generated expressions undone.
fn columns(
    rows: &Rows,
    server: &Server,
    collations: &Collations,
    table_collation: &BTreeMap<String, String>,
    json_checks: &JsonChecks,
    schema: &mut Schema,
) {
    for r in rows {
        let tname = col(r, 0);
        let Some(t) = schema.tables.get_mut(&Name::new(&tname)) else {
            continue;
        };
        let name = col(r, 1);
        // MariaDB prints `text /*M!100301 COMPRESSED*/`; a schema file
        // would read the comment as one and lose the attribute.
        let mut ty = super::types::versioned_unwrapped(&col(r, 4))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if ty.eq_ignore_ascii_case("longtext")
            && json_checks.contains(&(tname.clone(), name.clone()))
        {
            ty = "json".into();
        }
        let mut c = Column::new(&name, ty.clone());
        c.nullable = col(r, 3) == "YES";
        let extra = col(r, 5).to_ascii_lowercase();
        let raw_default = opt(r, 2);
        c.default = if server.mariadb {
            raw_default.map(|d| Expr::new(literals(&d)))
        } else {
            mysql_default(raw_default, &ty, &extra).map(Expr::new)
        };
        if extra.contains("auto_increment") {
            c.identity = Some(Identity::AutoIncrement);
        }
        if let Some(i) = extra.find("on update ") {
            let rest = &extra[i + "on update ".len()..];
            let end = rest.find(',').unwrap_or(rest.len());
            c.on_update = Some(Expr::new(rest[..end].trim().to_string()));
        }
        if extra.contains("virtual generated") || extra.contains("stored generated") {
            let e = opt(r, 9).unwrap_or_default();
            let e = if server.mariadb {
                literals(&e)
            } else {
                unescape_mysql(&e)
            };
            c.generated = Some(Generated {
                expr: Expr::new(e),
                stored: extra.contains("stored generated"),
            });
            c.default = None;
        }
        c.invisible = extra.contains("invisible");
        let tcoll = table_collation.get(&tname).cloned().unwrap_or_default();
        if let Some(coll) = opt(r, 7) {
            if coll != tcoll && ty != "json" {
                let mut o = BTreeMap::new();
                collations.describe(&coll, &mut o, "charset", "collate");
                c.charset = o.remove("charset");
                c.collation = o.remove("collate");
            }
        }
        c.comment = opt(r, 8).filter(|s| !s.is_empty());
        t.columns.push(c);
    }
}

/// The primary key and indexes onto their tables. STATISTICS rows come
/// ordered by table, index, position. An index the optimizer ignores
/// (MariaDB's `IGNORED`) is `with (ignored = true)`; a primary key
/// column in descending order is `desc` in the key.
fn indexes(rows: &Rows, schema: &mut Schema) {
    for r in rows {
        let tname = col(r, 0);
        let Some(t) = schema.tables.get_mut(&Name::new(&tname)) else {
            continue;
        };
        let iname = col(r, 1);
        let non_unique = col(r, 2) == "1";
        let column = opt(r, 4);
        let expression = opt(r, 9);
        let key = match (column, expression) {
            (Some(c), _) => IndexKey::Column(c),
            (None, Some(e)) => IndexKey::Expr(Expr::new(unescape_mysql(&e))),
            (None, None) => continue,
        };
        let part = IndexPart {
            key,
            desc: col(r, 6) == "D",
            nulls_first: None,
            collation: None,
            opclass: None,
            length: opt(r, 5).and_then(|s| s.parse().ok()),
        };
        if iname == "PRIMARY" {
            if let IndexKey::Column(c) = part.key {
                if t.primary_key.is_none() {
                    t.primary_key = Some(PrimaryKey {
                        comment: opt(r, 8).filter(|c| !c.is_empty()),
                        method: super::normalize::index_type(t, opt(r, 7)),
                        ..PrimaryKey::on(Vec::new())
                    });
                }
                let Some(pk) = t.primary_key.as_mut() else {
                    continue;
                };
                if let Some(n) = part.length {
                    pk.lengths.insert(c.clone(), n);
                }
                if part.desc {
                    pk.descending.insert(c.clone());
                }
                pk.columns.push(c);
            }
            continue;
        }
        match t
            .indexes
            .iter_mut()
            .find(|i| i.name.as_deref() == Some(&iname))
        {
            Some(ix) => ix.parts.push(part),
            None => {
                let method = match col(r, 7).to_ascii_uppercase().as_str() {
                    "FULLTEXT" => Some("fulltext".to_string()),
                    "SPATIAL" => Some("spatial".to_string()),
                    other => super::normalize::index_type(t, Some(other.to_string())),
                };
                t.indexes.push(Index {
                    name: Some(iname),
                    parts: vec![part],
                    unique: !non_unique,
                    method,
                    include: Vec::new(),
                    predicate: None,
                    nulls_not_distinct: false,
                    comment: opt(r, 8).filter(|c| !c.is_empty()),
                    renamed_from: None,
                    options: (col(r, 10) == "YES")
                        .then(|| ("ignored".to_string(), "true".to_string()))
                        .into_iter()
                        .collect(),
                    invalid: false,
                    attached_to: None,
                });
            }
        }
    }
}

/// Foreign keys onto their tables, one row per column; a reference into
/// the same database is unqualified.
fn foreign_keys(rows: &Rows, db: &str, mariadb: bool, schema: &mut Schema) {
    for r in rows {
        let tname = col(r, 0);
        let Some(t) = schema.tables.get_mut(&Name::new(&tname)) else {
            continue;
        };
        let fname = col(r, 1);
        let ref_schema = col(r, 3);
        let ref_table = if ref_schema == db || ref_schema.is_empty() {
            Name::new(col(r, 4))
        } else {
            Name::qualified(ref_schema, col(r, 4))
        };
        match t
            .foreign_keys
            .iter_mut()
            .find(|f| f.name.as_deref() == Some(&fname))
        {
            Some(fk) => {
                fk.columns.push(col(r, 2));
                fk.ref_columns.push(col(r, 5));
            }
            None => t.foreign_keys.push(ForeignKey {
                comment: None,
                name: Some(fname),
                columns: vec![col(r, 2)],
                ref_table,
                ref_columns: vec![col(r, 5)],
                on_update: action(&col(r, 6), mariadb),
                on_delete: action(&col(r, 7), mariadb),
                deferral: Default::default(),
                match_type: Default::default(),
                not_valid: false,
                renamed_from: None,
                attached_to: None,
            }),
        }
    }
}

/// Views, their bodies without the database qualifier the server adds,
/// and with its `\'` in strings spelled `''` (what a file can read back);
/// `CHECK OPTION`, `SQL SECURITY`, `ALGORITHM` and a definer other than
/// the connected user as options (normalization drops the defaults).
fn views(rows: &Rows, db: &str, schema: &mut Schema) {
    let qualifier = format!("{}.", ident(db));
    for r in rows {
        let name = col(r, 0);
        let body = literals(&col(r, 1).replace(&qualifier, ""));
        let mut options = BTreeMap::new();
        for (key, i) in [("check_option", 2), ("sql_security", 3), ("algorithm", 5)] {
            if let Some(v) = opt(r, i) {
                options.insert(key.to_string(), v.to_ascii_lowercase());
            }
        }
        for (key, i) in [("character_set_client", 6), ("collation_connection", 7)] {
            if let Some(v) = opt(r, i) {
                options.insert(key.to_string(), v);
            }
        }
        if let Some(definer) = opt(r, 4) {
            options.insert("definer".to_string(), definer);
        }
        schema.views.insert(
            Name::new(&name),
            View {
                name: Name::new(&name),
                body,
                materialized: false,
                columns: Vec::new(),
                indexes: Vec::new(),
                comment: None,
                renamed_from: None,
                column_comments: Default::default(),
                unmodeled: Vec::new(),
                written: None,
                options,
            },
        );
    }
}

/// Triggers onto the schema, with the session each was created under
/// where it is not the default: the `sql_mode` (`||` is OR or
/// concatenation) and the client character set and connection collation
/// (what a string literal in the body is).
fn triggers(rows: &Rows, schema: &mut Schema) {
    for r in rows {
        let name = col(r, 0);
        let table = Name::new(col(r, 1));
        let options: BTreeMap<String, String> = [
            ("sql_mode", 5),
            ("character_set_client", 6),
            ("collation_connection", 7),
        ]
        .into_iter()
        .filter_map(|(key, i)| opt(r, i).map(|v| (key.to_string(), v)))
        .collect();
        schema.triggers.insert(
            (table.clone(), name.clone()),
            Trigger {
                name,
                table,
                timing: col(r, 2).to_ascii_lowercase(),
                events: vec![col(r, 3).to_ascii_lowercase()],
                for_each_row: true,
                when: None,
                body: col(r, 4),
                options,
                comment: None,
            },
        );
    }
}

/// Each partitioned table's clause, its subpartitioning included.
fn partitions(rows: &Rows, schema: &mut Schema) {
    let mut by_table: BTreeMap<String, Vec<&Vec<Option<String>>>> = BTreeMap::new();
    for r in rows {
        by_table.entry(col(r, 0)).or_default().push(r);
    }
    for (tname, rows) in by_table {
        let Some(t) = schema.tables.get_mut(&Name::new(&tname)) else {
            continue;
        };
        if let Some(by) = partition_clause(&rows) {
            t.partition = Some(Partitioning::By { by: Expr::new(by) });
        }
    }
}

/// `subpartition by hash (`id`) subpartitions 2` for a table whose
/// partitions are subpartitioned (one row per subpartition, in order),
/// and each partition's list of subpartitions when their names are not
/// the server's defaults (`p0sp0`, `p0sp1`, …) or their number varies.
fn subpartitioning(rows: &[&Vec<Option<String>>]) -> Option<(String, BTreeMap<String, String>)> {
    let first = rows.first()?;
    opt(first, 2)?;
    let mut subs: Vec<(String, Vec<String>)> = Vec::new();
    for r in rows {
        let (part, sub) = (col(r, 1), col(r, 2));
        match subs.last_mut() {
            Some((p, names)) if *p == part => names.push(sub),
            _ => subs.push((part, vec![sub])),
        }
    }
    let count = subs[0].1.len();
    let defaults = subs.iter().all(|(p, names)| {
        names.len() == count
            && names
                .iter()
                .enumerate()
                .all(|(i, n)| *n == format!("{p}sp{i}"))
    });
    let mut head = format!(
        " subpartition by {} ({})",
        col(first, 7).to_ascii_lowercase(),
        col(first, 8)
    );
    let mut lists = BTreeMap::new();
    if defaults {
        if count > 1 {
            head.push_str(&format!(" subpartitions {count}"));
        }
    } else {
        for (p, names) in subs {
            let list: Vec<String> = names
                .iter()
                .map(|n| format!("subpartition {}", ident(n)))
                .collect();
            lists.insert(p, format!(" ({})", list.join(", ")));
        }
    }
    Some((head, lists))
}

/// The clause after `PARTITION BY`, rebuilt from the rows of
/// `information_schema.PARTITIONS` of one table (in partition order):
/// `range (year(`d`)) (partition p0 values less than (2020), …)`,
/// `hash (`id`) partitions 4`, with `subpartition by …` where the
/// partitions have subpartitions.
fn partition_clause(all: &[&Vec<Option<String>>]) -> Option<String> {
    let (sub_head, sub_lists) = subpartitioning(all).unwrap_or_default();
    // One row per partition: a subpartitioned table has one per subpartition.
    let mut rows: Vec<&Vec<Option<String>>> = Vec::new();
    for r in all {
        if rows.last().is_none_or(|l| col(l, 1) != col(r, 1)) {
            rows.push(r);
        }
    }
    let rows = &rows[..];
    let first = rows.first()?;
    let method = col(first, 3).to_ascii_lowercase();
    let expr = col(first, 4);
    let head = match method.strip_suffix(" columns") {
        Some(m) => format!("{m} columns ({expr}){sub_head}"),
        None => format!("{method} ({expr}){sub_head}"),
    };
    let names: Vec<String> = rows.iter().map(|r| col(r, 1)).collect();
    let commented = rows.iter().any(|r| !col(r, 6).is_empty());
    let list = |def: &dyn Fn(&Vec<Option<String>>) -> String| -> String {
        rows.iter()
            .map(|r| {
                let mut p = format!("partition {}{}", ident(&col(r, 1)), def(r));
                let comment = col(r, 6);
                if !comment.is_empty() {
                    p.push_str(&format!(" comment = {}", string(&comment)));
                }
                if let Some(list) = sub_lists.get(&col(r, 1)) {
                    p.push_str(list);
                }
                p
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let columns = method.ends_with("columns");
    Some(match method.trim_start_matches("linear ") {
        "hash" | "key" => {
            let default_names = names.iter().enumerate().all(|(i, n)| *n == format!("p{i}"));
            if default_names && !commented {
                if rows.len() == 1 {
                    head
                } else {
                    format!("{head} partitions {}", rows.len())
                }
            } else {
                format!("{head} ({})", list(&|_| String::new()))
            }
        }
        m if m.starts_with("range") => format!(
            "{head} ({})",
            list(&|r| {
                let d = col(r, 5);
                if d.eq_ignore_ascii_case("maxvalue") && !columns {
                    " values less than maxvalue".to_string()
                } else {
                    format!(" values less than ({d})")
                }
            })
        ),
        _ => format!(
            "{head} ({})",
            list(&|r| format!(" values in ({})", col(r, 5)))
        ),
    })
}

/// MariaDB prints `RESTRICT` for an action not written and `NO ACTION`
/// only when written; MySQL 8 prints `NO ACTION` for both.
fn action(rule: &str, mariadb: bool) -> FkAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" if mariadb => FkAction::Unspecified,
        "RESTRICT" => FkAction::Restrict,
        "NO ACTION" if mariadb => FkAction::NoAction,
        _ => FkAction::Unspecified,
    }
}

/// MySQL 8 prints a literal default bare (`abc`, not `'abc'`) and marks an
/// expression default with `DEFAULT_GENERATED` in EXTRA.
fn mysql_default(raw: Option<String>, ty: &str, extra: &str) -> Option<String> {
    let raw = raw?;
    let lower = raw.to_ascii_lowercase();
    if extra.contains("default_generated") || lower.starts_with("current_timestamp") {
        return Some(unescape_mysql(&raw));
    }
    if super::types::is_numeric(ty) || lower.starts_with("b'") || lower.starts_with("0x") {
        return Some(raw);
    }
    Some(string(&raw))
}

/// MySQL 8 escapes quotes inside expressions it stores
/// (`_utf8mb4\'x\'`); the normalizer drops the introducer.
fn unescape_mysql(s: &str) -> String {
    s.replace("\\'", "'")
}

/// Which collation belongs to which character set, and which is each
/// set's default — what lets `charset = latin1` stand for
/// `latin1_swedish_ci`.
struct Collations {
    charset_of: BTreeMap<String, String>,
    default_of: BTreeMap<String, String>,
}

impl Collations {
    fn from_rows(rows: &Rows) -> Collations {
        let mut charset_of = BTreeMap::new();
        let mut default_of = BTreeMap::new();
        for r in rows {
            let (coll, cs, def) = (col(r, 0), col(r, 1), col(r, 2));
            if cs.is_empty() {
                continue;
            }
            if def.eq_ignore_ascii_case("yes") {
                default_of.insert(cs.clone(), coll.clone());
            }
            charset_of.insert(coll, cs);
        }
        Collations {
            charset_of,
            default_of,
        }
    }

    /// Records a collation as `charset` alone when it is its set's
    /// default, else as `collate`.
    fn describe(
        &self,
        coll: &str,
        out: &mut BTreeMap<String, String>,
        charset_key: &str,
        collate_key: &str,
    ) {
        match self.charset_of.get(coll) {
            Some(cs) if self.default_of.get(cs).map(String::as_str) == Some(coll) => {
                out.insert(charset_key.into(), cs.clone());
            }
            _ => {
                out.insert(collate_key.into(), coll.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_body_is_read_from_its_create_statement_with_its_introducers() {
        let create = "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v``x` AS select _utf8mb3'a' AS `a` WITH LOCAL CHECK OPTION";
        assert_eq!(
            written_body(create, "v`x", "LOCAL").as_deref(),
            Some("select _utf8mb3'a' AS `a`")
        );
        assert_eq!(written_body(create, "other", "NONE"), None);
    }

    #[test]
    fn reads_server_versions() {
        let m = Server::parse("10.11.19-MariaDB-0+deb12u1");
        assert!(m.mariadb && m.has_checks() && !m.has_index_expressions());
        let my = Server::parse("8.0.36");
        assert!(!my.mariadb && my.has_checks() && my.has_index_expressions());
        assert!(!Server::parse("5.7.44").has_checks());
    }

    #[test]
    fn mysql_literal_defaults_are_quoted() {
        assert_eq!(
            mysql_default(Some("abc".into()), "varchar(3)", ""),
            Some("'abc'".into())
        );
        assert_eq!(mysql_default(Some("0".into()), "int", ""), Some("0".into()));
        assert_eq!(
            mysql_default(
                Some("CURRENT_TIMESTAMP".into()),
                "timestamp",
                "default_generated"
            ),
            Some("CURRENT_TIMESTAMP".into())
        );
    }
}
