//! Columns: their definition in `CREATE TABLE` and `ADD COLUMN`, and
//! `ALTER COLUMN` in the order the server needs (defaults off before a
//! type change and back after it, serial sequences around it).

use super::column_storage;
use super::sequence_bounds;
use super::sequences::sequence_clauses;
use super::table::validate;
use super::{collation, opt_literal, Ctx};
use crate::dialect::postgres::hazards::{hazard, lock, online_set_not_null, type_change_hazards};
use crate::dialect::postgres::normalize::generated_name;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::dialect::postgres::types::{self, family, needs_using, Family};
use crate::dialect::EmitError;
use crate::diff::ColumnChanges;
use crate::ir::{Column, Identity, Name, SequenceOptions};
use crate::plan::{Hazard, HazardKind};

fn identity_clause(id: &Identity) -> String {
    let (kind, o) = match id {
        Identity::Always { options } => ("ALWAYS", options),
        Identity::ByDefault { options } => ("BY DEFAULT", options),
        Identity::AutoIncrement => ("BY DEFAULT", &SequenceOptions::default()),
    };
    let opts = sequence_clauses(None, o);
    if opts.is_empty() {
        format!("GENERATED {kind} AS IDENTITY")
    } else {
        format!("GENERATED {kind} AS IDENTITY ({opts})")
    }
}

pub(super) fn column_def(c: &Column) -> String {
    definition(c, |d| format!("({d})"))
}

/// The definition of a column `ADD COLUMN` adds: a constant default is
/// written bare, so that the statement reads as what it is, a catalog
/// change (PostgreSQL 11 and later store the value once); squawk's
/// `adding-field-with-default` takes any parenthesized default for an
/// expression that rewrites the table.
pub(super) fn added_column_def(c: &Column) -> String {
    definition(c, |d| {
        if is_constant(d) {
            d.to_string()
        } else {
            format!("({d})")
        }
    })
}

/// A number, a plain string literal, or a boolean: what needs no
/// parentheses after `DEFAULT`.
fn is_constant(d: &str) -> bool {
    let number = d.strip_prefix('-').unwrap_or(d);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let is_number = match number.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(number),
    };
    let is_string = d.len() >= 2
        && d.starts_with('\'')
        && d.ends_with('\'')
        && !d[1..d.len() - 1].replace("''", "").contains('\'');
    is_number || is_string || matches!(d, "true" | "false")
}

fn definition(c: &Column, default: impl Fn(&str) -> String) -> String {
    let mut s = format!(
        "{} {}{}",
        ident(&c.name),
        c.ty,
        column_storage::inline_compression(c)
    );
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", collation(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expr));
    }
    if let Some(id) = &c.identity {
        s.push(' ');
        s.push_str(&identity_clause(id));
    }
    if let Some(d) = &c.default {
        // In parentheses: DEFAULT takes a restricted expression grammar
        // (`now() AT TIME ZONE 'utc'` is an error without them).
        s.push_str(&format!(" DEFAULT {}", default(d.written())));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

/// The column being altered, and its `ALTER TABLE … ALTER COLUMN` prefix.
struct Target<'a> {
    table: &'a Name,
    /// A key or index reads the column: a collation change rebuilds it.
    indexed: bool,
    /// The quoted table and column names.
    t: String,
    col: String,
}

impl Target<'_> {
    fn alter(&self, rest: &str) -> String {
        format!("ALTER TABLE {} ALTER COLUMN {} {rest}", self.t, self.col)
    }
}

/// One column changed in place, in the order the server needs. Defaults
/// go first and come back last, so that a type change never has to cast
/// the old default.
pub(super) fn alter_column(
    cx: &mut Ctx<'_>,
    table: &Name,
    (from, to, what): (&Column, &Column, &ColumnChanges),
    indexed: bool,
) -> Result<(), EmitError> {
    let target = Target {
        table,
        indexed,
        t: qname(table),
        col: ident(&to.name),
    };
    let from_serial = types::serial_base(from.ty.as_str());
    let to_serial = types::serial_base(to.ty.as_str());
    let from_base = from_serial.unwrap_or(from.ty.as_str()).to_string();
    let to_base = to_serial.unwrap_or(to.ty.as_str()).to_string();

    if what.generated && recompute(cx, &target, from, to) {
        return Ok(());
    }
    let type_changes = what.ty || what.collation;
    let default_dropped = from.default.is_some() && (what.default || type_changes)
        || (from_serial.is_some() && to_serial.is_none());
    if default_dropped {
        cx.push(target.alter("DROP DEFAULT"), vec![]);
    }
    if what.identity {
        if let (Some(_), None) = (&from.identity, &to.identity) {
            cx.push(target.alter("DROP IDENTITY"), vec![]);
        }
    }
    let retyped = type_changes && (from_base != to_base || what.collation);
    if retyped {
        change_type(cx, &target, to, &from_base, &to_base);
    }
    serial_sequence(
        cx,
        &target,
        to,
        from_serial.is_some(),
        to_serial.is_some(),
        &from_base,
        &to_base,
    );
    if what.nullable || (to_serial.is_some() && from.nullable) {
        set_nullable(cx, &target, to);
    }
    if what.identity {
        alter_identity(cx, &target, from, to, &to_base);
    }
    if let Some(d) = &to.default {
        if what.default || default_dropped {
            cx.push(target.alter(&format!("SET DEFAULT ({d})")), vec![]);
        }
    }
    if what.statistics {
        set_statistics(cx, table, &to.name, to.statistics);
    }
    if what.distinct {
        super::distinct::set_distinct(cx, table, &to.name, &from.distinct, &to.distinct);
    }
    column_storage::after_alter(cx, table, to, what, retyped);
    if what.comment {
        cx.push(
            format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                target.t,
                target.col,
                opt_literal(&to.comment)
            ),
            vec![],
        );
    }
    Ok(())
}

/// `SET STATISTICS`: a column's own statistics target, or `-1` for the
/// server's default. `CREATE TABLE` and `ADD COLUMN` cannot say it.
pub(super) fn set_statistics(cx: &mut Ctx<'_>, table: &Name, column: &str, to: Option<i32>) {
    cx.push(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} SET STATISTICS {}",
            qname(table),
            ident(column),
            to.unwrap_or(-1)
        ),
        vec![],
    );
}

/// A generated column's expression changed or went: `DROP EXPRESSION`
/// when it went, or the column dropped and added again, since the
/// expression of a generated column cannot be altered. True when the
/// column is done.
fn recompute(cx: &mut Ctx<'_>, target: &Target<'_>, from: &Column, to: &Column) -> bool {
    let table = target.table;
    match (&from.generated, &to.generated) {
        (Some(_), None) => {
            cx.push(target.alter("DROP EXPRESSION"), vec![lock(table)]);
            false
        }
        _ => {
            cx.push(
                format!("ALTER TABLE {} DROP COLUMN {}", target.t, target.col),
                vec![lock(table)],
            );
            cx.push(
                format!("ALTER TABLE {} ADD COLUMN {}", target.t, column_def(to)),
                vec![
                    lock(table),
                    hazard(
                        HazardKind::TableRewrite,
                        format!("{table}.{} is recomputed for every row", to.name),
                    ),
                ],
            );
            column_storage::after_make(cx, table, to);
            true
        }
    }
}

/// `TYPE … [COLLATE …] [USING …]`.
fn change_type(cx: &mut Ctx<'_>, target: &Target<'_>, to: &Column, from_base: &str, to_base: &str) {
    let col = &target.col;
    let coll = to
        .collation
        .as_ref()
        .map(|c| format!(" COLLATE {}", collation(c)))
        .unwrap_or_default();
    let using = match &to.using {
        Some(u) => format!(" USING {u}"),
        // Enums and other types without a cast between them convert
        // through their text form.
        None if needs_using(from_base, to_base)
            && (family(from_base) == Family::Other || family(to_base) == Family::Other) =>
        {
            format!(" USING {col}::text::{to_base}")
        }
        None if needs_using(from_base, to_base) => format!(" USING {col}::{to_base}"),
        None => String::new(),
    };
    let hz = if from_base == to_base && to.using.is_none() {
        collation_change_hazards(target.table, &to.name, target.indexed)
    } else {
        type_change_hazards(target.table, &to.name, from_base, to_base)
    };
    cx.push(target.alter(&format!("TYPE {to_base}{coll}{using}")), hz);
}

/// Whether a key or an index of `table` reads `column` (by name, or in an
/// expression that names it).
pub(super) fn indexed(table: &crate::ir::Table, column: &str) -> bool {
    let named = |cols: &[String]| cols.iter().any(|c| c == column);
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| named(&pk.columns))
        || table.uniques.iter().any(|u| named(&u.columns))
        || table.indexes.iter().any(|ix| {
            ix.parts.iter().any(|p| match &p.key {
                crate::ir::IndexKey::Column(c) => c == column,
                crate::ir::IndexKey::Expr(e) => e.0.contains(column),
            })
        })
}

/// The same type under another collation: PostgreSQL rewrites no row
/// (the table keeps its `relfilenode`) but builds every index on the
/// column again, under the `ACCESS EXCLUSIVE` lock the statement holds
/// (`tests/it/hazard_places.rs` asks the server). Without an index it is
/// a catalog change.
fn collation_change_hazards(table: &Name, col: &str, indexed: bool) -> Vec<Hazard> {
    if !indexed {
        return Vec::new();
    }
    vec![
        lock(table),
        hazard(
            HazardKind::IndexBuild,
            format!(
                "changing the collation of {table}.{col} rewrites no rows but builds the indexes on it again"
            ),
        ),
    ]
}

/// The sequence a serial column owns: dropped when the column stops
/// being serial, retyped with it, or created when it becomes serial.
fn serial_sequence(
    cx: &mut Ctx<'_>,
    target: &Target<'_>,
    to: &Column,
    from_serial: bool,
    to_serial: bool,
    from_base: &str,
    to_base: &str,
) {
    let (t, col) = (&target.t, &target.col);
    let seq = Name {
        schema: target.table.schema.clone(),
        name: generated_name(&target.table.name, &[to.name.as_str()], "seq"),
    };
    if from_serial && !to_serial {
        cx.push(format!("DROP SEQUENCE IF EXISTS {}", qname(&seq)), vec![]);
    }
    if from_serial && to_serial && from_base != to_base {
        // The owned sequence follows the column's type, as `serial` made it.
        cx.push(
            format!("ALTER SEQUENCE {} AS {to_base}", qname(&seq)),
            vec![],
        );
    }
    if to_serial && !from_serial {
        cx.push(
            format!(
                "CREATE SEQUENCE {} AS {to_base} OWNED BY {t}.{col}",
                qname(&seq)
            ),
            vec![],
        );
        cx.push(
            format!(
                "SELECT setval({}, GREATEST((SELECT max({col}) FROM {t}), 0) + 1, false)",
                literal(&qname(&seq))
            ),
            vec![],
        );
        cx.push(
            target.alter(&format!("SET DEFAULT nextval({})", literal(&qname(&seq)))),
            vec![],
        );
    }
}

/// `DROP NOT NULL`, or `SET NOT NULL`: online through a validated check,
/// so that it does not scan the table under its lock.
fn set_nullable(cx: &mut Ctx<'_>, target: &Target<'_>, to: &Column) {
    let table = target.table;
    if to.nullable {
        cx.push(target.alter("DROP NOT NULL"), vec![]);
    } else if cx.online {
        let check = generated_name(&table.name, &[&to.name], "not_null");
        cx.push(
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                target.t,
                ident(&check),
                target.col
            ),
            vec![],
        );
        validate(cx, table, &check);
        let server = cx.options.server(crate::ir::DialectKind::Postgres);
        let mut hz = vec![hazard(
            HazardKind::MayFail,
            format!("{table}.{} may hold nulls", to.name),
        )];
        hz.extend(online_set_not_null(table, &to.name, &server));
        let set = cx.stmt(target.alter("SET NOT NULL"), hz);
        cx.out.validate.push(set);
        let drop = cx.stmt(
            format!("ALTER TABLE {} DROP CONSTRAINT {}", target.t, ident(&check)),
            vec![],
        );
        cx.out.validate.push(drop);
    } else {
        cx.push(
            target.alter("SET NOT NULL"),
            vec![
                lock(table),
                hazard(
                    HazardKind::MayFail,
                    format!("{table}.{} may hold nulls", to.name),
                ),
            ],
        );
    }
}

/// `ADD GENERATED …`, or the identity's kind and options changed in
/// place (a dropped identity went before the type change).
fn alter_identity(
    cx: &mut Ctx<'_>,
    target: &Target<'_>,
    from: &Column,
    to: &Column,
    to_base: &str,
) {
    match (&from.identity, &to.identity) {
        (None, Some(id)) => cx.push(
            target.alter(&format!("ADD {}", identity_clause(id))),
            vec![],
        ),
        (Some(a), Some(b)) => {
            let mut parts = Vec::new();
            let kind = |i: &Identity| matches!(i, Identity::Always { .. });
            if kind(a) != kind(b) {
                parts.push(format!(
                    "SET GENERATED {}",
                    if kind(b) { "ALWAYS" } else { "BY DEFAULT" }
                ));
            }
            let (oa, ob) = (identity_options(a), identity_options(b));
            let from_base = types::serial_base(from.ty.as_str()).unwrap_or(from.ty.as_str());
            sequence_bounds::keep_in_bounds(
                cx,
                &sequence_bounds::column_sequence(&target.t, &to.name),
                sequence_bounds::bounds(from_base, &oa),
                sequence_bounds::bounds(to_base, &ob),
                ob.increment.unwrap_or(1) > 0,
            );
            parts.extend(identity_option_changes(&oa, &ob, to_base));
            if !parts.is_empty() {
                cx.push(target.alter(&parts.join(" ")), vec![]);
            }
        }
        _ => {}
    }
}

fn identity_options(i: &Identity) -> SequenceOptions {
    match i {
        Identity::Always { options } | Identity::ByDefault { options } => options.clone(),
        Identity::AutoIncrement => SequenceOptions::default(),
    }
}

fn identity_option_changes(a: &SequenceOptions, b: &SequenceOptions, ty: &str) -> Vec<String> {
    let mut p = Vec::new();
    let inc = b.increment.unwrap_or(1);
    if a.increment != b.increment {
        p.push(format!("SET INCREMENT BY {inc}"));
    }
    if a.min_value != b.min_value {
        p.push(match b.min_value {
            Some(v) => format!("SET MINVALUE {v}"),
            None => "SET NO MINVALUE".into(),
        });
    }
    if a.max_value != b.max_value {
        p.push(match b.max_value {
            Some(v) => format!("SET MAXVALUE {v}"),
            None => "SET NO MAXVALUE".into(),
        });
    }
    if sequence_bounds::start(a) != sequence_bounds::start(b) {
        p.push(format!("SET START WITH {}", sequence_bounds::start(b)));
    }
    if a.cache != b.cache {
        p.push(format!("SET CACHE {}", b.cache.unwrap_or(1)));
    }
    if a.cycle != b.cycle {
        p.push(if b.cycle { "SET CYCLE" } else { "SET NO CYCLE" }.into());
    }
    let _ = ty;
    p
}
