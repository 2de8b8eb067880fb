//! A quick lexical pass before the grammar runs. It rejects what would
//! hurt the parser (NUL bytes, nesting deep enough to exhaust the stack of
//! a recursive descent) and remembers unterminated strings, comments and
//! blocks so that a syntax error can name its real cause. It is iterative
//! and linear: no input makes it recurse or backtrack.

use std::ops::Range;

/// Deeper nesting of `(`/`[` than this is refused before parsing. Real
/// schemas stay far below; the grammar recurses once per level.
pub const MAX_DEPTH: usize = 128;

/// The same for SQL kept as text (`sql"""…"""`, `$$…$$`), which the
/// grammar does not parse but a dialect's normalizer walks as a tree: what
/// a server prints back (PostgreSQL deparses a deep expression with
/// every parenthesis) must read back, so the bound is wider.
pub const MAX_SQL_DEPTH: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Nul(usize),
    TooDeep(usize),
    /// Too deep inside SQL kept as text.
    TooDeepSql(usize),
    UnterminatedString(Range<usize>),
    UnterminatedComment(Range<usize>),
    UnterminatedRaw(Range<usize>),
    UnclosedParen(usize),
    UnclosedBrace(usize),
    StrayClose(usize),
}

/// The first problem that stops parsing outright, and the first lexical
/// problem that explains a later syntax error.
#[derive(Debug, Default)]
pub struct Scan {
    pub fatal: Option<Finding>,
    pub hint: Option<Finding>,
}

pub fn scan(text: &str) -> Scan {
    let b = text.as_bytes();
    let mut out = Scan::default();
    if let Some(i) = b.iter().position(|&c| c == 0) {
        out.fatal = Some(Finding::Nul(i));
        return out;
    }
    let hint = |f: Finding, out: &mut Scan| {
        if out.hint.is_none() {
            out.hint = Some(f);
        }
    };
    // Open brackets: byte offset and kind.
    let mut opens: Vec<(usize, u8)> = Vec::new();
    let mut paren_depth = 0usize;
    let mut i = 0;
    let n = b.len();
    while i < n {
        let c = b[i];
        let in_sql = paren_depth > 0;
        // After the first lexical problem only brackets are counted: the
        // searches for closing quotes would go quadratic on hostile input.
        let lexing = out.hint.is_none();
        match c {
            b'/' if lexing && b.get(i + 1) == Some(&b'/') && !in_sql => {
                i = line_end(b, i);
                continue;
            }
            b'-' if lexing && b.get(i + 1) == Some(&b'-') && in_sql => {
                i = line_end(b, i);
                continue;
            }
            b'/' if lexing && b.get(i + 1) == Some(&b'*') => match find(b, i + 2, b"*/") {
                Some(e) => {
                    i = e + 2;
                    continue;
                }
                None => {
                    hint(Finding::UnterminatedComment(i..i + 2), &mut out);
                    break;
                }
            },
            b's' if lexing && !in_sql && b[i..].starts_with(b"sql\"\"\"") => {
                match find(b, i + 6, b"\"\"\"") {
                    Some(e) => {
                        if let Some(at) = too_deep_sql(b, i + 6, e, paren_depth) {
                            out.fatal = Some(Finding::TooDeepSql(at));
                            return out;
                        }
                        i = e + 3;
                        continue;
                    }
                    None => hint(Finding::UnterminatedRaw(i..i + 6), &mut out),
                }
            }
            b'$' if lexing && (i == 0 || !is_ident_byte(b[i - 1]) || b[..i].ends_with(b"sql")) => {
                if let Some(tag_end) = dollar_tag(b, i) {
                    let tag = &b[i..=tag_end];
                    match find(b, tag_end + 1, tag) {
                        Some(e) => {
                            if let Some(at) = too_deep_sql(b, tag_end + 1, e, paren_depth) {
                                out.fatal = Some(Finding::TooDeepSql(at));
                                return out;
                            }
                            i = e + tag.len();
                            continue;
                        }
                        // `$1` placeholders and lone dollars are fine; only
                        // an opening `$tag$` with no close is not.
                        None => hint(Finding::UnterminatedRaw(i..tag_end + 1), &mut out),
                    }
                }
            }
            b'"' if lexing => {
                let end = if in_sql {
                    quoted(b, i, b'"', false)
                } else {
                    quoted(b, i, b'"', true)
                };
                match end {
                    Some(e) => {
                        i = e + 1;
                        continue;
                    }
                    None => hint(Finding::UnterminatedString(i..i + 1), &mut out),
                }
            }
            b'\'' | b'`' if lexing => match quoted(b, i, c, c == b'\'' && escape_prefix(b, i)) {
                Some(e) => {
                    i = e + 1;
                    continue;
                }
                None => hint(Finding::UnterminatedString(i..i + 1), &mut out),
            },
            b'(' | b'[' | b'{' => {
                opens.push((i, c));
                if c != b'{' {
                    paren_depth += 1;
                }
                if paren_depth > MAX_DEPTH {
                    out.fatal = Some(Finding::TooDeep(i));
                    return out;
                }
            }
            b')' | b']' | b'}' => {
                let want = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match opens.last() {
                    Some(&(_, k)) if k == want => {
                        opens.pop();
                        if k != b'{' {
                            paren_depth -= 1;
                        }
                    }
                    // A `}` while a `(` is open: the `(` is what is wrong.
                    Some(&(at, k)) if k != b'{' && want == b'{' => {
                        hint(Finding::UnclosedParen(at), &mut out);
                        while let Some((_, k)) = opens.pop() {
                            if k == b'{' {
                                break;
                            }
                            paren_depth -= 1;
                        }
                    }
                    _ => hint(Finding::StrayClose(i), &mut out),
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&(at, k)) = opens.last() {
        if k == b'{' {
            hint(Finding::UnclosedBrace(at), &mut out);
        } else {
            hint(Finding::UnclosedParen(at), &mut out);
        }
    }
    out
}

/// Where the SQL in `b[from..to]` (a `sql"""…"""` or `$tag$…$tag$` body,
/// kept as text but normalized by a dialect later) nests brackets deeper
/// than [`MAX_SQL_DEPTH`] on top of `depth`, so that no SQL text reaches a
/// recursive pass deeper than it can go.
/// Strings, quoted names and comments do not count.
fn too_deep_sql(b: &[u8], from: usize, to: usize, depth: usize) -> Option<usize> {
    let mut depth = depth;
    let mut i = from;
    while i < to {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < to && b[i] != q {
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => i = line_end(b, i).min(to),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find(b, i + 2, b"*/").map_or(to, |e| e + 1).min(to);
            }
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_SQL_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Whether the quote at `i` opens an `E'…'` string (the `E` a word of
/// its own), where a backslash escapes the next character.
fn escape_prefix(b: &[u8], i: usize) -> bool {
    i >= 1 && matches!(b[i - 1], b'e' | b'E') && (i == 1 || !is_ident_byte(b[i - 2]))
}

fn line_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    i
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// End of `$tag$` starting at `i`, when it is an opening dollar quote.
fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'_') {
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
    }
    (j < b.len() && b[j] == b'$').then_some(j)
}

/// Index of the closing quote of a string opened at `i`; doubled quotes
/// escape, and so does a backslash in the schema language's own strings.
fn quoted(b: &[u8], i: usize, q: u8, backslash: bool) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if backslash && c == b'\\' {
            j += 2;
            continue;
        }
        if c == q {
            if !backslash && b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Some(j);
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_fatal() {
        let text = format!(
            "table t {{ a int check ({}1{}) }}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert!(matches!(scan(&text).fatal, Some(Finding::TooDeep(_))));
    }

    #[test]
    fn parens_in_strings_do_not_count() {
        let text = format!("table t {{\n a text = '{}'\n}}", "(".repeat(1000));
        let s = scan(&text);
        assert_eq!(s.fatal, None);
        assert_eq!(s.hint, None);
    }

    #[test]
    fn finds_unterminated_things() {
        assert!(matches!(
            scan("/* x").hint,
            Some(Finding::UnterminatedComment(_))
        ));
        assert!(matches!(
            scan("view v as sql\"\"\" select").hint,
            Some(Finding::UnterminatedRaw(_))
        ));
        assert!(matches!(
            scan("table t { c text comment \"x }").hint,
            Some(Finding::UnterminatedString(_))
        ));
        assert!(matches!(
            scan("table t {").hint,
            Some(Finding::UnclosedBrace(8))
        ));
        assert_eq!(scan("a\0b").fatal, Some(Finding::Nul(1)));
    }
}
