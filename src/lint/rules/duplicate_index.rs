//! `duplicate-index`: two indexes or keys of one table over the same
//! parts, with the same method and predicate. The second serves no lookup
//! the first does not, and costs every insert, update and delete, and
//! disk. A plain index with the parts of a key is such a copy too.

use super::keys::{self, Access};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "duplicate-index",
    default: Level::Warn,
    dialects: &[],
    summary: "an index or key with the same parts, method and predicate as another of its table",
    docs: include_str!("../../../docs/lint/duplicate-index.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        let acc = keys::of(t);
        let mut reported = vec![false; acc.len()];
        for j in 0..acc.len() {
            for i in 0..j {
                if reported[i] || reported[j] || !same(&acc[i], &acc[j]) {
                    continue;
                }
                // Keep the one that enforces something: a key over an index.
                let (copy, kept) = if acc[i].unique && !acc[j].unique {
                    (j, i)
                } else if acc[j].unique && !acc[i].unique {
                    (i, j)
                } else {
                    (j, i)
                };
                reported[copy] = true;
                let (c, k) = (&acc[copy], &acc[kept]);
                out.push(Hit::new(
                    c.at.clone(),
                    format!(
                        "{} {} of `{}` repeats {} {}",
                        c.label,
                        c.columns_text(),
                        t.name,
                        k.label,
                        k.columns_text()
                    ),
                    format!(
                        "drop the {}: the {} serves every lookup it does",
                        c.label, k.label
                    ),
                ));
            }
        }
    }
    out
}

/// Same parts, method, predicate and included columns; for two keys,
/// the same treatment of NULLs too.
fn same(a: &Access, b: &Access) -> bool {
    let sorted = |x: &[String]| {
        let mut v = x.to_vec();
        v.sort();
        v
    };
    a.parts == b.parts
        && a.method == b.method
        && a.predicate == b.predicate
        && sorted(a.include) == sorted(b.include)
        && !(a.unique && b.unique && a.nulls_not_distinct != b.nulls_not_distinct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    fn on(members: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!(
                "dialect postgres\ntable t {{\n  id bigint pk\n  a int\n  b int\n{members}\n}}\n"
            ),
        )
    }

    #[test]
    fn fires_on_two_indexes_over_the_same_columns() {
        assert_eq!(
            on("  index t_a (a)\n  index t_a2 (a)"),
            ["index `t_a2` (a) of `t` repeats index `t_a` (a)"]
        );
    }

    #[test]
    fn reports_the_plain_index_that_copies_a_key() {
        assert_eq!(
            on("  index t_id (id)\n  unique (a, b)\n  index (a, b)"),
            [
                "index `t_id` (id) of `t` repeats primary key (id)",
                "index (a, b) of `t` repeats unique constraint (a, b)",
            ]
        );
    }

    #[test]
    fn is_silent_when_order_method_direction_or_predicate_differ() {
        assert!(on("  index (a, b)\n  index (b, a)").is_empty());
        assert!(on("  index (a)\n  index (a) using hash").is_empty());
        assert!(on("  index (a)\n  index (a desc)").is_empty());
        assert!(on("  index (a)\n  index (a) where b > 0").is_empty());
    }
}
