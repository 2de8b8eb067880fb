//! Index definitions (`UNIQUE KEY`, `FULLTEXT KEY`, `KEY`), as
//! `CREATE TABLE` and `ALTER TABLE … ADD` take them.

use crate::dialect::mysql::quote::{ident, string};
use crate::ir::{Index, IndexKey};

fn index_parts(ix: &Index) -> String {
    ix.parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => format!("({e})"),
            };
            if let Some(l) = p.length {
                s.push_str(&format!("({l})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `UNIQUE KEY `n` (…)`, `FULLTEXT KEY …`, `KEY …`, for CREATE and ADD.
pub(super) fn index_def(ix: &Index) -> String {
    let kind = match ix.method.as_deref() {
        Some("fulltext") => "FULLTEXT KEY",
        Some("spatial") => "SPATIAL KEY",
        _ if ix.unique => "UNIQUE KEY",
        _ => "KEY",
    };
    let mut s = format!(
        "{kind} {} ({})",
        ident(ix.name.as_deref().unwrap_or("")),
        index_parts(ix)
    );
    if let Some(m @ ("hash" | "btree")) = ix.method.as_deref() {
        s.push_str(&format!(" USING {}", m.to_ascii_uppercase()));
    }
    if let Some(c) = &ix.comment {
        s.push_str(&format!(" COMMENT {}", string(c)));
    }
    if ix.options.get("ignored").is_some_and(|v| v == "true") {
        s.push_str(" IGNORED");
    }
    s
}
