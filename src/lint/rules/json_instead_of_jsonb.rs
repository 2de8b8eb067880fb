//! `json-instead-of-jsonb`: PostgreSQL `json` keeps the text as written
//! and parses it on every access; it has no equality (no `DISTINCT`,
//! `GROUP BY` or unique index) and no GIN index. `jsonb` has all of that.

use super::typed_columns;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "json-instead-of-jsonb",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres],
    summary: "a PostgreSQL `json` column where `jsonb` is expected",
    docs: include_str!("../../../docs/lint/json-instead-of-jsonb.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, _| ty == "json",
        |t, c| {
            (
                format!("`{}.{}` is `json`", t.name, c.name),
                "use `jsonb`, unless the exact text (key order, spaces, repeated keys) must be kept"
                    .into(),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    fn on(ty: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!("dialect postgres\ntable t {{\n  id bigint pk\n  doc {ty}\n}}\n"),
        )
    }

    #[test]
    fn fires_on_json() {
        assert_eq!(on("json"), ["`t.doc` is `json`"]);
        assert_eq!(on("json[]").len(), 1);
    }

    #[test]
    fn is_silent_on_jsonb() {
        assert!(on("jsonb").is_empty());
        assert!(on("jsonpath").is_empty());
    }
}
