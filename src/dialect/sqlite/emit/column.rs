//! Columns: their definition in `CREATE TABLE` and `ADD COLUMN`, and how
//! a default is written (bare literal or parenthesized expression).

use crate::dialect::sqlite::expr::{tokenize, Kind};
use crate::dialect::sqlite::quote::{ident, literal};
use crate::dialect::EmitError;
use crate::ir::Column;

pub(super) fn column_def(c: &Column) -> Result<String, EmitError> {
    let mut s = ident(&c.name);
    if !c.ty.as_str().is_empty() {
        s.push(' ');
        s.push_str(c.ty.as_str());
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", ident(coll)));
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d.as_str())));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    Ok(s)
}

/// A literal goes bare (`DEFAULT 0`); anything else in parentheses, as
/// SQLite requires for expressions.
pub fn default_sql(d: &str) -> String {
    if is_literal(d) || is_time_keyword(d) {
        d.to_string()
    } else {
        format!("({d})")
    }
}

/// The default as a value inside another expression (a rebuild's
/// `coalesce(old, default)`): a name alone is the string it stands for
/// there too, not a column of the table being copied.
pub fn default_value_sql(d: &str) -> String {
    match tokenize(d).as_slice() {
        [t] if crate::dialect::sqlite::expr::name_alone(d) => literal(&t.name()),
        _ => default_sql(d),
    }
}

/// A number (optionally signed), string, blob, NULL, TRUE or FALSE: what
/// ALTER TABLE ADD COLUMN accepts as a default.
pub fn is_literal(d: &str) -> bool {
    let toks = tokenize(d);
    let toks = match toks.first() {
        Some(t) if t.is_op("-") || t.is_op("+") => &toks[1..],
        _ => &toks[..],
    };
    match toks {
        [t] => match t.kind {
            Kind::Number => true,
            Kind::String | Kind::Blob => d.len() == t.text.len(),
            // `DEFAULT "x"` and `DEFAULT x` are the string `x` to SQLite;
            // in parentheses they would name a column, which a default may
            // not.
            Kind::Quoted => crate::dialect::sqlite::expr::name_alone(d),
            Kind::Word => {
                crate::dialect::sqlite::expr::name_alone(d)
                    || ["null", "true", "false"]
                        .iter()
                        .any(|w| t.is_word(w) && d.len() == t.text.len())
            }
            _ => false,
        },
        _ => false,
    }
}

fn is_time_keyword(d: &str) -> bool {
    ["current_timestamp", "current_date", "current_time"]
        .iter()
        .any(|k| d.eq_ignore_ascii_case(k))
}
