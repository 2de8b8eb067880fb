//! How MySQL makes the changes to one table: which `ALTER TABLE`
//! statements, which clauses in each and in what order, and what each
//! clause costs the server (the least `ALGORITHM` it allows, why, and its
//! hazards). Inside one table the clauses are merged into as few
//! statements as is safe:
//!
//! 1. `RENAME TABLE` when the table is renamed;
//! 2. `ALTER TABLE … DROP FOREIGN KEY …` for dropped foreign keys (the
//!    planner drops those over columns that change in steps of their own:
//!    `plan::pinned_keys`);
//! 3. `ALTER TABLE … CONVERT TO CHARACTER SET …` when the table's default
//!    character set changes;
//! 4. one `ALTER TABLE` with every other clause (drops before adds, so a
//!    name can be reused);
//! 5. `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …`.
//!
//! MySQL only: the other dialects write one statement per change. Nothing
//! here is SQL: `emit/table.rs` spells each clause, and `hazards.rs` reads
//! the costs, so that the hazards the planner is told are exactly those
//! the statements carry.

mod ignored;

use std::collections::{BTreeMap, BTreeSet};

use super::types::{lossless, widening};
use crate::diff::{ColumnChanges, TableChange};
use crate::ir::{
    Check, Column, Expr, ForeignKey, Index, IndexKey, Name, PrimaryKey, Table, Unique,
};
use crate::plan::{Hazard, HazardKind};

/// How much of the table a clause makes the server touch: the least
/// `ALGORITHM` it allows, and whether writes may go on meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Algo {
    Instant,
    Inplace,
    /// In place, but writes wait (FULLTEXT and SPATIAL index builds).
    InplaceShared,
    Copy,
}

/// One statement for the changes of a table.
pub(super) enum Statement<'a> {
    RenameTable { from: &'a Name, to: &'a Name },
    Alter(Vec<Clause<'a>>),
}

/// One clause of an `ALTER TABLE`, and what it costs.
pub(super) struct Clause<'a> {
    pub action: Action<'a>,
    pub algo: Algo,
    /// Why the clause is not instant, for the hazard message.
    pub why: Option<String>,
    pub hazards: Vec<Hazard>,
    /// The position in the new table of the column this clause places
    /// (`ADD COLUMN`, or a move): placed in that order, each `AFTER` names
    /// a column already where it belongs.
    at: Option<usize>,
}

/// What a clause does; `emit/table.rs` writes it.
pub(super) enum Action<'a> {
    DropForeignKey(&'a str),
    /// `CONVERT TO` the table's new default character set and collation.
    ConvertTo {
        charset: Option<&'a str>,
        collate: Option<&'a str>,
    },
    /// `MODIFY COLUMN`: the column's full definition, moved or not.
    ModifyColumn(&'a Column, Place<'a>),
    /// `CHANGE COLUMN`: renamed and changed at once.
    ChangeColumn {
        from: &'a str,
        column: &'a Column,
        place: Place<'a>,
    },
    /// `ALTER COLUMN … SET DEFAULT`, or `DROP DEFAULT` when it has none.
    SetDefault(&'a Column),
    RenameColumn {
        from: &'a str,
        to: &'a str,
    },
    AddColumn(&'a Column, Place<'a>),
    DropColumn(&'a str),
    AddPrimaryKey(&'a PrimaryKey),
    DropPrimaryKey,
    AddUnique(&'a Unique),
    AddIndex(&'a Index),
    /// Of a unique constraint or an index: MySQL has no difference.
    DropIndex(&'a str),
    RenameIndex {
        from: &'a str,
        to: &'a str,
    },
    /// MariaDB's `ALTER INDEX … IGNORED` (true) or `NOT IGNORED`.
    SetIgnored(&'a str, bool),
    /// With `column`, a check written on that column (MariaDB keeps it
    /// apart from a table's): added as `MODIFY COLUMN … CHECK (…)`.
    AddCheck {
        name: &'a str,
        expr: &'a Expr,
        column: Option<&'a Column>,
    },
    DropCheck(&'a str),
    /// A check on a column is dropped by writing the column again
    /// without it: `MODIFY COLUMN …`.
    DropColumnCheck(&'a Column),
    SetComment(&'a str),
    /// A table option; `None` puts back the server's default.
    SetOption(&'a str, Option<&'a str>),
    /// MariaDB's `ADD SYSTEM VERSIONING` (true) or `DROP SYSTEM
    /// VERSIONING` (false), each a statement of its own.
    SystemVersioning(bool),
    AddForeignKey(&'a ForeignKey),
    /// `PARTITION BY …`, or `REMOVE PARTITIONING` when none.
    Partition(Option<&'a Expr>),
}

/// Where a column goes: ` FIRST`, ` AFTER prev`, or nowhere in
/// particular.
#[derive(Clone, Copy)]
pub(super) enum Place<'a> {
    Stay,
    First,
    After(&'a str),
}

impl<'a> Clause<'a> {
    fn new(action: Action<'a>, algo: Algo) -> Clause<'a> {
        Clause {
            action,
            algo,
            why: None,
            hazards: Vec::new(),
            at: None,
        }
    }
    fn at(mut self, to: &Table, column: &str) -> Clause<'a> {
        self.at = to.columns.iter().position(|c| c.name == column);
        self
    }
    fn why(mut self, why: impl Into<String>) -> Clause<'a> {
        self.why = Some(why.into());
        self
    }
    fn hazard(mut self, kind: HazardKind, message: impl Into<String>) -> Clause<'a> {
        self.hazards.push(Hazard {
            kind,
            message: message.into(),
            acknowledged: None,
        });
        self
    }
}

/// The least `ALGORITHM` every clause of a statement allows.
pub(super) fn algorithm(clauses: &[Clause<'_>]) -> Algo {
    clauses
        .iter()
        .map(|c| c.algo)
        .max()
        .unwrap_or(Algo::Instant)
}

/// The clauses of the main statement, by where they go in it.
#[derive(Default)]
struct Main<'a> {
    drops: Vec<Clause<'a>>,
    mids: Vec<Clause<'a>>,
    adds: Vec<Clause<'a>>,
}

/// What the table's changes say about its columns, which several
/// clauses need.
struct Context<'a> {
    /// The table as the database has it (the character sets text is in).
    from: &'a Table,
    to: &'a Table,
    /// The table's name, for messages.
    t: &'a str,
    /// Renamed columns, `(from, to)`: one that also changes is one
    /// `CHANGE COLUMN`.
    renamed: Vec<(&'a str, &'a str)>,
    /// Columns altered in place.
    altered: BTreeSet<&'a str>,
    /// Columns dropped and added again.
    recreated: BTreeSet<&'a str>,
}

/// The statements that make `changes` to the table `from`, which becomes
/// `to`. Exclusion constraints are refused before this is asked.
pub(super) fn layout<'a>(
    from: &'a Table,
    to: &'a Table,
    changes: &'a [TableChange],
) -> Vec<Statement<'a>> {
    let mut out = Vec::new();
    let mut cx = Context {
        from,
        to,
        t: &to.name.name,
        renamed: Vec::new(),
        altered: BTreeSet::new(),
        recreated: BTreeSet::new(),
    };
    for c in changes {
        match c {
            TableChange::RenameTable { from, to } => {
                out.push(Statement::RenameTable { from, to });
            }
            TableChange::RenameColumn { from, to } => cx.renamed.push((from, to)),
            TableChange::AlterColumn { to, .. } => {
                cx.altered.insert(&to.name);
            }
            _ => {}
        }
    }
    let (fk_drops, added_fks) = foreign_keys(to, changes);
    if !fk_drops.is_empty() {
        let clauses = fk_drops
            .into_iter()
            .map(|f| Clause::new(Action::DropForeignKey(f), Algo::Inplace))
            .collect();
        out.push(Statement::Alter(clauses));
    }
    let mut converted = false;
    for c in changes {
        if let TableChange::SetOptions { from: old, to: new } = c {
            if let Some(convert) = convert(&cx, old, new) {
                out.push(Statement::Alter(vec![convert]));
                converted = true;
            }
        }
    }

    // Versioning dropped goes first, so that the other statements meet
    // a plain table; added goes last, over the table as it ends up.
    let mut added_versioning = None;
    match system_versioning(&cx, from, to) {
        Some(
            c @ Clause {
                action: Action::SystemVersioning(false),
                ..
            },
        ) => {
            out.insert(0, Statement::Alter(vec![c]));
        }
        other => added_versioning = other,
    }
    let mut main = Main::default();
    for c in changes {
        table_change(&mut cx, &mut main, c);
    }
    re_add_keys_of_recreated_columns(&cx, changes, &mut main);
    ignored::flag_alone(from, &mut main);
    let reset_columns = if converted {
        reset_columns_after_convert(&cx, from)
    } else {
        Vec::new()
    };
    // Added columns in table order, so that `AFTER x` names a column
    // that already exists when the clause runs.
    main.adds.sort_by_key(|c| c.at.map_or((1, 0), |p| (0, p)));
    let mut clauses = main.drops;
    clauses.extend(main.mids);
    clauses.extend(reset_columns);
    clauses.extend(main.adds);
    if !clauses.is_empty() {
        out.push(Statement::Alter(clauses));
    }
    // After the keys it loses and gains (each unique key holds the
    // partitioning columns), before the foreign keys it gains (a
    // partitioned InnoDB table has none).
    for c in changes {
        if let TableChange::Repartition { to: by, .. } = c {
            out.push(Statement::Alter(vec![Clause::new(
                Action::Partition(by.as_ref()),
                Algo::Copy,
            )
            .why("the rows move into the new partitions")]));
        }
    }
    if !added_fks.is_empty() {
        out.push(Statement::Alter(add_foreign_keys(&cx, from, &added_fks)));
    }
    if let Some(c) = added_versioning {
        out.push(Statement::Alter(vec![c]));
    } else if versioned(from) && versioned(to) {
        under_kept_history(cx.t, &mut out);
    }
    out
}

/// The table option a system-versioned MariaDB table has
/// (`WITH SYSTEM VERSIONING`).
pub(super) const SYSTEM_VERSIONING: &str = "system_versioning";

pub(super) fn versioned(t: &Table) -> bool {
    t.options.contains_key(SYSTEM_VERSIONING)
}

fn system_versioning<'a>(cx: &Context<'a>, from: &Table, to: &Table) -> Option<Clause<'a>> {
    let t = cx.t;
    match (versioned(from), versioned(to)) {
        (true, false) => Some(
            Clause::new(Action::SystemVersioning(false), Algo::Copy)
                .why("dropping system versioning copies the table")
                .hazard(
                    HazardKind::DataLoss,
                    format!("dropping system versioning of {t} deletes its history rows"),
                ),
        ),
        (false, true) => Some(
            Clause::new(Action::SystemVersioning(true), Algo::Copy)
                .why("adding system versioning copies the table")
                .hazard(
                    HazardKind::TableRewrite,
                    format!("adding system versioning to {t} copies the table"),
                ),
        ),
        _ => None,
    }
}

/// MariaDB refuses to alter a system-versioned table unless the session
/// keeps its history (`system_versioning_alter_history = KEEP`, which the
/// emitter sets around the statements): the history rows are altered
/// too, and a dropped column goes from them as well.
fn under_kept_history(t: &str, out: &mut [Statement<'_>]) {
    if let Some(first) = out.iter_mut().find_map(|s| match s {
        Statement::Alter(clauses) => clauses.first_mut(),
        Statement::RenameTable { .. } => None,
    }) {
        first.hazards.push(Hazard {
            kind: HazardKind::TableRewrite,
            message: format!(
                "{t} is system-versioned: its history rows are altered with it (system_versioning_alter_history = KEEP)"
            ),
            acknowledged: None,
        });
    }
}

/// The foreign keys to drop (by name) and to add. MySQL cannot rename a
/// foreign key: a renamed one is dropped and added again.
fn foreign_keys<'a>(
    to: &'a Table,
    changes: &'a [TableChange],
) -> (Vec<&'a str>, Vec<&'a ForeignKey>) {
    let mut drops: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropForeignKey(fk) => fk.name.as_deref(),
            _ => None,
        })
        .collect();
    let mut adds: Vec<&ForeignKey> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddForeignKey(fk) => Some(fk),
            _ => None,
        })
        .collect();
    for c in changes {
        if let TableChange::RenameForeignKey { from: old, to: new } = c {
            drops.push(old);
            if let Some(fk) = to
                .foreign_keys
                .iter()
                .find(|f| f.name.as_deref() == Some(new))
            {
                adds.push(fk);
            }
        }
    }
    (drops, adds)
}

/// A new default character set converts the columns that inherit it, as
/// the desired schema says.
fn convert<'a>(
    cx: &Context<'a>,
    old: &BTreeMap<String, String>,
    new: &'a BTreeMap<String, String>,
) -> Option<Clause<'a>> {
    if old.get("charset") == new.get("charset") && old.get("collate") == new.get("collate") {
        return None;
    }
    let t = cx.t;
    Some(
        Clause::new(
            Action::ConvertTo {
                charset: new.get("charset").map(String::as_str),
                collate: new.get("collate").map(String::as_str),
            },
            Algo::Copy,
        )
        .why(format!(
            "converting {t} to another character set copies the table"
        ))
        .hazard(
            HazardKind::TableRewrite,
            format!("converting {t} to another character set copies the table"),
        ),
    )
}

/// Columns set back in the main statement after a conversion changed
/// them: those with their own character set (the conversion took it from
/// them), and the `TINYTEXT`, `TEXT` and `MEDIUMTEXT` ones, which the
/// server widens to the next type when the new character set has longer
/// characters (`utf8mb3` to `utf8mb4`: `TEXT` becomes `MEDIUMTEXT`).
/// Only columns the conversion met, under their old name: the main
/// statement's own clauses write the added, recreated, renamed and altered
/// ones.
fn reset_columns_after_convert<'a>(cx: &Context<'a>, from: &Table) -> Vec<Clause<'a>> {
    let untouched = |name: &str| {
        from.columns.iter().any(|f| f.name == name)
            && !cx.altered.contains(name)
            && !cx.recreated.contains(name)
            && !cx.renamed.iter().any(|(_, to)| *to == name)
    };
    cx.to
        .columns
        .iter()
        .filter(|col| {
            (col.charset.is_some() || col.collation.is_some() || widened_by_convert(col))
                && untouched(col.name.as_str())
        })
        .map(|col| {
            Clause::new(Action::ModifyColumn(col, Place::Stay), Algo::Copy).why(format!(
                "writing {}.{} again after the conversion copies the table",
                cx.t, col.name
            ))
        })
        .collect()
}

/// A text type `CONVERT TO` may widen: every one but `LONGTEXT`, the
/// widest.
fn widened_by_convert(col: &Column) -> bool {
    matches!(
        super::types::base(col.ty.as_str()).as_str(),
        "tinytext" | "text" | "mediumtext"
    )
}

/// The clauses of one change in the main statement, one function per
/// kind of change. Foreign keys, renamed tables and charset conversions
/// have statements of their own.
fn table_change<'a>(cx: &mut Context<'a>, main: &mut Main<'a>, c: &'a TableChange) {
    match c {
        TableChange::RenameTable { .. }
        | TableChange::RenameForeignKey { .. }
        | TableChange::AddForeignKey(_)
        | TableChange::DropForeignKey(_) => {}
        TableChange::RenameColumn { from, to } => rename_column(cx, main, from, to),
        TableChange::AddColumn(col) => add_column(cx, main, col),
        TableChange::DropColumn(col) => main
            .drops
            .push(Clause::new(Action::DropColumn(&col.name), Algo::Instant)),
        TableChange::AlterColumn { from, to, what } => alter_column(cx, main, from, to, what),
        TableChange::AddPrimaryKey(pk) => main.adds.push(add_primary_key(cx, pk)),
        TableChange::DropPrimaryKey(_) => main.drops.push(drop_primary_key(cx)),
        TableChange::AddUnique(u) => main.adds.push(add_unique(cx, u)),
        TableChange::DropUnique(u) => main.drops.push(Clause::new(
            Action::DropIndex(u.name.as_deref().unwrap_or("")),
            Algo::Inplace,
        )),
        TableChange::RenameUnique { from, to } | TableChange::RenameIndex { from, to } => main
            .mids
            .push(Clause::new(Action::RenameIndex { from, to }, Algo::Instant)),
        TableChange::AddIndex(ix) => main.adds.push(add_index(cx, ix)),
        // MySQL has no statement that comments an index: it is made again
        // with its new comment, in the same `ALTER TABLE`.
        TableChange::SetIndexComment { from, to } => {
            main.drops.push(Clause::new(
                Action::DropIndex(from.name.as_deref().unwrap_or("")),
                Algo::Inplace,
            ));
            main.adds.push(add_index(cx, to));
        }
        TableChange::DropIndex(ix) => main.drops.push(Clause::new(
            Action::DropIndex(ix.name.as_deref().unwrap_or("")),
            Algo::Inplace,
        )),
        TableChange::AddCheck(ck) => main.adds.push(add_check(cx, ck)),
        // A check on a column cannot be dropped by name: the column is
        // written again without it, unless a new check on it takes its
        // place (that `MODIFY COLUMN` replaces it) or the column goes too.
        TableChange::DropCheck(ck) if ck.column.is_some() => {
            let replaced = cx.to.checks.iter().any(|c| c.column == ck.column);
            let kept = cx
                .to
                .columns
                .iter()
                .find(|c| Some(&c.name) == ck.column.as_ref());
            if let (false, Some(c)) = (replaced, kept) {
                main.drops
                    .push(Clause::new(Action::DropColumnCheck(c), Algo::Copy));
            }
        }
        TableChange::DropCheck(ck) => main.drops.push(Clause::new(
            Action::DropCheck(ck.name.as_deref().unwrap_or("")),
            Algo::Instant,
        )),
        TableChange::RenameCheck { from, to } => rename_check(cx, main, from, to),
        TableChange::SetComment { to, .. } => main.mids.push(Clause::new(
            Action::SetComment(to.as_deref().unwrap_or("")),
            Algo::Instant,
        )),
        TableChange::SetOptions { from, to } => main.mids.extend(set_options(cx, from, to)),
        // Refused before: the emitter never lets them reach here, and
        // validation refuses inheritance and constraint comments other
        // than the primary key's outside PostgreSQL (a MySQL primary
        // key's comment never changes alone: it has no name to comment).
        // Attaching and detaching is PostgreSQL's `partition … of`; a
        // MySQL table's partitioning is a clause the differ never attaches.
        TableChange::AddExclusion(_)
        | TableChange::DropExclusion(_)
        | TableChange::Inherit(_)
        | TableChange::NoInherit(_)
        | TableChange::AttachPartition { .. }
        | TableChange::DetachPartition { .. }
        | TableChange::SetConstraintComment { .. } => {}
        // A statement of its own ([`layout`]).
        TableChange::Repartition { .. } => {}
    }
}

/// A renamed column that also changes is renamed by its `CHANGE COLUMN`.
fn rename_column<'a>(cx: &Context<'a>, main: &mut Main<'a>, from: &'a str, to: &'a str) {
    if !cx.altered.contains(to) {
        main.mids.push(Clause::new(
            Action::RenameColumn { from, to },
            Algo::Instant,
        ));
    }
}

fn add_column<'a>(cx: &Context<'a>, main: &mut Main<'a>, col: &'a Column) {
    let t = cx.t;
    let mut cl = Clause::new(
        Action::AddColumn(col, place(cx.to, &col.name)),
        Algo::Instant,
    )
    .at(cx.to, &col.name);
    if col.generated.as_ref().is_some_and(|g| g.stored) {
        cl.algo = Algo::Copy;
        cl = cl.why(format!(
            "adding the stored generated column {} rewrites the table",
            col.name
        ));
    } else if col.identity.is_some() {
        cl.algo = Algo::Copy;
        cl = cl.why(format!(
            "adding the auto-increment column {} rewrites the table",
            col.name
        ));
    }
    if !col.nullable && col.default.is_none() && col.generated.is_none() && col.identity.is_none() {
        cl = cl.hazard(HazardKind::MayFail, format!("column {t}.{} is NOT NULL without a default: existing rows get the type's zero value, or the statement fails in strict mode for some types", col.name));
    }
    main.adds.push(cl);
}

/// In place (`MODIFY`/`CHANGE`, or only the default), or dropped and
/// added again when neither server can change it in place.
fn alter_column<'a>(
    cx: &mut Context<'a>,
    main: &mut Main<'a>,
    old: &'a Column,
    new: &'a Column,
    what: &ColumnChanges,
) {
    let t = cx.t;
    if recreated(old, new) {
        // Neither server can MODIFY a column into or out of being
        // generated, nor between VIRTUAL and STORED.
        main.drops
            .push(Clause::new(Action::DropColumn(&old.name), Algo::Copy));
        main.adds.push(
            Clause::new(Action::AddColumn(new, place(cx.to, &new.name)), Algo::Copy)
                .at(cx.to, &new.name)
                .why(format!("{t}.{} is dropped and added again", new.name))
                .hazard(
                    HazardKind::DataLoss,
                    format!(
                    "{t}.{} is dropped and added again: its stored values are recomputed or lost",
                    new.name
                ),
                ),
        );
        cx.recreated.insert(&new.name);
    } else if what.position {
        // Moves go with the added columns, in the new table's order: the
        // column it follows may be new.
        main.adds
            .push(modify_column(cx, old, new, what, place(cx.to, &new.name)).at(cx.to, &new.name));
    } else {
        main.mids
            .push(modify_column(cx, old, new, what, Place::Stay));
    }
}

/// Whether a column change needs DROP and ADD rather than MODIFY.
fn recreated(old: &Column, new: &Column) -> bool {
    match (&old.generated, &new.generated) {
        (None, None) => false,
        (Some(a), Some(b)) => a.stored != b.stored,
        _ => true,
    }
}

/// `ALTER COLUMN … SET/DROP DEFAULT` when only the default changes,
/// else the column's whole definition again, costed by what changed.
fn modify_column<'a>(
    cx: &Context<'a>,
    old: &Column,
    new: &'a Column,
    what: &ColumnChanges,
    place: Place<'a>,
) -> Clause<'a> {
    let t = cx.t;
    let rename_from = cx
        .renamed
        .iter()
        .find(|(_, n)| *n == new.name)
        .map(|(o, _)| *o);
    let only_default = !what.ty
        && !what.nullable
        && !what.identity
        && !what.generated
        && !what.collation
        && !what.charset
        && !what.on_update
        && !what.invisible
        && !what.comment
        && !what.position
        && what.default;
    if only_default && rename_from.is_none() {
        return Clause::new(Action::SetDefault(new), Algo::Instant);
    }
    let action = match rename_from {
        Some(from) => Action::ChangeColumn {
            from,
            column: new,
            place,
        },
        None => Action::ModifyColumn(new, place),
    };
    let mut cl = Clause::new(action, Algo::Instant);
    if what.position {
        // MariaDB 10.4+ moves a column instantly, MySQL 8 rebuilds the
        // table in place: INPLACE is what both accept.
        cl.algo = Algo::Inplace;
        cl = cl.why(format!("moving {t}.{} may rebuild the table", new.name));
    }
    if what.ty {
        cl = change_type(t, cl, old, new);
    }
    if what.charset || what.collation {
        cl.algo = cl.algo.max(Algo::Copy);
        cl = cl
            .why(format!(
                "changing the character set or collation of {t}.{} copies the table",
                new.name
            ))
            .hazard(
                HazardKind::TableRewrite,
                format!(
                    "converting {t}.{} to another character set or collation copies the table",
                    new.name
                ),
            );
        if let Some(change) = super::charsets::loss((old, cx.from), (new, cx.to)) {
            cl = cl
                .hazard(
                    HazardKind::DataLoss,
                    format!(
                        "{t}.{} changes character set {change}: characters the new set cannot hold are refused (strict sql_mode) or replaced by '?'",
                        new.name
                    ),
                )
                .hazard(
                    HazardKind::MayFail,
                    format!(
                        "values of {t}.{} with characters the new set cannot hold make the conversion fail",
                        new.name
                    ),
                );
        }
    }
    if what.nullable {
        cl.algo = cl.algo.max(Algo::Inplace);
        cl = cl.why(format!(
            "changing the nullability of {t}.{} rebuilds the table",
            new.name
        ));
        if !new.nullable {
            cl = cl.hazard(
                HazardKind::MayFail,
                format!("NULL values in {t}.{} make SET NOT NULL fail", new.name),
            );
        }
    }
    if what.generated || what.identity || what.on_update {
        cl.algo = cl.algo.max(Algo::Copy);
        cl = cl.why(format!(
            "changing how {t}.{} is computed copies the table",
            new.name
        ));
    }
    cl
}

/// A widening type change is done in place; any other copies the table,
/// and loses values unless every old value fits.
fn change_type<'a>(t: &str, mut cl: Clause<'a>, old: &Column, new: &Column) -> Clause<'a> {
    if widening(old.ty.as_str(), new.ty.as_str()) {
        cl.algo = Algo::Inplace;
        return cl.why(format!("widening {t}.{} may rebuild the table", new.name));
    }
    cl.algo = Algo::Copy;
    cl = cl
        .why(format!(
            "changing the type of {t}.{} copies the table",
            new.name
        ))
        .hazard(
            HazardKind::TableRewrite,
            format!(
                "changing {t}.{} from {} to {} copies the table",
                new.name, old.ty, new.ty
            ),
        );
    if !lossless(old.ty.as_str(), new.ty.as_str()) {
        cl = cl.hazard(
            HazardKind::DataLoss,
            format!(
                "values of {t}.{} may be truncated or fail to convert from {} to {}",
                new.name, old.ty, new.ty
            ),
        );
    }
    cl
}

fn add_primary_key<'a>(cx: &Context<'a>, pk: &'a PrimaryKey) -> Clause<'a> {
    let t = cx.t;
    Clause::new(Action::AddPrimaryKey(pk), Algo::Inplace)
        .why("a new primary key rebuilds the table")
        .hazard(
            HazardKind::TableRewrite,
            format!("adding the primary key of {t} rebuilds the table"),
        )
        .hazard(
            HazardKind::MayFail,
            format!(
                "duplicate or NULL values in ({}) make adding the primary key of {t} fail",
                pk.columns.join(", ")
            ),
        )
}

fn drop_primary_key<'a>(cx: &Context<'a>) -> Clause<'a> {
    Clause::new(Action::DropPrimaryKey, Algo::Copy)
        .why("dropping the primary key copies the table")
        .hazard(
            HazardKind::TableRewrite,
            format!("dropping the primary key of {} copies the table", cx.t),
        )
}

fn add_unique<'a>(cx: &Context<'a>, u: &'a Unique) -> Clause<'a> {
    let t = cx.t;
    Clause::new(Action::AddUnique(u), Algo::Inplace)
        .why("building an index")
        .hazard(
            HazardKind::IndexBuild,
            format!(
                "builds the unique index {} on {t}",
                u.name.as_deref().unwrap_or("")
            ),
        )
        .hazard(
            HazardKind::MayFail,
            format!(
                "duplicate values in ({}) make the unique index on {t} fail",
                u.columns.join(", ")
            ),
        )
}

/// FULLTEXT and SPATIAL indexes are built with writes waiting: the
/// server takes no `LOCK=NONE` for them, online or not.
fn add_index<'a>(cx: &Context<'a>, ix: &'a Index) -> Clause<'a> {
    let t = cx.t;
    let name = ix.name.as_deref().unwrap_or("");
    let shared = match ix.method.as_deref() {
        Some(m @ ("fulltext" | "spatial")) => Some(m.to_ascii_uppercase()),
        _ => None,
    };
    let algo = match shared {
        Some(_) => Algo::InplaceShared,
        None => Algo::Inplace,
    };
    let mut cl = Clause::new(Action::AddIndex(ix), algo)
        .why("building an index")
        .hazard(
            HazardKind::IndexBuild,
            format!("builds the index {name} on {t}"),
        );
    if let Some(kind) = shared {
        cl = cl.hazard(
            HazardKind::AccessExclusiveLock,
            format!("building the {kind} index {name} on {t} blocks writes while it runs (no LOCK=NONE for it)"),
        );
    }
    if ix.unique {
        cl = cl.hazard(
            HazardKind::MayFail,
            format!(
                "duplicate values make the unique index {} on {t} fail",
                ix.name.as_deref().unwrap_or("")
            ),
        );
    }
    cl
}

fn add_check<'a>(cx: &Context<'a>, ck: &'a Check) -> Clause<'a> {
    let expr = &ck.expr;
    let action = Action::AddCheck {
        name: ck.name.as_deref().unwrap_or(""),
        expr,
        column: check_column(cx.to, ck),
    };
    Clause::new(action, Algo::Copy)
        .why("adding a check constraint validates every row by copying the table")
        .hazard(
            HazardKind::MayFail,
            format!(
                "rows of {} that break ({}) make the statement fail",
                cx.t, expr
            ),
        )
}

/// The column a check was written on, when the table has it.
pub(super) fn check_column<'a>(t: &'a Table, ck: &Check) -> Option<&'a Column> {
    let name = ck.column.as_deref()?;
    t.columns.iter().find(|c| c.name == name)
}

/// MySQL cannot rename a check: it is dropped and added again.
fn rename_check<'a>(cx: &Context<'a>, main: &mut Main<'a>, old: &'a str, new: &'a str) {
    main.drops
        .push(Clause::new(Action::DropCheck(old), Algo::Instant));
    if let Some(ck) = cx.to.checks.iter().find(|c| c.name.as_deref() == Some(new)) {
        main.adds.push(
            Clause::new(
                Action::AddCheck {
                    name: new,
                    expr: &ck.expr,
                    column: check_column(cx.to, ck),
                },
                Algo::Copy,
            )
            .why("re-adding a renamed check constraint copies the table"),
        );
    }
}

/// Every option but the character set and collation (converted in a
/// statement of their own).
fn set_options<'a>(
    cx: &Context<'a>,
    old: &'a BTreeMap<String, String>,
    new: &'a BTreeMap<String, String>,
) -> Vec<Clause<'a>> {
    let t = cx.t;
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        if k == "charset" || k == "collate" || k == SYSTEM_VERSIONING || old.get(k) == new.get(k) {
            continue;
        }
        let value = new.get(k).map(String::as_str);
        let clause = match k.as_str() {
            "engine" => Clause::new(Action::SetOption(k, value), Algo::Copy)
                .why("changing the storage engine copies the table")
                .hazard(
                    HazardKind::TableRewrite,
                    format!("changing the engine of {t} copies the table"),
                ),
            other => Clause::new(Action::SetOption(k, value), Algo::Inplace)
                .why(format!("changing {other} rebuilds the table"))
                .hazard(
                    HazardKind::TableRewrite,
                    format!("changing {other} of {t} rebuilds the table"),
                ),
        };
        out.push(clause);
    }
    out
}

/// Indexes over a column that was dropped and added again lost it: they
/// are dropped and added again too.
fn re_add_keys_of_recreated_columns<'a>(
    cx: &Context<'a>,
    changes: &[TableChange],
    main: &mut Main<'a>,
) {
    let touched = |cols: &[String]| cols.iter().any(|c| cx.recreated.contains(c.as_str()));
    for u in &cx.to.uniques {
        let in_changes = changes
            .iter()
            .any(|c| matches!(c, TableChange::AddUnique(x) if x.name == u.name));
        if !in_changes && touched(&u.columns) {
            let n = u.name.as_deref().unwrap_or("");
            main.drops
                .push(Clause::new(Action::DropIndex(n), Algo::Inplace));
            main.adds
                .push(Clause::new(Action::AddUnique(u), Algo::Inplace));
        }
    }
    for ix in &cx.to.indexes {
        let in_changes = changes
            .iter()
            .any(|c| matches!(c, TableChange::AddIndex(x) | TableChange::SetIndexComment { to: x, .. } if x.name == ix.name));
        let cols: Vec<String> = ix
            .parts
            .iter()
            .filter_map(|p| match &p.key {
                IndexKey::Column(c) => Some(c.clone()),
                IndexKey::Expr(_) => None,
            })
            .collect();
        if !in_changes && touched(&cols) {
            main.drops.push(Clause::new(
                Action::DropIndex(ix.name.as_deref().unwrap_or("")),
                Algo::Inplace,
            ));
            main.adds.push(add_index(cx, ix));
        }
    }
}

/// The added foreign keys. An index InnoDB created for an earlier
/// foreign key (named after its first column) is replaced by one named
/// after the new constraint when that constraint is added; defining the
/// index again in the same statement keeps it, under its name.
fn add_foreign_keys<'a>(
    cx: &Context<'a>,
    from: &Table,
    added: &[&'a ForeignKey],
) -> Vec<Clause<'a>> {
    let t = cx.t;
    let mut clauses: Vec<Clause> = Vec::new();
    for fk in added {
        let Some(first) = fk.columns.first() else {
            continue;
        };
        let implicit = cx.to.indexes.iter().find(|ix| {
            ix.name.as_deref() == Some(first.as_str())
                && ix.name != fk.name
                && !ix.unique
                && ix.method.is_none()
                && ix.parts.len() == fk.columns.len()
                && ix.parts.iter().zip(&fk.columns).all(|(p, c)| {
                    p.key == IndexKey::Column(c.clone()) && p.length.is_none() && !p.desc
                })
                && from.indexes.contains(ix)
        });
        if let Some(ix) = implicit {
            clauses.push(Clause::new(
                Action::DropIndex(ix.name.as_deref().unwrap_or("")),
                Algo::Inplace,
            ));
            clauses.push(Clause::new(Action::AddIndex(ix), Algo::Inplace).hazard(
                HazardKind::IndexBuild,
                format!(
                    "rebuilds the index {} on {t} so that it outlives the new foreign key",
                    ix.name.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    clauses.extend(added.iter().map(|fk| {
        Clause::new(Action::AddForeignKey(fk), Algo::Copy)
            .why("adding a foreign key with foreign_key_checks on copies the table")
            .hazard(
                HazardKind::MayFail,
                format!(
                    "rows of {t} without a match in {} make adding {} fail",
                    fk.ref_table,
                    fk.name.as_deref().unwrap_or("")
                ),
            )
    }));
    clauses
}

/// Where a column stands in the new table.
fn place<'a>(to: &'a Table, column: &str) -> Place<'a> {
    match to.columns.iter().position(|c| c.name == column) {
        Some(0) => Place::First,
        Some(i) => Place::After(&to.columns[i - 1].name),
        None => Place::Stay,
    }
}
