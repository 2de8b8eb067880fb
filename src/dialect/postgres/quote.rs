//! Identifier and literal quoting, and PostgreSQL's reserved words: the
//! only place SQL text gets a name or a string glued into it. Emitted SQL
//! always quotes (`ident`, `name`); the normalizer and the introspector
//! spell a name as the server prints it (`ident_if_needed`,
//! `printed_name`), which is bare unless it must be quoted.

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

/// A name as the server prints it (`quote_ident`): bare when it is a
/// plain lowercase identifier and no keyword, quoted otherwise.
pub fn ident_if_needed(s: &str) -> String {
    if is_bare(s) {
        s.to_string()
    } else {
        ident(s)
    }
}

/// `schema.name` as `::regtype` and `::regclass` print it: each part
/// quoted only where it must be.
pub fn printed_name(n: &Name) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", ident_if_needed(s), ident_if_needed(&n.name)),
        None => ident_if_needed(&n.name),
    }
}

/// Whether the server prints this name without quotes.
pub fn is_bare(s: &str) -> bool {
    is_plain_ident(s) && !is_reserved(s)
}

/// Lowercase letters, digits, `_` and `$`, not starting with a digit.
pub fn is_plain_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
}

/// Keywords `quote_ident` quotes (reserved, type/function-name and
/// column-name keywords): a name spelled like one must stay quoted.
pub fn is_reserved(w: &str) -> bool {
    RESERVED.binary_search(&w).is_ok()
}

/// Sorted, for binary search.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

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

    #[test]
    fn reserved_is_sorted() {
        let mut sorted = RESERVED.to_vec();
        sorted.sort();
        assert_eq!(sorted, RESERVED);
    }

    #[test]
    fn printed_names_quote_only_where_needed() {
        assert_eq!(printed_name(&Name::qualified("s", "t_1")), "s.t_1");
        assert_eq!(printed_name(&Name::new("User")), "\"User\"");
        assert_eq!(printed_name(&Name::new("order")), "\"order\"");
    }
}
