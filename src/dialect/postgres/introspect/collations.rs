//! Collations and text-search configurations (one bulk query each).

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{name_of, os, s};
use crate::ir::{Collation, Schema, TextSearchConfig};

pub(super) fn collations(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let mut x = Collation::new(name.clone());
        x.provider = s(r, "provider")?;
        x.locale = os(r, "locale")?;
        x.lc_collate = os(r, "lc_collate")?;
        x.lc_ctype = os(r, "lc_ctype")?;
        x.deterministic = r.try_get("deterministic")?;
        x.comment = os(r, "comment")?;
        // Written as the schema language writes it: one locale when the
        // two agree.
        if x.lc_collate.is_some() && x.lc_collate == x.lc_ctype {
            x.locale = x.lc_collate.take();
            x.lc_ctype = None;
        }
        schema.collations.insert(name, x);
    }
    Ok(())
}

pub(super) fn text_search_configs(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let tokens: Vec<String> = r.try_get("tokens")?;
        let dicts: Vec<String> = r.try_get("dicts")?;
        let mut mappings = std::collections::BTreeMap::<String, Vec<String>>::new();
        for (t, d) in tokens.into_iter().zip(dicts) {
            mappings.entry(t).or_default().push(d);
        }
        let x = TextSearchConfig {
            name: name.clone(),
            parser: s(r, "parser")?,
            mappings,
            comment: os(r, "comment")?,
        };
        schema.text_search_configs.insert(name, x);
    }
    Ok(())
}
