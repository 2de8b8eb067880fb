//! The lint rules, one per file (its function, then its tests), and the
//! registry [`ALL`]. A new rule is a file here, a line in `ALL`, a page
//! `docs/lint/<id>.md` (compiled in by the rule's `docs` field) and a
//! line in docs/lint.md's list; `tests::every_rule_is_documented` holds
//! the last two to it.

mod char_instead_of_text;
mod duplicate_index;
mod fk_affinity_mismatch;
mod fk_narrower_than_key;
mod fk_target_not_key;
mod fk_without_index;
mod float_for_money;
mod int_key_overflow;
mod json_instead_of_jsonb;
mod keys;
mod keywords;
mod money_type;
mod nullable_unique_key;
mod redundant_index;
mod reserved_word;
mod table_without_primary_key;
mod timestamp_without_time_zone;
mod utf8mb3_charset;
mod varchar_instead_of_text;

pub use keywords::{MYSQL_RESERVED, POSTGRES_RESERVED};

use super::{Context, Hit, Rule};
use crate::ir::validate::fold_type;
use crate::ir::{Column, ObjectRef, Table};

/// Every rule, in id order.
pub static ALL: &[&Rule] = &[
    &char_instead_of_text::RULE,
    &duplicate_index::RULE,
    &fk_affinity_mismatch::RULE,
    &fk_narrower_than_key::RULE,
    &fk_target_not_key::RULE,
    &fk_without_index::RULE,
    &float_for_money::RULE,
    &int_key_overflow::RULE,
    &json_instead_of_jsonb::RULE,
    &money_type::RULE,
    &nullable_unique_key::RULE,
    &redundant_index::RULE,
    &reserved_word::RULE,
    &table_without_primary_key::RULE,
    &timestamp_without_time_zone::RULE,
    &utf8mb3_charset::RULE,
    &varchar_instead_of_text::RULE,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|r| r.id)
}

/// A column type folded to one spelling per meaning (`int4` → `integer`,
/// `timestamp(3) without time zone` → `timestamp`), modifiers and array
/// brackets dropped.
fn element_type(ty: &crate::ir::Type) -> String {
    let f = fold_type(ty.as_str());
    f.trim_end_matches("[]").to_string()
}

/// Every column of every table whose element type (see [`element_type`])
/// `pick` accepts, as a hit at the column built by `hit`.
fn typed_columns(
    cx: &Context,
    pick: impl Fn(&str, &Column) -> bool,
    hit: impl Fn(&Table, &Column) -> (String, String),
) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        for c in &t.columns {
            if pick(&element_type(&c.ty), c) {
                let (message, hint) = hit(t, c);
                out.push(Hit::new(
                    ObjectRef::Column {
                        table: t.name.clone(),
                        column: c.name.clone(),
                    },
                    message,
                    hint,
                ));
            }
        }
    }
    out
}

/// Every column a foreign key pairs with the column it references (both
/// tables in the schema), as a hit at the foreign key when `hit` gives a
/// message and a hint for the pair.
fn foreign_key_columns(
    cx: &Context,
    hit: impl Fn(&Table, &Column, &Table, &Column) -> Option<(String, String)>,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        for (i, fk) in t.foreign_keys.iter().enumerate() {
            let Some(target) = cx.schema.tables.get(&fk.ref_table) else {
                continue;
            };
            for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
                let (Some(lc), Some(rc)) = (t.column(c), target.column(r)) else {
                    continue;
                };
                if let Some((message, hint)) = hit(t, lc, target, rc) {
                    let at = ObjectRef::ForeignKey {
                        table: t.name.clone(),
                        index: i,
                    };
                    out.push(Hit::new(at, message, hint));
                }
            }
        }
    }
    out
}

/// Test helpers: a schema from source text, and one rule's hits on it.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::{Context, Hit, Rule};
    use crate::ir::Schema;
    use crate::syntax::{self, SourceFile};

    pub fn schema(src: &str) -> Schema {
        match syntax::parse_files(&[SourceFile::new("t.strata", src)]) {
            Ok(s) => s,
            Err(d) => panic!("test schema does not parse:\n{}", d.render_plain()),
        }
    }

    pub fn hits(rule: &Rule, src: &str) -> Vec<Hit> {
        let s = schema(src);
        assert!(
            rule.applies_to(s.dialect),
            "{} does not apply to {:?}",
            rule.id,
            s.dialect
        );
        (rule.check)(&Context {
            schema: &s,
            dialect: s.dialect,
        })
    }

    /// The hits' messages, for assertions that read well.
    pub fn messages(rule: &Rule, src: &str) -> Vec<String> {
        hits(rule, src).into_iter().map(|h| h.message).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sorted_unique_and_kebab_case() {
        let ids: Vec<&str> = ids().collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for id in ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{id}"
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        let root = env!("CARGO_MANIFEST_DIR");
        let index = std::fs::read_to_string(format!("{root}/docs/lint.md")).expect("docs/lint.md");
        for r in ALL {
            let page = std::fs::read_to_string(format!("{root}/{}", r.docs_path()))
                .unwrap_or_else(|e| panic!("{}: {e}", r.docs_path()));
            assert_eq!(page, r.docs, "{}: `docs` is not its page", r.id);
            assert!(
                page.starts_with(&format!("# `{}`", r.id)),
                "{} must start with `# `{}``",
                r.docs_path(),
                r.id
            );
            for section in ["## Why", "## Instead", "## Example"] {
                assert!(page.contains(section), "{} lacks {section}", r.docs_path());
            }
            let link = format!("[`{}`](lint/{}.md)", r.id, r.id);
            assert!(index.contains(&link), "docs/lint.md does not list {link}");
        }
        let pages = std::fs::read_dir(format!("{root}/docs/lint")).expect("docs/lint/");
        for p in pages.flatten() {
            let name = p.file_name().to_string_lossy().into_owned();
            let id = name.trim_end_matches(".md");
            assert!(find(id).is_some(), "docs/lint/{name} documents no rule");
        }
    }
}
