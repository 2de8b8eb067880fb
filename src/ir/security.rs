//! Access control: row-level security on a table, its policies, and the
//! privileges granted on schemas, tables, views and sequences, and the
//! default privileges of a schema's future objects. PostgreSQL
//! only; the other dialects refuse them.

use serde::{Deserialize, Serialize};

use super::{Expr, Name};

/// `ALTER TABLE … ENABLE | FORCE ROW LEVEL SECURITY`. The two flags are
/// independent in PostgreSQL: forcing is recorded even while disabled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSecurity {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

impl RowSecurity {
    pub fn is_default(&self) -> bool {
        *self == RowSecurity::default()
    }
}

/// The command a policy applies to.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    #[default]
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub fn is_default(&self) -> bool {
        *self == PolicyCommand::All
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyCommand::All => "all",
            PolicyCommand::Select => "select",
            PolicyCommand::Insert => "insert",
            PolicyCommand::Update => "update",
            PolicyCommand::Delete => "delete",
        }
    }
    pub fn parse(s: &str) -> Option<PolicyCommand> {
        Some(match s.to_ascii_lowercase().as_str() {
            "all" | "*" => PolicyCommand::All,
            "select" | "r" => PolicyCommand::Select,
            "insert" | "a" => PolicyCommand::Insert,
            "update" | "w" => PolicyCommand::Update,
            "delete" | "d" => PolicyCommand::Delete,
            _ => return None,
        })
    }
}

/// `CREATE POLICY name ON table …`; names are scoped to their table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub table: Name,
    /// `AS RESTRICTIVE` when true; permissive is PostgreSQL's default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub restrictive: bool,
    #[serde(default, skip_serializing_if = "PolicyCommand::is_default")]
    pub command: PolicyCommand,
    /// Role names; `public` for every role. Empty means `public`, which
    /// normalization makes explicit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Expr>,
}

/// What a privilege is granted on. Views and tables share `GRANT … ON
/// TABLE` in SQL but are told apart so that validation can find them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum GrantOn {
    Schema(String),
    Table(Name),
    View(Name),
    Sequence(Name),
    /// A type or domain (PostgreSQL `GRANT USAGE ON TYPE`): an enum,
    /// domain, composite or range type of the schema.
    Type(Name),
    /// A function, procedure or aggregate (`GRANT EXECUTE ON ROUTINE`),
    /// with its argument list: PostgreSQL's normalization makes it the
    /// input types its functions are keyed by.
    Function(Name, String),
    /// One column of a table: `grant select (a) on table t …`.
    Column(Name, String),
    /// Default privileges (`ALTER DEFAULT PRIVILEGES … IN SCHEMA`): what
    /// the `objects` (`tables`, `sequences`, `functions`, `types`) that
    /// `role` makes in `schema` from then on are granted. `role` is `None`
    /// for the role that inspects or applies.
    Future {
        objects: String,
        schema: String,
        role: Option<String>,
    },
}

/// The kinds of object default privileges are kept for, as the language
/// and `ALTER DEFAULT PRIVILEGES` (upper-cased) write them.
pub const FUTURE_OBJECTS: [&str; 4] = ["tables", "sequences", "functions", "types"];

impl GrantOn {
    /// The keyword of the object kind as the language writes it.
    pub fn keyword(&self) -> &'static str {
        match self {
            GrantOn::Schema(_) => "schema",
            GrantOn::Table(_) => "table",
            GrantOn::View(_) => "view",
            GrantOn::Sequence(_) => "sequence",
            GrantOn::Type(_) => "type",
            GrantOn::Function(..) => "function",
            GrantOn::Column(..) => "column",
            GrantOn::Future { .. } => "future",
        }
    }

    /// Every privilege the object kind has, in PostgreSQL's order: what
    /// `all` means.
    pub fn privileges(&self) -> &'static [&'static str] {
        match self {
            GrantOn::Schema(_) => &["usage", "create"],
            GrantOn::Table(_) | GrantOn::View(_) => &[
                "select",
                "insert",
                "update",
                "delete",
                "truncate",
                "references",
                "trigger",
            ],
            GrantOn::Sequence(_) => &["usage", "select", "update"],
            GrantOn::Type(_) => &["usage"],
            GrantOn::Function(..) => &["execute"],
            GrantOn::Column(..) => &["select", "insert", "update", "references"],
            GrantOn::Future { objects, .. } => match objects.as_str() {
                "tables" => GrantOn::Table(Name::new("")).privileges(),
                "sequences" => GrantOn::Sequence(Name::new("")).privileges(),
                "functions" => &["execute"],
                _ => &["usage"],
            },
        }
    }

    /// The relation a grant is on, if it is on one.
    pub fn relation(&self) -> Option<&Name> {
        match self {
            GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Sequence(n) | GrantOn::Column(n, _) => {
                Some(n)
            }
            GrantOn::Schema(_)
            | GrantOn::Type(_)
            | GrantOn::Function(..)
            | GrantOn::Future { .. } => None,
        }
    }

    /// The privilege PostgreSQL gives `PUBLIC` on an object of this kind
    /// when it makes one (`USAGE` on a type). It is no grant of the
    /// schema's: `revoke all on type t from public` states that `PUBLIC`
    /// lacks it (`EXECUTE` on a function: `… on function f(int) …`).
    pub fn public_default(&self) -> Option<&'static str> {
        match self {
            GrantOn::Type(_) => Some("usage"),
            GrantOn::Function(..) => Some("execute"),
            _ => None,
        }
    }
}

impl std::fmt::Display for GrantOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantOn::Schema(n) => write!(f, "schema {n}"),
            GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Sequence(n) | GrantOn::Type(n) => {
                write!(f, "{} {n}", self.keyword())
            }
            GrantOn::Column(t, c) => write!(f, "column {t}.{c}"),
            GrantOn::Function(n, args) => write!(f, "function {n}({args})"),
            GrantOn::Future {
                objects,
                schema,
                role,
            } => {
                write!(f, "future {objects} in schema {schema}")?;
                match role {
                    Some(r) => write!(f, " for role {r}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// One privilege granted to one role on one object: the unit of GRANT and
/// REVOKE. A `grant` line of a schema file lowers into one per privilege.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub on: GrantOn,
    /// Lowercase: `select`, `usage`, …
    pub privilege: String,
    /// A role name, or `public`.
    pub grantee: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub grant_option: bool,
}

/// `revoke all on schema public from public`: the schema manages what
/// `grantee` holds on `on` (the privileges of its grant lines there, none
/// when it has none) even where it grants that role nothing anywhere.
/// A database's introspection holds one where a role has no privilege
/// that a new database would give it (`USAGE` on schema `public` to
/// `PUBLIC`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Revocation {
    pub on: GrantOn,
    /// A role name, or `public`.
    pub grantee: String,
}

/// How grants are keyed: object, grantee, privilege.
pub type GrantKey = (GrantOn, String, String);

impl Grant {
    pub fn key(&self) -> GrantKey {
        (
            self.on.clone(),
            self.grantee.clone(),
            self.privilege.clone(),
        )
    }
}
