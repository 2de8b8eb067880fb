//! Reads the `CREATE …` statements SQLite keeps in `sqlite_master.sql`.
//! The pragmas say which columns, keys and indexes exist; only this text
//! holds constraint names, CHECK expressions, collations, generated
//! expressions, DEFERRABLE, MATCH, index expressions and predicates, view
//! and trigger bodies.

use super::expr::{tokenize, unquote, Kind, Token};
use super::quote::ident_if_needed;
use crate::ir::{Deferral, FkAction, MatchType, Name};

/// A parsed `CREATE TABLE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    /// Table-level `PRIMARY KEY (…)` or a column's `PRIMARY KEY`.
    pub primary_key: Option<KeyDef>,
    pub uniques: Vec<KeyDef>,
    /// Name and expression (without its parentheses).
    pub checks: Vec<(Option<String>, String)>,
    pub foreign_keys: Vec<FkDef>,
    pub without_rowid: bool,
    pub strict: bool,
    /// Clauses strata does not model (`ON CONFLICT …`), for warnings.
    pub unmodeled: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: String,
    /// The declared type as written (may be empty).
    pub ty: String,
    pub not_null: bool,
    /// The default as written, without outer parentheses.
    pub default: Option<String>,
    pub collation: Option<String>,
    /// Expression and STORED (true) or VIRTUAL (false).
    pub generated: Option<(String, bool)>,
    pub autoincrement: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FkDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    /// Empty when the clause names none (the parent's primary key).
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferral: Deferral,
    pub match_type: MatchType,
}

/// A parsed `CREATE INDEX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: String,
    pub table: String,
    pub unique: bool,
    pub parts: Vec<IndexPartDef>,
    pub predicate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPartDef {
    /// `Ok(column)` for a bare column, `Err(expression text)` otherwise.
    pub key: Result<String, String>,
    pub desc: bool,
    pub collation: Option<String>,
}

/// A parsed `CREATE VIEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewDef {
    pub name: String,
    pub columns: Vec<String>,
    pub body: String,
}

/// A parsed `CREATE TRIGGER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerDef {
    pub name: String,
    pub table: String,
    pub timing: String,
    pub event: String,
    pub for_each_row: bool,
    pub when: Option<String>,
    /// From `BEGIN` to the final `END`, as written.
    pub body: String,
}

pub type ParseResult<T> = Result<T, String>;

struct Cursor<'a> {
    src: &'a str,
    toks: Vec<Token<'a>>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a str) -> Cursor<'a> {
        Cursor {
            src,
            toks: tokenize(src),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.toks.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<Token<'a>> {
        self.toks.get(self.pos + n).copied()
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn at_word(&self, w: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(w))
    }

    fn at_op(&self, op: &str) -> bool {
        self.peek().is_some_and(|t| t.is_op(op))
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.at_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Eats a sequence of words, all or nothing.
    fn eat_words(&mut self, ws: &[&str]) -> bool {
        let all = ws
            .iter()
            .enumerate()
            .all(|(i, w)| self.peek_at(i).is_some_and(|t| t.is_word(w)));
        if all {
            self.pos += ws.len();
        }
        all
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_word(&mut self, w: &str) -> ParseResult<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.unexpected(w))
        }
    }

    fn expect_op(&mut self, op: &str) -> ParseResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{op}`")))
        }
    }

    fn unexpected(&self, wanted: &str) -> String {
        match self.peek() {
            Some(t) => format!("expected {wanted}, found `{}` at byte {}", t.text, t.start),
            None => format!("expected {wanted}, found the end of the statement"),
        }
    }

    /// A name: a word, a quoted identifier, or (as SQLite allows) a string.
    fn name(&mut self) -> ParseResult<String> {
        match self.peek() {
            Some(t) if matches!(t.kind, Kind::Word | Kind::Quoted | Kind::String) => {
                self.pos += 1;
                Ok(t.name())
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    /// `[schema.]name`; the schema is dropped (SQLite's are `main`, `temp`
    /// or attached databases, and introspection reads `main` only).
    fn qualified_name(&mut self) -> ParseResult<String> {
        let first = self.name()?;
        if self.eat_op(".") {
            return self.name();
        }
        Ok(first)
    }

    /// After an opening `(` at the cursor: the source text up to the
    /// matching `)`, which is consumed too.
    fn paren_text(&mut self) -> ParseResult<&'a str> {
        self.expect_op("(")?;
        let open_end = self.toks[self.pos - 1].end;
        let mut depth = 1;
        while let Some(t) = self.next() {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
                if depth == 0 {
                    return Ok(self.src[open_end..t.start].trim());
                }
            }
        }
        Err("unbalanced parentheses".into())
    }

    /// `( name, … )`, each name possibly followed by COLLATE and ASC/DESC.
    fn name_list(&mut self) -> ParseResult<Vec<String>> {
        self.list(|_, _| {}, |_| {})
    }

    /// [`Self::name_list`] of a key's columns. A COLLATE there other than
    /// the column's own decides which values the key takes for equal, and
    /// a DESC orders the key's index: neither is modeled, so each is
    /// recorded in `def.unmodeled` (`what`: the key).
    fn key_list(&mut self, def: &mut TableDef, what: &str) -> ParseResult<Vec<String>> {
        let (columns, unmodeled) = (&def.columns, std::cell::RefCell::new(&mut def.unmodeled));
        self.list(
            |name, collation| {
                let own = columns
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(name))
                    .and_then(|c| c.collation.as_deref())
                    .unwrap_or("binary");
                if !own.eq_ignore_ascii_case(collation) {
                    unmodeled
                        .borrow_mut()
                        .push(format!("COLLATE {collation} of {name} in the {what}"));
                }
            },
            |name| {
                unmodeled
                    .borrow_mut()
                    .push(format!("DESC of {name} in the {what}"))
            },
        )
    }

    fn list(
        &mut self,
        mut collate: impl FnMut(&str, &str),
        mut desc: impl FnMut(&str),
    ) -> ParseResult<Vec<String>> {
        self.expect_op("(")?;
        let mut names = Vec::new();
        loop {
            let name = self.name()?;
            if self.eat_word("collate") {
                collate(&name, &self.name()?);
            }
            if !self.eat_word("asc") && self.eat_word("desc") {
                desc(&name);
            }
            names.push(name);
            if self.eat_op(")") {
                return Ok(names);
            }
            self.expect_op(",")?;
        }
    }

    /// Skips an optional `ON CONFLICT action`, recording it.
    fn conflict_clause(&mut self, unmodeled: &mut Vec<String>, what: &str) -> ParseResult<()> {
        if self.eat_words(&["on", "conflict"]) {
            let action = self.name()?;
            unmodeled.push(format!("{what} ON CONFLICT {}", action.to_uppercase()));
        }
        Ok(())
    }

    /// Source text of tokens `from..to` (token indexes).
    fn text(&self, from: usize, to: usize) -> &'a str {
        if from >= to {
            return "";
        }
        &self.src[self.toks[from].start..self.toks[to - 1].end]
    }
}

/// Words that end a column's type and start a column constraint.
const COLUMN_CONSTRAINT_START: &[&str] = &[
    "constraint",
    "primary",
    "not",
    "null",
    "unique",
    "check",
    "default",
    "collate",
    "references",
    "generated",
    "as",
];

/// Words that start a table constraint.
const TABLE_CONSTRAINT_START: &[&str] = &["constraint", "primary", "unique", "check", "foreign"];

/// `CREATE [TEMP] TABLE [IF NOT EXISTS] name ( … ) [options]`.
pub fn parse_table(sql: &str) -> ParseResult<TableDef> {
    let mut c = Cursor::new(sql);
    c.expect_word("create")?;
    let _ = c.eat_word("temp") || c.eat_word("temporary");
    c.expect_word("table")?;
    c.eat_words(&["if", "not", "exists"]);
    let mut def = TableDef {
        name: c.qualified_name()?,
        ..TableDef::default()
    };
    if c.at_word("as") {
        return Err("CREATE TABLE … AS SELECT keeps no column definitions".into());
    }
    c.expect_op("(")?;
    loop {
        let starts_constraint = c
            .peek()
            .is_some_and(|t| TABLE_CONSTRAINT_START.iter().any(|w| t.is_word(w)));
        if starts_constraint {
            table_constraint(&mut c, &mut def)?;
        } else {
            column_def(&mut c, &mut def)?;
        }
        if c.eat_op(")") {
            break;
        }
        c.expect_op(",")?;
    }
    loop {
        if c.eat_words(&["without", "rowid"]) {
            def.without_rowid = true;
        } else if c.eat_word("strict") {
            def.strict = true;
        } else if c.eat_op(",") {
            continue;
        } else {
            break;
        }
    }
    c.eat_op(";");
    if c.peek().is_some() {
        return Err(c.unexpected("the end of the statement"));
    }
    Ok(def)
}

fn column_def(c: &mut Cursor<'_>, def: &mut TableDef) -> ParseResult<()> {
    let name = c.name()?;
    let ty_start = c.pos;
    while let Some(t) = c.peek() {
        let ends = t.is_op(",")
            || t.is_op(")")
            || (t.kind == Kind::Word && COLUMN_CONSTRAINT_START.iter().any(|w| t.is_word(w)));
        if ends {
            break;
        }
        if t.is_op("(") {
            c.paren_text()?;
        } else {
            c.pos += 1;
        }
    }
    let mut col = ColumnDef {
        name: name.clone(),
        ty: c.text(ty_start, c.pos).to_string(),
        ..ColumnDef::default()
    };
    let mut constraint_name: Option<String> = None;
    loop {
        if c.at_op(",") || c.at_op(")") || c.peek().is_none() {
            break;
        }
        if c.eat_word("constraint") {
            constraint_name = Some(c.name()?);
            continue;
        }
        let cname = constraint_name.take();
        if c.eat_words(&["primary", "key"]) {
            // A descending key is another index order (and, on an
            // `integer` key, no rowid alias): not modeled, so not lost
            // without a word.
            if !c.eat_word("asc") && c.eat_word("desc") {
                def.unmodeled
                    .push(format!("DESC of {name} in the primary key"));
            }
            c.conflict_clause(&mut def.unmodeled, &format!("primary key of {name}"))?;
            if c.eat_word("autoincrement") {
                col.autoincrement = true;
            }
            def.primary_key = Some(KeyDef {
                name: cname,
                columns: vec![name.clone()],
            });
        } else if c.eat_words(&["not", "null"]) {
            col.not_null = true;
            c.conflict_clause(&mut def.unmodeled, &format!("NOT NULL of {name}"))?;
        } else if c.eat_word("null") {
            c.conflict_clause(&mut def.unmodeled, &format!("NULL of {name}"))?;
        } else if c.eat_word("unique") {
            c.conflict_clause(&mut def.unmodeled, &format!("UNIQUE of {name}"))?;
            def.uniques.push(KeyDef {
                name: cname,
                columns: vec![name.clone()],
            });
        } else if c.at_word("check") {
            c.pos += 1;
            let expr = c.paren_text()?;
            def.checks.push((cname, expr.to_string()));
        } else if c.eat_word("default") {
            col.default = Some(default_value(c)?);
        } else if c.eat_word("collate") {
            col.collation = Some(c.name()?);
        } else if c.eat_word("references") {
            let mut fk = fk_clause(c)?;
            fk.name = cname;
            fk.columns = vec![name.clone()];
            def.foreign_keys.push(fk);
        } else if c.at_word("generated") || c.at_word("as") {
            if c.eat_word("generated") {
                c.expect_word("always")?;
            }
            c.expect_word("as")?;
            let expr = c.paren_text()?.to_string();
            let stored = if c.eat_word("stored") {
                true
            } else {
                c.eat_word("virtual");
                false
            };
            col.generated = Some((expr, stored));
        } else {
            return Err(c.unexpected(&format!("a constraint of column {name}")));
        }
    }
    def.columns.push(col);
    Ok(())
}

/// The value after DEFAULT: `( expr )`, a signed number, a literal or a
/// keyword such as CURRENT_TIMESTAMP.
fn default_value(c: &mut Cursor<'_>) -> ParseResult<String> {
    if c.at_op("(") {
        return Ok(c.paren_text()?.to_string());
    }
    let start = c.pos;
    if c.eat_op("+") || c.eat_op("-") {
        match c.next() {
            Some(t) if t.kind == Kind::Number => {}
            _ => return Err(c.unexpected("a number")),
        }
        return Ok(c.text(start, c.pos).to_string());
    }
    match c.next() {
        Some(t) if t.kind != Kind::Op => Ok(t.text.to_string()),
        _ => Err(c.unexpected("a default value")),
    }
}

fn table_constraint(c: &mut Cursor<'_>, def: &mut TableDef) -> ParseResult<()> {
    let name = if c.eat_word("constraint") {
        Some(c.name()?)
    } else {
        None
    };
    if c.eat_words(&["primary", "key"]) {
        let columns = c.key_list(def, "primary key")?;
        c.conflict_clause(&mut def.unmodeled, "primary key")?;
        def.primary_key = Some(KeyDef { name, columns });
    } else if c.eat_word("unique") {
        let columns = c.key_list(def, "unique constraint")?;
        c.conflict_clause(&mut def.unmodeled, "unique constraint")?;
        def.uniques.push(KeyDef { name, columns });
    } else if c.eat_word("check") {
        let expr = c.paren_text()?;
        def.checks.push((name, expr.to_string()));
    } else if c.eat_words(&["foreign", "key"]) {
        let columns = c.name_list()?;
        c.expect_word("references")?;
        let mut fk = fk_clause(c)?;
        fk.name = name;
        fk.columns = columns;
        def.foreign_keys.push(fk);
    } else {
        return Err(c.unexpected("a table constraint"));
    }
    Ok(())
}

/// After REFERENCES: `table [(cols)] [ON DELETE|UPDATE action | MATCH x]…
/// [[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]]`.
fn fk_clause(c: &mut Cursor<'_>) -> ParseResult<FkDef> {
    let mut fk = FkDef {
        name: None,
        columns: Vec::new(),
        ref_table: c.name()?,
        ref_columns: Vec::new(),
        on_delete: FkAction::Unspecified,
        on_update: FkAction::Unspecified,
        deferral: Deferral::NotDeferrable,
        match_type: MatchType::Simple,
    };
    if c.at_op("(") {
        fk.ref_columns = c.name_list()?;
    }
    loop {
        if c.eat_word("on") {
            let delete = if c.eat_word("delete") {
                true
            } else {
                c.expect_word("update")?;
                false
            };
            let action = fk_action(c)?;
            if delete {
                fk.on_delete = action;
            } else {
                fk.on_update = action;
            }
        } else if c.eat_word("match") {
            let m = c.name()?.to_ascii_lowercase();
            fk.match_type = match m.as_str() {
                "full" => MatchType::Full,
                "partial" => MatchType::Partial,
                _ => MatchType::Simple,
            };
        } else if c.eat_words(&["not", "deferrable"]) {
            fk.deferral = Deferral::NotDeferrable;
            if c.eat_word("initially") {
                c.next();
            }
        } else if c.eat_word("deferrable") {
            fk.deferral = Deferral::InitiallyImmediate;
            if c.eat_word("initially") {
                if c.eat_word("deferred") {
                    fk.deferral = Deferral::InitiallyDeferred;
                } else {
                    c.expect_word("immediate")?;
                }
            }
        } else {
            return Ok(fk);
        }
    }
}

fn fk_action(c: &mut Cursor<'_>) -> ParseResult<FkAction> {
    if c.eat_words(&["set", "null"]) {
        Ok(FkAction::SetNull)
    } else if c.eat_words(&["set", "default"]) {
        Ok(FkAction::SetDefault)
    } else if c.eat_word("cascade") {
        Ok(FkAction::Cascade)
    } else if c.eat_word("restrict") {
        Ok(FkAction::Restrict)
    } else if c.eat_words(&["no", "action"]) {
        Ok(FkAction::NoAction)
    } else {
        Err(c.unexpected("a foreign key action"))
    }
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (parts) [WHERE expr]`.
pub fn parse_index(sql: &str) -> ParseResult<IndexDef> {
    let mut c = Cursor::new(sql);
    c.expect_word("create")?;
    let unique = c.eat_word("unique");
    c.expect_word("index")?;
    c.eat_words(&["if", "not", "exists"]);
    let name = c.qualified_name()?;
    c.expect_word("on")?;
    let table = c.name()?;
    let inner = c.paren_text()?;
    let parts = split_top_level(inner)
        .into_iter()
        .map(index_part)
        .collect::<ParseResult<Vec<_>>>()?;
    let predicate = if c.eat_word("where") {
        let start = c.pos;
        c.pos = c.toks.len();
        let text = c.text(start, c.pos).trim_end_matches(';').trim();
        Some(text.to_string())
    } else {
        None
    };
    Ok(IndexDef {
        name,
        table,
        unique,
        parts,
        predicate,
    })
}

/// One `expr [COLLATE name] [ASC|DESC]` of an index.
fn index_part(text: &str) -> ParseResult<IndexPartDef> {
    let toks = tokenize(text);
    let mut end = toks.len();
    let mut desc = false;
    if end > 0 && (toks[end - 1].is_word("asc") || toks[end - 1].is_word("desc")) {
        desc = toks[end - 1].is_word("desc");
        end -= 1;
    }
    let mut collation = None;
    if end >= 2 && toks[end - 2].is_word("collate") {
        collation = Some(toks[end - 1].name());
        end -= 2;
    }
    if end == 0 {
        return Err(format!("empty index part `{text}`"));
    }
    let key = if end == 1 && matches!(toks[0].kind, Kind::Word | Kind::Quoted) {
        Ok(toks[0].name())
    } else {
        Err(text[toks[0].start..toks[end - 1].end].to_string())
    };
    Ok(IndexPartDef {
        key,
        desc,
        collation,
    })
}

/// Splits text at commas outside parentheses.
pub fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for t in tokenize(text) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth = depth.saturating_sub(1);
        } else if t.is_op(",") && depth == 0 {
            parts.push(text[start..t.start].trim());
            start = t.end;
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// `CREATE [TEMP] VIEW [IF NOT EXISTS] name [(cols)] AS select`.
pub fn parse_view(sql: &str) -> ParseResult<ViewDef> {
    let mut c = Cursor::new(sql);
    c.expect_word("create")?;
    let _ = c.eat_word("temp") || c.eat_word("temporary");
    c.expect_word("view")?;
    c.eat_words(&["if", "not", "exists"]);
    let name = c.qualified_name()?;
    let columns = if c.at_op("(") {
        c.name_list()?
    } else {
        Vec::new()
    };
    c.expect_word("as")?;
    let start = c.peek().map(|t| t.start).unwrap_or(sql.len());
    let body = sql[start..].trim().trim_end_matches(';').trim().to_string();
    Ok(ViewDef {
        name,
        columns,
        body,
    })
}

/// `CREATE [TEMP] TRIGGER [IF NOT EXISTS] name [BEFORE|AFTER|INSTEAD OF]
/// event ON table [FOR EACH ROW] [WHEN expr] BEGIN … END`.
pub fn parse_trigger(sql: &str) -> ParseResult<TriggerDef> {
    let mut c = Cursor::new(sql);
    c.expect_word("create")?;
    let _ = c.eat_word("temp") || c.eat_word("temporary");
    c.expect_word("trigger")?;
    c.eat_words(&["if", "not", "exists"]);
    let name = c.qualified_name()?;
    let timing = if c.eat_word("before") {
        "before"
    } else if c.eat_word("after") {
        "after"
    } else if c.eat_words(&["instead", "of"]) {
        "instead of"
    } else {
        // SQLite's default when no timing is written.
        "before"
    };
    let event = if c.eat_word("delete") {
        "delete".to_string()
    } else if c.eat_word("insert") {
        "insert".to_string()
    } else if c.eat_word("update") {
        if c.eat_word("of") {
            let mut cols = vec![c.name()?];
            while c.eat_op(",") {
                cols.push(c.name()?);
            }
            let cols: Vec<String> = cols.iter().map(|n| ident_if_needed(n)).collect();
            format!("update of {}", cols.join(", "))
        } else {
            "update".to_string()
        }
    } else {
        return Err(c.unexpected("DELETE, INSERT or UPDATE"));
    };
    c.expect_word("on")?;
    let table = c.qualified_name()?;
    let for_each_row = c.eat_words(&["for", "each", "row"]);
    let when = if c.eat_word("when") {
        let start = c.pos;
        while c.peek().is_some_and(|t| !t.is_word("begin")) {
            c.pos += 1;
        }
        Some(c.text(start, c.pos).to_string())
    } else {
        None
    };
    let Some(begin) = c.peek().filter(|t| t.is_word("begin")) else {
        return Err(c.unexpected("BEGIN"));
    };
    let body = sql[begin.start..]
        .trim()
        .trim_end_matches(';')
        .trim()
        .to_string();
    Ok(TriggerDef {
        name,
        table,
        timing: timing.to_string(),
        event,
        for_each_row,
        when,
        body,
    })
}

/// `main.t` or `t` as an IR name (SQLite's default namespace is `None`).
pub fn ir_name(name: &str) -> Name {
    Name::new(unquote_if_quoted(name))
}

fn unquote_if_quoted(name: &str) -> String {
    if name.starts_with(['"', '[', '`']) {
        unquote(name)
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_with_everything() {
        let t = parse_table(
            "CREATE TABLE \"t x\"(id INTEGER PRIMARY KEY AUTOINCREMENT, a INT NOT NULL DEFAULT (0), \
             b TEXT DEFAULT 'x' COLLATE nocase, c INT GENERATED ALWAYS AS (a*2) VIRTUAL, \
             d int as (a+1) stored, e DEFAULT -1, f varchar ( 10 ) default (datetime('now')), \
             g references p on delete cascade deferrable initially deferred, \
             CONSTRAINT ck CHECK (a > (0)), UNIQUE(b, a) ON CONFLICT REPLACE, \
             constraint fk foreign key (a, b) references p(x, y) match full on update set null) \
             without rowid, strict",
        )
        .unwrap();
        assert_eq!(t.name, "t x");
        assert_eq!(t.columns.len(), 8);
        assert!(t.columns[0].autoincrement);
        assert_eq!(t.columns[1].default.as_deref(), Some("0"));
        assert_eq!(t.columns[2].collation.as_deref(), Some("nocase"));
        assert_eq!(t.columns[3].generated, Some(("a*2".into(), false)));
        assert_eq!(t.columns[4].generated, Some(("a+1".into(), true)));
        assert_eq!(t.columns[5].default.as_deref(), Some("-1"));
        assert_eq!(t.columns[6].ty, "varchar ( 10 )");
        assert_eq!(t.checks, vec![(Some("ck".into()), "a > (0)".into())]);
        assert_eq!(t.uniques[0].columns, vec!["b", "a"]);
        assert_eq!(t.foreign_keys.len(), 2);
        assert_eq!(t.foreign_keys[0].deferral, Deferral::InitiallyDeferred);
        assert_eq!(t.foreign_keys[1].match_type, MatchType::Full);
        assert_eq!(t.foreign_keys[1].on_update, FkAction::SetNull);
        assert!(t.without_rowid && t.strict);
        assert_eq!(t.unmodeled.len(), 1);
    }

    #[test]
    fn index_parts() {
        let i = parse_index(
            "CREATE UNIQUE INDEX ix on t(lower(b) desc, \"a\" COLLATE nocase, c) where a > 1",
        )
        .unwrap();
        assert!(i.unique);
        assert_eq!(i.parts[0].key, Err("lower(b)".into()));
        assert!(i.parts[0].desc);
        assert_eq!(i.parts[1].key, Ok("a".into()));
        assert_eq!(i.parts[1].collation.as_deref(), Some("nocase"));
        assert_eq!(i.predicate.as_deref(), Some("a > 1"));
    }

    #[test]
    fn trigger_and_view() {
        let t = parse_trigger(
            "CREATE TRIGGER tr AFTER UPDATE OF a, \"b c\" ON t FOR EACH ROW WHEN new.a > 1 BEGIN UPDATE x SET y = 1; END",
        )
        .unwrap();
        assert_eq!(t.event, "update of a, \"b c\"");
        assert_eq!(t.when.as_deref(), Some("new.a > 1"));
        assert_eq!(t.body, "BEGIN UPDATE x SET y = 1; END");
        let v = parse_view("CREATE VIEW v (a, b) AS select 1, 2;").unwrap();
        assert_eq!(v.columns, vec!["a", "b"]);
        assert_eq!(v.body, "select 1, 2");
    }

    #[test]
    fn errors_are_messages() {
        assert!(parse_table("CREATE TABLE t (a int").is_err());
        assert!(parse_table("CREATE TABLE t AS SELECT 1").is_err());
        assert!(parse_index("CREATE INDEX i ON t").is_err());
    }
}
