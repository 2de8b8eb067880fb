//! `fk-narrower-than-key`: on PostgreSQL, an integer foreign key column
//! narrower than the integer key it references (`integer` → `bigint`).
//! The server accepts it (the integer types compare across widths), and
//! so does `check`; but the day the key passes the column's maximum, a
//! row can no longer point at the newer rows. The other way round
//! (`bigint` → `integer`) holds every key and is not reported.

use crate::ir::validate::fold_type;
use crate::ir::DialectKind;
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "fk-narrower-than-key",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres],
    summary: "an integer foreign key column narrower than the key it references",
    docs: include_str!("../../../docs/lint/fk-narrower-than-key.md"),
    check,
};

/// The largest value of an integer type, when `ty` is one.
fn max_of(ty: &str) -> Option<(u8, &'static str)> {
    match fold_type(ty).as_str() {
        "smallint" => Some((2, "32,767")),
        "integer" => Some((4, "2,147,483,647")),
        "bigint" => Some((8, "9,223,372,036,854,775,807")),
        _ => None,
    }
}

fn check(cx: &Context) -> Vec<Hit> {
    super::foreign_key_columns(cx, |t, lc, target, rc| {
        let (Some((lw, lmax)), Some((rw, _))) = (max_of(lc.ty.as_str()), max_of(rc.ty.as_str()))
        else {
            return None;
        };
        if lw >= rw {
            return None;
        }
        let (c, r) = (&lc.name, &rc.name);
        Some((
            format!(
                "`{}.{c}` is `{}` and references `{}.{r}` of type `{}`: keys past {lmax} cannot be referenced",
                t.name, lc.ty, target.name, rc.ty
            ),
            format!("declare `{c}` as `{}`", fold_type(rc.ty.as_str())),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn only_a_narrower_column_is_reported() {
        let src = |key: &str, ty: &str| {
            format!(
                "dialect postgres\ntable users {{\n  id {key} pk\n}}\ntable posts {{\n  id bigint pk\n  author {ty} -> users.id\n}}\n"
            )
        };
        assert!(messages(&RULE, &src("integer", "bigint")).is_empty());
        assert!(messages(&RULE, &src("bigint", "bigint")).is_empty());
        assert_eq!(
            messages(&RULE, &src("bigint", "integer")),
            ["`posts.author` is `integer` and references `users.id` of type `bigint`: keys past 2,147,483,647 cannot be referenced"]
        );
        assert_eq!(messages(&RULE, &src("bigserial", "int4")).len(), 1);
    }
}
