//! What each change brings into being, takes away, and leans on — the
//! facts the dependency graph is built from.
//!
//! Four lists per change:
//! - `provides`: objects that exist in their new shape after it;
//! - `removes`: objects whose old shape is gone after it;
//! - `needs_new`: objects its new state refers to (must be provided first);
//! - `needs_old`: objects its old state refers to (must not be removed yet).
//!
//! Names are lowercased ([`refs::key`]). Lists may mention objects that no
//! change touches: only a match with another change makes an edge.

use super::Capabilities;
use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{Column, DepObject, Name, Partitioning, Table};

use super::refs::{self, key};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Obj {
    /// An object the server records dependencies of too, names
    /// lowercased: one enum, so that recorded edges ([`super::recorded`])
    /// meet the planner's without a mapping.
    Object(DepObject),
    /// A column of a table, lowercased: what a foreign key leans on, so
    /// that keys dropped around a column change go before it and come back
    /// after it ([`super::pinned_keys`]).
    Column(Name, String),
    /// The indexes of a partitioned table's partitions, and the table's
    /// own, for the order the server's attaching asks for (PostgreSQL): a
    /// partition drops its index (`removes` the first) before the parent
    /// makes one of the same definition (`provides` it), which would
    /// attach the partition's and then refuse its drop; the parent drops
    /// its index (`removes` the second), and with it the one it made on
    /// each partition, before a partition makes one under that name.
    PartitionIndexes(Name),
    ParentIndexes(Name),
    /// The columns a partitioned table gives its partitions (PostgreSQL):
    /// a partition detached for good goes before they change, else it
    /// would keep a column added while it was attached, or lack one
    /// dropped.
    PartitionColumns(Name),
}

#[derive(Debug, Default)]
pub struct Deps {
    pub provides: Vec<Obj>,
    pub removes: Vec<Obj>,
    pub needs_new: Vec<Obj>,
    pub needs_old: Vec<Obj>,
}

fn namespace(name: &Name) -> Option<Obj> {
    name.schema
        .as_ref()
        .map(|s| Obj::Object(DepObject::Namespace(s.to_lowercase())))
}

/// Objects a piece of SQL may call or read (functions, sequences, types).
fn expr_refs(sql: &str, out: &mut Vec<Obj>) {
    for n in refs::names(sql) {
        out.push(Obj::Object(DepObject::Function(n.clone())));
        out.push(Obj::Object(DepObject::Sequence(n.clone())));
        out.push(Obj::Object(DepObject::Type(n)));
    }
    out.extend(
        refs::cast_targets(sql)
            .into_iter()
            .map(|n| Obj::Object(DepObject::Relation(n))),
    );
}

/// A collation as a column or type names it: `ns.name`, or bare in the
/// default namespace (normalization drops `public.` and `pg_catalog.`).
fn collation_ref(c: &Option<String>, out: &mut Vec<Obj>) {
    if let Some(c) = c {
        let name = match c.split_once('.') {
            Some((s, n)) => Name::qualified(s, n),
            None => Name::new(c.as_str()),
        };
        out.push(Obj::Object(DepObject::Collation(key(&name))));
    }
}

/// A type as a column, attribute or domain names it: a named type, or a
/// table's or view's row type (the server records the relation).
fn type_refs(ty: &str, out: &mut Vec<Obj>) {
    for n in refs::names(ty) {
        out.push(Obj::Object(DepObject::Relation(n.clone())));
        out.push(Obj::Object(DepObject::Type(n)));
    }
}

fn column_refs(c: &Column, out: &mut Vec<Obj>) {
    type_refs(c.ty.as_str(), out);
    collation_ref(&c.collation, out);
    if let Some(d) = &c.default {
        expr_refs(d.as_str(), out);
    }
    if let Some(g) = &c.generated {
        expr_refs(g.expr.as_str(), out);
    }
}

fn index_refs(i: &crate::ir::Index, out: &mut Vec<Obj>) {
    for p in &i.parts {
        collation_ref(&p.collation, out);
        if let crate::ir::IndexKey::Expr(e) = &p.key {
            expr_refs(e.as_str(), out);
        }
    }
    if let Some(p) = &i.predicate {
        expr_refs(p.as_str(), out);
    }
}

fn fk_ref(table: &Name, fk: &crate::ir::ForeignKey, caps: &Capabilities, out: &mut Vec<Obj>) {
    if !caps.lazy_foreign_keys && key(&fk.ref_table) != key(table) {
        out.push(Obj::Object(DepObject::Relation(key(&fk.ref_table))));
    }
}

/// An exclusion constraint's operator classes come from extensions
/// (`btree_gist`), which a scan of its expressions cannot see.
fn exclusion_refs(x: &crate::ir::Exclusion, out: &mut Vec<Obj>) {
    for e in &x.elements {
        if let crate::ir::IndexKey::Expr(ex) = &e.key {
            expr_refs(ex.as_str(), out);
        }
    }
    if let Some(p) = &x.predicate {
        expr_refs(p.as_str(), out);
    }
}

/// The columns a foreign key uses, on both sides.
fn fk_columns(table: &Name, fk: &crate::ir::ForeignKey, out: &mut Vec<Obj>) {
    for c in &fk.columns {
        out.push(Obj::Column(key(table), c.to_lowercase()));
    }
    for c in &fk.ref_columns {
        out.push(Obj::Column(key(&fk.ref_table), c.to_lowercase()));
    }
}

/// Everything a whole table refers to.
fn table_refs(t: &Table, caps: &Capabilities, out: &mut Vec<Obj>) {
    out.extend(namespace(&t.name));
    for c in &t.columns {
        column_refs(c, out);
    }
    for c in &t.checks {
        expr_refs(c.expr.as_str(), out);
    }
    for i in &t.indexes {
        index_refs(i, out);
    }
    for x in &t.exclusions {
        exclusion_refs(x, out);
    }
    for fk in &t.foreign_keys {
        fk_ref(&t.name, fk, caps, out);
    }
    if let Some(crate::ir::Partitioning::Of { parent, .. }) = &t.partition {
        out.push(Obj::Object(DepObject::Relation(key(parent))));
    }
    out.extend(
        t.inherits
            .iter()
            .map(|p| Obj::Object(DepObject::Relation(key(p)))),
    );
}

/// A column added to or dropped from a table, under its own table and
/// under each parent the table inherits: a child's column of a name goes
/// before its parent's of that name arrives, and arrives after the
/// parent's is gone (the server merges or refuses a column a child
/// already has).
fn column_family<'a>(t: &'a Table, column: &str) -> impl Iterator<Item = Obj> + 'a {
    let c = column.to_lowercase();
    std::iter::once(&t.name)
        .chain(t.inherits.iter())
        .map(move |n| Obj::Column(key(n), c.clone()))
}

/// Whether an `AlterTable` changes the table's old shape in a way that
/// what leans on it (views, triggers, foreign keys) must be out of the way
/// first: a rename, a dropped or changed column or key, or any rebuild
/// where constraints cannot be altered in place.
pub fn reshapes(from: &Table, to: &Table, changes: &[TableChange], caps: &Capabilities) -> bool {
    if from.name != to.name {
        return true;
    }
    changes.iter().any(|c| match c {
        TableChange::RenameTable { .. }
        | TableChange::DropColumn(_)
        | TableChange::RenameColumn { .. }
        | TableChange::DropPrimaryKey(_)
        | TableChange::DropUnique(_) => true,
        // A new default, comment, storage or compression leaves the
        // column as readers see it.
        TableChange::AlterColumn { what, .. } => {
            let kept = ColumnChanges {
                default: false,
                comment: false,
                storage: false,
                compression: false,
                ..*what
            };
            kept.any() || !caps.alter_constraints
        }
        TableChange::DropIndex(i) => i.unique || !caps.alter_constraints,
        TableChange::AddIndex(_)
        | TableChange::RenameIndex { .. }
        | TableChange::SetComment { .. }
        | TableChange::SetConstraintComment { .. } => false,
        _ => !caps.alter_constraints,
    })
}

pub fn deps(change: &Change, caps: &Capabilities) -> Deps {
    let mut d = Deps::default();
    match change {
        Change::CreateExtension(e) => {
            d.provides
                .push(Obj::Object(DepObject::Extension(e.name.to_lowercase())));
            d.needs_new.extend(
                e.schema
                    .as_ref()
                    .map(|s| Obj::Object(DepObject::Namespace(s.to_lowercase()))),
            );
        }
        Change::DropExtension(e) => {
            d.removes
                .push(Obj::Object(DepObject::Extension(e.name.to_lowercase())));
            d.needs_old.extend(
                e.schema
                    .as_ref()
                    .map(|s| Obj::Object(DepObject::Namespace(s.to_lowercase()))),
            );
        }
        // What the new version adds comes with it; objects that use the
        // extension wait for it, as for a created one.
        Change::AlterExtension { to, .. } => d
            .provides
            .push(Obj::Object(DepObject::Extension(to.name.to_lowercase()))),
        Change::CreateNamespace(n) => d
            .provides
            .push(Obj::Object(DepObject::Namespace(n.name.to_lowercase()))),
        Change::DropNamespace(n) => d
            .removes
            .push(Obj::Object(DepObject::Namespace(n.name.to_lowercase()))),
        Change::AlterNamespace { to, .. } => d
            .needs_new
            .push(Obj::Object(DepObject::Namespace(to.name.to_lowercase()))),
        Change::CreateEnum(e) => {
            d.provides.push(Obj::Object(DepObject::Type(key(&e.name))));
            d.needs_new.extend(namespace(&e.name));
        }
        Change::DropEnum(e) => {
            d.removes.push(Obj::Object(DepObject::Type(key(&e.name))));
            d.needs_old.extend(namespace(&e.name));
        }
        Change::AlterEnum { to, .. } => {
            d.provides.push(Obj::Object(DepObject::Type(key(&to.name))))
        }
        Change::CreateSequence(s) => {
            d.provides
                .push(Obj::Object(DepObject::Sequence(key(&s.name))));
            d.needs_new.extend(namespace(&s.name));
        }
        Change::DropSequence(s) => {
            d.removes
                .push(Obj::Object(DepObject::Sequence(key(&s.name))));
            d.needs_old.extend(namespace(&s.name));
        }
        Change::AlterSequence { from, to } => {
            d.provides
                .push(Obj::Object(DepObject::Sequence(key(&to.name))));
            // The old owner must still exist (a sequence still owned goes
            // with its column or table); the new one takes it at the end
            // of the main phase (the dialect's emitter): no wait for it.
            d.needs_old.extend(owner(from));
        }
        Change::CreateTable(t) => {
            d.provides
                .push(Obj::Object(DepObject::Relation(key(&t.name))));
            d.provides.extend(implicit_sequences(t));
            d.provides.extend(index_names(t, caps));
            table_refs(t, caps, &mut d.needs_new);
        }
        Change::DropTable(t) => {
            d.removes
                .push(Obj::Object(DepObject::Relation(key(&t.name))));
            d.removes.extend(implicit_sequences(t));
            d.removes.extend(index_names(t, caps));
            table_refs(t, caps, &mut d.needs_old);
        }
        Change::AlterTable { from, to, changes } => alter_table(&mut d, from, to, changes, caps),
        Change::CreateView(v) => {
            d.provides
                .push(Obj::Object(DepObject::Relation(key(&v.name))));
            d.needs_new.extend(namespace(&v.name));
            body_refs(v.sql(), &v.name, &mut d.needs_new);
        }
        Change::DropView(v) => {
            d.removes
                .push(Obj::Object(DepObject::Relation(key(&v.name))));
            d.needs_old.extend(namespace(&v.name));
            body_refs(v.sql(), &v.name, &mut d.needs_old);
        }
        Change::ReplaceView { from, to } => {
            d.provides
                .push(Obj::Object(DepObject::Relation(key(&to.name))));
            d.removes
                .push(Obj::Object(DepObject::Relation(key(&from.name))));
            body_refs(to.sql(), &to.name, &mut d.needs_new);
            body_refs(from.sql(), &from.name, &mut d.needs_old);
        }
        Change::SetViewComments { to, .. } => {
            d.needs_new
                .push(Obj::Object(DepObject::Relation(key(&to.name))));
        }
        Change::RenameView { from, to } => {
            d.provides.push(Obj::Object(DepObject::Relation(key(to))));
            d.removes.push(Obj::Object(DepObject::Relation(key(from))));
            d.needs_new.extend(namespace(to));
        }
        Change::CreateFunction(f) | Change::ReplaceFunction { to: f, .. } => {
            d.provides
                .push(Obj::Object(DepObject::Function(key(&f.name))));
            d.needs_new.extend(namespace(&f.name));
            function_refs(f, &mut d.needs_new);
            // Replaced by a drop and a create: what calls the old one must
            // be out of the way first.
            if let Change::ReplaceFunction { from, to } = change {
                if !from.replaceable_by(to) {
                    d.removes
                        .push(Obj::Object(DepObject::Function(key(&from.name))));
                    function_refs(from, &mut d.needs_old);
                }
            }
        }
        Change::DropFunction(f) => {
            d.removes
                .push(Obj::Object(DepObject::Function(key(&f.name))));
            d.needs_old.extend(namespace(&f.name));
            function_refs(f, &mut d.needs_old);
        }
        Change::CreateTrigger(t) => {
            d.provides.push(Obj::Object(DepObject::Trigger(
                key(&t.table),
                t.name.to_lowercase(),
            )));
            d.needs_new
                .push(Obj::Object(DepObject::Relation(key(&t.table))));
            trigger_refs(t, &mut d.needs_new);
        }
        Change::SetTriggerComment { to, .. } => {
            d.needs_new.push(Obj::Object(DepObject::Trigger(
                key(&to.table),
                to.name.to_lowercase(),
            )));
            d.needs_new
                .push(Obj::Object(DepObject::Relation(key(&to.table))));
        }
        Change::DropTrigger(t) => {
            d.removes.push(Obj::Object(DepObject::Trigger(
                key(&t.table),
                t.name.to_lowercase(),
            )));
            d.needs_old
                .push(Obj::Object(DepObject::Relation(key(&t.table))));
            trigger_refs(t, &mut d.needs_old);
        }
        Change::SetRowSecurity { table, .. } => {
            // Runs on the table as it is named both before and after.
            d.needs_new
                .push(Obj::Object(DepObject::Relation(key(table))));
            d.needs_old
                .push(Obj::Object(DepObject::Relation(key(table))));
        }
        Change::CreatePolicy(p) | Change::AlterPolicy { to: p, .. } => {
            d.provides.push(Obj::Object(DepObject::Policy(
                key(&p.table),
                p.name.to_lowercase(),
            )));
            policy_refs(p, &mut d.needs_new);
            if let Change::AlterPolicy { from, .. } = change {
                policy_refs(from, &mut d.needs_old);
            }
        }
        Change::DropPolicy(p) => {
            d.removes.push(Obj::Object(DepObject::Policy(
                key(&p.table),
                p.name.to_lowercase(),
            )));
            policy_refs(p, &mut d.needs_old);
        }
        Change::Grant(g) | Change::AlterGrant { to: g, .. } => grant_ref(g, &mut d.needs_new),
        Change::Revoke(g) => grant_ref(g, &mut d.needs_old),
        Change::CreateDomain(x) => {
            d.provides.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.needs_new.extend(namespace(&x.name));
            domain_refs(x, &mut d.needs_new);
        }
        Change::DropDomain(x) => {
            d.removes.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.needs_old.extend(namespace(&x.name));
            domain_refs(x, &mut d.needs_old);
        }
        Change::AlterDomain { from, to } => {
            d.provides.push(Obj::Object(DepObject::Type(key(&to.name))));
            domain_refs(to, &mut d.needs_new);
            domain_refs(from, &mut d.needs_old);
        }
        // The server does not check an event's body when it is created.
        Change::CreateEvent(_) | Change::DropEvent(_) | Change::AlterEvent { .. } => {}
        Change::CreateComposite(x) => {
            d.provides.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.needs_new.extend(namespace(&x.name));
            composite_refs(x, &mut d.needs_new);
        }
        Change::DropComposite(x) => {
            d.removes.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.needs_old.extend(namespace(&x.name));
            composite_refs(x, &mut d.needs_old);
        }
        Change::AlterComposite { from, to } => {
            d.provides.push(Obj::Object(DepObject::Type(key(&to.name))));
            composite_refs(to, &mut d.needs_new);
            composite_refs(from, &mut d.needs_old);
        }
        Change::CreateRange(x) | Change::AlterRange { to: x, .. } => {
            d.provides.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.provides
                .push(Obj::Object(DepObject::Type(key(&x.multirange_name()))));
            d.needs_new.extend(namespace(&x.name));
            range_refs(x, &mut d.needs_new);
        }
        Change::DropRange(x) => {
            d.removes.push(Obj::Object(DepObject::Type(key(&x.name))));
            d.removes
                .push(Obj::Object(DepObject::Type(key(&x.multirange_name()))));
            d.needs_old.extend(namespace(&x.name));
            range_refs(x, &mut d.needs_old);
        }
        Change::CreateCollation(x) => {
            d.provides
                .push(Obj::Object(DepObject::Collation(key(&x.name))));
            d.needs_new.extend(namespace(&x.name));
        }
        Change::DropCollation(x) => {
            d.removes
                .push(Obj::Object(DepObject::Collation(key(&x.name))));
            d.needs_old.extend(namespace(&x.name));
        }
        Change::AlterCollation { to, .. } => d
            .provides
            .push(Obj::Object(DepObject::Collation(key(&to.name)))),
        // Nothing the model holds names a configuration except by a
        // string (`'cfg'::regconfig`): its rank puts it before tables.
        Change::CreateTextSearchConfig(x) => d.needs_new.extend(namespace(&x.name)),
        Change::DropTextSearchConfig(x) => d.needs_old.extend(namespace(&x.name)),
        Change::AlterTextSearchConfig { .. } => {}
        Change::CreateStatistics(x) => {
            d.needs_new.extend(namespace(&x.name));
            d.needs_new
                .push(Obj::Object(DepObject::Relation(key(&x.table))));
            statistics_refs(x, &mut d.needs_new);
        }
        Change::DropStatistics(x) => {
            d.needs_old.extend(namespace(&x.name));
            d.needs_old
                .push(Obj::Object(DepObject::Relation(key(&x.table))));
            statistics_refs(x, &mut d.needs_old);
        }
        Change::AlterStatistics { to, .. } => d
            .needs_new
            .push(Obj::Object(DepObject::Relation(key(&to.table)))),
    }
    d
}

/// What an `AlterTable` provides, removes and leans on: the table in its
/// new shape (unless only foreign keys change), its old shape where the
/// change reshapes it, and what each added or dropped part refers to.
fn alter_table(
    d: &mut Deps,
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    caps: &Capabilities,
) {
    // Adding or dropping a foreign key changes nothing another
    // change could need; claiming otherwise would tie cycles.
    let keys_only = changes.iter().all(|c| {
        matches!(
            c,
            TableChange::AddForeignKey(_)
                | TableChange::DropForeignKey(_)
                | TableChange::RenameForeignKey { .. }
                | TableChange::SetComment { .. }
                | TableChange::SetConstraintComment { .. }
        )
    });
    if !keys_only || !caps.alter_constraints {
        d.provides
            .push(Obj::Object(DepObject::Relation(key(&to.name))));
    }
    if reshapes(from, to, changes, caps) {
        d.removes
            .push(Obj::Object(DepObject::Relation(key(&from.name))));
    }
    d.needs_new.extend(namespace(&to.name));
    d.needs_old.extend(namespace(&from.name));
    if !caps.alter_constraints {
        // The table is rebuilt from its whole new definition.
        table_refs(to, caps, &mut d.needs_new);
        table_refs(from, caps, &mut d.needs_old);
    }
    for c in changes {
        match c {
            TableChange::AddColumn(c) => {
                column_refs(c, &mut d.needs_new);
                d.provides.extend(column_family(to, &c.name));
                d.provides.extend(column_sequence(to, c));
            }
            TableChange::DropColumn(c) => {
                column_refs(c, &mut d.needs_old);
                d.removes.extend(column_family(from, &c.name));
                d.removes.extend(column_sequence(from, c));
            }
            TableChange::Inherit(p) => d.needs_new.push(Obj::Object(DepObject::Relation(key(p)))),
            TableChange::NoInherit(p) => d.needs_old.push(Obj::Object(DepObject::Relation(key(p)))),
            // Attached once the parent has its new shape; detached before
            // the parent goes (dropping it would drop the partition).
            TableChange::AttachPartition { parent, .. } => d
                .needs_new
                .push(Obj::Object(DepObject::Relation(key(parent)))),
            TableChange::DetachPartition { parent, .. } => {
                d.needs_old
                    .push(Obj::Object(DepObject::Relation(key(parent))));
                let back = changes.iter().any(|c| {
                    matches!(c, TableChange::AttachPartition { parent: p, .. } if key(p) == key(parent))
                });
                if !back {
                    d.needs_old.push(Obj::PartitionColumns(key(parent)));
                }
            }
            TableChange::AlterColumn {
                from: a,
                to: b,
                what,
            } => {
                column_refs(a, &mut d.needs_old);
                column_refs(b, &mut d.needs_new);
                if what.ty || what.charset || what.collation || what.nullable {
                    d.removes
                        .push(Obj::Column(key(&from.name), a.name.to_lowercase()));
                    d.provides
                        .push(Obj::Column(key(&to.name), b.name.to_lowercase()));
                }
            }
            TableChange::AddCheck(c) => expr_refs(c.expr.as_str(), &mut d.needs_new),
            TableChange::DropCheck(c) => expr_refs(c.expr.as_str(), &mut d.needs_old),
            TableChange::AddIndex(i) => index_refs(i, &mut d.needs_new),
            TableChange::DropIndex(i) => index_refs(i, &mut d.needs_old),
            TableChange::AddExclusion(x) => exclusion_refs(x, &mut d.needs_new),
            TableChange::DropExclusion(x) => exclusion_refs(x, &mut d.needs_old),
            TableChange::AddForeignKey(fk) => {
                fk_ref(&to.name, fk, caps, &mut d.needs_new);
                fk_columns(&to.name, fk, &mut d.needs_new);
            }
            TableChange::DropForeignKey(fk) => {
                fk_ref(&from.name, fk, caps, &mut d.needs_old);
                fk_columns(&from.name, fk, &mut d.needs_old);
            }
            _ => {}
        }
    }
    let columns_change = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::AddColumn(_)
                | TableChange::DropColumn(_)
                | TableChange::AlterColumn { .. }
        )
    });
    if columns_change && crate::ir::is_partitioned(from) {
        d.removes.push(Obj::PartitionColumns(key(&from.name)));
    }
    partition_indexes(d, to, changes);
    if caps.schema_wide_index_names {
        moved_index_names(d, from, to, changes);
    }
}

/// The name of an index or of a key's index as a relation of the table's
/// schema ([`Capabilities::schema_wide_index_names`]).
fn index_name(t: &Table, name: &str) -> Obj {
    Obj::Object(DepObject::Relation(key(&Name {
        schema: t.name.schema.clone(),
        name: name.to_string(),
    })))
}

/// The index names a table holds, where they are the schema's: a table
/// made with one of them waits for the table or index that frees it.
fn index_names(t: &Table, caps: &Capabilities) -> Vec<Obj> {
    if !caps.schema_wide_index_names {
        return Vec::new();
    }
    let pk = t.primary_key.iter().filter_map(|k| k.name.as_deref());
    let uniques = t.uniques.iter().filter_map(|u| u.name.as_deref());
    let indexes = t.indexes.iter().filter_map(|i| i.name.as_deref());
    let exclusions = t.exclusions.iter().filter_map(|x| x.name.as_deref());
    pk.chain(uniques)
        .chain(indexes)
        .chain(exclusions)
        .map(|n| index_name(t, n))
        .collect()
}

/// Index names an `AlterTable` takes (added, renamed to) and frees
/// (dropped, renamed from).
fn moved_index_names(d: &mut Deps, from: &Table, to: &Table, changes: &[TableChange]) {
    for c in changes {
        let (freed, taken) = match c {
            TableChange::AddPrimaryKey(k) => (None, k.name.as_deref()),
            TableChange::DropPrimaryKey(k) => (k.name.as_deref(), None),
            TableChange::AddUnique(u) => (None, u.name.as_deref()),
            TableChange::DropUnique(u) => (u.name.as_deref(), None),
            TableChange::AddIndex(i) => (None, i.name.as_deref()),
            TableChange::DropIndex(i) => (i.name.as_deref(), None),
            TableChange::AddExclusion(x) => (None, x.name.as_deref()),
            TableChange::DropExclusion(x) => (x.name.as_deref(), None),
            TableChange::RenameIndex { from: a, to: b }
            | TableChange::RenameUnique { from: a, to: b } => (Some(a.as_str()), Some(b.as_str())),
            _ => (None, None),
        };
        d.removes.extend(freed.map(|n| index_name(from, n)));
        d.provides.extend(taken.map(|n| index_name(to, n)));
    }
}

/// See [`Obj::PartitionIndexes`].
fn partition_indexes(d: &mut Deps, to: &Table, changes: &[TableChange]) {
    // A parent's key is an index on each partition too; its foreign keys
    // are attached and cloned the same way.
    let drops = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::DropIndex(_)
                | TableChange::DropPrimaryKey(_)
                | TableChange::DropUnique(_)
                | TableChange::DropForeignKey(_)
        )
    });
    let adds = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::AddIndex(_)
                | TableChange::AddPrimaryKey(_)
                | TableChange::AddUnique(_)
                | TableChange::AddForeignKey(_)
        )
    });
    // A partitioned partition (two levels) is both.
    if let Some(Partitioning::Of { parent, .. }) = &to.partition {
        if drops {
            d.removes.push(Obj::PartitionIndexes(key(parent)));
        }
        if adds {
            d.provides.push(Obj::ParentIndexes(key(parent)));
        }
    }
    if crate::ir::is_partitioned(to) {
        if adds {
            d.provides.push(Obj::PartitionIndexes(key(&to.name)));
        }
        if drops {
            d.removes.push(Obj::ParentIndexes(key(&to.name)));
        }
    }
}

/// A policy leans on its table and on what its expressions call or read.
fn policy_refs(p: &crate::ir::Policy, out: &mut Vec<Obj>) {
    out.push(Obj::Object(DepObject::Relation(key(&p.table))));
    for e in p.using.iter().chain(&p.check) {
        expr_refs(e.as_str(), out);
        body_refs(e.as_str(), &p.table, out);
    }
}

fn owner(s: &crate::ir::Sequence) -> Vec<Obj> {
    match &s.owned_by {
        Some((t, c)) => vec![
            Obj::Object(DepObject::Relation(key(t))),
            Obj::Column(key(t), c.to_lowercase()),
        ],
        None => Vec::new(),
    }
}

/// The sequences a table's serial and identity columns make: a grant on
/// one waits for the table (or column) that makes it.
fn implicit_sequences(t: &Table) -> impl Iterator<Item = Obj> {
    crate::ir::implicit::implicit_sequences(t)
        .into_iter()
        .map(|n| Obj::Object(DepObject::Sequence(key(&n))))
}

fn column_sequence(t: &Table, c: &Column) -> Option<Obj> {
    crate::ir::implicit::makes_sequence(c).then(|| {
        Obj::Object(DepObject::Sequence(key(&Name {
            schema: t.name.schema.clone(),
            name: crate::ir::implicit::sequence_name(&t.name.name, &c.name),
        })))
    })
}

fn grant_ref(g: &crate::ir::Grant, out: &mut Vec<Obj>) {
    use crate::ir::GrantOn;
    out.push(match &g.on {
        GrantOn::Schema(n) | GrantOn::Future { schema: n, .. } => {
            Obj::Object(DepObject::Namespace(n.to_lowercase()))
        }
        GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Column(n, _) => {
            Obj::Object(DepObject::Relation(key(n)))
        }
        GrantOn::Sequence(n) => Obj::Object(DepObject::Sequence(key(n))),
        GrantOn::Type(n) => Obj::Object(DepObject::Type(key(n))),
        GrantOn::Function(n, _) => Obj::Object(DepObject::Function(key(n))),
    });
}

/// A domain leans on its base type and on what its default and checks
/// call (a check may call a function of the schema).
fn domain_refs(x: &crate::ir::Domain, out: &mut Vec<Obj>) {
    let own = key(&x.name);
    type_refs(x.ty.as_str(), out);
    collation_ref(&x.collation, out);
    let mut exprs = Vec::new();
    if let Some(e) = &x.default {
        expr_refs(e.as_str(), &mut exprs);
    }
    for c in &x.checks {
        expr_refs(c.expr.as_str(), &mut exprs);
    }
    // `value` and casts to the domain itself are no dependency.
    out.extend(
        exprs
            .into_iter()
            .filter(|o| *o != Obj::Object(DepObject::Type(own.clone()))),
    );
}

/// A composite type leans on the types of its attributes (enums, domains,
/// other composite types).
fn composite_refs(x: &crate::ir::Composite, out: &mut Vec<Obj>) {
    for a in &x.attributes {
        type_refs(a.ty.as_str(), out);
        collation_ref(&a.collation, out);
    }
}

/// What a statistics object's expressions name (functions, types).
fn statistics_refs(x: &crate::ir::Statistics, out: &mut Vec<Obj>) {
    for e in &x.expressions {
        expr_refs(e.as_str(), out);
    }
}

/// A range type leans on its subtype and its `subtype_diff` function.
fn range_refs(x: &crate::ir::RangeType, out: &mut Vec<Obj>) {
    out.extend(
        refs::names(x.subtype.as_str())
            .into_iter()
            .map(|n| Obj::Object(DepObject::Type(n))),
    );
    collation_ref(&x.collation, out);
    if let Some(f) = &x.subtype_diff {
        out.extend(
            refs::names(f)
                .into_iter()
                .map(|n| Obj::Object(DepObject::Function(n))),
        );
    }
}

/// The relations and functions a view or trigger body reads.
fn body_refs(body: &str, own: &Name, out: &mut Vec<Obj>) {
    let own = key(own);
    for n in refs::names(body) {
        if n != own {
            out.push(Obj::Object(DepObject::Relation(n.clone())));
        }
        out.push(Obj::Object(DepObject::Function(n)));
    }
}

fn function_refs(f: &crate::ir::Function, out: &mut Vec<Obj>) {
    // An argument may be a table's or a view's row type, and its default
    // may call a function.
    for n in refs::names(&f.args) {
        out.push(Obj::Object(DepObject::Type(n.clone())));
        out.push(Obj::Object(DepObject::Relation(n.clone())));
        out.push(Obj::Object(DepObject::Function(n)));
    }
    if let Some(r) = &f.returns {
        for n in refs::names(r) {
            out.push(Obj::Object(DepObject::Type(n.clone())));
            out.push(Obj::Object(DepObject::Relation(n)));
        }
    }
    // SQL-language bodies are checked against the catalog when created.
    // An aggregate's options name its functions.
    if f.language.eq_ignore_ascii_case("sql") || f.aggregate {
        body_refs(&f.body, &f.name, out);
    }
}

fn trigger_refs(t: &crate::ir::Trigger, out: &mut Vec<Obj>) {
    body_refs(&t.body, &t.table, out);
    if let Some(w) = &t.when {
        expr_refs(w.as_str(), out);
    }
}
