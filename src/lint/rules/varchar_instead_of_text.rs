//! `varchar-instead-of-text` (off by default): on PostgreSQL `varchar(n)`
//! is `text` with a length check, stored and compared the same way; the
//! limit is rarely the business rule it looks like, and raising it is a
//! schema change. Off by default because a limit is often deliberate and
//! nearly every schema has one: a team that prefers `text` turns it on.

use super::typed_columns;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "varchar-instead-of-text",
    default: Level::Off,
    dialects: &[DialectKind::Postgres],
    summary: "a PostgreSQL `varchar(n)` column, for teams that prefer `text`",
    docs: include_str!("../../../docs/lint/varchar-instead-of-text.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, c| ty == "varchar" && c.ty.as_str().contains('('),
        |t, c| {
            (
                format!("`{}.{}` is `{}`", t.name, c.name, c.ty),
                "use `text`, with `check (length(…) <= n)` where the limit is a rule of the business"
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
            &format!("dialect postgres\ntable t {{\n  id bigint pk\n  s {ty}\n}}\n"),
        )
    }

    #[test]
    fn fires_on_a_length_limit() {
        assert_eq!(on("varchar(255)"), ["`t.s` is `varchar(255)`"]);
        assert_eq!(on("character varying(20)").len(), 1);
    }

    #[test]
    fn is_silent_on_text_and_unbounded_varchar() {
        assert!(on("text").is_empty());
        assert!(on("varchar").is_empty());
    }
}
