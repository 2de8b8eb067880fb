//! Type spellings. SQLite keeps a column's declared type as written and
//! derives its affinity from the words in it, so the canonical spelling
//! only settles case and spacing: `VARCHAR ( 10 )` is `varchar(10)`.

use super::expr::{tokenize, Kind, Token};

/// The canonical spelling of a declared type.
/// Lowercase, one space between words, none inside parentheses:
/// `VARCHAR ( 10 )` → `varchar(10)`, `UNSIGNED BIG INT` stays three words.
pub fn type_name(ty: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<Token<'_>> = None;
    for t in tokenize(ty) {
        let glue = match prev {
            None => false,
            Some(p) => {
                !(p.is_op("(") || t.is_op("(") || t.is_op(")") || t.is_op(",") || p.is_op(","))
            }
        };
        if glue {
            out.push(' ');
        }
        match t.kind {
            Kind::Word => out.push_str(&t.text.to_ascii_lowercase()),
            Kind::Quoted => out.push_str(&t.name().to_ascii_lowercase()),
            _ => out.push_str(t.text),
        }
        prev = Some(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(type_name("VARCHAR ( 10 )"), "varchar(10)");
        assert_eq!(type_name("numeric(10, 2)"), "numeric(10,2)");
        assert_eq!(type_name("UNSIGNED  BIG INT"), "unsigned big int");
        assert_eq!(type_name(""), "");
    }
}
