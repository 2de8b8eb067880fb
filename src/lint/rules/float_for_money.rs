//! `float-for-money`: a binary floating-point column whose name says it
//! holds money (`price`, `amount`, `total`, …). `0.1 + 0.2` is not `0.3`
//! in `real` or `double precision`; sums drift and equal amounts compare
//! unequal. The name is a heuristic, so the rule looks only at floats.

use super::typed_columns;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "float-for-money",
    default: Level::Warn,
    dialects: &[],
    summary: "a floating-point column whose name says it holds money",
    docs: include_str!("../../../docs/lint/float-for-money.md"),
    check,
};

/// Words of a column name that mean an amount of money.
const MONEY_WORDS: &[&str] = &[
    "amount", "amounts", "balance", "cost", "costs", "discount", "fee", "fees", "money", "payment",
    "price", "prices", "refund", "revenue", "salary", "subtotal", "tax", "total", "wage", "wages",
];

const FLOATS: &[&str] = &[
    "real",
    "double precision",
    "float",
    "double precision unsigned",
    "float unsigned",
];

fn check(cx: &Context) -> Vec<Hit> {
    typed_columns(
        cx,
        |ty, c| {
            FLOATS.contains(&ty)
                && words(&c.name)
                    .iter()
                    .any(|w| MONEY_WORDS.contains(&w.as_str()))
        },
        |t, c| {
            (
                format!("`{}.{}` holds money in `{}`, a binary floating-point type", t.name, c.name, c.ty),
                "use `numeric(p, s)` / `decimal(p, s)`, or an integer count of the smallest unit (cents)"
                    .into(),
            )
        },
    )
}

/// `unitPrice` and `unit_price` → `unit`, `price`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            out.push(std::mem::take(&mut cur));
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        cur.extend(ch.to_lowercase());
    }
    out.push(cur);
    out.retain(|w| !w.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    fn on(name: &str, ty: &str) -> Vec<String> {
        messages(
            &RULE,
            &format!("table t {{\n  id bigint pk\n  {name} {ty}\n}}\n"),
        )
    }

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("unitPrice"), ["unit", "price"]);
        assert_eq!(words("total_amount2"), ["total", "amount2"]);
        assert_eq!(words("UnitPrice"), ["unit", "price"]);
    }

    #[test]
    fn fires_on_floats_named_like_money() {
        assert_eq!(on("unit_price", "double precision").len(), 1);
        assert_eq!(on("totalAmount", "real").len(), 1);
        assert_eq!(on("fee", "float").len(), 1);
    }

    #[test]
    fn is_silent_on_exact_types_and_other_names() {
        assert!(on("unit_price", "numeric(10,2)").is_empty());
        assert!(on("price_cents", "bigint").is_empty());
        assert!(on("latitude", "double precision").is_empty());
        assert!(on("priced", "real").is_empty());
    }
}
