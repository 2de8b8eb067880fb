//! The canonical form of a stored routine: parameter and return types in
//! the canonical type spelling, the `IN` mode left implicit, and the
//! options (characteristics, creation session) with their defaults left
//! out. The body is never touched: the server keeps it byte for byte.

use std::collections::BTreeMap;

use super::normalize::{charset, collation};
use super::quote::ident;
use super::types::canonical;
use crate::ir::Function;

pub fn normalize(f: &mut Function) {
    f.args = parameters(&f.args);
    f.returns = f.returns.as_deref().map(canonical);
    f.language = f.language.to_ascii_lowercase();
    f.comment = f.comment.take().filter(|c| !c.is_empty());
    f.options = options(&f.options);
}

/// `IN a INT, OUT b DECIMAL(5, 2)` → `a int, out b decimal(5,2)`.
fn parameters(args: &str) -> String {
    split_top_level(args)
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| parameter(p.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parameter(p: &str) -> String {
    let (first, rest) = p.split_once(char::is_whitespace).unwrap_or((p, ""));
    let mode = first.to_ascii_lowercase();
    let (mode, p) = match mode.as_str() {
        "in" => ("", rest.trim_start()),
        "out" | "inout" => (
            if mode == "out" { "out " } else { "inout " },
            rest.trim_start(),
        ),
        _ => ("", p),
    };
    let (name, ty) = match p.strip_prefix('`') {
        Some(quoted) => match quoted.split_once('`') {
            Some((n, ty)) => (n.to_string(), ty),
            None => (quoted.to_string(), ""),
        },
        None => {
            let (n, ty) = p.split_once(char::is_whitespace).unwrap_or((p, ""));
            (n.to_string(), ty)
        }
    };
    format!("{mode}{} {}", ident(&name), canonical(ty.trim()))
}

/// Splits at the commas outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quote) = (Vec::new(), String::new(), 0i32, None);
    for c in s.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// Shared with events, whose definer and session are spelled the same.
pub(super) fn options(o: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        let key = k.to_ascii_lowercase().replace(' ', "_");
        let lower = v.trim().to_ascii_lowercase();
        let value = match key.as_str() {
            "deterministic" if matches!(lower.as_str(), "true" | "yes" | "1" | "") => {
                "true".to_string()
            }
            "deterministic" => continue,
            "data_access" if lower.replace('_', " ") == "contains sql" => continue,
            "data_access" => lower.replace('_', " "),
            "sql_security" if lower == "definer" => continue,
            "sql_security" => lower,
            "definer" => v
                .chars()
                .filter(|c| !matches!(c, '\'' | '`' | '"'))
                .collect(),
            "sql_mode" => v.to_ascii_uppercase().replace(' ', ""),
            "character_set_client" => charset(v),
            "collation_connection" => collation(v),
            _ => v.clone(),
        };
        out.insert(key, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_take_the_canonical_type_and_an_implicit_in() {
        assert_eq!(
            parameters("IN p_id INT, OUT `the count` DECIMAL(5, 2) , inout x integer"),
            "`p_id` int, out `the count` decimal(5,2), inout `x` int"
        );
        assert_eq!(parameters(""), "");
        assert_eq!(parameters(&parameters("a varchar(10)")), "`a` varchar(10)");
    }

    #[test]
    fn default_characteristics_are_left_out() {
        let o = BTreeMap::from([
            ("DETERMINISTIC".to_string(), "no".to_string()),
            ("data_access".to_string(), "CONTAINS_SQL".to_string()),
            ("sql_security".to_string(), "DEFINER".to_string()),
            ("character_set_client".to_string(), "utf8".to_string()),
        ]);
        assert_eq!(
            options(&o),
            BTreeMap::from([("character_set_client".to_string(), "utf8mb3".to_string())])
        );
    }
}
