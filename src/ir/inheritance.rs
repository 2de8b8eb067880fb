//! PostgreSQL table inheritance: what a table takes from the tables it
//! `inherits`. A child's `columns` are its own only; the validator, the
//! normalizer and the differ ask here for the rest.

use std::collections::BTreeSet;

use super::{Column, Name, Schema, Table};

/// A table by name; a name qualified with the default namespace
/// (`public.users`) finds the unqualified table.
pub fn lookup<'a>(schema: &'a Schema, name: &Name) -> Option<&'a Table> {
    schema
        .tables
        .get(name)
        .or_else(|| match name.schema.as_deref() {
            Some("public") => schema.tables.get(&Name::new(name.name.clone())),
            _ => None,
        })
}

/// Every table `table` inherits from, directly or through its parents,
/// nearest first. A missing parent or a cycle ends that branch (both are
/// reported by validation).
pub fn ancestors<'a>(schema: &'a Schema, table: &Table) -> Vec<&'a Table> {
    let mut out: Vec<&Table> = Vec::new();
    let mut seen: BTreeSet<&Name> = BTreeSet::new();
    let mut queue: Vec<&Name> = table.inherits.iter().collect();
    let mut i = 0;
    while i < queue.len() {
        let name = queue[i];
        i += 1;
        let Some(p) = lookup(schema, name) else {
            continue;
        };
        if p.name == table.name || !seen.insert(&p.name) {
            continue;
        }
        out.push(p);
        queue.extend(p.inherits.iter());
    }
    out
}

/// The columns `table` inherits, by name, first definition wins: the
/// columns of every ancestor.
pub fn inherited_columns<'a>(schema: &'a Schema, table: &Table) -> Vec<&'a Column> {
    let mut out: Vec<&Column> = Vec::new();
    for p in ancestors(schema, table) {
        for c in &p.columns {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c);
            }
        }
    }
    out
}

/// Whether `table` is among its own ancestors.
pub fn in_cycle(schema: &Schema, table: &Table) -> bool {
    let mut seen: BTreeSet<&Name> = BTreeSet::new();
    let mut queue: Vec<&Name> = table.inherits.iter().collect();
    while let Some(name) = queue.pop() {
        let Some(p) = lookup(schema, name) else {
            continue;
        };
        if p.name == table.name {
            return true;
        }
        if seen.insert(&p.name) {
            queue.extend(p.inherits.iter());
        }
    }
    false
}
