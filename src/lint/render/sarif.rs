//! `--format sarif`: SARIF 2.1.0, which GitHub code scanning and review
//! tools read to show findings on the schema line they concern. Each
//! rule that ran is described once (`tool.driver.rules`: id, summary, its
//! page as `help` and, when published, `helpUri`, its level); each
//! finding is a result pointing at its rule, with a physical location in
//! the schema file, or a logical one (the object's name) for a database.

use serde_json::{json, Value};

use super::{Links, Origin};
use crate::lint::{Level, Outcome};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn document(outcome: &Outcome, origin: &Origin, links: &Links) -> Value {
    let rules: Vec<Value> = outcome
        .ran
        .iter()
        .map(|(r, level)| {
            let mut rule = json!({
                "id": r.id,
                "name": pascal(r.id),
                "shortDescription": { "text": r.summary },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level_name(*level) },
                "properties": { "dialects": dialects(r) },
            });
            if let Some(url) = links.url(r) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = super::placed(outcome, origin)
        .into_iter()
        .map(|(f, place)| {
            let index = outcome.ran.iter().position(|(r, _)| r.id == f.rule.id).unwrap_or(0);
            let mut result = json!({
                "ruleId": f.rule.id,
                "ruleIndex": index,
                "level": level_name(f.level),
                "message": { "text": format!("{} ({})", f.message, f.hint) },
                "locations": [location(place, f)],
            });
            result["partialFingerprints"] =
                json!({ "strataObject/v1": format!("{}:{}:{}", f.rule.id, f.object.kind, f.object.name) });
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "strata",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub fn render(outcome: &Outcome, origin: &Origin, links: &Links) -> miette::Result<String> {
    let doc = document(outcome, origin, links);
    let mut s = serde_json::to_string_pretty(&doc)
        .map_err(|e| miette::miette!("cannot write the findings as SARIF: {e}"))?;
    s.push('\n');
    Ok(s)
}

fn location(place: Option<super::Place>, f: &crate::lint::Finding) -> Value {
    let logical = json!([{
        "fullyQualifiedName": f.object.name,
        "kind": f.object.kind,
    }]);
    match place {
        Some(p) => json!({
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&p.file.name) },
                "region": {
                    "startLine": p.line,
                    "startColumn": p.column,
                    "endLine": p.end_line,
                    "endColumn": p.end_column,
                },
            },
            "logicalLocations": logical,
        }),
        None => json!({ "logicalLocations": logical }),
    }
}

/// A file path as a URI reference: relative paths stay relative (code
/// scanning resolves them against the repository), `/` separators,
/// characters outside the unreserved set and `/` percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warning",
        Level::Off => "none",
    }
}

fn dialects(r: &crate::lint::Rule) -> Vec<&'static str> {
    if r.dialects.is_empty() {
        vec!["postgres", "mysql", "sqlite"]
    } else {
        r.dialects.iter().map(|d| d.as_str()).collect()
    }
}

/// `fk-without-index` → `FkWithoutIndex`, SARIF's readable rule name.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("schemas/shop.strata"), "schemas/shop.strata");
        assert_eq!(uri("./a b/c.strata"), "a%20b/c.strata");
        assert_eq!(uri("/tmp/x.strata"), "file:///tmp/x.strata");
        assert_eq!(uri("dir\\f.strata"), "dir/f.strata");
    }

    #[test]
    fn names_rules_in_pascal_case() {
        assert_eq!(pascal("fk-without-index"), "FkWithoutIndex");
        assert_eq!(pascal("utf8mb3-charset"), "Utf8mb3Charset");
    }
}
