//! What a change is, in words and stable identifiers: its kind, the
//! object it concerns, whether that object is added, altered, dropped or
//! renamed, and one line per detail. The JSON, markdown and text reports
//! all read changes through here, so they never disagree.

use serde::Serialize;

use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{Column, Name};

/// What happens to the object as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Added,
    Altered,
    Dropped,
    Renamed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Altered => "altered",
            Action::Dropped => "dropped",
            Action::Renamed => "renamed",
        }
    }
}

/// The object a change concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Object {
    /// `table`, `view`, `materialized_view`, `enum`, `sequence`,
    /// `function`, `trigger`, `extension`, `namespace`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    /// The table of a trigger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl Object {
    fn named(kind: &'static str, name: &Name) -> Object {
        Object {
            kind,
            schema: name.schema.clone(),
            name: name.name.clone(),
            table: None,
        }
    }

    fn plain(kind: &'static str, name: &str) -> Object {
        Object {
            kind,
            schema: None,
            name: name.to_string(),
            table: None,
        }
    }

    /// `billing.invoices`, `orders.t_touch` (a trigger), unquoted.
    pub fn display(&self) -> String {
        let mut s = String::new();
        if let Some(ns) = &self.schema {
            s.push_str(ns);
            s.push('.');
        }
        if let Some(t) = &self.table {
            s.push_str(t);
            s.push('.');
        }
        s.push_str(&self.name);
        s
    }
}

/// One detail of a table change, e.g. `add_column last_login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub kind: &'static str,
    /// The column, constraint or index concerned, when it has a name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One line a reviewer reads, e.g. "add column `last_login` timestamptz (nullable)".
    pub summary: String,
}

/// A change described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Described {
    /// The change's variant, snake case (`create_table`, `alter_table`, …).
    pub kind: &'static str,
    pub object: Object,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

pub fn describe(change: &Change) -> Described {
    let plain = Object::plain;
    let named = Object::named;
    match change {
        Change::CreateExtension(e) => added("create_extension", plain("extension", &e.name)),
        Change::DropExtension(e) => dropped("drop_extension", plain("extension", &e.name)),
        Change::AlterExtension { to, .. } => {
            altered("alter_extension", plain("extension", &to.name))
        }
        Change::CreateNamespace(n) => added("create_namespace", plain("namespace", &n.name)),
        Change::DropNamespace(n) => dropped("drop_namespace", plain("namespace", &n.name)),
        Change::AlterNamespace { to, .. } => {
            altered("alter_namespace", plain("namespace", &to.name))
        }
        Change::CreateEnum(e) => added("create_enum", named("enum", &e.name)),
        Change::DropEnum(e) => dropped("drop_enum", named("enum", &e.name)),
        Change::AlterEnum { from, to } => altered_enum(from, to),
        Change::CreateSequence(s) => added("create_sequence", named("sequence", &s.name)),
        Change::DropSequence(s) => dropped("drop_sequence", named("sequence", &s.name)),
        Change::AlterSequence { to, .. } => altered("alter_sequence", named("sequence", &to.name)),
        Change::CreateTable(t) => created_table(t),
        Change::DropTable(t) => dropped("drop_table", named("table", &t.name)),
        Change::AlterTable { from, to, changes } => altered_table(from, to, changes),
        Change::CreateView(v) => added("create_view", view_object(&v.name, v.materialized)),
        Change::DropView(v) => dropped("drop_view", view_object(&v.name, v.materialized)),
        Change::ReplaceView { to, .. } => {
            altered("replace_view", view_object(&to.name, to.materialized))
        }
        Change::SetViewComments { to, .. } => {
            altered("set_view_comments", view_object(&to.name, to.materialized))
        }
        Change::RenameView { from, to } => Described {
            renamed_from: Some(from.to_string()),
            ..simple("rename_view", named("view", to), Action::Renamed)
        },
        Change::CreateFunction(f) => added("create_function", named("function", &f.name)),
        Change::DropFunction(f) => dropped("drop_function", named("function", &f.name)),
        Change::ReplaceFunction { to, .. } => {
            altered("replace_function", named("function", &to.name))
        }
        Change::CreateTrigger(t) => added("create_trigger", trigger_object(&t.table, &t.name)),
        Change::DropTrigger(t) => dropped("drop_trigger", trigger_object(&t.table, &t.name)),
        Change::SetTriggerComment { to, .. } => {
            altered("set_trigger_comment", trigger_object(&to.table, &to.name))
        }
        Change::SetRowSecurity { table, .. } => Described {
            details: vec![Detail {
                kind: "set_row_security",
                name: None,
                summary: super::summary::line(change),
            }],
            ..altered("set_row_security", named("table", table))
        },
        Change::CreatePolicy(p) => added("create_policy", policy_object(&p.table, &p.name)),
        Change::DropPolicy(p) => dropped("drop_policy", policy_object(&p.table, &p.name)),
        Change::AlterPolicy { to, .. } => {
            altered("alter_policy", policy_object(&to.table, &to.name))
        }
        Change::Grant(g) => grant_described("grant", g, Action::Added, change),
        Change::Revoke(g) => grant_described("revoke", g, Action::Dropped, change),
        Change::AlterGrant { to, .. } => {
            grant_described("alter_grant", to, Action::Altered, change)
        }
        Change::CreateDomain(x) => added("create_domain", named("domain", &x.name)),
        Change::DropDomain(x) => dropped("drop_domain", named("domain", &x.name)),
        Change::AlterDomain { from, to } => Described {
            details: domain_details(from, to)
                .into_iter()
                .map(|(kind, summary)| Detail {
                    kind,
                    name: None,
                    summary,
                })
                .collect(),
            ..altered("alter_domain", named("domain", &to.name))
        },
        Change::CreateEvent(x) => added("create_event", named("event", &x.name)),
        Change::DropEvent(x) => dropped("drop_event", named("event", &x.name)),
        Change::AlterEvent { to, .. } => altered("alter_event", named("event", &to.name)),
        Change::CreateComposite(x) => added("create_type", named("type", &x.name)),
        Change::DropComposite(x) => dropped("drop_type", named("type", &x.name)),
        Change::AlterComposite { to, .. } => altered("alter_type", named("type", &to.name)),
        Change::CreateRange(x) => added("create_range", named("range", &x.name)),
        Change::DropRange(x) => dropped("drop_range", named("range", &x.name)),
        Change::AlterRange { to, .. } => altered("alter_range", named("range", &to.name)),
        Change::CreateCollation(x) => added("create_collation", named("collation", &x.name)),
        Change::DropCollation(x) => dropped("drop_collation", named("collation", &x.name)),
        Change::AlterCollation { to, .. } => {
            altered("alter_collation", named("collation", &to.name))
        }
        Change::CreateTextSearchConfig(x) => added(
            "create_text_search_configuration",
            named("text_search_configuration", &x.name),
        ),
        Change::DropTextSearchConfig(x) => dropped(
            "drop_text_search_configuration",
            named("text_search_configuration", &x.name),
        ),
        Change::AlterTextSearchConfig { to, .. } => altered(
            "alter_text_search_configuration",
            named("text_search_configuration", &to.name),
        ),
        Change::CreateStatistics(x) => added("create_statistics", named("statistics", &x.name)),
        Change::DropStatistics(x) => dropped("drop_statistics", named("statistics", &x.name)),
        Change::AlterStatistics { to, .. } => {
            altered("alter_statistics", named("statistics", &to.name))
        }
    }
}

/// A change described by its kind, object and action alone.
fn simple(kind: &'static str, object: Object, action: Action) -> Described {
    Described {
        kind,
        object,
        action,
        renamed_from: None,
        details: Vec::new(),
    }
}

fn added(kind: &'static str, object: Object) -> Described {
    simple(kind, object, Action::Added)
}

fn dropped(kind: &'static str, object: Object) -> Described {
    simple(kind, object, Action::Dropped)
}

fn altered(kind: &'static str, object: Object) -> Described {
    simple(kind, object, Action::Altered)
}

/// Labels added, then labels dropped.
fn altered_enum(from: &crate::ir::Enum, to: &crate::ir::Enum) -> Described {
    let mut d = altered("alter_enum", Object::named("enum", &to.name));
    for v in to.values.iter().filter(|v| !from.values.contains(v)) {
        d.details.push(Detail {
            kind: "add_label",
            name: Some(v.clone()),
            summary: format!("add label '{v}'"),
        });
    }
    for v in from.values.iter().filter(|v| !to.values.contains(v)) {
        d.details.push(Detail {
            kind: "drop_label",
            name: Some(v.clone()),
            summary: format!("drop label '{v}'"),
        });
    }
    d
}

/// A new table with one detail per column.
fn created_table(t: &crate::ir::Table) -> Described {
    let mut d = added("create_table", Object::named("table", &t.name));
    d.details = t
        .columns
        .iter()
        .map(|c| Detail {
            kind: "add_column",
            name: Some(c.name.clone()),
            summary: format!("column {}", column_text(c)),
        })
        .collect();
    d
}

/// One detail per table change; renamed when the rename is all it does.
fn altered_table(
    from: &crate::ir::Table,
    to: &crate::ir::Table,
    changes: &[TableChange],
) -> Described {
    let details: Vec<Detail> = changes.iter().map(table_detail).collect();
    let renamed = from.name != to.name;
    let only_rename = changes
        .iter()
        .all(|c| matches!(c, TableChange::RenameTable { .. }));
    Described {
        kind: "alter_table",
        object: Object::named("table", &to.name),
        action: if renamed && only_rename {
            Action::Renamed
        } else {
            Action::Altered
        },
        renamed_from: renamed.then(|| from.name.to_string()),
        details,
    }
}

fn policy_object(table: &Name, name: &str) -> Object {
    Object {
        kind: "policy",
        ..trigger_object(table, name)
    }
}

/// A grant concerns the object it is on; the detail says what and to whom.
fn grant_described(
    kind: &'static str,
    g: &crate::ir::Grant,
    action: Action,
    change: &Change,
) -> Described {
    use crate::ir::GrantOn;
    let object = match &g.on {
        GrantOn::Schema(n) | GrantOn::Future { schema: n, .. } => Object::plain("namespace", n),
        GrantOn::Table(n) | GrantOn::Column(n, _) => Object::named("table", n),
        GrantOn::View(n) => Object::named("view", n),
        GrantOn::Sequence(n) => Object::named("sequence", n),
        GrantOn::Type(n) => Object::named("type", n),
        GrantOn::Function(n, _) => Object::named("function", n),
    };
    Described {
        kind,
        object,
        action,
        renamed_from: None,
        details: vec![Detail {
            kind,
            name: Some(g.grantee.clone()),
            summary: super::summary::line(change),
        }],
    }
}

fn view_object(name: &Name, materialized: bool) -> Object {
    Object::named(
        if materialized {
            "materialized_view"
        } else {
            "view"
        },
        name,
    )
}

fn trigger_object(table: &Name, name: &str) -> Object {
    Object {
        kind: "trigger",
        schema: table.schema.clone(),
        name: name.to_string(),
        table: Some(table.name.clone()),
    }
}

/// `` `name` type `` plus `(nullable)` and `= default` where they apply.
fn column_text(c: &Column) -> String {
    let mut s = format!("`{}` {}", c.name, c.ty);
    if c.nullable {
        s.push_str(" (nullable)");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" = {d}"));
    }
    s
}

fn cols(c: &[String]) -> String {
    c.join(", ")
}

fn named(kind: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("{kind} `{n}`"),
        None => kind.to_string(),
    }
}

fn table_detail(tc: &TableChange) -> Detail {
    let d = |kind, name: Option<String>, summary: String| Detail {
        kind,
        name,
        summary,
    };
    match tc {
        TableChange::RenameTable { from, to } => d(
            "rename_table",
            Some(to.to_string()),
            format!("rename table `{from}` to `{to}`"),
        ),
        TableChange::AddColumn(c) => d(
            "add_column",
            Some(c.name.clone()),
            format!("add column {}", column_text(c)),
        ),
        TableChange::DropColumn(c) => d(
            "drop_column",
            Some(c.name.clone()),
            format!("drop column `{}`", c.name),
        ),
        TableChange::RenameColumn { from, to } => d(
            "rename_column",
            Some(to.clone()),
            format!("rename column `{from}` to `{to}`"),
        ),
        TableChange::AlterColumn { from, to, what } => d(
            "alter_column",
            Some(to.name.clone()),
            format!(
                "alter column `{}`: {}",
                to.name,
                column_changes(from, to, what)
            ),
        ),
        TableChange::AddPrimaryKey(p) => d(
            "add_primary_key",
            p.name.clone(),
            format!("add primary key ({})", cols(&p.columns)),
        ),
        TableChange::DropPrimaryKey(p) => d(
            "drop_primary_key",
            p.name.clone(),
            format!("drop primary key ({})", cols(&p.columns)),
        ),
        TableChange::AddUnique(u) => d(
            "add_unique",
            u.name.clone(),
            format!("add {} ({})", named("unique", &u.name), cols(&u.columns)),
        ),
        TableChange::DropUnique(u) => d(
            "drop_unique",
            u.name.clone(),
            format!("drop {} ({})", named("unique", &u.name), cols(&u.columns)),
        ),
        TableChange::RenameUnique { from, to } => d(
            "rename_unique",
            Some(to.clone()),
            format!("rename unique `{from}` to `{to}`"),
        ),
        TableChange::AddCheck(c) => d(
            "add_check",
            c.name.clone(),
            format!("add {} ({})", named("check", &c.name), c.expr),
        ),
        TableChange::DropCheck(c) => d(
            "drop_check",
            c.name.clone(),
            format!("drop {} ({})", named("check", &c.name), c.expr),
        ),
        TableChange::RenameCheck { from, to } => d(
            "rename_check",
            Some(to.clone()),
            format!("rename check `{from}` to `{to}`"),
        ),
        TableChange::AddForeignKey(f) => d(
            "add_foreign_key",
            f.name.clone(),
            format!(
                "add {} ({}) → {} ({})",
                named("foreign key", &f.name),
                cols(&f.columns),
                f.ref_table,
                cols(&f.ref_columns)
            ),
        ),
        TableChange::DropForeignKey(f) => d(
            "drop_foreign_key",
            f.name.clone(),
            format!(
                "drop {} ({}) → {} ({})",
                named("foreign key", &f.name),
                cols(&f.columns),
                f.ref_table,
                cols(&f.ref_columns)
            ),
        ),
        TableChange::RenameForeignKey { from, to } => d(
            "rename_foreign_key",
            Some(to.clone()),
            format!("rename foreign key `{from}` to `{to}`"),
        ),
        TableChange::AddIndex(i) => d(
            "add_index",
            i.name.clone(),
            format!(
                "add {}{}",
                if i.unique { "unique " } else { "" },
                named("index", &i.name)
            ),
        ),
        TableChange::DropIndex(i) => d(
            "drop_index",
            i.name.clone(),
            format!(
                "drop {}{}",
                if i.unique { "unique " } else { "" },
                named("index", &i.name)
            ),
        ),
        TableChange::SetIndexComment { to, .. } => d(
            "set_index_comment",
            to.name.clone(),
            match to.comment {
                Some(_) => format!("comment on {}", named("index", &to.name)),
                None => format!("remove the comment on {}", named("index", &to.name)),
            },
        ),
        TableChange::RenameIndex { from, to } => d(
            "rename_index",
            Some(to.clone()),
            format!("rename index `{from}` to `{to}`"),
        ),
        TableChange::SetComment { to, .. } => d(
            "set_comment",
            None,
            match to {
                Some(_) => "set the table comment".to_string(),
                None => "remove the table comment".to_string(),
            },
        ),
        TableChange::SetConstraintComment { name, to, .. } => d(
            "set_constraint_comment",
            Some(name.clone()),
            match to {
                Some(_) => format!("set the comment of constraint `{name}`"),
                None => format!("remove the comment of constraint `{name}`"),
            },
        ),
        TableChange::SetOptions { .. } => {
            d("set_options", None, "change table options".to_string())
        }
        TableChange::AddExclusion(x) => d(
            "add_exclusion",
            x.name.clone(),
            format!("add {}", named("exclusion constraint", &x.name)),
        ),
        TableChange::DropExclusion(x) => d(
            "drop_exclusion",
            x.name.clone(),
            format!("drop {}", named("exclusion constraint", &x.name)),
        ),
        TableChange::Inherit(p) => d("inherit", None, format!("inherit from `{p}`")),
        TableChange::NoInherit(p) => d("no_inherit", None, format!("stop inheriting from `{p}`")),
        TableChange::AttachPartition { parent, bound, .. } => d(
            "attach_partition",
            None,
            if bound.as_str().eq_ignore_ascii_case("default") {
                format!("attach as the default partition of `{parent}`")
            } else {
                format!("attach as a partition of `{parent}` for values {bound}")
            },
        ),
        TableChange::DetachPartition { parent, .. } => d(
            "detach_partition",
            None,
            format!("detach from partitioned table `{parent}`"),
        ),
        TableChange::Repartition { to, .. } => d(
            "repartition",
            None,
            match to {
                Some(by) => format!("partition by {by}"),
                None => "remove partitioning".to_string(),
            },
        ),
    }
}

fn column_changes(from: &Column, to: &Column, what: &ColumnChanges) -> String {
    let mut parts = Vec::new();
    if what.ty {
        parts.push(format!("type {} → {}", from.ty, to.ty));
    }
    if what.nullable {
        parts.push(if to.nullable {
            "drop not null".to_string()
        } else {
            "set not null".to_string()
        });
    }
    if what.default {
        parts.push(match &to.default {
            Some(d) => format!("default {d}"),
            None => "drop default".to_string(),
        });
    }
    parts.extend(super::summary::attribute_words(what, "generation").map(str::to_string));
    if parts.is_empty() {
        parts.push("attributes".to_string());
    }
    parts.join(", ")
}

/// What an `AlterDomain` changes, one `(kind, summary)` per attribute.
pub fn domain_details(
    from: &crate::ir::Domain,
    to: &crate::ir::Domain,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if from.ty != to.ty {
        out.push(("set_type", format!("base type {} → {}", from.ty, to.ty)));
    }
    if from.collation != to.collation {
        out.push(("set_collation", "collation".to_string()));
    }
    if from.default != to.default {
        out.push(match &to.default {
            Some(d) => ("set_default", format!("set default {d}")),
            None => ("drop_default", "drop default".to_string()),
        });
    }
    if from.not_null != to.not_null {
        out.push(if to.not_null {
            ("set_not_null", "set not null".to_string())
        } else {
            ("drop_not_null", "drop not null".to_string())
        });
    }
    for c in from.checks.iter().filter(|c| !to.checks.contains(c)) {
        out.push((
            "drop_check",
            format!(
                "drop check {}",
                c.name.as_deref().unwrap_or(c.expr.as_str())
            ),
        ));
    }
    for c in to.checks.iter().filter(|c| !from.checks.contains(c)) {
        out.push((
            "add_check",
            format!("add check {}", c.name.as_deref().unwrap_or(c.expr.as_str())),
        ));
    }
    if from.comment != to.comment {
        out.push(("set_comment", "comment".to_string()));
    }
    out
}
