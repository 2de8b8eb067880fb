//! The `.case` file: a header of `#` lines, then the `--- from` and
//! `--- to` schemas in the schema language (`tests/cases/README.md`).

use strata::dialect::EmitOptions;
use strata::ir::DialectKind;

/// One scenario: two schemas and what to do with them.
#[derive(Debug, Clone)]
pub struct Case {
    /// `<topic>/<name>`, the file's path under `tests/cases/` without `.case`.
    pub id: String,
    /// The dialects the case is about (all three unless `# dialects:` says).
    pub dialects: Vec<DialectKind>,
    pub skips: Vec<Skip>,
    pub options: EmitOptions,
    pub from: String,
    pub to: String,
}

/// `# skip: <dialect> [live] — <reason>`: a dialect left out entirely, or
/// only its run against a live database (offline emission is still
/// compared with its snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub dialect: DialectKind,
    pub live_only: bool,
    pub reason: String,
}

impl Case {
    /// Why `dialect` is not checked at all, if it is not.
    pub fn skipped(&self, dialect: DialectKind) -> Option<String> {
        if !self.dialects.contains(&dialect) {
            return Some(format!("the case is not about {dialect}"));
        }
        self.skips
            .iter()
            .find(|s| s.dialect == dialect && !s.live_only)
            .map(|s| s.reason.clone())
    }

    /// Why the live run on `dialect` is skipped, if it is.
    pub fn live_skipped(&self, dialect: DialectKind) -> Option<String> {
        self.skips
            .iter()
            .find(|s| s.dialect == dialect)
            .map(|s| s.reason.clone())
    }

    /// The `from` or `to` text as a schema file for `dialect`: a
    /// `dialect` line is added unless the text has its own.
    pub fn source(&self, text: &str, dialect: DialectKind) -> String {
        if text.lines().any(|l| l.trim_start().starts_with("dialect ")) {
            text.to_string()
        } else {
            format!("dialect {dialect}\n{text}")
        }
    }
}

/// Reads a case file's text; `id` names it in messages.
pub fn parse(id: &str, text: &str) -> Result<Case, String> {
    let mut case = Case {
        id: id.to_string(),
        dialects: vec![
            DialectKind::Postgres,
            DialectKind::Mysql,
            DialectKind::Sqlite,
        ],
        skips: Vec::new(),
        options: EmitOptions::default(),
        from: String::new(),
        to: String::new(),
    };
    // 0: header, 1: from, 2: to.
    let mut section = 0;
    for (n, line) in text.lines().enumerate() {
        let at = || format!("{id}.case:{}", n + 1);
        if let Some(name) = line.strip_prefix("--- ") {
            section = match (name.trim(), section) {
                ("from", 0) => 1,
                ("to", 1) => 2,
                (other, _) => {
                    return Err(format!(
                        "{}: `--- {other}` here; a case has `--- from` then `--- to`",
                        at()
                    ))
                }
            };
            continue;
        }
        let into = match section {
            0 => {
                header_line(&mut case, line).map_err(|e| format!("{}: {e}", at()))?;
                continue;
            }
            1 => &mut case.from,
            _ => &mut case.to,
        };
        into.push_str(line);
        into.push('\n');
    }
    if section != 2 {
        return Err(format!(
            "{id}.case: needs a `--- from` and a `--- to` section"
        ));
    }
    Ok(case)
}

fn header_line(case: &mut Case, line: &str) -> Result<(), String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(());
    }
    let Some(comment) = line.strip_prefix('#') else {
        return Err("the header holds only `#` lines".into());
    };
    let comment = comment.trim();
    if let Some(list) = comment.strip_prefix("dialects:") {
        case.dialects = list
            .split_whitespace()
            .map(dialect)
            .collect::<Result<_, _>>()?;
    } else if let Some(rest) = comment.strip_prefix("skip:") {
        case.skips.push(skip(rest)?);
    } else if let Some(list) = comment.strip_prefix("options:") {
        for option in list.split_whitespace() {
            match option {
                "online" => case.options.online = true,
                other => match other.split_once('=') {
                    Some(("lock_timeout", v)) => case.options.lock_timeout = Some(v.into()),
                    Some(("statement_timeout", v)) => {
                        case.options.statement_timeout = Some(v.into())
                    }
                    _ => return Err(format!("unknown option `{other}`")),
                },
            }
        }
    }
    // Any other `#` line describes the case.
    Ok(())
}

fn dialect(word: &str) -> Result<DialectKind, String> {
    DialectKind::parse(word).ok_or_else(|| format!("unknown dialect `{word}`"))
}

/// `<dialect> [live] — <reason>` (an ASCII `-` may stand for the dash).
fn skip(text: &str) -> Result<Skip, String> {
    let (what, reason) = text
        .split_once(" — ")
        .or_else(|| text.split_once(" - "))
        .ok_or("a skip is `<dialect> [live] — <reason>`")?;
    let mut words = what.split_whitespace();
    let dialect = dialect(words.next().unwrap_or(""))?;
    let live_only = match words.next() {
        None => false,
        Some("live") => true,
        Some(other) => return Err(format!("unknown skip scope `{other}`")),
    };
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err("a skip needs its reason".into());
    }
    Ok(Skip {
        dialect,
        live_only,
        reason,
    })
}

#[test]
fn header_sections_and_skips_are_read() {
    let text = "# A column is added.\n# dialects: postgres sqlite\n\
                # skip: sqlite live — a known bug\n# options: online\n\
                --- from\ntable t {\n  a int\n}\n--- to\ntable t {\n  a int\n  b int?\n}\n";
    let c = parse("x/y", text).expect("parses");
    assert_eq!(c.dialects, [DialectKind::Postgres, DialectKind::Sqlite]);
    assert!(c.options.online);
    assert_eq!(
        c.live_skipped(DialectKind::Sqlite).as_deref(),
        Some("a known bug")
    );
    assert_eq!(c.skipped(DialectKind::Sqlite), None);
    assert!(c.skipped(DialectKind::Mysql).is_some());
    assert_eq!(c.from, "table t {\n  a int\n}\n");
    assert!(c
        .source(&c.to, DialectKind::Postgres)
        .starts_with("dialect postgres\n"));
    assert!(parse("x/y", "--- from\n").is_err());
    assert!(parse("x/y", "table t {}\n--- from\n--- to\n").is_err());
    assert!(parse("x/y", "--- to\n--- from\n").is_err());
    assert!(parse("x/y", "# skip: sqlite\n--- from\n--- to\n").is_err());
}
