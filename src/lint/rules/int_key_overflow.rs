//! `int-key-overflow`: a primary key filled by a sequence, identity or
//! auto-increment in a type smaller than 64 bits, and the foreign keys
//! that point at it. A sequence only goes up: the day it passes the
//! type's maximum every insert fails, and widening the key then rewrites
//! the table and each referencing one. SQLite's `INTEGER PRIMARY KEY` is
//! 64-bit whatever its spelling, so the rule is for PostgreSQL and MySQL.

use crate::ir::{Column, DialectKind, Name, ObjectRef, Table};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "int-key-overflow",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres, DialectKind::Mysql],
    summary: "a generated key narrower than 64 bits, and the foreign keys that point at it",
    docs: include_str!("../../../docs/lint/int-key-overflow.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut narrow: Vec<(&Name, &str, u64)> = Vec::new();
    for t in cx.schema.tables.values() {
        let Some((col, max)) = generated_key(t) else {
            continue;
        };
        narrow.push((&t.name, &col.name, max));
        out.push(Hit::new(
            column(t, col),
            format!(
                "`{}.{}` is `{}` filled by {}: inserts fail once it passes {}",
                t.name,
                col.name,
                col.ty,
                filler(col),
                thousands(max)
            ),
            "use `bigint`, and widen the foreign keys that point at it with it".to_string(),
        ));
    }
    for t in cx.schema.tables.values() {
        for fk in &t.foreign_keys {
            let ([c], [r]) = (fk.columns.as_slice(), fk.ref_columns.as_slice()) else {
                continue;
            };
            let Some(&(_, _, max)) = narrow
                .iter()
                .find(|(n, k, _)| **n == fk.ref_table && *k == r.as_str())
            else {
                continue;
            };
            let Some(col) = t.column(c).filter(|col| max_of(col).is_some()) else {
                continue;
            };
            out.push(Hit::new(
                column(t, col),
                format!(
                    "`{}.{c}` is `{}` and references `{}.{r}`, a key that stops at {}",
                    t.name,
                    col.ty,
                    fk.ref_table,
                    thousands(max)
                ),
                format!("widen it to `bigint` together with `{}.{r}`", fk.ref_table),
            ));
        }
    }
    out
}

/// The single-column primary key, when something generates its values
/// and its type is narrower than 64 bits, with the type's maximum.
fn generated_key(t: &Table) -> Option<(&Column, u64)> {
    let [pk] = t.primary_key.as_ref()?.columns.as_slice() else {
        return None;
    };
    let col = t.column(pk)?;
    let max = max_of(col)?;
    (!filler(col).is_empty()).then_some((col, max))
}

/// What fills the column: identity, auto_increment, a serial type, a
/// sequence default; empty when nothing does.
fn filler(col: &Column) -> &'static str {
    let ty = col.ty.as_str().to_ascii_lowercase();
    let default = col
        .default
        .as_ref()
        .map(|d| d.as_str().to_ascii_lowercase());
    if col.identity.is_some() {
        "identity or auto-increment"
    } else if ty.contains("serial") {
        "a serial sequence"
    } else if default.is_some_and(|d| d.starts_with("nextval(")) {
        "a sequence"
    } else {
        ""
    }
}

/// The largest value of a narrow integer type; `None` for 64-bit and
/// non-integer types.
fn max_of(col: &Column) -> Option<u64> {
    let folded = crate::ir::validate::fold_type(col.ty.as_str());
    let (base, unsigned) = match folded.strip_suffix(" unsigned") {
        Some(b) => (b, true),
        None => (folded.as_str(), false),
    };
    let bits = match base {
        "tinyint" => 8,
        "smallint" => 16,
        "mediumint" => 24,
        "integer" => 32,
        _ => return None,
    };
    Some(if unsigned {
        (1u64 << bits) - 1
    } else {
        (1u64 << (bits - 1)) - 1
    })
}

fn column(t: &Table, c: &Column) -> ObjectRef {
    ObjectRef::Column {
        table: t.name.clone(),
        column: c.name.clone(),
    }
}

/// `2147483647` → `2,147,483,647`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn fires_on_a_serial_key_and_the_keys_pointing_at_it() {
        let m = messages(
            &RULE,
            "dialect postgres\ntable users {\n  id serial pk\n}\ntable posts {\n  id bigint pk identity\n  user_id integer -> users.id\n}\n",
        );
        assert_eq!(
            m,
            [
                "`users.id` is `serial` filled by a serial sequence: inserts fail once it passes 2,147,483,647",
                "`posts.user_id` is `integer` and references `users.id`, a key that stops at 2,147,483,647",
            ]
        );
    }

    #[test]
    fn knows_mysql_widths_and_identity() {
        let m = messages(
            &RULE,
            "dialect mysql\ntable actor {\n  actor_id smallint unsigned pk auto_increment\n}\n",
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].contains("65,535"), "{}", m[0]);
        let m = messages(
            &RULE,
            "dialect postgres\ntable t {\n  id integer pk identity\n}\n",
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn is_silent_on_bigint_and_on_keys_nothing_generates() {
        let src = "dialect postgres\ntable a {\n  id bigserial pk\n}\ntable b {\n  code integer pk\n}\n\
                   table c {\n  id bigint pk identity\n  a_id bigint -> a.id\n  b_code integer -> b.code\n}\n";
        assert!(messages(&RULE, src).is_empty());
    }

    #[test]
    fn formats_thousands() {
        assert_eq!(thousands(127), "127");
        assert_eq!(thousands(65535), "65,535");
        assert_eq!(thousands(2147483647), "2,147,483,647");
    }
}
