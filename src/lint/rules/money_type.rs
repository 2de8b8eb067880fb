//! `money-type`: PostgreSQL `money` has the fraction digits and currency
//! symbol of the server's `lc_monetary` setting, so a dump restored under
//! another locale reads different amounts, and it holds one currency.

use super::typed_columns;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "money-type",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres],
    summary: "a PostgreSQL `money` column, whose meaning depends on the server's locale",
    docs: include_str!("../../../docs/lint/money-type.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, _| ty == "money",
        |t, c| {
            (
                format!("`{}.{}` is `money`", t.name, c.name),
                "use `numeric(p, s)` (and a currency column if there is more than one currency)"
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
            &format!("dialect postgres\ntable t {{\n  id bigint pk\n  price {ty}\n}}\n"),
        )
    }

    #[test]
    fn fires_on_money() {
        assert_eq!(on("money"), ["`t.price` is `money`"]);
    }

    #[test]
    fn is_silent_on_numeric() {
        assert!(on("numeric(12,2)").is_empty());
    }
}
