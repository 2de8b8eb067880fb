//! The names a piece of SQL mentions (a view body, a default, a trigger
//! body), found by scanning its identifiers. This is deliberately a scan,
//! not a parse: the planner only needs to know which *known* objects a
//! body may depend on, so a word that names nothing known costs nothing,
//! and over-approximating only adds an ordering edge.

use std::collections::BTreeSet;

use crate::ir::Name;

/// The dotted identifier chains of `sql` (`a`, `s.t`, `t.c`, `s.t.c`),
/// lowercased, skipping string literals and comments.
pub fn chains(sql: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    // Whether the last token was a `.` that continues the current chain.
    let mut after_dot = false;
    let mut i = 0;
    let finish = |current: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let ident = if c == '\'' {
            i = skip_quoted(&chars, i, '\'');
            finish(&mut current, &mut out);
            after_dot = false;
            continue;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            continue;
        } else if c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let end = skip_quoted(&chars, i, close);
            let inner_end = if end > i + 1 && chars[end - 1] == close {
                end - 1
            } else {
                end
            };
            let inner: String = chars[i + 1..inner_end].iter().collect();
            i = end;
            inner
                .replace(&format!("{close}{close}"), &close.to_string())
                .to_lowercase()
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            chars[start..i].iter().collect::<String>().to_lowercase()
        } else if c.is_ascii_digit() {
            // A number (or a word that starts with a digit) is no name.
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            finish(&mut current, &mut out);
            after_dot = false;
            continue;
        } else if c == '.' {
            after_dot = !current.is_empty();
            i += 1;
            continue;
        } else {
            if !c.is_whitespace() {
                finish(&mut current, &mut out);
                after_dot = false;
            }
            i += 1;
            continue;
        };
        if !after_dot {
            finish(&mut current, &mut out);
        }
        current.push(ident);
        after_dot = false;
    }
    finish(&mut current, &mut out);
    out
}

/// Index just past the closing quote of a quoted run starting at `start`;
/// a doubled closing quote is part of the text. An unterminated run ends
/// at the end of the input.
fn skip_quoted(chars: &[char], start: usize, close: char) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == close {
            if chars.get(i + 1) == Some(&close) && close != ']' {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// Every object name `sql` may mention: each identifier alone, and each
/// adjacent pair of a dotted chain as `schema.name`. Lowercased, so that
/// compare with [`key`].
pub fn names(sql: &str) -> BTreeSet<Name> {
    let mut out = BTreeSet::new();
    for chain in chains(sql) {
        for (i, part) in chain.iter().enumerate() {
            out.insert(Name::new(part.clone()));
            if let Some(next) = chain.get(i + 1) {
                out.insert(Name::qualified(part.clone(), next.clone()));
            }
        }
    }
    out
}

/// The types `sql` casts to with `::` (`NULL::v`, `x::s.t`), lowercased:
/// a cast to a table's or view's row type leans on the relation. A `::`
/// inside a string literal adds a name that orders nothing it should not.
pub fn cast_targets(sql: &str) -> BTreeSet<Name> {
    let mut out = BTreeSet::new();
    for (at, _) in sql.match_indices("::") {
        let Some(chain) = chains(&sql[at + 2..]).into_iter().next() else {
            continue;
        };
        let name = match chain.as_slice() {
            [n] => Name::new(n.clone()),
            [s, n, ..] => Name::qualified(s.clone(), n.clone()),
            [] => continue,
        };
        out.insert(name);
    }
    out
}

/// Whether `sql` may select every column of something (`*`, `t.*`), not
/// counting `count(*)` — a view defined that way depends on all columns.
pub fn selects_star(sql: &str) -> bool {
    let compact: String = sql.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .match_indices('*')
        .any(|(i, _)| !compact[..i].ends_with('('))
}

/// A name as the planner compares it: lowercased.
pub fn key(name: &Name) -> Name {
    name.lowercased()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_follow_dots_and_skip_literals_and_comments() {
        let c = chains(
            "select o.id, \"User\".\"Email\" from billing.orders o -- users\n\
             join users on 'x.y' = /* z */ o.w where n > 1.5",
        );
        let flat: Vec<String> = c.iter().map(|ch| ch.join(".")).collect();
        assert_eq!(
            flat,
            vec![
                "select",
                "o.id",
                "user.email",
                "from",
                "billing.orders",
                "o",
                "join",
                "users",
                "on",
                "o.w",
                "where",
                "n"
            ]
        );
    }

    #[test]
    fn names_include_pairs_and_single_words() {
        let n = names("select * from billing.invoices");
        assert!(n.contains(&Name::qualified("billing", "invoices")));
        assert!(n.contains(&Name::new("invoices")));
        assert!(!n.contains(&Name::new("x")));
    }

    #[test]
    fn backticks_and_brackets_are_identifiers() {
        let n = names("select `a``b` from [t]");
        assert!(n.contains(&Name::new("a`b")));
        assert!(n.contains(&Name::new("t")));
    }

    #[test]
    fn star_but_not_count_star() {
        assert!(selects_star("select t.* from t"));
        assert!(selects_star("select * from t"));
        assert!(!selects_star("select count( * ) from t"));
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for s in ["'abc", "\"abc", "/* x", "[a", "a.", ".", "`"] {
            let _ = names(s);
        }
    }
}
