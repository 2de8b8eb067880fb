//! Type spellings and families: every alias PostgreSQL accepts, rewritten
//! to the one spelling `format_type` prints, so that a schema file's `int`
//! and the catalog's `integer` compare equal; and the families a type
//! change moves between, which decide whether it needs `USING`, rewrites
//! the table or may lose values.

use std::cell::RefCell;
use std::collections::HashMap;

use super::quote::{ident, is_plain_ident};
use crate::ir::Storage;

thread_local! {
    /// Spellings already made canonical. A schema repeats a handful of
    /// types over thousands of columns, and both sides of a comparison ask
    /// for each column's type more than once: parsing one allocates a
    /// string per word, which was a tenth of `diff`'s client CPU at 5,000
    /// tables.
    static CANONICAL: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Spellings cached at most: odd inputs (a fuzzer's) must not grow the
/// cache without end.
const CANONICAL_CACHED: usize = 4096;

/// The canonical spelling of a column type.
pub fn canonical(ty: &str) -> String {
    CANONICAL.with(|cache| {
        if let Some(c) = cache.borrow().get(ty) {
            return c.clone();
        }
        let c = spelled(ty);
        let mut cache = cache.borrow_mut();
        if cache.len() >= CANONICAL_CACHED {
            cache.clear();
        }
        cache.insert(ty.to_string(), c.clone());
        c
    })
}

/// [`canonical`], computed.
fn spelled(ty: &str) -> String {
    let parsed = parse(ty);
    let base = parsed.words.join(" ");
    let modifier = parsed.modifier.as_deref();
    let mut out = match (base.as_str(), modifier) {
        ("int" | "int4" | "integer", None) => "integer".to_string(),
        ("int2" | "smallint", None) => "smallint".to_string(),
        ("int8" | "bigint", None) => "bigint".to_string(),
        ("serial" | "serial4", None) => "serial".to_string(),
        ("bigserial" | "serial8", None) => "bigserial".to_string(),
        ("smallserial" | "serial2", None) => "smallserial".to_string(),
        ("float8" | "double precision", None) | ("float", None) => "double precision".into(),
        ("float4" | "real", None) => "real".to_string(),
        ("float", Some(m)) => match m.parse::<u32>() {
            Ok(p) if p <= 24 => "real".to_string(),
            _ => "double precision".to_string(),
        },
        ("bool" | "boolean", None) => "boolean".to_string(),
        ("varchar" | "character varying", m) => with_mod("character varying", m),
        ("char" | "character", None) => "character(1)".to_string(),
        // `bpchar` without a length holds strings of any length (and is
        // what `format_type` prints); `character` alone is `character(1)`.
        ("bpchar", None) => "bpchar".to_string(),
        ("char" | "character" | "bpchar", m) => with_mod("character", m),
        ("decimal" | "numeric", Some(m)) if !m.contains(',') => format!("numeric({m},0)"),
        ("decimal" | "numeric", m) => with_mod("numeric", m),
        ("timestamp" | "timestamp without time zone", m) => {
            format!("timestamp{} without time zone", paren(m))
        }
        ("timestamptz" | "timestamp with time zone", m) => {
            format!("timestamp{} with time zone", paren(m))
        }
        ("time" | "time without time zone", m) => format!("time{} without time zone", paren(m)),
        ("timetz" | "time with time zone", m) => format!("time{} with time zone", paren(m)),
        ("varbit" | "bit varying", m) => with_mod("bit varying", m),
        ("bit", None) => "bit(1)".to_string(),
        (_, m) => with_mod(&base, m),
    };
    // PostgreSQL does not enforce dimensions: `int[][]` is `integer[]`.
    if parsed.dims > 0 {
        out.push_str("[]");
    }
    out
}

/// The storage a built-in type's columns have unless told otherwise
/// (its `typstorage`), from the canonical spelling; `None` for a type
/// only the server knows (a domain, an extension's or user's type).
pub fn own_storage(ty: &str) -> Option<Storage> {
    if ty.ends_with("[]") {
        return Some(Storage::Extended);
    }
    let base = ty.split('(').next().unwrap_or(ty).trim_end();
    let base = match base.split_once(" with") {
        Some((b, _)) => b,
        None => base,
    };
    match base {
        "text" | "character varying" | "character" | "bytea" | "json" | "jsonb" | "xml" | "bit"
        | "bit varying" | "tsvector" | "jsonpath" | "path" | "polygon" => Some(Storage::Extended),
        "numeric" | "inet" | "cidr" => Some(Storage::Main),
        "smallint" | "integer" | "bigint" | "serial" | "bigserial" | "smallserial" | "real"
        | "double precision" | "boolean" | "date" | "time" | "timestamp" | "interval" | "uuid"
        | "money" | "oid" | "macaddr" | "macaddr8" | "point" | "lseg" | "box" | "line"
        | "circle" | "tsquery" | "\"char\"" => Some(Storage::Plain),
        _ => None,
    }
}

/// The base type of a serial pseudo-type, `None` for any other type.
pub fn serial_base(ty: &str) -> Option<&'static str> {
    match ty {
        "serial" => Some("integer"),
        "bigserial" => Some("bigint"),
        "smallserial" => Some("smallint"),
        _ => None,
    }
}

/// The largest value of an integer type, for sequence defaults.
pub fn int_max(ty: &str) -> i64 {
    match ty {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    }
}

pub fn int_min(ty: &str) -> i64 {
    match ty {
        "smallint" => i16::MIN as i64,
        "integer" => i32::MIN as i64,
        _ => i64::MIN,
    }
}

fn with_mod(base: &str, m: Option<&str>) -> String {
    format!("{base}{}", paren(m))
}

fn paren(m: Option<&str>) -> String {
    m.map(|m| format!("({m})")).unwrap_or_default()
}

struct Parsed {
    words: Vec<String>,
    modifier: Option<String>,
    dims: usize,
}

/// Splits `timestamp(3) with time zone[]` into words, modifier and array
/// dimensions. Unquoted words are lowercased, `public.` and `pg_catalog.`
/// prefixes dropped, quotes kept only where the name needs them.
fn parse(ty: &str) -> Parsed {
    let mut words = Vec::new();
    let mut modifier = None;
    let mut dims = 0;
    let chars: Vec<char> = ty.trim().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            let mut depth = 0;
            let mut text = String::new();
            while i < chars.len() {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
                if depth >= 1 && !(depth == 1 && chars[i - 1] == '(') {
                    text.push(chars[i - 1]);
                }
            }
            let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if modifier.is_none() {
                modifier = Some(text.to_ascii_lowercase());
            }
        } else if c == '[' {
            while i < chars.len() && chars[i] != ']' {
                i += 1;
            }
            i += 1;
            dims += 1;
        } else {
            // A (possibly dotted, possibly quoted) name.
            let mut parts: Vec<String> = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            while i < chars.len() {
                let c = chars[i];
                if c == '"' {
                    quoted = true;
                    i += 1;
                    while i < chars.len() {
                        if chars[i] == '"' {
                            if chars.get(i + 1) == Some(&'"') {
                                cur.push('"');
                                i += 2;
                                continue;
                            }
                            i += 1;
                            break;
                        }
                        cur.push(chars[i]);
                        i += 1;
                    }
                } else if c == '.' {
                    parts.push(finish_part(&cur, quoted));
                    cur.clear();
                    quoted = false;
                    i += 1;
                } else if c.is_whitespace() || c == '(' || c == '[' {
                    break;
                } else {
                    cur.push(c.to_ascii_lowercase());
                    i += 1;
                }
            }
            parts.push(finish_part(&cur, quoted));
            if parts.len() == 2 && (parts[0] == "public" || parts[0] == "pg_catalog") {
                parts.remove(0);
            }
            let word = parts.join(".");
            if word == "array" {
                dims += 1;
            } else {
                words.push(word);
            }
        }
    }
    if words.is_empty() {
        words.push(String::new());
    }
    Parsed {
        words,
        modifier,
        dims,
    }
}

/// A name part as `format_type` would print it: bare when it is a plain
/// lowercase identifier, quoted otherwise.
fn finish_part(s: &str, quoted: bool) -> String {
    if !quoted || is_plain_ident(s) {
        s.to_string()
    } else {
        ident(s)
    }
}

// Type families: which conversions need `USING`, keep every value, or
// rewrite the table. The emitter and the hazards both ask.

/// Whether PostgreSQL needs an explicit `USING` to convert: it does when
/// there is no implicit or assignment cast, which for strata's purposes
/// is any change between type families.
pub fn needs_using(from: &str, to: &str) -> bool {
    family(from) != family(to) || family(from) == Family::Other
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum Family {
    Int,
    Numeric,
    Float,
    Text,
    Time,
    Other,
}

pub fn family(ty: &str) -> Family {
    let base = ty.split('(').next().unwrap_or(ty).trim();
    match base {
        "smallint" | "integer" | "bigint" => Family::Int,
        "numeric" => Family::Numeric,
        "real" | "double precision" => Family::Float,
        "text" | "character varying" | "character" => Family::Text,
        _ if base.starts_with("timestamp") => Family::Time,
        _ => Family::Other,
    }
}

fn type_modifier(ty: &str) -> Vec<i64> {
    ty.split_once('(')
        .and_then(|(_, rest)| rest.split(')').next())
        .map(|m| m.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default()
}

fn int_rank(ty: &str) -> u8 {
    match ty {
        "smallint" => 1,
        "integer" => 2,
        _ => 3,
    }
}

/// Whether the conversion keeps every value (no rewrite needed beyond
/// what the server decides) — `varchar(10)` → `varchar(20)` or `text`,
/// `numeric(10,2)` → `numeric(12,2)`.
pub fn binary_compatible(from: &str, to: &str) -> bool {
    let (bf, bt) = (
        from.split('(').next().unwrap_or(from),
        to.split('(').next().unwrap_or(to),
    );
    match (bf, bt) {
        ("character varying", "text") => true,
        ("character varying", "character varying") => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            mt.is_empty() || mf.first().zip(mt.first()).is_some_and(|(a, b)| b >= a)
        }
        ("numeric", "numeric") => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            mt.is_empty() || (mf.len() == 2 && mt.len() == 2 && mt[1] == mf[1] && mt[0] >= mf[0])
        }
        _ => false,
    }
}

/// Whether values may not fit the new type (lost or refused).
pub fn narrows(from: &str, to: &str) -> bool {
    let (ff, ft) = (family(from), family(to));
    match (ff, ft) {
        (Family::Int, Family::Int) => int_rank(to) < int_rank(from),
        (Family::Text, Family::Text) => {
            let mt = type_modifier(to);
            let mf = type_modifier(from);
            match (mf.first(), mt.first()) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            }
        }
        (Family::Numeric, Family::Numeric) => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            match (mf.as_slice(), mt.as_slice()) {
                (_, []) => false,
                ([], _) => true,
                ([p1, s1], [p2, s2]) => p2 - s2 < p1 - s1 || s2 < s1,
                _ => true,
            }
        }
        (Family::Int, Family::Numeric | Family::Float | Family::Text) => false,
        (Family::Float, Family::Float) => to == "real" && from != "real",
        _ => true,
    }
}

/// Whether `from` keeps its order inside `to` (only additions).
pub fn only_additions(from: &[String], to: &[String]) -> bool {
    let mut it = to.iter();
    from.iter().all(|f| it.any(|t| t == f))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn aliases() {
        for (a, b) in [
            ("int", "integer"),
            ("INT4", "integer"),
            ("int8", "bigint"),
            ("varchar(255)", "character varying(255)"),
            ("VARCHAR", "character varying"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("timestamp(3) with time zone", "timestamp(3) with time zone"),
            ("bool", "boolean"),
            ("float8", "double precision"),
            ("float(10)", "real"),
            ("numeric(12, 2)", "numeric(12,2)"),
            ("decimal(10)", "numeric(10,0)"),
            ("char", "character(1)"),
            ("bpchar", "bpchar"),
            ("BPCHAR", "bpchar"),
            ("bpchar(3)", "character(3)"),
            ("int[]", "integer[]"),
            ("text[][]", "text[]"),
            ("int[3]", "integer[]"),
            ("integer array", "integer[]"),
            ("public.order_status", "order_status"),
            ("\"Status\"", "\"Status\""),
            ("\"status\"", "status"),
            ("billing.status", "billing.status"),
            ("serial4", "serial"),
            ("pg_catalog.int4", "integer"),
        ] {
            assert_eq!(canonical(a), b, "{a}");
        }
    }
}
