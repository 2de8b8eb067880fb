//! One line of plain words per change, for the plan summary the commands
//! print and for the report details that are a whole change
//! (`create table \`orders\``). Not SQL: the emitters write that. The
//! per-part details of a report are [`super::describe`]'s.

use crate::diff::{Change, ColumnChanges, TableChange};

/// What a change does, in a short sentence fragment.
pub fn line(change: &Change) -> String {
    match change {
        Change::CreateExtension(e) => format!("create extension `{}`", e.name),
        Change::DropExtension(e) => format!("drop extension `{}`", e.name),
        Change::AlterExtension { from, to } if from.version == to.version => {
            format!("comment on extension `{}`", to.name)
        }
        Change::AlterExtension { from, to } => format!(
            "update extension `{}` from {} to {}",
            to.name,
            from.version.as_deref().unwrap_or("its version"),
            to.version.as_deref().unwrap_or("its default version")
        ),
        Change::CreateNamespace(n) => format!("create namespace `{}`", n.name),
        Change::DropNamespace(n) => format!("drop namespace `{}`", n.name),
        Change::AlterNamespace { to, .. } => format!("alter namespace `{}` owner", to.name),
        Change::CreateEnum(e) => format!("create enum `{}`", e.name),
        Change::DropEnum(e) => format!("drop enum `{}`", e.name),
        Change::AlterEnum { to, .. } => format!("alter enum `{}`", to.name),
        Change::CreateSequence(s) => format!("create sequence `{}`", s.name),
        Change::DropSequence(s) => format!("drop sequence `{}`", s.name),
        Change::AlterSequence { to, .. } => format!("alter sequence `{}`", to.name),
        Change::CreateTable(t) => format!("create table `{}`", t.name),
        Change::DropTable(t) => format!("drop table `{}`", t.name),
        Change::AlterTable { from, changes, .. } => {
            let parts: Vec<String> = changes.iter().map(describe_inner).collect();
            format!("alter table `{}`: {}", from.name, parts.join(", "))
        }
        Change::CreateView(v) => format!("create {} `{}`", view_word(v.materialized), v.name),
        Change::DropView(v) => format!("drop {} `{}`", view_word(v.materialized), v.name),
        Change::ReplaceView { to, .. } => {
            format!("replace {} `{}`", view_word(to.materialized), to.name)
        }
        Change::RenameView { from, to } => format!("rename view `{from}` to `{to}`"),
        Change::SetViewComments { to, .. } => {
            format!("comment on {} `{}`", view_word(to.materialized), to.name)
        }
        Change::CreateFunction(f) => format!("create function `{}`", f.name),
        Change::DropFunction(f) => format!("drop function `{}`", f.name),
        Change::ReplaceFunction { to, .. } => format!("replace function `{}`", to.name),
        Change::CreateTrigger(t) => format!("create trigger `{}` on `{}`", t.name, t.table),
        Change::DropTrigger(t) => format!("drop trigger `{}` on `{}`", t.name, t.table),
        Change::SetTriggerComment { to, .. } => {
            format!("comment on trigger `{}` on `{}`", to.name, to.table)
        }
        Change::SetRowSecurity { table, to, .. } => format!(
            "{} row level security{} on `{table}`",
            if to.enabled { "enable" } else { "disable" },
            if to.forced { " (forced)" } else { "" }
        ),
        Change::CreatePolicy(p) => format!("create policy `{}` on `{}`", p.name, p.table),
        Change::DropPolicy(p) => format!("drop policy `{}` on `{}`", p.name, p.table),
        Change::AlterPolicy { to, .. } => format!("alter policy `{}` on `{}`", to.name, to.table),
        Change::Grant(g) => format!("grant {} on {} to `{}`", g.privilege, g.on, g.grantee),
        Change::Revoke(g) => format!("revoke {} on {} from `{}`", g.privilege, g.on, g.grantee),
        Change::AlterGrant { to, .. } => format!(
            "{} grant option for {} on {} to `{}`",
            if to.grant_option { "give" } else { "take back" },
            to.privilege,
            to.on,
            to.grantee
        ),
        Change::CreateDomain(x) => format!("create domain `{}`", x.name),
        Change::DropDomain(x) => format!("drop domain `{}`", x.name),
        Change::AlterDomain { to, .. } => format!("alter domain `{}`", to.name),
        Change::CreateEvent(x) => format!("create event `{}`", x.name),
        Change::DropEvent(x) => format!("drop event `{}`", x.name),
        Change::AlterEvent { to, .. } => format!("alter event `{}`", to.name),
        Change::CreateComposite(x) => format!("create type `{}`", x.name),
        Change::DropComposite(x) => format!("drop type `{}`", x.name),
        Change::AlterComposite { to, .. } => format!("alter type `{}`", to.name),
        Change::CreateRange(x) => format!("create range type `{}`", x.name),
        Change::DropRange(x) => format!("drop range type `{}`", x.name),
        Change::AlterRange { to, .. } => format!("alter range type `{}`", to.name),
        Change::CreateCollation(x) => format!("create collation `{}`", x.name),
        Change::DropCollation(x) => format!("drop collation `{}`", x.name),
        Change::AlterCollation { to, .. } => format!("alter collation `{}`", to.name),
        Change::CreateTextSearchConfig(x) => {
            format!("create text search configuration `{}`", x.name)
        }
        Change::DropTextSearchConfig(x) => format!("drop text search configuration `{}`", x.name),
        Change::AlterTextSearchConfig { to, .. } => {
            format!("alter text search configuration `{}`", to.name)
        }
        Change::CreateStatistics(x) => format!("create statistics `{}` on `{}`", x.name, x.table),
        Change::DropStatistics(x) => format!("drop statistics `{}`", x.name),
        Change::AlterStatistics { to, .. } => format!("alter statistics `{}`", to.name),
    }
}

fn view_word(materialized: bool) -> &'static str {
    if materialized {
        "materialized view"
    } else {
        "view"
    }
}

fn named(kind: &str, name: &Option<String>, columns: &[String]) -> String {
    match name {
        Some(n) => format!("{kind} `{n}`"),
        None => format!("{kind} ({})", columns.join(", ")),
    }
}

fn describe_inner(c: &TableChange) -> String {
    match c {
        TableChange::RenameTable { to, .. } => format!("rename to `{to}`"),
        TableChange::AddColumn(c) => format!("add column `{}`", c.name),
        TableChange::DropColumn(c) => format!("drop column `{}`", c.name),
        TableChange::RenameColumn { from, to } => format!("rename column `{from}` to `{to}`"),
        TableChange::AlterColumn { from, to, what } => {
            let mut parts = Vec::new();
            if what.ty {
                parts.push(format!("type {} → {}", from.ty, to.ty));
            }
            if what.nullable {
                parts.push(if to.nullable { "nullable" } else { "not null" }.to_string());
            }
            if what.default {
                parts.push("default".to_string());
            }
            parts.extend(attribute_words(what, "generated").map(str::to_string));
            format!("alter column `{}` ({})", to.name, parts.join(", "))
        }
        TableChange::AddPrimaryKey(pk) => format!("add primary key ({})", pk.columns.join(", ")),
        TableChange::DropPrimaryKey(pk) => {
            format!("drop primary key ({})", pk.columns.join(", "))
        }
        TableChange::AddUnique(u) => format!("add {}", named("unique", &u.name, &u.columns)),
        TableChange::DropUnique(u) => format!("drop {}", named("unique", &u.name, &u.columns)),
        TableChange::RenameUnique { from, to } => format!("rename unique `{from}` to `{to}`"),
        TableChange::AddCheck(c) => match &c.name {
            Some(n) => format!("add check `{n}`"),
            None => format!("add check ({})", c.expr),
        },
        TableChange::DropCheck(c) => match &c.name {
            Some(n) => format!("drop check `{n}`"),
            None => format!("drop check ({})", c.expr),
        },
        TableChange::RenameCheck { from, to } => format!("rename check `{from}` to `{to}`"),
        TableChange::AddForeignKey(f) => format!(
            "add {} → `{}`",
            named("foreign key", &f.name, &f.columns),
            f.ref_table
        ),
        TableChange::DropForeignKey(f) => format!(
            "drop {} → `{}`",
            named("foreign key", &f.name, &f.columns),
            f.ref_table
        ),
        TableChange::RenameForeignKey { from, to } => {
            format!("rename foreign key `{from}` to `{to}`")
        }
        TableChange::AddIndex(i) => format!("add {}", index_words(i)),
        TableChange::DropIndex(i) => format!("drop {}", index_words(i)),
        TableChange::SetIndexComment { to, .. } => format!("comment on {}", index_words(to)),
        TableChange::RenameIndex { from, to } => format!("rename index `{from}` to `{to}`"),
        TableChange::SetComment { .. } => "set comment".to_string(),
        TableChange::SetConstraintComment { name, .. } => {
            format!("set comment on constraint `{name}`")
        }
        TableChange::SetOptions { .. } => "set options".to_string(),
        TableChange::AddExclusion(x) => format!("add {}", exclusion_words(x)),
        TableChange::DropExclusion(x) => format!("drop {}", exclusion_words(x)),
        TableChange::Inherit(p) => format!("inherit `{p}`"),
        TableChange::NoInherit(p) => format!("no longer inherit `{p}`"),
        TableChange::AttachPartition { parent, bound, .. } => {
            if bound.as_str().eq_ignore_ascii_case("default") {
                format!("attach as the default partition of `{parent}`")
            } else {
                format!("attach as partition of `{parent}` for values {bound}")
            }
        }
        TableChange::DetachPartition { parent, .. } => format!("detach from `{parent}`"),
        TableChange::Repartition { to: Some(_), .. } => "partition anew".to_string(),
        TableChange::Repartition { to: None, .. } => "remove partitioning".to_string(),
    }
}

/// The changed column attributes that summaries name by a word alone:
/// all but the type, nullability and default, which each summary words
/// itself. `generated` is the word for a changed generation (the plan
/// summary and the report have each their own).
pub(crate) fn attribute_words(
    what: &ColumnChanges,
    generated: &'static str,
) -> impl Iterator<Item = &'static str> {
    [
        (what.identity, "identity"),
        (what.generated, generated),
        (what.collation, "collation"),
        (what.charset, "charset"),
        (what.on_update, "on update"),
        (what.invisible, "visibility"),
        (what.statistics, "statistics target"),
        (what.distinct, "distinct estimate"),
        (what.storage, "storage"),
        (what.compression, "compression"),
        (what.comment, "comment"),
        (what.position, "position"),
    ]
    .into_iter()
    .filter_map(|(changed, word)| changed.then_some(word))
}

fn exclusion_words(x: &crate::ir::Exclusion) -> String {
    match &x.name {
        Some(n) => format!("exclusion constraint `{n}`"),
        None => format!("exclusion constraint using {}", x.method),
    }
}

fn index_words(i: &crate::ir::Index) -> String {
    let kind = if i.unique { "unique index" } else { "index" };
    match &i.name {
        Some(n) => format!("{kind} `{n}`"),
        None => {
            let cols: Vec<String> = i
                .parts
                .iter()
                .map(|p| match &p.key {
                    crate::ir::IndexKey::Column(c) => c.clone(),
                    crate::ir::IndexKey::Expr(e) => format!("({e})"),
                })
                .collect();
            format!("{kind} ({})", cols.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, Name, Table};

    #[test]
    fn alter_table_lists_its_parts() {
        let from = Column::new("total", "integer");
        let mut to = Column::new("total", "bigint");
        to.nullable = true;
        let what = ColumnChanges::between(&from, &to);
        let c = Change::AlterTable {
            from: Table::new(Name::new("orders")),
            to: Table::new(Name::new("orders")),
            changes: vec![
                TableChange::DropColumn(Column::new("note", "text")),
                TableChange::AlterColumn { from, to, what },
            ],
        };
        assert_eq!(
            line(&c),
            "alter table `orders`: drop column `note`, alter column `total` (type integer → bigint, nullable)"
        );
    }
}
