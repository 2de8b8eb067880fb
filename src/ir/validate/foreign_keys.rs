//! Foreign keys: the referenced table and columns exist, the column lists
//! line up, the types agree, and the target is a key.

use std::collections::BTreeSet;

use super::inherited::{effective, lookup};
use super::suggest::{help_for, TableNames};
use super::types::{fk_family, fold_type};
use super::Problem;
use crate::ir::{DialectKind, ForeignKey, IndexKey, ObjectRef, Schema, Table};

pub(super) fn check(schema: &Schema, tables: &TableNames, table: &Table, out: &mut Vec<Problem>) {
    for (i, fk) in table.foreign_keys.iter().enumerate() {
        let at = ObjectRef::ForeignKey {
            table: table.name.clone(),
            index: i,
        };
        one(schema, tables, table, fk, at, out);
    }
}

fn one(
    schema: &Schema,
    tables: &TableNames,
    table: &Table,
    fk: &ForeignKey,
    at: ObjectRef,
    out: &mut Vec<Problem>,
) {
    if fk.columns.is_empty() || fk.ref_columns.is_empty() {
        out.push(
            Problem::new(
                "E0225",
                at.clone(),
                format!("a foreign key of `{}` has no columns", table.name),
                "no columns listed",
            )
            .help("list the referencing and the referenced columns"),
        );
        return;
    }
    let mut local_ok = true;
    for c in &fk.columns {
        if table.column(c).is_none() {
            local_ok = false;
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            out.push(
                Problem::new(
                    "E0205",
                    at.clone(),
                    format!("foreign key of `{}` uses unknown column `{c}`", table.name),
                    format!("no column `{c}` in table `{}`", table.name),
                )
                .maybe_help(help_for(
                    c,
                    &names,
                    &format!("columns of `{}`", table.name),
                )),
            );
        }
    }
    let Some(target) = lookup(schema, &fk.ref_table).map(|t| effective(schema, t)) else {
        out.push(
            Problem::new(
                "E0203",
                at,
                format!(
                    "foreign key of `{}` references unknown table `{}`",
                    table.name, fk.ref_table
                ),
                format!("no table `{}`", fk.ref_table),
            )
            .maybe_help(tables.help(&fk.ref_table)),
        );
        return;
    };
    let mut remote_ok = true;
    for c in &fk.ref_columns {
        if target.column(c).is_none() {
            remote_ok = false;
            let names: Vec<String> = target
                .columns
                .iter()
                .map(|col| format!("{}.{}", target.name, col.name))
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let wanted = format!("{}.{c}", target.name);
            out.push(
                Problem::new(
                    "E0204",
                    at.clone(),
                    format!("foreign key references unknown column `{wanted}`"),
                    format!("no column `{c}` in table `{}`", target.name),
                )
                .maybe_help(help_for(
                    &wanted,
                    &names,
                    &format!("columns of `{}`", target.name),
                )),
            );
        }
    }
    if fk.columns.len() != fk.ref_columns.len() {
        out.push(
            Problem::new(
                "E0206",
                at,
                format!(
                    "foreign key of `{}` has {} column(s) but references {}",
                    table.name,
                    fk.columns.len(),
                    fk.ref_columns.len()
                ),
                "column counts differ",
            )
            .help("list as many referencing columns as referenced ones, in matching order"),
        );
        return;
    }
    if !(local_ok && remote_ok) {
        return;
    }
    for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
        let (Some(lc), Some(rc)) = (table.column(c), target.column(r)) else {
            continue;
        };
        if !same_family(schema, lc.ty.as_str(), rc.ty.as_str()) {
            out.push(
                Problem::new(
                    "E0207",
                    at.clone(),
                    format!(
                        "foreign key column `{}.{c}` is `{}` but references `{}.{r}` of type `{}`",
                        table.name, lc.ty, target.name, rc.ty
                    ),
                    "types differ",
                )
                .related(
                    ObjectRef::Column {
                        table: target.name.clone(),
                        column: r.clone(),
                    },
                    format!("declared `{}` here", rc.ty),
                )
                .help(format!(
                    "declare `{c}` as `{}` (`{}` and `{}` are different types)",
                    referencing_type(rc.ty.as_str()),
                    fold_type(lc.ty.as_str()),
                    fold_type(rc.ty.as_str())
                )),
            );
        }
    }
    // SQLite accepts such a foreign key and stores it (it checks the
    // parent's keys only when a write uses the foreign key), so a database
    // holding one must be plannable: the `fk-target-not-key` lint warns.
    if schema.dialect == Some(DialectKind::Sqlite) {
        return;
    }
    let inherited_key = super::inherited::ancestors(schema, &target)
        .into_iter()
        .any(|p| is_key(p, &fk.ref_columns));
    if !is_key(&target, &fk.ref_columns) && !inherited_key {
        let list = fk.ref_columns.join(", ");
        out.push(
            Problem::new(
                "E0208",
                at,
                format!(
                    "foreign key references `{}` ({list}), which is not its primary key or a unique constraint",
                    target.name
                ),
                "not a key of the referenced table",
            )
            .help(format!(
                "add `unique ({list})` to `{}`, or reference its primary key",
                target.name
            )),
        );
    }
}

/// Whether a foreign key column may reference a column of type `r`.
/// SQLite accepts any pair of declared types (it compares by affinity, and
/// `bigint` → `INTEGER PRIMARY KEY` is what Django writes), so there every
/// pair may; a different affinity is the `fk-affinity-mismatch` lint's
/// warning. PostgreSQL compares `smallint`, `integer` and `bigint` with
/// the cross-type operators of one btree family, so it accepts a foreign
/// key between any two of them (`bigint` → `integer` is common in real
/// schemas). Elsewhere the types must be of one family.
fn same_family(schema: &Schema, l: &str, r: &str) -> bool {
    let integers = |t: &str| matches!(fk_family(t).as_str(), "smallint" | "integer" | "bigint");
    match schema.dialect {
        Some(DialectKind::Sqlite) => true,
        Some(DialectKind::Postgres) if integers(l) && integers(r) => true,
        _ => fk_family(l) == fk_family(r),
    }
}

/// The type a referencing column declares to match `ty`: a serial's
/// integer, since the referencing column is not numbered itself.
fn referencing_type(ty: &str) -> String {
    if ty.to_ascii_lowercase().contains("serial") {
        fold_type(ty)
    } else {
        ty.to_string()
    }
}

/// Whether a column set is the primary key, a unique constraint, or a
/// unique index on plain columns without a predicate (order does not
/// matter, as in PostgreSQL).
pub(crate) fn is_key(table: &Table, columns: &[String]) -> bool {
    let want: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    let same = |cols: BTreeSet<&str>| cols == want;
    if let Some(pk) = &table.primary_key {
        if same(pk.columns.iter().map(String::as_str).collect()) {
            return true;
        }
    }
    if table
        .uniques
        .iter()
        .any(|u| same(u.columns.iter().map(String::as_str).collect()))
    {
        return true;
    }
    table.indexes.iter().any(|i| {
        i.unique
            && i.predicate.is_none()
            && i.parts.iter().all(|p| matches!(p.key, IndexKey::Column(_)))
            && same(
                i.parts
                    .iter()
                    .filter_map(|p| match &p.key {
                        IndexKey::Column(c) => Some(c.as_str()),
                        IndexKey::Expr(_) => None,
                    })
                    .collect(),
            )
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::ir::{Index, Name, Unique};

    fn fk(cols: &[&str], table: &str, refs: &[&str]) -> ForeignKey {
        ForeignKey {
            comment: None,
            name: None,
            columns: cols.iter().map(|c| c.to_string()).collect(),
            ref_table: Name::new(table),
            ref_columns: refs.iter().map(|c| c.to_string()).collect(),
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        }
    }

    fn users() -> Table {
        with_pk(
            table(
                "users",
                &[
                    ("id", "bigint"),
                    ("email", "varchar(100)"),
                    ("nick", "text"),
                ],
            ),
            &["id"],
        )
    }

    fn orders(f: ForeignKey) -> Table {
        let mut t = table(
            "orders",
            &[("id", "int"), ("user_id", "int8"), ("email", "text")],
        );
        t.foreign_keys.push(f);
        t
    }

    fn problems(f: ForeignKey, users: Table) -> Vec<Problem> {
        super::super::validate(&schema(vec![users, orders(f)]))
    }

    #[test]
    fn sound_reference() {
        assert_eq!(
            problems(fk(&["user_id"], "users", &["id"]), users()),
            vec![]
        );
    }

    #[test]
    fn unknown_table_suggests() {
        let p = problems(fk(&["user_id"], "usres", &["id"]), users());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0203");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `users`?"));
    }

    #[test]
    fn public_qualified_table_resolves() {
        let mut f = fk(&["user_id"], "users", &["id"]);
        f.ref_table = Name::qualified("public", "users");
        assert_eq!(problems(f, users()), vec![]);
    }

    #[test]
    fn unknown_referenced_column_as_in_the_language_sketch() {
        let p = problems(fk(&["user_id"], "users", &["uid"]), users());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0204");
        assert_eq!(
            p[0].message,
            "foreign key references unknown column `users.uid`"
        );
        assert_eq!(p[0].label, "no column `uid` in table `users`");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `users.id`?"));
    }

    #[test]
    fn unknown_local_column() {
        let p = problems(fk(&["usr_id"], "users", &["id"]), users());
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0205"]);
        assert_eq!(p[0].help.as_deref(), Some("did you mean `user_id`?"));
    }

    #[test]
    fn count_mismatch() {
        let p = problems(fk(&["user_id"], "users", &["id", "email"]), users());
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0206"]);
    }

    #[test]
    fn type_mismatch_after_alias_folding() {
        let p = problems(fk(&["id"], "users", &["id"]), users());
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0207"]);
        assert!(p[0].message.contains("`int`"), "{}", p[0].message);
        // Strings of different lengths and spellings reference each other.
        let mut u = users();
        u.uniques.push(Unique {
            attached_to: None,
            comment: None,
            name: None,
            columns: vec!["email".into()],
            nulls_not_distinct: false,
            deferral: Default::default(),
            renamed_from: None,
            options: Default::default(),
        });
        assert_eq!(problems(fk(&["email"], "users", &["email"]), u), vec![]);
    }

    #[test]
    fn sqlite_accepts_any_pair_of_types() {
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("integer");
        let mut s = schema(vec![u, orders(fk(&["user_id"], "users", &["id"]))]);
        s.dialect = Some(DialectKind::Sqlite);
        assert_eq!(super::super::validate(&s), vec![], "int8 → integer");
        // The server accepts any pair; a lint warns of another affinity.
        let t = s.tables.get_mut(&Name::new("orders")).expect("orders");
        t.foreign_keys[0].columns = vec!["email".into()];
        assert_eq!(super::super::validate(&s), vec![], "text → integer");
    }

    #[test]
    fn postgres_accepts_integers_of_any_width() {
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("serial");
        let s = pg(schema(vec![u, orders(fk(&["user_id"], "users", &["id"]))]));
        assert_eq!(super::super::validate(&s), vec![], "bigint → serial");
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("smallint");
        let s = pg(schema(vec![u, orders(fk(&["user_id"], "users", &["id"]))]));
        assert_eq!(super::super::validate(&s), vec![], "bigint → smallint");
        // Another family is still refused, and MySQL keeps the widths apart.
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("numeric");
        let s = pg(schema(vec![u, orders(fk(&["user_id"], "users", &["id"]))]));
        assert_eq!(codes(&s), vec!["E0207"]);
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("integer");
        let mut s = schema(vec![u, orders(fk(&["user_id"], "users", &["id"]))]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), vec!["E0207"]);
    }

    #[test]
    fn the_hint_names_a_serial_s_integer() {
        let mut u = users();
        u.columns[0].ty = crate::ir::Type::new("bigserial");
        let p = problems(fk(&["id"], "users", &["id"]), u);
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0207"]);
        let help = p[0].help.as_deref().unwrap_or_default();
        assert!(help.starts_with("declare `id` as `bigint`"), "{help}");
    }

    #[test]
    fn target_must_be_a_key() {
        let p = problems(fk(&["email"], "users", &["nick"]), users());
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0208"]);
        assert!(p[0].help.as_deref().unwrap_or("").contains("unique (nick)"));
    }

    #[test]
    fn sqlite_accepts_a_target_that_is_not_a_key() {
        let mut s = schema(vec![users(), orders(fk(&["email"], "users", &["nick"]))]);
        s.dialect = Some(DialectKind::Sqlite);
        assert_eq!(super::super::validate(&s), vec![]);
    }

    #[test]
    fn unique_index_counts_as_a_key() {
        let mut u = users();
        let mut nick = Index::on_columns(None, &["nick"]);
        nick.unique = true;
        u.indexes.push(nick);
        assert_eq!(problems(fk(&["email"], "users", &["nick"]), u), vec![]);
    }

    #[test]
    fn empty_column_lists() {
        let p = problems(fk(&[], "users", &[]), users());
        assert_eq!(p.iter().map(|p| p.code).collect::<Vec<_>>(), vec!["E0225"]);
    }
}
