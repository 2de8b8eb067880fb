//! PostgreSQL domains and exclusion constraints: kept apart from the rest
//! of the model because only one dialect has them.

use serde::{Deserialize, Serialize};

use super::keyed::Keyed;
use super::{Check, Deferral, Expr, IndexKey, Name, Type};

/// `CREATE DOMAIN name AS base …`: a named type over a base type, with
/// an optional default, NOT NULL and checks on `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub name: Name,
    /// The base type, as SQL spells it.
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Expr>,
    /// Unlike a column, a domain allows NULL unless it says otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_null: bool,
    /// Checks on `value`; `renamed_from` is not used here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Domain {
    pub fn new(name: Name, ty: impl Into<String>) -> Domain {
        Domain {
            name,
            ty: Type::new(ty),
            collation: None,
            default: None,
            not_null: false,
            checks: Vec::new(),
            comment: None,
        }
    }
}

impl Keyed for Domain {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}

/// `EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (…)`: no two
/// rows may have every element compare true under its operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// `None` means the name PostgreSQL generates (`t_room_during_excl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Index access method; `gist` when left out.
    pub method: String,
    pub elements: Vec<ExclusionElement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Expr>,
    #[serde(default, skip_serializing_if = "Deferral::is_default")]
    pub deferral: Deferral,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionElement {
    pub key: IndexKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    /// The operator, as written: `=`, `&&`, `OPERATOR(public.=)`.
    pub operator: String,
}
