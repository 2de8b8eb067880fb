//! The dialect-free hazard rules, one per file (each with its tests at the
//! bottom). A dialect adds its own through `Dialect::hazards`.

pub mod ack;
mod domain;
mod drop_column;
mod drop_table;
mod enum_value_removed;
mod invalid_index;
mod new_constraint;
mod not_null;
mod partition_bound;
pub mod policy;
pub mod rollback;
pub mod row_security;
mod type_change;

pub use type_change::keeps_values;

use super::Hazard;
use crate::diff::Change;

/// Every dialect-free hazard of one change.
pub fn check(change: &Change) -> Vec<Hazard> {
    let mut out = Vec::new();
    out.extend(drop_table::check(change));
    out.extend(enum_value_removed::check(change));
    out.extend(domain::check(change));
    if let Change::AlterTable { to, changes, .. } = change {
        let table = &to.name;
        for c in changes {
            out.extend(drop_column::check(table, c));
            out.extend(type_change::check(table, c));
            out.extend(not_null::check(table, c));
            out.extend(new_constraint::check(table, c));
            out.extend(invalid_index::check(table, c));
            out.extend(partition_bound::check(table, c));
        }
    }
    out
}

/// The hazards of one step: the dialect-free ones, then the dialect's own
/// except those that only repeat one of them (same kind, naming the same
/// object), so that a reviewer reads each risk once.
pub fn merge(free: Vec<Hazard>, dialect: Vec<Hazard>) -> Vec<Hazard> {
    let extra: Vec<Hazard> = dialect.into_iter().filter(|h| !repeats(h, &free)).collect();
    let mut out = free;
    out.extend(extra);
    out.sort();
    out.dedup();
    out
}

/// Whether `h` says again what one of the dialect-free hazards `free`
/// says: another message of the same kind naming the same object.
pub fn repeats(h: &Hazard, free: &[Hazard]) -> bool {
    free.iter().any(|f| {
        f.kind == h.kind
            && f.message != h.message
            && object(&f.message).is_some_and(|o| mentions(&h.message, o))
    })
}

/// Whether the SQL statement `sql` names the object that the hazard's
/// message names first, so that a step of several statements carries each
/// hazard above the statement it is about.
pub fn concerns(h: &Hazard, sql: &str) -> bool {
    // Messages name `table.column`; SQL quotes each part on its own.
    object(&h.message)
        .and_then(|o| o.rsplit('.').next())
        .is_some_and(|o| mentions(sql, o))
}

/// Whether the statement `sql` can be the one a hazard of its kind is
/// about: what existing rows may make fail is never a statement that only
/// drops (`DROP CONSTRAINT`, `DROP FOREIGN KEY`, `DROP INDEX`), which runs
/// whatever the rows hold.
pub fn fits(h: &Hazard, sql: &str) -> bool {
    if h.kind != crate::plan::HazardKind::MayFail {
        return true;
    }
    let upper = sql.to_ascii_uppercase();
    let drops = upper.contains("DROP ");
    let makes = [
        "ADD ",
        "CREATE ",
        "ALTER COLUMN",
        "MODIFY ",
        "VALIDATE ",
        "SET NOT NULL",
    ]
    .iter()
    .any(|k| upper.contains(k));
    !drops || makes
}

/// The first `quoted` name of a dialect-free hazard's message.
fn object(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// Whether `text` names `object` as a whole word (not inside a longer name).
fn mentions(text: &str, object: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.match_indices(object).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + object.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(|c| is_name(c) && c != '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::HazardKind;

    fn h(kind: HazardKind, m: &str) -> Hazard {
        Hazard {
            kind,
            message: m.into(),
            acknowledged: None,
        }
    }

    #[test]
    fn dialect_repeats_of_the_same_risk_are_dropped() {
        let free = vec![h(
            HazardKind::DataLoss,
            "table `t` is dropped with all of its rows",
        )];
        let dialect = vec![
            h(
                HazardKind::DataLoss,
                "dropping table t deletes all its rows",
            ),
            h(
                HazardKind::DataLoss,
                "dropping table t2 deletes all its rows",
            ),
            h(HazardKind::AccessExclusiveLock, "DROP TABLE t locks t"),
        ];
        let merged = merge(free, dialect);
        let messages: Vec<&str> = merged.iter().map(|h| h.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "dropping table t2 deletes all its rows",
                "table `t` is dropped with all of its rows",
                "DROP TABLE t locks t",
            ]
        );
    }

    #[test]
    fn names_match_as_whole_words_only() {
        assert!(mentions("values of users.email may be cut", "users.email"));
        assert!(!mentions(
            "values of users.emails may be cut",
            "users.email"
        ));
        assert!(!mentions("table tt", "t"));
        assert!(mentions("`t`.", "t"));
    }

    #[test]
    fn what_rows_may_break_never_sits_on_a_drop() {
        let fk = h(
            HazardKind::MayFail,
            "foreign key `fk_p` on `c` fails if existing rows violate it",
        );
        assert!(!fits(&fk, r#"ALTER TABLE "c" DROP CONSTRAINT "fk_p""#));
        assert!(!fits(&fk, "ALTER TABLE `c`\n  DROP FOREIGN KEY `fk_p`"));
        assert!(fits(
            &fk,
            r#"ALTER TABLE "c" ADD CONSTRAINT "fk_p" FOREIGN KEY ("pid") REFERENCES "p" ("id")"#
        ));
        let loss = h(
            HazardKind::DataLoss,
            "column `c.x` is dropped with its values",
        );
        assert!(fits(&loss, r#"ALTER TABLE "c" DROP COLUMN "x""#));
    }

    #[test]
    fn a_hazard_concerns_the_statement_naming_its_object() {
        let drop = h(
            HazardKind::DataLoss,
            "column `users.email` is dropped with its values",
        );
        assert!(concerns(
            &drop,
            r#"ALTER TABLE "users" DROP COLUMN "email""#
        ));
        assert!(!concerns(&drop, r#"DROP INDEX "users_email_idx""#));
    }
}
