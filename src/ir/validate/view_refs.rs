//! The tables a view body reads, found by a light scan of its SQL: the
//! name after `FROM` or `JOIN` at statement level or in a subquery. It
//! must never invent a table (a false error rejects a valid schema), so it
//! skips anything it is unsure of: `FROM` inside a function call
//! (`extract(year from at)`), `IS DISTINCT FROM`, table functions, CTE
//! names.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A name part, lower-cased unless it was quoted.
    Word {
        text: String,
        quoted: bool,
    },
    Dot,
    Comma,
    Open,
    Close,
    Other,
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '\'' => {
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Other);
            }
            '"' | '`' => {
                let q = c;
                let mut text = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == q {
                        if chars.get(i + 1) == Some(&q) {
                            text.push(q);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                i += 1;
                out.push(Tok::Word { text, quoted: true });
            }
            '$' => {
                // A dollar-quoted string: `$tag$ … $tag$`.
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if chars.get(j) == Some(&'$') {
                    let tag: String = chars[i..=j].iter().collect();
                    let rest: String = chars[j + 1..].iter().collect();
                    match rest.find(&tag) {
                        Some(end) => i = j + 1 + rest[..end].chars().count() + tag.chars().count(),
                        None => i = chars.len(),
                    }
                } else {
                    i = j;
                }
                out.push(Tok::Other);
            }
            '.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            _ if c.is_alphabetic() || c == '_' => {
                let mut text = String::new();
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    text.extend(chars[i].to_lowercase());
                    i += 1;
                }
                out.push(Tok::Word {
                    text,
                    quoted: false,
                });
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    out
}

fn word(t: Option<&Tok>) -> Option<(&str, bool)> {
    match t {
        Some(Tok::Word { text, quoted }) => Some((text.as_str(), *quoted)),
        _ => None,
    }
}

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(word(t), Some((w, false)) if w == kw)
}

/// Words after which `(` opens a subquery or a list, not a function call.
const NOT_CALLS: &[&str] = &[
    "as",
    "from",
    "join",
    "in",
    "exists",
    "lateral",
    "select",
    "where",
    "and",
    "or",
    "not",
    "on",
    "union",
    "all",
    "any",
    "some",
    "intersect",
    "except",
    "with",
    "recursive",
    "using",
];

/// A table a view reads: (namespace, name), as written.
pub(super) type TableRef = (Option<String>, String);

pub(super) fn tables_read(sql: &str) -> BTreeSet<TableRef> {
    let toks = tokenize(sql);
    let ctes = cte_names(&toks);
    let mut found = BTreeSet::new();
    // For each open parenthesis: whether it belongs to a function call.
    let mut parens: Vec<bool> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Open => {
                let call = matches!(word(i.checked_sub(1).and_then(|p| toks.get(p))),
                    Some((w, quoted)) if quoted || !NOT_CALLS.contains(&w));
                parens.push(call);
            }
            Tok::Close => {
                parens.pop();
            }
            Tok::Word {
                text,
                quoted: false,
            } if text == "from" || text == "join" => {
                if parens.iter().any(|call| *call) {
                    continue;
                }
                if text == "from" && is_kw(i.checked_sub(1).and_then(|p| toks.get(p)), "distinct") {
                    continue;
                }
                let mut j = i + 1;
                while is_kw(toks.get(j), "only") || is_kw(toks.get(j), "lateral") {
                    j += 1;
                }
                let Some((first, _)) = word(toks.get(j)) else {
                    continue;
                };
                let (ns, name, after) = if toks.get(j + 1) == Some(&Tok::Dot) {
                    match word(toks.get(j + 2)) {
                        Some((second, _)) => (Some(first.to_string()), second.to_string(), j + 3),
                        None => continue,
                    }
                } else {
                    (None, first.to_string(), j + 1)
                };
                // A further dot (db.schema.table) or a call: not ours to judge.
                if matches!(toks.get(after), Some(Tok::Open) | Some(Tok::Dot)) {
                    continue;
                }
                if ns.is_none() && ctes.contains(&name) {
                    continue;
                }
                found.insert((ns, name));
            }
            _ => {}
        }
    }
    found
}

/// Names defined by `WITH name AS (` or `WITH name (cols) AS (`.
fn cte_names(toks: &[Tok]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, t) in toks.iter().enumerate() {
        let Tok::Word { text, .. } = t else { continue };
        let next = toks.get(i + 1);
        if is_kw(next, "as") && toks.get(i + 2) == Some(&Tok::Open) {
            out.insert(text.clone());
        } else if next == Some(&Tok::Open) {
            let mut depth = 0;
            let mut j = i + 1;
            while j < toks.len() {
                match toks[j] {
                    Tok::Open => depth += 1,
                    Tok::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if is_kw(toks.get(j + 1), "as") && toks.get(j + 2) == Some(&Tok::Open) {
                out.insert(text.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str) -> Vec<String> {
        tables_read(sql)
            .into_iter()
            .map(|(ns, n)| match ns {
                Some(ns) => format!("{ns}.{n}"),
                None => n,
            })
            .collect()
    }

    #[test]
    fn from_and_join() {
        assert_eq!(
            names("select o.id, u.email from orders o join Users u on u.id = o.user_id left join billing.invoices i using (id)"),
            vec!["orders", "users", "billing.invoices"]
        );
    }

    #[test]
    fn skips_what_is_not_a_table() {
        let sql = r#"
            with recent as (select * from orders), t(n) as (values (1))
            select extract(year from r.at), substring(x from 2 for 3), a is distinct from b,
                   '-- from nowhere' as s, $q$ from nothing $q$
            from recent r, generate_series(1, 3) g
            join lateral (select 1 from "Items") x on true
            where exists (select 1 from only parts) -- from comment
            /* from block */"#;
        assert_eq!(names(sql), vec!["Items", "orders", "parts"]);
    }
}
