//! What the server records about which object leans on which
//! (PostgreSQL `pg_depend`, and `pg_rewrite` for views): read from a
//! database only, never from a file, never compared or printed. The
//! planner orders by it ([`crate::plan`]) and refuses to drop what an
//! object it does not model leans on.

use std::collections::BTreeSet;

use super::Name;

/// An object as a dependency names it, at the grain the planner orders:
/// a table's constraints, defaults and indexes are the table; a view's
/// rewrite rule is the view; a table's row type is the table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DepObject {
    Namespace(String),
    Extension(String),
    /// An enum, domain, composite or range type.
    Type(Name),
    Sequence(Name),
    /// A table, view or materialized view.
    Relation(Name),
    Function(Name),
    Trigger(Name, String),
    Policy(Name, String),
    Collation(Name),
}

impl DepObject {
    /// The object with its names lowercased, as the planner compares them.
    pub fn lowercased(&self) -> DepObject {
        match self {
            DepObject::Namespace(n) => DepObject::Namespace(n.to_lowercase()),
            DepObject::Extension(n) => DepObject::Extension(n.to_lowercase()),
            DepObject::Type(n) => DepObject::Type(n.lowercased()),
            DepObject::Sequence(n) => DepObject::Sequence(n.lowercased()),
            DepObject::Relation(n) => DepObject::Relation(n.lowercased()),
            DepObject::Function(n) => DepObject::Function(n.lowercased()),
            DepObject::Trigger(t, n) => DepObject::Trigger(t.lowercased(), n.to_lowercase()),
            DepObject::Policy(t, n) => DepObject::Policy(t.lowercased(), n.to_lowercase()),
            DepObject::Collation(n) => DepObject::Collation(n.lowercased()),
        }
    }
}

/// The server's dependencies of one database.
#[derive(Debug, Clone, Default)]
pub struct Depends {
    /// `(dependent, referenced)`: the first leans on the second, so it is
    /// dropped before it and made after it.
    pub edges: BTreeSet<(DepObject, DepObject)>,
    /// Objects strata does not model that lean on ones it does.
    pub unmodeled: BTreeSet<Unmodeled>,
}

/// An object strata does not model (a rule, an object of an extension,
/// one in a namespace it does not read, a cast or operator, …) that leans
/// on one it does: the server refuses to drop `on` while it stands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unmodeled {
    /// The managed object it leans on.
    pub on: DepObject,
    /// As the server describes it (`pg_describe_object`): `rule r on
    /// view v`.
    pub what: String,
    /// The managed object it belongs to, if any (a rule's table or
    /// view): dropped with it, so a plan that drops that first is safe.
    pub owner: Option<DepObject>,
}

/// Never compared: a record of how one database's objects lean on each
/// other, not part of what the schema says (two schemas that agree on
/// every object are equal, whichever database they were read from).
impl PartialEq for Depends {
    fn eq(&self, _: &Depends) -> bool {
        true
    }
}

impl Eq for Depends {}

impl Depends {
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty() && self.unmodeled.is_empty()
    }
}
