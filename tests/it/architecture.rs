//! The architecture's invariants as tests: ARCHITECTURE.md states each
//! under the code-map entry it governs, and these read `src/` as text and
//! fail when one is broken — a stage importing what it must not, a dialect
//! folder without one of the shared files, a name quoted outside a
//! dialect's `quote.rs`, a hazard kind without its page in
//! docs/hazards/ and its row in docs/hazards.md. Text, not the compiler: the rules are about where code
//! lives, which no type can say.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each stage must not import (`crate::<module>`, or `super::` up to
/// the crate root). The stages below the dialects know no dialect, no
/// database, no command line and no schema syntax; the dialects know no
/// source, command or pipeline above them.
const FORBIDDEN_IMPORTS: &[(&str, &[&str])] = &[
    (
        "ir",
        &[
            SYNTAX, DIFF, PLAN, DIALECT, URL, MIGRATION, SOURCE, PROVE, REPORT, CLI,
        ],
    ),
    (
        "syntax",
        &[
            DIFF, PLAN, DIALECT, URL, MIGRATION, SOURCE, PROVE, REPORT, CLI,
        ],
    ),
    (
        "diff",
        &[
            SYNTAX, PLAN, DIALECT, URL, MIGRATION, SOURCE, PROVE, REPORT, CLI,
        ],
    ),
    (
        "plan",
        &[SYNTAX, DIALECT, URL, MIGRATION, SOURCE, PROVE, REPORT, CLI],
    ),
    (
        "url",
        &[
            SYNTAX, DIFF, PLAN, DIALECT, MIGRATION, SOURCE, PROVE, REPORT, CLI,
        ],
    ),
    ("dialect", &[SYNTAX, MIGRATION, SOURCE, PROVE, REPORT, CLI]),
    ("migration", &[SYNTAX, SOURCE, PROVE, REPORT, CLI]),
    (
        "preflight",
        &[SYNTAX, MIGRATION, SOURCE, PROVE, REPORT, CLI],
    ),
    ("lint", &[DIALECT, MIGRATION, SOURCE, PROVE, REPORT, CLI]),
];

const SYNTAX: &str = "syntax";
const DIFF: &str = "diff";
const PLAN: &str = "plan";
const DIALECT: &str = "dialect";
const URL: &str = "url";
const MIGRATION: &str = "migration";
const SOURCE: &str = "source";
const PROVE: &str = "prove";
const REPORT: &str = "report";
const CLI: &str = "cli";

/// The files every dialect folder has, each for the same job
/// (ARCHITECTURE.md, `src/dialect/`). A dialect that needs a file beyond
/// these adds it; one of these is never renamed.
const DIALECT_FILES: &[&str] = &[
    "mod.rs",
    "introspect.rs",
    "introspect/queries.rs",
    "normalize.rs",
    "types.rs",
    "expr.rs",
    "quote.rs",
    "hazards.rs",
    "emit/mod.rs",
    "apply.rs",
    "scratch.rs",
    "history.rs",
];

/// Files that quote text for languages other than SQL, where a quote
/// glued around a value is that language's own syntax, not a name put
/// into SQL. Listed here so that the exception is seen, never silent.
const OTHER_LANGUAGES: &[(&str, &str)] = &[
    ("report/graph.rs", "Mermaid and DOT labels"),
    ("report/json.rs", "the JSON error document"),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, text).
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(src())
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).expect("readable source");
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (line comments and doc
/// comments), so that prose naming a module is not an import.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // `//` inside a string literal (a URL) is rare enough in
            // import lines to ignore; the rest of such a line is code.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file: `plan/mod.rs` → `[plan]`, `plan/order.rs` →
/// `[plan, order]`, `url.rs` → `[url]`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The top-level modules a file's code names: `crate::x`, `crate::{x, y}`,
/// and `super::…::x` that climbs to the crate root.
fn imported_modules(rel: &str, text: &str) -> BTreeSet<String> {
    let code = code(text);
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        // `strata::crate` never occurs; skip `foo_crate::`.
        if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        out.extend(first_segments(&code[i + "crate::".len()..]));
    }
    let depth = module_path(rel).len();
    for (i, _) in code.match_indices("super::") {
        if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &code[i..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups >= depth {
            out.extend(first_segments(rest));
        }
    }
    out
}

/// `x::…` → `[x]`; `{x, y::z, w as v}` → `[x, y, w]`.
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .map(|s| ident(s.trim()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The import rules, checked over a set of files (the tree, or a tree
/// with a forbidden import added, to show the check can fail).
fn import_violations(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in files {
        let stage = module_path(rel)[0].clone();
        let Some((_, forbidden)) = FORBIDDEN_IMPORTS.iter().find(|(s, _)| *s == stage) else {
            continue;
        };
        for m in imported_modules(rel, text) {
            if forbidden.contains(&m.as_str()) {
                out.push(format!(
                    "src/{rel} imports crate::{m}, which `{stage}` must not (ARCHITECTURE.md)"
                ));
            }
        }
    }
    out
}

#[test]
fn stages_import_only_what_they_may() {
    let violations = import_violations(&rust_files(&src()));
    assert!(
        violations.is_empty(),
        "imports that break the layering:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_import_check_sees_a_forbidden_import() {
    for (stage, forbidden) in FORBIDDEN_IMPORTS {
        let target = forbidden[0];
        for (rel, line) in [
            (
                format!("{stage}/x.rs"),
                format!("use crate::{target}::Thing;"),
            ),
            (
                format!("{stage}/x.rs"),
                format!("use crate::{{ir, {target}}};"),
            ),
            (
                format!("{stage}/x/y.rs"),
                format!("use super::super::super::{target};"),
            ),
            (
                format!("{stage}/mod.rs"),
                format!("fn f() {{ super::{target}::g() }}"),
            ),
        ] {
            let found = import_violations(&[(rel.clone(), line.clone())]);
            assert_eq!(found.len(), 1, "{rel}: {line}");
        }
        let comment = format!("//! see crate::{target}\n/// and [`crate::{target}`]\n");
        assert!(import_violations(&[(format!("{stage}/x.rs"), comment)]).is_empty());
    }
}

#[test]
fn every_dialect_folder_has_the_shared_files() {
    let dir = src().join("dialect");
    let mut missing = Vec::new();
    let mut dialects = 0;
    for e in std::fs::read_dir(&dir).expect("src/dialect").flatten() {
        if !e.path().is_dir() {
            continue;
        }
        dialects += 1;
        let name = e.file_name().to_string_lossy().to_string();
        for f in DIALECT_FILES {
            if !e.path().join(f).is_file() {
                missing.push(format!("src/dialect/{name}/{f}"));
            }
        }
    }
    assert_eq!(dialects, 3, "postgres, mysql and sqlite");
    assert!(
        missing.is_empty(),
        "dialect folders without a shared file:\n{}",
        missing.join("\n")
    );
}

/// A name glued into text by a format string: a double quote right
/// around a `{…}` placeholder (`"\"{}\""`), anywhere; and in MySQL's
/// folder, where a backtick is the quote, a backtick placeholder in a
/// string that is SQL rather than a message (no spaces, or an SQL
/// keyword). Elsewhere a backtick is the code span of strata's messages.
fn glued_quotes(text: &str, backticks_quote: bool) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "CREATE ",
        "ALTER ",
        "DROP ",
        "SELECT ",
        "INSERT ",
        "UPDATE ",
        "DELETE ",
        "TABLE ",
        "INDEX ",
        "DATABASE ",
        " FROM ",
        " INTO ",
        " ON ",
    ];
    let mut out = Vec::new();
    for (n, line) in code(text).lines().enumerate() {
        for lit in string_literals(line) {
            let double = lit.contains("\\\"{") || lit.contains("}\\\"");
            let backtick = backticks_quote
                && lit.contains("`{")
                && lit.contains("}`")
                && (!lit.contains(' ') || KEYWORDS.iter().any(|k| lit.contains(k)));
            if double || backtick {
                out.push(format!("line {}: {}", n + 1, line.trim()));
            }
        }
    }
    out
}

/// The bodies of the plain string literals of one line.
fn string_literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A `'"'` char literal is not the start of a string.
        if bytes[i] == b'\'' && bytes.get(i + 2) == Some(&b'\'') {
            i += 3;
            continue;
        }
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        out.push(&line[start..j.min(line.len())]);
        i = j + 1;
    }
    out
}

#[test]
fn names_are_quoted_only_in_quote_rs() {
    let mut found = Vec::new();
    for (rel, text) in rust_files(&src()) {
        if rel.ends_with("/quote.rs") || OTHER_LANGUAGES.iter().any(|(f, _)| *f == rel) {
            continue;
        }
        for hit in glued_quotes(&text, rel.starts_with("dialect/mysql/")) {
            found.push(format!("src/{rel} {hit}"));
        }
    }
    assert!(
        found.is_empty(),
        "names quoted outside a dialect's quote.rs (use its quote::ident):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_quote_check_sees_glued_names() {
    for glued in [
        r#"format!("\"{}\"", name)"#,
        r#"format!("DROP DATABASE \"{name}\"")"#,
    ] {
        assert_eq!(glued_quotes(glued, false).len(), 1, "{glued}");
    }
    for glued in [
        r#"format!("CREATE DATABASE `{name}`")"#,
        r#"format!("`{c}`")"#,
    ] {
        assert_eq!(glued_quotes(glued, true).len(), 1, "{glued}");
        assert!(glued_quotes(glued, false).is_empty(), "{glued}");
    }
    for fine in [
        r#"format!("column `{name}` is defined twice")"#,
        r#"format!("{}", quote::ident(name))"#,
        r#"s.push('"');"#,
    ] {
        assert!(glued_quotes(fine, true).is_empty(), "{fine}");
    }
}

/// The snake-case names of `HazardKind`'s variants, read from its
/// definition (serde spells them so).
fn hazard_kinds() -> Vec<String> {
    let text = std::fs::read_to_string(src().join("plan/mod.rs")).expect("src/plan/mod.rs");
    let start = text
        .find("pub enum HazardKind {")
        .expect("HazardKind is defined in src/plan/mod.rs");
    let body = &text[start..];
    let body = &body[..body.find("\n}").expect("end of HazardKind")];
    body.lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let variant = l.trim_end_matches(',');
            let mut snake = String::new();
            for (i, c) in variant.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    snake.push('_');
                }
                snake.push(c.to_ascii_lowercase());
            }
            snake
        })
        .collect()
}

#[test]
fn every_hazard_rule_has_its_page_and_its_row() {
    let kinds = hazard_kinds();
    assert!(kinds.contains(&"data_loss".to_string()), "{kinds:?}");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let index = std::fs::read_to_string(docs.join("hazards.md")).expect("docs/hazards.md");
    let ids: Vec<String> = kinds.iter().map(|k| k.replace('_', "-")).collect();
    for id in &ids {
        let page = docs.join(format!("hazards/{id}.md"));
        let text = std::fs::read_to_string(&page)
            .unwrap_or_else(|_| panic!("docs/hazards/{id}.md is missing"));
        assert!(
            text.starts_with(&format!("# `{id}`")) && text.contains("```"),
            "docs/hazards/{id}.md needs its title and an example"
        );
        assert!(
            index.contains(&format!("[`{id}`](hazards/{id}.md)")),
            "docs/hazards.md does not list {id}"
        );
    }
    let pages: BTreeSet<String> = std::fs::read_dir(docs.join("hazards"))
        .expect("docs/hazards/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".md")
                .map(String::from)
        })
        .collect();
    let stale: Vec<&String> = pages.iter().filter(|p| !ids.contains(*p)).collect();
    assert!(
        stale.is_empty(),
        "docs/hazards/ has pages of no rule: {stale:?}"
    );
}
