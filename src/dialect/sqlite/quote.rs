//! Identifier and literal quoting: the only place SQL text is built from
//! names and values.

/// `"name"`, with embedded double quotes doubled. Always quoted, so that
/// keywords and mixed case survive unchanged.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, with embedded single quotes doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A comma-separated list of quoted identifiers.
pub fn ident_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_quotes() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(ident_list(&["a", "B"]), "\"a\", \"B\"");
    }
}
