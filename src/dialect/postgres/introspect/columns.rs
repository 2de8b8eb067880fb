//! `COLUMNS` rows → columns. The query returns one row per column of
//! every table (75,000 at 5,000 tables), so each row is decoded as it
//! arrives, by field position looked up once per query rather than by
//! name for every value, and the raw row is freed at once: the rows are
//! never all held together.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::postgres::PgRow;
use sqlx::{Column as _, Row};

use super::super::normalize::generated_name;
use super::super::quote::{literal, printed_name};
use super::{name_of, sequence_options_at, SeqFields};
use crate::ir::{Column, Compression, Distinct, Generated, Identity, Name, Storage, Table};

/// Where each field of a `COLUMNS` row is.
pub(super) struct Fields {
    table_oid: usize,
    name: usize,
    ty: usize,
    not_null: usize,
    default: usize,
    identity: usize,
    generated: usize,
    collation: usize,
    statistics: usize,
    options: usize,
    storage: usize,
    comment: usize,
    seq: SeqFields,
    owned_seq_type: usize,
    owned_seq_schema: usize,
    owned_seq_name: usize,
    owned_seq_as_made: usize,
}

impl Fields {
    pub(super) fn of(r: &PgRow) -> Result<Fields, sqlx::Error> {
        let at = |name: &str| r.try_column(name).map(|c| c.ordinal());
        Ok(Fields {
            table_oid: at("table_oid")?,
            name: at("name")?,
            ty: at("type")?,
            not_null: at("not_null")?,
            default: at("default")?,
            identity: at("identity")?,
            generated: at("generated")?,
            collation: at("collation")?,
            statistics: at("statistics")?,
            options: at("options")?,
            storage: at("storage")?,
            comment: at("comment")?,
            seq: SeqFields::of(r)?,
            owned_seq_type: at("owned_seq_type")?,
            owned_seq_schema: at("owned_seq_schema")?,
            owned_seq_name: at("owned_seq_name")?,
            owned_seq_as_made: at("owned_seq_as_made")?,
        })
    }
}

/// One decoded row: the column, the oid of its table, and the sequence
/// it owns when that sequence may make it a serial column.
pub(super) struct ColumnRow {
    table_oid: i64,
    column: Column,
    owned: Option<OwnedSequence>,
}

/// A sequence a column owns through `OWNED BY`.
struct OwnedSequence {
    name: Name,
    ty: String,
    /// Every option is its type's default, and its persistence what
    /// `serial` makes (the table's from PostgreSQL 15, logged before).
    defaults: bool,
}

/// `pg_attribute.attoptions` (`{n_distinct=-0.02}`): the two estimates
/// of distinct values, the only options a column has.
fn distinct(options: Vec<String>) -> Distinct {
    let mut d = Distinct::default();
    for o in options {
        match o.split_once('=') {
            Some((Distinct::OWN, v)) => d.own = Distinct::accepted(v),
            Some((Distinct::INHERITED, v)) => d.inherited = Distinct::accepted(v),
            _ => {}
        }
    }
    d
}

pub(super) fn decode(r: &PgRow, f: &Fields) -> Result<ColumnRow, sqlx::Error> {
    let mut c = Column::new(
        r.try_get::<String, _>(f.name)?,
        r.try_get::<String, _>(f.ty)?,
    );
    c.nullable = !r.try_get::<bool, _>(f.not_null)?;
    c.default = r
        .try_get::<Option<String>, _>(f.default)?
        .map(crate::ir::Expr::new);
    c.collation = r.try_get(f.collation)?;
    c.statistics = r.try_get(f.statistics)?;
    c.distinct = distinct(
        r.try_get::<Option<Vec<String>>, _>(f.options)?
            .unwrap_or_default(),
    );
    c.storage = r
        .try_get::<Option<String>, _>(f.storage)?
        .and_then(|x| Storage::from_catalog(&x));
    c.comment = r.try_get(f.comment)?;
    let identity: String = r.try_get(f.identity)?;
    let generated: String = r.try_get(f.generated)?;
    if generated == "s" {
        c.generated = c
            .default
            .take()
            .map(|expr| Generated { expr, stored: true });
    }
    if identity == "a" || identity == "d" {
        let options = sequence_options_at(r, &f.seq, c.ty.as_str())?;
        c.identity = Some(if identity == "a" {
            Identity::Always { options }
        } else {
            Identity::ByDefault { options }
        });
    }
    let owned = match (
        r.try_get::<Option<String>, _>(f.owned_seq_schema)?,
        r.try_get::<Option<String>, _>(f.owned_seq_name)?,
        c.default.is_some(),
    ) {
        (Some(schema), Some(name), true) => {
            let ty: String = r.try_get(f.owned_seq_type)?;
            let defaults = sequence_options_at(r, &f.seq, &ty)?.is_empty()
                && r.try_get::<Option<bool>, _>(f.owned_seq_as_made)? == Some(true);
            Some(OwnedSequence {
                name: name_of(schema, name),
                ty,
                defaults,
            })
        }
        _ => None,
    };
    Ok(ColumnRow {
        table_oid: r.try_get(f.table_oid)?,
        column: c,
        owned,
    })
}

/// Columns onto their tables. Returns the sequences that serial columns
/// own: those fold back into the column type and are not sequences of
/// their own.
pub(super) fn attach(rows: Vec<ColumnRow>, tables: &mut BTreeMap<i64, Table>) -> BTreeSet<Name> {
    // The rows come ordered by table: one allocation per table, rather
    // than every column copied again at each doubling of its table's
    // vector (a twentieth of `diff`'s client CPU at 5,000 tables).
    for run in rows.chunk_by(|a, b| a.table_oid == b.table_oid) {
        if let Some(t) = tables.get_mut(&run[0].table_oid) {
            t.columns.reserve(run.len());
        }
    }
    let mut serial_sequences: BTreeSet<Name> = BTreeSet::new();
    for row in rows {
        let Some(t) = tables.get_mut(&row.table_oid) else {
            continue;
        };
        let mut c = row.column;
        if let Some(seq) = row.owned.and_then(|o| fold_serial(o, &t.name, &mut c)) {
            serial_sequences.insert(seq);
        }
        t.columns.push(c);
    }
    serial_sequences
}

/// `COLUMN_COMPRESSION` rows onto the columns of their tables; a
/// materialized view's, and an inherited column's that is not its
/// parent's, are warned about, since those columns are not modeled.
pub(super) fn compressions(
    rows: &[PgRow],
    tables: &mut BTreeMap<i64, Table>,
    warnings: &mut Vec<String>,
) -> Result<(), sqlx::Error> {
    for r in rows {
        let column: String = r.try_get("column")?;
        let code: String = r.try_get("compression")?;
        let inherited: bool = r.try_get("inherited")?;
        if inherited || r.try_get::<String, _>("kind")? == "m" {
            let (schema, name): (String, String) = (r.try_get("schema")?, r.try_get("name")?);
            let kind = if inherited {
                "inherited column"
            } else {
                "column"
            };
            let code = if code.is_empty() { "default" } else { &code };
            warnings.push(format!(
                "unmodeled: {kind} compression {schema}.{name}.{column} ({code})"
            ));
            continue;
        }
        let Some(t) = tables.get_mut(&r.try_get::<i64, _>("table_oid")?) else {
            continue;
        };
        if let Some(c) = t.columns.iter_mut().find(|c| c.name == column) {
            c.compression = Compression::from_catalog(&code);
        }
    }
    Ok(())
}

/// A column whose default takes the next value of a sequence it owns,
/// named, typed and set up exactly as `serial` makes one, is that serial
/// type: `c` becomes it, and the sequence is returned.
fn fold_serial(seq: OwnedSequence, table: &Name, c: &mut Column) -> Option<Name> {
    let default = c.default.as_ref()?;
    let serial = match c.ty.as_str() {
        "integer" => "serial",
        "bigint" => "bigserial",
        "smallint" => "smallserial",
        _ => return None,
    };
    let expected = generated_name(&table.name, &[c.name.as_str()], "seq");
    let nextval = format!("nextval({}::regclass)", literal(&printed_name(&seq.name)));
    let folds = default.as_str() == nextval
        && seq.name.name == expected
        && seq.name.schema == table.schema
        && seq.ty == c.ty.as_str()
        && seq.defaults
        && !c.nullable;
    if !folds {
        return None;
    }
    c.ty = crate::ir::Type::new(serial);
    c.default = None;
    Some(seq.name)
}
