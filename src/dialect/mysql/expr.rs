//! The tokenizer for MySQL SQL fragments, and the canonical form of
//! expressions (checks, generated columns, defaults, index expressions,
//! the partitioning clause) and view bodies built on it: lowercase
//! keywords, column names backticked, no redundant outer parentheses, one
//! spacing. docs/mysql.md lists the rules.

use super::quote::{ident, is_keyword, needs_quotes, string};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Quoted,
    String,
    Number,
    Punct,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: Kind,
    pub text: String,
}

pub(super) fn tokenize(s: &str) -> Vec<Token> {
    tokens(s, false)
}

/// The tokens of `s`. A charset introducer (`_utf8mb3'x'`) is dropped from
/// an expression (the server adds one of its own to some), but a view
/// body keeps it, on the string's token (`keep_introducers`): there it was
/// written, and it decides the character set of the view's column.
fn tokens(s: &str, keep_introducers: bool) -> Vec<Token> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\\' && c != '`' {
                    i += 2;
                    continue;
                }
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let end = (i + 1).min(chars.len());
            let text: String = chars[start..end].iter().collect();
            i = end;
            if c == '`' {
                let inner = text
                    .trim_start_matches('`')
                    .trim_end_matches('`')
                    .replace("``", "`");
                out.push(Token {
                    kind: Kind::Quoted,
                    text: inner,
                });
            } else {
                // A charset introducer just before a string.
                let mut introducer = String::new();
                if let Some(last) = out.last() {
                    let last: &Token = last;
                    if last.kind == Kind::Word && last.text.starts_with('_') {
                        if keep_introducers {
                            introducer = format!("_{}", super::normalize::charset(&last.text[1..]));
                        }
                        out.pop();
                    }
                }
                let text = match string_literal(&text) {
                    Some(v) => format!("{introducer}{}", string(&v)),
                    None => format!("{introducer}{text}"),
                };
                out.push(Token {
                    kind: Kind::String,
                    text,
                });
            }
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Number,
                text: chars[start..i].iter().collect(),
            });
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' || c == '@' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '@'))
            {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Word,
                text: chars[start..i].iter().collect(),
            });
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let three: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let op = if three == "<=>" {
            three
        } else if matches!(
            two.as_str(),
            "<=" | ">=" | "<>" | "!=" | "||" | "&&" | "<<" | ">>" | ":=" | "->"
        ) {
            two
        } else {
            c.to_string()
        };
        i += op.chars().count();
        out.push(Token {
            kind: Kind::Punct,
            text: op,
        });
    }
    out
}

/// The canonical spelling of an SQL expression (see the module docs).
pub fn expr(s: &str, columns: &[String]) -> String {
    let mut toks = sequence_calls(tokenize(s));
    // Redundant outer parentheses.
    loop {
        let text: String = render(&toks);
        if toks.len() >= 2 && wrapped(&text) {
            toks = toks[1..toks.len() - 1].to_vec();
        } else {
            break;
        }
    }
    let mut out: Vec<Token> = Vec::new();
    let n = toks.len();
    for i in 0..n {
        let t = &toks[i];
        let next_is_paren = toks
            .get(i + 1)
            .is_some_and(|n| n.text == "(" && n.kind == Kind::Punct);
        match t.kind {
            Kind::Word | Kind::Quoted => {
                let column = columns
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(&t.text))
                    .filter(|_| !next_is_paren);
                if let Some(c) = column {
                    out.push(Token {
                        kind: Kind::Quoted,
                        text: c.clone(),
                    });
                } else if t.kind == Kind::Quoted {
                    out.push(t.clone());
                } else {
                    let lower = t.text.to_ascii_lowercase();
                    let word = match lower.as_str() {
                        "octet_length" => "length",
                        "lcase" => "lower",
                        "ucase" => "upper",
                        "substr" => "substring",
                        "now" | "localtime" | "localtimestamp" => "current_timestamp",
                        other => other,
                    };
                    out.push(Token {
                        kind: Kind::Word,
                        text: word.to_string(),
                    });
                    if word == "current_timestamp" && !next_is_paren {
                        out.push(Token {
                            kind: Kind::Punct,
                            text: "(".into(),
                        });
                        out.push(Token {
                            kind: Kind::Punct,
                            text: ")".into(),
                        });
                    }
                }
            }
            _ => out.push(t.clone()),
        }
    }
    render(&out)
}

/// MariaDB prints a sequence call as `nextval(`s`)` however it was
/// written (`NEXTVAL(s)`, `NEXT VALUE FOR s`; `lastval` and `PREVIOUS
/// VALUE FOR` alike): the same form here, the sequence's name quoted so
/// that it is never taken for a column.
fn sequence_calls(toks: Vec<Token>) -> Vec<Token> {
    let word = |t: Option<&Token>, w: &str| {
        t.is_some_and(|t| t.kind == Kind::Word && t.text.eq_ignore_ascii_case(w))
    };
    let punct =
        |t: Option<&Token>, p: &str| t.is_some_and(|t| t.kind == Kind::Punct && t.text == p);
    let name = |t: Option<&Token>| t.is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Quoted));
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let at = |k: usize| toks.get(i + k);
        let (call, seq, used) = if (word(at(0), "next") || word(at(0), "previous"))
            && word(at(1), "value")
            && word(at(2), "for")
            && name(at(3))
        {
            let call = if word(at(0), "next") {
                "nextval"
            } else {
                "lastval"
            };
            (call, at(3), 4)
        } else if (word(at(0), "nextval") || word(at(0), "lastval"))
            && punct(at(1), "(")
            && name(at(2))
            && punct(at(3), ")")
        {
            (
                if word(at(0), "nextval") {
                    "nextval"
                } else {
                    "lastval"
                },
                at(2),
                4,
            )
        } else {
            out.push(toks[i].clone());
            i += 1;
            continue;
        };
        let seq = seq.map(|t| t.text.clone()).unwrap_or_default();
        for (kind, text) in [
            (Kind::Word, call.to_string()),
            (Kind::Punct, "(".into()),
            (Kind::Quoted, seq),
            (Kind::Punct, ")".into()),
        ] {
            out.push(Token { kind, text });
        }
        i += used;
    }
    out
}

/// Words after which `(` opens a list or a sub-expression, not a call.
fn is_operator_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "in" | "and"
            | "or"
            | "not"
            | "is"
            | "like"
            | "between"
            | "then"
            | "else"
            | "when"
            | "case"
            | "as"
            | "exists"
            | "any"
            | "all"
            | "some"
            | "xor"
            | "div"
            | "mod"
            | "regexp"
            | "rlike"
            | "on"
            | "select"
            | "from"
            | "where"
            | "by"
            | "using"
    )
}

fn render(toks: &[Token]) -> String {
    render_spaced(toks, false)
}

/// `comma_space`: a space after each comma, as people write view bodies
/// (expressions keep the catalog's `('a','b')`).
fn render_spaced(toks: &[Token], comma_space: bool) -> String {
    let mut s = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            let prev = &toks[i - 1];
            let no_space = (prev.kind == Kind::Punct && prev.text == "(")
                || (t.kind == Kind::Punct && (t.text == ")" || t.text == ","))
                || (prev.kind == Kind::Punct && prev.text == "," && !comma_space)
                || (t.kind == Kind::Punct
                    && t.text == "("
                    && prev.kind == Kind::Word
                    && !is_operator_word(&prev.text))
                || (prev.kind == Kind::Punct && prev.text == ".")
                || (t.kind == Kind::Punct && t.text == ".");
            // A sign right after an operator, `(` or `,` is unary.
            let unary_sign = i >= 2
                && prev.kind == Kind::Punct
                && (prev.text == "-" || prev.text == "+")
                && matches!(toks[i - 2].kind, Kind::Punct)
                && toks[i - 2].text != ")";
            let unary_first =
                i == 1 && prev.kind == Kind::Punct && (prev.text == "-" || prev.text == "+");
            if !no_space && !unary_sign && !unary_first {
                s.push(' ');
            }
        }
        match t.kind {
            Kind::Quoted => s.push_str(&ident(&t.text)),
            _ => s.push_str(&t.text),
        }
    }
    s
}

/// Whether the parenthesis opening `s` closes at its very end.
pub(super) fn wrapped(s: &str) -> bool {
    let toks = tokenize(s);
    if toks.first().map(|t| t.text.as_str()) != Some("(") {
        return false;
    }
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t.text.as_str() {
            "(" if t.kind == Kind::Punct => depth += 1,
            ")" if t.kind == Kind::Punct => {
                depth -= 1;
                if depth == 0 {
                    return i == toks.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// `s` with each string literal re-spelled as [`string`] writes it and
/// everything else kept byte for byte. MariaDB prints a quote in a check
/// as `\'`, which the schema language cannot read back; the canonical
/// spelling doubles it.
pub(super) fn literals(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let q = chars[i];
        if q != '\'' && q != '"' && q != '`' {
            out.push(q);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < chars.len() {
            if chars[i] == '\\' && q != '`' {
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
        match string_literal(&raw) {
            Some(v) if q != '`' => out.push_str(&string(&v)),
            _ => out.push_str(&raw),
        }
        i = end;
    }
    out
}

/// The value of a single string literal that is the whole of `s`, its
/// escapes read as the server reads them without `NO_BACKSLASH_ESCAPES`.
pub(super) fn string_literal(s: &str) -> Option<String> {
    let s = s.trim();
    // A charset introducer (`_utf8mb4'x'`) as MySQL prints it.
    let s = match s.strip_prefix('_') {
        Some(rest) => match rest.find(['\'', '"']) {
            Some(i) if rest[..i].chars().all(|c| c.is_ascii_alphanumeric()) => &rest[i..],
            _ => s,
        },
        None => s,
    };
    let q = s.chars().next()?;
    if q != '\'' && q != '"' {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            // MySQL keeps the backslash of `\%` and `\_`, so that LIKE
            // patterns see it.
            if matches!(chars[i + 1], '%' | '_') {
                out.push('\\');
            }
            out.push(match chars[i + 1] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'Z' => '\u{1a}',
                '0' => '\0',
                other => other,
            });
            i += 2;
            continue;
        }
        if c == q {
            if chars.get(i + 1) == Some(&q) {
                out.push(q);
                i += 2;
                continue;
            }
            return if i == chars.len() - 1 {
                Some(out)
            } else {
                None
            };
        }
        out.push(c);
        i += 1;
    }
    None
}

/// A view body in one spelling, so that what a file says and what the
/// server stores (`select `t`.`a` AS `a` from `t``) compare equal, and
/// the text stays valid SQL (it is what CREATE VIEW runs):
/// - identifiers lose their backticks unless they need them (reserved
///   words, odd characters); keywords and function names are lowercased,
///   other names keep their case;
/// - `inner join` is `join`, `left outer join` is `left join`, `as`
///   before a table alias is dropped;
/// - parentheses the server adds around the FROM clause and a join
///   condition are dropped;
/// - `t.a AS a` is `t.a`;
/// - in a query over one table, without subqueries, columns are not
///   qualified with it;
/// - a charset introducer is kept (`_utf8` is `_utf8mb3`).
pub fn view_body(body: &str) -> String {
    let body = body.trim().trim_end_matches(';').trim();
    let mut toks = tokens(body, true);
    for t in &mut toks {
        if t.kind == Kind::Quoted && !needs_quotes(&t.text) {
            t.kind = Kind::Word;
        }
    }
    let n = toks.len();
    for i in 0..n {
        if toks[i].kind != Kind::Word {
            continue;
        }
        let call = toks
            .get(i + 1)
            .is_some_and(|x| x.kind == Kind::Punct && x.text == "(");
        let lower = toks[i].text.to_ascii_lowercase();
        if is_keyword(&lower) || call {
            toks[i].text = match lower.as_str() {
                "octet_length" => "length".into(),
                "lcase" => "lower".into(),
                "ucase" => "upper".into(),
                "substr" => "substring".into(),
                _ => lower,
            };
        }
    }
    let is_kw = |t: &Token, w: &str| t.kind == Kind::Word && t.text == w;
    // Join spellings.
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if is_kw(t, "inner") && toks.get(i + 1).is_some_and(|x| is_kw(x, "join")) {
            i += 1;
            continue;
        }
        if is_kw(t, "outer")
            && out
                .last()
                .is_some_and(|x| is_kw(x, "left") || is_kw(x, "right"))
        {
            i += 1;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    let mut toks = out;
    drop_wrapping_parens(&mut toks, "from");
    drop_wrapping_parens(&mut toks, "on");
    // `as` before a table alias, inside FROM (up to WHERE and the like).
    let mut in_from = false;
    let mut depth = 0i32;
    let mut keep = vec![true; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        match (t.kind, t.text.as_str()) {
            (Kind::Punct, "(") => depth += 1,
            (Kind::Punct, ")") => depth -= 1,
            (Kind::Word, "from") if depth == 0 => in_from = true,
            (Kind::Word, "where" | "group" | "order" | "having" | "limit" | "union")
                if depth == 0 =>
            {
                in_from = false
            }
            (Kind::Word, "as") if in_from && depth == 0 => {
                let prev_ident = i > 0 && matches!(toks[i - 1].kind, Kind::Word | Kind::Quoted);
                if prev_ident {
                    keep[i] = false;
                }
            }
            _ => {}
        }
    }
    let mut toks: Vec<Token> = toks
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect();
    // `x.y as y` and `y as y`.
    let mut i = 0;
    while i + 2 < toks.len() {
        let same = is_kw(&toks[i + 1], "as")
            && matches!(toks[i].kind, Kind::Word | Kind::Quoted)
            && matches!(toks[i + 2].kind, Kind::Word | Kind::Quoted)
            && toks[i].text.eq_ignore_ascii_case(&toks[i + 2].text)
            && toks
                .get(i + 3)
                .is_none_or(|x| (x.kind == Kind::Punct && x.text == ",") || is_kw(x, "from"));
        if same {
            toks.drain(i + 1..i + 3);
        } else {
            i += 1;
        }
    }
    unqualify_single_table(&mut toks);
    render_spaced(&toks, true)
}

/// Drops a parenthesis pair right after `kw` when it encloses everything
/// up to the next clause (or the end, or the enclosing parenthesis).
fn drop_wrapping_parens(toks: &mut Vec<Token>, kw: &str) {
    let mut i = 0;
    while i + 1 < toks.len() {
        let opens = toks[i].kind == Kind::Word
            && toks[i].text == kw
            && toks[i + 1].kind == Kind::Punct
            && toks[i + 1].text == "(";
        let subquery = toks
            .get(i + 2)
            .is_some_and(|t| t.kind == Kind::Word && t.text == "select");
        if opens && !subquery {
            let mut depth = 0i32;
            let mut close = None;
            for (j, t) in toks.iter().enumerate().skip(i + 1) {
                if t.kind != Kind::Punct {
                    continue;
                }
                if t.text == "(" {
                    depth += 1;
                } else if t.text == ")" {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
            }
            if let Some(j) = close {
                let boundary = match toks.get(j + 1) {
                    None => true,
                    Some(t) if t.kind == Kind::Punct => t.text == ")",
                    Some(t) => matches!(
                        t.text.as_str(),
                        "where"
                            | "group"
                            | "order"
                            | "having"
                            | "limit"
                            | "union"
                            | "join"
                            | "left"
                            | "right"
                            | "inner"
                            | "cross"
                            | "natural"
                            | "straight_join"
                    ),
                };
                if boundary {
                    toks.remove(j);
                    toks.remove(i + 1);
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// In `select … from t [alias] …` over one table and no subquery, `t.x`
/// (or `alias.x`) is `x`.
fn unqualify_single_table(toks: &mut Vec<Token>) {
    let selects = toks
        .iter()
        .filter(|t| t.kind == Kind::Word && t.text == "select")
        .count();
    if selects != 1 {
        return;
    }
    let Some(from) = toks
        .iter()
        .position(|t| t.kind == Kind::Word && t.text == "from")
    else {
        return;
    };
    let end = toks[from + 1..]
        .iter()
        .position(|t| {
            t.kind == Kind::Word
                && matches!(
                    t.text.as_str(),
                    "where" | "group" | "order" | "having" | "limit"
                )
        })
        .map(|p| p + from + 1)
        .unwrap_or(toks.len());
    let refs = &toks[from + 1..end];
    let names: Vec<String> = match refs {
        [t] if matches!(t.kind, Kind::Word | Kind::Quoted) => vec![t.text.clone()],
        [t, a]
            if matches!(t.kind, Kind::Word | Kind::Quoted)
                && matches!(a.kind, Kind::Word | Kind::Quoted) =>
        {
            vec![t.text.clone(), a.text.clone()]
        }
        _ => return,
    };
    let mut i = 0;
    while i + 2 < toks.len() {
        let qualified = matches!(toks[i].kind, Kind::Word | Kind::Quoted)
            && names.contains(&toks[i].text)
            && toks[i + 1].kind == Kind::Punct
            && toks[i + 1].text == "."
            && matches!(toks[i + 2].kind, Kind::Word | Kind::Quoted)
            && (i == 0 || !(toks[i - 1].kind == Kind::Punct && toks[i - 1].text == "."));
        if qualified && (i < from || i > end) {
            toks.drain(i..i + 2);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_body_keeps_its_introducers_and_an_expression_drops_them() {
        assert_eq!(
            view_body("select if(a, _utf8'x', _latin1 'y') as n from t"),
            "select if(a, _utf8mb3'x', _latin1'y') as n from t"
        );
        assert_eq!(
            tokenize("_utf8mb4'x'")
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>(),
            vec!["'x'"]
        );
    }

    fn cols() -> Vec<String> {
        vec!["A".into(), "b".into()]
    }

    #[test]
    fn a_sequence_call_is_one_spelling() {
        let want = "nextval(`s`)";
        for written in [
            "NEXTVAL(s)",
            "nextval(`s`)",
            "next value for s",
            "NEXT VALUE FOR `s`",
        ] {
            assert_eq!(expr(written, &cols()), want, "{written}");
        }
        assert_eq!(expr("(lastval(b) + 1)", &cols()), "lastval(`b`) + 1");
        assert_eq!(expr("previous value for s", &cols()), "lastval(`s`)");
    }

    #[test]
    fn expressions_compare_by_meaning_of_spelling() {
        let a = expr("(a IS NOT NULL AND B IN ('X', 'y'))", &cols());
        let b = expr("`A` is not null and `b` in ('X','y')", &cols());
        assert_eq!(a, b);
        assert_eq!(a, "`A` is not null and `b` in ('X','y')");
        assert_eq!(
            expr("LENGTH(b) > 2", &cols()),
            expr("octet_length(`b`) > 2", &cols())
        );
        assert_eq!(expr("CURRENT_TIMESTAMP", &[]), "current_timestamp()");
        assert_eq!(expr("now()", &[]), "current_timestamp()");
        assert_eq!(expr("(a) + (b)", &cols()), "(`A`) + (`b`)");
    }

    #[test]
    fn view_bodies_compare_with_the_server_spelling() {
        let server = "select `o`.`id` AS `id`,`c`.`email` AS `email`,`o`.`total` AS `total` from (`orders` `o` join `customers` `c` on(`c`.`id` = `o`.`customer_id`))";
        let file = "select o.id, c.email, o.total\nfrom orders o\njoin customers c on c.id = o.customer_id";
        assert_eq!(view_body(server), view_body(file));
        assert_eq!(
            view_body(file),
            "select o.id, c.email, o.total from orders o join customers c on c.id = o.customer_id"
        );
        let server = "select `t`.`id` AS `id`,`t`.`a` + 1 AS `x` from `t` where `t`.`a` > 0";
        let file = "SELECT id, a+1 AS x FROM t WHERE a > 0;";
        assert_eq!(view_body(server), view_body(file));
        assert_eq!(
            view_body("select `order` from `t`"),
            "select `order` from t"
        );
        assert_eq!(
            view_body("select a.x from a inner join b as bb on (a.id = bb.id)"),
            "select a.x from a join b bb on a.id = bb.id"
        );
    }
}
