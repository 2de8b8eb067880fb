//! PostgreSQL extended statistics (`CREATE STATISTICS`): what the planner
//! learns about columns (and, from PostgreSQL 14, expressions) of one
//! table together. Only PostgreSQL has them.

use serde::{Deserialize, Serialize};

use super::keyed::Keyed;
use super::{Expr, Name};

/// The kinds of statistics, in the order the server prints them.
pub const STATISTICS_KINDS: [&str; 3] = ["ndistinct", "dependencies", "mcv"];

/// `CREATE STATISTICS name (kinds) ON columns, (expressions) FROM table`,
/// with `ALTER STATISTICS … SET STATISTICS target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub name: Name,
    pub table: Name,
    /// Some of [`STATISTICS_KINDS`], in that order; empty for every kind
    /// (the server's default, which [`Statistics::canonical_kinds`] also
    /// makes of all three named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expressions: Vec<Expr>,
    /// `SET STATISTICS n`; `None` is the server's default (-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Statistics {
    /// The kinds, lowercased, in the server's order, without repeats, and
    /// empty when all three are named: how both sides compare.
    pub fn canonical_kinds(kinds: &[String]) -> Vec<String> {
        let lower: Vec<String> = kinds.iter().map(|k| k.to_lowercase()).collect();
        let known: Vec<String> = STATISTICS_KINDS
            .iter()
            .filter(|k| lower.iter().any(|l| l == *k))
            .map(|k| k.to_string())
            .collect();
        let unknown = lower
            .iter()
            .filter(|l| !STATISTICS_KINDS.contains(&l.as_str()));
        if known.len() == STATISTICS_KINDS.len() && unknown.clone().count() == 0 {
            return Vec::new();
        }
        known.into_iter().chain(unknown.cloned()).collect()
    }

    /// Equal but for what `ALTER`/`COMMENT` change in place.
    pub fn same_definition(&self, other: &Statistics) -> bool {
        Statistics {
            target: other.target,
            comment: other.comment.clone(),
            ..self.clone()
        } == *other
    }
}

impl Keyed for Statistics {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_kinds_named_are_the_default() {
        let k = |v: &[&str]| {
            Statistics::canonical_kinds(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        assert!(k(&["MCV", "ndistinct", "dependencies"]).is_empty());
        assert_eq!(k(&["mcv", "ndistinct"]), ["ndistinct", "mcv"]);
        assert_eq!(k(&["bogus"]), ["bogus"]);
    }
}
