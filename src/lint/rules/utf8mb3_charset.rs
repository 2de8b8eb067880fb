//! `utf8mb3-charset`: MySQL's `utf8` is `utf8mb3`, three bytes per
//! character at most: emoji and other characters outside the Basic
//! Multilingual Plane cannot be stored (the insert fails, or the value is
//! cut in non-strict mode). `utf8mb4` is the UTF-8 everyone else means.

use crate::ir::{DialectKind, ObjectRef};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "utf8mb3-charset",
    default: Level::Warn,
    dialects: &[DialectKind::Mysql],
    summary: "a MySQL table or column in `utf8` (`utf8mb3`), which cannot hold emoji",
    docs: include_str!("../../../docs/lint/utf8mb3-charset.md"),
    check,
};

const CHARSET_KEYS: &[&str] = &[
    "charset",
    "character_set",
    "default_charset",
    "default_character_set",
];
const COLLATE_KEYS: &[&str] = &["collate", "collation", "default_collate"];

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    let hint = "use `utf8mb4` (and a `utf8mb4_…` collation); converting rewrites the table";
    for (n, t) in &cx.schema.tables {
        let table_says = t.options.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            let bad = (CHARSET_KEYS.contains(&k.as_str()) && is_utf8mb3(v))
                || (COLLATE_KEYS.contains(&k.as_str()) && collation_is_utf8mb3(v));
            bad.then_some(v)
        });
        if let Some(v) = table_says {
            // Its columns in the same charset only repeat the table's default.
            out.push(Hit::new(
                ObjectRef::Table { name: n.clone() },
                format!("table `{n}` defaults to `{v}`, which holds at most 3 bytes per character"),
                hint,
            ));
        }
        for c in t.columns.iter().filter(|_| table_says.is_none()) {
            let bad = c.charset.as_deref().is_some_and(is_utf8mb3)
                || c.collation.as_deref().is_some_and(collation_is_utf8mb3);
            if bad {
                let at = ObjectRef::Column {
                    table: n.clone(),
                    column: c.name.clone(),
                };
                out.push(Hit::new(
                    at,
                    format!(
                        "`{n}.{}` is in `utf8mb3`, which holds at most 3 bytes per character",
                        c.name
                    ),
                    hint,
                ));
            }
        }
    }
    out
}

fn is_utf8mb3(charset: &str) -> bool {
    matches!(charset.to_ascii_lowercase().as_str(), "utf8" | "utf8mb3")
}

fn collation_is_utf8mb3(collation: &str) -> bool {
    let c = collation.to_ascii_lowercase();
    c.starts_with("utf8_") || c.starts_with("utf8mb3_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn fires_on_tables_and_columns_in_utf8() {
        let m = messages(
            &RULE,
            "dialect mysql\ntable t with (charset = utf8) {\n  id bigint pk\n  s varchar(10) collate utf8mb3_general_ci\n}\n",
        );
        assert_eq!(
            m,
            ["table `t` defaults to `utf8`, which holds at most 3 bytes per character"]
        );
        let m = messages(
            &RULE,
            "dialect mysql\ntable t with (charset = utf8mb4) {\n  id bigint pk\n  s varchar(10) charset utf8mb3\n}\n",
        );
        assert_eq!(
            m,
            ["`t.s` is in `utf8mb3`, which holds at most 3 bytes per character"]
        );
    }

    #[test]
    fn is_silent_on_utf8mb4_and_latin1() {
        let src = "dialect mysql\ntable t with (charset = utf8mb4, collate = utf8mb4_unicode_ci) {\n  id bigint pk\n  s varchar(10) charset latin1\n}\n";
        assert!(messages(&RULE, src).is_empty());
    }
}
