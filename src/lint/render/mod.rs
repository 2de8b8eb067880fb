//! Findings for people and for tools: `text` (miette, with the schema
//! line like `check`'s diagnostics), `json` (strata's own versioned
//! shape, docs/lint.md) and `sarif` (SARIF 2.1.0 for code scanning).
//! What they share: where a finding is, and where its rule's page is.

pub mod json;
pub mod sarif;
pub mod text;

use std::ops::Range;

use super::{Finding, Outcome, Rule};
use crate::syntax::diag::FileText;
use crate::syntax::Located;

/// Where the schema came from.
pub enum Origin<'a> {
    /// Schema files, with where each object was written.
    Files(&'a Located),
    /// A database: findings name objects, there are no lines to show.
    Database,
}

/// A finding's place in a schema file: 1-based lines and columns, columns
/// counted in characters.
pub struct Place<'a> {
    pub file: &'a FileText,
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Origin<'_> {
    pub fn place(&self, f: &Finding) -> Option<Place<'_>> {
        let Origin::Files(located) = self else {
            return None;
        };
        let (file, span) = located.find(&f.at)?;
        // A multi-line object is shown by its first line.
        let text = &file.text[span.clone()];
        let end = span.start + text.find('\n').unwrap_or(text.len());
        let span = span.start..end.max(span.start);
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        Some(Place {
            file,
            span,
            line,
            column,
            end_line,
            end_column,
        })
    }
}

/// The findings with their places, in file order (by file name, then
/// offset); findings without a place keep the engine's order (by object)
/// and come first.
pub fn placed<'a>(
    outcome: &'a Outcome,
    origin: &'a Origin,
) -> Vec<(&'a Finding, Option<Place<'a>>)> {
    let mut out: Vec<(&Finding, Option<Place>)> = outcome
        .findings
        .iter()
        .map(|f| (f, origin.place(f)))
        .collect();
    out.sort_by(|(_, a), (_, b)| {
        let key = |p: &Option<Place>| p.as_ref().map(|p| (p.file.name.clone(), p.span.start));
        key(a).cmp(&key(b))
    });
    out
}

/// Where the rule pages are published: `[lint] docs-url`, else the
/// repository this build names in Cargo.toml, else nowhere (the pages are
/// still in the binary: `strata lint --explain ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: Option<String>,
}

impl Links {
    pub fn new(configured: Option<&str>) -> Links {
        let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
        let base = match configured {
            Some(b) => Some(b.to_string()),
            None if !repo.is_empty() => Some(format!("{repo}/blob/main/docs/lint/")),
            None => None,
        };
        Links { base }
    }

    /// The rule page's URL, when the pages are published somewhere.
    pub fn url(&self, rule: &Rule) -> Option<String> {
        self.base.as_ref().map(|b| format!("{b}{}.md", rule.id))
    }

    /// The URL, or the page's path in strata's repository.
    pub fn docs(&self, rule: &Rule) -> String {
        self.url(rule).unwrap_or_else(|| rule.docs_path())
    }
}
