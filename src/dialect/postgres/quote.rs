//! Identifier and literal quoting: the only place SQL text gets a name or a
//! string glued into it.

use crate::ir::Name;

/// `"ident"`, always quoted, inner quotes doubled.
pub fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `"schema"."name"`, or `"name"` in the default namespace. `None` stands
/// for `public` (normalization maps `public` to `None`), so an emitted
/// statement never depends on `search_path` for where an object goes.
pub fn name(n: &Name) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&n.name)),
        None => format!("\"public\".{}", ident(&n.name)),
    }
}

/// `'text'` with quotes doubled; an `E''` literal when it holds a
/// backslash, so that the result means the same whatever
/// `standard_conforming_strings` says.
pub fn literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A comma-separated list of quoted identifiers.
pub fn idents(list: &[String]) -> String {
    list.iter().map(|s| ident(s)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_everything() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(name(&Name::new("t")), "\"public\".\"t\"");
        assert_eq!(name(&Name::qualified("s", "T")), "\"s\".\"T\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\b"), "E'a\\\\b'");
    }
}
