//! A database-free canonical form for SQL expressions, so that what a user
//! writes (`total >= 0`, `status in ('a','b')`) and what PostgreSQL prints
//! back (`(total >= (0)::numeric)`, `(status = ANY (ARRAY['a'::text,
//! 'b'::text]))`) compare equal.
//!
//! It works on tokens, never on raw text: lowercase unquoted words, drop
//! quotes that are not needed, rewrite the forms PostgreSQL rewrites
//! (`IN` lists, `BETWEEN`, `LIKE`, `!=`), drop the casts it adds to
//! literals, and drop parentheses that precedence makes redundant. The
//! result is valid SQL with the same meaning, so it can be emitted as is.

use std::cell::RefCell;
use std::collections::HashMap;

use super::quote::{ident, ident_if_needed, literal};
use super::types;

/// Facts about the context of an expression that decide which casts are
/// redundant.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    /// The canonical type of the column a default belongs to: a literal
    /// cast to it is what PostgreSQL adds to every default.
    pub column_type: Option<&'a str>,
    /// Canonical names of the schema's enum types: a literal compared
    /// with an enum column gets cast to its type.
    pub enums: &'a [String],
    /// Lowercased names of the schema's `text` and `varchar` columns (and
    /// `value` when a domain is over one): `col::text` on one of them is
    /// what PostgreSQL adds around comparisons, and means nothing. On any
    /// other column the cast is the user's and changes the meaning.
    pub text_columns: &'a [String],
    /// Results already computed under these `enums` and `text_columns`:
    /// a schema repeats the same defaults, checks and index expressions
    /// on table after table (`0`, `now()`, `''::character varying`).
    pub memo: Option<&'a Memo>,
}

/// Canonical texts by column type and written text, for one pair of
/// `enums` and `text_columns` (the [`Context`] that holds it).
#[derive(Debug, Default)]
pub struct Memo(RefCell<Vec<ByType>>);

/// A column type (`None`: no column) and the canonical texts under it.
type ByType = (Option<String>, HashMap<String, String>);

impl Memo {
    fn get(&self, column_type: Option<&str>, sql: &str) -> Option<String> {
        let by_type = self.0.borrow();
        let (_, known) = by_type.iter().find(|(t, _)| t.as_deref() == column_type)?;
        known.get(sql).cloned()
    }

    fn put(&self, column_type: Option<&str>, sql: &str, canonical: &str) {
        let mut by_type = self.0.borrow_mut();
        let at = match by_type
            .iter()
            .position(|(t, _)| t.as_deref() == column_type)
        {
            Some(at) => at,
            None => {
                by_type.push((column_type.map(str::to_string), HashMap::new()));
                by_type.len() - 1
            }
        };
        by_type[at].1.insert(sql.to_string(), canonical.to_string());
    }
}

/// The canonical text of an expression.
pub fn normalize(sql: &str, cx: &Context<'_>) -> String {
    let Some(memo) = cx.memo else {
        return compute(sql, cx);
    };
    if let Some(known) = memo.get(cx.column_type, sql) {
        return known;
    }
    let canonical = compute(sql, cx);
    memo.put(cx.column_type, sql, &canonical);
    canonical
}

fn compute(sql: &str, cx: &Context<'_>) -> String {
    let tokens = tokenize(sql);
    let tokens = rewrite_tokens(tokens);
    let mut nodes = tree(&tokens);
    // Several passes: a rewrite can expose another (a stripped cast leaves
    // parentheses around a literal, which then go).
    for _ in 0..4 {
        let before = nodes.clone();
        nodes = simplify(nodes, cx);
        if nodes == before {
            break;
        }
    }
    let mut out = String::new();
    render(&nodes, &mut out);
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A word: keyword, identifier (already lowercased) or quoted
    /// identifier kept with its quotes.
    Word(String),
    /// A string literal, with its quotes (`'it''s'`, `E'a\\b'`, `$$…$$`).
    Str(String),
    Num(String),
    Op(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
    Cast,
    /// A canonical type name after `::`.
    Type(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Tok(Tok),
    Group(Vec<Node>),
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let c: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '-' && c.get(i + 1) == Some(&'-') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if (ch == 'b' || ch == 'B')
            && c.get(i + 1) == Some(&'\'')
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            i = bit_string(&c, i, &mut out);
        } else if ch == '\'' || ((ch == 'e' || ch == 'E') && c.get(i + 1) == Some(&'\'')) {
            i = string(&c, i, &mut out);
        } else if ch == '$' && dollar_tag(&c, i).is_some() {
            i = dollar_string(&c, i, &mut out);
        } else if ch == '"' {
            i = quoted_ident(&c, i, &mut out);
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            i = number(&c, i, &mut out);
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            let w: String = c[start..i].iter().collect::<String>().to_lowercase();
            out.push(Tok::Word(w));
        } else if let Some(t) = punctuation(&c, i) {
            i += if t == Tok::Cast { 2 } else { 1 };
            out.push(t);
        } else if ch == ';' {
            i += 1;
        } else {
            i = operator(&c, i, &mut out);
        }
    }
    out
}

/// `B'0101'`, which is how PostgreSQL's `'0101'::"bit"` may be written.
fn bit_string(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let start = i + 1;
    i += 2;
    while i < c.len() && c[i] != '\'' {
        i += 1;
    }
    i = (i + 1).min(c.len());
    out.push(Tok::Str(c[start..i].iter().collect()));
    out.push(Tok::Cast);
    out.push(Tok::Word(ident("bit")));
    i
}

/// `'…'` or `E'…'`, quotes doubled inside, backslash escapes in the
/// second.
fn string(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let start = i;
    let escapes = c[i] != '\'';
    if escapes {
        i += 1;
    }
    i += 1;
    while i < c.len() {
        if escapes && c[i] == '\\' {
            i += 2;
            continue;
        }
        if c[i] == '\'' {
            if c.get(i + 1) == Some(&'\'') {
                i += 2;
                continue;
            }
            i += 1;
            break;
        }
        i += 1;
    }
    let lit: String = c[start..i.min(c.len())].iter().collect();
    out.push(Tok::Str(canonical_string(&lit)));
    i
}

/// `$tag$…$tag$`, kept as the plain string literal it means.
fn dollar_string(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let tag = dollar_tag(c, i).unwrap_or_default();
    let start = i;
    i += tag.len();
    let tag_chars: Vec<char> = tag.chars().collect();
    while i < c.len() && !c[i..].starts_with(&tag_chars) {
        i += 1;
    }
    i = (i + tag_chars.len()).min(c.len());
    let body: String = c[start + tag_chars.len()..i.saturating_sub(tag_chars.len())]
        .iter()
        .collect();
    out.push(Tok::Str(format!("'{}'", body.replace('\'', "''"))));
    i
}

/// `"name"`, kept quoted only where the server would print it quoted.
fn quoted_ident(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let mut s = String::new();
    i += 1;
    while i < c.len() {
        if c[i] == '"' {
            if c.get(i + 1) == Some(&'"') {
                s.push('"');
                i += 2;
                continue;
            }
            i += 1;
            break;
        }
        s.push(c[i]);
        i += 1;
    }
    out.push(Tok::Word(ident_if_needed(&s)));
    i
}

/// Digits, a decimal point, an exponent.
fn number(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let start = i;
    while i < c.len()
        && (c[i].is_ascii_digit()
            || c[i] == '.'
            || ((c[i] == 'e' || c[i] == 'E')
                && c.get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '-' || *d == '+')))
    {
        if c[i] == 'e' || c[i] == 'E' {
            i += 1;
        }
        i += 1;
    }
    out.push(Tok::Num(c[start..i].iter().collect()));
    i
}

/// Brackets, commas, `::` and `.`.
fn punctuation(c: &[char], i: usize) -> Option<Tok> {
    Some(match c[i] {
        '(' => Tok::Open,
        ')' => Tok::Close,
        '[' => Tok::OpenBracket,
        ']' => Tok::CloseBracket,
        ',' => Tok::Comma,
        ':' if c.get(i + 1) == Some(&':') => Tok::Cast,
        '.' => Tok::Dot,
        _ => return None,
    })
}

/// An operator: the longest run of operator characters (`!=` read as
/// `<>`), or any other single character.
fn operator(c: &[char], mut i: usize, out: &mut Vec<Tok>) -> usize {
    let start = i;
    while i < c.len() && "+-*/<>=~!@#%^&|`?:".contains(c[i]) {
        // A `-` that starts a comment ends the operator.
        if i > start && c[i] == '-' && c.get(i + 1) == Some(&'-') {
            break;
        }
        i += 1;
    }
    if i == start {
        i += 1;
    }
    let op: String = c[start..i].iter().collect();
    out.push(Tok::Op(if op == "!=" { "<>".into() } else { op }));
    i
}

fn dollar_tag(c: &[char], i: usize) -> Option<String> {
    let mut j = i + 1;
    while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
        j += 1;
    }
    (c.get(j) == Some(&'$')).then(|| c[i..=j].iter().collect())
}

/// A literal spelled as the server prints it ([`literal`]) when its value
/// is plain to read: `E'\n'`, `E'it\'s'` and `'<newline>'` are one string.
/// An escape string with octal, hex or Unicode escapes stays as written.
fn canonical_string(lit: &str) -> String {
    let value = match lit.strip_prefix(['e', 'E']) {
        Some(rest) => escape_string_value(rest),
        None => lit
            .strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .map(|x| x.replace("''", "'")),
    };
    match value {
        Some(v) => literal(&v),
        None => lit.to_string(),
    }
}

/// The value of the quoted part of `E'…'`, when it only uses the simple
/// escapes.
fn escape_string_value(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                c @ ('\\' | '\'' | '"') => c,
                _ => return None,
            }),
            '\'' => {
                // Only `''` can stand inside.
                if chars.next()? != '\'' {
                    return None;
                }
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// Word-level rewrites that need no tree: `like` → `~~`, qualifiers
/// `public.` and `pg_catalog.`, type names after `::`, `type 'literal'`.
fn rewrite_tokens(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t {
            Tok::Word(w)
                if (w == "public" || w == "pg_catalog") && toks.get(i + 1) == Some(&Tok::Dot) =>
            {
                i += 2;
                continue;
            }
            Tok::Word(w) if w == "not" => {
                let next = toks.get(i + 1);
                let op = match next {
                    Some(Tok::Word(n)) if n == "like" => Some("!~~"),
                    Some(Tok::Word(n)) if n == "ilike" => Some("!~~*"),
                    _ => None,
                };
                if let Some(op) = op {
                    out.push(Tok::Op(op.into()));
                    i += 2;
                    continue;
                }
                out.push(t.clone());
            }
            Tok::Word(w) if w == "like" => out.push(Tok::Op("~~".into())),
            Tok::Word(w) if w == "ilike" => out.push(Tok::Op("~~*".into())),
            Tok::Cast => {
                let (ty, next) = read_type(&toks, i + 1);
                out.push(Tok::Cast);
                out.push(Tok::Type(ty));
                i = next;
                continue;
            }
            Tok::Word(w)
                if TYPED_LITERALS.contains(&w.as_str())
                    && matches!(toks.get(i + 1), Some(Tok::Str(_)))
                    && !matches!(out.last(), Some(Tok::Dot)) =>
            {
                // `date '2020-01-01'` is how `'2020-01-01'::date` may be written.
                if let Some(Tok::Str(s)) = toks.get(i + 1) {
                    out.push(Tok::Str(s.clone()));
                    out.push(Tok::Cast);
                    out.push(Tok::Type(types::canonical(w)));
                }
                i += 2;
                continue;
            }
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

const TYPED_LITERALS: &[&str] = &[
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "text",
    "varchar",
    "json",
    "jsonb",
    "uuid",
    "numeric",
    "boolean",
    "inet",
    "bytea",
];

/// Reads a type name after `::` (multi-word names, modifiers, `[]`).
fn read_type(toks: &[Tok], mut i: usize) -> (String, usize) {
    // `::"bit"` is bit without a length, unlike a column's `bit`.
    if let Some(Tok::Word(w)) = toks.get(i) {
        if w == "\"bit\"" || w == "\"char\"" {
            return (w.clone(), i + 1);
        }
    }
    let mut text = String::new();
    let mut prev_word = String::new();
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Word(w) => {
                let continues = text.is_empty()
                    || matches!(
                        (prev_word.as_str(), w.as_str()),
                        ("character" | "bit", "varying")
                            | ("double", "precision")
                            | ("timestamp" | "time" | ")", "with" | "without")
                            | ("with" | "without", "time")
                            | ("time", "zone")
                    )
                    || (prev_word == ")" && (w == "with" || w == "without"));
                if !continues {
                    break;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(w);
                prev_word = w.clone();
                i += 1;
                if toks.get(i) == Some(&Tok::Dot) {
                    text.push('.');
                    i += 1;
                    if let Some(Tok::Word(w2)) = toks.get(i) {
                        text.push_str(w2);
                        prev_word = w2.clone();
                        i += 1;
                    }
                }
            }
            Tok::Open if !text.is_empty() && prev_word != ")" => {
                // A type modifier: numbers and commas only.
                let mut j = i + 1;
                let mut m = String::from("(");
                while let Some(t) = toks.get(j) {
                    match t {
                        Tok::Num(n) => m.push_str(n),
                        Tok::Comma => m.push(','),
                        Tok::Close => break,
                        _ => return (types::canonical(&text), i),
                    }
                    j += 1;
                }
                m.push(')');
                text.push_str(&m);
                prev_word = ")".into();
                i = j + 1;
            }
            Tok::OpenBracket if toks.get(i + 1) == Some(&Tok::CloseBracket) => {
                text.push_str("[]");
                i += 2;
            }
            _ => break,
        }
    }
    (types::canonical(&text), i)
}

fn tree(toks: &[Tok]) -> Vec<Node> {
    let mut stack: Vec<Vec<Node>> = vec![Vec::new()];
    for t in toks {
        match t {
            Tok::Open => stack.push(Vec::new()),
            Tok::Close if stack.len() > 1 => {
                let inner = stack.pop().unwrap_or_default();
                if let Some(top) = stack.last_mut() {
                    top.push(Node::Group(inner));
                }
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.push(Node::Tok(t.clone()));
                }
            }
        }
    }
    // Unbalanced input: close what is open rather than lose text.
    while stack.len() > 1 {
        let inner = stack.pop().unwrap_or_default();
        if let Some(top) = stack.last_mut() {
            top.push(Node::Group(inner));
        }
    }
    stack.pop().unwrap_or_default()
}

/// Words that are operators or clause keywords rather than names: a
/// parenthesis after them is a grouping, not a call.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "like",
    "ilike",
    "similar",
    "between",
    "select",
    "from",
    "where",
    "on",
    "join",
    "left",
    "right",
    "full",
    "inner",
    "outer",
    "cross",
    "when",
    "then",
    "else",
    "case",
    "end",
    "as",
    "by",
    "group",
    "order",
    "having",
    "limit",
    "offset",
    "union",
    "all",
    "any",
    "some",
    "exists",
    "distinct",
    "using",
    "with",
    "desc",
    "asc",
    "nulls",
    "first",
    "last",
    "returning",
    "lateral",
    "except",
    "intersect",
    "filter",
    "over",
    "array",
    "null",
    "true",
    "false",
    "isnull",
    "notnull",
    "escape",
    "values",
];

fn is_keyword(w: &str) -> bool {
    KEYWORDS.contains(&w)
}

/// Binding strength of a binary or prefix operator token; higher binds
/// tighter (PostgreSQL's table, 9.5 and later).
fn precedence(n: &Node) -> Option<u8> {
    match n {
        Node::Tok(Tok::Word(w)) => match w.as_str() {
            "or" => Some(1),
            "and" => Some(2),
            "not" => Some(3),
            "is" | "isnull" | "notnull" => Some(4),
            "in" | "between" | "like" | "ilike" | "similar" => Some(6),
            "at" | "collate" => Some(11),
            _ => None,
        },
        Node::Tok(Tok::Op(o)) => Some(match o.as_str() {
            "<" | ">" | "=" | "<=" | ">=" | "<>" => 5,
            "+" | "-" => 8,
            "*" | "/" | "%" => 9,
            "^" => 10,
            _ => 7,
        }),
        Node::Tok(Tok::Cast) => Some(12),
        _ => None,
    }
}

/// The weakest operator at the top level of a group, `None` for an atom.
fn weakest(nodes: &[Node]) -> Option<u8> {
    let mut min: Option<u8> = None;
    for (i, n) in nodes.iter().enumerate() {
        let p = match n {
            // Words that end a clause make the group more than an expression.
            Node::Tok(Tok::Word(w)) if is_keyword(w) && precedence(n).is_none() => {
                if matches!(w.as_str(), "null" | "true" | "false" | "array") {
                    continue;
                }
                Some(0)
            }
            Node::Tok(Tok::Comma) => Some(0),
            // A leading `-` is a sign, not a subtraction.
            Node::Tok(Tok::Op(_)) if is_sign(nodes, i) => Some(SIGN),
            _ => precedence(n),
        };
        if let Some(p) = p {
            min = Some(min.map_or(p, |m| m.min(p)));
        }
    }
    min
}

fn is_literal(nodes: &[Node]) -> bool {
    match nodes {
        [Node::Tok(Tok::Str(_) | Tok::Num(_))] => true,
        [Node::Tok(Tok::Op(o)), Node::Tok(Tok::Num(_))] => o == "-" || o == "+",
        [Node::Group(inner)] => is_literal(inner),
        _ => false,
    }
}

/// Whether a cast of a literal to `ty` can go: the literal's type is
/// then inferred from its context, as PostgreSQL inferred it when it
/// added the cast.
fn redundant_literal_cast(ty: &str, cx: &Context<'_>) -> bool {
    let base = ty.split('(').next().unwrap_or(ty).trim();
    matches!(
        base,
        "text"
            | "character varying"
            | "character"
            | "bpchar"
            | "name"
            | "integer"
            | "bigint"
            | "smallint"
            | "numeric"
            | "real"
            | "double precision"
            | "boolean"
            | "uuid"
            | "json"
            | "jsonb"
            | "regclass"
            | "regconfig"
            | "regdictionary"
            | "regtype"
            | "regproc"
            | "regprocedure"
            | "regnamespace"
            | "regrole"
            | "citext"
    ) || cx.column_type == Some(ty)
        || cx.enums.iter().any(|e| e == ty)
        || ty.ends_with("[]")
}

fn simplify(nodes: Vec<Node>, cx: &Context<'_>) -> Vec<Node> {
    // Children first.
    let nodes: Vec<Node> = nodes
        .into_iter()
        .map(|n| match n {
            Node::Group(inner) => Node::Group(simplify(inner, cx)),
            t => t,
        })
        .collect();
    let nodes = merge_signs(nodes);
    let nodes = strip_casts(nodes, cx);
    let nodes = rewrite_in_lists(nodes);
    let nodes = rewrite_between(nodes);
    strip_parens(nodes)
}

/// `- 1` after an operator or at the start is the number `-1`.
fn merge_signs(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut it = nodes.into_iter().peekable();
    while let Some(n) = it.next() {
        if let Node::Tok(Tok::Op(o)) = &n {
            if (o == "-" || o == "+") && opens_operand(out.last()) {
                if let Some(Node::Tok(Tok::Num(num))) = it.peek() {
                    let merged = if o == "-" {
                        format!("-{num}")
                    } else {
                        num.clone()
                    };
                    it.next();
                    out.push(Node::Tok(Tok::Num(merged)));
                    continue;
                }
            }
        }
        out.push(n);
    }
    out
}

fn unwrap_literal(n: Node) -> Node {
    match n {
        Node::Group(mut inner) if inner.len() == 1 => unwrap_literal(inner.remove(0)),
        n => n,
    }
}

fn strip_casts(nodes: Vec<Node>, cx: &Context<'_>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        if let (Node::Tok(Tok::Cast), Some(Node::Tok(Tok::Type(ty)))) =
            (&nodes[i], nodes.get(i + 1))
        {
            let literal = out
                .last()
                .is_some_and(|n| is_literal(std::slice::from_ref(n)));
            // `col::text` on a varchar column is what PostgreSQL adds
            // around comparisons; the column is text-like either way.
            let text_on_column = (ty == "text" || ty == "character varying")
                && matches!(out.last(), Some(Node::Tok(Tok::Word(w)))
                    if !is_keyword(w) && cx.text_columns.binary_search(w).is_ok())
                && !matches!(out.iter().rev().nth(1), Some(Node::Tok(Tok::Dot)));
            // `(array['a', 'b'])::text[]`: the array's type follows from
            // its elements or its context, as for a literal.
            if ty.ends_with("[]") {
                if let Some(Node::Group(g)) = out.last() {
                    if is_array_constructor(g) {
                        let g = g.clone();
                        out.pop();
                        out.extend(g);
                        i += 2;
                        continue;
                    }
                }
                // Not an empty one: `array[]` has no type but its cast.
                let n = out.len();
                if n >= 3
                    && out[n - 1] == Node::Tok(Tok::CloseBracket)
                    && out[n - 2] != Node::Tok(Tok::OpenBracket)
                    && matches!(&out[n - 3], Node::Tok(_))
                    && out
                        .iter()
                        .rev()
                        .any(|x| matches!(x, Node::Tok(Tok::Word(w)) if w == "array"))
                {
                    i += 2;
                    continue;
                }
            }
            if (literal && redundant_literal_cast(ty, cx)) || text_on_column {
                if literal {
                    if let Some(last) = out.pop() {
                        let last = unwrap_literal(last);
                        out.push(numeric_string(last, ty));
                    }
                }
                i += 2;
                continue;
            }
        }
        out.push(nodes[i].clone());
        i += 1;
    }
    out
}

fn is_array_constructor(g: &[Node]) -> bool {
    matches!(g.first(), Some(Node::Tok(Tok::Word(w))) if w == "array")
        && g.last() == Some(&Node::Tok(Tok::CloseBracket))
        && g.get(1) == Some(&Node::Tok(Tok::OpenBracket))
        && g.len() > 3
}

/// `'-1'::integer` is the number `-1` once the cast is gone.
fn numeric_string(n: Node, ty: &str) -> Node {
    let numeric = matches!(
        ty.split('(').next().unwrap_or(ty),
        "integer" | "bigint" | "smallint" | "numeric" | "real" | "double precision"
    );
    if let Node::Tok(Tok::Str(s)) = &n {
        let inner = &s[1..s.len().saturating_sub(1)];
        if numeric
            && !inner.is_empty()
            && inner.parse::<f64>().is_ok()
            && !inner.contains(['e', 'E', ' '])
        {
            return Node::Tok(Tok::Num(inner.to_string()));
        }
    }
    n
}

fn is_subquery(inner: &[Node]) -> bool {
    matches!(inner.first(), Some(Node::Tok(Tok::Word(w))) if w == "select" || w == "with" || w == "values")
}

/// `x = any (array[a, b])` → `x in (a, b)` and `x <> all (array[…])` →
/// `x not in (…)`: PostgreSQL stores an `IN` list as the array form, but
/// only the list form stays valid once the casts it added to each element
/// are gone (an enum compared with a `text[]` is an error, with an
/// unknown-typed list it is not). A one-element list is `x = a`, as
/// PostgreSQL stores it.
fn rewrite_in_lists(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        // x = any (array[…])
        if let (Node::Tok(Tok::Op(op)), Some(Node::Tok(Tok::Word(q))), Some(Node::Group(g))) =
            (&nodes[i], nodes.get(i + 1), nodes.get(i + 2))
        {
            let form = match (op.as_str(), q.as_str()) {
                ("=", "any") => Some(false),
                ("<>", "all") => Some(true),
                _ => None,
            };
            let items = match g.as_slice() {
                [Node::Tok(Tok::Word(a)), Node::Tok(Tok::OpenBracket), inner @ .., Node::Tok(Tok::CloseBracket)]
                    if a == "array" && !inner.contains(&Node::Tok(Tok::OpenBracket)) =>
                {
                    Some(inner.to_vec())
                }
                _ => None,
            };
            if let (Some(negated), Some(items)) = (form, items) {
                push_in_list(&mut out, negated, items);
                i += 3;
                continue;
            }
        }
        // x in (…), x not in (…)
        if matches!(&nodes[i], Node::Tok(Tok::Word(w)) if w == "in") {
            if let Some(Node::Group(list)) = nodes.get(i + 1) {
                if !is_subquery(list) && !list.is_empty() {
                    let negated = matches!(out.last(), Some(Node::Tok(Tok::Word(w))) if w == "not");
                    if negated {
                        out.pop();
                    }
                    push_in_list(&mut out, negated, list.clone());
                    i += 2;
                    continue;
                }
            }
        }
        out.push(nodes[i].clone());
        i += 1;
    }
    out
}

fn push_in_list(out: &mut Vec<Node>, negated: bool, items: Vec<Node>) {
    if items.split(|n| *n == Node::Tok(Tok::Comma)).count() == 1 {
        out.push(Node::Tok(Tok::Op(if negated { "<>" } else { "=" }.into())));
        out.extend(items);
        return;
    }
    if negated {
        out.push(Node::Tok(Tok::Word("not".into())));
    }
    out.push(Node::Tok(Tok::Word("in".into())));
    out.push(Node::Group(items));
}

/// The operand just before position `end`: a word chain (`t.col`), a
/// literal, a group, or a call `f(…)`; returns its start.
fn operand_start(nodes: &[Node], end: usize) -> Option<usize> {
    let mut j = end.checked_sub(1)?;
    match &nodes[j] {
        Node::Group(_) => {
            if j > 0 && matches!(&nodes[j - 1], Node::Tok(Tok::Word(w)) if !is_keyword(w)) {
                j -= 1;
            }
        }
        Node::Tok(Tok::Word(w)) if !is_keyword(w) => {}
        Node::Tok(Tok::Str(_) | Tok::Num(_)) => return Some(j),
        _ => return None,
    }
    while j >= 2
        && nodes[j - 1] == Node::Tok(Tok::Dot)
        && matches!(&nodes[j - 2], Node::Tok(Tok::Word(_)))
    {
        j -= 2;
    }
    Some(j)
}

/// `x between a and b` → `x >= a and x <= b`, as PostgreSQL stores it.
fn rewrite_between(nodes: Vec<Node>) -> Vec<Node> {
    let Some(pos) = nodes
        .iter()
        .position(|n| matches!(n, Node::Tok(Tok::Word(w)) if w == "between"))
    else {
        return nodes;
    };
    let negated = pos > 0 && matches!(&nodes[pos - 1], Node::Tok(Tok::Word(w)) if w == "not");
    let op_end = if negated { pos - 1 } else { pos };
    let Some(start) = operand_start(&nodes, op_end) else {
        return nodes;
    };
    // `between` binds tighter than `and`: the bounds are single operands
    // in practice (literals, columns, calls); anything else is left alone.
    let and = pos + 2;
    if !matches!(nodes.get(and), Some(Node::Tok(Tok::Word(w))) if w == "and")
        || nodes.len() < and + 2
    {
        return nodes;
    }
    let end = and + 2;
    if let Some(next) = nodes.get(end) {
        if precedence(next).is_some_and(|p| p > 6) {
            return nodes;
        }
    }
    let operand = nodes[start..op_end].to_vec();
    let lo = nodes[pos + 1].clone();
    let hi = nodes[and + 1].clone();
    let (ge, le, joiner) = if negated {
        ("<", ">", "or")
    } else {
        (">=", "<=", "and")
    };
    let mut left = operand.clone();
    left.push(Node::Tok(Tok::Op(ge.into())));
    left.push(lo);
    let mut right = operand;
    right.push(Node::Tok(Tok::Op(le.into())));
    right.push(hi);
    let replaced = Node::Group(vec![
        Node::Group(left),
        Node::Tok(Tok::Word(joiner.into())),
        Node::Group(right),
    ]);
    let mut out = nodes[..start].to_vec();
    out.push(replaced);
    out.extend(nodes[end..].iter().cloned());
    rewrite_between(out)
}

/// Whether the group at `i` is call or syntax parentheses that must stay.
fn parens_required(nodes: &[Node], i: usize, inner: &[Node]) -> bool {
    if is_subquery(inner) || inner.is_empty() {
        return true;
    }
    if inner.contains(&Node::Tok(Tok::Comma)) {
        return true;
    }
    // `distinct on (…)` is syntax.
    if i >= 2
        && matches!(&nodes[i - 1], Node::Tok(Tok::Word(w)) if w == "on")
        && matches!(&nodes[i - 2], Node::Tok(Tok::Word(w)) if w == "distinct")
    {
        return true;
    }
    match nodes.get(i + 1) {
        // `(x).f` selects a field of `x`; bare, `x.f` is column `f` of
        // table `x`, and `mk().a` does not parse.
        Some(Node::Tok(Tok::Dot)) => return true,
        // Only a column reference can be subscripted bare: `f(a)[1]` and
        // `a || b[1]` do not mean `(f(a))[1]` and `(a || b)[1]`.
        Some(Node::Tok(Tok::OpenBracket)) => return !is_column_ref(inner),
        _ => {}
    }
    match i.checked_sub(1).map(|p| &nodes[p]) {
        Some(Node::Tok(Tok::Word(w))) => {
            !is_keyword(w)
                || matches!(
                    w.as_str(),
                    "in" | "any"
                        | "all"
                        | "some"
                        | "exists"
                        | "filter"
                        | "over"
                        | "using"
                        | "values"
                        | "as"
                )
        }
        Some(Node::Tok(Tok::Type(_))) => true,
        Some(Node::Tok(Tok::CloseBracket)) => true,
        _ => false,
    }
}

/// `col`, `t.col`, `s.t.col`: a name that can take a subscript bare.
fn is_column_ref(inner: &[Node]) -> bool {
    inner.iter().enumerate().all(|(k, n)| match n {
        Node::Tok(Tok::Word(w)) => k % 2 == 0 && !is_keyword(w),
        Node::Tok(Tok::Dot) => k % 2 == 1,
        _ => false,
    }) && inner.len() % 2 == 1
}

/// Whether the node at `i` is a prefix sign rather than a subtraction:
/// it opens the expression or follows an operator, keyword or comma.
fn is_sign(nodes: &[Node], i: usize) -> bool {
    let Some(Node::Tok(Tok::Op(o))) = nodes.get(i) else {
        return false;
    };
    if o != "-" && o != "+" {
        return false;
    }
    opens_operand(i.checked_sub(1).map(|p| &nodes[p]))
}

/// Whether what follows `prev` starts an operand (so `-` there is a sign).
fn opens_operand(prev: Option<&Node>) -> bool {
    match prev {
        None => true,
        Some(Node::Tok(Tok::Op(_) | Tok::Comma)) => true,
        // After a value-ending word (`end`, `null`, …) it subtracts.
        Some(n @ Node::Tok(Tok::Word(w))) => {
            (is_keyword(w) && !matches!(w.as_str(), "end" | "null" | "true" | "false"))
                || precedence(n).is_some()
        }
        _ => false,
    }
}

/// PostgreSQL's unary minus binds tighter than every binary operator but
/// `::`, `[ ]` and `.`: `-(a ^ b)` is not `-a ^ b`.
const SIGN: u8 = 11;

fn strip_parens(nodes: Vec<Node>) -> Vec<Node> {
    // A whole expression in parentheses.
    if let [Node::Group(inner)] = nodes.as_slice() {
        if !is_subquery(inner) && !inner.is_empty() && !inner.contains(&Node::Tok(Tok::Comma)) {
            return strip_parens(inner.clone());
        }
    }
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for i in 0..nodes.len() {
        let Node::Group(inner) = &nodes[i] else {
            out.push(nodes[i].clone());
            continue;
        };
        if parens_required(&nodes, i, inner) {
            out.push(nodes[i].clone());
            continue;
        }
        let left = i.checked_sub(1).map(|p| &nodes[p]);
        let right = nodes.get(i + 1);
        let lp = if i > 0 && is_sign(&nodes, i - 1) {
            SIGN
        } else {
            left.and_then(precedence).unwrap_or(0)
        };
        let rp = right.and_then(precedence).unwrap_or(0);
        let removable = match weakest(inner) {
            None => true,
            Some(0) => false,
            Some(p) => {
                let outer = lp.max(rp);
                let same_assoc = |n: Option<&Node>| match n {
                    None => true,
                    Some(n) => precedence(n).is_none_or(|q| q < p) || n == &inner_op(inner, p),
                };
                // Left-associative operators: `(a - b) - c` is `a - b - c`.
                let left_assoc = (7..=10).contains(&p) && p > lp && p >= rp;
                p > outer
                    || left_assoc
                    || ((p == 1 || p == 2) && same_assoc(left) && same_assoc(right))
            }
        };
        if removable {
            out.extend(inner.iter().cloned());
        } else {
            out.push(nodes[i].clone());
        }
    }
    out
}

/// The top-level operator of precedence `p` in a group (for `and`/`or`
/// chains).
fn inner_op(inner: &[Node], p: u8) -> Node {
    inner
        .iter()
        .find(|n| precedence(n) == Some(p))
        .cloned()
        .unwrap_or(Node::Tok(Tok::Comma))
}

fn render(nodes: &[Node], out: &mut String) {
    let mut prev: Option<&Node> = None;
    for n in nodes {
        let space = match (prev, n) {
            (None, _) => false,
            (Some(Node::Tok(Tok::Dot | Tok::Cast | Tok::OpenBracket)), _) => false,
            (
                _,
                Node::Tok(Tok::Dot | Tok::Cast | Tok::Comma | Tok::CloseBracket | Tok::OpenBracket),
            ) => false,
            (Some(Node::Tok(Tok::Word(w))), Node::Group(_)) => is_keyword(w),
            (Some(Node::Tok(Tok::Type(_))), Node::Group(_)) => false,
            _ => true,
        };
        if space {
            out.push(' ');
        }
        match n {
            Node::Tok(t) => out.push_str(&tok_text(t)),
            Node::Group(inner) => {
                out.push('(');
                render(inner, out);
                out.push(')');
            }
        }
        prev = Some(n);
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) | Tok::Str(w) | Tok::Num(w) | Tok::Op(w) | Tok::Type(w) => w.clone(),
        Tok::Open => "(".into(),
        Tok::Close => ")".into(),
        Tok::OpenBracket => "[".into(),
        Tok::CloseBracket => "]".into(),
        Tok::Comma => ",".into(),
        Tok::Dot => ".".into(),
        Tok::Cast => "::".into(),
    }
}

/// Names of the columns an expression mentions (bare words that are one
/// of `columns`), for PostgreSQL's generated check-constraint names.
pub fn referenced_columns(sql: &str, columns: &[&str]) -> Vec<String> {
    let toks = tokenize(sql);
    let mut found: Vec<String> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Word(w) = t {
            let call = toks.get(i + 1) == Some(&Tok::Open);
            let name = w.trim_matches('"').replace("\"\"", "\"");
            if !call && columns.contains(&name.as_str()) && !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns the pairs below compare as `varchar`, sorted.
    const TEXT_COLUMNS: [&str; 2] = ["email", "status"];

    fn n(s: &str) -> String {
        let text: Vec<String> = TEXT_COLUMNS.iter().map(|c| c.to_string()).collect();
        normalize(
            s,
            &Context {
                text_columns: &text,
                ..Context::default()
            },
        )
    }

    #[test]
    fn a_text_cast_on_a_column_of_another_type_is_kept() {
        // `tenant_id` is a bigint: without its cast the expression means
        // something else, or nothing (`bigint = text` has no operator).
        assert_eq!(
            n("(tenant_id)::text = current_setting('app.tenant')"),
            "tenant_id::text = current_setting('app.tenant')"
        );
        assert_eq!(n("(email)::text = 'x'::text"), "email = 'x'");
    }

    #[test]
    fn server_and_user_spellings_meet() {
        let pairs = [
            ("(total >= (0)::numeric)", "total >= 0"),
            ("((a > 0) AND (b < 5))", "a > 0 and b < 5"),
            ("(b = ANY (ARRAY['x'::text, 'y'::text]))", "b in ('x', 'y')"),
            (
                "(b <> ALL (ARRAY['x'::text, 'y'::text]))",
                "b not in ('x','y')",
            ),
            ("(b ~~ 'a%'::text)", "b LIKE 'a%'"),
            ("((a >= 1) AND (a <= 5))", "a between 1 and 5"),
            ("'x'::text", "'x'"),
            ("'-1'::integer", "-1"),
            ("'-1.5'::numeric", "-1.5"),
            ("nextval('s_id_seq'::regclass)", "nextval('s_id_seq')"),
            ("lower((email)::text)", "LOWER(email)"),
            ("(a <> b)", "a != b"),
            ("(\"Weird\" IS NOT NULL)", "\"Weird\" is not null"),
            ("(\"abc\" > 1)", "abc > 1"),
            (
                "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
                "status IN ('a', 'b')",
            ),
            ("now() AT TIME ZONE 'utc'::text", "(now() at time zone 'utc')"),
            ("((a + 1) * 2)", "(a + 1) * 2"),
            ("(a OR (b AND c))", "a or b and c"),
        ];
        for (server, user) in pairs {
            assert_eq!(n(server), n(user), "{server} vs {user}");
        }
    }

    #[test]
    fn keeps_meaningful_parentheses() {
        assert_ne!(n("(a or b) and c"), n("a or b and c"));
        assert_ne!(n("a - (b - c)"), n("a - b - c"));
        assert_eq!(n("(a - b) - c"), "a - b - c");
        assert_eq!(n("f(a, (b))"), "f(a, b)");
        assert_eq!(n("now() - '1 day'::interval"), "now() - '1 day'::interval");
        assert_eq!(n("ARRAY[]::integer[]"), "array[]::integer[]");
        assert_eq!(n("(ARRAY[]::text[])"), "array[]::text[]");
        assert_eq!(
            n("SELECT DISTINCT ON (c.carrier) c.carrier FROM carrier c"),
            "select distinct on (c.carrier) c.carrier from carrier c"
        );
    }

    /// Every canonical form must read back with the meaning it was given
    /// (issue #11): parentheses that select a field, subscript a call, or
    /// group an operand of a tighter prefix operator stay.
    #[test]
    fn never_drops_parentheses_that_carry_meaning() {
        let kept = [
            ("(mk()).a", "(mk()).a"),
            ("(x).field", "(x).field"),
            ("((x).field)", "(x).field"),
            ("(s.x).field", "(s.x).field"),
            ("(mk()).*", "(mk()).*"),
            ("(f(a))[1]", "(f(a))[1]"),
            ("(a || b)[1]", "(a || b)[1]"),
            ("(a + b)::integer", "(a + b)::integer"),
            ("-(a + b)", "- (a + b)"),
            ("-(a ^ b)", "- (a ^ b)"),
            ("-(2 * 3) ^ 2", "- (2 * 3) ^ 2"),
            ("case when a then 1 end - (2)", "case when a then 1 end - 2"),
            ("a - (-b)", "a - - b"),
            ("(not a) = b", "(not a) = b"),
            ("not (a = b)", "not a = b"),
            ("(a and b) is null", "(a and b) is null"),
            ("(a = b) is true", "a = b is true"),
            ("(arr)[1]", "arr[1]"),
            ("(t.arr)[1]", "t.arr[1]"),
        ];
        for (input, want) in kept {
            assert_eq!(n(input), want, "{input}");
            // The canonical form is a fixed point: printing it again
            // changes nothing.
            assert_eq!(n(want), want, "{want} is not stable");
        }
    }
}
