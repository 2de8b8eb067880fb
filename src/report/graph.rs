//! The schema as an entity–relationship diagram: tables are nodes, foreign
//! keys are edges of a petgraph [`Graph`], rendered as Mermaid
//! (`erDiagram`) or Graphviz DOT. Output is deterministic: nodes are added
//! in the schema's name order and edges in table then key order.
//!
//! The pull-request preview draws only the changed tables and their
//! neighbours, with each change marked ([`Diagram::of_changes`]).

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{Graph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::diff::{Change, TableChange};
use crate::ir::{Column, ForeignKey, IndexKey, Name, Schema, Table};

/// How a table, column or relationship changed, for the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Added,
    Altered,
    Dropped,
    Renamed,
}

impl Mark {
    pub fn word(self) -> &'static str {
        match self {
            Mark::Added => "added",
            Mark::Altered => "altered",
            Mark::Dropped => "dropped",
            Mark::Renamed => "renamed",
        }
    }

    fn sign(self) -> &'static str {
        match self {
            Mark::Added => "+",
            Mark::Altered => "~",
            Mark::Dropped => "-",
            Mark::Renamed => "→",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Mark::Added => "#2da44e",
            Mark::Altered => "#bf8700",
            Mark::Dropped => "#cf222e",
            Mark::Renamed => "#0969da",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: Name,
    pub columns: Vec<Attribute>,
    pub mark: Option<Mark>,
    /// The old name, when the table was renamed.
    pub renamed_from: Option<Name>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub ty: String,
    pub nullable: bool,
    pub primary: bool,
    pub foreign: bool,
    pub unique: bool,
    pub mark: Option<Mark>,
}

/// One foreign key, from the referencing table to the referenced one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub columns: Vec<String>,
    pub ref_columns: Vec<String>,
    /// Some referencing column is nullable: the parent is optional.
    pub optional: bool,
    /// The key columns are part of the child's primary key.
    pub identifying: bool,
    pub mark: Option<Mark>,
}

/// Tables and the foreign keys between them.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    pub graph: Graph<Entity, Relation>,
}

impl Diagram {
    /// Every table of a schema. A foreign key to a table the schema does
    /// not have is left out (validation reports it).
    pub fn from_schema(schema: &Schema) -> Diagram {
        let tables: Vec<(&Table, Option<Mark>)> =
            schema.tables.values().map(|t| (t, None)).collect();
        Diagram::build(&tables, &BTreeMap::new(), &BTreeMap::new())
    }

    /// The tables a change set touches, marked, with the tables they
    /// reference or are referenced by (unmarked, as context). `from` and
    /// `to` are the schemas on both sides: a dropped table is drawn from
    /// `from`, everything else from `to`.
    pub fn of_changes(from: &Schema, to: &Schema, changes: &[&Change]) -> Diagram {
        let mut table_marks: BTreeMap<Name, Mark> = BTreeMap::new();
        let mut column_marks: BTreeMap<(Name, String), Mark> = BTreeMap::new();
        let mut dropped_columns: BTreeMap<Name, Vec<Column>> = BTreeMap::new();
        let mut fk_marks: BTreeMap<(Name, Vec<String>), Mark> = BTreeMap::new();
        let mut renamed: BTreeMap<Name, Name> = BTreeMap::new();
        let mut dropped_fks: Vec<(Name, ForeignKey)> = Vec::new();
        for change in changes {
            match change {
                Change::CreateTable(t) => {
                    table_marks.insert(t.name.clone(), Mark::Added);
                }
                Change::DropTable(t) => {
                    table_marks.insert(t.name.clone(), Mark::Dropped);
                }
                Change::AlterTable {
                    to: new, changes, ..
                } => {
                    let name = new.name.clone();
                    let mut mark = Mark::Altered;
                    for tc in changes {
                        match tc {
                            TableChange::RenameTable { from, .. } => {
                                renamed.insert(name.clone(), from.clone());
                                if changes.len() == 1 {
                                    mark = Mark::Renamed;
                                }
                            }
                            TableChange::AddColumn(c) => {
                                column_marks.insert((name.clone(), c.name.clone()), Mark::Added);
                            }
                            TableChange::DropColumn(c) => {
                                column_marks.insert((name.clone(), c.name.clone()), Mark::Dropped);
                                dropped_columns
                                    .entry(name.clone())
                                    .or_default()
                                    .push(c.clone());
                            }
                            TableChange::RenameColumn { to, .. } => {
                                column_marks.insert((name.clone(), to.clone()), Mark::Renamed);
                            }
                            TableChange::AlterColumn { to, .. } => {
                                column_marks.insert((name.clone(), to.name.clone()), Mark::Altered);
                            }
                            TableChange::AddForeignKey(fk) => {
                                fk_marks.insert((name.clone(), fk.columns.clone()), Mark::Added);
                            }
                            TableChange::DropForeignKey(fk) => {
                                // Drawn from the old table only when it is
                                // not re-added (a changed key is "altered").
                                let key = (name.clone(), fk.columns.clone());
                                match fk_marks.get(&key) {
                                    Some(Mark::Added) => {
                                        fk_marks.insert(key, Mark::Altered);
                                    }
                                    _ => {
                                        fk_marks.insert(key, Mark::Dropped);
                                        dropped_fks.push((name.clone(), fk.clone()));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    table_marks.insert(name, mark);
                }
                _ => {}
            }
        }
        // An added key re-added after its drop is also "altered".
        for change in changes {
            if let Change::AlterTable {
                to: new, changes, ..
            } = change
            {
                for tc in changes {
                    if let TableChange::AddForeignKey(fk) = tc {
                        let key = (new.name.clone(), fk.columns.clone());
                        if fk_marks.get(&key) == Some(&Mark::Dropped) {
                            fk_marks.insert(key, Mark::Altered);
                            dropped_fks
                                .retain(|(t, f)| !(*t == new.name && f.columns == fk.columns));
                        }
                    }
                }
            }
        }

        // The drawn tables: changed ones, then their neighbours.
        let mut all: BTreeMap<Name, (Table, Option<Mark>)> = to
            .tables
            .iter()
            .map(|(n, t)| (n.clone(), (t.clone(), table_marks.get(n).copied())))
            .collect();
        for (name, mark) in &table_marks {
            if *mark == Mark::Dropped {
                if let Some(t) = from.tables.get(name) {
                    all.insert(name.clone(), (t.clone(), Some(Mark::Dropped)));
                }
            }
        }
        for (name, cols) in &dropped_columns {
            if let Some((t, _)) = all.get_mut(name) {
                t.columns.extend(cols.iter().cloned());
            }
        }
        // A dropped key is drawn (marked) from the table that had it.
        for (name, fk) in &dropped_fks {
            if let Some((t, _)) = all.get_mut(name) {
                t.foreign_keys.push(fk.clone());
            }
        }
        let mut keep: BTreeSet<Name> = table_marks.keys().cloned().collect();
        for (name, (t, _)) in &all {
            for fk in &t.foreign_keys {
                if table_marks.contains_key(name) {
                    keep.insert(fk.ref_table.clone());
                }
                if table_marks.contains_key(&fk.ref_table) {
                    keep.insert(name.clone());
                }
            }
        }
        // The dropped table's own keys are in `from`; its neighbours too.
        for (name, mark) in &table_marks {
            if *mark == Mark::Dropped {
                if let Some(t) = from.tables.get(name) {
                    keep.extend(t.foreign_keys.iter().map(|fk| fk.ref_table.clone()));
                }
            }
        }
        let tables: Vec<(&Table, Option<Mark>)> = all
            .values()
            .filter(|(t, _)| keep.contains(&t.name))
            .map(|(t, m)| (t, *m))
            .collect();
        let mut d = Diagram::build(&tables, &column_marks, &fk_marks);
        for node in d.graph.node_weights_mut() {
            node.renamed_from = renamed.get(&node.name).cloned();
        }
        d
    }

    fn build(
        tables: &[(&Table, Option<Mark>)],
        column_marks: &BTreeMap<(Name, String), Mark>,
        fk_marks: &BTreeMap<(Name, Vec<String>), Mark>,
    ) -> Diagram {
        let mut graph = Graph::new();
        let mut index: BTreeMap<&Name, NodeIndex> = BTreeMap::new();
        for (t, mark) in tables {
            let node = graph.add_node(entity(t, *mark, column_marks));
            index.insert(&t.name, node);
        }
        for (t, _) in tables {
            for fk in &t.foreign_keys {
                let target =
                    index
                        .get(&fk.ref_table)
                        .or_else(|| match fk.ref_table.schema.as_deref() {
                            Some("public") => index.get(&Name::new(fk.ref_table.name.clone())),
                            _ => None,
                        });
                let (Some(&src), Some(&dst)) = (index.get(&t.name), target) else {
                    continue;
                };
                let pk: BTreeSet<&str> = t
                    .primary_key
                    .iter()
                    .flat_map(|p| p.columns.iter().map(String::as_str))
                    .collect();
                graph.add_edge(
                    src,
                    dst,
                    Relation {
                        columns: fk.columns.clone(),
                        ref_columns: fk.ref_columns.clone(),
                        optional: fk
                            .columns
                            .iter()
                            .any(|c| t.column(c).is_some_and(|c| c.nullable)),
                        identifying: fk.columns.iter().all(|c| pk.contains(c.as_str())),
                        mark: fk_marks.get(&(t.name.clone(), fk.columns.clone())).copied(),
                    },
                );
            }
        }
        Diagram { graph }
    }

    /// Names of the tables drawn, in order.
    pub fn tables(&self) -> Vec<&Name> {
        self.graph.node_weights().map(|e| &e.name).collect()
    }

    /// Tables that reference `name` (incoming foreign keys).
    pub fn referenced_by(&self, name: &Name) -> Vec<&Name> {
        let Some(n) = self
            .graph
            .node_indices()
            .find(|i| self.graph[*i].name == *name)
        else {
            return Vec::new();
        };
        let mut out: Vec<&Name> = self
            .graph
            .edges_directed(n, Direction::Incoming)
            .map(|e| &self.graph[e.source()].name)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A Mermaid `erDiagram` (without the surrounding code fence).
    pub fn mermaid(&self) -> String {
        let ids = MermaidIds::new(self);
        let mut out = String::from("erDiagram\n");
        for (i, e) in self.graph.node_indices().zip(self.graph.node_weights()) {
            let id = &ids.0[i.index()];
            let mut label = e.name.to_string();
            if let Some(old) = &e.renamed_from {
                label = format!("{label} (renamed from {old})");
            }
            if let Some(m) = e.mark {
                if m != Mark::Renamed || e.renamed_from.is_none() {
                    label = format!("{label} ({})", m.word());
                }
            }
            if label != *id {
                out.push_str(&format!("    {id}[\"{}\"]", mermaid_text(&label)));
            } else {
                out.push_str(&format!("    {id}"));
            }
            if e.columns.is_empty() {
                out.push('\n');
                continue;
            }
            out.push_str(" {\n");
            for a in &e.columns {
                out.push_str(&format!(
                    "        {} {}",
                    mermaid_word(&a.ty),
                    mermaid_word(&a.name)
                ));
                let keys: Vec<&str> = [(a.primary, "PK"), (a.foreign, "FK"), (a.unique, "UK")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, k)| *k)
                    .collect();
                if !keys.is_empty() {
                    out.push(' ');
                    out.push_str(&keys.join(", "));
                }
                let mut notes = Vec::new();
                if a.nullable {
                    notes.push("null".to_string());
                }
                if let Some(m) = a.mark {
                    notes.push(format!("{} {}", m.sign(), m.word()));
                }
                if !notes.is_empty() {
                    out.push_str(&format!(" \"{}\"", mermaid_text(&notes.join(", "))));
                }
                out.push('\n');
            }
            out.push_str("    }\n");
        }
        for edge in self.graph.edge_references() {
            let r = edge.weight();
            let child = &ids.0[edge.source().index()];
            let parent = &ids.0[edge.target().index()];
            let parent_end = if r.optional { "|o" } else { "||" };
            let line = if r.identifying { "--" } else { ".." };
            let mut label = r.columns.join(", ");
            if let Some(m) = r.mark {
                label = format!("{} {label} ({})", m.sign(), m.word());
            }
            out.push_str(&format!(
                "    {parent} {parent_end}{line}o{{ {child} : \"{}\"\n",
                mermaid_text(&label)
            ));
        }
        out
    }

    /// A Graphviz `digraph` with one HTML-like table per entity.
    pub fn dot(&self) -> String {
        let mut out = String::from(
            "digraph schema {\n    graph [rankdir=LR];\n    node [shape=plain, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n",
        );
        for e in self.graph.node_weights() {
            let head_colour = e.mark.map_or("#eeeeee", Mark::colour);
            let mut title = html(&e.name.to_string());
            if let Some(old) = &e.renamed_from {
                title = format!("{title} <i>(was {})</i>", html(&old.to_string()));
            }
            if let Some(m) = e.mark {
                title = format!("{title} <i>({})</i>", m.word());
            }
            out.push_str(&format!(
                "    \"{}\" [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n        <tr><td bgcolor=\"{head_colour}\"><b>{title}</b></td></tr>\n",
                dot_id(&e.name.to_string())
            ));
            for a in &e.columns {
                let mut keys = Vec::new();
                if a.primary {
                    keys.push("PK");
                }
                if a.foreign {
                    keys.push("FK");
                }
                if a.unique {
                    keys.push("UK");
                }
                let mut text = format!(
                    "{}: {}{}",
                    html(&a.name),
                    html(&a.ty),
                    if a.nullable { "?" } else { "" }
                );
                if !keys.is_empty() {
                    text = format!("{text} [{}]", keys.join(", "));
                }
                let mut cell = format!("<td port=\"{}\" align=\"left\"", html(&a.name));
                if let Some(m) = a.mark {
                    cell.push_str(&format!(" bgcolor=\"{}\"", m.colour()));
                    text = format!("{text} ({})", m.word());
                }
                if a.mark == Some(Mark::Dropped) {
                    text = format!("<s>{text}</s>");
                }
                out.push_str(&format!("        <tr>{cell}>{text}</td></tr>\n"));
            }
            out.push_str("    </table>>];\n");
        }
        for edge in self.graph.edge_references() {
            let r = edge.weight();
            let child = &self.graph[edge.source()];
            let parent = &self.graph[edge.target()];
            let from_port = r.columns.first().map(|c| format!(":\"{}\"", dot_id(c)));
            let to_port = r.ref_columns.first().map(|c| format!(":\"{}\"", dot_id(c)));
            let mut attrs = vec![format!("label=\"{}\"", dot_id(&r.columns.join(", ")))];
            if r.optional {
                attrs.push("style=dashed".into());
            }
            if let Some(m) = r.mark {
                attrs.push(format!("color=\"{}\"", m.colour()));
            }
            out.push_str(&format!(
                "    \"{}\"{} -> \"{}\"{} [{}];\n",
                dot_id(&child.name.to_string()),
                from_port.unwrap_or_default(),
                dot_id(&parent.name.to_string()),
                to_port.unwrap_or_default(),
                attrs.join(", ")
            ));
        }
        out.push_str("}\n");
        out
    }
}

fn entity(t: &Table, mark: Option<Mark>, column_marks: &BTreeMap<(Name, String), Mark>) -> Entity {
    let pk: BTreeSet<&str> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.iter().map(String::as_str))
        .collect();
    let fk: BTreeSet<&str> = t
        .foreign_keys
        .iter()
        .flat_map(|f| f.columns.iter().map(String::as_str))
        .collect();
    // A column is marked unique when it alone is a unique key.
    let mut unique: BTreeSet<&str> = t
        .uniques
        .iter()
        .filter(|u| u.columns.len() == 1)
        .map(|u| u.columns[0].as_str())
        .collect();
    unique.extend(t.indexes.iter().filter_map(|i| match i.parts.as_slice() {
        [part] if i.unique && i.predicate.is_none() => match &part.key {
            IndexKey::Column(c) => Some(c.as_str()),
            IndexKey::Expr(_) => None,
        },
        _ => None,
    }));
    Entity {
        name: t.name.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| Attribute {
                name: c.name.clone(),
                ty: c.ty.to_string(),
                nullable: c.nullable,
                primary: pk.contains(c.name.as_str()),
                foreign: fk.contains(c.name.as_str()),
                unique: unique.contains(c.name.as_str()) && !pk.contains(c.name.as_str()),
                mark: column_marks.get(&(t.name.clone(), c.name.clone())).copied(),
            })
            .collect(),
        mark,
        renamed_from: None,
    }
}

/// Mermaid entity ids: letters, digits, `_` and `-` only, unique.
struct MermaidIds(Vec<String>);

impl MermaidIds {
    fn new(d: &Diagram) -> MermaidIds {
        let mut used = BTreeSet::new();
        let mut ids = Vec::new();
        for e in d.graph.node_weights() {
            let base = mermaid_word(&e.name.to_string()).replace(['(', ')', '[', ']'], "_");
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            ids.push(id);
        }
        MermaidIds(ids)
    }
}

/// A Mermaid attribute word: the characters its grammar accepts in a type
/// or a name; anything else becomes `_` (`numeric(12,2)` → `numeric(12_2)`).
fn mermaid_word(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '(' | ')' | '[' | ']') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        out.insert(0, '_');
    }
    out
}

/// Text inside a Mermaid double-quoted string, which has no escapes.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "'")
}

fn dot_id(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_sanitized() {
        assert_eq!(mermaid_word("numeric(12,2)"), "numeric(12_2)");
        assert_eq!(
            mermaid_word("timestamp with time zone"),
            "timestamp_with_time_zone"
        );
        assert_eq!(mermaid_word("1st"), "_1st");
        assert_eq!(mermaid_word(""), "_");
        assert_eq!(html("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
