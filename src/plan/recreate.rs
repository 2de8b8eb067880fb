//! Views, functions with SQL-standard bodies, triggers and policies that
//! do not change themselves but must be dropped and recreated around a
//! change to what they lean on: a view over a column that is dropped or
//! retyped, anything over a table that SQLite rebuilds, a view over a
//! view that is replaced.

use std::collections::{BTreeMap, BTreeSet};

use super::edges::{deps, Obj};
use super::refs::{self, key};
use super::{Capabilities, Target};
use crate::diff::{Change, TableChange};
use crate::ir::{Name, Schema, Table};

/// Which relations a plan invalidates for what leans on them: `None` for
/// the whole relation, else the (old, lowercased) column names affected.
type Invalidated = BTreeMap<Name, Option<BTreeSet<String>>>;

/// Adds a drop and a create for every view and trigger of `from` that
/// `to` keeps unchanged but that the changes would break.
pub fn recreate_dependents(
    changes: &mut Vec<Change>,
    from: &Schema,
    to: &Schema,
    target: &dyn Target,
) {
    let caps = &target.capabilities();
    let mut seen = Breakage::of(changes, from, target);
    // A function dropped and created anew takes with it (or, rather, is
    // refused while they stand) the views and standard bodies calling it.
    for f in super::remade_functions::remade(changes) {
        seen.invalid.insert(f, None);
    }
    if seen.invalid.is_empty() {
        return;
    }
    // A view may call a function whose body reads another view: each
    // one made anew breaks what leans on it, until nothing new breaks.
    while recreate_views(changes, from, to, &mut seen)
        | recreate_functions(changes, from, to, &mut seen)
    {}
    recreate_triggers(changes, from, to, caps, &mut seen);
    recreate_policies(changes, from, to, &mut seen);
}

/// What the changes break, and what they already drop or create
/// themselves (which is then not recreated a second time).
#[derive(Default)]
struct Breakage {
    invalid: Invalidated,
    /// Tables made anew: everything on them goes with the old one.
    rebuilt: BTreeSet<Name>,
    touched_views: BTreeSet<Name>,
    /// Functions by name and argument list.
    touched_functions: BTreeSet<(Name, String)>,
    touched_triggers: BTreeSet<(Name, String)>,
    touched_policies: BTreeSet<(Name, String)>,
}

impl Breakage {
    fn of(changes: &[Change], from: &Schema, target: &dyn Target) -> Breakage {
        let caps = &target.capabilities();
        let mut b = Breakage::default();
        // Known before the loop: a rollback's changes are the forward
        // ones reversed in place, so a table's create comes before its drop.
        let dropped = |view: bool| -> BTreeSet<Name> {
            changes
                .iter()
                .filter_map(|c| match c {
                    Change::DropTable(t) if !view => Some(key(&t.name)),
                    Change::DropView(v) if view => Some(key(&v.name)),
                    _ => None,
                })
                .collect()
        };
        let (dropped_tables, dropped_views) = (dropped(false), dropped(true));
        for c in changes {
            match c {
                Change::AlterTable {
                    from: f,
                    to: t,
                    changes: inner,
                } => b.altered_table(f, t, inner, caps, target),
                Change::CreateTable(t) if dropped_tables.contains(&key(&t.name)) => {
                    // Dropped and created again (its partitioning changed):
                    // everything on it goes with the old one.
                    b.invalid.insert(key(&t.name), None);
                    b.rebuilt.insert(key(&t.name));
                }
                // A view's name taken by a table: what reads the view goes
                // with it, and comes back over the table.
                Change::CreateTable(t) if dropped_views.contains(&key(&t.name)) => {
                    b.invalid.insert(key(&t.name), None);
                }
                Change::AlterEnum { from: e, to: after } if swaps(e, after) => {
                    b.enum_swapped(e, from);
                }
                Change::DropView(v) => {
                    b.touched_views.insert(key(&v.name));
                }
                // Made anew, as a view or over a dropped table's name.
                Change::CreateView(v) => {
                    b.touched_views.insert(key(&v.name));
                    let k = key(&v.name);
                    if dropped_views.contains(&k) || dropped_tables.contains(&k) {
                        b.invalid.insert(k, None);
                    }
                }
                Change::ReplaceView { from: f, to: t } => {
                    b.touched_views.insert(key(&f.name));
                    b.touched_views.insert(key(&t.name));
                    b.invalid.insert(key(&f.name), None);
                }
                Change::RenameView { from: f, to: t } => {
                    b.touched_views.insert(key(f));
                    b.touched_views.insert(key(t));
                }
                Change::DropFunction(f) | Change::CreateFunction(f) => {
                    b.touched_functions.insert((key(&f.name), f.args.clone()));
                }
                Change::DropTrigger(t) | Change::CreateTrigger(t) => {
                    b.touched_triggers
                        .insert((key(&t.table), t.name.to_lowercase()));
                }
                Change::DropPolicy(p)
                | Change::CreatePolicy(p)
                | Change::AlterPolicy { to: p, .. } => {
                    b.touched_policies
                        .insert((key(&p.table), p.name.to_lowercase()));
                }
                _ => {}
            }
        }
        b
    }

    /// What an `AlterTable` breaks: the whole table where it is rebuilt,
    /// else the columns it drops or retypes (by their old names).
    fn altered_table(
        &mut self,
        f: &Table,
        t: &Table,
        inner: &[TableChange],
        caps: &Capabilities,
        target: &dyn Target,
    ) {
        if !caps.alter_constraints {
            // Without ALTER for constraints the table is either
            // rebuilt (everything over it goes) or altered in
            // place, where only column-level changes break views.
            let in_place_breaks = f.name != t.name
                || inner.iter().any(|c| {
                    matches!(
                        c,
                        TableChange::DropColumn(_)
                            | TableChange::RenameColumn { .. }
                            | TableChange::AlterColumn { .. }
                    )
                });
            if in_place_breaks || target.rebuilds(f, t, inner) {
                self.invalid.insert(key(&f.name), None);
                self.rebuilt.insert(key(&f.name));
            }
            return;
        }
        let back: BTreeMap<&str, &str> = inner
            .iter()
            .filter_map(|c| match c {
                TableChange::RenameColumn { from, to } => Some((to.as_str(), from.as_str())),
                _ => None,
            })
            .collect();
        let mut cols = BTreeSet::new();
        for c in inner {
            match c {
                TableChange::DropColumn(col) => {
                    cols.insert(col.name.to_lowercase());
                }
                TableChange::AlterColumn { to: col, what, .. } if what.ty => {
                    let old = back.get(col.name.as_str()).copied().unwrap_or(&col.name);
                    cols.insert(old.to_lowercase());
                }
                _ => {}
            }
        }
        if !cols.is_empty() {
            self.invalid.insert(key(&f.name), Some(cols));
        }
    }

    /// A type swap retypes every column of the enum, and takes along what
    /// names the type itself (a view's `'calm'::mood`).
    fn enum_swapped(&mut self, e: &crate::ir::Enum, from: &Schema) {
        let name = key(&e.name);
        self.invalid.insert(name.clone(), None);
        for t in from.tables.values() {
            for c in &t.columns {
                if refs::names(c.ty.as_str()).contains(&name) {
                    if let Some(cols) = self
                        .invalid
                        .entry(key(&t.name))
                        .or_insert_with(|| Some(BTreeSet::new()))
                    {
                        cols.insert(c.name.to_lowercase());
                    }
                }
            }
        }
    }
}

/// Views over what is broken, and views over those: repeated until
/// nothing new is invalidated. Whether any view was added.
fn recreate_views(changes: &mut Vec<Change>, from: &Schema, to: &Schema, b: &mut Breakage) -> bool {
    let mut any = false;
    loop {
        let mut grew = false;
        for (name, v) in &from.views {
            let k = key(name);
            if b.touched_views.contains(&k) {
                continue;
            }
            let Some(kept) = to.views.get(name) else {
                continue;
            };
            if leans_on(v.sql(), &b.invalid) {
                // Made anew with its comments: no `COMMENT ON` after.
                changes.retain(
                    |c| !matches!(c, Change::SetViewComments { to, .. } if key(&to.name) == k),
                );
                changes.push(Change::DropView(v.clone()));
                changes.push(Change::CreateView(kept.clone()));
                b.touched_views.insert(k.clone());
                b.invalid.insert(k, None);
                grew = true;
            }
        }
        if !grew {
            break;
        }
        any = true;
    }
    any
}

/// Functions with a SQL-standard body (`BEGIN ATOMIC … END`, `RETURN …`)
/// over what is broken: the server records what such a body reads and
/// refuses to drop or retype it underneath. Made anew, a function breaks
/// the views that call it in turn. Whether any function was added.
fn recreate_functions(
    changes: &mut Vec<Change>,
    from: &Schema,
    to: &Schema,
    b: &mut Breakage,
) -> bool {
    let mut any = false;
    for (k, f) in &from.functions {
        let touched = (key(&f.name), f.args.clone());
        if !f.standard_body || b.touched_functions.contains(&touched) {
            continue;
        }
        let Some(kept) = to.functions.get(k) else {
            continue;
        };
        if leans_on(&f.body, &b.invalid) {
            // `CREATE OR REPLACE` would come too late: the old body is
            // what stops the change.
            changes.retain(|c| {
                !matches!(c, Change::ReplaceFunction { from: old, .. }
                    if key(&old.name) == touched.0 && old.args == touched.1)
            });
            changes.push(Change::DropFunction(f.clone()));
            changes.push(Change::CreateFunction(kept.clone()));
            b.touched_functions.insert(touched);
            b.invalid.insert(key(&f.name), None);
            any = true;
        }
    }
    any
}

/// A table rebuild (or a view's) drops its triggers with it; on SQLite, a
/// trigger whose body names a rebuilt table stops the rename that ends
/// the rebuild.
fn recreate_triggers(
    changes: &mut Vec<Change>,
    from: &Schema,
    to: &Schema,
    caps: &Capabilities,
    b: &mut Breakage,
) {
    for ((table, name), trig) in &from.triggers {
        let k = (key(table), name.to_lowercase());
        if b.touched_triggers.contains(&k) {
            continue;
        }
        let Some(kept) = to.triggers.get(&(table.clone(), name.clone())) else {
            continue;
        };
        // A view made anew loses its `instead of` triggers with it.
        let view_remade = from.views.contains_key(table) && b.invalid.get(&k.0) == Some(&None);
        if b.rebuilt.contains(&k.0)
            || view_remade
            || (!caps.alter_constraints && leans_on(&trig.body, &b.invalid))
        {
            changes.push(Change::DropTrigger(trig.clone()));
            changes.push(Change::CreateTrigger(kept.clone()));
            b.touched_triggers.insert(k);
        }
    }
}

/// PostgreSQL refuses to drop or retype a column a policy uses, and a
/// policy goes with its table when that is made anew.
fn recreate_policies(changes: &mut Vec<Change>, from: &Schema, to: &Schema, b: &mut Breakage) {
    for ((table, name), pol) in &from.policies {
        let k = (key(table), name.to_lowercase());
        let exprs: Vec<&str> = pol
            .using
            .iter()
            .chain(&pol.check)
            .map(|e| e.as_str())
            .collect();
        let own = match b.invalid.get(&k.0) {
            Some(None) => true,
            Some(Some(cols)) => exprs.iter().any(|e| {
                let names = refs::names(e);
                cols.iter().any(|c| names.contains(&Name::new(c.clone())))
            }),
            None => false,
        };
        let breaks = own || exprs.iter().any(|e| leans_on(e, &b.invalid));
        if b.touched_policies.contains(&k) {
            if breaks {
                split_altered_policy(changes, &k);
            }
            continue;
        }
        let Some(kept) = to.policies.get(&(table.clone(), name.clone())) else {
            continue;
        };
        if breaks {
            changes.push(Change::DropPolicy(pol.clone()));
            changes.push(Change::CreatePolicy(kept.clone()));
            b.touched_policies.insert(k);
        }
    }
}

/// A policy altered in place whose old expressions read what the plan
/// drops or retypes: the server refuses the drop while the policy stands,
/// and `ALTER POLICY` cannot run before (its new expressions may read
/// what the same change adds). It is dropped first and made after.
fn split_altered_policy(changes: &mut Vec<Change>, k: &(Name, String)) {
    let at = changes.iter().position(|c| {
        matches!(c, Change::AlterPolicy { from: f, .. }
            if key(&f.table) == k.0 && f.name.to_lowercase() == k.1)
    });
    if let Some(i) = at {
        if let Change::AlterPolicy { from: f, to: t } = changes.remove(i) {
            changes.push(Change::DropPolicy(f));
            changes.push(Change::CreatePolicy(t));
        }
    }
}

/// Whether an enum change needs a new type (values removed or reordered)
/// rather than values added in place.
fn swaps(from: &crate::ir::Enum, to: &crate::ir::Enum) -> bool {
    let kept: Vec<&String> = to
        .values
        .iter()
        .filter(|v| from.values.contains(v))
        .collect();
    kept.len() != from.values.len() || kept.into_iter().ne(from.values.iter())
}

fn leans_on(body: &str, invalid: &Invalidated) -> bool {
    let names = refs::names(body);
    invalid.iter().any(|(rel, cols)| {
        names.contains(rel)
            && match cols {
                None => true,
                Some(cols) => {
                    refs::selects_star(body)
                        || cols.iter().any(|c| names.contains(&Name::new(c.clone())))
                }
            }
    })
}

/// Turns a `ReplaceView` into a drop and a create when its old body leans
/// on something another change removes: the old view must go before that
/// change, the new one can only come after it.
pub fn split_entangled_views(changes: Vec<Change>, caps: &Capabilities) -> Vec<Change> {
    let all: Vec<_> = changes.iter().map(|c| deps(c, caps)).collect();
    let mut removed: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    for (i, d) in all.iter().enumerate() {
        for o in &d.removes {
            removed.entry(o).or_default().push(i);
        }
    }
    let entangled: BTreeSet<usize> = changes
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            matches!(c, Change::ReplaceView { .. })
                && all[*i]
                    .needs_old
                    .iter()
                    .any(|o| removed.get(o).is_some_and(|rs| rs.iter().any(|r| r != i)))
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::with_capacity(changes.len() + entangled.len());
    for (i, c) in changes.into_iter().enumerate() {
        match c {
            Change::ReplaceView { from, to } if entangled.contains(&i) => {
                out.push(Change::DropView(from));
                out.push(Change::CreateView(to));
            }
            other => out.push(other),
        }
    }
    out
}
