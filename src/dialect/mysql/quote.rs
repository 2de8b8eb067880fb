//! Identifier and literal quoting for MySQL and MariaDB, and the keywords
//! that decide when a name needs its backticks. Every identifier the
//! emitter writes goes through [`ident`]; every literal through
//! [`string`], which is also the canonical spelling of a literal in a
//! normalized expression, so that pasting the expression says the same
//! value. The normalizer's bare names come from here too
//! ([`needs_quotes`]).

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

/// A single-quoted string literal, exact under the server's default
/// `sql_mode`: backslashes are escapes there, so they are doubled, and a
/// NUL is written `\0`. A script holding one runs with
/// `NO_BACKSLASH_ESCAPES` off ([`ESCAPES_ON`]).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Turns `NO_BACKSLASH_ESCAPES` off for the session, keeping the rest of
/// its `sql_mode`: the literals [`string`] writes need it off.
pub const ESCAPES_ON: &str = "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

/// Whether a name must keep its backticks in a canonical spelling: it is
/// not a plain identifier, or it reads as a keyword.
pub fn needs_quotes(s: &str) -> bool {
    !simple_ident(s) || is_reserved(s)
}

pub fn simple_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Words that cannot be bare identifiers (a subset of MySQL's reserved
/// words: the ones a column or table is likely to be called).
pub fn is_reserved(w: &str) -> bool {
    is_keyword(&w.to_ascii_lowercase())
}

/// Whether a lowercase word is one of [`KEYWORDS`].
pub fn is_keyword(w: &str) -> bool {
    KEYWORDS.binary_search(&w).is_ok()
}

/// The keywords the normalizer lowercases, and that a name must be
/// backticked to be read as a name. Sorted, for binary search.
const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "any",
    "as",
    "asc",
    "between",
    "binary",
    "by",
    "case",
    "char",
    "check",
    "collate",
    "column",
    "constraint",
    "cross",
    "current",
    "current_date",
    "current_time",
    "current_timestamp",
    "day",
    "decimal",
    "default",
    "delete",
    "desc",
    "distinct",
    "distinctrow",
    "div",
    "else",
    "end",
    "escape",
    "exists",
    "false",
    "following",
    "for",
    "foreign",
    "from",
    "group",
    "having",
    "hour",
    "if",
    "in",
    "index",
    "inner",
    "insert",
    "integer",
    "interval",
    "into",
    "is",
    "join",
    "key",
    "keys",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "microsecond",
    "minute",
    "mod",
    "month",
    "natural",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "outer",
    "over",
    "partition",
    "preceding",
    "primary",
    "quarter",
    "range",
    "rank",
    "recursive",
    "references",
    "regexp",
    "right",
    "rlike",
    "row",
    "rows",
    "second",
    "select",
    "separator",
    "set",
    "signed",
    "some",
    "sounds",
    "straight_join",
    "table",
    "then",
    "true",
    "unbounded",
    "union",
    "unsigned",
    "update",
    "using",
    "values",
    "week",
    "when",
    "where",
    "window",
    "with",
    "xor",
    "year",
];

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

    #[test]
    fn keywords_are_sorted() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
        assert!(is_reserved("Order") && !is_reserved("total"));
    }
}
