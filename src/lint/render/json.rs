//! `--format json`: strata's own shape for lint findings, version 1
//! (docs/lint.md). Fields may be added within a version; none is renamed,
//! removed or given another meaning without a new `version`.

use serde::Serialize;

use super::{Links, Origin};
use crate::ir::DialectKind;
use crate::lint::{Level, Outcome};

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Document {
    pub version: u32,
    pub tool: Tool,
    pub dialect: Option<&'static str>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Ids of the rules that ran.
    pub rules: Vec<&'static str>,
    /// Ids of the rules for one dialect left out because the schema names none.
    pub skipped: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub hint: String,
    pub object: Object,
    /// `null` when the schema came from a database.
    pub location: Option<Location>,
    /// The rule's page: a URL, or its path in strata's repository.
    pub docs: String,
}

#[derive(Debug, Serialize)]
pub struct Object {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn document(
    outcome: &Outcome,
    origin: &Origin,
    dialect: Option<DialectKind>,
    links: &Links,
) -> Document {
    let findings = super::placed(outcome, origin)
        .into_iter()
        .map(|(f, place)| Finding {
            rule: f.rule.id,
            severity: f.level.as_str(),
            message: f.message.clone(),
            hint: f.hint.clone(),
            object: Object {
                kind: f.object.kind,
                name: f.object.name.clone(),
            },
            location: place.map(|p| Location {
                file: p.file.name.to_string(),
                line: p.line,
                column: p.column,
                end_line: p.end_line,
                end_column: p.end_column,
            }),
            docs: links.docs(f.rule),
        })
        .collect();
    Document {
        version: VERSION,
        tool: Tool {
            name: "strata",
            version: env!("CARGO_PKG_VERSION"),
        },
        dialect: dialect.map(DialectKind::as_str),
        summary: Summary {
            errors: outcome.count(Level::Error),
            warnings: outcome.count(Level::Warn),
            rules: outcome.ran.iter().map(|(r, _)| r.id).collect(),
            skipped: outcome.skipped.iter().map(|r| r.id).collect(),
        },
        findings,
    }
}

/// The document as pretty JSON with a final newline.
pub fn render(
    outcome: &Outcome,
    origin: &Origin,
    dialect: Option<DialectKind>,
    links: &Links,
) -> miette::Result<String> {
    let doc = document(outcome, origin, dialect, links);
    let mut s = serde_json::to_string_pretty(&doc)
        .map_err(|e| miette::miette!("cannot write the findings as JSON: {e}"))?;
    s.push('\n');
    Ok(s)
}
