//! Indexes: `CREATE INDEX` (plain or `CONCURRENTLY`) and index comments.
//! Tables, views and online unique constraints all build theirs here.

use super::table::with_params;
use super::{collation, Ctx};
use crate::dialect::postgres::quote::{ident, idents, literal, name as qname};
use crate::ir::{Index, IndexKey, Name};

pub(super) fn index_comment(cx: &mut Ctx<'_>, table: &Name, ix: &Index) {
    if let (Some(c), Some(n)) = (&ix.comment, &ix.name) {
        cx.push(
            format!(
                "COMMENT ON INDEX {} IS {}",
                qname(&index_name(table, n)),
                literal(c)
            ),
            vec![],
        );
    }
}

/// `COMMENT ON INDEX … IS …`, `IS NULL` when the comment goes away.
pub(super) fn set_index_comment(cx: &mut Ctx<'_>, table: &Name, ix: &Index) {
    let Some(n) = &ix.name else {
        return;
    };
    let comment = ix.comment.as_deref().map_or("NULL".to_string(), literal);
    cx.push(
        format!(
            "COMMENT ON INDEX {} IS {comment}",
            qname(&index_name(table, n))
        ),
        vec![],
    );
}

/// Indexes live in their table's namespace.
pub(super) fn index_name(table: &Name, index: &str) -> Name {
    Name {
        schema: table.schema.clone(),
        name: index.to_string(),
    }
}

pub(super) fn create_index_sql(table: &Name, ix: &Index, concurrently: bool) -> String {
    let mut s = String::from("CREATE ");
    if ix.unique {
        s.push_str("UNIQUE ");
    }
    s.push_str("INDEX ");
    if concurrently {
        s.push_str("CONCURRENTLY ");
    }
    if let Some(n) = &ix.name {
        s.push_str(&format!("{} ", ident(n)));
    }
    // A partitioned table's index wanted incomplete (`only` in a file,
    // invalid in the catalog) is not made on the partitions.
    let only = if ix.invalid && !concurrently {
        "ONLY "
    } else {
        ""
    };
    s.push_str(&format!("ON {only}{}", qname(table)));
    if let Some(m) = &ix.method {
        s.push_str(&format!(" USING {}", ident(m)));
    }
    let parts: Vec<String> = ix
        .parts
        .iter()
        .map(|p| {
            let mut k = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => format!("({e})"),
            };
            if let Some(c) = &p.collation {
                k.push_str(&format!(" COLLATE {}", collation(c)));
            }
            if let Some(o) = &p.opclass {
                k.push_str(&format!(" {}", collation(o)));
            }
            if p.desc {
                k.push_str(" DESC");
            }
            match p.nulls_first {
                Some(true) => k.push_str(" NULLS FIRST"),
                Some(false) => k.push_str(" NULLS LAST"),
                None => {}
            }
            k
        })
        .collect();
    s.push_str(&format!(" ({})", parts.join(", ")));
    if !ix.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", idents(&ix.include)));
    }
    if ix.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    s.push_str(&with_params(&ix.options));
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}
