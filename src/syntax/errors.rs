//! Syntax errors: pest's "expected …" turned into a diagnostic a person
//! can act on, with the lexical scan's findings (an unterminated string
//! explains an error far below it) and did-you-mean hints.

use std::collections::BTreeSet;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::diag::{did_you_mean, floor_char_boundary, Diag, FileText};
use super::grammar::Rule;
use super::lower::object_keywords;
use super::scan::{Finding, MAX_DEPTH, MAX_SQL_DEPTH};

const COLUMN_ATTRS: &[&str] = &[
    "pk",
    "unique",
    "identity",
    "auto_increment",
    "autoincrement",
    "check",
    "collate",
    "charset",
    "on",
    "generated",
    "invisible",
    "comment",
    "using",
    "renamed_from",
];

pub fn fatal(ft: &FileText, f: Finding) -> Diag {
    match f {
        Finding::Nul(at) => Diag::error("E0102", "the file contains a NUL byte")
            .at(ft, at..at + 1, "NUL byte here")
            .help("schema files are text; remove the NUL byte (is this a binary file?)"),
        Finding::TooDeep(at) => Diag::error(
            "E0103",
            format!("parentheses nest deeper than {MAX_DEPTH} levels"),
        )
        .at(ft, at..at + 1, "too deep here")
        .help("simplify the expression; no real schema nests this deep"),
        Finding::TooDeepSql(at) => Diag::error(
            "E0103",
            format!("parentheses in SQL text nest deeper than {MAX_SQL_DEPTH} levels"),
        )
        .at(ft, at..at + 1, "too deep here")
        .help("simplify the expression; no real schema nests this deep"),
        other => hint_diag(ft, other),
    }
}

fn hint_diag(ft: &FileText, f: Finding) -> Diag {
    match f {
        Finding::UnterminatedString(s) => match backslash_quote(&ft.text, s.start) {
            Some(at) => Diag::error("E0104", "unterminated string: `\\'` does not escape a quote in a schema file")
                .at(ft, at..at + 2, "this `'` ends the string")
                .help(backslash_help(&ft.text, at)),
            None => Diag::error("E0104", "unterminated string or quoted name")
                .at(ft, s, "opened here, never closed")
                .help("close it with the same quote character; escape a quote inside `\"…\"` as `\\\"`"),
        },
        Finding::UnterminatedComment(s) => Diag::error("E0105", "unterminated block comment")
            .at(ft, s, "`/*` opened here, never closed")
            .help("close the comment with `*/`"),
        Finding::UnterminatedRaw(s) => Diag::error("E0106", "unterminated raw SQL block")
            .at(ft, s, "opened here, never closed")
            .help("close `sql\"\"\"` with `\"\"\"`, and `$tag$` with the same `$tag$`"),
        Finding::UnclosedParen(at) => Diag::error("E0107", "unclosed parenthesis")
            .at(ft, at..at + 1, "opened here, never closed")
            .help("add the matching `)` (or `]`)"),
        Finding::UnclosedBrace(at) => Diag::error("E0111", "unclosed `{`")
            .at(ft, at..at + 1, "opened here, never closed")
            .help("add the matching `}`"),
        Finding::StrayClose(at) => Diag::error("E0112", "closing bracket without an opening one")
            .at(ft, at..at + 1, "nothing to close here")
            .help("remove it, or add the opening bracket it belongs to"),
        Finding::Nul(_) | Finding::TooDeep(_) | Finding::TooDeepSql(_) => fatal(ft, f),
    }
}

pub fn syntax(ft: &FileText, e: Error<Rule>, hint: Option<Finding>) -> Diag {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let pos = floor_char_boundary(&ft.text, pos);
    if let Some(h) = hint {
        let at = match &h {
            Finding::UnterminatedString(s)
            | Finding::UnterminatedComment(s)
            | Finding::UnterminatedRaw(s) => s.start,
            Finding::UnclosedParen(a) | Finding::UnclosedBrace(a) | Finding::StrayClose(a) => *a,
            Finding::Nul(a) | Finding::TooDeep(a) | Finding::TooDeepSql(a) => *a,
        };
        // An opening quote, `/*` or `$tag$` that never closes makes the
        // whole bracket group around it fail where the group opens, just
        // before it on the same line: the finding is the real cause there.
        let inline_open = matches!(
            h,
            Finding::UnterminatedString(_)
                | Finding::UnterminatedComment(_)
                | Finding::UnterminatedRaw(_)
        ) && ft
            .text
            .get(pos..at)
            .is_some_and(|t| !t.is_empty() && !t.contains('\n'));
        if at <= pos || inline_open {
            return hint_diag(ft, h);
        }
    }
    let positives: Vec<Rule> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let (found, found_span) = token_at(&ft.text, pos);
    let has = |r: Rule| positives.contains(&r);

    let top_level = has(Rule::k_table) || has(Rule::k_dialect) || has(Rule::EOI) || has(Rule::file);
    if top_level && is_word(&found) {
        let help = if is_sql_statement(&found) {
            SQL_FILE_HINT.to_string()
        } else {
            match did_you_mean(&found, object_keywords().iter().copied()) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("a schema file holds {}", object_keywords().join(", ")),
            }
        };
        return Diag::error("E0108", format!("unknown item `{found}`"))
            .at(ft, found_span, "not a kind of schema object")
            .help(help);
    }
    if (has(Rule::attr_pk) || has(Rule::k_identity)) && is_word(&found) {
        let rest = ft.text[found_span.end..].trim_start();
        let help = match found.to_lowercase().as_str() {
            "not" if rest.starts_with("null") => {
                "columns are NOT NULL by default: just remove `not null`".to_string()
            }
            "null" | "nullable" => "write `?` right after the type to make a column nullable, e.g. `text?`".into(),
            "default" => "write a default as `= value`, e.g. `= 0` or `= now()`".into(),
            "references" => "write a reference as `-> table.column`".into(),
            "primary" => "write `pk` (or `primary key`) for a primary key".into(),
            "autoincrement" | "auto_increment" | "serial" => "write `identity` or `auto_increment`".into(),
            w => match did_you_mean(w, COLUMN_ATTRS.iter().copied()).filter(|k| *k != w) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "column attributes are: pk, unique, identity, auto_increment, = default, check (…), -> table.column, collate, charset, on update, generated (…), invisible, comment \"…\", using (…), renamed_from".into(),
            },
        };
        return Diag::error("E0109", format!("unknown column attribute `{found}`"))
            .at(ft, found_span, "not a column attribute")
            .help(help);
    }
    if has(Rule::col_type) || has(Rule::type_name) {
        return Diag::error("E0110", "expected a column type")
            .at(ft, found_span, format!("found {}", describe_found(&found)))
            .help("a column line is `name type [attributes]`, e.g. `email text unique`");
    }
    let expected = expected_list(&positives);
    let label = if expected.is_empty() {
        "unexpected here".to_string()
    } else {
        format!("expected {expected}")
    };
    Diag::error("E0100", format!("unexpected {}", describe_found(&found)))
        .at(ft, found_span, label)
        .help("see docs/language.md for the syntax of each item")
}

/// What an E0108 on a word that starts a SQL statement says: the file is
/// SQL, which strata reads as a desired state too, just not as `.strata`.
const SQL_FILE_HINT: &str = "this is SQL, not strata's schema language: give a `.sql` file as the \
    desired state (`--to schema.sql`, loaded into a scratch database), or convert it once \
    with `strata import schema.sql -o schema.strata`";

/// The first words of the DDL statements a schema dump starts with.
fn is_sql_statement(word: &str) -> bool {
    [
        "create", "alter", "set", "drop", "begin", "pragma", "insert", "select",
    ]
    .iter()
    .any(|k| word.eq_ignore_ascii_case(k))
}

fn is_word(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn describe_found(found: &str) -> String {
    match found {
        "" => "end of file".into(),
        "\n" | "\r\n" => "end of line".into(),
        f => format!("`{}`", f.chars().take(40).collect::<String>()),
    }
}

/// The word or character at `pos`, and its span.
fn token_at(text: &str, pos: usize) -> (String, std::ops::Range<usize>) {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return (String::new(), pos..pos);
    };
    if c.is_alphanumeric() || c == '_' {
        let len: usize = rest
            .char_indices()
            .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_' || *ch == '$'))
            .map_or(rest.len(), |(i, _)| i);
        return (rest[..len].to_string(), pos..pos + len);
    }
    if rest.starts_with("\r\n") {
        return ("\n".into(), pos..pos + 2);
    }
    (c.to_string(), pos..pos + c.len_utf8())
}

fn expected_list(rules: &[Rule]) -> String {
    let names: BTreeSet<String> = rules.iter().filter_map(|r| describe(*r)).collect();
    let mut v: Vec<String> = names.into_iter().collect();
    if v.len() > 8 {
        v.truncate(8);
        v.push("…".into());
    }
    match v.len() {
        0 => String::new(),
        1 => v.remove(0),
        _ => {
            let last = v.pop().unwrap_or_default();
            format!("{} or {last}", v.join(", "))
        }
    }
}

fn describe(r: Rule) -> Option<String> {
    let s = format!("{r:?}");
    if let Some(k) = s.strip_prefix("k_") {
        return Some(format!("`{k}`"));
    }
    Some(
        match r {
            Rule::bare_ident | Rule::quoted_ident | Rule::qname => "a name",
            Rule::col_type | Rule::type_name => "a column type",
            Rule::string => "a string `\"…\"`",
            Rule::paren_group | Rule::part_expr => "`(`",
            Rule::col_list | Rule::index_parts => "a column list `(a, b)`",
            Rule::default_expr => "a value",
            Rule::int_lit | Rule::uint | Rule::number => "a number",
            Rule::fk_action => "an action (cascade, restrict, set null, set default, no action)",
            Rule::sql_block => "a `sql\"\"\"…\"\"\"` block",
            Rule::EOI => "end of file",
            Rule::table_body | Rule::view_block => "`{`",
            Rule::enum_label => "an enum label",
            Rule::where_raw | Rule::bound_raw | Rule::returns_raw => "SQL text",
            _ => return None,
        }
        .to_string(),
    )
}

/// Where, on the line of an unterminated string, a `\'` (MySQL's escaped
/// quote) ended an earlier string early: the string left open is then the
/// rest of that one, and the user needs the standard `''`, not a quote
/// character.
fn backslash_quote(text: &str, open: usize) -> Option<usize> {
    let line = text[..open].rfind('\n').map_or(0, |i| i + 1);
    text[line..open].find("\\'").map(|i| line + i)
}

/// The help for a `\'` at `at`: the string spelled the standard way when
/// it closes on its line, and why the file cannot take `\'`.
fn backslash_help(text: &str, at: usize) -> String {
    let fix = standard_spelling(text, at)
        .map(|s| format!("write it `{s}`: "))
        .unwrap_or_else(|| "write the quote as `''`: ".to_string());
    format!(
        "{fix}strata finds where a string in a schema file ends the SQL-standard way, \
         before it knows the dialect (which may come from --dialect, the URL or another file), \
         and on PostgreSQL and SQLite 'C:\\' is a whole string. MySQL reads `''` as one quote \
         in either NO_BACKSLASH_ESCAPES mode, and a schema file for MySQL still reads `\\\\` \
         as one backslash (docs/mysql.md). \
         MySQL DDL written with `\\'` can be the desired state as it is: `--to schema.sql` \
         (docs/sql-source.md, docs/safety.md#mysql-strings-in-schema-files)"
    )
}

/// The MySQL string holding the `\'` at `at`, read the way MySQL reads it
/// (a backslash escapes the next character), with each `\'` written `''`:
/// the same value in the spelling a schema file takes. None when it does
/// not close on its line.
fn standard_spelling(text: &str, at: usize) -> Option<String> {
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let b = text.as_bytes();
    let mut i = line;
    while i < b.len() && b[i] != b'\n' {
        if b[i] != b'\'' {
            i += 1;
            continue;
        }
        let open = i;
        i += 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return None,
                Some(b'\\') => i += 2,
                // `''` inside the string.
                Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                Some(b'\'') => break,
                Some(_) => i += 1,
            }
        }
        if (open..=i).contains(&at) {
            return Some(respell(text.get(open..=i)?));
        }
        i += 1;
    }
    None
}

/// `\'` as `''`, every other pair kept as written.
fn respell(mysql: &str) -> String {
    let mut out = String::with_capacity(mysql.len());
    let mut chars = mysql.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\'') => out.push_str("''"),
            next => {
                out.push('\\');
                out.extend(next);
            }
        }
    }
    out
}
