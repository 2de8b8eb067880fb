//! PostgreSQL collations and text-search configurations: how text
//! compares, and how it is cut into words for full-text search. Kept
//! apart from the rest of the model because only one dialect has them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::keyed::Keyed;
use super::Name;

/// `CREATE COLLATION name (provider = icu, locale = '…')`. A collation
/// cannot be altered in place (only renamed or commented): a changed one
/// is dropped and made again, which the server allows only while nothing
/// uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collation {
    pub name: Name,
    /// `libc` (the default), `icu` or `builtin`.
    pub provider: String,
    /// The locale for both collating and classifying characters: an ICU
    /// locale, or a libc one when `lc_collate` and `lc_ctype` agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// libc only, when it differs from `lc_ctype`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// `false` compares strings that are equal by the locale's rules as
    /// equal even when their bytes differ (ICU only).
    pub deterministic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Collation {
    pub fn new(name: Name) -> Collation {
        Collation {
            name,
            provider: "libc".into(),
            locale: None,
            lc_collate: None,
            lc_ctype: None,
            deterministic: true,
            comment: None,
        }
    }
}

impl Keyed for Collation {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}

/// `CREATE TEXT SEARCH CONFIGURATION name (PARSER = …)` and its mappings
/// (`ALTER … ADD MAPPING FOR token, … WITH dictionary, …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSearchConfig {
    pub name: Name,
    /// The parser: `default`, or `ns.name` for one outside pg_catalog.
    pub parser: String,
    /// Token type (the parser's alias, `asciiword`) → the dictionaries
    /// tried in order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mappings: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl TextSearchConfig {
    /// The token types that share one list of dictionaries, in the order
    /// of the list: how mappings are written and made (`ADD MAPPING FOR a,
    /// b WITH d`).
    pub fn mapping_groups(&self) -> Vec<(Vec<String>, Vec<String>)> {
        let mut groups: BTreeMap<&Vec<String>, Vec<String>> = BTreeMap::new();
        for (token, dicts) in &self.mappings {
            groups.entry(dicts).or_default().push(token.clone());
        }
        groups
            .into_iter()
            .map(|(dicts, tokens)| (tokens, dicts.clone()))
            .collect()
    }
}

impl Keyed for TextSearchConfig {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}
