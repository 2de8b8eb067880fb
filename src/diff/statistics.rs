//! Extended statistics (PostgreSQL only). They follow their table and
//! columns through a rename, as the server carries them; their target and
//! comment change in place, anything else is a drop and a create.

use super::table::Renames;
use super::Change;
use crate::ir::{Schema, Statistics};

pub(super) fn statistics(from: &Schema, to: &Schema, renames: &Renames, out: &mut Vec<Change>) {
    // The old object as it reads under the new table and column names.
    let moved = |f: &Statistics| {
        let table = renames.table(&f.table);
        let columns = f
            .columns
            .iter()
            .map(|c| renames.column(&table, c))
            .collect();
        Statistics {
            table,
            columns,
            ..f.clone()
        }
    };
    for (name, f) in &from.statistics {
        match to.statistics.get(name) {
            Some(t) if moved(f).same_definition(t) => {}
            _ => out.push(Change::DropStatistics(f.clone())),
        }
    }
    for (name, t) in &to.statistics {
        match from.statistics.get(name).map(moved) {
            Some(f) if f.same_definition(t) => {
                if f != *t {
                    out.push(Change::AlterStatistics {
                        from: f,
                        to: t.clone(),
                    });
                }
            }
            _ => out.push(Change::CreateStatistics(t.clone())),
        }
    }
}
