//! Objects strata does not model that lean on one it manages
//! ([`crate::ir::Depends::unmodeled`], read from the server's
//! `pg_depend`): a rule on a table, a view in a namespace strata does not
//! read, a cast or operator over a function, an object of an extension.
//! The server refuses to drop what they lean on, and `CASCADE` would
//! destroy them: a plan that drops such an object, or makes it anew, is
//! refused here (E0248), naming them, before any SQL is written. One
//! that drops what they belong to first takes them along (a rule goes
//! with its view), and a view made anew runs its rules again verbatim
//! (`View::unmodeled`).

use std::collections::BTreeSet;

use crate::dialect::EmitError;
use crate::diff::Change;
use crate::ir::{DepObject, Name, Schema};
use crate::plan::refs::key;
use crate::plan::Plan;

/// A drop or a remake of an object, in words, and the object.
fn dropped(change: &Change) -> Option<(String, DepObject)> {
    let n = |name: &Name| key(name);
    Some(match change {
        Change::DropTable(t) => (
            format!("drop table `{}`", t.name),
            DepObject::Relation(n(&t.name)),
        ),
        Change::DropView(v) => (
            format!("drop view `{}`", v.name),
            DepObject::Relation(n(&v.name)),
        ),
        Change::DropFunction(f) => (
            format!("drop function `{}`", f.name),
            DepObject::Function(n(&f.name)),
        ),
        Change::ReplaceFunction { from, to } if !from.replaceable_by(to) => (
            format!("drop and make anew function `{}`", from.name),
            DepObject::Function(n(&from.name)),
        ),
        Change::DropSequence(s) => (
            format!("drop sequence `{}`", s.name),
            DepObject::Sequence(n(&s.name)),
        ),
        Change::DropEnum(e) => (
            format!("drop type `{}`", e.name),
            DepObject::Type(n(&e.name)),
        ),
        Change::DropDomain(d) => (
            format!("drop domain `{}`", d.name),
            DepObject::Type(n(&d.name)),
        ),
        Change::DropComposite(c) => (
            format!("drop type `{}`", c.name),
            DepObject::Type(n(&c.name)),
        ),
        Change::DropRange(r) => (
            format!("drop type `{}`", r.name),
            DepObject::Type(n(&r.name)),
        ),
        Change::DropCollation(c) => (
            format!("drop collation `{}`", c.name),
            DepObject::Collation(n(&c.name)),
        ),
        _ => return None,
    })
}

/// Refuses `plan` (from the database `db`) when it drops or makes anew
/// what an object strata does not model leans on, unless the plan drops
/// that object's owner too.
pub fn check(plan: &Plan, db: &Schema) -> Result<(), EmitError> {
    if db.depends.unmodeled.is_empty() {
        return Ok(());
    }
    let drops: Vec<(String, DepObject)> = plan
        .steps
        .iter()
        .filter_map(|s| dropped(&s.change))
        .collect();
    let gone: BTreeSet<&DepObject> = drops.iter().map(|(_, o)| o).collect();
    for (what, obj) in &drops {
        let standing: BTreeSet<&str> = db
            .depends
            .unmodeled
            .iter()
            .filter(|u| u.on.lowercased() == *obj)
            .filter(|u| {
                !u.owner
                    .as_ref()
                    .is_some_and(|o| gone.contains(&o.lowercased()))
            })
            .map(|u| u.what.as_str())
            .collect();
        if !standing.is_empty() {
            let names: Vec<&str> = standing.into_iter().collect();
            return Err(EmitError::UnmodeledDependents {
                what: format!(
                    "the plan would {what}, but {} leans on it, which strata does not model",
                    names.join(", ")
                ),
                help: "drop or change it first (the server refuses the drop, and CASCADE would \
                       destroy it), or keep the object in the schema"
                    .into(),
            });
        }
    }
    Ok(())
}
