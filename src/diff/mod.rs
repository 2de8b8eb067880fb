//! Compare two schemas and list what differs, as data: no SQL, no dialect.
//! Both inputs are expected to be normalized by the same dialect first, so
//! that plain equality means "the same thing".
//!
//! The order of the list is deterministic (object kind, then name) but it
//! is not an execution order: that is the planner's job.

mod attach;
mod change;
mod inheritance;
mod matching;
mod objects;
mod rename_order;
mod reverse;
mod security;
mod statistics;
mod table;
mod text;

pub use change::{Change, ColumnChanges, TableChange};
pub use rename_order::renames_cycle;
pub(crate) use table::sort_table_changes;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Name, Schema, Table, View};
use table::{column_renames, table_changes, Renames};

/// The changes that take `from` to `to`. Renames come only from
/// `renamed_from` on the `to` side; a `renamed_from` whose old name is not
/// on the `from` side (or whose new name already is) is ignored, so that a
/// schema keeps its hints after the rename ran without a perpetual diff.
pub fn diff(from: &Schema, to: &Schema) -> Vec<Change> {
    let mut out = Vec::new();

    extensions(from, to, &mut out);
    namespaces(from, to, &mut out);

    for (name, f) in &from.enums {
        match to.enums.get(name) {
            None => out.push(Change::DropEnum(f.clone())),
            Some(t) if t != f => out.push(Change::AlterEnum {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.enums {
        if !from.enums.contains_key(name) {
            out.push(Change::CreateEnum(t.clone()));
        }
    }
    for (name, f) in &from.sequences {
        match to.sequences.get(name) {
            None => out.push(Change::DropSequence(f.clone())),
            Some(t) if t != f => out.push(Change::AlterSequence {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.sequences {
        if !from.sequences.contains_key(name) {
            out.push(Change::CreateSequence(t.clone()));
        }
    }

    text::collations(from, to, &mut out);
    text::text_search_configs(from, to, &mut out);
    objects::domains(from, to, &mut out);
    objects::composites(from, to, &mut out);
    objects::ranges(from, to, &mut out);

    let renames = tables(from, to, &mut out);
    views(from, to, &mut out);

    for (name, f) in &from.functions {
        match to.functions.get(name) {
            None => out.push(Change::DropFunction(f.clone())),
            Some(t) if t != f => out.push(Change::ReplaceFunction {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.functions {
        if !from.functions.contains_key(name) {
            out.push(Change::CreateFunction(t.clone()));
        }
    }

    triggers(from, to, &renames, &mut out);
    statistics::statistics(from, to, &renames, &mut out);
    objects::events(from, to, &mut out);
    security::row_security(from, to, &renames, &mut out);
    security::policies(from, to, &renames, &mut out);
    security::grants(from, to, &renames, &mut out);
    out
}

/// Pairs tables (by `renamed_from`, then by name), then lists drops,
/// alters and creates. Returns the renames, which triggers need too.
fn tables(from: &Schema, to: &Schema, out: &mut Vec<Change>) -> Renames {
    let pairs = pair_by_name(&from.tables, &to.tables, |t| t.renamed_from.as_ref());
    // A PostgreSQL table whose partitioning changes cannot be altered
    // into the other: it is dropped and created. A partition attached,
    // detached or moved to another bound or parent keeps its rows
    // ([`attach`]), as a MySQL table partitioned anew does.
    let pairs: BTreeMap<Name, Name> = pairs
        .into_iter()
        .filter(|(f, t)| {
            let (f, t) = (&from.tables[f], &to.tables[t]);
            f.partition == t.partition || attach::moves(f, t) || attach::repartitions(to, f, t)
        })
        .collect();

    let mut renames = Renames::default();
    for (f, t) in &pairs {
        if f != t {
            renames.tables.insert(f.clone(), t.clone());
        }
        let (ft, tt) = (&from.tables[f], &to.tables[t]);
        let cols = if attach::moves(ft, tt) {
            let (df, dt) = attach::sides(from, ft, to, tt);
            column_renames(&df, &dt)
        } else {
            column_renames(ft, tt)
        };
        if !cols.is_empty() {
            renames.columns.insert(t.clone(), cols);
        }
    }

    let paired_to: BTreeSet<&Name> = pairs.values().collect();
    for (name, f) in &from.tables {
        if !pairs.contains_key(name) {
            out.push(Change::DropTable(f.clone()));
        }
    }
    let by_to: BTreeMap<&Name, &Name> = pairs.iter().map(|(f, t)| (t, f)).collect();
    for (name, t) in &to.tables {
        match by_to.get(name) {
            Some(f) => {
                let f: &Table = &from.tables[*f];
                let changes = if attach::moves(f, t) {
                    attach::changes(from, f, to, t, &renames)
                } else {
                    let mut changes = table_changes(f, t, &renames);
                    if attach::repartitions(to, f, t) {
                        changes.push(TableChange::Repartition {
                            from: attach::clause(f),
                            to: attach::clause(t),
                        });
                    }
                    inheritance::adjust(from, f, to, t, &mut changes);
                    table::sort_table_changes(&mut changes);
                    changes
                };
                if !changes.is_empty() {
                    out.push(Change::AlterTable {
                        from: f.clone(),
                        to: t.clone(),
                        changes,
                    });
                }
            }
            None => {
                debug_assert!(!paired_to.contains(name));
                out.push(Change::CreateTable(t.clone()));
            }
        }
    }
    renames
}

fn views(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let pairs = pair_by_name(&from.views, &to.views, |v| v.renamed_from.as_ref());
    let definition = |v: &View| View {
        name: Name::new(""),
        renamed_from: None,
        unmodeled: Vec::new(),
        written: None,
        ..v.clone()
    };
    for (name, f) in &from.views {
        if !pairs.contains_key(name) {
            out.push(Change::DropView(f.clone()));
        }
    }
    let by_to: BTreeMap<&Name, &Name> = pairs.iter().map(|(f, t)| (t, f)).collect();
    for (name, t) in &to.views {
        let Some(fname) = by_to.get(name) else {
            out.push(Change::CreateView(t.clone()));
            continue;
        };
        let f = &from.views[*fname];
        let same = definition(f) == definition(t);
        if *fname != name {
            // A renamed view that also changes is simply made anew:
            // a view holds no data of its own.
            if same {
                out.push(Change::RenameView {
                    from: f.name.clone(),
                    to: t.name.clone(),
                });
            } else {
                out.push(Change::DropView(f.clone()));
                out.push(Change::CreateView(t.clone()));
            }
        } else if !same {
            let uncommented = |v: &View| View {
                comment: None,
                column_comments: BTreeMap::new(),
                ..definition(v)
            };
            let (from, to) = (f.clone(), t.clone());
            out.push(if uncommented(f) == uncommented(t) {
                Change::SetViewComments { from, to }
            } else {
                Change::ReplaceView { from, to }
            });
        }
    }
}

/// Triggers follow their table through a rename on every dialect, so a
/// trigger is compared under its table's new name.
fn triggers(from: &Schema, to: &Schema, renames: &Renames, out: &mut Vec<Change>) {
    let moved: BTreeMap<(Name, String), &crate::ir::Trigger> = from
        .triggers
        .values()
        .map(|t| ((renames.table(&t.table), t.name.clone()), t))
        .collect();
    // The trigger as it would be under its new table name, and with the
    // other side's comment: equal then means only the comment differs.
    let same_place = |f: &crate::ir::Trigger, key: &(Name, String), comment: &Option<String>| {
        let mut f = f.clone();
        f.table = key.0.clone();
        f.comment = comment.clone();
        f
    };
    for (key, f) in &moved {
        match to.triggers.get(key) {
            Some(t) if same_place(f, key, &t.comment) == *t => {}
            _ => out.push(Change::DropTrigger((*f).clone())),
        }
    }
    for (key, t) in &to.triggers {
        match moved.get(key) {
            Some(f) if same_place(f, key, &t.comment) == *t => {
                if f.comment != t.comment {
                    out.push(Change::SetTriggerComment {
                        from: same_place(f, key, &f.comment),
                        to: t.clone(),
                    });
                }
            }
            _ => out.push(Change::CreateTrigger(t.clone())),
        }
    }
}

/// Pairs two maps by key, honouring `renamed_from` on the `to` side first
/// (only when the old name exists on the `from` side and the new one does
/// not). Returns `from` key → `to` key.
fn pair_by_name<T>(
    from: &BTreeMap<Name, T>,
    to: &BTreeMap<Name, T>,
    renamed_from: impl Fn(&T) -> Option<&Name>,
) -> BTreeMap<Name, Name> {
    let mut pairs = BTreeMap::new();
    for (name, t) in to {
        let Some(old) = renamed_from(t) else { continue };
        if old != name
            && !from.contains_key(name)
            && from.contains_key(old)
            && !pairs.contains_key(old)
        {
            pairs.insert(old.clone(), name.clone());
        }
    }
    let taken_to: BTreeSet<Name> = pairs.values().cloned().collect();
    for name in to.keys() {
        if !taken_to.contains(name) && from.contains_key(name) && !pairs.contains_key(name) {
            pairs.insert(name.clone(), name.clone());
        }
    }
    pairs
}

/// An extension in another namespace is dropped and created again; one
/// in the same namespace is updated only where `to` names a version (a
/// file that names none leaves the installed version alone).
fn extensions(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, f) in &from.extensions {
        match to.extensions.get(name) {
            Some(t) if t.schema == f.schema => {}
            _ => out.push(Change::DropExtension(f.clone())),
        }
    }
    for (name, t) in &to.extensions {
        match from.extensions.get(name) {
            Some(f) if f.schema == t.schema => {
                if t.version.is_some() && t.version != f.version || t.comment != f.comment {
                    out.push(Change::AlterExtension {
                        from: f.clone(),
                        to: t.clone(),
                    });
                }
            }
            _ => out.push(Change::CreateExtension(t.clone())),
        }
    }
}

/// The default namespace (`public`) is listed only for its owner: it is
/// never created or dropped, and changed only where both sides know it
/// (an introspection always does; an empty or hand-written `from` may
/// not). An owner is changed only where `to` states one.
fn namespaces(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let default = |name: &str| name == "public";
    for (name, f) in &from.namespaces {
        if !to.namespaces.contains_key(name) && !default(name) {
            out.push(Change::DropNamespace(f.clone()));
        }
    }
    for (name, t) in &to.namespaces {
        let f = match from.namespaces.get(name) {
            Some(f) => f,
            None if default(name) => continue,
            None => {
                out.push(Change::CreateNamespace(t.clone()));
                continue;
            }
        };
        if t.owner.is_some() && t.owner != f.owner {
            out.push(Change::AlterNamespace {
                from: f.clone(),
                to: t.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, Enum, ForeignKey, Trigger};

    fn table(name: &str, cols: &[&str]) -> Table {
        let mut t = Table::new(Name::new(name));
        t.columns = cols.iter().map(|c| Column::new(*c, "integer")).collect();
        t
    }

    fn schema(tables: Vec<Table>) -> Schema {
        let mut s = Schema::default();
        for t in tables {
            s.tables.insert(t.name.clone(), t);
        }
        s
    }

    fn view(name: &str, body: &str) -> View {
        View {
            name: Name::new(name),
            body: body.into(),
            materialized: false,
            columns: vec![],
            indexes: vec![],
            comment: None,
            renamed_from: None,
            column_comments: Default::default(),
            unmodeled: Vec::new(),
            written: None,
            options: Default::default(),
        }
    }

    fn kinds(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| {
                let v = serde_json::to_value(c).unwrap_or_default();
                v["kind"].as_str().unwrap_or("?").to_string()
            })
            .collect()
    }

    #[test]
    fn equal_schemas_have_no_changes() {
        let s = schema(vec![table("a", &["x"]), table("b", &["y"])]);
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn created_and_dropped_tables() {
        let from = schema(vec![table("a", &["x"])]);
        let to = schema(vec![table("b", &["x"])]);
        assert_eq!(kinds(&diff(&from, &to)), vec!["drop_table", "create_table"]);
    }

    #[test]
    fn renamed_table_is_an_alter_with_a_rename() {
        let from = schema(vec![table("a", &["x"])]);
        let mut b = table("b", &["x"]);
        b.renamed_from = Some(Name::new("a"));
        let to = schema(vec![b]);
        let changes = diff(&from, &to);
        assert_eq!(changes.len(), 1);
        match &changes[0] {
            Change::AlterTable { from, to, changes } => {
                assert_eq!(from.name, Name::new("a"));
                assert_eq!(to.name, Name::new("b"));
                assert_eq!(
                    changes,
                    &vec![TableChange::RenameTable {
                        from: Name::new("a"),
                        to: Name::new("b")
                    }]
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        // Once renamed, the hint changes nothing.
        let done = schema(vec![table("b", &["x"])]);
        assert!(diff(&done, &to).is_empty());
    }

    #[test]
    fn foreign_key_follows_a_renamed_parent() {
        let fk = |table: &str, col: &str| ForeignKey {
            comment: None,
            name: Some("fk".into()),
            columns: vec!["p".into()],
            ref_table: Name::new(table),
            ref_columns: vec![col.into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        };
        let mut child = table("child", &["p"]);
        child.foreign_keys.push(fk("parent", "id"));
        let from = schema(vec![table("parent", &["id"]), child]);

        let mut parent2 = table("parent2", &["key"]);
        parent2.renamed_from = Some(Name::new("parent"));
        parent2.columns[0].renamed_from = Some("id".into());
        let mut child2 = table("child", &["p"]);
        child2.foreign_keys.push(fk("parent2", "key"));
        let to = schema(vec![parent2, child2]);

        let changes = diff(&from, &to);
        assert_eq!(kinds(&changes), vec!["alter_table"], "{changes:#?}");
    }

    #[test]
    fn enum_change_is_an_alter() {
        let e = |vals: &[&str]| Enum {
            name: Name::new("mood"),
            values: vals.iter().map(|v| v.to_string()).collect(),
            comment: None,
        };
        let mut from = Schema::default();
        from.enums.insert(Name::new("mood"), e(&["a"]));
        let mut to = Schema::default();
        to.enums.insert(Name::new("mood"), e(&["a", "b"]));
        assert_eq!(kinds(&diff(&from, &to)), vec!["alter_enum"]);
        assert_eq!(kinds(&diff(&to, &Schema::default())), vec!["drop_enum"]);
    }

    #[test]
    fn views_replace_rename_and_recreate() {
        let mut from = Schema::default();
        from.views.insert(Name::new("v"), view("v", "select 1"));
        from.views.insert(Name::new("w"), view("w", "select 2"));
        from.views.insert(Name::new("x"), view("x", "select 3"));
        let mut to = Schema::default();
        to.views.insert(Name::new("v"), view("v", "select 10"));
        let mut w2 = view("w2", "select 2");
        w2.renamed_from = Some(Name::new("w"));
        to.views.insert(Name::new("w2"), w2);
        let mut x2 = view("x2", "select 30");
        x2.renamed_from = Some(Name::new("x"));
        to.views.insert(Name::new("x2"), x2);
        assert_eq!(
            kinds(&diff(&from, &to)),
            vec!["replace_view", "rename_view", "drop_view", "create_view"]
        );
    }

    #[test]
    fn trigger_follows_its_renamed_table() {
        let trig = |table: &str| Trigger {
            name: "t".into(),
            table: Name::new(table),
            timing: "after".into(),
            events: vec!["insert".into()],
            for_each_row: true,
            when: None,
            body: "begin select 1; end".into(),
            options: Default::default(),
            comment: None,
        };
        let mut from = schema(vec![table("a", &["x"])]);
        from.triggers
            .insert((Name::new("a"), "t".into()), trig("a"));
        let mut b = table("b", &["x"]);
        b.renamed_from = Some(Name::new("a"));
        let mut to = schema(vec![b]);
        to.triggers.insert((Name::new("b"), "t".into()), trig("b"));
        assert_eq!(kinds(&diff(&from, &to)), vec!["alter_table"]);

        let mut changed = to.clone();
        if let Some(t) = changed.triggers.values_mut().next() {
            t.body = "begin select 2; end".into();
        }
        assert_eq!(
            kinds(&diff(&from, &changed)),
            vec!["alter_table", "drop_trigger", "create_trigger"]
        );
    }

    #[test]
    fn diff_is_deterministic() {
        let from = schema(vec![table("a", &["x"]), table("c", &["x"])]);
        let to = schema(vec![table("b", &["x"]), table("d", &["y"])]);
        assert_eq!(diff(&from, &to), diff(&from, &to));
    }

    fn with_public(owner: Option<&str>) -> Schema {
        let mut s = Schema::default();
        s.namespaces.insert(
            "public".into(),
            crate::ir::Namespace {
                name: "public".into(),
                comment: None,
                owner: owner.map(String::from),
            },
        );
        s
    }

    #[test]
    fn public_is_never_created_or_dropped_and_changes_owner_only_where_both_know_it() {
        let (empty, pdo, pg) = (
            Schema::default(),
            with_public(Some("pg_database_owner")),
            with_public(Some("postgres")),
        );
        assert_eq!(diff(&pg, &empty), vec![]);
        assert_eq!(diff(&empty, &pg), vec![]);
        assert_eq!(diff(&pg, &with_public(None)), vec![]);
        assert_eq!(
            diff(&pg, &pdo),
            vec![Change::AlterNamespace {
                from: pg.namespaces["public"].clone(),
                to: pdo.namespaces["public"].clone(),
            }]
        );
    }

    #[test]
    fn a_revoke_manages_one_role_on_one_object() {
        use crate::ir::{Grant, GrantOn, Revocation};
        let usage = |on: GrantOn| Grant {
            on,
            privilege: "usage".into(),
            grantee: "public".into(),
            grant_option: false,
        };
        let mut db = with_public(Some("pg_database_owner"));
        for on in [
            GrantOn::Schema("public".into()),
            GrantOn::Schema("app".into()),
        ] {
            let g = usage(on);
            db.grants.insert(g.key(), g);
        }
        let mut file = db.clone();
        file.grants.clear();
        assert_eq!(diff(&db, &file), vec![]);
        file.revocations.insert(Revocation {
            on: GrantOn::Schema("public".into()),
            grantee: "public".into(),
        });
        assert_eq!(
            diff(&db, &file),
            vec![Change::Revoke(usage(GrantOn::Schema("public".into())))]
        );
    }

    fn with_extension(schema: Option<&str>, version: Option<&str>) -> Schema {
        let mut s = Schema::default();
        s.extensions.insert(
            "citext".into(),
            crate::ir::Extension {
                name: "citext".into(),
                schema: schema.map(String::from),
                version: version.map(String::from),
                comment: None,
            },
        );
        s
    }

    #[test]
    fn an_extension_is_updated_only_to_a_version_the_file_names() {
        let installed = with_extension(None, Some("1.6"));
        assert_eq!(diff(&installed, &with_extension(None, None)), vec![]);
        assert_eq!(diff(&installed, &with_extension(None, Some("1.6"))), vec![]);
        let older = with_extension(None, Some("1.4"));
        let up = diff(&installed, &older);
        assert_eq!(
            up,
            vec![Change::AlterExtension {
                from: installed.extensions["citext"].clone(),
                to: older.extensions["citext"].clone(),
            }]
        );
        let moved = with_extension(Some("ext"), None);
        assert!(matches!(
            diff(&installed, &moved)[..],
            [Change::DropExtension(_), Change::CreateExtension(_)]
        ));
    }
}
