//! Canonical form of a MySQL/MariaDB schema. Both sides of a diff pass
//! through [`schema`], so a file and the database it was applied to
//! compare equal. The rules are listed in docs/mysql.md; in short:
//!
//! - types: [`super::types::canonical`];
//! - defaults: literals as the catalog prints them (`'x'`, `0.00`, `1`),
//!   `NULL` on a nullable column is no default, `now()` and every
//!   `CURRENT_TIMESTAMP` spelling is `current_timestamp()`;
//! - expressions (checks, generated columns, index expressions): lowercase
//!   keywords, column names backticked, no redundant outer parentheses,
//!   one spacing;
//! - names the server would generate are filled in (FK `<table>_ibfk_N`,
//!   unique and plain index after their first column, check
//!   `<table>_chk_N`), the primary key has no name (it is always
//!   `PRIMARY`), and the index InnoDB adds for a foreign key is made
//!   explicit;
//! - a unique index over plain columns is a unique constraint: MySQL has
//!   no difference between the two;
//! - table options: `engine = InnoDB` (the default) dropped, `charset`
//!   dropped when `collate` says it, `auto_increment` (a counter, not
//!   structure) dropped.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    Column, FkAction, ForeignKey, Index, IndexKey, IndexPart, Name, Schema, Table, Unique,
};

use super::types;

pub fn schema(s: &Schema) -> Schema {
    // Hints (`renamed_from`) stay: the differ reads them from the
    // normalized desired side.
    let mut out = s.clone();
    out.dialect = Some(crate::ir::DialectKind::Mysql);
    let pks: BTreeMap<Name, Vec<String>> = out
        .tables
        .iter()
        .filter_map(|(n, t)| {
            t.primary_key
                .as_ref()
                .map(|p| (n.clone(), p.columns.clone()))
        })
        .collect();
    for t in out.tables.values_mut() {
        table(t, &pks);
    }
    for v in out.views.values_mut() {
        v.body = view_body(&v.body);
        v.comment = v.comment.take().filter(|c| !c.is_empty());
    }
    let triggers = std::mem::take(&mut out.triggers);
    for ((tname, name), mut tr) in triggers {
        tr.timing = tr.timing.trim().to_ascii_lowercase();
        tr.events = tr
            .events
            .iter()
            .map(|e| e.trim().to_ascii_lowercase())
            .collect();
        tr.for_each_row = true;
        tr.when = None;
        tr.body = tr.body.trim().trim_end_matches(';').trim().to_string();
        out.triggers.insert((tname, name), tr);
    }
    out
}

pub fn table(t: &mut Table, pks: &BTreeMap<Name, Vec<String>>) {
    let column_names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let options = std::mem::take(&mut t.options);
    t.options = table_options(options, &mut t.comment);
    t.comment = t.comment.take().filter(|c| !c.is_empty());

    // The partitioning clause is compared in one spelling, as
    // expressions are; a `partition of` has no MySQL meaning and is left
    // for the emitter to refuse.
    if let Some(crate::ir::Partitioning::By { by }) = &mut t.partition {
        let clause = by.as_str().trim();
        let clause = clause
            .strip_prefix("partition by ")
            .or_else(|| clause.strip_prefix("PARTITION BY "))
            .unwrap_or(clause);
        *by = crate::ir::Expr(expr(clause, &column_names));
    }
    let table_charset = t.options.get("charset").cloned();
    let table_collate = t.options.get("collate").cloned();
    let pk_cols: BTreeSet<String> = t
        .primary_key
        .as_ref()
        .map(|p| p.columns.iter().cloned().collect())
        .unwrap_or_default();
    for c in &mut t.columns {
        column(c, &column_names);
        if pk_cols.contains(&c.name) {
            c.nullable = false;
        }
        if c.collation.is_some() && c.collation == table_collate {
            c.collation = None;
            c.charset = None;
        }
        if c.collation.is_none() && c.charset.is_some() && c.charset == table_charset {
            c.charset = None;
        }
    }
    if let Some(pk) = &mut t.primary_key {
        pk.name = None;
    }

    // Unique indexes over plain columns are unique constraints.
    let mut indexes = Vec::new();
    for ix in std::mem::take(&mut t.indexes) {
        let plain = ix.unique
            && ix.comment.is_none()
            && ix.predicate.is_none()
            && matches!(ix.method.as_deref(), None | Some("btree") | Some("hash"))
            && ix
                .parts
                .iter()
                .all(|p| matches!(p.key, IndexKey::Column(_)) && !p.desc && p.length.is_none());
        if plain {
            t.uniques.push(Unique {
                name: ix.name,
                columns: ix
                    .parts
                    .into_iter()
                    .filter_map(|p| match p.key {
                        IndexKey::Column(c) => Some(c),
                        IndexKey::Expr(_) => None,
                    })
                    .collect(),
                nulls_not_distinct: false,
                deferral: Default::default(),
                renamed_from: ix.renamed_from,
            });
        } else {
            indexes.push(ix);
        }
    }
    t.indexes = indexes;

    // Generated names, in the order the server hands them out.
    let mut taken: BTreeSet<String> = t
        .uniques
        .iter()
        .filter_map(|u| u.name.clone())
        .chain(t.indexes.iter().filter_map(|i| i.name.clone()))
        .map(|n| n.to_ascii_lowercase())
        .collect();
    taken.insert("primary".into());
    for u in &mut t.uniques {
        u.deferral = Default::default();
        u.nulls_not_distinct = false;
        if u.name.is_none() {
            let first = u.columns.first().cloned().unwrap_or_else(|| "key".into());
            u.name = Some(fresh(&first, &mut taken));
        }
    }
    for ix in &mut t.indexes {
        index(ix, &column_names);
        if ix.name.is_none() {
            let first = match ix.parts.first().map(|p| &p.key) {
                Some(IndexKey::Column(c)) => c.clone(),
                _ => "functional_index".into(),
            };
            ix.name = Some(fresh(&first, &mut taken));
        }
    }

    let mut fk_taken: BTreeSet<String> = t
        .foreign_keys
        .iter()
        .filter_map(|f| f.name.clone())
        .collect();
    let mut n = 0;
    let mut implicit: Vec<Index> = Vec::new();
    for fk in &mut t.foreign_keys {
        let generated = fk.name.is_none();
        if generated {
            loop {
                n += 1;
                let cand = format!("{}_ibfk_{n}", t.name.name);
                if fk_taken.insert(cand.clone()) {
                    fk.name = Some(cand);
                    break;
                }
            }
        }
        foreign_key(fk, pks);
        // InnoDB adds an index for a foreign key that no index starts
        // with; it is named after the constraint, or after the first
        // column when the constraint had no name.
        let covered = t
            .primary_key
            .iter()
            .map(|p| p.columns.clone())
            .chain(t.uniques.iter().map(|u| u.columns.clone()))
            .chain(t.indexes.iter().chain(implicit.iter()).map(plain_columns))
            .any(|cols| {
                cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
            });
        if !covered && !fk.columns.is_empty() {
            let base = if generated {
                fk.columns[0].clone()
            } else {
                fk.name.clone().unwrap_or_default()
            };
            let name = fresh(&base, &mut taken);
            implicit.push(Index {
                name: Some(name),
                parts: fk
                    .columns
                    .iter()
                    .map(|c| IndexPart {
                        key: IndexKey::Column(c.clone()),
                        desc: false,
                        nulls_first: None,
                        collation: None,
                        opclass: None,
                        length: None,
                    })
                    .collect(),
                unique: false,
                method: None,
                include: Vec::new(),
                predicate: None,
                nulls_not_distinct: false,
                comment: None,
                renamed_from: None,
            });
        }
    }
    t.indexes.extend(implicit);

    let mut n = 0;
    let mut chk_taken: BTreeSet<String> = t.checks.iter().filter_map(|c| c.name.clone()).collect();
    for c in &mut t.checks {
        c.expr = crate::ir::Expr(expr(c.expr.as_str(), &column_names));
        c.not_valid = false;
        if c.name.is_none() {
            loop {
                n += 1;
                let cand = format!("{}_chk_{n}", t.name.name);
                if chk_taken.insert(cand.clone()) {
                    c.name = Some(cand);
                    break;
                }
            }
        }
    }

    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
}

fn plain_columns(ix: &Index) -> Vec<String> {
    let mut cols = Vec::new();
    for p in &ix.parts {
        match &p.key {
            IndexKey::Column(c) if p.length.is_none() => cols.push(c.clone()),
            _ => break,
        }
    }
    if matches!(ix.method.as_deref(), Some("fulltext") | Some("spatial")) {
        cols.clear();
    }
    cols
}

/// `base`, or `base_2`, `base_3`, … — the first one not taken (compared
/// case-insensitively, as the server does for index names).
fn fresh(base: &str, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(base.to_ascii_lowercase()) {
        return base.to_string();
    }
    let mut n = 2;
    loop {
        let cand = format!("{base}_{n}");
        if taken.insert(cand.to_ascii_lowercase()) {
            return cand;
        }
        n += 1;
    }
}

fn table_options(
    options: BTreeMap<String, String>,
    comment: &mut Option<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in options {
        let key = k.trim().to_ascii_lowercase().replace(' ', "_");
        let v = v.trim().trim_matches('\'').to_string();
        match key.as_str() {
            "engine" | "type" => {
                if !v.eq_ignore_ascii_case("innodb") {
                    out.insert("engine".into(), v);
                }
            }
            "charset" | "character_set" | "default_charset" | "default_character_set" => {
                out.insert("charset".into(), charset(&v));
            }
            "collate" | "collation" | "default_collate" => {
                out.insert("collate".into(), collation(&v));
            }
            "comment" => {
                if comment.is_none() {
                    *comment = Some(v);
                }
            }
            "auto_increment" => {}
            "row_format" => {
                let v = v.to_ascii_lowercase();
                if v != "default" {
                    out.insert(key, v);
                }
            }
            _ => {
                out.insert(key, v);
            }
        }
    }
    if let Some(coll) = out.get("collate") {
        if out
            .get("charset")
            .is_some_and(|cs| coll.starts_with(&format!("{cs}_")))
        {
            out.remove("charset");
        }
    }
    out
}

/// `utf8` is `utf8mb3` on both servers today; they print the new name.
pub fn charset(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    if s == "utf8" {
        "utf8mb3".into()
    } else {
        s
    }
}

pub fn collation(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    match s.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => s,
    }
}

pub fn column(c: &mut Column, columns: &[String]) {
    c.ty = crate::ir::Type(types::canonical(c.ty.as_str()));
    let ty = c.ty.as_str().to_string();
    if !types::is_textual(&ty) || types::base(&ty) == "json" {
        c.charset = None;
        c.collation = None;
    }
    c.charset = c.charset.as_deref().map(charset);
    c.collation = c.collation.as_deref().map(collation);
    if let Some(coll) = &c.collation {
        if c.charset
            .as_ref()
            .is_none_or(|cs| coll.starts_with(&format!("{cs}_")))
        {
            c.charset = None;
        }
    }
    if c.identity.is_some() {
        c.identity = Some(crate::ir::Identity::AutoIncrement);
    }
    c.comment = c.comment.take().filter(|s| !s.is_empty());
    c.using = None;
    if let Some(g) = &mut c.generated {
        g.expr = crate::ir::Expr(expr(g.expr.as_str(), columns));
    }
    c.default = c
        .default
        .take()
        .and_then(|d| default(d.as_str(), &ty, columns))
        .map(crate::ir::Expr);
    if c.generated.is_some() || c.identity.is_some() {
        c.default = None;
    }
    c.on_update = c
        .on_update
        .take()
        .map(|e| crate::ir::Expr(expr(e.as_str(), columns)));
}

fn index(ix: &mut Index, columns: &[String]) {
    ix.method = ix
        .method
        .take()
        .map(|m| m.to_ascii_lowercase())
        .filter(|m| m != "btree" && m != "hash");
    ix.comment = ix.comment.take().filter(|c| !c.is_empty());
    ix.include.clear();
    ix.predicate = None;
    ix.nulls_not_distinct = false;
    let fulltext = matches!(ix.method.as_deref(), Some("fulltext") | Some("spatial"));
    for p in &mut ix.parts {
        p.nulls_first = None;
        p.collation = None;
        p.opclass = None;
        if fulltext {
            p.desc = false;
            p.length = None;
        }
        if let IndexKey::Expr(e) = &p.key {
            let e = expr(e.as_str(), columns);
            // `(col)` written as an expression is the column itself.
            p.key = match columns.iter().find(|c| format!("`{c}`") == e) {
                Some(c) => IndexKey::Column(c.clone()),
                None => IndexKey::Expr(crate::ir::Expr(e)),
            };
        }
    }
}

fn foreign_key(fk: &mut ForeignKey, pks: &BTreeMap<Name, Vec<String>>) {
    // InnoDB treats RESTRICT and NO ACTION alike; MariaDB prints RESTRICT
    // for an unspecified action, MySQL NO ACTION.
    for a in [&mut fk.on_delete, &mut fk.on_update] {
        if *a == FkAction::Restrict {
            *a = FkAction::NoAction;
        }
    }
    fk.deferral = Default::default();
    fk.match_type = Default::default();
    fk.not_valid = false;
    if fk.ref_columns.is_empty() {
        if let Some(cols) = pks.get(&fk.ref_table) {
            fk.ref_columns = cols.clone();
        }
    }
}

/// A view body in one spelling, so that what a file says and what the
/// server stores (`select `t`.`a` AS `a` from `t``) compare equal, and
/// the text stays valid SQL (it is what CREATE VIEW runs):
/// - identifiers lose their backticks unless they need them (reserved
///   words, odd characters); keywords and function names are lowercased,
///   other names keep their case;
/// - `inner join` is `join`, `left outer join` is `left join`, `as`
///   before a table alias is dropped;
/// - parentheses the server adds around the FROM clause and a join
///   condition are dropped;
/// - `t.a AS a` is `t.a`;
/// - in a query over one table, without subqueries, columns are not
///   qualified with it.
pub fn view_body(body: &str) -> String {
    let body = body.trim().trim_end_matches(';').trim();
    let mut toks = tokenize(body);
    for t in &mut toks {
        if t.kind == Kind::Quoted && simple_ident(&t.text) && !is_reserved(&t.text) {
            t.kind = Kind::Word;
        }
    }
    let n = toks.len();
    for i in 0..n {
        if toks[i].kind != Kind::Word {
            continue;
        }
        let call = toks
            .get(i + 1)
            .is_some_and(|x| x.kind == Kind::Punct && x.text == "(");
        let lower = toks[i].text.to_ascii_lowercase();
        if is_keyword(&lower) || call {
            toks[i].text = match lower.as_str() {
                "octet_length" => "length".into(),
                "lcase" => "lower".into(),
                "ucase" => "upper".into(),
                "substr" => "substring".into(),
                _ => lower,
            };
        }
    }
    let is_kw = |t: &Token, w: &str| t.kind == Kind::Word && t.text == w;
    // Join spellings.
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if is_kw(t, "inner") && toks.get(i + 1).is_some_and(|x| is_kw(x, "join")) {
            i += 1;
            continue;
        }
        if is_kw(t, "outer")
            && out
                .last()
                .is_some_and(|x| is_kw(x, "left") || is_kw(x, "right"))
        {
            i += 1;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    let mut toks = out;
    drop_wrapping_parens(&mut toks, "from");
    drop_wrapping_parens(&mut toks, "on");
    // `as` before a table alias, inside FROM (up to WHERE and the like).
    let mut in_from = false;
    let mut depth = 0i32;
    let mut keep = vec![true; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        match (t.kind, t.text.as_str()) {
            (Kind::Punct, "(") => depth += 1,
            (Kind::Punct, ")") => depth -= 1,
            (Kind::Word, "from") if depth == 0 => in_from = true,
            (Kind::Word, "where" | "group" | "order" | "having" | "limit" | "union")
                if depth == 0 =>
            {
                in_from = false
            }
            (Kind::Word, "as") if in_from && depth == 0 => {
                let prev_ident = i > 0 && matches!(toks[i - 1].kind, Kind::Word | Kind::Quoted);
                if prev_ident {
                    keep[i] = false;
                }
            }
            _ => {}
        }
    }
    let mut toks: Vec<Token> = toks
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect();
    // `x.y as y` and `y as y`.
    let mut i = 0;
    while i + 2 < toks.len() {
        let same = is_kw(&toks[i + 1], "as")
            && matches!(toks[i].kind, Kind::Word | Kind::Quoted)
            && matches!(toks[i + 2].kind, Kind::Word | Kind::Quoted)
            && toks[i].text.eq_ignore_ascii_case(&toks[i + 2].text)
            && toks
                .get(i + 3)
                .is_none_or(|x| (x.kind == Kind::Punct && x.text == ",") || is_kw(x, "from"));
        if same {
            toks.drain(i + 1..i + 3);
        } else {
            i += 1;
        }
    }
    unqualify_single_table(&mut toks);
    render_spaced(&toks, true)
}

fn simple_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Words that cannot be bare identifiers (a subset of MySQL's reserved
/// words: the ones a column or table is likely to be called).
fn is_reserved(w: &str) -> bool {
    is_keyword(&w.to_ascii_lowercase())
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "select"
            | "from"
            | "where"
            | "and"
            | "or"
            | "not"
            | "as"
            | "on"
            | "join"
            | "inner"
            | "left"
            | "right"
            | "outer"
            | "cross"
            | "natural"
            | "using"
            | "group"
            | "by"
            | "order"
            | "having"
            | "limit"
            | "offset"
            | "union"
            | "all"
            | "distinct"
            | "distinctrow"
            | "case"
            | "when"
            | "then"
            | "else"
            | "end"
            | "is"
            | "null"
            | "in"
            | "exists"
            | "between"
            | "like"
            | "regexp"
            | "rlike"
            | "escape"
            | "asc"
            | "desc"
            | "true"
            | "false"
            | "div"
            | "mod"
            | "xor"
            | "with"
            | "recursive"
            | "over"
            | "partition"
            | "window"
            | "rows"
            | "range"
            | "unbounded"
            | "preceding"
            | "following"
            | "current"
            | "row"
            | "interval"
            | "day"
            | "hour"
            | "minute"
            | "second"
            | "week"
            | "month"
            | "quarter"
            | "year"
            | "microsecond"
            | "binary"
            | "collate"
            | "for"
            | "update"
            | "key"
            | "keys"
            | "index"
            | "table"
            | "column"
            | "default"
            | "check"
            | "constraint"
            | "primary"
            | "foreign"
            | "references"
            | "values"
            | "set"
            | "into"
            | "insert"
            | "delete"
            | "rank"
            | "straight_join"
            | "unsigned"
            | "signed"
            | "char"
            | "integer"
            | "decimal"
            | "any"
            | "some"
            | "separator"
            | "if"
            | "sounds"
            | "current_timestamp"
            | "current_date"
            | "current_time"
            | "localtime"
            | "localtimestamp"
    )
}

/// Drops a parenthesis pair right after `kw` when it encloses everything
/// up to the next clause (or the end, or the enclosing parenthesis).
fn drop_wrapping_parens(toks: &mut Vec<Token>, kw: &str) {
    let mut i = 0;
    while i + 1 < toks.len() {
        let opens = toks[i].kind == Kind::Word
            && toks[i].text == kw
            && toks[i + 1].kind == Kind::Punct
            && toks[i + 1].text == "(";
        let subquery = toks
            .get(i + 2)
            .is_some_and(|t| t.kind == Kind::Word && t.text == "select");
        if opens && !subquery {
            let mut depth = 0i32;
            let mut close = None;
            for (j, t) in toks.iter().enumerate().skip(i + 1) {
                if t.kind != Kind::Punct {
                    continue;
                }
                if t.text == "(" {
                    depth += 1;
                } else if t.text == ")" {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
            }
            if let Some(j) = close {
                let boundary = match toks.get(j + 1) {
                    None => true,
                    Some(t) if t.kind == Kind::Punct => t.text == ")",
                    Some(t) => matches!(
                        t.text.as_str(),
                        "where"
                            | "group"
                            | "order"
                            | "having"
                            | "limit"
                            | "union"
                            | "join"
                            | "left"
                            | "right"
                            | "inner"
                            | "cross"
                            | "natural"
                            | "straight_join"
                    ),
                };
                if boundary {
                    toks.remove(j);
                    toks.remove(i + 1);
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// In `select … from t [alias] …` over one table and no subquery, `t.x`
/// (or `alias.x`) is `x`.
fn unqualify_single_table(toks: &mut Vec<Token>) {
    let selects = toks
        .iter()
        .filter(|t| t.kind == Kind::Word && t.text == "select")
        .count();
    if selects != 1 {
        return;
    }
    let Some(from) = toks
        .iter()
        .position(|t| t.kind == Kind::Word && t.text == "from")
    else {
        return;
    };
    let end = toks[from + 1..]
        .iter()
        .position(|t| {
            t.kind == Kind::Word
                && matches!(
                    t.text.as_str(),
                    "where" | "group" | "order" | "having" | "limit"
                )
        })
        .map(|p| p + from + 1)
        .unwrap_or(toks.len());
    let refs = &toks[from + 1..end];
    let names: Vec<String> = match refs {
        [t] if matches!(t.kind, Kind::Word | Kind::Quoted) => vec![t.text.clone()],
        [t, a]
            if matches!(t.kind, Kind::Word | Kind::Quoted)
                && matches!(a.kind, Kind::Word | Kind::Quoted) =>
        {
            vec![t.text.clone(), a.text.clone()]
        }
        _ => return,
    };
    let mut i = 0;
    while i + 2 < toks.len() {
        let qualified = matches!(toks[i].kind, Kind::Word | Kind::Quoted)
            && names.contains(&toks[i].text)
            && toks[i + 1].kind == Kind::Punct
            && toks[i + 1].text == "."
            && matches!(toks[i + 2].kind, Kind::Word | Kind::Quoted)
            && (i == 0 || !(toks[i - 1].kind == Kind::Punct && toks[i - 1].text == "."));
        if qualified && (i < from || i > end) {
            toks.drain(i..i + 2);
        } else {
            i += 1;
        }
    }
}

/// The canonical spelling of a column default.
pub fn default(d: &str, ty: &str, columns: &[String]) -> Option<String> {
    let mut d = d.trim();
    while d.starts_with('(') && wrapped(d) {
        d = d[1..d.len() - 1].trim();
    }
    if d.is_empty() || d.eq_ignore_ascii_case("null") {
        return None;
    }
    let numeric = types::is_numeric(ty);
    let lower = d.to_ascii_lowercase();
    if lower == "true" || lower == "false" {
        let v = if lower == "true" { "1" } else { "0" };
        return Some(if numeric { v.into() } else { format!("'{v}'") });
    }
    if let Some(s) = string_literal(d) {
        if numeric {
            if let Some(n) = number(&s, ty) {
                return Some(n);
            }
        }
        return Some(format!("'{}'", s.replace('\'', "''")));
    }
    if looks_numeric(d) {
        return Some(if numeric {
            number(d, ty).unwrap_or_else(|| d.to_string())
        } else {
            format!("'{d}'")
        });
    }
    if (lower.starts_with("b'") || lower.starts_with("x'")) && d.ends_with('\'') {
        return Some(format!("{}{}", &lower[..1], &d[1..]));
    }
    Some(expr(d, columns))
}

fn looks_numeric(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '-')
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// A numeric literal as the catalog prints it for the type.
fn number(s: &str, ty: &str) -> Option<String> {
    let s = s.trim();
    if !looks_numeric(s) {
        return None;
    }
    if let Some(scale) = types::decimal_scale(ty) {
        let v: f64 = s.parse().ok()?;
        return Some(format!("{v:.scale$}"));
    }
    if types::is_integer(ty) {
        if let Ok(v) = s.parse::<i128>() {
            return Some(v.to_string());
        }
        let v: f64 = s.parse().ok()?;
        return Some(format!("{}", v.round() as i128));
    }
    let v: f64 = s.parse().ok()?;
    Some(format!("{v}"))
}

/// The text of a single string literal that is the whole of `s`.
fn string_literal(s: &str) -> Option<String> {
    let s = s.trim();
    // A charset introducer (`_utf8mb4'x'`) as MySQL prints it.
    let s = match s.strip_prefix('_') {
        Some(rest) => match rest.find(['\'', '"']) {
            Some(i) if rest[..i].chars().all(|c| c.is_ascii_alphanumeric()) => &rest[i..],
            _ => s,
        },
        None => s,
    };
    let q = s.chars().next()?;
    if q != '\'' && q != '"' {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            out.push(match chars[i + 1] {
                'n' => '\n',
                't' => '\t',
                '0' => '\0',
                other => other,
            });
            i += 2;
            continue;
        }
        if c == q {
            if chars.get(i + 1) == Some(&q) {
                out.push(q);
                i += 2;
                continue;
            }
            return if i == chars.len() - 1 {
                Some(out)
            } else {
                None
            };
        }
        out.push(c);
        i += 1;
    }
    None
}

/// Whether the parenthesis opening `s` closes at its very end.
fn wrapped(s: &str) -> bool {
    let toks = tokenize(s);
    if toks.first().map(|t| t.text.as_str()) != Some("(") {
        return false;
    }
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t.text.as_str() {
            "(" if t.kind == Kind::Punct => depth += 1,
            ")" if t.kind == Kind::Punct => {
                depth -= 1;
                if depth == 0 {
                    return i == toks.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Quoted,
    String,
    Number,
    Punct,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
}

fn tokenize(s: &str) -> Vec<Token> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\\' && c != '`' {
                    i += 2;
                    continue;
                }
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let end = (i + 1).min(chars.len());
            let text: String = chars[start..end].iter().collect();
            i = end;
            if c == '`' {
                let inner = text
                    .trim_start_matches('`')
                    .trim_end_matches('`')
                    .replace("``", "`");
                out.push(Token {
                    kind: Kind::Quoted,
                    text: inner,
                });
            } else {
                // Drop a charset introducer just before a string.
                if let Some(last) = out.last() {
                    let last: &Token = last;
                    if last.kind == Kind::Word && last.text.starts_with('_') {
                        out.pop();
                    }
                }
                let text = match string_literal(&text) {
                    Some(v) => format!("'{}'", v.replace('\'', "''")),
                    None => text,
                };
                out.push(Token {
                    kind: Kind::String,
                    text,
                });
            }
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Number,
                text: chars[start..i].iter().collect(),
            });
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' || c == '@' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '@'))
            {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Word,
                text: chars[start..i].iter().collect(),
            });
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let three: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let op = if three == "<=>" {
            three
        } else if matches!(
            two.as_str(),
            "<=" | ">=" | "<>" | "!=" | "||" | "&&" | "<<" | ">>" | ":=" | "->"
        ) {
            two
        } else {
            c.to_string()
        };
        i += op.chars().count();
        out.push(Token {
            kind: Kind::Punct,
            text: op,
        });
    }
    out
}

/// The canonical spelling of an SQL expression (see the module docs).
pub fn expr(s: &str, columns: &[String]) -> String {
    let mut toks = tokenize(s);
    // Redundant outer parentheses.
    loop {
        let text: String = render(&toks);
        if toks.len() >= 2 && wrapped(&text) {
            toks = toks[1..toks.len() - 1].to_vec();
        } else {
            break;
        }
    }
    let mut out: Vec<Token> = Vec::new();
    let n = toks.len();
    for i in 0..n {
        let t = &toks[i];
        let next_is_paren = toks
            .get(i + 1)
            .is_some_and(|n| n.text == "(" && n.kind == Kind::Punct);
        match t.kind {
            Kind::Word | Kind::Quoted => {
                let column = columns
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(&t.text))
                    .filter(|_| !next_is_paren);
                if let Some(c) = column {
                    out.push(Token {
                        kind: Kind::Quoted,
                        text: c.clone(),
                    });
                } else if t.kind == Kind::Quoted {
                    out.push(t.clone());
                } else {
                    let lower = t.text.to_ascii_lowercase();
                    let word = match lower.as_str() {
                        "octet_length" => "length",
                        "lcase" => "lower",
                        "ucase" => "upper",
                        "substr" => "substring",
                        "now" | "localtime" | "localtimestamp" => "current_timestamp",
                        other => other,
                    };
                    out.push(Token {
                        kind: Kind::Word,
                        text: word.to_string(),
                    });
                    if word == "current_timestamp" && !next_is_paren {
                        out.push(Token {
                            kind: Kind::Punct,
                            text: "(".into(),
                        });
                        out.push(Token {
                            kind: Kind::Punct,
                            text: ")".into(),
                        });
                    }
                }
            }
            _ => out.push(t.clone()),
        }
    }
    render(&out)
}

/// Words after which `(` opens a list or a sub-expression, not a call.
fn is_operator_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "in" | "and"
            | "or"
            | "not"
            | "is"
            | "like"
            | "between"
            | "then"
            | "else"
            | "when"
            | "case"
            | "as"
            | "exists"
            | "any"
            | "all"
            | "some"
            | "xor"
            | "div"
            | "mod"
            | "regexp"
            | "rlike"
            | "on"
            | "select"
            | "from"
            | "where"
            | "by"
            | "using"
    )
}

fn render(toks: &[Token]) -> String {
    render_spaced(toks, false)
}

/// `comma_space`: a space after each comma, as people write view bodies
/// (expressions keep the catalog's `('a','b')`).
fn render_spaced(toks: &[Token], comma_space: bool) -> String {
    let mut s = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            let prev = &toks[i - 1];
            let no_space = (prev.kind == Kind::Punct && prev.text == "(")
                || (t.kind == Kind::Punct && (t.text == ")" || t.text == ","))
                || (prev.kind == Kind::Punct && prev.text == "," && !comma_space)
                || (t.kind == Kind::Punct
                    && t.text == "("
                    && prev.kind == Kind::Word
                    && !is_operator_word(&prev.text))
                || (prev.kind == Kind::Punct && prev.text == ".")
                || (t.kind == Kind::Punct && t.text == ".");
            // A sign right after an operator, `(` or `,` is unary.
            let unary_sign = i >= 2
                && prev.kind == Kind::Punct
                && (prev.text == "-" || prev.text == "+")
                && matches!(toks[i - 2].kind, Kind::Punct)
                && toks[i - 2].text != ")";
            let unary_first =
                i == 1 && prev.kind == Kind::Punct && (prev.text == "-" || prev.text == "+");
            if !no_space && !unary_sign && !unary_first {
                s.push(' ');
            }
        }
        match t.kind {
            Kind::Quoted => {
                s.push('`');
                s.push_str(&t.text.replace('`', "``"));
                s.push('`');
            }
            _ => s.push_str(&t.text),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<String> {
        vec!["A".into(), "b".into()]
    }

    #[test]
    fn expressions_compare_by_meaning_of_spelling() {
        let a = expr("(a IS NOT NULL AND B IN ('X', 'y'))", &cols());
        let b = expr("`A` is not null and `b` in ('X','y')", &cols());
        assert_eq!(a, b);
        assert_eq!(a, "`A` is not null and `b` in ('X','y')");
        assert_eq!(
            expr("LENGTH(b) > 2", &cols()),
            expr("octet_length(`b`) > 2", &cols())
        );
        assert_eq!(expr("CURRENT_TIMESTAMP", &[]), "current_timestamp()");
        assert_eq!(expr("now()", &[]), "current_timestamp()");
        assert_eq!(expr("(a) + (b)", &cols()), "(`A`) + (`b`)");
    }

    #[test]
    fn view_bodies_compare_with_the_server_spelling() {
        let server = "select `o`.`id` AS `id`,`c`.`email` AS `email`,`o`.`total` AS `total` from (`orders` `o` join `customers` `c` on(`c`.`id` = `o`.`customer_id`))";
        let file = "select o.id, c.email, o.total\nfrom orders o\njoin customers c on c.id = o.customer_id";
        assert_eq!(view_body(server), view_body(file));
        assert_eq!(
            view_body(file),
            "select o.id, c.email, o.total from orders o join customers c on c.id = o.customer_id"
        );
        let server = "select `t`.`id` AS `id`,`t`.`a` + 1 AS `x` from `t` where `t`.`a` > 0";
        let file = "SELECT id, a+1 AS x FROM t WHERE a > 0;";
        assert_eq!(view_body(server), view_body(file));
        assert_eq!(
            view_body("select `order` from `t`"),
            "select `order` from t"
        );
        assert_eq!(
            view_body("select a.x from a inner join b as bb on (a.id = bb.id)"),
            "select a.x from a join b bb on a.id = bb.id"
        );
    }

    #[test]
    fn defaults_as_the_catalog_prints_them() {
        assert_eq!(default("0", "decimal(10,2)", &[]), Some("0.00".into()));
        assert_eq!(default("'5'", "int", &[]), Some("5".into()));
        assert_eq!(default("NULL", "int", &[]), None);
        assert_eq!(
            default("'it''s'", "varchar(3)", &[]),
            Some("'it''s'".into())
        );
        assert_eq!(default("\"x\"", "varchar(3)", &[]), Some("'x'".into()));
        assert_eq!(default("true", "tinyint(1)", &[]), Some("1".into()));
        assert_eq!(
            default("(uuid())", "varchar(36)", &[]),
            Some("uuid()".into())
        );
        assert_eq!(
            default("CURRENT_TIMESTAMP", "timestamp", &[]),
            Some("current_timestamp()".into())
        );
        assert_eq!(default("1.5", "double", &[]), Some("1.5".into()));
        assert_eq!(default("B'101'", "bit(3)", &[]), Some("b'101'".into()));
        assert_eq!(default("0", "varchar(3)", &[]), Some("'0'".into()));
    }
}
