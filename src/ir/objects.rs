//! PostgreSQL domains, exclusion constraints and function attributes:
//! kept apart from the rest of the model because only one dialect has them.

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
    /// `COMMENT ON CONSTRAINT` (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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

/// What PostgreSQL keeps about a function beside its definition:
/// `IMMUTABLE STRICT SECURITY DEFINER PARALLEL SAFE LEAKPROOF COST 10
/// ROWS 5 SET search_path = …`. Defaults are the database's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionAttributes {
    #[serde(default, skip_serializing_if = "Volatility::is_default")]
    pub volatility: Volatility,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_definer: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leakproof: bool,
    #[serde(default, skip_serializing_if = "Parallel::is_default")]
    pub parallel: Parallel,
    /// Estimated cost in units of `cpu_operator_cost`; `None` is the
    /// default for the language (100, or 1 for C and internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// Estimated rows of a set-returning function; `None` is 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
    /// `SET name = value` while the function runs; the value as a
    /// comma-separated list, unquoted (`public, pg_temp`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub config: std::collections::BTreeMap<String, String>,
}

impl FunctionAttributes {
    pub fn is_default(&self) -> bool {
        *self == FunctionAttributes::default()
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    #[default]
    Volatile,
    Stable,
    Immutable,
}

impl Volatility {
    pub fn is_default(&self) -> bool {
        *self == Volatility::Volatile
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Volatility::Volatile => "volatile",
            Volatility::Stable => "stable",
            Volatility::Immutable => "immutable",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Parallel {
    #[default]
    Unsafe,
    Restricted,
    Safe,
}

impl Parallel {
    pub fn is_default(&self) -> bool {
        *self == Parallel::Unsafe
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Parallel::Unsafe => "unsafe",
            Parallel::Restricted => "restricted",
            Parallel::Safe => "safe",
        }
    }
}

/// `CREATE TYPE name AS (a int, b text COLLATE "C")`: a row type of its
/// own, usable as a column, argument or result type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Composite {
    pub name: Name,
    /// In order: the order is part of the type (row literals, `(x).*`).
    pub attributes: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// One attribute of a composite type. Attributes have no NOT NULL,
/// default or constraint: PostgreSQL allows none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

impl Keyed for Composite {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}

/// `CREATE TYPE name AS RANGE (subtype = …)`: ranges over a subtype, with
/// the multirange type the server makes along with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    pub name: Name,
    pub subtype: Type,
    /// A btree operator class of the subtype; `None` is its default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The function giving the distance of two subtype values (`float8mi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype_diff: Option<String>,
    /// The multirange type's name, `ns.name` when in another namespace
    /// than the range's; `None` is the one the server makes
    /// ([`RangeType::default_multirange`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multirange: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl RangeType {
    pub fn new(name: Name, subtype: impl Into<String>) -> RangeType {
        RangeType {
            name,
            subtype: Type::new(subtype),
            opclass: None,
            collation: None,
            subtype_diff: None,
            multirange: None,
            comment: None,
        }
    }

    /// The name the server gives the multirange type when none is said:
    /// the first `range` in the name becomes `multirange`, or
    /// `_multirange` is added.
    pub fn default_multirange(&self) -> String {
        let n = &self.name.name;
        match n.find("range") {
            Some(i) => format!("{}multirange{}", &n[..i], &n[i + 5..]),
            None => format!("{n}_multirange"),
        }
    }

    /// The multirange type's name (`ns.name` when it is in another
    /// namespace than the range).
    pub fn multirange_name(&self) -> Name {
        match self.multirange.as_deref().map(|m| m.split_once('.')) {
            Some(Some((ns, n))) => Name::qualified(ns, n),
            Some(None) => Name {
                schema: self.name.schema.clone(),
                name: self.multirange.clone().unwrap_or_default(),
            },
            None => Name {
                schema: self.name.schema.clone(),
                name: self.default_multirange(),
            },
        }
    }
}

impl Keyed for RangeType {
    type Key = Name;
    fn key(&self) -> Name {
        self.name.clone()
    }
}
