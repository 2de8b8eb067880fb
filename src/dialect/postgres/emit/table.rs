//! Tables: `CREATE TABLE` with everything it carries, and one function
//! per kind of change inside a table (`TableChange`), each writing the
//! `ALTER TABLE` statements for it.

use super::column::{added_column_def, alter_column, column_def, set_statistics};
use super::constraints::{check_def, constraint_name, deferral, exclusion_def, fk_def, unique_def};
use super::distinct::set_distinct;
use super::index::{create_index_sql, index_comment, index_name, set_index_comment};
use super::{opt_literal, rename_relation, security, Ctx};
use std::collections::BTreeMap;

use crate::dialect::keep::Moves;
use crate::dialect::postgres::hazards::{self, hazard, lock};
use crate::dialect::postgres::quote::{ident, idents, literal, name as qname};
use crate::dialect::EmitError;
use crate::diff::TableChange;
use crate::ir::{
    Column, Distinct, Exclusion, Index, IndexKey, Name, Partitioning, PrimaryKey, Table, Unique,
    CLUSTER_ON,
};
use crate::plan::{Hazard, HazardKind};

pub(super) fn create_table(cx: &mut Ctx<'_>, t: &Table) {
    let unlogged = t.options.get("unlogged").is_some_and(|v| v == "true");
    let kind = if unlogged { "UNLOGGED TABLE" } else { "TABLE" };
    let mut sql = format!("CREATE {kind} {}", qname(&t.name));
    let mut items: Vec<String> = Vec::new();
    let partition_of = match &t.partition {
        Some(Partitioning::Of { parent, bound, .. }) => Some((parent, bound)),
        _ => None,
    };
    if partition_of.is_none() {
        items.extend(t.columns.iter().map(column_def));
    }
    // A key attached to the parent's cannot be said inline (the parent's
    // key makes one first): it follows the table.
    if let Some(pk) = t.primary_key.as_ref().filter(|p| p.attached_to.is_none()) {
        items.push(format!(
            "{}PRIMARY KEY ({}){}{}",
            constraint_name(&pk.name),
            idents(&pk.columns),
            with_params(&pk.options),
            deferral(pk.deferral)
        ));
    }
    items.extend(
        t.uniques
            .iter()
            .filter(|u| u.attached_to.is_none())
            .map(unique_def),
    );
    // NOT VALID is ignored inside CREATE TABLE: such checks come after.
    items.extend(
        t.checks
            .iter()
            .filter(|c| !c.not_valid)
            .map(|c| check_def(c, false)),
    );
    // NOT VALID is ignored inside CREATE TABLE (the key would be made
    // validated): such keys come after, as checks do. One attached to the
    // parent's follows the table, as keys do.
    items.extend(
        t.foreign_keys
            .iter()
            .filter(|f| f.attached_to.is_none() && !f.not_valid)
            .map(|f| fk_def(f, false)),
    );
    items.extend(t.exclusions.iter().map(exclusion_def));
    if let Some((parent, bound)) = partition_of {
        sql.push_str(&format!(" PARTITION OF {}", qname(parent)));
        if !items.is_empty() {
            sql.push_str(&format!(" (\n  {}\n)", items.join(",\n  ")));
        }
        if bound.as_str().eq_ignore_ascii_case("default") {
            sql.push_str(" DEFAULT");
        } else {
            sql.push_str(&format!(" FOR VALUES {bound}"));
        }
    } else {
        sql.push_str(&format!(" (\n  {}\n)", items.join(",\n  ")));
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(qname).collect();
        sql.push_str(&format!(" INHERITS ({})", parents.join(", ")));
    }
    if let Some(by) = t.partition.as_ref().and_then(Partitioning::key) {
        sql.push_str(&format!(" PARTITION BY {by}"));
    }
    let params = storage_params(t);
    if !params.is_empty() {
        sql.push_str(&format!(" WITH ({})", params.join(", ")));
    }
    cx.push(sql, vec![]);
    if let Some(pk) = t.primary_key.as_ref().filter(|p| p.attached_to.is_some()) {
        cx.push(super::attached_key::create_primary(&t.name, pk), vec![]);
    }
    for u in t.uniques.iter().filter(|u| u.attached_to.is_some()) {
        cx.push(super::attached_key::create_unique(&t.name, u), vec![]);
    }
    for f in t.foreign_keys.iter().filter(|f| f.attached_to.is_some()) {
        cx.push(super::attached_fk::create(&t.name, f), vec![]);
    }
    for ix in &t.indexes {
        match &ix.attached_to {
            Some(parent) => {
                cx.push(super::attached_index::create(&t.name, parent, ix), vec![]);
                attach_by_hand(cx, &t.name, parent, ix);
            }
            None => only_at_end(
                cx,
                &t.name,
                ix,
                create_index_sql(&t.name, ix, false),
                vec![],
            ),
        }
    }
    if let Some(c) = &t.comment {
        cx.push(
            format!("COMMENT ON TABLE {} IS {}", qname(&t.name), literal(c)),
            vec![],
        );
    }
    for c in &t.columns {
        super::column_storage::after_make(cx, &t.name, c);
        if c.statistics.is_some() {
            set_statistics(cx, &t.name, &c.name, c.statistics);
        }
        set_distinct(cx, &t.name, &c.name, &Distinct::default(), &c.distinct);
        if let Some(comment) = &c.comment {
            cx.push(
                format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    qname(&t.name),
                    ident(&c.name),
                    literal(comment)
                ),
                vec![],
            );
        }
    }
    // An `ON ONLY` index's comment follows it at the end (`only_at_end`).
    for ix in t.indexes.iter().filter(|ix| !ix.invalid) {
        index_comment(cx, &t.name, ix);
    }
    for c in t.checks.iter().filter(|c| c.not_valid) {
        cx.push(
            format!("ALTER TABLE {} ADD {}", qname(&t.name), check_def(c, true)),
            vec![],
        );
    }
    for f in t
        .foreign_keys
        .iter()
        .filter(|f| f.not_valid && f.attached_to.is_none())
    {
        cx.push(
            format!("ALTER TABLE {} ADD {}", qname(&t.name), fk_def(f, true)),
            vec![],
        );
    }
    security::set_row_security(cx, &t.name, &Default::default(), &t.row_security);
    cluster_new(cx, t);
    let commented = t
        .primary_key
        .iter()
        .map(|p| (&p.name, &p.comment))
        .chain(t.uniques.iter().map(|u| (&u.name, &u.comment)))
        .chain(t.checks.iter().map(|c| (&c.name, &c.comment)))
        .chain(t.foreign_keys.iter().map(|f| (&f.name, &f.comment)))
        .chain(t.exclusions.iter().map(|x| (&x.name, &x.comment)));
    for (name, comment) in commented {
        if let (Some(name), Some(comment)) = (name, comment) {
            constraint_comment(cx, &t.name, name, Some(comment));
        }
    }
}

fn storage_params(t: &Table) -> Vec<String> {
    t.options
        .iter()
        .filter(|(k, _)| !not_a_parameter(k))
        .map(|(k, v)| format!("{} = {}", ident(k), param_value(v)))
        .collect()
}

/// The table options that are no storage parameter: `UNLOGGED` and the
/// index the table is clustered on.
fn not_a_parameter(key: &str) -> bool {
    key == "unlogged" || key == CLUSTER_ON
}

/// `CLUSTER ON` the index a new table names, once its indexes are made.
/// An invalid index cannot be clustered on (the server refuses it).
fn cluster_new(cx: &mut Ctx<'_>, t: &Table) {
    let Some(ix) = t.options.get(CLUSTER_ON) else {
        return;
    };
    if !t
        .indexes
        .iter()
        .any(|i| i.invalid && i.name.as_ref() == Some(ix))
    {
        cx.push(cluster_on(&t.name, Some(ix)), vec![]);
    }
}

fn cluster_on(table: &Name, ix: Option<&String>) -> String {
    match ix {
        Some(ix) => format!("ALTER TABLE {} CLUSTER ON {}", qname(table), ident(ix)),
        None => format!("ALTER TABLE {} SET WITHOUT CLUSTER", qname(table)),
    }
}

/// The clustered index of an altered table: marked when the schema names
/// another, unmarked when it names none, and marked again when the index
/// it names is made in this change (an index, key or unique made anew
/// loses the mark). An index made concurrently is there only after the
/// main transaction, so its mark follows it.
pub(super) fn recluster(
    cx: &mut Ctx<'_>,
    table: &Name,
    (from, to): (&Table, &Table),
    changes: &[TableChange],
) {
    let was = from.options.get(CLUSTER_ON);
    let now = to.options.get(CLUSTER_ON);
    let made = now.and_then(|n| {
        changes.iter().find(|tc| match tc {
            TableChange::AddIndex(ix) => ix.name.as_ref() == Some(n),
            TableChange::AddPrimaryKey(pk) => pk.name.as_ref() == Some(n),
            TableChange::AddUnique(u) => u.name.as_ref() == Some(n),
            _ => false,
        })
    });
    if was == now && made.is_none() {
        return;
    }
    let sql = cluster_on(table, now);
    match made {
        Some(TableChange::AddIndex(ix)) if ix.invalid => {}
        Some(TableChange::AddIndex(ix)) if cx.online && ix.attached_to.is_none() => {
            let s = cx.stmt(sql, vec![]);
            cx.out.validate.push(s);
        }
        _ => cx.push(sql, vec![]),
    }
}

/// ` WITH (fillfactor = 70, …)` of an index or view, or nothing.
pub(super) fn with_params(options: &BTreeMap<String, String>) -> String {
    if options.is_empty() {
        return String::new();
    }
    let params: Vec<String> = options
        .iter()
        .map(|(k, v)| format!("{} = {}", ident(k), param_value(v)))
        .collect();
    format!(" WITH ({})", params.join(", "))
}

fn param_value(v: &str) -> String {
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    {
        v.to_string()
    } else {
        literal(v)
    }
}

/// The statements of one change inside a table. `current` is the table's
/// name as the statements so far left it (a rename comes first); `table`
/// the table as it was (which indexes a column change rebuilds).
pub(super) fn table_change(
    cx: &mut Ctx<'_>,
    current: &mut Name,
    tc: &TableChange,
    table: &crate::ir::Table,
) -> Result<(), EmitError> {
    match tc {
        TableChange::RenameTable { from, to } => {
            rename_relation(cx, "TABLE", from, to);
            *current = to.clone();
        }
        TableChange::AddColumn(c) => add_column(cx, current, c),
        TableChange::DropColumn(c) => drop_column(cx, current, c),
        TableChange::RenameColumn { from, to } => rename_column(cx, current, from, to),
        TableChange::AlterColumn { from, to, what } => {
            let indexed = super::column::indexed(table, &from.name);
            alter_column(cx, current, (from, to, what), indexed)?
        }
        TableChange::AddPrimaryKey(pk) => add_primary_key(cx, current, pk),
        TableChange::DropPrimaryKey(pk) => drop_primary_key(cx, current, pk),
        TableChange::AddUnique(u) => add_unique(cx, current, u),
        TableChange::DropUnique(u) => drop_unique(cx, current, u),
        TableChange::RenameUnique { from, to }
        | TableChange::RenameCheck { from, to }
        | TableChange::RenameForeignKey { from, to } => rename_constraint(cx, current, from, to),
        TableChange::AddCheck(c) => {
            let hz = hazards::add_check(current, c, cx.online);
            let def = |not_valid| check_def(c, not_valid);
            add_validated(cx, current, (c.name.as_deref(), c.not_valid), def, hz)
        }
        // Not split online: the statement asks the catalog inside a `DO`.
        TableChange::AddForeignKey(f) if f.attached_to.is_some() => {
            let hz = hazards::add_foreign_key(current, f, false);
            cx.push(super::attached_fk::create(current, f), hz);
        }
        TableChange::AddForeignKey(f) => {
            let hz = hazards::add_foreign_key(current, f, cx.online);
            let def = |not_valid| fk_def(f, not_valid);
            add_validated(cx, current, (f.name.as_deref(), f.not_valid), def, hz)
        }
        TableChange::DropCheck(c) => {
            drop_constraint(cx, current, c.name.as_deref().unwrap_or_default(), vec![])
        }
        TableChange::DropForeignKey(f) if f.attached_to.is_some() => {
            cx.push(super::attached_fk::drop(current, f), vec![])
        }
        TableChange::DropForeignKey(f) => {
            drop_constraint(cx, current, f.name.as_deref().unwrap_or_default(), vec![])
        }
        TableChange::AddIndex(ix) => add_index(cx, current, ix),
        TableChange::DropIndex(ix) => drop_index(cx, current, ix),
        TableChange::RenameIndex { from, to } => rename_index(cx, current, from, to),
        TableChange::SetIndexComment { to, .. } => set_index_comment(cx, current, to),
        TableChange::SetComment { to: c, .. } => set_comment(cx, current, c),
        TableChange::SetConstraintComment { name, to, .. } => {
            constraint_comment(cx, current, name, to.as_deref())
        }
        TableChange::SetOptions { from, to } => set_options(cx, current, from, to),
        TableChange::AddExclusion(x) => add_exclusion(cx, current, x),
        TableChange::DropExclusion(x) => drop_exclusion(cx, current, x),
        TableChange::Inherit(p) => inherit(cx, current, p, ""),
        TableChange::NoInherit(p) => inherit(cx, current, p, "NO "),
        TableChange::AttachPartition { parent, bound, key } => {
            super::partition::attach(cx, current, parent, bound, key)
        }
        TableChange::DetachPartition { parent, .. } => {
            super::partition::detach(cx, current, parent)
        }
        // The differ makes it for MySQL schemas only: a PostgreSQL table
        // partitioned anew is dropped and made again.
        TableChange::Repartition { .. } => {}
    }
    Ok(())
}

/// The name and comment of the constraint a table change adds, if it adds
/// one with a comment: `ADD CONSTRAINT` cannot say it.
pub(super) fn added_comment(tc: &TableChange) -> Option<(&str, &str)> {
    let (name, comment) = match tc {
        TableChange::AddPrimaryKey(pk) => (&pk.name, &pk.comment),
        TableChange::AddUnique(u) => (&u.name, &u.comment),
        TableChange::AddCheck(c) => (&c.name, &c.comment),
        TableChange::AddForeignKey(f) => (&f.name, &f.comment),
        TableChange::AddExclusion(x) => (&x.name, &x.comment),
        _ => return None,
    };
    Some((name.as_deref()?, comment.as_deref()?))
}

/// `COMMENT ON CONSTRAINT … ON … IS …`, `IS NULL` when the comment goes away.
pub(super) fn constraint_comment(
    cx: &mut Ctx<'_>,
    table: &Name,
    name: &str,
    comment: Option<&str>,
) {
    cx.push(
        format!(
            "COMMENT ON CONSTRAINT {} ON {} IS {}",
            ident(name),
            qname(table),
            comment.map_or("NULL".to_string(), literal)
        ),
        vec![],
    );
}

fn add_column(cx: &mut Ctx<'_>, table: &Name, c: &Column) {
    let t = qname(table);
    let hz = hazards::add_column(
        table,
        c,
        &cx.options.server(crate::ir::DialectKind::Postgres),
    );
    // A serial column brings its own sequence, named as PostgreSQL
    // names it. A NOT NULL column with a backfill is added nullable and
    // filled; its storage is set before the fill writes the values.
    let def = match &c.backfill {
        Some(_) if !c.nullable => {
            let mut open = c.clone();
            open.nullable = true;
            added_column_def(&open)
        }
        _ => added_column_def(c),
    };
    cx.push(format!("ALTER TABLE {t} ADD COLUMN {def}"), hz);
    super::column_storage::after_make(cx, table, c);
    match &c.backfill {
        Some(fill) if !c.nullable => backfill(cx, table, &c.name, &fill.0),
        Some(fill) => fill_column(cx, table, &c.name, &fill.0),
        None => {}
    }
    if c.statistics.is_some() {
        set_statistics(cx, table, &c.name, c.statistics);
    }
    set_distinct(cx, table, &c.name, &Distinct::default(), &c.distinct);
    if let Some(comment) = &c.comment {
        cx.push(
            format!(
                "COMMENT ON COLUMN {t}.{} IS {}",
                ident(&c.name),
                literal(comment)
            ),
            vec![],
        );
    }
}

/// A new NOT NULL column added nullable is filled with `fill` in the main
/// transaction; a `NOT VALID` check then lets the NOT NULL be proved in
/// the validation transaction without holding the table's exclusive lock
/// for the scan (`VALIDATE` takes SHARE UPDATE EXCLUSIVE), and `SET NOT
/// NULL` uses the validated check instead of scanning again.
fn backfill(cx: &mut Ctx<'_>, table: &Name, column: &str, fill: &str) {
    let t = qname(table);
    let col = ident(column);
    fill_column(cx, table, column, fill);
    let mut check = format!("strata_not_null_{column}");
    let mut cut = check.len().min(63);
    while !check.is_char_boundary(cut) {
        cut -= 1;
    }
    check.truncate(cut);
    // Added after the fill, so that writes during a batched fill are not
    // refused yet.
    let add = cx.stmt(
        format!(
            "ALTER TABLE {t} ADD CONSTRAINT {} CHECK ({col} IS NOT NULL) NOT VALID",
            ident(&check)
        ),
        vec![],
    );
    cx.out.validate.push(add);
    validate(cx, table, &check);
    for sql in [
        format!("ALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL"),
        format!("ALTER TABLE {t} DROP CONSTRAINT {}", ident(&check)),
    ] {
        let st = cx.stmt(sql, vec![]);
        cx.out.validate.push(st);
    }
}

/// `UPDATE` of every row where `column` is NULL to `fill`: in the main
/// transaction, or with `--backfill-batch N` in a loop that commits every
/// `N` rows, outside it (rows `fill` leaves NULL are skipped, so the loop
/// ends; the NOT NULL step then reports them).
fn fill_column(cx: &mut Ctx<'_>, table: &Name, column: &str, fill: &str) {
    const TAG: &str = "$strata_backfill$";
    let t = qname(table);
    let col = ident(column);
    let hazards = vec![hazard(
        HazardKind::TableRewrite,
        format!("every row of {table} is updated to fill `{column}`"),
    )];
    match cx.options.backfill_batch {
        Some(n) if !fill.contains(TAG) => {
            let sql = format!(
                "DO {TAG}\nBEGIN\n  LOOP\n    UPDATE {t} SET {col} = ({fill})\n    \
                 WHERE ctid = ANY (ARRAY(SELECT ctid FROM {t} WHERE {col} IS NULL AND ({fill}) IS NOT NULL LIMIT {n}));\n    \
                 EXIT WHEN NOT FOUND;\n    COMMIT;\n  END LOOP;\nEND\n{TAG}"
            );
            let st = cx.stmt(sql, hazards);
            cx.out.concurrent.push(st);
        }
        _ => cx.push(
            format!("UPDATE {t} SET {col} = ({fill}) WHERE {col} IS NULL"),
            hazards,
        ),
    }
}

fn drop_column(cx: &mut Ctx<'_>, table: &Name, c: &Column) {
    cx.push(
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            qname(table),
            ident(&c.name)
        ),
        hazards::drop_column(table, c),
    );
}

fn rename_column(cx: &mut Ctx<'_>, table: &Name, from: &str, to: &str) {
    cx.push(
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            qname(table),
            ident(from),
            ident(to)
        ),
        vec![lock(table)],
    );
}

fn add_primary_key(cx: &mut Ctx<'_>, table: &Name, pk: &PrimaryKey) {
    if pk.attached_to.is_some() {
        let hz = hazards::add_primary_key(table);
        cx.push(super::attached_key::create_primary(table, pk), hz);
        return;
    }
    cx.push(
        format!(
            "ALTER TABLE {} ADD {}PRIMARY KEY ({}){}{}",
            qname(table),
            constraint_name(&pk.name),
            idents(&pk.columns),
            with_params(&pk.options),
            deferral(pk.deferral)
        ),
        hazards::add_primary_key(table),
    );
}

fn drop_primary_key(cx: &mut Ctx<'_>, table: &Name, pk: &PrimaryKey) {
    if pk.attached_to.is_some() {
        cx.push(
            super::attached_key::drop_primary(table, pk),
            vec![lock(table)],
        );
        return;
    }
    let name = pk
        .name
        .clone()
        .unwrap_or_else(|| format!("{}_pkey", table.name));
    drop_constraint(cx, table, &name, vec![lock(table)]);
}

/// Online, a named unique constraint is an index built concurrently and
/// attached after the main transaction.
fn add_unique(cx: &mut Ctx<'_>, table: &Name, u: &Unique) {
    let t = qname(table);
    let hz = hazards::add_unique(table, u, cx.online);
    // Not concurrently: the statement asks the catalog inside a `DO`.
    if u.attached_to.is_some() {
        cx.push(super::attached_key::create_unique(table, u), hz);
        return;
    }
    match (&u.name, cx.online) {
        (Some(n), true) => {
            let ix = Index {
                name: Some(n.clone()),
                parts: u
                    .columns
                    .iter()
                    .map(|c| crate::ir::IndexPart {
                        key: IndexKey::Column(c.clone()),
                        desc: false,
                        nulls_first: None,
                        collation: None,
                        opclass: None,
                        length: None,
                    })
                    .collect(),
                unique: true,
                method: None,
                include: vec![],
                predicate: None,
                nulls_not_distinct: u.nulls_not_distinct,
                comment: None,
                renamed_from: None,
                options: u.options.clone(),
                invalid: false,
                attached_to: None,
            };
            let build = cx.stmt(create_index_sql(table, &ix, true), hz);
            cx.out.concurrent.push(build);
            let attach = cx.stmt(
                format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE USING INDEX {}{}",
                    ident(n),
                    ident(n),
                    deferral(u.deferral)
                ),
                vec![],
            );
            cx.out.validate.push(attach);
        }
        _ => cx.push(format!("ALTER TABLE {t} ADD {}", unique_def(u)), hz),
    }
}

fn drop_unique(cx: &mut Ctx<'_>, table: &Name, u: &Unique) {
    if u.attached_to.is_some() {
        cx.push(
            super::attached_key::drop_unique(table, u),
            vec![lock(table)],
        );
        return;
    }
    drop_constraint(
        cx,
        table,
        u.name.as_deref().unwrap_or_default(),
        vec![lock(table)],
    );
}

fn rename_constraint(cx: &mut Ctx<'_>, table: &Name, from: &str, to: &str) {
    cx.push(
        format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            qname(table),
            ident(from),
            ident(to)
        ),
        vec![],
    );
}

/// Online, a named check or foreign key is added `NOT VALID` and
/// validated after the main transaction; `def` writes it, `NOT VALID` or not.
fn add_validated(
    cx: &mut Ctx<'_>,
    table: &Name,
    (name, not_valid): (Option<&str>, bool),
    def: impl Fn(bool) -> String,
    hz: Vec<Hazard>,
) {
    let split = cx.online && !not_valid && name.is_some();
    cx.push(
        format!(
            "ALTER TABLE {} ADD {}",
            qname(table),
            def(not_valid || split)
        ),
        hz,
    );
    if split {
        validate(cx, table, name.unwrap_or_default());
    }
}

fn drop_constraint(cx: &mut Ctx<'_>, table: &Name, name: &str, hz: Vec<Hazard>) {
    cx.push(
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            qname(table),
            ident(name)
        ),
        hz,
    );
}

/// After `DETACH PARTITION` the foreign keys and indexes the parent's
/// made on the table are the table's own, unless the plan dropped the
/// parent's earlier (alone, or with the parent's table): that drop took
/// them along while the table was still attached. A drop of one of them
/// is written so that either way ends with it gone. Returns whether `tc`
/// was such a drop.
pub(super) fn drop_after_detach(cx: &mut Ctx<'_>, table: &Name, tc: &TableChange) -> bool {
    let sql = match tc {
        TableChange::DropForeignKey(f) if f.attached_to.is_none() => format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            qname(table),
            ident(f.name.as_deref().unwrap_or_default())
        ),
        TableChange::DropIndex(ix) if ix.attached_to.is_none() && !cx.online => format!(
            "DROP INDEX IF EXISTS {}",
            qname(&index_name(table, ix.name.as_deref().unwrap_or_default()))
        ),
        _ => return false,
    };
    let hz = match tc {
        TableChange::DropIndex(_) => hazards::drop_index(table, cx.online),
        _ => vec![],
    };
    cx.push(sql, hz);
    true
}

/// Online, the index is built concurrently (its comment follows in the
/// validate phase).
fn add_index(cx: &mut Ctx<'_>, table: &Name, ix: &Index) {
    let hz = hazards::add_index(table, ix, cx.online);
    // Not concurrently: the statement asks the catalog inside a `DO`.
    if let Some(parent) = &ix.attached_to {
        cx.push(super::attached_index::create(table, parent, ix), hz);
        index_comment(cx, table, ix);
        attach_by_hand(cx, table, parent, ix);
        return;
    }
    if ix.invalid {
        only_at_end(cx, table, ix, create_index_sql(table, ix, false), hz);
        return;
    }
    if cx.online {
        let s = cx.stmt(create_index_sql(table, ix, true), hz);
        cx.out.concurrent.push(s);
        if let (Some(c), Some(n)) = (&ix.comment, &ix.name) {
            let s = cx.stmt(
                format!(
                    "COMMENT ON INDEX {} IS {}",
                    qname(&index_name(table, n)),
                    literal(c)
                ),
                vec![],
            );
            cx.out.validate.push(s);
        }
    } else {
        cx.push(create_index_sql(table, ix, false), hz);
        index_comment(cx, table, ix);
    }
}

/// A partitioned table's index wanted `ON ONLY` is made at the end of the
/// main phase, once the partitions the plan makes exist (the server would
/// make it on them too); any other index where it is.
fn only_at_end(
    cx: &mut Ctx<'_>,
    table: &Name,
    ix: &Index,
    sql: String,
    hz: Vec<crate::plan::Hazard>,
) {
    if ix.invalid {
        let s = cx.stmt(sql, hz);
        cx.out.main_tail.push(s);
        if let (Some(c), Some(n)) = (&ix.comment, &ix.name) {
            let sql = format!(
                "COMMENT ON INDEX {} IS {}",
                qname(&index_name(table, n)),
                literal(c)
            );
            let s = cx.stmt(sql, vec![]);
            cx.out.main_tail.push(s);
        }
    } else {
        cx.push(sql, hz);
    }
}

/// A partition's own index attached to a parent's index made `ON ONLY`
/// is attached by hand, after that is made.
fn attach_by_hand(cx: &mut Ctx<'_>, table: &Name, parent: &str, ix: &Index) {
    let s = cx.stmt(super::attached_index::attach(table, parent, ix), vec![]);
    cx.out.attach.push(s);
}

fn drop_index(cx: &mut Ctx<'_>, table: &Name, ix: &Index) {
    let hz = hazards::drop_index(table, cx.online);
    if ix.attached_to.is_some() {
        cx.push(super::attached_index::drop(table, ix), hz);
        return;
    }
    let n = qname(&index_name(table, ix.name.as_deref().unwrap_or_default()));
    if cx.online {
        // The main phase may have dropped the table or column
        // under it already.
        let s = cx.stmt(format!("DROP INDEX CONCURRENTLY IF EXISTS {n}"), hz);
        cx.out.concurrent.push(s);
    } else {
        cx.push(format!("DROP INDEX {n}"), hz);
    }
}

fn rename_index(cx: &mut Ctx<'_>, table: &Name, from: &str, to: &str) {
    cx.push(
        format!(
            "ALTER INDEX {} RENAME TO {}",
            qname(&index_name(table, from)),
            ident(to)
        ),
        vec![],
    );
}

fn set_comment(cx: &mut Ctx<'_>, table: &Name, c: &Option<String>) {
    cx.push(
        format!("COMMENT ON TABLE {} IS {}", qname(table), opt_literal(c)),
        vec![],
    );
}

/// `SET LOGGED`/`UNLOGGED`, then the storage parameters set and reset.
fn set_options(
    cx: &mut Ctx<'_>,
    table: &Name,
    from: &BTreeMap<String, String>,
    opts: &BTreeMap<String, String>,
) {
    let t = qname(table);
    let was_unlogged = from.get("unlogged").is_some_and(|v| v == "true");
    let unlogged = opts.get("unlogged").is_some_and(|v| v == "true");
    if was_unlogged != unlogged {
        cx.push(
            format!(
                "ALTER TABLE {t} SET {}",
                if unlogged { "UNLOGGED" } else { "LOGGED" }
            ),
            hazards::set_logged(table),
        );
    }
    let set: Vec<String> = opts
        .iter()
        .filter(|(k, v)| !not_a_parameter(k) && from.get(*k) != Some(*v))
        .map(|(k, v)| format!("{} = {}", ident(k), param_value(v)))
        .collect();
    let reset: Vec<String> = from
        .keys()
        .filter(|k| !not_a_parameter(k) && !opts.contains_key(*k))
        .map(|k| ident(k))
        .collect();
    if !set.is_empty() {
        cx.push(format!("ALTER TABLE {t} SET ({})", set.join(", ")), vec![]);
    }
    if !reset.is_empty() {
        cx.push(
            format!("ALTER TABLE {t} RESET ({})", reset.join(", ")),
            vec![],
        );
    }
}

fn add_exclusion(cx: &mut Ctx<'_>, table: &Name, x: &Exclusion) {
    cx.push(
        format!("ALTER TABLE {} ADD {}", qname(table), exclusion_def(x)),
        hazards::exclusion(table, x),
    );
}

fn drop_exclusion(cx: &mut Ctx<'_>, table: &Name, x: &Exclusion) {
    drop_constraint(
        cx,
        table,
        x.name.as_deref().unwrap_or_default(),
        vec![lock(table)],
    );
}

/// `INHERIT` / `NO INHERIT` a parent: `no` is `"NO "` or empty.
fn inherit(cx: &mut Ctx<'_>, table: &Name, parent: &Name, no: &str) {
    cx.push(
        format!("ALTER TABLE {} {no}INHERIT {}", qname(table), qname(parent)),
        vec![],
    );
}

pub(super) fn validate(cx: &mut Ctx<'_>, table: &Name, constraint: &str) {
    let s = cx.stmt(
        format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            qname(table),
            ident(constraint)
        ),
        vec![hazard(
            HazardKind::MayFail,
            format!("existing rows of {table} that break {constraint} make validation fail"),
        )],
    );
    cx.out.validate.push(s);
}

/// `--keep-dropped`: the table moved into the kept tables' schema, and
/// back. Its indexes (those of its constraints too) and sequences move
/// with it, and their names are unique per schema: one that a table kept
/// before already uses there is renamed under this stamp first, and the
/// rollback gives the name back. Read from the catalog when it runs, as
/// the drop step knows only the table's own names.
pub fn keep_table(table: &crate::ir::Table, aside: &Name, stamp: &str) -> Moves {
    let tail = crate::dialect::keep::suffix(stamp);
    let kept_ns = literal(crate::dialect::keep::NAMESPACE);
    let taken = format!(
        "EXISTS (SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace \
         WHERE n.nspname = {kept_ns} AND k.relname = c.relname)"
    );
    let room = 63 - tail.len();
    let mut aside_sql = vec![rename_objects(
        &table.name,
        &taken,
        &format!("left(r.relname, {room}) || {}", literal(&tail)),
    )];
    aside_sql.extend(move_table(&table.name, aside));
    let mut back = move_table(aside, &table.name);
    back.push(rename_objects(
        &table.name,
        &format!("right(c.relname, {}) = {}", tail.len(), literal(&tail)),
        &format!("left(r.relname, length(r.relname) - {})", tail.len()),
    ));
    Moves {
        aside: aside_sql,
        back,
    }
}

/// A `DO` block that renames each index and owned sequence of `table`
/// for which `which` holds (over `c`, its `pg_class` row) to `new_name`
/// (an expression over `r.relname`).
fn rename_objects(table: &Name, which: &str, new_name: &str) -> String {
    let t = literal(&qname(table));
    format!(
        "DO $strata_keep$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT c.oid, c.relname, c.relkind FROM pg_class c \
         WHERE c.relkind IN ('i', 'S') AND (c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = {t}::regclass) \
         OR c.oid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_class'::regclass AND refobjid = {t}::regclass AND deptype IN ('a', 'i'))) \
         AND {which}\n  LOOP\n    EXECUTE format('ALTER %s %s RENAME TO %I', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'INDEX' END, r.oid::regclass, {new_name});\n  END LOOP;\nEND\n$strata_keep$"
    )
}

/// A table moved to another name and schema: renamed where it stands
/// first, so that the schema it moves into never sees two tables of one
/// name; the kept tables' schema is made when missing.
fn move_table(from: &Name, to: &Name) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = from.clone();
    if from.name != to.name {
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            qname(from),
            ident(&to.name)
        ));
        at.name = to.name.clone();
    }
    if from.schema != to.schema {
        if to.schema.as_deref() == Some(crate::dialect::keep::NAMESPACE) {
            out.push(format!(
                "CREATE SCHEMA IF NOT EXISTS {}",
                ident(crate::dialect::keep::NAMESPACE)
            ));
        }
        let schema = to.schema.as_deref().unwrap_or("public");
        out.push(format!(
            "ALTER TABLE {} SET SCHEMA {}",
            qname(&at),
            ident(schema)
        ));
    }
    out
}
