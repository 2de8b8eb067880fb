//! PostgreSQL table inheritance (`table child inherits parent`): the
//! parents exist, no table is its own ancestor, and inheritance is not
//! mixed with partitioning, which the server refuses.

use super::suggest::TableNames;
use super::Problem;
use crate::ir::inheritance::{in_cycle, lookup};
use crate::ir::{DialectKind, ObjectRef, Schema, Table};

/// E0240 unknown parent, E0241 a cycle, E0242 inheritance where the
/// server has none (a partition, a partitioned table, MySQL or SQLite).
pub(super) fn check(
    schema: &Schema,
    names: &TableNames<'_>,
    table: &Table,
    out: &mut Vec<Problem>,
) {
    if table.inherits.is_empty() {
        return;
    }
    let at = ObjectRef::Table {
        name: table.name.clone(),
    };
    if let Some(why) = refused(schema, table) {
        out.push(
            Problem::new(
                "E0242",
                at,
                format!("table `{}` inherits, {why}", table.name),
                "declared with `inherits` here",
            )
            .help("remove `inherits …`: a partition takes its columns from `partition … of`"),
        );
        return;
    }
    for parent in &table.inherits {
        if lookup(schema, parent).is_none() {
            let help = names.help(parent).unwrap_or_else(|| {
                format!("declare table `{parent}`, or remove it from `inherits`")
            });
            out.push(
                Problem::new(
                    "E0240",
                    at.clone(),
                    format!("table `{}` inherits unknown table `{parent}`", table.name),
                    format!("inherits `{parent}`, which the schema does not declare"),
                )
                .help(format!(
                    "{help} (a parent dropped from the file must also leave the `inherits` of its children)"
                )),
            );
        }
    }
    if in_cycle(schema, table) {
        out.push(
            Problem::new(
                "E0241",
                at,
                format!("table `{}` inherits from itself", table.name),
                "its `inherits` lead back to it",
            )
            .help("remove one `inherits` of the cycle"),
        );
    }
}

/// Why the server would refuse `table`'s inheritance, if it would.
fn refused(schema: &Schema, table: &Table) -> Option<&'static str> {
    match schema.dialect {
        Some(DialectKind::Mysql) | Some(DialectKind::Sqlite) => {
            return Some("which only PostgreSQL has")
        }
        _ => {}
    }
    match &table.partition {
        Some(crate::ir::Partitioning::Of { .. }) => Some("but a partition cannot inherit"),
        Some(crate::ir::Partitioning::By { .. }) => Some("but a partitioned table cannot inherit"),
        None => table
            .inherits
            .iter()
            .filter_map(|p| lookup(schema, p))
            .any(|p| p.partition.is_some())
            .then_some("but a partitioned table or a partition cannot be inherited from"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{Expr, Name, Partitioning};

    fn child(name: &str, parents: &[&str]) -> crate::ir::Table {
        let mut t = table(name, &[("own", "int")]);
        t.inherits = parents.iter().map(|p| Name::new(*p)).collect();
        t
    }

    #[test]
    fn a_known_parent_is_fine_and_an_unknown_one_is_e0240() {
        let base = table("base", &[("id", "int")]);
        let s = pg(schema(vec![base.clone(), child("a", &["base"])]));
        assert_eq!(codes(&s), Vec::<&str>::new());
        let s = pg(schema(vec![base, child("a", &["bsae"])]));
        assert_eq!(codes(&s), vec!["E0240"]);
    }

    #[test]
    fn a_cycle_is_e0241() {
        let s = pg(schema(vec![child("a", &["b"]), child("b", &["a"])]));
        assert_eq!(codes(&s), vec!["E0241", "E0241"]);
    }

    #[test]
    fn inheritance_and_partitioning_do_not_mix() {
        let mut parent = table("p", &[("id", "int")]);
        parent.partition = Some(Partitioning::By {
            by: Expr::new("range (id)"),
        });
        let s = pg(schema(vec![parent, child("a", &["p"])]));
        assert_eq!(codes(&s), vec!["E0242"]);
    }

    #[test]
    fn an_index_on_an_inherited_column_is_fine() {
        let base = table("base", &[("id", "int")]);
        let mut a = child("a", &["base"]);
        a.indexes
            .push(crate::ir::Index::on_columns(Some("a_id"), &["id"]));
        assert_eq!(codes(&pg(schema(vec![base, a]))), Vec::<&str>::new());
    }
}
