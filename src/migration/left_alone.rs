//! Views an exclude pattern leaves alone ([`crate::ir::Schema::left_alone`])
//! still read what strata manages. The server refuses to drop or retype
//! what such a view reads, and `CASCADE` would destroy it: a plan that
//! needs to is refused here, naming the view, before any SQL is written.

use crate::dialect::EmitError;
use crate::diff::{Change, TableChange};
use crate::ir::{DialectKind, Name, Schema};
use crate::plan::refs::{key, names, selects_star};
use crate::plan::Plan;

/// The first change of `plan` that would break a view `db` leaves alone.
pub fn check(plan: &Plan, db: &Schema, dialect: DialectKind) -> Result<(), EmitError> {
    if db.left_alone.is_empty() {
        return Ok(());
    }
    for step in &plan.steps {
        let Some(broken) = breaks(&step.change) else {
            continue;
        };
        for (view, body) in &db.left_alone {
            if broken.hits(body) {
                return Err(EmitError::Unsupported {
                    dialect,
                    what: format!(
                        "{}: view `{view}`, which an exclude pattern leaves alone, reads it",
                        broken.what
                    ),
                    help: Some(format!(
                        "manage `{view}` too (take it out of `exclude`) so that strata makes it anew around the change, or drop it first"
                    )),
                });
            }
        }
    }
    Ok(())
}

/// What a change drops or reshapes that a view may read.
struct Broken {
    /// The change in words.
    what: String,
    /// The object, lowercased, bare and qualified.
    names: Vec<Name>,
    /// For a table, the columns dropped or retyped (lowercased).
    columns: Vec<String>,
}

impl Broken {
    fn new(what: String, name: &Name, columns: Vec<String>) -> Broken {
        let k = key(name);
        Broken {
            what,
            names: vec![Name::new(k.name.clone()), k],
            columns,
        }
    }

    fn hits(&self, body: &str) -> bool {
        let read = names(body);
        self.names.iter().any(|n| read.contains(n))
            && (self.columns.is_empty()
                || selects_star(body)
                || self
                    .columns
                    .iter()
                    .any(|c| read.contains(&Name::new(c.clone()))))
    }
}

fn breaks(change: &Change) -> Option<Broken> {
    let whole =
        |what: &str, name: &Name| Some(Broken::new(format!("{what} `{name}`"), name, vec![]));
    match change {
        Change::DropView(v) => whole("drop view", &v.name),
        Change::DropTable(t) => whole("drop table", &t.name),
        Change::DropFunction(f) => whole("drop function", &f.name),
        Change::ReplaceFunction { from, to } if !from.replaceable_by(to) => {
            whole("drop function", &from.name)
        }
        Change::AlterTable { from, changes, .. } => {
            let cols: Vec<String> = changes
                .iter()
                .filter_map(|c| match c {
                    TableChange::DropColumn(c) => Some(c.name.to_lowercase()),
                    TableChange::AlterColumn { from, what, .. } if what.ty => {
                        Some(from.name.to_lowercase())
                    }
                    _ => None,
                })
                .collect();
            if cols.is_empty() {
                return None;
            }
            let what = format!("change column `{}` of `{}`", cols.join("`, `"), from.name);
            Some(Broken::new(what, &from.name, cols))
        }
        _ => None,
    }
}
