//! `timestamp-without-time-zone`: PostgreSQL `timestamp` stores a wall
//! clock reading without saying where; the same value means different
//! instants to clients in different zones, and arithmetic across a
//! daylight-saving change is off by an hour. `timestamptz` stores an
//! instant and converts on the way in and out.

use super::typed_columns;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "timestamp-without-time-zone",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres],
    summary: "a PostgreSQL `timestamp` (without time zone) column",
    docs: include_str!("../../../docs/lint/timestamp-without-time-zone.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, _| ty == "timestamp",
        |t, c| {
            (
                format!(
                    "`{}.{}` is `{}`, a time without a time zone",
                    t.name, c.name, c.ty
                ),
                "use `timestamptz`: it stores an instant, and each client sees it in its own zone"
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
            &format!("dialect postgres\ntable t {{\n  id bigint pk\n  at {ty}\n}}\n"),
        )
    }

    #[test]
    fn fires_on_every_spelling_of_timestamp() {
        for ty in [
            "timestamp",
            "timestamp(3)",
            "timestamp without time zone",
            "timestamp[]",
        ] {
            assert_eq!(on(ty).len(), 1, "{ty}");
        }
    }

    #[test]
    fn is_silent_on_timestamptz_and_dates() {
        for ty in [
            "timestamptz",
            "timestamp with time zone",
            "timestamptz(3)",
            "date",
            "time",
        ] {
            assert!(on(ty).is_empty(), "{ty}");
        }
    }
}
