//! Printing of PostgreSQL's collations, text-search configurations and
//! extended statistics.

use super::{decl, dotted, qualified};
use crate::ir::{Collation, Statistics, TextSearchConfig};
use crate::syntax::text;

/// `collation german provider icu locale "de-DE" nondeterministic`, on
/// one line; `provider libc` is the default and left out.
pub(super) fn collation(x: &Collation, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!("{ind}collation {}", decl(&x.name, ns));
    if x.provider != "libc" {
        s.push_str(&format!(" provider {}", text::ident(&x.provider)));
    }
    let strings = [
        ("locale", &x.locale),
        ("lc_collate", &x.lc_collate),
        ("lc_ctype", &x.lc_ctype),
    ];
    for (word, v) in strings {
        if let Some(v) = v {
            s.push_str(&format!(" {word} {}", text::string(v)));
        }
    }
    if !x.deterministic {
        s.push_str(" nondeterministic");
    }
    if let Some(c) = &x.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}

/// `text_search_configuration fr parser default { … }`, one `map` line
/// per list of dictionaries.
pub(super) fn text_search_config(x: &TextSearchConfig, ind: &str, ns: Option<&str>) -> String {
    let head = format!(
        "{ind}text_search_configuration {} parser {}",
        decl(&x.name, ns),
        dotted(&x.parser)
    );
    if x.mappings.is_empty() && x.comment.is_none() {
        return format!("{head} {{}}");
    }
    let mut s = format!("{head} {{\n");
    for (tokens, dicts) in x.mapping_groups() {
        let tokens: Vec<String> = tokens.iter().map(|t| text::ident(t)).collect();
        let dicts: Vec<String> = dicts.iter().map(|d| dotted(d)).collect();
        s.push_str(&format!(
            "{ind}  map {} with {}\n",
            tokens.join(", "),
            dicts.join(", ")
        ));
    }
    if let Some(c) = &x.comment {
        s.push_str(&format!("{ind}  comment {}\n", text::string(c)));
    }
    s.push_str(&format!("{ind}}}"));
    s
}

/// `statistics t_ab (dependencies) on a, (lower(b)) from t target 500`,
/// on one line; no kinds is every kind.
pub(super) fn statistics(x: &Statistics, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!("{ind}statistics {}", decl(&x.name, ns));
    if !x.kinds.is_empty() {
        s.push_str(&format!(" ({})", x.kinds.join(", ")));
    }
    let keys: Vec<String> = x
        .columns
        .iter()
        .map(|c| text::ident(c))
        .chain(x.expressions.iter().map(|e| format!("({})", e.written())))
        .collect();
    s.push_str(&format!(
        " on {} from {}",
        keys.join(", "),
        qualified(&x.table)
    ));
    if let Some(t) = x.target {
        s.push_str(&format!(" target {t}"));
    }
    if let Some(c) = &x.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}
