//! Small text helpers shared by the lowering and the printer: string
//! escapes, identifier quoting, raw SQL bodies.

use pest::Parser;

use super::grammar::{Rule, StrataParser};

/// Words that start a table member; a column with one of these names is
/// printed quoted so that it cannot be read as that member.
const MEMBER_WORDS: &[&str] = &[
    "primary",
    "unique",
    "check",
    "foreign",
    "index",
    "fulltext",
    "spatial",
    "comment",
    "renamed_from",
];

/// The value of a `"…"` string or quoted identifier (quotes included in
/// `s`). On an unknown escape, the byte offset of its backslash.
pub fn unescape(s: &str) -> Result<String, usize> {
    let inner = s
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s);
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = i + 1;
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                if chars.next().map(|x| x.1) != Some('{') {
                    return Err(at);
                }
                let mut hex = String::new();
                loop {
                    match chars.next() {
                        Some((_, '}')) => break,
                        Some((_, h)) if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
                        _ => return Err(at),
                    }
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if ch != '\0' => out.push(ch),
                    _ => return Err(at),
                }
            }
            _ => return Err(at),
        }
    }
    Ok(out)
}

/// A `"…"` literal for `s`, escaping what must be escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_bare(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An identifier as the language writes it: bare when it can be, else
/// quoted.
pub fn ident(s: &str) -> String {
    if is_bare(s) && !MEMBER_WORDS.contains(&s) {
        s.to_string()
    } else {
        string(s)
    }
}

/// An enum label: bare when it can be, else a SQL string.
pub fn label(s: &str) -> String {
    if is_bare(s) && s != "comment" {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// The value of a SQL `'…'` string.
pub fn unquote_sql(s: &str) -> String {
    let inner = s
        .strip_prefix('\'')
        .and_then(|x| x.strip_suffix('\''))
        .unwrap_or(s);
    inner.replace("''", "'")
}

/// `(x)` → `x`, trimmed.
pub fn paren_inner(s: &str) -> String {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    inner.trim().to_string()
}

/// Whether `s` is one parenthesised group from its first to its last byte.
pub fn is_sole_paren_group(s: &str) -> bool {
    if !s.starts_with('(') {
        return false;
    }
    match StrataParser::parse(Rule::paren_group, s) {
        Ok(mut pairs) => pairs.next().is_some_and(|p| p.as_span().end() == s.len()),
        Err(_) => false,
    }
}

/// A written `(x)` means `x`: one layer of parentheses around a whole
/// fragment is syntax, not part of the SQL.
pub fn strip_sole_parens(s: &str) -> String {
    if is_sole_paren_group(s) {
        paren_inner(s)
    } else {
        s.to_string()
    }
}

/// `$tag$body$tag$` → `body`.
pub fn dollar_inner(s: &str) -> &str {
    let Some(close) = s[1..].find('$') else {
        return s;
    };
    let tag_len = close + 2;
    if s.len() < 2 * tag_len {
        return "";
    }
    &s[tag_len..s.len() - tag_len]
}

/// A raw body as the IR keeps it: without the rest of the opening line
/// when that is blank, without the indentation common to its lines, and
/// without trailing whitespace.
pub fn dedent(raw: &str) -> String {
    let mut s = raw;
    if let Some(nl) = s.find('\n') {
        if s[..nl].trim().is_empty() {
            s = &s[nl + 1..];
        }
    }
    let s = s.trim_end();
    let lines: Vec<&str> = s.split('\n').collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(lines.len());
    let mut started = false;
    for l in lines {
        if !started && l.trim().is_empty() {
            continue;
        }
        started = true;
        let ws = l.len() - l.trim_start_matches([' ', '\t']).len();
        out.push(&l[ws.min(indent)..]);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        for s in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "new\nline\ttab",
            "bell\u{7}",
        ] {
            assert_eq!(unescape(&string(s)), Ok(s.to_string()));
        }
        assert_eq!(unescape(r#""a\qb""#), Err(2));
    }

    #[test]
    fn idents_quote_when_needed() {
        assert_eq!(ident("users"), "users");
        assert_eq!(ident("comment"), "\"comment\"");
        assert_eq!(ident("two words"), "\"two words\"");
        assert_eq!(label("it's"), "'it''s'");
    }

    #[test]
    fn sole_parens() {
        assert_eq!(strip_sole_parens("(a + b)"), "a + b");
        assert_eq!(strip_sole_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_sole_parens("(')')"), "')'");
    }

    #[test]
    fn dedents() {
        assert_eq!(
            dedent("\n    select 1\n      from t\n  "),
            "select 1\n  from t"
        );
        assert_eq!(dedent("select 1"), "select 1");
        assert_eq!(dollar_inner("$x$ body $x$"), " body ");
        assert_eq!(dollar_inner("$$b$$"), "b");
    }
}
