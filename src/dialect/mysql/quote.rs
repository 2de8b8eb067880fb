//! Identifier and literal quoting for MySQL and MariaDB. Every identifier
//! the emitter writes goes through [`ident`]; every literal through
//! [`string`].

use crate::ir::Name;

/// Backtick-quotes an identifier, doubling any backtick inside it.
pub fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A table or view name. The current database is `None` and stays
/// unqualified, so that a script runs in whichever database it targets.
pub fn name(n: &Name) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&n.name)),
        None => ident(&n.name),
    }
}

/// A comma-separated list of quoted identifiers.
pub fn idents<S: AsRef<str>>(list: &[S]) -> String {
    list.iter()
        .map(|s| ident(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A single-quoted string literal. Backslashes are doubled too: the
/// server's default `sql_mode` treats them as escapes.
pub fn string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers_and_strings() {
        assert_eq!(ident("a`b"), "`a``b`");
        assert_eq!(name(&Name::qualified("db", "t")), "`db`.`t`");
        assert_eq!(string(r"it's \n"), r"'it''s \\n'");
        assert_eq!(idents(&["a", "b"]), "`a`, `b`");
    }
}
