//! `fk-target-not-key`: on SQLite, a foreign key whose referenced columns
//! are not the parent's primary key or covered by a unique constraint or
//! unique index. SQLite accepts the table and stores the foreign key (so
//! `strata check` and `plan` accept it too: a database may hold one), but
//! with `PRAGMA foreign_keys = ON` every write that uses the foreign key
//! fails with "foreign key mismatch", and so does `PRAGMA
//! foreign_key_check`.

use crate::ir::validate::is_key;
use crate::ir::{DialectKind, ObjectRef};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "fk-target-not-key",
    default: Level::Warn,
    dialects: &[DialectKind::Sqlite],
    summary: "a foreign key whose referenced columns are not a key of their table",
    docs: include_str!("../../../docs/lint/fk-target-not-key.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        for (i, fk) in t.foreign_keys.iter().enumerate() {
            let Some(target) = cx.schema.tables.get(&fk.ref_table) else {
                continue;
            };
            // Unknown columns are `check`'s errors, not this rule's.
            let known = fk.ref_columns.iter().all(|c| target.column(c).is_some());
            if fk.ref_columns.is_empty() || !known || is_key(target, &fk.ref_columns) {
                continue;
            }
            let list = fk.ref_columns.join(", ");
            out.push(Hit::new(
                ObjectRef::ForeignKey {
                    table: t.name.clone(),
                    index: i,
                },
                format!(
                    "a foreign key of `{}` references `{}` ({list}), which is not its primary key or unique: with foreign keys on, SQLite refuses every write to `{}` (\"foreign key mismatch\")",
                    t.name, target.name, t.name
                ),
                format!("add `unique ({list})` to `{}`", target.name),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn only_a_target_that_is_not_a_key_is_reported() {
        let src = |extra: &str| {
            format!(
                "dialect sqlite\ntable p {{\n  id integer pk\n  code text\n{extra}}}\ntable c {{\n  id integer pk\n  pc text -> p.code\n  pid integer -> p.id\n}}\n"
            )
        };
        assert_eq!(
            messages(&RULE, &src("")),
            ["a foreign key of `c` references `p` (code), which is not its primary key or unique: with foreign keys on, SQLite refuses every write to `c` (\"foreign key mismatch\")"]
        );
        assert!(messages(&RULE, &src("  unique (code)\n")).is_empty());
    }
}
