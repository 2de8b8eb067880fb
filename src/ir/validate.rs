//! Checks that a schema makes sense on its own: references resolve, names
//! are unique, keys are well formed. Reports every problem, not the first.
//!
//! Each rule family lives in its own file under `validate/` with its tests
//! at the bottom; the codes are listed in docs/errors.md. The
//! IR carries no spans: a problem names the object it concerns through an
//! [`ObjectRef`], and the syntax layer maps that to a source location.

mod beside_tables;
mod case_folding;
mod foreign_keys;
mod identifiers;
mod implicit_sequences;
mod inheritance;
mod inherited;
mod objects;
mod overloads;
mod pg_objects;
mod security;
mod suggest;
mod tables;
mod types;
mod view_refs;

pub(crate) use foreign_keys::is_key;
pub use suggest::{did_you_mean, edit_distance};
pub use types::{fold_type, is_integer_type, sqlite_affinity};

use super::{ObjectRef, Schema};

/// One problem found in a schema, pointing at the object concerned (and,
/// for duplicates, at the other one too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable code, listed in docs/errors.md (e.g. `E0204`).
    pub code: &'static str,
    pub message: String,
    pub at: ObjectRef,
    /// What the label under the span says.
    pub label: String,
    pub help: Option<String>,
    pub related: Option<(ObjectRef, String)>,
}

impl Problem {
    fn new(
        code: &'static str,
        at: ObjectRef,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Problem {
        Problem {
            code,
            message: message.into(),
            at,
            label: label.into(),
            help: None,
            related: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    fn maybe_help(mut self, help: Option<String>) -> Problem {
        self.help = help;
        self
    }

    fn related(mut self, at: ObjectRef, label: impl Into<String>) -> Problem {
        self.related = Some((at, label.into()));
        self
    }
}

/// Every problem of a schema, in a deterministic order: schema-wide
/// objects first (enums, sequences), then each table in name order, then
/// views, triggers and names that clash across a namespace.
pub fn validate(schema: &Schema) -> Vec<Problem> {
    let mut out = Vec::new();
    beside_tables::enums(schema, &mut out);
    beside_tables::sequences(schema, &mut out);
    implicit_sequences::taken_names(schema, &mut out);
    objects::domains(schema, &mut out);
    objects::composites(schema, &mut out);
    let known_types = types::KnownTypes::new(schema);
    let table_names = suggest::TableNames::new(schema);
    for table in schema.tables.values() {
        let whole = inherited::effective(schema, table);
        inheritance::check(schema, &table_names, table, &mut out);
        tables::check(schema, &whole, &mut out);
        foreign_keys::check(schema, &table_names, &whole, &mut out);
        types::check_columns(schema, &known_types, table, &mut out);
        objects::exclusions(&whole, &mut out);
        objects::constraint_comments(schema, table, &mut out);
        objects::column_statistics(schema, table, &mut out);
        objects::column_distinct(schema, table, &mut out);
        objects::key_method(schema, table, &mut out);
        objects::key_prefixes(schema, table, &mut out);
        objects::descending_keys(schema, table, &mut out);
        objects::column_toast(schema, table, &mut out);
        objects::only_indexes(schema, table, &mut out);
    }
    beside_tables::views(schema, &mut out);
    beside_tables::triggers(schema, &mut out);
    pg_objects::view_column_comments(schema, &mut out);
    pg_objects::statistics(schema, &mut out);
    overloads::check(schema, &mut out);
    beside_tables::namespace_clashes(schema, &mut out);
    security::policies(schema, &mut out);
    security::grants(schema, &mut out);
    security::dialect(schema, &mut out);
    identifiers::check(schema, &mut out);
    case_folding::check(schema, &mut out);
    out
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small builders so that each rule's tests read as the schema they test.
    use crate::ir::{Column, DialectKind, Name, PrimaryKey, Schema, Table};

    pub fn table(name: &str, cols: &[(&str, &str)]) -> Table {
        let mut t = Table::new(Name::new(name));
        for (c, ty) in cols {
            t.columns.push(Column::new(*c, *ty));
        }
        t
    }

    pub fn with_pk(mut t: Table, cols: &[&str]) -> Table {
        t.primary_key = Some(PrimaryKey::on(cols.iter().map(|c| c.to_string()).collect()));
        t
    }

    pub fn schema(tables: Vec<Table>) -> Schema {
        let mut s = Schema::default();
        for t in tables {
            s.tables.insert(t.name.clone(), t);
        }
        s
    }

    pub fn pg(mut s: Schema) -> Schema {
        s.dialect = Some(DialectKind::Postgres);
        s
    }

    pub fn codes(s: &Schema) -> Vec<&'static str> {
        super::validate(s).into_iter().map(|p| p.code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn a_sound_schema_has_no_problems() {
        let users = with_pk(
            table("users", &[("id", "bigint"), ("email", "text")]),
            &["id"],
        );
        let mut orders = with_pk(
            table("orders", &[("id", "uuid"), ("user_id", "int8")]),
            &["id"],
        );
        orders.foreign_keys.push(crate::ir::ForeignKey {
            comment: None,
            name: None,
            columns: vec!["user_id".into()],
            ref_table: crate::ir::Name::new("users"),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        });
        assert_eq!(validate(&pg(schema(vec![users, orders]))), vec![]);
    }

    /// A long chain of 10,000 tables, each keyed to the one before, is
    /// valid. How fast is measured by `cargo bench --bench parse`
    /// (docs/performance.md), not here: a timed assertion fails on a
    /// loaded machine without anything being wrong.
    #[test]
    fn a_chain_of_ten_thousand_tables_validates() {
        let mut s = pg(schema(vec![]));
        s.enums.insert(
            crate::ir::Name::new("mood"),
            crate::ir::Enum {
                name: crate::ir::Name::new("mood"),
                values: vec!["a".into()],
                comment: None,
            },
        );
        for i in 0..10_000 {
            let mut cols: Vec<(String, &str)> = vec![("id".into(), "bigint"), ("m".into(), "mood")];
            for c in 0..13 {
                cols.push((format!("c{c}"), "text"));
            }
            let cols: Vec<(&str, &str)> = cols.iter().map(|(a, b)| (a.as_str(), *b)).collect();
            let mut t = with_pk(table(&format!("t{i}"), &cols), &["id"]);
            if i > 0 {
                t.foreign_keys.push(crate::ir::ForeignKey {
                    comment: None,
                    name: None,
                    columns: vec!["id".into()],
                    ref_table: crate::ir::Name::new(format!("t{}", i - 1)),
                    ref_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    deferral: Default::default(),
                    match_type: Default::default(),
                    not_valid: false,
                    renamed_from: None,
                    attached_to: None,
                });
            }
            s.tables.insert(t.name.clone(), t);
        }
        assert_eq!(s.tables.len(), 10_000);
        assert_eq!(validate(&s), vec![]);
    }

    #[test]
    fn reports_every_problem_not_the_first() {
        let a = table("a", &[]);
        let b = table("b", &[]);
        assert_eq!(codes(&schema(vec![a, b])), vec!["E0201", "E0201"]);
    }
}
