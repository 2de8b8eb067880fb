//! Column types: one canonical spelling per type, so that what a file says
//! and what `information_schema.COLUMNS.COLUMN_TYPE` says compare equal.
//!
//! Canonical form: lowercase keywords; an integer's default display width
//! dropped (`int(11)`: MySQL 8.0.19 stopped printing them), another one
//! kept (`int(4)`, `tinyint(1)`: MariaDB keeps what was written), and the
//! width under `zerofill` always written, where it changes what is
//! displayed; aliases resolved (`integer` → `int`,
//! `bool` → `tinyint(1)`, `numeric` → `decimal(10,0)`, …); enum and set
//! values re-quoted without spaces, as the catalog prints them.
//!
//! Type changes: which keep every value (`lossless`), and which InnoDB
//! makes without copying rows (`widening`).

/// The canonical spelling of a MySQL/MariaDB column type.
pub fn canonical(ty: &str) -> String {
    let parsed = Parsed::parse(ty);
    parsed.render()
}

/// The base type name of a canonical type (`int unsigned` → `int`).
pub fn base(ty: &str) -> String {
    Parsed::parse(ty).base
}

pub fn is_integer(ty: &str) -> bool {
    matches!(
        base(ty).as_str(),
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint"
    )
}

/// Numeric types whose literal defaults the catalog prints unquoted.
pub fn is_numeric(ty: &str) -> bool {
    is_integer(ty) || matches!(base(ty).as_str(), "decimal" | "float" | "double")
}

/// Types that carry a character set and collation.
pub fn is_textual(ty: &str) -> bool {
    matches!(
        base(ty).as_str(),
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "enum"
            | "set"
            | "json"
    )
}

/// The scale of a `decimal(p,s)` type, used to print literal defaults the
/// way the catalog does (`0` → `0.00`).
pub fn decimal_scale(ty: &str) -> Option<usize> {
    let p = Parsed::parse(ty);
    if p.base != "decimal" {
        return None;
    }
    p.args.get(1).and_then(|s| s.parse().ok())
}

struct Parsed {
    base: String,
    args: Vec<String>,
    unsigned: bool,
    zerofill: bool,
    /// Anything after the modifiers we know, kept verbatim (lowercased).
    rest: Vec<String>,
}

impl Parsed {
    fn parse(ty: &str) -> Parsed {
        let ty = ty.trim();
        let (head, args, tail) = match ty.find('(') {
            Some(open) => {
                let close = matching_paren(ty, open).unwrap_or(ty.len());
                let inner = &ty[open + 1..close.min(ty.len())];
                let tail = ty.get(close + 1..).unwrap_or("");
                (&ty[..open], Some(inner), tail)
            }
            None => {
                // Multi-word names (`double precision`) before the modifiers.
                (ty, None, "")
            }
        };
        let (head, tail) = (versioned_unwrapped(head), versioned_unwrapped(tail));
        let mut words: Vec<String> = head
            .split_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        words.extend(tail.split_whitespace().map(|w| w.to_ascii_lowercase()));
        let mut unsigned = false;
        let mut zerofill = false;
        let mut name_words = Vec::new();
        let mut rest = Vec::new();
        for w in words {
            match w.as_str() {
                "unsigned" => unsigned = true,
                "signed" => {}
                "zerofill" => zerofill = true,
                _ if rest.is_empty() && (name_words.is_empty() || is_name_continuation(&w)) => {
                    name_words.push(w)
                }
                _ => rest.push(w),
            }
        }
        let raw_base = name_words.join(" ");
        let mut args: Vec<String> = match args {
            Some(inner) if matches!(raw_base.as_str(), "enum" | "set") => split_values(inner),
            Some(inner) => inner
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let base = match raw_base.as_str() {
            "integer" | "int4" => "int",
            "int1" => "tinyint",
            "int2" => "smallint",
            "int3" | "middleint" => "mediumint",
            "int8" => "bigint",
            "bool" | "boolean" => {
                args = vec!["1".into()];
                "tinyint"
            }
            "dec" | "numeric" | "fixed" => "decimal",
            "real" | "double precision" | "float8" => "double",
            "float4" => "float",
            "character varying"
            | "char varying"
            | "national varchar"
            | "nvarchar"
            | "national character varying" => "varchar",
            "character" | "nchar" | "national char" | "national character" => "char",
            "long varchar" | "long" => "mediumtext",
            "long varbinary" => "mediumblob",
            other => other,
        }
        .to_string();
        if zerofill {
            unsigned = true;
        }
        Parsed {
            base,
            args,
            unsigned,
            zerofill,
            rest,
        }
    }

    fn render(mut self) -> String {
        let int_default_width = |base: &str, unsigned: bool| -> Option<&'static str> {
            Some(match (base, unsigned) {
                ("tinyint", true) => "3",
                ("tinyint", false) => "4",
                ("smallint", true) => "5",
                ("smallint", false) => "6",
                ("mediumint", true) => "8",
                ("mediumint", false) => "9",
                ("int", true) => "10",
                ("int", false) => "11",
                ("bigint", _) => "20",
                _ => return None,
            })
        };
        match self.base.as_str() {
            "tinyint" | "smallint" | "mediumint" | "int" | "bigint" => {
                if self.zerofill {
                    if self.args.is_empty() {
                        if let Some(w) = int_default_width(&self.base, self.unsigned) {
                            self.args = vec![w.into()];
                        }
                    }
                } else if self.args.first().map(String::as_str)
                    == int_default_width(&self.base, self.unsigned)
                {
                    // MariaDB prints the default width (`int(11)`), MySQL
                    // 8.0.19 none: both are the type written without one.
                    self.args.clear();
                }
            }
            "decimal" => match self.args.len() {
                0 => self.args = vec!["10".into(), "0".into()],
                1 => self.args.push("0".into()),
                _ => {}
            },
            "char" | "binary" | "bit" if self.args.is_empty() => self.args = vec!["1".into()],
            "year" => self.args.clear(),
            "timestamp" | "datetime" | "time" if self.args == ["0"] => self.args.clear(),
            "float" if self.args.len() == 1 => {
                let p: u32 = self.args[0].parse().unwrap_or(0);
                self.args.clear();
                if p > 24 {
                    self.base = "double".into();
                }
            }
            _ => {}
        }
        let mut out = self.base.clone();
        if !self.args.is_empty() {
            out.push('(');
            out.push_str(&self.args.join(","));
            out.push(')');
        }
        if self.unsigned {
            out.push_str(" unsigned");
        }
        if self.zerofill {
            out.push_str(" zerofill");
        }
        for r in &self.rest {
            out.push(' ');
            out.push_str(r);
        }
        out
    }
}

/// `s` with each versioned comment (`/*M!100301 COMPRESSED*/`, `/*!50601
/// x*/`) replaced by what it holds. MariaDB prints a compressed column's
/// type so (`text /*M!100301 COMPRESSED*/`); lowercased as a comment it
/// would be one the server skips (only `/*M!` runs), and the column made
/// uncompressed with nothing said.
pub fn versioned_unwrapped(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("/*") {
        let after = &rest[start + 2..];
        let body = after
            .strip_prefix("M!")
            .or_else(|| after.strip_prefix("m!"))
            .or_else(|| after.strip_prefix('!'));
        let (Some(body), Some(end)) = (body, after.find("*/")) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push(' ');
        let body = &after[after.len() - body.len()..end];
        out.push_str(body.trim_start_matches(|c: char| c.is_ascii_digit()));
        out.push(' ');
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn is_name_continuation(w: &str) -> bool {
    matches!(
        w,
        "precision" | "varying" | "varchar" | "char" | "character" | "varbinary"
    )
}

/// The index of the parenthesis that closes the one at `open`, skipping
/// quoted strings.
fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    if bytes.get(i + 1) == Some(&q) {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Enum/set values, each re-rendered as the canonical literal of its value.
fn split_values(inner: &str) -> Vec<String> {
    let mut values = Vec::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let q = chars[i];
        if q == '\'' || q == '"' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == q {
                    if chars.get(i + 1) == Some(&q) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let end = (i + 1).min(chars.len());
            let raw: String = chars[start..end].iter().collect();
            if let Some(v) = super::expr::string_literal(&raw) {
                values.push(super::quote::string(&v));
            }
        }
        i += 1;
    }
    values
}

// Type changes: which keep every value, which InnoDB makes in place.

/// Whether every value of the old type fits the new one.
pub fn lossless(from: &str, to: &str) -> bool {
    if widening(from, to) {
        return true;
    }
    let rank = |b: &str| -> Option<usize> {
        ["tinyint", "smallint", "mediumint", "int", "bigint"]
            .iter()
            .position(|x| *x == b)
            .or_else(|| {
                ["tinytext", "text", "mediumtext", "longtext"]
                    .iter()
                    .position(|x| *x == b)
                    .map(|p| p + 10)
            })
            .or_else(|| {
                ["tinyblob", "blob", "mediumblob", "longblob"]
                    .iter()
                    .position(|x| *x == b)
                    .map(|p| p + 20)
            })
    };
    let (fb, tb) = (base(from), base(to));
    let unsigned = |t: &str| t.contains("unsigned");
    if let (Some(a), Some(b)) = (rank(&fb), rank(&tb)) {
        return a / 10 == b / 10
            && b >= a
            && (a >= 10 || unsigned(from) == unsigned(to) || (!unsigned(to) && b > a));
    }
    let args = |t: &str| -> Vec<u64> {
        t.find('(')
            .and_then(|o| {
                t[o + 1..]
                    .split(')')
                    .next()
                    .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            })
            .unwrap_or_default()
    };
    let (fa, ta) = (args(from), args(to));
    match (fb.as_str(), tb.as_str()) {
        ("varchar", "varchar")
        | ("char", "varchar")
        | ("char", "char")
        | ("varbinary", "varbinary") => fa.first() <= ta.first(),
        ("varchar" | "char", "text" | "mediumtext" | "longtext") => true,
        ("decimal", "decimal") => {
            fa.len() == 2 && ta.len() == 2 && ta[1] >= fa[1] && ta[0] - ta[1] >= fa[0] - fa[1]
        }
        ("float", "double") => true,
        _ => false,
    }
}

/// Whether a type change only widens (same family, larger size), which
/// InnoDB can do without copying rows.
pub fn widening(from: &str, to: &str) -> bool {
    let (fb, tb) = (base(from), base(to));
    let len = |t: &str| -> Option<u64> {
        let open = t.find('(')?;
        let close = t[open..].find(')')? + open;
        t[open + 1..close].split(',').next()?.trim().parse().ok()
    };
    if fb == tb && (fb == "varchar" || fb == "varbinary") {
        // The length prefix grows from one to two bytes at 256 bytes.
        return match (len(from), len(to)) {
            (Some(a), Some(b)) => b >= a && (b <= 63 || a > 255),
            _ => false,
        };
    }
    if fb == "enum" || fb == "set" {
        // Values appended at the end keep every stored number.
        let inner = |t: &str| {
            t[t.find('(').unwrap_or(0)..]
                .trim_end_matches(')')
                .to_string()
        };
        return to.starts_with(&inner(from)[..]) || inner(to).starts_with(&inner(from));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{canonical, lossless, widening};

    #[test]
    fn canonical_spellings() {
        for (input, want) in [
            ("INT(11)", "int"),
            ("integer", "int"),
            ("int(10) unsigned", "int unsigned"),
            ("INT UNSIGNED ZEROFILL", "int(10) unsigned zerofill"),
            ("tinyint(1)", "tinyint(1)"),
            ("tinyint(4)", "tinyint"),
            ("int(4)", "int(4)"),
            ("smallint(3) unsigned", "smallint(3) unsigned"),
            ("BOOLEAN", "tinyint(1)"),
            ("numeric", "decimal(10,0)"),
            ("decimal(12, 2)", "decimal(12,2)"),
            ("double precision", "double"),
            ("character varying(20)", "varchar(20)"),
            ("char", "char(1)"),
            ("enum('a', 'B','it''s')", "enum('a','B','it''s')"),
            ("bigint(20) unsigned", "bigint unsigned"),
            ("year(4)", "year"),
            ("timestamp(6)", "timestamp(6)"),
            ("json", "json"),
            ("float(30)", "double"),
            ("text /*M!100301 COMPRESSED*/", "text compressed"),
            (
                "varchar(100) /*M!100301 COMPRESSED*/",
                "varchar(100) compressed",
            ),
            ("BLOB COMPRESSED", "blob compressed"),
        ] {
            assert_eq!(canonical(input), want, "{input}");
        }
    }

    #[test]
    fn widening_rules() {
        assert!(widening("varchar(10)", "varchar(20)"));
        assert!(!widening("varchar(10)", "varchar(300)"));
        assert!(!widening("varchar(20)", "varchar(10)"));
        assert!(widening("enum('a','b')", "enum('a','b','c')"));
        assert!(!widening("enum('a','b')", "enum('b','a')"));
        assert!(!widening("int", "bigint"));
        assert!(lossless("int", "bigint"));
        assert!(!lossless("bigint", "int"));
        assert!(!lossless("int unsigned", "int"));
        assert!(lossless("decimal(10,2)", "decimal(12,2)"));
        assert!(!lossless("varchar(10)", "int"));
    }
}
