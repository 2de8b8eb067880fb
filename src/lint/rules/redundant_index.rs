//! `redundant-index`: a plain B-tree index whose parts are the leading
//! parts of another B-tree index or key of its table. The longer one
//! finds the same rows in the same order, so the shorter only costs
//! writes and disk. A unique index is never redundant: it enforces
//! something the longer one does not.

use super::keys::{self, Access};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "redundant-index",
    default: Level::Warn,
    dialects: &[],
    summary: "an index whose parts lead another index or key of its table",
    docs: include_str!("../../../docs/lint/redundant-index.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        let acc = keys::of(t);
        for short in acc
            .iter()
            .filter(|a| plain(a) && !a.unique && a.include.is_empty())
        {
            let Some(long) = acc.iter().find(|long| covers(long, short)) else {
                continue;
            };
            out.push(Hit::new(
                short.at.clone(),
                format!(
                    "{} {} of `{}` is the start of {} {}",
                    short.label,
                    short.columns_text(),
                    t.name,
                    long.label,
                    long.columns_text()
                ),
                format!(
                    "drop the {}: the {} serves the same lookups and orderings",
                    short.label, long.label
                ),
            ));
        }
    }
    out
}

/// A B-tree over every row.
fn plain(a: &Access) -> bool {
    a.is_btree() && a.predicate.is_none()
}

/// Whether `long` is a plain B-tree with more parts, led by `short`'s.
fn covers(long: &Access, short: &Access) -> bool {
    plain(long)
        && long.parts.len() > short.parts.len()
        && long.parts[..short.parts.len()] == short.parts[..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    fn on(members: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!(
                "dialect sqlite\ntable t {{\n  id integer pk\n  a int\n  b int\n{members}\n}}\n"
            ),
        )
    }

    #[test]
    fn fires_on_a_prefix_of_another_index_or_key() {
        assert_eq!(
            on("  index t_a (a)\n  index t_ab (a, b)"),
            ["index `t_a` (a) of `t` is the start of index `t_ab` (a, b)"]
        );
        assert_eq!(on("  unique (a, b)\n  index (a)").len(), 1);
    }

    #[test]
    fn is_silent_on_unique_partial_and_differently_led_indexes() {
        assert!(on("  index (a) unique\n  index (a, b)").is_empty());
        assert!(on("  index (b)\n  index (a, b)").is_empty());
        assert!(on("  index (a) where b > 0\n  index (a, b)").is_empty());
        assert!(on("  index (a)\n  index (a, b) where b > 0").is_empty());
        assert!(on("  index (a desc)\n  index (a, b)").is_empty());
    }
}
