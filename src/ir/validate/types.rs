//! Type text, folded lightly and without a dialect, so that two spellings
//! of one type compare equal (`int4` = `integer` = `int`), and the rule
//! that flags a column type naming nothing (E0211).
//!
//! Dialects normalize types properly later; this folding only has to be
//! good enough to tell "same type" for a foreign key and "a type we know"
//! for a PostgreSQL column, and to err on the side of silence.

use std::collections::BTreeSet;

use super::suggest::help_for;
use super::Problem;
use crate::ir::{Name, ObjectRef, Schema, Table};

/// Lower case, single spaces, type modifiers (`(12,2)`, `(255)`) removed,
/// `pg_catalog.` dropped, aliases mapped to one spelling. Array brackets
/// stay: `int[]` is not `int`.
pub fn fold_type(ty: &str) -> String {
    let base = strip_modifiers(ty);
    let mut words: Vec<&str> = base.split_whitespace().collect();
    // MySQL display attributes do not change what values fit.
    words.retain(|w| *w != "zerofill");
    let joined = words.join(" ");
    let (core, arrays) = split_arrays(&joined);
    let core = core.strip_prefix("pg_catalog.").unwrap_or(core);
    format!("{}{}", alias(core), "[]".repeat(arrays))
}

/// Whether a type holds whole numbers (identity and auto-increment need one).
pub fn is_integer_type(ty: &str) -> bool {
    let folded = fold_type(ty);
    let core = folded.strip_suffix(" unsigned").unwrap_or(&folded);
    matches!(
        core,
        "smallint" | "integer" | "bigint" | "tinyint" | "mediumint"
    )
}

/// The family a foreign key compares: string types of any length and
/// spelling reference each other in every dialect, the rest must fold to
/// the same text.
pub(super) fn fk_family(ty: &str) -> String {
    let folded = fold_type(ty);
    match folded.as_str() {
        "text" | "varchar" | "char" | "citext" | "tinytext" | "mediumtext" | "longtext" => {
            "string".into()
        }
        _ => folded,
    }
}

/// SQLite's affinity of a declared type, by its rules in order: `INT`
/// anywhere is INTEGER; `CHAR`, `CLOB` or `TEXT` is TEXT; `BLOB` or no
/// type is BLOB; `REAL`, `FLOA` or `DOUB` is REAL; anything else NUMERIC.
pub fn sqlite_affinity(ty: &str) -> &'static str {
    let t = ty.to_ascii_uppercase();
    let has = |w: &str| t.contains(w);
    if has("INT") {
        "integer"
    } else if has("CHAR") || has("CLOB") || has("TEXT") {
        "text"
    } else if has("BLOB") || t.trim().is_empty() || t.trim() == "\"\"" {
        "blob"
    } else if has("REAL") || has("FLOA") || has("DOUB") {
        "real"
    } else {
        "numeric"
    }
}

fn strip_modifiers(ty: &str) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for ch in ty.chars() {
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
            if depth == 0 {
                out.push(ch);
            }
            continue;
        }
        match ch {
            '"' if depth == 0 => {
                quote = Some('"');
                out.push(ch);
            }
            '\'' => quote = Some('\''),
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.extend(ch.to_lowercase()),
            _ => {}
        }
    }
    out
}

fn split_arrays(s: &str) -> (&str, usize) {
    let mut core = s.trim();
    let mut n = 0;
    loop {
        if let Some(rest) = core.strip_suffix("[]") {
            core = rest.trim_end();
            n += 1;
        } else if let Some(rest) = core.strip_suffix(" array") {
            core = rest.trim_end();
            n += 1;
        } else {
            return (core, n);
        }
    }
}

fn alias(t: &str) -> &str {
    match t {
        "int" | "int4" | "integer" | "serial" | "serial4" => "integer",
        "bigint" | "int8" | "bigserial" | "serial8" => "bigint",
        "smallint" | "int2" | "smallserial" | "serial2" => "smallint",
        "bool" | "boolean" => "boolean",
        "real" | "float4" => "real",
        "double precision" | "float8" | "double" => "double precision",
        "decimal" | "numeric" | "dec" => "numeric",
        "character varying" | "varchar" | "nvarchar" | "national character varying" => "varchar",
        "character" | "char" | "bpchar" | "nchar" | "national character" => "char",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "timetz" | "time with time zone" => "timetz",
        "time" | "time without time zone" => "time",
        "varbit" | "bit varying" => "varbit",
        "int unsigned" | "integer unsigned" => "integer unsigned",
        "int8 unsigned" | "bigint unsigned" => "bigint unsigned",
        "int2 unsigned" | "smallint unsigned" => "smallint unsigned",
        other => other,
    }
}

/// PostgreSQL's built-in type names, by first word, generously: a name
/// here is never flagged. Multi-word types (`double precision`,
/// `timestamp with time zone`, `interval day to second`) are known by
/// their first word.
const POSTGRES_BUILTIN: &[&str] = &[
    "any",
    "anyarray",
    "anyelement",
    "anyenum",
    "anynonarray",
    "anyrange",
    "bigint",
    "bigserial",
    "bit",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "char",
    "character",
    "cid",
    "cidr",
    "circle",
    "cstring",
    "date",
    "datemultirange",
    "daterange",
    "dec",
    "decimal",
    "double",
    "float",
    "float4",
    "float8",
    "inet",
    "int",
    "int2",
    "int4",
    "int4multirange",
    "int4range",
    "int8",
    "int8multirange",
    "int8range",
    "integer",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "national",
    "nchar",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "path",
    "pg_lsn",
    "pg_snapshot",
    "point",
    "polygon",
    "real",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "smallint",
    "smallserial",
    "text",
    "tid",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "trigger",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xid",
    "xid8",
    "xml",
];

/// Types that common extensions add; accepted whether or not the schema
/// declares the extension (it may be installed outside the schema files).
const EXTENSION_TYPES: &[&str] = &[
    "box2d",
    "box3d",
    "citext",
    "cube",
    "ean13",
    "earth",
    "geography",
    "geometry",
    "ghstore",
    "halfvec",
    "hstore",
    "isbn",
    "isbn13",
    "ismn",
    "issn",
    "lquery",
    "ltree",
    "ltxtquery",
    "raster",
    "seg",
    "semver",
    "sparsevec",
    "vector",
];

/// Extensions whose types [`EXTENSION_TYPES`] covers; any other declared
/// extension may bring types of its own, so the rule stays silent then.
const KNOWN_EXTENSIONS: &[&str] = &[
    "btree_gin",
    "btree_gist",
    "citext",
    "cube",
    "earthdistance",
    "fuzzystrmatch",
    "hstore",
    "isn",
    "ltree",
    "pg_stat_statements",
    "pg_trgm",
    "pgcrypto",
    "plpgsql",
    "postgis",
    "seg",
    "tablefunc",
    "unaccent",
    "uuid-ossp",
    "vector",
];

/// The type names a schema defines (enums, and tables and views as row
/// types), lower-cased, built once per validation.
pub(super) struct KnownTypes {
    names: BTreeSet<(Option<String>, String)>,
    /// Namespaces an extension is created in: the types it adds there
    /// (`ext.citext`) are the extension's, not this module's to know.
    extension_namespaces: BTreeSet<String>,
    /// The rule is off: not PostgreSQL, or an extension that may add
    /// types this module does not know.
    off: bool,
}

impl KnownTypes {
    pub(super) fn new(schema: &Schema) -> KnownTypes {
        let off = schema.dialect != Some(crate::ir::DialectKind::Postgres)
            || schema
                .extensions
                .keys()
                .any(|e| !KNOWN_EXTENSIONS.contains(&e.as_str()));
        let names = if off {
            BTreeSet::new()
        } else {
            schema
                .enums
                .keys()
                .chain(schema.domains.keys())
                .chain(schema.composites.keys())
                .chain(schema.ranges.keys())
                .chain(schema.tables.keys())
                .chain(schema.views.keys())
                .map(lower)
                .chain(schema.ranges.values().map(|r| lower(&r.multirange_name())))
                .collect()
        };
        let extension_namespaces = schema
            .extensions
            .values()
            .filter_map(|e| e.schema.as_deref().map(str::to_lowercase))
            .collect();
        KnownTypes {
            names,
            extension_namespaces,
            off,
        }
    }
}

fn lower(n: &Name) -> (Option<String>, String) {
    (
        n.schema.as_deref().map(str::to_lowercase),
        n.name.to_lowercase(),
    )
}

/// E0211: a column type that names neither a built-in type, nor an enum,
/// nor a table or view (their row types), in a schema declared
/// `dialect postgres`. Other dialects have no user-defined column types
/// (MySQL's `enum(…)` is inline), so there is nothing to look up.
pub(super) fn check_columns(
    schema: &Schema,
    known: &KnownTypes,
    table: &Table,
    out: &mut Vec<Problem>,
) {
    if known.off {
        return;
    }
    for col in &table.columns {
        let Some(user) = user_type_name(col.ty.as_str()) else {
            continue;
        };
        let (ns, _) = lower(&user);
        if known.names.contains(&lower(&user))
            || ns.is_some_and(|ns| known.extension_namespaces.contains(&ns))
        {
            continue;
        }
        let enums: Vec<String> = schema
            .enums
            .keys()
            .chain(schema.domains.keys())
            .chain(schema.composites.keys())
            .chain(schema.ranges.keys())
            .map(|n| n.to_string())
            .collect();
        let mut candidates: Vec<&str> = enums.iter().map(String::as_str).collect();
        candidates.extend(POSTGRES_BUILTIN.iter().copied());
        let help = help_for(&user.to_string(), &candidates, "enums, domains and types in this schema").or_else(|| {
            Some("declare it with `enum NAME { … }` or `domain NAME as TYPE`, or fix the type's spelling".into())
        });
        out.push(
            Problem::new(
                "E0211",
                ObjectRef::Column {
                    table: table.name.clone(),
                    column: col.name.clone(),
                },
                format!(
                    "column `{}.{}` has unknown type `{}`",
                    table.name, col.name, col.ty
                ),
                format!("no type named `{user}`"),
            )
            .maybe_help(help),
        );
    }
}

/// The user type a column type names, or `None` when it is built in.
fn user_type_name(ty: &str) -> Option<Name> {
    let base = strip_modifiers(ty);
    let (core, _) = split_arrays(&base);
    let core = core.trim();
    if core.is_empty() {
        return None;
    }
    let parts = split_qualified(core);
    match parts.as_slice() {
        [one] => {
            let first = one.split_whitespace().next().unwrap_or(one);
            if !one.starts_with('"') && is_builtin(first) {
                None
            } else {
                Some(Name::new(unquote(one)))
            }
        }
        [ns, one] => {
            let ns = unquote(ns);
            if ns == "pg_catalog" || ns == "information_schema" {
                return None;
            }
            if ns == "public" {
                return Some(Name::new(unquote(one)));
            }
            Some(Name::qualified(ns, unquote(one)))
        }
        // Three-part names and stranger text are left to the database.
        _ => None,
    }
}

fn is_builtin(first_word: &str) -> bool {
    POSTGRES_BUILTIN.contains(&first_word) || EXTENSION_TYPES.contains(&first_word)
}

fn split_qualified(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, ch) in s.char_indices() {
        match ch {
            '"' => quoted = !quoted,
            '.' if !quoted => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::ir::Enum;

    #[test]
    fn folding() {
        assert_eq!(fold_type("INT4"), "integer");
        assert_eq!(fold_type("int"), "integer");
        assert_eq!(fold_type("serial"), "integer");
        assert_eq!(fold_type("int8"), "bigint");
        assert_eq!(fold_type("numeric(12, 2)"), "numeric");
        assert_eq!(fold_type("character  varying(255)"), "varchar");
        assert_eq!(fold_type("timestamp(3) with time zone"), "timestamptz");
        assert_eq!(fold_type("pg_catalog.int4"), "integer");
        assert_eq!(fold_type("int4[]"), "integer[]");
        assert_eq!(fold_type("int(11) unsigned zerofill"), "integer unsigned");
        assert_ne!(fold_type("int"), fold_type("bigint"));
    }

    #[test]
    fn integer_types() {
        for t in [
            "int",
            "BIGINT",
            "int2",
            "bigint unsigned",
            "tinyint(1)",
            "serial",
        ] {
            assert!(is_integer_type(t), "{t}");
        }
        for t in ["text", "numeric", "uuid", "int[]", "double precision"] {
            assert!(!is_integer_type(t), "{t}");
        }
    }

    fn pg_with_column(ty: &str) -> Schema {
        pg(schema(vec![table("t", &[("c", ty)])]))
    }

    #[test]
    fn builtin_and_extension_types_are_known() {
        for ty in [
            "bigint",
            "timestamp(3) with time zone",
            "double precision",
            "interval day to second",
            "text[]",
            "varchar(20)[]",
            "pg_catalog.int4",
            "bit varying(8)",
            "citext",
            "geometry(Point, 4326)",
            "tstzrange",
        ] {
            assert_eq!(codes(&pg_with_column(ty)), Vec::<&str>::new(), "{ty}");
        }
    }

    #[test]
    fn unknown_user_type_is_flagged_with_a_suggestion() {
        let mut s = pg_with_column("order_stauts");
        s.enums.insert(
            Name::new("order_status"),
            Enum {
                name: Name::new("order_status"),
                values: vec!["a".into()],
                comment: None,
            },
        );
        let problems = validate_all(&s);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "E0211");
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean `order_status`?")
        );
    }

    #[test]
    fn enums_tables_and_public_qualified_names_resolve() {
        let mut s = pg(schema(vec![
            table(
                "t",
                &[
                    ("a", "mood"),
                    ("b", "public.mood"),
                    ("c", "billing.st[]"),
                    ("d", "u"),
                ],
            ),
            table("u", &[("x", "int")]),
        ]));
        for n in [Name::new("mood"), Name::qualified("billing", "st")] {
            s.enums.insert(
                n.clone(),
                Enum {
                    name: n,
                    values: vec!["a".into()],
                    comment: None,
                },
            );
        }
        assert_eq!(codes(&s), Vec::<&str>::new());
    }

    #[test]
    fn qualified_unknown_type_is_flagged() {
        assert_eq!(codes(&pg_with_column("billing.status")), vec!["E0211"]);
    }

    #[test]
    fn types_of_an_extension_in_its_own_namespace_are_known() {
        let mut s = pg_with_column("ext.citext");
        assert_eq!(codes(&s), vec!["E0211"]);
        s.extensions.insert(
            "citext".into(),
            crate::ir::Extension {
                name: "citext".into(),
                schema: Some("ext".into()),
                version: None,
                comment: None,
            },
        );
        assert_eq!(codes(&s), Vec::<&str>::new());
    }

    #[test]
    fn silent_without_a_postgres_dialect_or_with_unknown_extensions() {
        let mut s = pg_with_column("mystery");
        assert_eq!(codes(&s), vec!["E0211"]);
        s.extensions.insert(
            "exotic".into(),
            crate::ir::Extension {
                name: "exotic".into(),
                schema: None,
                version: None,
                comment: None,
            },
        );
        assert_eq!(codes(&s), Vec::<&str>::new());
        let plain = schema(vec![table("t", &[("c", "mystery")])]);
        assert_eq!(codes(&plain), Vec::<&str>::new());
    }

    fn validate_all(s: &Schema) -> Vec<Problem> {
        super::super::validate(s)
    }
}
