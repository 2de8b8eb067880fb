//! "Did you mean …?" for unknown names.
//!
//! A schema with an unknown name in each of its 10,000 tables asks this
//! 10,000 times among 10,000 tables: the candidates are spelled once per
//! validation ([`TableNames`]) and a candidate too long or too short to be
//! within reach is skipped before any allocation or distance.

use std::cell::OnceCell;

use crate::ir::{Name, Schema};

/// Edit distance counting an insertion, a deletion, a substitution or a
/// swap of two neighbours as one edit (optimal string alignment): typos
/// are often swaps (`usres`, `emial`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate, when it is close enough to be a likely typo:
/// within a third of the name's length (at least one edit), or equal but
/// for case. Ties go to the first candidate, so callers pass them sorted.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let ascii = name.is_ascii();
    let len = name.len();
    for c in candidates {
        if c == name {
            continue;
        }
        // Each edit changes the length by at most one character: an
        // ASCII name is out of reach of a candidate with fewer bytes than
        // its length less the limit, or of an ASCII one with more bytes
        // than its length plus the limit.
        if ascii && (c.len() + limit < len || (c.len() > len + limit && c.is_ascii())) {
            continue;
        }
        let d = if c.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &c.to_lowercase())
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// `did you mean `x`?` as a help line, or a fallback listing what exists.
pub fn help_for<S: AsRef<str>>(name: &str, candidates: &[S], what: &str) -> Option<String> {
    if let Some(s) = did_you_mean(name, candidates.iter().map(AsRef::as_ref)) {
        return Some(format!("did you mean `{s}`?"));
    }
    if candidates.is_empty() {
        return None;
    }
    const SHOWN: usize = 8;
    let mut list: Vec<String> = candidates
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{}`", c.as_ref()))
        .collect();
    if candidates.len() > SHOWN {
        list.push(format!("and {} more", candidates.len() - SHOWN));
    }
    Some(format!("{what}: {}", list.join(", ")))
}

/// The names of a schema's tables, spelled on the first unknown table
/// and shared by every later one.
pub struct TableNames<'a> {
    schema: &'a Schema,
    names: OnceCell<Vec<String>>,
}

impl<'a> TableNames<'a> {
    pub fn new(schema: &'a Schema) -> TableNames<'a> {
        TableNames {
            schema,
            names: OnceCell::new(),
        }
    }

    /// `help_for` an unknown table among the schema's tables.
    pub fn help(&self, table: &Name) -> Option<String> {
        let names = self
            .names
            .get_or_init(|| self.schema.tables.keys().map(Name::to_string).collect());
        help_for(&table.to_string(), names, "tables")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("uid", "id"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("usres", "users"), 1);
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(did_you_mean("uid", ["email", "id"]).as_deref(), Some("id"));
        assert_eq!(
            did_you_mean("usres", ["users", "orders"]).as_deref(),
            Some("users")
        );
        assert_eq!(did_you_mean("Users", ["users"]).as_deref(), Some("users"));
        assert_eq!(did_you_mean("zzzzzz", ["users", "orders"]), None);
        // Length alone rules a candidate out, or not: three edits of nine.
        assert_eq!(did_you_mean("customers", ["cust"]), None);
        assert_eq!(
            did_you_mean("customers", ["customerxyz", "cstmr"]).as_deref(),
            Some("customerxyz")
        );
    }

    #[test]
    fn help_lists_candidates_when_nothing_is_close() {
        assert_eq!(
            help_for("zzz", &["a", "b"], "columns of `t`").as_deref(),
            Some("columns of `t`: `a`, `b`")
        );
        assert_eq!(help_for::<&str>("zzz", &[], "columns"), None);
    }
}
