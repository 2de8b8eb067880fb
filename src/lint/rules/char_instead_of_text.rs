//! `char-instead-of-text`: PostgreSQL `char(n)` pads every value with
//! spaces to `n`, ignores trailing spaces in some comparisons and not in
//! others (`LIKE`, `length`), and is no faster than `text`.

use super::typed_columns;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "char-instead-of-text",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres],
    summary: "a PostgreSQL `char(n)` column, which pads its values with spaces",
    docs: include_str!("../../../docs/lint/char-instead-of-text.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, _| ty == "char",
        |t, c| {
            (
                format!(
                    "`{}.{}` is `{}`, padded with spaces to its length",
                    t.name, c.name, c.ty
                ),
                "use `text` (or `varchar(n)`), with `check (length(…) = n)` if the length is fixed"
                    .into(),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{messages, schema};

    fn on(ty: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!("dialect postgres\ntable t {{\n  id bigint pk\n  s {ty}\n}}\n"),
        )
    }

    #[test]
    fn fires_on_char_and_its_spellings() {
        for ty in ["char(2)", "character(3)", "bpchar", "char"] {
            assert_eq!(on(ty).len(), 1, "{ty}");
        }
    }

    #[test]
    fn is_silent_on_text_varchar_and_the_internal_char_type() {
        for ty in ["text", "varchar(2)"] {
            assert!(on(ty).is_empty(), "{ty}");
        }
        // The one-byte `"char"` of the catalogs, as introspection spells it.
        let mut s = schema("dialect postgres\ntable t {\n  id bigint pk\n  s text\n}\n");
        for t in s.tables.values_mut() {
            t.columns[1].ty = crate::ir::Type::new("\"char\"");
        }
        let cx = Context {
            schema: &s,
            dialect: s.dialect,
        };
        assert!(check(&cx).is_empty());
    }
}
