//! How a finding names its object when there is no source line to show
//! (a database source) and in JSON and SARIF: a kind and a dotted name.

use crate::ir::{Name, ObjectRef, Schema, Table};

/// `{ kind: "column", name: "orders.customer_id" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub kind: &'static str,
    pub name: String,
}

impl Object {
    pub fn of(schema: &Schema, at: &ObjectRef) -> Object {
        let table = |t: &Name| schema.tables.get(t);
        let (kind, name) = match at {
            ObjectRef::Schema => ("schema", String::new()),
            ObjectRef::Extension { name } => ("extension", name.clone()),
            ObjectRef::Namespace { name } => ("namespace", name.clone()),
            ObjectRef::Enum { name } => ("enum", name.to_string()),
            ObjectRef::Sequence { name } => ("sequence", name.to_string()),
            ObjectRef::Table { name } => ("table", name.to_string()),
            ObjectRef::View { name } => ("view", name.to_string()),
            ObjectRef::Function { name, args } => ("function", format!("{name}({args})")),
            ObjectRef::Domain { name } => ("domain", name.to_string()),
            ObjectRef::Event { name } => ("event", name.to_string()),
            ObjectRef::Composite { name } => ("type", name.to_string()),
            ObjectRef::Range { name } => ("range", name.to_string()),
            ObjectRef::Collation { name } => ("collation", name.to_string()),
            ObjectRef::TextSearchConfig { name } => ("text_search_configuration", name.to_string()),
            ObjectRef::Statistics { name } => ("statistics", name.to_string()),
            ObjectRef::Column { table, column } => ("column", format!("{table}.{column}")),
            ObjectRef::PrimaryKey { table: t } => (
                "primary_key",
                part_name(
                    t,
                    table(t).and_then(|x| x.primary_key.as_ref()?.name.clone()),
                ),
            ),
            ObjectRef::Unique { table: t, index } => (
                "unique",
                part_name(t, part(table(t), |x| x.uniques.get(*index)?.name.clone())),
            ),
            ObjectRef::Check { table: t, index } => (
                "check",
                part_name(t, part(table(t), |x| x.checks.get(*index)?.name.clone())),
            ),
            ObjectRef::ForeignKey { table: t, index } => (
                "foreign_key",
                part_name(
                    t,
                    part(table(t), |x| x.foreign_keys.get(*index)?.name.clone()),
                ),
            ),
            ObjectRef::Index { table: t, index } => (
                "index",
                part_name(t, part(table(t), |x| x.indexes.get(*index)?.name.clone())),
            ),
            ObjectRef::Exclusion { table: t, index } => (
                "exclusion",
                part_name(
                    t,
                    part(table(t), |x| x.exclusions.get(*index)?.name.clone()),
                ),
            ),
            ObjectRef::Trigger { table, name } => ("trigger", format!("{table}.{name}")),
            ObjectRef::Policy { table, name } => ("policy", format!("{table}.{name}")),
            ObjectRef::Grant { grantee, .. } => ("grant", grantee.clone()),
            ObjectRef::Revocation { grantee, .. } => ("revoke", grantee.clone()),
        };
        Object { kind, name }
    }
}

fn part(table: Option<&Table>, name: impl Fn(&Table) -> Option<String>) -> Option<String> {
    table.and_then(name)
}

/// `orders.orders_pkey`, or `orders` for a part the schema did not name.
fn part_name(table: &Name, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{table}.{n}"),
        None => table.to_string(),
    }
}
