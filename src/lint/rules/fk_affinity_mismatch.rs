//! `fk-affinity-mismatch`: on SQLite, a foreign key column whose type
//! affinity differs from the referenced column's (`text` → `integer`).
//! SQLite accepts it and applies the parent's affinity when it checks the
//! key, but a join between the two compares by other rules and can miss
//! rows (`'1'` is not `1`). The same affinity (`bigint` → `INTEGER PRIMARY
//! KEY`) is one type to SQLite and is not reported.

use crate::ir::validate::sqlite_affinity;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "fk-affinity-mismatch",
    default: Level::Warn,
    dialects: &[DialectKind::Sqlite],
    summary: "a foreign key column whose type affinity differs from the column it references",
    docs: include_str!("../../../docs/lint/fk-affinity-mismatch.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    super::foreign_key_columns(cx, |t, lc, target, rc| {
        let (la, ra) = (
            sqlite_affinity(lc.ty.as_str()),
            sqlite_affinity(rc.ty.as_str()),
        );
        if la == ra {
            return None;
        }
        let (c, r) = (&lc.name, &rc.name);
        Some((
            format!(
                "`{}.{c}` ({la} affinity) references `{}.{r}` ({ra} affinity)",
                t.name, target.name
            ),
            format!(
                "declare `{c}` as `{}`, so that both hold values alike",
                rc.ty
            ),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn only_a_different_affinity_is_reported() {
        let src = |ty: &str| {
            format!(
                "dialect sqlite\ntable users {{\n  id integer pk\n}}\ntable posts {{\n  id integer pk\n  author {ty} -> users.id\n}}\n"
            )
        };
        assert!(messages(&RULE, &src("bigint")).is_empty());
        assert!(messages(&RULE, &src("int8")).is_empty());
        assert_eq!(
            messages(&RULE, &src("text")),
            ["`posts.author` (text affinity) references `users.id` (integer affinity)"]
        );
    }
}
