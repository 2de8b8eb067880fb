//! Canonical spellings, so that a schema file and the database it was
//! applied to compare equal, and planning again right after is empty.
//!
//! SQLite keeps DDL text as written (and rewrites it on renames, quoting
//! the new name), so most of the work is on SQL fragments: expressions get
//! one spacing, lowercase keywords and identifiers (SQLite compares names
//! case-insensitively), no needless quotes and no outer parentheses. View
//! and trigger bodies only lose layout and needless quotes: their text
//! names the view's columns, so their case is kept.

use std::collections::{BTreeMap, BTreeSet};

use super::expr::{body, default, expr, expr_kept, tokenize, unquote};
use super::quote::ident_if_needed;
use super::types::type_name;
use crate::ir::{
    Check, Column, DialectKind, Expr, ForeignKey, Index, IndexKey, Name, Schema, Table, Trigger,
    Type, View,
};

pub fn schema(s: &Schema) -> Schema {
    let mut out = s.clone();
    out.dialect = Some(DialectKind::Sqlite);
    // Tables by lowercased name: SQLite resolves names case-insensitively,
    // and foreign keys look their parent up here.
    let by_name: BTreeMap<String, &Table> = s
        .tables
        .values()
        .map(|t| (name(&t.name).name.to_ascii_lowercase(), t))
        .collect();
    out.tables = s
        .tables
        .values()
        .map(|t| {
            let t = table(t, &by_name);
            (t.name.clone(), t)
        })
        .collect();
    let mut taken: BTreeSet<String> = out
        .tables
        .values()
        .flat_map(|t| t.indexes.iter().filter_map(|i| i.name.clone()))
        .collect();
    for t in out.tables.values_mut() {
        name_indexes(t, &mut taken);
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let names = known_names(s);
    let known = |n: &str| names.contains(&n.to_ascii_lowercase());
    out.views = s
        .views
        .values()
        .map(|v| {
            let v = view(v, &known);
            (v.name.clone(), v)
        })
        .collect();
    out.triggers = s
        .triggers
        .values()
        .map(|t| {
            let t = trigger(t, &known);
            ((t.table.clone(), t.name.clone()), t)
        })
        .collect();
    out
}

/// Every table, view and column name of the schema, lowercased: what a
/// double-quoted word in a view or trigger body may name.
fn known_names(s: &Schema) -> BTreeSet<String> {
    let tables = s
        .tables
        .values()
        .flat_map(|t| std::iter::once(&t.name.name).chain(t.columns.iter().map(|c| &c.name)));
    tables
        .chain(s.views.values().map(|v| &v.name.name))
        .map(|n| n.to_ascii_lowercase())
        .collect()
}

/// SQLite's only namespace strata manages is `main`.
pub fn name(n: &Name) -> Name {
    match n.schema.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("main") => Name::new(n.name.clone()),
        _ => n.clone(),
    }
}

fn table(t: &Table, tables: &BTreeMap<String, &Table>) -> Table {
    let mut t = t.clone();
    t.name = name(&t.name);
    t.renamed_from = t.renamed_from.as_ref().map(name);
    t.comment = None;
    let spelled = |n: &String| spelling(&t.columns, n);
    if let Some(p) = &mut t.primary_key {
        p.columns = p.columns.iter().map(spelled).collect();
    }
    for u in &mut t.uniques {
        u.columns = u.columns.iter().map(spelled).collect();
    }
    for fk in &mut t.foreign_keys {
        fk.columns = fk.columns.iter().map(spelled).collect();
    }
    for i in &mut t.indexes {
        for p in &mut i.parts {
            if let IndexKey::Column(c) = &p.key {
                p.key = IndexKey::Column(spelled(c));
            }
        }
    }
    let names: BTreeSet<String> = t
        .columns
        .iter()
        .map(|c| c.name.to_ascii_lowercase())
        .collect();
    let is_column = |n: &str| names.contains(&n.to_ascii_lowercase());
    let pk: BTreeSet<String> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.iter().cloned())
        .collect();
    let rowid_key = t
        .primary_key
        .as_ref()
        .filter(|p| p.columns.len() == 1)
        .map(|p| p.columns[0].clone());
    let without_rowid = t.options.contains_key("without_rowid");
    for c in &mut t.columns {
        // A WITHOUT ROWID key and the rowid alias (INTEGER PRIMARY KEY)
        // never hold NULL; any other key column does unless it says NOT
        // NULL (a quirk SQLite keeps), so it keeps what it says.
        let never_null = pk.contains(&c.name)
            && (without_rowid
                || (rowid_key.as_deref() == Some(c.name.as_str())
                    && type_name(c.ty.as_str()) == "integer"));
        column(c, never_null, &is_column);
        // An `integer` primary key is numbered by SQLite itself: an
        // identity asked for in a portable schema is what it already is.
        let numbered = rowid_key.as_deref() == Some(c.name.as_str())
            && c.ty.as_str() == "integer"
            && !matches!(c.identity, Some(crate::ir::Identity::AutoIncrement));
        if numbered {
            c.identity = None;
        }
    }
    for ch in &mut t.checks {
        // `CHECK ((a > 0))` keeps its inner parentheses: SQLite stores
        // the text as written, and the table is made again from this.
        ch.expr = Expr::new(expr_kept(ch.expr.as_str(), &is_column));
    }
    t.checks.sort_by(check_order);
    t.uniques
        .sort_by(|a, b| (&a.columns, &a.name).cmp(&(&b.columns, &b.name)));
    for fk in &mut t.foreign_keys {
        fk.ref_table = name(&fk.ref_table);
        let parent = if fk.ref_table.schema.is_none() {
            tables.get(&fk.ref_table.name.to_ascii_lowercase()).copied()
        } else {
            None
        };
        let Some(parent) = parent else {
            continue;
        };
        // SQLite matches table names case-insensitively.
        fk.ref_table = name(&parent.name);
        // `REFERENCES parent` without columns means its primary key.
        if fk.ref_columns.is_empty() {
            fk.ref_columns = parent
                .primary_key
                .as_ref()
                .map(|p| p.columns.clone())
                .unwrap_or_default();
        }
        fk.ref_columns = fk
            .ref_columns
            .iter()
            .map(|c| spelling(&parent.columns, c))
            .collect();
    }
    t.foreign_keys.sort_by(fk_order);
    for i in &mut t.indexes {
        index(i, &t.columns, &is_column);
    }
    let mut options = BTreeMap::new();
    for (k, v) in &t.options {
        let key = k.to_ascii_lowercase();
        let value = v.trim().to_ascii_lowercase();
        let flag = key == "without_rowid" || key == "strict";
        if flag && (value == "false" || value == "0" || value == "off") {
            continue;
        }
        let value = if flag { "true".to_string() } else { v.clone() };
        options.insert(key, value);
    }
    t.options = options;
    t
}

/// The column's own spelling of a name written in another case.
fn spelling(columns: &[Column], n: &str) -> String {
    columns
        .iter()
        .find(|c| c.name == n)
        .or_else(|| columns.iter().find(|c| c.name.eq_ignore_ascii_case(n)))
        .map(|c| c.name.clone())
        .unwrap_or_else(|| n.to_string())
}

fn check_order(a: &Check, b: &Check) -> std::cmp::Ordering {
    (&a.name, &a.expr).cmp(&(&b.name, &b.expr))
}

fn fk_order(a: &ForeignKey, b: &ForeignKey) -> std::cmp::Ordering {
    (&a.columns, &a.ref_table, &a.ref_columns, &a.name).cmp(&(
        &b.columns,
        &b.ref_table,
        &b.ref_columns,
        &b.name,
    ))
}

fn column(c: &mut Column, never_null: bool, is_column: &dyn Fn(&str) -> bool) {
    c.ty = Type::new(type_name(c.ty.as_str()));
    if never_null {
        c.nullable = false;
    }
    c.default = c.default.as_ref().and_then(|d| {
        // One name alone, bare or double-quoted, is a string to SQLite,
        // kept as written so the table made anew stores the very same
        // default text (`DEFAULT hello`, not `DEFAULT 'hello'`).
        if super::expr::name_alone(d.as_str()) {
            return Some(Expr::new(d.as_str().trim()));
        }
        // `DEFAULT (NULL)`, in any parentheses, is no default.
        let bare = expr(d.as_str(), &|_| false);
        let e = default(d.as_str());
        (!bare.eq_ignore_ascii_case("null") && !e.is_empty()).then(|| Expr::new(e))
    });
    if let Some(g) = &mut c.generated {
        g.expr = Expr::new(expr_kept(g.expr.as_str(), is_column));
        c.default = None;
    }
    c.collation = c
        .collation
        .as_ref()
        .map(|x| unquote_name(x).to_ascii_lowercase())
        .filter(|x| x != "binary");
    c.comment = None;
}

fn unquote_name(n: &str) -> String {
    if n.starts_with(['"', '[', '`', '\'']) {
        unquote(n)
    } else {
        n.to_string()
    }
}

fn index(i: &mut Index, columns: &[Column], is_column: &dyn Fn(&str) -> bool) {
    for p in &mut i.parts {
        if let IndexKey::Expr(written) = &p.key {
            // An expression keeps the parentheses around it, which the
            // server stores with the index's text; so does a column
            // written `(a)` (the column `a` to SQLite, but another text).
            let e = expr_kept(written.as_str(), is_column);
            let bare = columns.iter().find(|c| {
                c.name.eq_ignore_ascii_case(&e)
                    || expr_kept(&super::quote::ident(&c.name), is_column) == e
            });
            p.key = match bare {
                Some(c) => IndexKey::Column(c.name.clone()),
                None => IndexKey::Expr(Expr::new(e)),
            };
        }
        p.collation = p
            .collation
            .as_ref()
            .map(|x| unquote_name(x).to_ascii_lowercase());
        // NULLs sort first ascending and last descending in SQLite: saying
        // so is the default.
        if p.nulls_first == Some(!p.desc) {
            p.nulls_first = None;
        }
    }
    if i.method
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("btree"))
    {
        i.method = None;
    }
    i.predicate = i
        .predicate
        .as_ref()
        .map(|e| Expr::new(expr_kept(e.as_str(), is_column)));
    i.comment = None;
}

/// Gives every unnamed index the name strata creates it under:
/// `<table>_<columns>_idx` (`expr` for an expression), made unique.
fn name_indexes(t: &mut Table, taken: &mut BTreeSet<String>) {
    for i in &mut t.indexes {
        if i.name.is_some() {
            continue;
        }
        let n = unique_name(&generated_index_name(&t.name.name, i), taken);
        taken.insert(n.clone());
        i.name = Some(n);
    }
}

pub fn generated_index_name(table: &str, i: &Index) -> String {
    let mut parts = vec![table.to_string()];
    for p in &i.parts {
        parts.push(match &p.key {
            IndexKey::Column(c) => c.clone(),
            IndexKey::Expr(_) => "expr".to_string(),
        });
    }
    parts.push(if i.unique { "key" } else { "idx" }.to_string());
    parts.join("_")
}

fn unique_name(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

fn view(v: &View, known: &dyn Fn(&str) -> bool) -> View {
    let mut v = v.clone();
    v.name = name(&v.name);
    v.renamed_from = v.renamed_from.as_ref().map(name);
    v.body = body(&v.body, known);
    v.comment = None;
    v
}

fn trigger(t: &Trigger, known: &dyn Fn(&str) -> bool) -> Trigger {
    let mut t = t.clone();
    t.table = name(&t.table);
    t.timing = words(&t.timing);
    t.events = t.events.iter().map(|e| event(e)).collect();
    // SQLite has row triggers only.
    t.for_each_row = true;
    t.when = t
        .when
        .as_ref()
        .map(|w| Expr::new(expr_kept(w.as_str(), known)));
    t.body = body(&t.body, known);
    // SQLite stores BEGIN … END; a schema may give the statements alone.
    let starts = tokenize(&t.body)
        .first()
        .is_some_and(|w| w.is_word("begin"));
    if !starts && !t.body.is_empty() {
        t.body = format!("BEGIN {}; END", t.body.trim_end_matches(';'));
    }
    t
}

fn words(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `UPDATE OF "a",b` → `update of a, b`.
fn event(e: &str) -> String {
    let toks = tokenize(e);
    let mut out = Vec::new();
    let mut names = Vec::new();
    let mut in_names = false;
    for t in &toks {
        if in_names {
            if !t.is_op(",") {
                names.push(ident_if_needed(&t.name()));
            }
        } else {
            out.push(t.text.to_ascii_lowercase());
            in_names = t.is_word("of");
        }
    }
    let mut s = out.join(" ");
    if !names.is_empty() {
        s.push(' ');
        s.push_str(&names.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(
            body(
                "select  \"id\",\n  \"Name\" -- c\n from \"users\";",
                &|_| true
            ),
            "select id, Name from users"
        );
        assert_eq!(
            body("BEGIN SELECT 1; END", &|_| true),
            "BEGIN SELECT 1; END"
        );
        let t = Trigger {
            name: "t".into(),
            table: Name::new("x"),
            timing: "AFTER".into(),
            events: vec!["UPDATE OF \"a\",b".into()],
            for_each_row: false,
            when: None,
            body: "update x set a = 1;".into(),
            options: Default::default(),
            comment: None,
        };
        let n = trigger(&t, &|_| true);
        assert_eq!(n.body, "BEGIN update x set a = 1; END");
        assert_eq!(n.events, vec!["update of a, b"]);
        assert_eq!((n.timing.as_str(), n.for_each_row), ("after", true));
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;
    use crate::ir::{Identity, IndexPart, PrimaryKey};

    fn part(key: IndexKey) -> IndexPart {
        IndexPart::new(key)
    }

    #[test]
    fn canonical_tables() {
        let mut t = Table::new(Name::qualified("main", "Users"));
        let mut id = Column::new("Id", "INTEGER");
        id.nullable = true;
        id.identity = Some(Identity::ByDefault {
            options: Default::default(),
        });
        let mut email = Column::new("email", "VARCHAR ( 80 )");
        email.default = Some(Expr::new("(NULL)"));
        email.collation = Some("BINARY".into());
        t.columns = vec![id, email];
        t.primary_key = Some(PrimaryKey::on(vec!["id".into()]));
        t.indexes.push(Index {
            name: None,
            parts: vec![
                part(IndexKey::Expr(Expr::new("\"EMAIL\""))),
                part(IndexKey::Expr(Expr::new("(\"EMAIL\")"))),
            ],
            unique: true,
            method: Some("btree".into()),
            include: Vec::new(),
            predicate: Some(Expr::new("Email IS NOT NULL")),
            nulls_not_distinct: false,
            comment: Some("x".into()),
            renamed_from: None,
            options: Default::default(),
            invalid: false,
            attached_to: None,
        });
        t.options.insert("STRICT".into(), "TRUE".into());
        t.options.insert("without_rowid".into(), "false".into());
        let mut s = Schema::default();
        s.tables.insert(t.name.clone(), t);
        let n = schema(&s);
        let t = &n.tables[&Name::new("Users")];
        let id = &t.columns[0];
        assert!(!id.nullable, "key columns are NOT NULL");
        assert_eq!(id.identity, None, "an integer key is numbered anyway");
        assert_eq!(id.ty.as_str(), "integer");
        assert_eq!(
            t.primary_key.as_ref().map(|p| p.columns.clone()),
            Some(vec!["Id".to_string()])
        );
        let email = &t.columns[1];
        assert_eq!(
            (email.ty.as_str(), &email.default, &email.collation),
            ("varchar(80)", &None, &None)
        );
        let i = &t.indexes[0];
        assert_eq!(i.name.as_deref(), Some("Users_email_expr_key"));
        assert_eq!(i.parts[0].key, IndexKey::Column("email".into()));
        // SQLite stores `(email)` as written: the same column, another text.
        assert_eq!(i.parts[1].key, IndexKey::Expr(Expr::new("(email)")));
        assert_eq!(i.method, None);
        assert_eq!(i.predicate, Some(Expr::new("email is not null")));
        assert_eq!(t.options.len(), 1);
        assert_eq!(t.options.get("strict").map(String::as_str), Some("true"));
        assert_eq!(schema(&n), n, "idempotent");
    }
}
