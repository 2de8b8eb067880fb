//! Collations and text-search configurations (PostgreSQL only). Neither
//! can be reshaped in place beyond its comment and, for a configuration,
//! its mappings: what else changes is a drop and a create.

use super::objects::whole;
use super::Change;
use crate::ir::{Collation, Schema, TextSearchConfig};

pub(super) fn collations(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, f) in &from.collations {
        let Some(t) = to.collations.get(name) else {
            out.push(Change::DropCollation(f.clone()));
            continue;
        };
        if t == f {
            continue;
        }
        let mut users = Vec::new();
        if !only_comment(f, t) {
            users = collation_users(from, &f.name.to_string());
            users.extend(collation_users(to, &t.name.to_string()));
            users.sort();
            users.dedup();
            if users.is_empty() {
                // Unused, the collation is made anew: the server has no
                // other way to change it.
                out.push(Change::DropCollation(f.clone()));
                out.push(Change::CreateCollation(t.clone()));
                continue;
            }
        }
        out.push(Change::AlterCollation {
            from: f.clone(),
            to: t.clone(),
            users,
        });
    }
    for (name, t) in &to.collations {
        if !from.collations.contains_key(name) {
            out.push(Change::CreateCollation(t.clone()));
        }
    }
}

fn only_comment(from: &Collation, to: &Collation) -> bool {
    let same = Collation {
        comment: to.comment.clone(),
        ..from.clone()
    };
    same == *to
}

/// What in `schema` names the collation `name` (as normalization spells
/// it: `ns.name`, or bare in the default namespace).
fn collation_users(schema: &Schema, name: &str) -> Vec<String> {
    let is = |c: &Option<String>| c.as_deref() == Some(name);
    let mut out = Vec::new();
    for t in schema.tables.values() {
        for c in t.columns.iter().filter(|c| is(&c.collation)) {
            out.push(format!("column {}.{}", t.name, c.name));
        }
        for i in &t.indexes {
            if i.parts.iter().any(|p| is(&p.collation)) {
                out.push(format!("index {}", i.name.as_deref().unwrap_or("?")));
            }
        }
    }
    for d in schema.domains.values().filter(|d| is(&d.collation)) {
        out.push(format!("domain {}", d.name));
    }
    for x in schema.composites.values() {
        if x.attributes.iter().any(|a| is(&a.collation)) {
            out.push(format!("type {}", x.name));
        }
    }
    for r in schema.ranges.values().filter(|r| is(&r.collation)) {
        out.push(format!("range type {}", r.name));
    }
    out
}

pub(super) fn text_search_configs(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    whole(
        &from.text_search_configs,
        &to.text_search_configs,
        out,
        Change::DropTextSearchConfig,
        |from, to| Change::AlterTextSearchConfig { from, to },
        Change::CreateTextSearchConfig,
    );
    // A configuration's parser is fixed when it is made.
    let mut remade: Vec<(TextSearchConfig, TextSearchConfig)> = Vec::new();
    out.retain(|c| match c {
        Change::AlterTextSearchConfig { from, to } if from.parser != to.parser => {
            remade.push((from.clone(), to.clone()));
            false
        }
        _ => true,
    });
    for (f, t) in remade {
        out.push(Change::DropTextSearchConfig(f));
        out.push(Change::CreateTextSearchConfig(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, Name, Table};

    fn with_collation(locale: &str, used: bool) -> Schema {
        let mut s = Schema::default();
        let mut c = Collation::new(Name::new("c"));
        c.locale = Some(locale.into());
        s.collations.insert(c.name.clone(), c);
        if used {
            let mut t = Table::new(Name::new("t"));
            let mut col = Column::new("a", "text");
            col.collation = Some("c".into());
            t.columns.push(col);
            s.tables.insert(t.name.clone(), t);
        }
        s
    }

    #[test]
    fn an_unused_collation_is_made_anew_and_a_used_one_names_its_users() {
        let mut out = Vec::new();
        collations(
            &with_collation("C", false),
            &with_collation("POSIX", false),
            &mut out,
        );
        assert!(matches!(
            out.as_slice(),
            [Change::DropCollation(_), Change::CreateCollation(_)]
        ));
        let mut out = Vec::new();
        collations(
            &with_collation("C", true),
            &with_collation("POSIX", true),
            &mut out,
        );
        match out.as_slice() {
            [Change::AlterCollation { users, .. }] => assert_eq!(users, &["column t.a"]),
            other => panic!("{other:?}"),
        }
    }
}
