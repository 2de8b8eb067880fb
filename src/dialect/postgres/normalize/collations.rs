//! The canonical form of collations, text-search configurations and
//! extended statistics.

use super::name;
use crate::dialect::postgres::expr::{self, Context};
use crate::ir::{Collation, Statistics, TextSearchConfig};

/// A libc collation whose two locales agree is written with `locale`
/// alone (`CREATE COLLATION c (locale = 'C')` reads back as both).
pub(super) fn collation(mut x: Collation) -> Collation {
    x.name = name(&x.name);
    x.provider = x.provider.to_lowercase();
    if x.locale.is_none() && x.lc_collate.is_some() && x.lc_collate == x.lc_ctype {
        x.locale = x.lc_collate.take();
        x.lc_ctype = None;
    }
    x.comment = x.comment.filter(|c| !c.is_empty());
    x
}

/// `pg_catalog.` and `public.` go from the dictionaries: a bare name is
/// found on `search_path`, pg_catalog first. Only `pg_catalog.` goes from
/// the parser, which is made as `pg_catalog.name` when bare.
pub(super) fn text_search_config(mut x: TextSearchConfig) -> TextSearchConfig {
    x.name = name(&x.name);
    x.parser = x
        .parser
        .strip_prefix("pg_catalog.")
        .unwrap_or(&x.parser)
        .to_string();
    x.mappings = std::mem::take(&mut x.mappings)
        .into_iter()
        .map(|(t, d)| (t.to_lowercase(), d.iter().map(|d| bare(d)).collect()))
        .collect();
    x.comment = x.comment.filter(|c| !c.is_empty());
    x
}

/// The columns of a statistics object are a set (the server keeps them
/// in column order, which a file need not follow): compared sorted.
pub(super) fn statistics(mut x: Statistics, cx: &Context<'_>) -> Statistics {
    x.name = name(&x.name);
    x.table = name(&x.table);
    x.kinds = Statistics::canonical_kinds(&x.kinds);
    x.columns.sort();
    x.expressions = std::mem::take(&mut x.expressions)
        .into_iter()
        .map(|e| e.canonical(expr::normalize(&e.0, cx)))
        .collect();
    x.comment = x.comment.filter(|c| !c.is_empty());
    x
}

fn bare(s: &str) -> String {
    s.strip_prefix("pg_catalog.")
        .or_else(|| s.strip_prefix("public."))
        .unwrap_or(s)
        .to_string()
}
