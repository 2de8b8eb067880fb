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

use super::expr::{expr, string_literal, view_body, wrapped};
use super::quote::{ident, string};
use super::types;

pub fn schema(s: &Schema) -> Schema {
    schema_owned(s.clone())
}

/// [`schema`] rewriting `out` itself.
pub fn schema_owned(mut out: Schema) -> Schema {
    // Hints (`renamed_from`) stay: the differ reads them from the
    // normalized desired side.
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
        v.options = view_options(&v.options);
    }
    let functions = std::mem::take(&mut out.functions);
    for (_, mut f) in functions {
        super::routines::normalize(&mut f);
        out.functions.insert(f.key(), f);
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
        // The server keeps a mode as its flags, uppercase, comma-separated.
        tr.options = std::mem::take(&mut tr.options)
            .into_iter()
            .map(|(k, v)| match k.to_ascii_lowercase().as_str() {
                "sql_mode" => (
                    "sql_mode".to_string(),
                    v.to_ascii_uppercase().replace(' ', ""),
                ),
                "character_set_client" => ("character_set_client".to_string(), charset(&v)),
                "collation_connection" => ("collation_connection".to_string(), collation(&v)),
                other => (other.to_string(), v),
            })
            .collect();
        out.triggers.insert((tname, name), tr);
    }
    for e in out.events.values_mut() {
        super::events::normalize(e);
    }
    for s in out.sequences.values_mut() {
        super::sequences::normalize(s);
    }
    out
}

pub fn table(t: &mut Table, pks: &BTreeMap<Name, Vec<String>>) {
    let column_names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let options = std::mem::take(&mut t.options);
    t.options = table_options(options, &mut t.comment);
    t.comment = t.comment.take().filter(|c| !c.is_empty());
    partition(t, &column_names);
    columns(t, &column_names);
    if let Some(pk) = &mut t.primary_key {
        pk.name = None;
        pk.comment = pk.comment.take().filter(|c| !c.is_empty());
    }
    index_types(t);
    index_options(t);
    uniques_from_indexes(t);
    let mut taken = key_names(t, &column_names);
    foreign_keys(t, pks, &mut taken);
    checks(t, &column_names);
    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The partitioning clause is compared in one spelling, as expressions
/// are; a `partition of` has no MySQL meaning and is left for the emitter
/// to refuse.
fn partition(t: &mut Table, column_names: &[String]) {
    if let Some(crate::ir::Partitioning::By { by }) = &mut t.partition {
        let clause = by.as_str().trim();
        let clause = clause
            .strip_prefix("partition by ")
            .or_else(|| clause.strip_prefix("PARTITION BY "))
            .unwrap_or(clause);
        *by = crate::ir::Expr::new(expr(clause, column_names));
    }
}

/// Each column in its canonical form; key columns are NOT NULL, and a
/// character set or collation the table gives anyway is left out.
fn columns(t: &mut Table, column_names: &[String]) {
    let table_charset = t.options.get("charset").cloned();
    let table_collate = t.options.get("collate").cloned();
    let pk_cols: BTreeSet<String> = t
        .primary_key
        .as_ref()
        .map(|p| p.columns.iter().cloned().collect())
        .unwrap_or_default();
    for c in &mut t.columns {
        column(c, column_names);
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
}

/// A key's `btree` or `hash` kept only where it is not what the engine
/// makes unless told: MEMORY (HEAP) keys are hashes, and a b-tree there
/// is the one kept; every other engine makes b-trees (InnoDB and MyISAM
/// turn `USING HASH` into one), so neither is kept.
pub(super) fn index_type(t: &Table, method: Option<String>) -> Option<String> {
    let memory = t
        .options
        .get("engine")
        .is_some_and(|e| e.eq_ignore_ascii_case("memory") || e.eq_ignore_ascii_case("heap"));
    method
        .map(|m| m.to_ascii_lowercase())
        .filter(|m| m != "hash" && (m != "btree" || memory))
}

fn index_types(t: &mut Table) {
    if let Some(m) = t.primary_key.as_mut().and_then(|k| k.method.take()) {
        let kept = index_type(t, Some(m));
        if let Some(pk) = &mut t.primary_key {
            pk.method = kept;
        }
    }
    for i in 0..t.indexes.len() {
        let m = t.indexes[i].method.take();
        t.indexes[i].method = index_type(t, m);
    }
}

/// `ignored` (MariaDB's `IGNORED`) is the one index option MySQL keeps:
/// `true` when it is set, left out when it is not.
fn index_options(t: &mut Table) {
    for ix in &mut t.indexes {
        let ignored = ix.options.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("ignored")
                && matches!(
                    v.to_ascii_lowercase().as_str(),
                    "" | "true" | "yes" | "1" | "on"
                )
        });
        ix.options.retain(|k, _| !k.eq_ignore_ascii_case("ignored"));
        if ignored {
            ix.options.insert("ignored".to_string(), "true".to_string());
        }
    }
}

/// Unique indexes over plain columns are unique constraints (not a
/// MEMORY table's b-tree ones, which a constraint cannot say).
fn uniques_from_indexes(t: &mut Table) {
    let mut indexes = Vec::new();
    for ix in std::mem::take(&mut t.indexes) {
        let plain = ix.unique
            && ix.comment.is_none()
            && ix.options.is_empty()
            && ix.predicate.is_none()
            && ix.method.is_none()
            && ix
                .parts
                .iter()
                .all(|p| matches!(p.key, IndexKey::Column(_)) && !p.desc && p.length.is_none());
        if plain {
            t.uniques.push(Unique {
                attached_to: None,
                comment: None,
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
                options: Default::default(),
            });
        } else {
            indexes.push(ix);
        }
    }
    t.indexes = indexes;
}

/// The names the server generates for unnamed unique constraints and
/// indexes, in the order it hands them out. Returns every key name now
/// taken (lowercased).
fn key_names(t: &mut Table, column_names: &[String]) -> BTreeSet<String> {
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
        index(ix, column_names);
        if ix.name.is_none() {
            let first = match ix.parts.first().map(|p| &p.key) {
                Some(IndexKey::Column(c)) => c.clone(),
                _ => "functional_index".into(),
            };
            ix.name = Some(fresh(&first, &mut taken));
        }
    }
    taken
}

/// Foreign keys named as the server names them (`<table>_ibfk_N`), and
/// the index InnoDB adds for one that no index starts with, made
/// explicit.
fn foreign_keys(t: &mut Table, pks: &BTreeMap<Name, Vec<String>>, taken: &mut BTreeSet<String>) {
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
            let name = fresh(&base, taken);
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
                options: Default::default(),
                invalid: false,
                attached_to: None,
            });
        }
    }
    t.indexes.extend(implicit);
}

/// Check expressions in their canonical form, unnamed ones named as the
/// server names them (`<table>_chk_N`).
fn checks(t: &mut Table, column_names: &[String]) {
    let mut n = 0;
    let mut chk_taken: BTreeSet<String> = t.checks.iter().filter_map(|c| c.name.clone()).collect();
    for c in &mut t.checks {
        c.expr = crate::ir::Expr::new(expr(c.expr.as_str(), column_names));
        c.not_valid = false;
        // A check on a column the table does not have stays the table's;
        // MariaDB names an unnamed check on a column after the column.
        // MariaDB names it after the column and takes no other name there.
        c.column = c
            .column
            .take()
            .filter(|col| column_names.contains(col))
            .filter(|col| c.name.as_ref().is_none_or(|n| n == col));
        if c.name.is_none() {
            c.name = c.column.clone();
        }
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

/// The table options strata models besides engine, charset, collation
/// and comment: the server lists each in `TABLES.CREATE_OPTIONS` when set.
pub const TABLE_OPTIONS: &[&str] = &[
    "row_format",
    "key_block_size",
    "stats_persistent",
    "stats_auto_recalc",
    "stats_sample_pages",
    "pack_keys",
    "checksum",
    "delay_key_write",
    "min_rows",
    "max_rows",
    "avg_row_length",
    // Aria's (MariaDB).
    "page_checksum",
    "transactional",
    // InnoDB's engine-defined options (MariaDB).
    "page_compressed",
    "page_compression_level",
    "encrypted",
    "encryption_key_id",
];

/// Aria's options that no `ALTER TABLE` takes off once listed (`= DEFAULT`
/// leaves `page_checksum=1`), and that a plain Aria table lists unasked
/// (`transactional=1`).
const STICKY_OPTIONS: &[&str] = &["page_checksum", "transactional"];

/// A table the file wants without a sticky option keeps the one the
/// database lists: the server cannot drop it, and a plan that tried
/// would be planned again every time.
pub fn sticky_options(from: &Schema, to: &mut Schema) {
    for t in to.tables.values_mut() {
        let Some(old) = from.tables.get(t.renamed_from.as_ref().unwrap_or(&t.name)) else {
            continue;
        };
        for k in STICKY_OPTIONS {
            if let (Some(v), false) = (old.options.get(*k), t.options.contains_key(*k)) {
                t.options.insert(k.to_string(), v.clone());
            }
        }
    }
}

/// What an `ALTER TABLE` sets a table option to so that the table has it
/// no more: numbers have no `DEFAULT`, and 0 is their unset value (the
/// server then lists them no more).
pub fn unset_value(key: &str) -> &'static str {
    match key {
        "min_rows" | "max_rows" | "avg_row_length" | "checksum" | "delay_key_write"
        | "key_block_size" => "0",
        _ => "DEFAULT",
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
            // `WITH SYSTEM VERSIONING` (MariaDB): present or not.
            "system_versioning" => {
                if matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "on" | "yes") {
                    out.insert(key, "true".into());
                }
            }
            k if TABLE_OPTIONS.contains(&k) => {
                let v = v.to_ascii_lowercase();
                if v != "default" && v != unset_value(k) {
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
        g.expr = crate::ir::Expr::new(expr(g.expr.as_str(), columns));
    }
    c.default = c
        .default
        .take()
        .and_then(|d| default(d.as_str(), &ty, columns))
        .map(crate::ir::Expr::new);
    if c.generated.is_some() || c.identity.is_some() {
        c.default = None;
    }
    c.on_update = c
        .on_update
        .take()
        .map(|e| crate::ir::Expr::new(expr(e.as_str(), columns)));
}

fn index(ix: &mut Index, columns: &[String]) {
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
            p.key = match columns.iter().find(|c| ident(c) == e) {
                Some(c) => IndexKey::Column(c.clone()),
                None => IndexKey::Expr(crate::ir::Expr::new(e)),
            };
        }
    }
}

/// A view's options with keys and values lowercased and the server's
/// defaults dropped (`algorithm = undefined`, `sql_security = definer`,
/// no check option); `check_option` alone is `cascaded`, as `WITH CHECK
/// OPTION` is. A definer is `user@host`, its quotes removed.
fn view_options(options: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in options {
        let key = k.to_ascii_lowercase().replace(' ', "_");
        match key.as_str() {
            "character_set_client" => {
                out.insert(key, charset(v));
                continue;
            }
            "collation_connection" => {
                out.insert(key, collation(v));
                continue;
            }
            _ => {}
        }
        if key == "definer" {
            let plain: String = v
                .chars()
                .filter(|c| !matches!(c, '\'' | '`' | '"'))
                .collect();
            out.insert(key, plain);
            continue;
        }
        let value = match (key.as_str(), v.to_ascii_lowercase().as_str()) {
            ("algorithm", "undefined") | ("sql_security", "definer") => continue,
            ("check_option", "none" | "false") => continue,
            ("check_option", "true") => "cascaded".to_string(),
            (_, v) => v.to_string(),
        };
        out.insert(key, value);
    }
    out
}

fn foreign_key(fk: &mut ForeignKey, pks: &BTreeMap<Name, Vec<String>>) {
    // InnoDB treats every one of them alike, but MariaDB's catalog tells
    // `NO ACTION` written from none, and prints `RESTRICT` for none: a
    // written `RESTRICT` is kept as none, a written `NO ACTION` as itself.
    for a in [&mut fk.on_delete, &mut fk.on_update] {
        if *a == FkAction::Restrict {
            *a = FkAction::Unspecified;
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
        return Some(if numeric { v.into() } else { string(v) });
    }
    if let Some(s) = string_literal(d) {
        if numeric {
            if let Some(n) = number(&s, ty) {
                return Some(n);
            }
        }
        return Some(string(&s));
    }
    if looks_numeric(d) {
        return Some(if numeric {
            number(d, ty).unwrap_or_else(|| d.to_string())
        } else {
            string(d)
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
        if let Some(exact) = at_scale(s, scale) {
            return Some(exact);
        }
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

/// A plain decimal literal (no exponent) with `scale` digits after the
/// point, rounded half away from zero as the server stores it, without
/// passing through a float (`0.1234` at scale 30 stays exact).
fn at_scale(s: &str, scale: usize) -> Option<String> {
    let (sign, digits) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if !plain(int) || !plain(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let mut all: Vec<u8> = format!("{}{}", if int.is_empty() { "0" } else { int }, frac)
        .bytes()
        .map(|b| b - b'0')
        .collect();
    let int_len = all.len() - frac.len();
    let keep = int_len + scale;
    if all.len() > keep {
        let up = all[keep] >= 5;
        all.truncate(keep);
        if up {
            let mut i = all.len();
            loop {
                if i == 0 {
                    all.insert(0, 1);
                    break;
                }
                i -= 1;
                if all[i] == 9 {
                    all[i] = 0;
                } else {
                    all[i] += 1;
                    break;
                }
            }
        }
    } else {
        all.resize(keep, 0);
    }
    let text: String = all.iter().map(|d| char::from(b'0' + d)).collect();
    let (i, f) = text.split_at(text.len() - scale);
    let i = i.trim_start_matches('0');
    let i = if i.is_empty() { "0" } else { i };
    let zero = i == "0" && f.bytes().all(|b| b == b'0');
    let sign = if zero { "" } else { sign };
    Some(if scale == 0 {
        format!("{sign}{i}")
    } else {
        format!("{sign}{i}.{f}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_defaults_keep_every_digit() {
        assert_eq!(
            at_scale("0.1234", 30).as_deref(),
            Some("0.123400000000000000000000000000")
        );
        assert_eq!(at_scale("1.005", 2).as_deref(), Some("1.01"));
        assert_eq!(at_scale("-9.995", 2).as_deref(), Some("-10.00"));
        assert_eq!(at_scale("7", 0).as_deref(), Some("7"));
        assert_eq!(at_scale(".5", 1).as_deref(), Some("0.5"));
        assert_eq!(at_scale("-0.001", 2).as_deref(), Some("0.00"));
        assert_eq!(at_scale("1e3", 2), None);
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
