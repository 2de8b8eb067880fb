//! A column type change that can lose data: a narrower integer, a shorter
//! string, fewer digits, or a conversion between families (text to
//! number, …) whose values may be truncated, rounded or rejected.
//! Widening changes known to keep every value are safe.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    let TableChange::AlterColumn { from, to, what } = change else {
        return None;
    };
    if !what.ty || keeps_values(from.ty.as_str(), to.ty.as_str()) {
        return None;
    }
    Some(Hazard {
        kind: HazardKind::DataLoss,
        message: format!(
            "column `{table}.{}` changes type from {} to {}: values may be truncated, rounded or rejected",
            to.name, from.ty, to.ty
        ), acknowledged: None,
    })
}

/// A type split into its base name (lowercased, spaces collapsed), its
/// numeric parameters and whether it is unsigned.
#[derive(Debug, PartialEq)]
struct Parsed {
    base: String,
    params: Vec<u32>,
    unsigned: bool,
    array: bool,
}

fn parse(ty: &str) -> Parsed {
    let lower = ty.trim().to_lowercase();
    let array = lower.ends_with("[]");
    let lower = lower.trim_end_matches("[]").to_string();
    let (head, params) = match (lower.find('('), lower.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            let params = lower[open + 1..close]
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            (
                format!("{} {}", &lower[..open], &lower[close + 1..]),
                params,
            )
        }
        _ => (lower.clone(), Vec::new()),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let unsigned = words.contains(&"unsigned");
    let base = words
        .iter()
        .filter(|w| **w != "unsigned" && **w != "zerofill" && **w != "signed")
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Parsed {
        base,
        params,
        unsigned,
        array,
    }
}

/// Integer types by width (bytes), with the decimal digits they hold.
fn integer(base: &str) -> Option<(u32, u32)> {
    Some(match base {
        "tinyint" | "int1" => (1, 3),
        "smallint" | "int2" | "smallserial" | "serial2" => (2, 5),
        "mediumint" | "int3" => (3, 8),
        "int" | "integer" | "int4" | "serial" | "serial4" => (4, 10),
        "bigint" | "int8" | "bigserial" | "serial8" => (8, 19),
        _ => return None,
    })
}

fn is_numeric(base: &str) -> bool {
    matches!(base, "numeric" | "decimal" | "dec" | "number")
}

fn is_float(base: &str) -> Option<u32> {
    match base {
        "real" | "float4" | "float" => Some(4),
        "double precision" | "double" | "float8" => Some(8),
        _ => None,
    }
}

/// Unbounded or sized text types; the size is in characters or bytes,
/// `u32::MAX` when the type has no practical limit.
fn text(p: &Parsed) -> Option<u32> {
    match p.base.as_str() {
        "text" | "clob" | "string" | "citext" => Some(if p.base == "text" && p.params.is_empty() {
            u32::MAX
        } else {
            p.params.first().copied().unwrap_or(u32::MAX)
        }),
        "tinytext" => Some(255),
        "mediumtext" => Some(16_777_215),
        "longtext" => Some(u32::MAX),
        "varchar" | "character varying" | "nvarchar" | "varchar2" | "char" | "character"
        | "nchar" | "bpchar" => Some(p.params.first().copied().unwrap_or(
            if matches!(p.base.as_str(), "char" | "character" | "nchar" | "bpchar") {
                1
            } else {
                u32::MAX
            },
        )),
        _ => None,
    }
}

/// Whether every value of type `from` survives as a value of type `to`.
pub fn keeps_values(from: &str, to: &str) -> bool {
    let (f, t) = (parse(from), parse(to));
    if f == t {
        return true;
    }
    if f.array != t.array {
        return false;
    }
    // MySQL's `text` is 64 KiB, smaller than `mediumtext`/`longtext`; an
    // unbounded target is treated as holding any value's text.
    if let Some(t_len) = text(&t) {
        return match text(&f) {
            Some(f_len) => {
                t_len >= f_len
                    && !(t.base == "text" && matches!(f.base.as_str(), "mediumtext" | "longtext"))
            }
            None => t_len == u32::MAX,
        };
    }
    if let (Some((fw, _)), Some((tw, _))) = (integer(&f.base), integer(&t.base)) {
        return match (f.unsigned, t.unsigned) {
            (false, false) | (true, true) => tw >= fw,
            (true, false) => tw > fw,
            (false, true) => false,
        };
    }
    if let (Some((_, digits)), true) = (integer(&f.base), is_numeric(&t.base)) {
        return match t.params.as_slice() {
            [] => true,
            [p] => *p >= digits,
            [p, s, ..] => p.saturating_sub(*s) >= digits,
        };
    }
    if is_numeric(&f.base) && is_numeric(&t.base) {
        let split = |p: &[u32]| match p {
            [] => None,
            [p] => Some((*p, 0)),
            [p, s, ..] => Some((*p - (*s).min(*p), *s)),
        };
        return match (split(&f.params), split(&t.params)) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some((fi, fs)), Some((ti, ts))) => ti >= fi && ts >= fs,
        };
    }
    if let (Some(fw), Some(tw)) = (is_float(&f.base), is_float(&t.base)) {
        return tw >= fw;
    }
    if let (Some((fw, _)), Some(8)) = (integer(&f.base), is_float(&t.base)) {
        return fw <= 4;
    }
    let time = |b: &str| match b {
        "date" => Some(0),
        "timestamp" | "timestamp without time zone" | "datetime" => Some(1),
        "timestamptz" | "timestamp with time zone" => Some(2),
        _ => None,
    };
    if let (Some(a), Some(b)) = (time(&f.base), time(&t.base)) {
        let precision_kept = match (f.params.first(), t.params.first()) {
            (Some(fp), Some(tp)) => tp >= fp,
            (None, Some(_)) => false,
            _ => true,
        };
        return b >= a && precision_kept;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::ir::Column;

    #[test]
    fn widening_is_safe() {
        for (a, b) in [
            ("integer", "bigint"),
            ("int4", "int8"),
            ("smallint", "integer"),
            ("varchar(10)", "varchar(20)"),
            ("varchar(10)", "text"),
            ("character varying(5)", "character varying"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("numeric(10,2)", "numeric"),
            ("integer", "numeric(12,0)"),
            ("real", "double precision"),
            ("timestamp", "timestamptz"),
            ("int unsigned", "bigint"),
            ("integer", "text"),
            ("text", "longtext"),
            ("INT", "int"),
        ] {
            assert!(keeps_values(a, b), "{a} -> {b} should be safe");
        }
    }

    #[test]
    fn narrowing_or_crossing_loses() {
        for (a, b) in [
            ("bigint", "integer"),
            ("varchar(20)", "varchar(10)"),
            ("text", "varchar(10)"),
            ("numeric(12,2)", "numeric(10,2)"),
            ("numeric(10,2)", "numeric(10,0)"),
            ("text", "integer"),
            ("integer", "int unsigned"),
            ("double precision", "real"),
            ("timestamptz", "date"),
            ("longtext", "text"),
            ("bigint", "double precision"),
            ("integer[]", "integer"),
        ] {
            assert!(!keeps_values(a, b), "{a} -> {b} should lose data");
        }
    }

    #[test]
    fn hazard_names_the_column_and_both_types() {
        let a = Column::new("total", "numeric(12,2)");
        let b = Column::new("total", "integer");
        let what = ColumnChanges::between(&a, &b);
        let h = check(
            &Name::new("orders"),
            &TableChange::AlterColumn {
                from: a,
                to: b,
                what,
            },
        )
        .expect("a hazard");
        assert_eq!(h.kind, HazardKind::DataLoss);
        assert_eq!(
            h.message,
            "column `orders.total` changes type from numeric(12,2) to integer: values may be truncated, rounded or rejected"
        );
    }
}
