//! A tokenizer for the SQL text SQLite keeps in `sqlite_master.sql` and for
//! the fragments schema files carry (defaults, checks, view bodies), and
//! the canonical form of expressions and bodies built on it. It knows
//! SQLite's quoting — `"x"`, `[x]`, `` `x` ``, `'str'`, `X'blob'` — and
//! comments, so that nothing splits inside them. It never fails on odd
//! input: an unterminated quote or comment runs to the end of the text.

use super::quote::{ident_if_needed, is_keyword};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted word: a keyword or an identifier.
    Word,
    /// A quoted identifier: `"x"`, `[x]` or `` `x` ``.
    Quoted,
    /// A string literal `'…'`.
    String,
    /// A blob literal `X'…'`.
    Blob,
    Number,
    /// A bind parameter (`?`, `?1`, `:a`, `@a`, `$a`).
    Param,
    /// Punctuation and operators, longest match (`<=`, `||`, `->>`).
    Op,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    /// The token exactly as written.
    pub text: &'a str,
    /// Byte offsets into the source text.
    pub start: usize,
    pub end: usize,
    /// Whitespace or a comment comes right before this token.
    pub space_before: bool,
}

impl Token<'_> {
    /// Case-insensitive match of a word (unquoted only).
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    pub fn is_op(&self, op: &str) -> bool {
        self.kind == Kind::Op && self.text == op
    }

    /// The name a word or quoted identifier stands for: quotes removed and
    /// doubled quotes undone. Other tokens give their text.
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Quoted | Kind::String => unquote(self.text),
            _ => self.text.to_string(),
        }
    }
}

/// Removes the quotes of `"x"`, `[x]`, `` `x` `` or `'x'`.
pub fn unquote(text: &str) -> String {
    let mut chars = text.chars();
    let Some(open) = chars.next() else {
        return String::new();
    };
    let close = match open {
        '"' => '"',
        '\'' => '\'',
        '`' => '`',
        '[' => ']',
        _ => return text.to_string(),
    };
    let inner = &text[open.len_utf8()..];
    let inner = inner.strip_suffix(close).unwrap_or(inner);
    if open == '[' {
        return inner.to_string();
    }
    let doubled: String = [close, close].iter().collect();
    inner.replace(&doubled, &close.to_string())
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

const OPS: [&str; 11] = [
    "->>", "->", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "::",
];

/// Splits SQL text into tokens, dropping whitespace and comments.
pub fn tokenize(src: &str) -> Vec<Token<'_>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < bytes.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            space = true;
            continue;
        }
        if src[i..].starts_with("--") {
            i = src[i..].find('\n').map(|n| i + n + 1).unwrap_or(src.len());
            space = true;
            continue;
        }
        if src[i..].starts_with("/*") {
            i = src[i + 2..]
                .find("*/")
                .map(|n| i + 2 + n + 2)
                .unwrap_or(src.len());
            space = true;
            continue;
        }
        let kind;
        match c {
            '\'' => {
                i = quoted_end(src, i, '\'');
                kind = Kind::String;
            }
            '"' | '`' => {
                i = quoted_end(src, i, c);
                kind = Kind::Quoted;
            }
            '[' => {
                i = src[i..].find(']').map(|n| i + n + 1).unwrap_or(src.len());
                kind = Kind::Quoted;
            }
            'x' | 'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = quoted_end(src, i + 1, '\'');
                kind = Kind::Blob;
            }
            c if c.is_ascii_digit()
                || (c == '.' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())) =>
            {
                i = number_end(src, i);
                kind = Kind::Number;
            }
            c if is_word_start(c) => {
                i += c.len_utf8();
                while let Some(d) = src[i..].chars().next() {
                    if !is_word_char(d) {
                        break;
                    }
                    i += d.len_utf8();
                }
                kind = Kind::Word;
            }
            '?' | ':' | '@' | '$'
                if src[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|d| is_word_char(d) || c == '?') =>
            {
                i += 1;
                while let Some(d) = src[i..].chars().next() {
                    if !is_word_char(d) {
                        break;
                    }
                    i += d.len_utf8();
                }
                kind = Kind::Param;
            }
            _ => {
                let op = OPS.iter().find(|op| src[i..].starts_with(**op));
                i += op.map(|o| o.len()).unwrap_or(c.len_utf8());
                kind = Kind::Op;
            }
        }
        out.push(Token {
            kind,
            text: &src[start..i],
            start,
            end: i,
            space_before: space,
        });
        space = false;
    }
    out
}

/// End of a quoted run starting at `start` (on the opening quote); a
/// doubled quote inside stays inside.
fn quoted_end(src: &str, start: usize, quote: char) -> usize {
    let bytes = src.as_bytes();
    let q = quote as u8;
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == q {
            if bytes.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    src.len()
}

fn number_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = start;
    if src[i..].len() > 2 && (src[i..].starts_with("0x") || src[i..].starts_with("0X")) {
        i += 2;
        while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b'_') {
            i += 1;
        }
        return i;
    }
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            i = j;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i
}

// The canonical form of expressions and bodies, on these tokens.

/// A default that is one name alone, bare or double-quoted (`DEFAULT
/// hello`, `DEFAULT key`, `DEFAULT "isbn"`): SQLite reads it as the
/// string, not a column (there is none to name there), and keeps the text
/// as written, which is its canonical form then. `null`, `true`, `false`
/// and the `current_*` times are values, not names.
pub fn name_alone(text: &str) -> bool {
    let text = text.trim();
    match tokenize(text).as_slice() {
        [t] if t.text.len() == text.len() => match t.kind {
            Kind::Quoted => t.text.starts_with('"'),
            Kind::Word => {
                !is_value_keyword(t.text)
                    && !["true", "false"]
                        .iter()
                        .any(|k| t.text.eq_ignore_ascii_case(k))
            }
            _ => false,
        },
        _ => false,
    }
}

/// The canonical text of an expression (default, check, generated column,
/// index part, predicate, trigger WHEN) whose unqualified names can only
/// be the columns `resolves` accepts. SQLite reads a double-quoted word
/// that names no such column as a string literal, so it becomes one here:
/// folding it like a name would change its value, or make it a column
/// that does not exist.
pub fn expr(text: &str, resolves: &dyn Fn(&str) -> bool) -> String {
    let toks = tokenize(text);
    canonical(strip_outer_parens(&toks), resolves)
}

/// [`expr`] with the parentheses around the whole expression kept, for
/// the places where SQLite stores the text as written and nothing around
/// it would stand for them: an index part (`ON t ((a + b))`), an index
/// predicate (`WHERE (a > 0)`), a trigger's `WHEN (…)`. There they are
/// part of what the server keeps, so a table made from the canonical form
/// stores the very same text.
pub fn expr_kept(text: &str, resolves: &dyn Fn(&str) -> bool) -> String {
    canonical(&tokenize(text), resolves)
}

fn canonical(toks: &[Token<'_>], resolves: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let mut prev: Option<&Token<'_>> = None;
    let mut prev_unary = false;
    for (i, t) in toks.iter().enumerate() {
        if let Some(p) = prev {
            if space_between(p, t, prev_unary) {
                out.push(' ');
            }
        }
        let unary = (t.is_op("-") || t.is_op("+") || t.is_op("~"))
            && match prev {
                None => true,
                Some(p) => {
                    (p.kind == Kind::Op && !p.is_op(")"))
                        || (p.kind == Kind::Word && is_keyword(p.text) && !is_value_keyword(p.text))
                }
            };
        if is_string_in_quotes(toks, i, resolves) {
            out.push_str(&super::quote::literal(&t.name()));
        } else {
            out.push_str(&token_text(t, true));
        }
        prev = Some(t);
        prev_unary = unary;
    }
    out
}

/// The canonical text of a column default that is not a name alone
/// ([`name_alone`] keeps those as written). SQLite reads a bracketed or
/// backquoted name (`[hello]`) as that string, and a `"word"` inside an
/// expression as a string too: a default names no column. Parentheses
/// around the whole are kept: `pragma_table_xinfo` gives `DEFAULT ((1))`
/// as `(1)` (SQLite drops the one layer the syntax requires), and a table
/// made with `DEFAULT (1)` would store `1`, another text.
pub fn default(text: &str) -> String {
    if let [t] = tokenize(text).as_slice() {
        if t.kind == Kind::Quoted {
            return super::quote::literal(&t.name());
        }
    }
    expr_kept(text, &|_| false)
}

fn is_value_keyword(w: &str) -> bool {
    ["null", "current_date", "current_time", "current_timestamp"]
        .iter()
        .any(|k| w.eq_ignore_ascii_case(k))
}

fn space_between(p: &Token<'_>, t: &Token<'_>, p_unary: bool) -> bool {
    // Never glue `-` `-` or `/` `*`: that would start a comment.
    if (p.text.ends_with('-') && t.text.starts_with('-'))
        || (p.text.ends_with('/') && t.text.starts_with('*'))
    {
        return true;
    }
    if t.is_op(")") || t.is_op(",") || t.is_op(".") || p.is_op("(") || p.is_op(".") || p_unary {
        return false;
    }
    if t.is_op("(") {
        // A function call keeps its name next to the parenthesis.
        return !matches!(p.kind, Kind::Word | Kind::Quoted) || is_keyword(p.text);
    }
    true
}

/// One token in canonical form. `fold` lowercases keywords and names.
fn token_text(t: &Token<'_>, fold: bool) -> String {
    match t.kind {
        Kind::Word if fold => t.text.to_ascii_lowercase(),
        Kind::Quoted => {
            let n = t.name();
            let n = if fold { n.to_ascii_lowercase() } else { n };
            ident_if_needed(&n)
        }
        Kind::Blob => format!("X{}", &t.text[1..]),
        _ => t.text.to_string(),
    }
}

/// A `"word"` standing where SQLite would look for a column, naming none
/// that `resolves` accepts: SQLite's fallback reads it as a string. A
/// qualified name part or a function name is never one.
fn is_string_in_quotes(toks: &[Token<'_>], i: usize, resolves: &dyn Fn(&str) -> bool) -> bool {
    let t = &toks[i];
    let qualified = (i > 0 && toks[i - 1].is_op("."))
        || toks
            .get(i + 1)
            .is_some_and(|n| n.is_op(".") || n.is_op("("));
    t.kind == Kind::Quoted && t.text.starts_with('"') && !qualified && !resolves(&t.name())
}

/// Drops parentheses that wrap the whole expression, as often as they do.
fn strip_outer_parens<'a, 'b>(mut toks: &'b [Token<'a>]) -> &'b [Token<'a>] {
    while toks.len() >= 2 && toks[0].is_op("(") && toks[toks.len() - 1].is_op(")") {
        let mut depth = 0;
        let mut wraps = true;
        for (i, t) in toks.iter().enumerate() {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
                if depth == 0 && i != toks.len() - 1 {
                    wraps = false;
                    break;
                }
            }
        }
        if !wraps {
            break;
        }
        toks = &toks[1..toks.len() - 1];
    }
    toks
}

/// The canonical text of a view or trigger body: layout and comments
/// become single spaces, needless quotes go from the names `known`
/// accepts, the rest stays as written. A `"word"` that names nothing
/// known may be a string to SQLite (its fallback for double quotes): it
/// keeps its quotes, so that its meaning cannot change.
pub fn body(text: &str, known: &dyn Fn(&str) -> bool) -> String {
    let toks = tokenize(text);
    let mut end = toks.len();
    while end > 0 && toks[end - 1].is_op(";") {
        end -= 1;
    }
    let toks = &toks[..end];
    let mut out = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && t.space_before {
            out.push(' ');
        }
        if is_string_in_quotes(toks, i, known) {
            out.push_str(t.text);
        } else {
            out.push_str(&token_text(t, false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        tokenize(src).iter().map(|t| t.text).collect()
    }

    #[test]
    fn quotes_and_comments() {
        assert_eq!(
            texts("a 'it''s' \"x\"\"y\" [a b] `c` -- no\n/* no */ X'0A' 1.5e3 <= ->> ?1"),
            vec![
                "a",
                "'it''s'",
                "\"x\"\"y\"",
                "[a b]",
                "`c`",
                "X'0A'",
                "1.5e3",
                "<=",
                "->>",
                "?1"
            ]
        );
        assert_eq!(unquote("\"x\"\"y\""), "x\"y");
        assert_eq!(unquote("[a b]"), "a b");
        assert_eq!(unquote("'it''s'"), "it's");
    }

    #[test]
    fn unterminated_runs_to_end() {
        assert_eq!(texts("a 'open"), vec!["a", "'open"]);
        assert_eq!(texts("a /* open"), vec!["a"]);
    }

    fn expr(text: &str) -> String {
        super::expr(text, &|_| true)
    }

    #[test]
    fn double_quotes_naming_nothing_are_strings() {
        let only_a = |n: &str| n.eq_ignore_ascii_case("a");
        assert_eq!(super::expr("\"A\" <> \"Bad\"", &only_a), "a <> 'Bad'");
        assert_eq!(
            super::expr("\"t\".\"B\" = lower(\"x\")", &only_a),
            "t.b = lower('x')"
        );
        assert_eq!(
            body("INSERT INTO \"Log\" VALUES (\"Hello\");", &|n| n == "Log"),
            "INSERT INTO Log VALUES (\"Hello\")"
        );
        assert_eq!(default("\"It's\""), "'It''s'");
        assert_eq!(default("[x y]"), "'x y'");
        for name in ["Hello", "key", "abort", "\"isbn\"", "\"\""] {
            assert!(name_alone(name), "{name}");
        }
        for value in ["true", "NULL", "current_date", "'s'", "-1", "a b", "[x]"] {
            assert!(!name_alone(value), "{value}");
        }
        for kept in ["true", "NULL", "current_timestamp", "'s'", "-1"] {
            assert_ne!(default(kept), format!("'{kept}'"), "{kept}");
        }
    }

    #[test]
    fn expressions() {
        assert_eq!(expr("(0)"), "0");
        assert_eq!(expr("((a > 0))"), "a > 0");
        assert_eq!(expr("(a) + (b)"), "(a) + (b)");
        assert_eq!(expr("CURRENT_TIMESTAMP"), "current_timestamp");
        assert_eq!(expr("DATETIME( 'now' )"), "datetime('now')");
        assert_eq!(
            expr("\"Price\">=0 AND x IN (1,2)"),
            "price >= 0 and x in (1, 2)"
        );
        assert_eq!(expr("-1"), "-1");
        assert_eq!(expr("a - -1"), "a - -1");
        assert_eq!(expr("- -1"), "- -1");
        assert_eq!(expr("\"order\" = 'It''s'"), "\"order\" = 'It''s'");
        assert_eq!(expr("x'0A'"), "X'0A'");
        assert_eq!(
            expr("case when a then -1 else +2 end"),
            "case when a then -1 else +2 end"
        );
        for e in ["a > 0", "lower(\"a b\")", "- -1", "(a) + (b)"] {
            assert_eq!(expr(&expr(e)), expr(e), "idempotent: {e}");
        }
    }
}
