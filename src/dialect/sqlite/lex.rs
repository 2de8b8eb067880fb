//! A tokenizer for the SQL text SQLite keeps in `sqlite_master.sql` and for
//! the fragments schema files carry (defaults, checks, view bodies). It
//! knows SQLite's quoting — `"x"`, `[x]`, `` `x` ``, `'str'`, `X'blob'` —
//! and comments, so that nothing splits inside them. It never fails on odd
//! input: an unterminated quote or comment runs to the end of the text.

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

/// SQLite's keywords (https://sqlite.org/lang_keywords.html). A word in
/// this list is lowercased by the normalizer and quoted when it is a name.
pub const KEYWORDS: &[&str] = &[
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyze",
    "and",
    "as",
    "asc",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "between",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "commit",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_date",
    "current_time",
    "current_timestamp",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "filter",
    "first",
    "following",
    "for",
    "foreign",
    "from",
    "full",
    "generated",
    "glob",
    "group",
    "groups",
    "having",
    "if",
    "ignore",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "last",
    "left",
    "like",
    "limit",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "partition",
    "plan",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "select",
    "set",
    "table",
    "temp",
    "temporary",
    "then",
    "ties",
    "to",
    "transaction",
    "trigger",
    "unbounded",
    "union",
    "unique",
    "update",
    "using",
    "vacuum",
    "values",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
];

pub fn is_keyword(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    KEYWORDS.binary_search(&lower.as_str()).is_ok()
}

/// A name that can be written without quotes: ASCII letters, digits and
/// `_`, not starting with a digit, not a keyword.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        tokenize(src).iter().map(|t| t.text).collect()
    }

    #[test]
    fn keywords_are_sorted() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
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

    #[test]
    fn plain_names() {
        assert!(is_plain_name("user_id"));
        assert!(!is_plain_name("order"));
        assert!(!is_plain_name("1a"));
        assert!(!is_plain_name("a b"));
    }
}
