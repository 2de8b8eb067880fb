//! A column a child declares again that it also inherits is one column
//! with its parent: the server makes it NOT NULL when a parent's is, and
//! gives it the parent's default when the child states none. Both sides
//! compare in that form, so a file need not repeat what the parent says.

use crate::ir::inheritance::inherited_columns;
use crate::ir::{Column, Schema};

pub(super) fn merged_columns(schema: &mut Schema) {
    let merged: Vec<(crate::ir::Name, Vec<Column>)> = schema
        .tables
        .values()
        .filter(|t| !t.inherits.is_empty())
        .map(|t| {
            let inherited: Vec<Column> =
                inherited_columns(schema, t).into_iter().cloned().collect();
            (t.name.clone(), inherited)
        })
        .collect();
    for (name, inherited) in merged {
        let Some(t) = schema.tables.get_mut(&name) else {
            continue;
        };
        for c in t.columns.iter_mut() {
            let Some(p) = inherited.iter().find(|p| p.name == c.name) else {
                continue;
            };
            c.nullable &= p.nullable;
            if c.default.is_none() && c.generated.is_none() && c.identity.is_none() {
                c.default = p.default.clone();
            }
        }
    }
}
