//! PostgreSQL's canonical form of a schema: what a schema file says and
//! what the catalog prints back compare equal when they mean the same.
//!
//! - names: `public` is the default namespace (`None`);
//! - types: aliases to `format_type` spellings (`int4` → `integer`);
//! - expressions (defaults, checks, index keys and predicates, generated
//!   columns, view bodies): see [`super::expr`];
//! - constraint and index names left out are filled with the names
//!   PostgreSQL generates (`orders_pkey`, `orders_user_id_fkey`, …, with
//!   its 63-byte truncation);
//! - sequence and identity options equal to the defaults are left out;
//! - lists of constraints and indexes are sorted by name, so that order in
//!   a file does not matter.

mod collations;
mod inheritance;
mod objects;
mod partition_keys;
mod partitions;
mod security;
mod serials;

pub use crate::ir::partition::{generated_name, made_index_name};
pub(super) use partition_keys::attach_keys;
pub(super) use partitions::attach_indexes;
pub use serials::unfold_traded;

use super::expr::{self, Context};
use super::quote::{is_bare, is_plain_ident};
use super::types;
use crate::ir::{
    Column, FkAction, Identity, Index, IndexKey, Name, Schema, Sequence, SequenceOptions, Table,
};

pub fn normalize(schema: &Schema) -> Schema {
    normalize_owned(schema.clone())
}

/// [`normalize`] rewriting `out` itself.
pub fn normalize_owned(mut out: Schema) -> Schema {
    out.dialect = Some(crate::ir::DialectKind::Postgres);
    // `public` always exists: it is listed only to state its owner.
    if out
        .namespaces
        .get("public")
        .is_some_and(|p| p.owner.is_none())
    {
        out.namespaces.remove("public");
    }
    if let Some(p) = out.namespaces.get_mut("public") {
        p.comment = None;
    }
    for ns in out.namespaces.values_mut() {
        ns.comment = ns.comment.take().filter(|c| !c.is_empty());
    }
    out.extensions = std::mem::take(&mut out.extensions)
        .into_iter()
        .map(|(k, mut e)| {
            e.schema = e.schema.filter(|s| s != "public");
            (k, e)
        })
        .collect();
    out.enums = std::mem::take(&mut out.enums)
        .into_values()
        .map(|mut e| {
            e.name = name(&e.name);
            (e.name.clone(), e)
        })
        .collect();
    // Domains are user types too: a literal cast to one is as redundant
    // as a literal cast to an enum.
    let enums: Vec<String> = out
        .enums
        .keys()
        .map(name)
        .chain(out.domains.keys().map(name))
        .map(|n| types::canonical(&n.to_string()))
        .collect();
    let text_columns = text_columns(&out);
    let memo = expr::Memo::default();
    let base = Context {
        column_type: None,
        enums: &enums,
        text_columns: &text_columns,
        memo: Some(&memo),
    };
    out.domains = std::mem::take(&mut out.domains)
        .into_values()
        .map(|d| {
            let d = objects::domain(d, &base);
            (d.name.clone(), d)
        })
        .collect();
    out.composites = std::mem::take(&mut out.composites)
        .into_values()
        .map(|x| {
            let x = objects::composite(x);
            (x.name.clone(), x)
        })
        .collect();
    out.ranges = std::mem::take(&mut out.ranges)
        .into_values()
        .map(|r| {
            let r = objects::range(r);
            (r.name.clone(), r)
        })
        .collect();
    out.collations = std::mem::take(&mut out.collations)
        .into_values()
        .map(|x| {
            let x = collations::collation(x);
            (x.name.clone(), x)
        })
        .collect();
    out.text_search_configs = std::mem::take(&mut out.text_search_configs)
        .into_values()
        .map(|x| {
            let x = collations::text_search_config(x);
            (x.name.clone(), x)
        })
        .collect();
    out.statistics = std::mem::take(&mut out.statistics)
        .into_values()
        .map(|x| {
            let x = collations::statistics(x, &base);
            (x.name.clone(), x)
        })
        .collect();
    out.sequences = std::mem::take(&mut out.sequences)
        .into_values()
        .map(|s| {
            let s = sequence(s);
            (s.name.clone(), s)
        })
        .collect();
    let tables: Vec<Table> = std::mem::take(&mut out.tables).into_values().collect();
    let primary_keys: Vec<(Name, Vec<String>)> = tables
        .iter()
        .filter_map(|t| {
            t.primary_key
                .as_ref()
                .map(|pk| (name(&t.name), pk.columns.clone()))
        })
        .collect();
    for t in tables {
        let t = table(t, &base, &primary_keys);
        out.tables.insert(t.name.clone(), t);
    }
    inheritance::merged_columns(&mut out);
    attach_indexes(&mut out);
    attach_keys(&mut out);
    out.views = std::mem::take(&mut out.views)
        .into_values()
        .map(|mut v| {
            v.name = name(&v.name);
            v.renamed_from = v.renamed_from.as_ref().map(name);
            let body = expr::normalize(&v.body, &base);
            if body != v.body && v.written.is_none() {
                v.written = Some(std::mem::replace(&mut v.body, body));
            } else {
                v.body = body;
            }
            let table_name = v.name.name.clone();
            for ix in v.indexes.iter_mut() {
                index(ix, &table_name, &base);
            }
            v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            v.comment = v.comment.filter(|c| !c.is_empty());
            (v.name.clone(), v)
        })
        .collect();
    out.functions = std::mem::take(&mut out.functions)
        .into_values()
        .map(|mut f| {
            f.name = name(&f.name);
            f.language = f.language.to_lowercase();
            f.args = function_args(&f.args);
            f.returns = f.returns.map(|r| returns(&r));
            if f.aggregate {
                f.body = objects::aggregate_options(&f.body);
            }
            f.comment = f.comment.filter(|c| !c.is_empty());
            f.attributes = objects::function_attributes(
                std::mem::take(&mut f.attributes),
                &f.language,
                f.returns.as_deref(),
            );
            ((f.name.clone(), identity(&f.args)), f)
        })
        .collect();
    out.triggers = std::mem::take(&mut out.triggers)
        .into_values()
        .map(|mut t| {
            t.table = name(&t.table);
            t.timing = t.timing.to_lowercase();
            t.events = t
                .events
                .iter()
                .map(|e| expr::normalize(e, &Context::default()))
                .collect();
            t.when = t.when.map(|w| w.canonical(expr::normalize(&w.0, &base)));
            let body = t.body.trim();
            let lower = body.to_lowercase();
            let body = if lower.starts_with("execute ")
                && !lower.starts_with("execute function")
                && !lower.starts_with("execute procedure")
            {
                format!("execute function {}", &body[8..])
            } else if let Some(rest) = lower.strip_prefix("execute procedure ") {
                format!("execute function {rest}")
            } else {
                body.to_string()
            };
            t.body = expr::normalize(&body, &Context::default());
            ((t.table.clone(), t.name.clone()), t)
        })
        .collect();
    security::normalize(&mut out, &base);
    out
}

/// The default namespace is `None`.
pub fn name(n: &Name) -> Name {
    match n.schema.as_deref() {
        Some("public") => Name::new(n.name.clone()),
        _ => n.clone(),
    }
}

pub(super) fn sequence(mut s: Sequence) -> Sequence {
    s.name = name(&s.name);
    s.owned_by = s.owned_by.map(|(t, c)| (name(&t), c));
    let ty = s
        .data_type
        .as_ref()
        .map(|t| types::canonical(t.as_str()))
        .unwrap_or_else(|| "bigint".into());
    let o = default_free(
        &ty,
        SequenceOptions {
            start: s.start,
            increment: s.increment,
            min_value: s.min_value,
            max_value: s.max_value,
            cache: s.cache,
            cycle: s.cycle,
        },
    );
    s.data_type = (ty != "bigint").then(|| crate::ir::Type::new(ty));
    s.start = o.start;
    s.increment = o.increment;
    s.min_value = o.min_value;
    s.max_value = o.max_value;
    s.cache = o.cache;
    s.cycle = o.cycle;
    s.comment = s.comment.filter(|c| !c.is_empty());
    s
}

/// Sequence options with every value equal to PostgreSQL's default for
/// the type left out.
fn default_free(ty: &str, o: SequenceOptions) -> SequenceOptions {
    let increment = o.increment.unwrap_or(1);
    let (dmin, dmax) = if increment > 0 {
        (1, types::int_max(ty))
    } else {
        (types::int_min(ty), -1)
    };
    let min = o.min_value.unwrap_or(dmin);
    let max = o.max_value.unwrap_or(dmax);
    let dstart = if increment > 0 { min } else { max };
    SequenceOptions {
        start: o.start.filter(|s| *s != dstart),
        increment: o.increment.filter(|i| *i != 1),
        min_value: o.min_value.filter(|m| *m != dmin),
        max_value: o.max_value.filter(|m| *m != dmax),
        cache: o.cache.filter(|c| *c != 1),
        cycle: o.cycle,
    }
}

/// The lowercased names of the schema's `text` and `varchar` columns,
/// those of a domain over one included, and `value` (the subject of a
/// domain check) when there is such a domain: see
/// [`Context::text_columns`]. Sorted, for a binary search.
fn text_columns(s: &Schema) -> Vec<String> {
    let text_like = |ty: &str| {
        let t = types::canonical(ty);
        t == "text" || t.starts_with("character varying")
    };
    let domains: Vec<String> = s
        .domains
        .values()
        .filter(|d| text_like(d.ty.as_str()))
        .map(|d| d.name.name.to_lowercase())
        .collect();
    let mut out: Vec<String> = s
        .tables
        .values()
        .flat_map(|t| &t.columns)
        .filter(|c| {
            let ty = c.ty.as_str();
            text_like(ty) || domains.iter().any(|d| ty.eq_ignore_ascii_case(d))
        })
        .map(|c| c.name.to_lowercase())
        .collect();
    if !domains.is_empty() {
        out.push("value".into());
    }
    out.sort();
    out.dedup();
    out
}

fn table(mut t: Table, base: &Context<'_>, primary_keys: &[(Name, Vec<String>)]) -> Table {
    t.name = name(&t.name);
    t.renamed_from = t.renamed_from.as_ref().map(name);
    t.comment = t.comment.filter(|c| !c.is_empty());
    let tname = t.name.name.clone();
    for c in &mut t.columns {
        column(c, base);
    }
    let column_names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let cols: Vec<&str> = column_names.iter().map(String::as_str).collect();
    if let Some(pk) = &mut t.primary_key {
        if pk.name.is_none() {
            pk.name = Some(generated_name(&tname, &[], "pkey"));
        }
    }
    for u in &mut t.uniques {
        if u.name.is_none() {
            let c: Vec<&str> = u.columns.iter().map(String::as_str).collect();
            u.name = Some(generated_name(&tname, &c, "key"));
        }
    }
    for fk in &mut t.foreign_keys {
        fk.ref_table = name(&fk.ref_table);
        // The catalog cannot tell `NO ACTION` written from none.
        for a in [&mut fk.on_delete, &mut fk.on_update] {
            if *a == FkAction::NoAction {
                *a = FkAction::Unspecified;
            }
        }
        if fk.ref_columns.is_empty() {
            if let Some((_, pk)) = primary_keys.iter().find(|(n, _)| *n == fk.ref_table) {
                fk.ref_columns = pk.clone();
            }
        }
        if fk.name.is_none() {
            let c: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
            fk.name = Some(generated_name(&tname, &c, "fkey"));
        }
    }
    let mut taken: Vec<String> = t.checks.iter().filter_map(|c| c.name.clone()).collect();
    for ch in &mut t.checks {
        if ch.name.is_none() {
            let refs = expr::referenced_columns(&ch.expr.0, &cols);
            let col: Vec<&str> = if refs.len() == 1 {
                vec![refs[0].as_str()]
            } else {
                Vec::new()
            };
            let mut n = generated_name(&tname, &col, "check");
            let mut k = 1;
            while taken.contains(&n) {
                n = generated_name(&tname, &col, &format!("check{k}"));
                k += 1;
            }
            taken.push(n.clone());
            ch.name = Some(n);
        }
        ch.expr = ch.expr.canonical(expr::normalize(
            &ch.expr.0,
            &Context {
                column_type: None,
                ..*base
            },
        ));
    }
    for ix in &mut t.indexes {
        index(ix, &tname, base);
    }
    objects::exclusions(&mut t, base);
    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.partition = t.partition.map(|p| match p {
        crate::ir::Partitioning::By { by } => crate::ir::Partitioning::By {
            by: by.canonical(expr::normalize(&by.0, &Context::default())),
        },
        crate::ir::Partitioning::Of { parent, bound, by } => crate::ir::Partitioning::Of {
            parent: name(&parent),
            bound: bound.canonical(partition_bound(&bound.0)),
            by: by.map(|by| by.canonical(expr::normalize(&by.0, &Context::default()))),
        },
    });
    t.inherits = t.inherits.iter().map(name).collect();
    // A partition's columns are its parent's.
    if matches!(t.partition, Some(crate::ir::Partitioning::Of { .. })) {
        t.columns.clear();
    }
    t
}

fn column(c: &mut Column, base: &Context<'_>) {
    c.ty = crate::ir::Type::new(types::canonical(c.ty.as_str()));
    if types::serial_base(c.ty.as_str()).is_some() {
        // serial implies NOT NULL.
        c.nullable = false;
    }
    let ty = c.ty.0.clone();
    c.default = c.default.take().and_then(|d| {
        let n = expr::normalize(
            &d.0,
            &Context {
                column_type: Some(&ty),
                ..*base
            },
        );
        // `default null` is no default.
        (n != "null").then(|| d.canonical(n))
    });
    if let Some(g) = &mut c.generated {
        g.expr = g.expr.canonical(expr::normalize(
            &g.expr.0,
            &Context {
                column_type: None,
                ..*base
            },
        ));
    }
    if let Some(id) = &mut c.identity {
        // An identity column is NOT NULL.
        c.nullable = false;
        match id {
            Identity::Always { options } | Identity::ByDefault { options } => {
                *options = default_free(&ty, options.clone());
            }
            Identity::AutoIncrement => {}
        }
    }
    c.collation = c
        .collation
        .take()
        .map(|s| collation(&s))
        .filter(|s| s != "default");
    // The type's own storage is no storage of the column's: the catalog
    // reads as none, so a file that names it would never be done.
    if c.storage.is_some() && c.storage == types::own_storage(&ty) {
        c.storage = None;
    }
    c.comment = c.comment.take().filter(|s| !s.is_empty());
    c.on_update = None;
    c.charset = None;
}

/// A partition bound as `pg_get_expr` prints it after `FOR VALUES`:
/// keywords in capitals, single spaces, no space inside parentheses.
/// (Not through the expression normalizer: `FROM ('a')` is syntax, not
/// a parenthesized literal.)
fn partition_bound(b: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut quote = false;
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let upper = word.to_uppercase();
            if matches!(
                upper.as_str(),
                "FROM" | "TO" | "IN" | "WITH" | "DEFAULT" | "MINVALUE" | "MAXVALUE"
            ) {
                out.push_str(&upper);
            } else if matches!(upper.as_str(), "MODULUS" | "REMAINDER") {
                out.push_str(&word.to_lowercase());
            } else {
                out.push_str(word);
            }
            word.clear();
        }
    };
    for ch in b.trim().chars() {
        if quote {
            out.push(ch);
            if ch == '\'' {
                quote = false;
            }
            continue;
        }
        match ch {
            '\'' => {
                flush(&mut word, &mut out);
                quote = true;
                out.push(ch);
            }
            c if c.is_whitespace() => {
                flush(&mut word, &mut out);
                if !out.ends_with(' ') && !out.ends_with('(') {
                    out.push(' ');
                }
            }
            '(' | ')' | ',' => {
                flush(&mut word, &mut out);
                if ch == ')' && out.ends_with(' ') {
                    out.pop();
                }
                if ch == '(' && !out.is_empty() && !out.ends_with(' ') && !out.ends_with('(') {
                    out.push(' ');
                }
                if ch == ',' && out.ends_with(' ') {
                    out.pop();
                }
                out.push(ch);
                if ch == ',' {
                    out.push(' ');
                }
            }
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    let out = out.replace("  ", " ");
    out.strip_prefix("FOR VALUES ")
        .map(str::to_string)
        .unwrap_or(out)
}

/// `"C"`, `pg_catalog."C"` and `C` are one collation; so are
/// `public.x` and `x` (the default namespace is left out, as in names).
pub fn collation(s: &str) -> String {
    let s = s.strip_prefix("pg_catalog.").unwrap_or(s);
    let s = s.strip_prefix("public.").unwrap_or(s);
    s.trim_matches('"').to_string()
}

fn index(ix: &mut Index, table: &str, base: &Context<'_>) {
    let cx = Context {
        column_type: None,
        ..*base
    };
    if ix.method.as_deref().map(str::to_lowercase).as_deref() == Some("btree") {
        ix.method = None;
    }
    ix.method = ix.method.take().map(|m| m.to_lowercase());
    for p in &mut ix.parts {
        if let IndexKey::Expr(e) = &p.key {
            let n = expr::normalize(&e.0, &cx);
            // A parenthesized bare column is the column.
            p.key = if is_bare(&n) {
                IndexKey::Column(n)
            } else {
                IndexKey::Expr(e.canonical(n))
            };
        }
        if p.nulls_first == Some(p.desc) {
            p.nulls_first = None;
        }
        p.collation = p.collation.take().map(|c| collation(&c));
        p.opclass = p.opclass.take().map(|o| o.to_lowercase());
    }
    ix.predicate = ix
        .predicate
        .take()
        .map(|p| p.canonical(expr::normalize(&p.0, &cx)));
    if ix.name.is_none() {
        let mut names: Vec<String> = ix
            .parts
            .iter()
            .map(|p| match &p.key {
                IndexKey::Column(c) => c.clone(),
                IndexKey::Expr(e) => expr_column_name(&e.0),
            })
            .collect();
        names.extend(ix.include.iter().cloned());
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        ix.name = Some(generated_name(table, &refs, "idx"));
    }
    ix.comment = ix.comment.take().filter(|c| !c.is_empty());
}

/// The name PostgreSQL gives an index expression when it names the
/// index: a function call is named after the function, anything else is
/// `expr`.
pub(super) fn expr_column_name(e: &str) -> String {
    let e = e.trim();
    if let Some(open) = e.find('(') {
        let head = e[..open].trim();
        let head = head.rsplit('.').next().unwrap_or(head);
        if !head.is_empty() && is_plain_ident(head) && e.ends_with(')') {
            return head.to_string();
        }
    }
    "expr".to_string()
}

/// `a int, b text default 'x'` → `a integer, b text DEFAULT 'x'::text`
/// as far as types go: canonical types per argument.
fn function_args(args: &str) -> String {
    split_top_level(args)
        .iter()
        .map(|a| {
            let a = a.trim();
            let (decl, default) = match find_word(a, "default") {
                Some(i) => (&a[..i], Some(a[i + 7..].trim())),
                None => match a.find(":=").or_else(|| a.find('=')) {
                    Some(i) => (&a[..i], Some(a[i..].trim_start_matches([':', '=']).trim())),
                    None => (a, None),
                },
            };
            let words: Vec<&str> = decl.split_whitespace().collect();
            let mut i = 0;
            let mut parts: Vec<String> = Vec::new();
            if let Some(m) = words.first() {
                let m = m.to_lowercase();
                if matches!(m.as_str(), "in" | "out" | "inout" | "variadic") {
                    if m != "in" {
                        parts.push(m.to_uppercase());
                    }
                    i = 1;
                }
            }
            let rest = &words[i..];
            let type_start = if rest.len() >= 2 && !is_type_word(rest[0]) {
                parts.push(rest[0].to_string());
                1
            } else {
                0
            };
            parts.push(types::canonical(&rest[type_start..].join(" ")));
            let mut s = parts.join(" ");
            if let Some(d) = default {
                s.push_str(" DEFAULT ");
                s.push_str(&expr::normalize(d, &Context::default()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The input argument types of a canonical argument list
/// (`a integer, OUT b text, VARIADIC c text[] DEFAULT …` →
/// `integer, text[]`): what PostgreSQL tells overloads apart by.
fn identity(args: &str) -> String {
    split_top_level(args)
        .iter()
        .filter_map(|a| {
            let decl = match a.find(" DEFAULT ") {
                Some(i) => &a[..i],
                None => a.as_str(),
            };
            let mut words: Vec<&str> = decl.split_whitespace().collect();
            match words.first().copied() {
                Some("OUT") => return None,
                Some("INOUT") | Some("VARIADIC") => {
                    words.remove(0);
                }
                _ => {}
            }
            if words.len() >= 2 && !is_type_word(words[0]) {
                words.remove(0);
            }
            Some(words.join(" "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_type_word(w: &str) -> bool {
    matches!(
        w.to_lowercase().as_str(),
        "double" | "character" | "timestamp" | "time" | "bit" | "interval"
    )
}

fn returns(r: &str) -> String {
    let t = r.trim();
    let lower = t.to_lowercase();
    if lower.starts_with("table") || lower.starts_with("setof ") {
        if let Some(rest) = lower.strip_prefix("setof ") {
            return format!("SETOF {}", types::canonical(rest));
        }
        return t.to_string();
    }
    types::canonical(t)
}

fn find_word(s: &str, w: &str) -> Option<usize> {
    let lower = s.to_lowercase();
    lower.find(&format!(" {w} ")).map(|i| i + 1)
}

/// The comma-separated parts of a list, split only at top level (outside
/// parentheses and quotes); a trailing empty part is dropped.
pub(super) fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut quote = false;
    for ch in s.chars() {
        match ch {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth -= 1,
            ',' if !quote && depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_follow_postgres() {
        assert_eq!(generated_name("orders", &[], "pkey"), "orders_pkey");
        assert_eq!(
            generated_name("orders", &["user_id"], "fkey"),
            "orders_user_id_fkey"
        );
        assert_eq!(generated_name("t", &["a", "b"], "key"), "t_a_b_key");
        let long = "a".repeat(70);
        let n = generated_name(&long, &["col"], "key");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_col_key"));
    }

    #[test]
    fn partition_bounds() {
        assert_eq!(
            partition_bound("from ( '2026-01-01' ) to ('2027-01-01')"),
            "FROM ('2026-01-01') TO ('2027-01-01')"
        );
        assert_eq!(partition_bound("default"), "DEFAULT");
        assert_eq!(
            partition_bound("WITH (MODULUS 4,REMAINDER 0)"),
            "WITH (modulus 4, remainder 0)"
        );
    }

    #[test]
    fn overloads_are_told_apart_by_input_types() {
        assert_eq!(
            identity(&function_args("a int, b text = 'x'")),
            "integer, text"
        );
        assert_eq!(identity(&function_args("int, OUT n bigint")), "integer");
        assert_eq!(
            identity(&function_args("VARIADIC xs double precision[]")),
            "double precision[]"
        );
        assert_eq!(
            identity(&function_args("inout a timestamptz")),
            "timestamp with time zone"
        );
    }

    #[test]
    fn function_args_canonical() {
        assert_eq!(function_args("a int, b text"), "a integer, b text");
        assert_eq!(function_args("double precision"), "double precision");
        assert_eq!(function_args("OUT x int8"), "OUT x bigint");
    }
}
