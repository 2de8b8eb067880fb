//! `nullable-unique-key`: a unique key over several columns, one of which
//! may be NULL. NULLs are distinct from each other, so `(tenant, NULL)`
//! can be inserted any number of times: the key does not say what it
//! seems to. A single nullable column with `unique` ("optional, but
//! unique when given") is the common idiom and is left alone.

use super::keys;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "nullable-unique-key",
    default: Level::Warn,
    dialects: &[],
    summary: "a unique key over several columns, one of them nullable",
    docs: include_str!("../../../docs/lint/nullable-unique-key.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        for a in keys::of(t) {
            if !a.unique || a.nulls_not_distinct || a.predicate.is_some() || a.parts.len() < 2 {
                continue;
            }
            let nullable: Vec<&str> = a
                .parts
                .iter()
                .filter_map(|p| p.column_name())
                .filter(|c| t.column(c).is_some_and(|col| col.nullable))
                .collect();
            let Some(first) = nullable.first() else {
                continue;
            };
            let fix = if cx.dialect == Some(DialectKind::Postgres) {
                "add `nulls not distinct` (PostgreSQL 15), make the column NOT NULL, or add a partial unique index for the NULL rows"
            } else {
                "make the column NOT NULL, or add a unique index for the NULL rows (partial, or over a non-NULL stand-in)"
            };
            out.push(Hit::new(
                a.at.clone(),
                format!(
                    "{} {} of `{}` admits repeated rows where `{first}` is NULL",
                    a.label,
                    a.columns_text(),
                    t.name
                ),
                format!("NULLs are distinct in a unique key: {fix}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{hits, messages};

    fn on(dialect: &str, members: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!(
                "dialect {dialect}\ntable t {{\n  id bigint pk\n  a int\n  b int?\n{members}\n}}\n"
            ),
        )
    }

    #[test]
    fn fires_on_a_composite_key_with_a_nullable_column() {
        assert_eq!(
            on("mysql", "  unique (a, b)"),
            ["unique constraint (a, b) of `t` admits repeated rows where `b` is NULL"]
        );
        assert_eq!(on("sqlite", "  index (a, b) unique").len(), 1);
        let h = hits(
            &RULE,
            "dialect postgres\ntable t {\n  id bigint pk\n  a int\n  b int?\n  unique (a, b)\n}\n",
        );
        assert!(h[0].hint.contains("nulls not distinct"), "{}", h[0].hint);
    }

    #[test]
    fn is_silent_on_single_columns_not_null_keys_and_nulls_not_distinct() {
        assert!(on("postgres", "  unique (b)").is_empty());
        assert!(on("postgres", "  unique (a, id)").is_empty());
        assert!(on("postgres", "  unique (a, b) nulls not distinct").is_empty());
        assert!(on("postgres", "  index (a, b) unique where b is not null").is_empty());
        assert!(on("postgres", "  index (a, b)").is_empty());
    }
}
