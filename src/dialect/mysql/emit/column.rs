//! Columns: their full definition, as `CREATE TABLE`, `ADD COLUMN` and
//! `MODIFY COLUMN` take it, and how a default is written.

use crate::dialect::mysql::quote::{ident, string};
use crate::dialect::mysql::types;
use crate::ir::Column;

/// The full definition of a column, as `ADD COLUMN` and `MODIFY COLUMN`
/// take it.
pub(super) fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", ident(&c.name), c.ty);
    let textual = types::is_textual(c.ty.as_str()) && types::base(c.ty.as_str()) != "json";
    if textual {
        if let Some(cs) = &c.charset {
            s.push_str(&format!(" CHARACTER SET {cs}"));
        }
        if let Some(coll) = &c.collation {
            s.push_str(&format!(" COLLATE {coll}"));
        }
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
    } else {
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if let Some(d) = &c.default {
            s.push_str(" DEFAULT ");
            s.push_str(&default_sql(d.as_str(), c.ty.as_str()));
        }
        if let Some(u) = &c.on_update {
            s.push_str(&format!(" ON UPDATE {u}"));
        }
        if c.identity.is_some() {
            s.push_str(" AUTO_INCREMENT");
        }
    }
    if c.invisible {
        s.push_str(" INVISIBLE");
    }
    if let Some(cm) = &c.comment {
        s.push_str(&format!(" COMMENT {}", string(cm)));
    }
    s
}

/// Literals as they are; `current_timestamp(…)` bare (every version takes
/// it); any other expression in parentheses, as MySQL 8 requires. Text,
/// blob and JSON columns take even literals as expressions on MySQL 8.
pub(super) fn default_sql(d: &str, ty: &str) -> String {
    let lower = d.to_ascii_lowercase();
    let literal = d.starts_with('\'')
        || d.starts_with('-')
        || d.starts_with(|c: char| c.is_ascii_digit())
        || lower.starts_with("b'")
        || lower.starts_with("x'")
        || lower == "null";
    let base = types::base(ty);
    let blobby = base.ends_with("text") || base.ends_with("blob") || base == "json";
    if lower.starts_with("current_timestamp") || (literal && !blobby) {
        d.to_string()
    } else {
        format!("({d})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_parenthesized_where_needed() {
        assert_eq!(default_sql("'x'", "varchar(3)"), "'x'");
        assert_eq!(default_sql("'x'", "text"), "('x')");
        assert_eq!(default_sql("uuid()", "varchar(36)"), "(uuid())");
        assert_eq!(
            default_sql("current_timestamp()", "timestamp"),
            "current_timestamp()"
        );
    }
}
