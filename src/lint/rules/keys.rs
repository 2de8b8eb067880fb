//! The access paths of a table in one shape: its primary key, unique
//! constraints and indexes, each as the ordered list of what it sorts by.
//! The index rules (`fk-without-index`, `duplicate-index`,
//! `redundant-index`, `nullable-unique-key`) compare these.

use crate::ir::{Expr, IndexKey, IndexPart, ObjectRef, Table};

/// A primary key, unique constraint or index of one table.
#[derive(Debug, Clone)]
pub struct Access<'t> {
    pub at: ObjectRef,
    /// `primary key`, `unique (a, b)`, `index orders_at`: for messages.
    pub label: String,
    pub parts: Vec<Part<'t>>,
    pub unique: bool,
    /// `btree` when the schema names none (every dialect's default).
    pub method: String,
    pub predicate: Option<&'t Expr>,
    pub include: &'t [String],
    pub nulls_not_distinct: bool,
}

/// What a part sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'t> {
    Column(&'t str),
    Expr(&'t Expr),
}

/// One key part; a constraint's parts are plain ascending columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'t> {
    pub key: Key<'t>,
    pub desc: bool,
    pub nulls_first: Option<bool>,
    pub collation: Option<&'t str>,
    pub opclass: Option<&'t str>,
    pub length: Option<u32>,
}

impl<'t> Part<'t> {
    fn column(name: &'t str) -> Part<'t> {
        Part {
            key: Key::Column(name),
            desc: false,
            nulls_first: None,
            collation: None,
            opclass: None,
            length: None,
        }
    }

    fn of(p: &'t IndexPart) -> Part<'t> {
        Part {
            key: match &p.key {
                IndexKey::Column(c) => Key::Column(c),
                IndexKey::Expr(e) => Key::Expr(e),
            },
            desc: p.desc,
            nulls_first: p.nulls_first,
            collation: p.collation.as_deref(),
            opclass: p.opclass.as_deref(),
            length: p.length,
        }
    }

    /// The column, when the part is a whole column (no expression, no
    /// MySQL prefix length).
    pub fn column_name(&self) -> Option<&'t str> {
        match self.key {
            Key::Column(c) if self.length.is_none() => Some(c),
            _ => None,
        }
    }
}

impl Access<'_> {
    /// Whether it can serve an ordered lookup by a prefix of its parts.
    pub fn is_btree(&self) -> bool {
        self.method == "btree"
    }

    /// `(a, b)`.
    pub fn columns_text(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| match p.key {
                Key::Column(c) => c.to_string(),
                Key::Expr(e) => format!("({e})"),
            })
            .collect();
        format!("({})", parts.join(", "))
    }
}

/// Every access path of a table, in a fixed order: primary key, unique
/// constraints, indexes.
pub fn of(table: &Table) -> Vec<Access<'_>> {
    let name = &table.name;
    let mut out = Vec::new();
    if let Some(pk) = &table.primary_key {
        out.push(constraint(
            ObjectRef::PrimaryKey {
                table: name.clone(),
            },
            "primary key".into(),
            &pk.columns,
            false,
        ));
    }
    for (i, u) in table.uniques.iter().enumerate() {
        let label = match &u.name {
            Some(n) => format!("unique constraint `{n}`"),
            None => "unique constraint".into(),
        };
        out.push(constraint(
            ObjectRef::Unique {
                table: name.clone(),
                index: i,
            },
            label,
            &u.columns,
            u.nulls_not_distinct,
        ));
    }
    for (i, ix) in table.indexes.iter().enumerate() {
        let label = match &ix.name {
            Some(n) => format!("index `{n}`"),
            None => "index".into(),
        };
        out.push(Access {
            at: ObjectRef::Index {
                table: name.clone(),
                index: i,
            },
            label,
            parts: ix.parts.iter().map(Part::of).collect(),
            unique: ix.unique,
            method: ix.method.as_deref().unwrap_or("btree").to_ascii_lowercase(),
            predicate: ix.predicate.as_ref(),
            include: &ix.include,
            nulls_not_distinct: ix.nulls_not_distinct,
        });
    }
    out
}

fn constraint<'t>(
    at: ObjectRef,
    label: String,
    columns: &'t [String],
    nulls_not_distinct: bool,
) -> Access<'t> {
    Access {
        at,
        label,
        parts: columns.iter().map(|c| Part::column(c)).collect(),
        unique: true,
        method: "btree".into(),
        predicate: None,
        include: &[],
        nulls_not_distinct,
    }
}
