//! Columns: their definition in `CREATE TABLE` and `ADD COLUMN`, and how
//! a default is written (bare literal or parenthesized expression).

use crate::dialect::sqlite::expr::{tokenize, Kind};
use crate::dialect::sqlite::quote::ident;
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
            // `DEFAULT "x"` is the string `x` to SQLite; in parentheses it
            // would name a column, which a default may not.
            Kind::Quoted => crate::dialect::sqlite::expr::double_quoted_alone(d),
            Kind::Word => ["null", "true", "false"]
                .iter()
                .any(|w| t.is_word(w) && d.len() == t.text.len()),
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
