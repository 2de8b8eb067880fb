//! Collations (made whole; only their comment changes in place) and
//! text-search configurations (made with their parser, then mapped).

use super::Stmts;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::dialect::EmitError;
use crate::ir::{Collation, DialectKind, Name, TextSearchConfig};

fn comment_on(kind: &str, name: &Name, comment: &Option<String>) -> String {
    let c = comment.as_deref().map(literal).unwrap_or("NULL".into());
    format!("COMMENT ON {kind} {} IS {c}", qname(name))
}

/// `a.b` with each part quoted; a bare name is left to `search_path`,
/// which reads `pg_catalog` first.
fn dotted(s: &str) -> String {
    s.split('.').map(ident).collect::<Vec<_>>().join(".")
}

pub(super) fn create_collation(x: &Collation) -> Stmts {
    let mut out = Stmts::default();
    out.main.push((create_sql(x), vec![]));
    if x.comment.is_some() {
        out.main
            .push((comment_on("COLLATION", &x.name, &x.comment), vec![]));
    }
    out
}

/// A libc collation over `C` or `POSIX` is copied from the server's own
/// (`FROM "POSIX"`), as such copies usually are: it then serves every
/// encoding, where one made with `locale = 'C'` serves the database's
/// alone.
fn create_sql(x: &Collation) -> String {
    let builtin = x.provider == "libc"
        && x.deterministic
        && matches!(x.locale.as_deref(), Some("C" | "POSIX"));
    if let (true, Some(l)) = (builtin, &x.locale) {
        return format!(
            "CREATE COLLATION {} FROM pg_catalog.{}",
            qname(&x.name),
            ident(l)
        );
    }
    let mut opts = vec![format!("PROVIDER = {}", x.provider)];
    let strings = [
        ("LOCALE", &x.locale),
        ("LC_COLLATE", &x.lc_collate),
        ("LC_CTYPE", &x.lc_ctype),
    ];
    for (word, v) in strings {
        if let Some(v) = v {
            opts.push(format!("{word} = {}", literal(v)));
        }
    }
    if !x.deterministic {
        opts.push("DETERMINISTIC = false".into());
    }
    format!("CREATE COLLATION {} ({})", qname(&x.name), opts.join(", "))
}

pub(super) fn drop_collation(x: &Collation) -> Stmts {
    let mut out = Stmts::default();
    out.main
        .push((format!("DROP COLLATION {}", qname(&x.name)), vec![]));
    out
}

/// The differ makes a drop and a create of a changed collation nothing
/// uses; one in use cannot change (the server has no `ALTER COLLATION`
/// for its locale or provider, and a drop would take its users along).
pub(super) fn alter_collation(
    from: &Collation,
    to: &Collation,
    users: &[String],
) -> Result<Stmts, EmitError> {
    let same = Collation {
        comment: to.comment.clone(),
        ..from.clone()
    };
    if same != *to {
        return Err(EmitError::Unsupported {
            dialect: DialectKind::Postgres,
            what: format!(
                "change collation {} while it is in use ({}); a collation cannot be altered, only dropped and made again",
                to.name,
                users.join(", ")
            ),
            help: Some(
                "declare a new collation beside it, move its users to it, then drop the old one".into(),
            ),
        });
    }
    let mut out = Stmts::default();
    out.main
        .push((comment_on("COLLATION", &to.name, &to.comment), vec![]));
    Ok(out)
}

/// The parser as `CREATE TEXT SEARCH CONFIGURATION` takes it: a bare
/// name is pg_catalog's (`default` is a keyword, so always quoted).
fn parser(p: &str) -> String {
    if p.contains('.') {
        dotted(p)
    } else {
        format!("pg_catalog.{}", ident(p))
    }
}

fn mapping(name: &Name, verb: &str, tokens: &[String], dicts: &[String]) -> String {
    let tokens: Vec<String> = tokens.iter().map(|t| ident(t)).collect();
    let dicts: Vec<String> = dicts.iter().map(|d| dotted(d)).collect();
    format!(
        "ALTER TEXT SEARCH CONFIGURATION {} {verb} MAPPING FOR {} WITH {}",
        qname(name),
        tokens.join(", "),
        dicts.join(", ")
    )
}

pub(super) fn create_text_search_config(x: &TextSearchConfig) -> Stmts {
    let mut out = Stmts::default();
    out.main.push((
        format!(
            "CREATE TEXT SEARCH CONFIGURATION {} (PARSER = {})",
            qname(&x.name),
            parser(&x.parser)
        ),
        vec![],
    ));
    for (tokens, dicts) in x.mapping_groups() {
        out.main
            .push((mapping(&x.name, "ADD", &tokens, &dicts), vec![]));
    }
    if x.comment.is_some() {
        out.main.push((
            comment_on("TEXT SEARCH CONFIGURATION", &x.name, &x.comment),
            vec![],
        ));
    }
    out
}

pub(super) fn drop_text_search_config(x: &TextSearchConfig) -> Stmts {
    let mut out = Stmts::default();
    out.main.push((
        format!("DROP TEXT SEARCH CONFIGURATION {}", qname(&x.name)),
        vec![],
    ));
    out
}

/// Mappings dropped, changed and added, token types that share a list of
/// dictionaries in one statement. The differ makes a changed parser a
/// drop and a create.
pub(super) fn alter_text_search_config(from: &TextSearchConfig, to: &TextSearchConfig) -> Stmts {
    let mut out = Stmts::default();
    let gone: Vec<String> = from
        .mappings
        .keys()
        .filter(|t| !to.mappings.contains_key(*t))
        .cloned()
        .collect();
    if !gone.is_empty() {
        let tokens: Vec<String> = gone.iter().map(|t| ident(t)).collect();
        out.main.push((
            format!(
                "ALTER TEXT SEARCH CONFIGURATION {} DROP MAPPING FOR {}",
                qname(&to.name),
                tokens.join(", ")
            ),
            vec![],
        ));
    }
    let part = |keep: &dyn Fn(&str) -> bool| TextSearchConfig {
        mappings: to
            .mappings
            .iter()
            .filter(|(t, d)| keep(t) && from.mappings.get(*t) != Some(*d))
            .map(|(t, d)| (t.clone(), d.clone()))
            .collect(),
        ..to.clone()
    };
    let changed = part(&|t| from.mappings.contains_key(t));
    for (tokens, dicts) in changed.mapping_groups() {
        out.main
            .push((mapping(&to.name, "ALTER", &tokens, &dicts), vec![]));
    }
    let added = part(&|t| !from.mappings.contains_key(t));
    for (tokens, dicts) in added.mapping_groups() {
        out.main
            .push((mapping(&to.name, "ADD", &tokens, &dicts), vec![]));
    }
    if from.comment != to.comment {
        out.main.push((
            comment_on("TEXT SEARCH CONFIGURATION", &to.name, &to.comment),
            vec![],
        ));
    }
    out
}
