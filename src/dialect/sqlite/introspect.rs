//! Catalog queries → IR. Two queries whatever the size of the database:
//! the objects of `sqlite_master` with their `pragma_table_list` facts, and
//! every table's columns through `pragma_table_xinfo`. The rest (names of
//! constraints, CHECK expressions, collations, index expressions…) lives
//! only in the `CREATE` text SQLite keeps, which [`super::ddl`] reads. The
//! queries are the constants of `introspect/queries.rs`.

pub mod queries;

use std::collections::BTreeMap;

use sqlx::{Connection, Row};

use super::ddl::{self, TableDef};
use crate::dialect::Introspection;
use crate::ir::{
    Check, Column, DepObject, DialectKind, ForeignKey, Generated, Identity, Index, IndexKey,
    IndexPart, Name, PrimaryKey, Schema, Table, Trigger, Unique, Unmodeled, View,
};
use queries::{COLUMNS, OBJECTS};

/// Reads the schema of the database at `url`. A database file that does
/// not exist yet reads as empty (`apply` creates it).
pub async fn introspect(url: &str, _namespaces: &[String]) -> miette::Result<Introspection> {
    let Some(options) = super::connect_options(url, false)? else {
        return Ok(Introspection {
            schema: Schema {
                dialect: Some(DialectKind::Sqlite),
                ..Schema::default()
            },
            warnings: Vec::new(),
        });
    };
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let objects = sqlx::query(OBJECTS)
        .fetch_all(&mut conn)
        .await
        .map_err(|e| query_error("sqlite_master", e))?;
    let columns = sqlx::query(COLUMNS)
        .fetch_all(&mut conn)
        .await
        .map_err(|e| query_error("pragma_table_xinfo", e))?;
    let _ = conn.close().await;

    let mut rows = Vec::new();
    for r in &objects {
        rows.push(ObjectRow {
            kind: get(r, 0)?,
            name: get(r, 1)?,
            table: get(r, 2)?,
            sql: r.try_get::<Option<String>, _>(3).map_err(row_error)?,
            list_kind: get(r, 4)?,
        });
    }
    let mut cols: BTreeMap<String, Vec<ColumnRow>> = BTreeMap::new();
    for r in &columns {
        cols.entry(get(r, 0)?).or_default().push(ColumnRow {
            name: get(r, 1)?,
            ty: get(r, 2)?,
            not_null: r.try_get::<i64, _>(3).map_err(row_error)? != 0,
            default: r.try_get::<Option<String>, _>(4).map_err(row_error)?,
            pk: r.try_get::<i64, _>(5).map_err(row_error)?,
            hidden: r.try_get::<i64, _>(6).map_err(row_error)?,
        });
    }
    let mut found = build(&rows, &cols);
    // What `inspect` prints is the canonical form, as a schema file would
    // normalize: lowercase types, NOT NULL key columns, named references.
    found.schema = super::normalize::schema(&found.schema);
    Ok(found)
}

/// One row of [`OBJECTS`].
struct ObjectRow {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
    /// `table`, `view`, `virtual` or `shadow` from `pragma_table_list`.
    list_kind: String,
}

/// One row of [`COLUMNS`].
struct ColumnRow {
    name: String,
    ty: String,
    not_null: bool,
    default: Option<String>,
    /// Position in the primary key, 1-based; 0 when not in it.
    pk: i64,
    /// 2: generated VIRTUAL, 3: generated STORED.
    hidden: i64,
}

/// Records what table `name`'s definition holds that strata does not
/// model: a rebuild of the table would lose it, so a plan that rebuilds
/// it is refused (`crate::migration`'s `rebuilt` check); a drop takes it
/// along with the table it belongs to.
fn unmodeled_on(schema: &mut Schema, name: &str, what: &str) {
    let table = DepObject::Relation(Name::new(name.to_string())).lowercased();
    schema.depends.unmodeled.insert(Unmodeled {
        on: table.clone(),
        what: what.to_string(),
        owner: Some(table),
    });
}

fn build(objects: &[ObjectRow], columns: &BTreeMap<String, Vec<ColumnRow>>) -> Introspection {
    let mut schema = Schema {
        dialect: Some(DialectKind::Sqlite),
        ..Schema::default()
    };
    let mut warnings = Vec::new();
    for o in objects.iter().filter(|o| o.kind == "table") {
        let sql = o.sql.clone().unwrap_or_default();
        if o.list_kind == "shadow" {
            continue;
        }
        if o.list_kind == "virtual" || starts_with_words(&sql, &["create", "virtual"]) {
            warnings.push(format!(
                "virtual table {} is not modeled by strata and was left out",
                o.name
            ));
            continue;
        }
        let def = match ddl::parse_table(&sql) {
            Ok(d) => Some(d),
            Err(e) => {
                warnings.push(format!(
                    "could not read the definition of table {} ({e}); constraints other than the primary key were left out",
                    o.name
                ));
                unmodeled_on(
                    &mut schema,
                    &o.name,
                    "its definition, which strata could not read",
                );
                None
            }
        };
        if let Some(d) = &def {
            for u in &d.unmodeled {
                warnings.push(format!(
                    "table {}: {u} is not modeled and was left out",
                    o.name
                ));
                unmodeled_on(&mut schema, &o.name, u);
            }
        }
        let empty = Vec::new();
        let cols = columns.get(&o.name).unwrap_or(&empty);
        let t = table(&o.name, cols, def.as_ref());
        schema.tables.insert(t.name.clone(), t);
    }
    for o in objects.iter().filter(|o| o.kind == "index") {
        let Some(sql) = &o.sql else {
            // sqlite_autoindex_*: the index of a PRIMARY KEY or UNIQUE
            // constraint, already read as that constraint.
            continue;
        };
        match ddl::parse_index(sql) {
            Ok(d) => match schema.tables.get_mut(&Name::new(o.table.clone())) {
                Some(t) => t.indexes.push(index(d)),
                None => warnings.push(format!(
                    "index {} is on {}, which strata does not model; left out",
                    o.name, o.table
                )),
            },
            Err(e) => warnings.push(format!(
                "could not read the definition of index {} ({e}); left out",
                o.name
            )),
        }
    }
    for o in objects.iter().filter(|o| o.kind == "view") {
        match ddl::parse_view(o.sql.as_deref().unwrap_or_default()) {
            Ok(d) => {
                let v = View {
                    name: Name::new(o.name.clone()),
                    body: d.body,
                    materialized: false,
                    columns: d.columns,
                    indexes: Vec::new(),
                    comment: None,
                    renamed_from: None,
                    column_comments: Default::default(),
                    unmodeled: Vec::new(),
                    options: Default::default(),
                    written: None,
                };
                schema.views.insert(v.name.clone(), v);
            }
            Err(e) => warnings.push(format!(
                "could not read the definition of view {} ({e}); left out",
                o.name
            )),
        }
    }
    for o in objects.iter().filter(|o| o.kind == "trigger") {
        match ddl::parse_trigger(o.sql.as_deref().unwrap_or_default()) {
            Ok(d) => {
                let t = Trigger {
                    name: o.name.clone(),
                    table: Name::new(o.table.clone()),
                    timing: d.timing,
                    events: vec![d.event],
                    for_each_row: d.for_each_row,
                    when: d.when.map(crate::ir::Expr::new),
                    body: d.body,
                    options: Default::default(),
                    comment: None,
                };
                schema.triggers.insert((t.table.clone(), t.name.clone()), t);
            }
            Err(e) => warnings.push(format!(
                "could not read the definition of trigger {} ({e}); left out",
                o.name
            )),
        }
    }
    Introspection { schema, warnings }
}

fn starts_with_words(sql: &str, words: &[&str]) -> bool {
    let toks = super::expr::tokenize(sql);
    words.len() <= toks.len() && words.iter().zip(&toks).all(|(w, t)| t.is_word(w))
}

fn table(name: &str, cols: &[ColumnRow], def: Option<&TableDef>) -> Table {
    let mut t = Table::new(Name::new(name));
    let col_def =
        |n: &str| def.and_then(|d| d.columns.iter().find(|c| c.name.eq_ignore_ascii_case(n)));
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in cols {
        let d = col_def(&r.name);
        let mut c = Column::new(r.name.clone(), r.ty.clone());
        if let Some(d) = d {
            // The pragma appends " GENERATED ALWAYS" to the type of a
            // generated column on some versions; the text has the truth.
            c.ty = crate::ir::Type::new(d.ty.clone());
        }
        c.nullable = !r.not_null;
        c.default = r.default.clone().map(crate::ir::Expr::new);
        c.collation = d.and_then(|d| d.collation.clone());
        if r.hidden == 2 || r.hidden == 3 {
            c.generated = d
                .and_then(|d| d.generated.as_ref())
                .map(|(e, _)| Generated {
                    expr: crate::ir::Expr::new(e.clone()),
                    stored: r.hidden == 3,
                });
        }
        if d.is_some_and(|d| d.autoincrement) {
            c.identity = Some(Identity::AutoIncrement);
        }
        if r.pk > 0 {
            pk.push((r.pk, r.name.clone()));
        }
        t.columns.push(c);
    }
    pk.sort();
    if !pk.is_empty() {
        t.primary_key = Some(PrimaryKey {
            name: def
                .and_then(|d| d.primary_key.as_ref())
                .and_then(|p| p.name.clone()),
            ..PrimaryKey::on(pk.into_iter().map(|(_, n)| n).collect())
        });
    }
    let Some(d) = def else {
        return t;
    };
    t.uniques = d
        .uniques
        .iter()
        .map(|u| Unique {
            attached_to: None,
            comment: None,
            name: u.name.clone(),
            columns: u.columns.iter().map(|c| column_name(&t, c)).collect(),
            nulls_not_distinct: false,
            deferral: Default::default(),
            renamed_from: None,
            options: Default::default(),
        })
        .collect();
    t.checks = d
        .checks
        .iter()
        .map(|(name, expr)| Check {
            comment: None,
            name: name.clone(),
            expr: crate::ir::Expr::new(expr.clone()),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        })
        .collect();
    t.foreign_keys = d
        .foreign_keys
        .iter()
        .map(|f| ForeignKey {
            comment: None,
            name: f.name.clone(),
            columns: f.columns.iter().map(|c| column_name(&t, c)).collect(),
            ref_table: Name::new(f.ref_table.clone()),
            ref_columns: f.ref_columns.clone(),
            on_delete: f.on_delete,
            on_update: f.on_update,
            deferral: f.deferral,
            match_type: f.match_type,
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        })
        .collect();
    if d.without_rowid {
        t.options.insert("without_rowid".into(), "true".into());
    }
    if d.strict {
        t.options.insert("strict".into(), "true".into());
    }
    t
}

/// The column's own spelling for a name a constraint wrote in another
/// case (SQLite matches names case-insensitively).
fn column_name(t: &Table, n: &str) -> String {
    t.columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(n))
        .map(|c| c.name.clone())
        .unwrap_or_else(|| n.to_string())
}

fn index(d: ddl::IndexDef) -> Index {
    Index {
        name: Some(d.name),
        parts: d
            .parts
            .into_iter()
            .map(|p| IndexPart {
                key: match p.key {
                    Ok(c) => IndexKey::Column(c),
                    Err(e) => IndexKey::Expr(crate::ir::Expr::new(e)),
                },
                desc: p.desc,
                nulls_first: None,
                collation: p.collation,
                opclass: None,
                length: None,
            })
            .collect(),
        unique: d.unique,
        method: None,
        include: Vec::new(),
        predicate: d.predicate.map(crate::ir::Expr::new),
        nulls_not_distinct: false,
        comment: None,
        renamed_from: None,
        options: Default::default(),
        invalid: false,
        attached_to: None,
    }
}

fn get(r: &sqlx::sqlite::SqliteRow, i: usize) -> miette::Result<String> {
    r.try_get::<Option<String>, _>(i)
        .map(|s| s.unwrap_or_default())
        .map_err(row_error)
}

fn row_error(e: sqlx::Error) -> miette::Report {
    // SQLite keeps whatever bytes a name or a default was written with.
    let help = matches!(&e, sqlx::Error::ColumnDecode { .. }).then_some(
        "a name or a definition in the database is not valid UTF-8, which a schema file \
         cannot hold: `SELECT hex(name), hex(sql) FROM sqlite_master` shows which; rename or \
         redefine it",
    );
    miette::miette!(
        code = "strata::sqlite::introspect",
        help = help.unwrap_or("the database file may be damaged: `PRAGMA integrity_check` says"),
        "unexpected catalog row: {e}"
    )
}

fn query_error(what: &str, e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::sqlite::introspect",
        help = "strata reads the catalog through pragma table-valued functions, which need SQLite 3.37 or newer",
        "reading {what} failed: {e}"
    )
}
