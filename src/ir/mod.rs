//! The schema model: one plain, serde-serializable description of a database
//! schema, shared by every stage. Schema files lower into it, introspection
//! builds it, the differ compares two of them.
//!
//! Invariants: no I/O, no SQL generation, no knowledge of pest, sqlx or clap.
//! Maps are `BTreeMap`s so that iteration (and so every output) is
//! deterministic. Spans are not stored here: the syntax layer keeps a side
//! table from [`ObjectRef`] to source location.

mod depend;
mod distinct;
mod event;
pub mod filter;
pub mod implicit;
pub mod inheritance;
mod keyed;
mod name;
mod objects;
pub mod partition;
mod security;
mod statistics;
mod storage;
mod text;
pub mod validate;

pub use depend::{DepObject, Depends, Unmodeled};
pub use distinct::Distinct;
pub use event::{Event, EventStatus, Schedule};
pub use name::Name;
pub use objects::{
    Attribute, Composite, Domain, Exclusion, ExclusionElement, FunctionAttributes, Parallel,
    RangeType, Volatility,
};
pub use security::{
    Grant, GrantKey, GrantOn, Policy, PolicyCommand, Revocation, RowSecurity, FUTURE_OBJECTS,
};
pub use statistics::{Statistics, STATISTICS_KINDS};
pub use storage::{Compression, Storage};
pub use text::{Collation, TextSearchConfig};

/// The table option that names the index a PostgreSQL table is clustered
/// on (`ALTER TABLE … CLUSTER ON`): not a storage parameter, so the
/// emitter writes it apart, once the index is there.
pub const CLUSTER_ON: &str = "cluster_on";

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Which database family a schema targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DialectKind {
    Postgres,
    Mysql,
    Sqlite,
}

impl DialectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Postgres => "postgres",
            DialectKind::Mysql => "mysql",
            DialectKind::Sqlite => "sqlite",
        }
    }

    /// Accepts the spellings a user may write (`postgresql`, `mariadb`, …).
    pub fn parse(s: &str) -> Option<DialectKind> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(DialectKind::Postgres),
            "mysql" | "mariadb" => Some(DialectKind::Mysql),
            "sqlite" | "sqlite3" => Some(DialectKind::Sqlite),
            _ => None,
        }
    }
}

impl std::fmt::Display for DialectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A whole database schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<DialectKind>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub extensions: BTreeMap<String, Extension>,
    /// Namespaces (PostgreSQL schemas) declared explicitly. Objects name
    /// their namespace in their own [`Name`]; the default namespace
    /// (`public` on PostgreSQL, the current database elsewhere) is `None`
    /// there, and appears here only to state its owner: it is never
    /// created or dropped.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub namespaces: BTreeMap<String, Namespace>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub enums: BTreeMap<Name, Enum>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub sequences: BTreeMap<Name, Sequence>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub tables: BTreeMap<Name, Table>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub views: BTreeMap<Name, View>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    /// Keyed by name and argument list ([`Function::key`]): PostgreSQL
    /// tells overloaded functions apart by their argument types.
    pub functions: BTreeMap<(Name, String), Function>,
    /// Keyed by the table's name and then the trigger's name: PostgreSQL
    /// scopes trigger names to their table.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub triggers: BTreeMap<(Name, String), Trigger>,
    /// Keyed like triggers: policy names are scoped to their table.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub policies: BTreeMap<(Name, String), Policy>,
    /// Privileges granted, one per (object, grantee, privilege). Only the
    /// grantees named here are managed: see [`Schema::grantees`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub grants: BTreeMap<GrantKey, Grant>,
    /// Objects on which a role's privileges are exactly its grants here,
    /// none when there are none ([`Revocation`]).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub revocations: std::collections::BTreeSet<Revocation>,
    /// PostgreSQL domains.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub domains: BTreeMap<Name, Domain>,
    /// MySQL / MariaDB events.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub events: BTreeMap<Name, Event>,
    /// PostgreSQL composite types (`CREATE TYPE … AS (…)`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub composites: BTreeMap<Name, Composite>,
    /// PostgreSQL range types (`CREATE TYPE … AS RANGE`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub ranges: BTreeMap<Name, RangeType>,
    /// PostgreSQL collations (`CREATE COLLATION`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub collations: BTreeMap<Name, Collation>,
    /// PostgreSQL text-search configurations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub text_search_configs: BTreeMap<Name, TextSearchConfig>,
    /// PostgreSQL extended statistics (`CREATE STATISTICS`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "keyed")]
    pub statistics: BTreeMap<Name, Statistics>,
    /// Hazards the schema's authors accept, each on one object with a
    /// reason (`acknowledge RULE on OBJECT because "…"`). Not a database
    /// object: never diffed, never read from a database.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgements: Vec<Acknowledgement>,
    /// Views of the database that an exclude pattern leaves alone, with
    /// their bodies: never diffed or printed, but a plan that would drop
    /// what one of them reads is refused (`migration`), since the server
    /// would refuse it too, or take the view with it under `CASCADE`.
    #[serde(skip)]
    pub left_alone: BTreeMap<Name, String>,
    /// The dependencies the server records among the objects of a
    /// database, and those of objects strata does not model ([`Depends`]):
    /// empty for a schema read from files.
    #[serde(skip)]
    pub depends: Depends,
}

/// One accepted hazard: the rule's id, the object as hazards name it
/// (`users`, `users.email`, `audit.events`), why, and where it was written
/// (`file:line`) for the warning when it matches nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub rule: String,
    pub object: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A comment other than the one the extension's control file gives
    /// (`None`: the control file's; `""`: none at all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The owning role, managed only when stated: `None` in a desired
    /// schema leaves the owner alone. In an introspection `None` means the
    /// role that inspected it, which is what `CREATE SCHEMA` gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enum {
    pub name: Name,
    /// Labels in declaration order: the order is part of the type.
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<Type>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
    /// PostgreSQL `UNLOGGED` (15 and later): not written to the WAL,
    /// reset after a crash.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlogged: bool,
    /// `table.column` that owns the sequence (dropped with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<(Name, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Sequence {
    /// A sequence with every option the server's default and no owner.
    pub fn named(name: Name) -> Sequence {
        Sequence {
            name,
            data_type: None,
            start: None,
            increment: None,
            min_value: None,
            max_value: None,
            cache: None,
            cycle: false,
            unlogged: false,
            owned_by: None,
            comment: None,
        }
    }
}

/// A column type as SQL spells it, e.g. `bigint`, `numeric(12,2)`,
/// `varchar(255)`, `text[]`, `int unsigned`, `enum('a','b')`, or the name
/// of a user-defined type (`order_status`, `billing.status`).
///
/// Types stay text: the three dialects disagree too much for one neutral
/// enum to be honest. Each dialect's normalizer rewrites aliases to one
/// canonical spelling (`int4` → `integer`), and only canonical spellings
/// are compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Type(pub String);

impl Type {
    pub fn new(s: impl Into<String>) -> Type {
        Type(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fragment of SQL the user wrote (a default, a check, an index
/// expression). It is pasted into emitted SQL as-is: it is SQL by nature.
///
/// A dialect's normalization replaces the text (`.0`) by its canonical
/// form, which is what equality compares, and keeps the text as written
/// beside it: the canonical form is for comparing only (it may drop a
/// cast the server keeps, `'1'::numeric` → `1`), so SQL is always written
/// from [`Expr::written`], which `Display` prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Expr(pub String, #[serde(skip)] pub Option<String>);

impl Expr {
    pub fn new(s: impl Into<String>) -> Expr {
        Expr(s.into(), None)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The text as the user (or the server's catalog) wrote it.
    pub fn written(&self) -> &str {
        self.1.as_deref().unwrap_or(&self.0)
    }
    /// `canonical` as what this expression compares as, keeping the text
    /// this one was written as.
    pub fn canonical(&self, canonical: impl Into<String>) -> Expr {
        let canonical = canonical.into();
        let written = self.written();
        let kept = (written != canonical).then(|| written.to_string());
        Expr(canonical, kept)
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.0 == other.0
    }
}

impl Eq for Expr {}

impl PartialOrd for Expr {
    fn partial_cmp(&self, other: &Expr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Expr {
    fn cmp(&self, other: &Expr) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl std::hash::Hash for Expr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.written())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: Name,
    /// In table order: position is part of the schema (MySQL keeps it,
    /// and a rebuild in SQLite must keep it too).
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Dialect-specific options: `with (engine = InnoDB, charset = utf8mb4)`,
    /// PostgreSQL storage parameters, SQLite `without_rowid` and `strict`
    /// (value `true`). A dialect rejects an option it does not know.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partitioning>,
    /// PostgreSQL table inheritance (`inherits (a, b)`), the parents in the
    /// server's order. The table's `columns` and `checks` are then its own
    /// only (a column it also inherits, declared again, is its own too):
    /// the rest come from the parents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Name>,
    #[serde(default, skip_serializing_if = "RowSecurity::is_default")]
    pub row_security: RowSecurity,
    /// PostgreSQL exclusion constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
    /// MySQL/MariaDB: the table's next `AUTO_INCREMENT` value, as
    /// introspection read it (`TABLES.AUTO_INCREMENT`). Not schema: never
    /// written in a file nor compared; it rides along so that the
    /// rollback which makes a dropped table again starts its counter
    /// where the table left it, and no id is handed out twice. Out of the
    /// JSON too: the fingerprint a plan records (`driver::fingerprint`)
    /// must not go stale because a row was inserted.
    #[serde(skip)]
    pub next_auto_increment: Option<u64>,
}

impl Table {
    pub fn new(name: Name) -> Table {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            options: BTreeMap::new(),
            partition: None,
            inherits: Vec::new(),
            renamed_from: None,
            row_security: RowSecurity::default(),
            exclusions: Vec::new(),
            next_auto_increment: None,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// `partition by range (at)` on a parent, or `partition of parent for values …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partitioning {
    /// `by` is the whole clause after `partition by`, e.g. `range (at)`.
    By { by: Expr },
    /// `bound` is the clause after `for values` (or `default`); `by`, a
    /// partition partitioned itself (two levels), its `partition by`.
    Of {
        parent: Name,
        bound: Expr,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<Expr>,
    },
}

impl Partitioning {
    /// The `partition by` clause of a partitioned table, a partition or
    /// not.
    pub fn key(&self) -> Option<&Expr> {
        match self {
            Partitioning::By { by } => Some(by),
            Partitioning::Of { by, .. } => by.as_ref(),
        }
    }
}

/// Whether `t` is partitioned (`partition by`), at the top or below.
pub fn is_partitioned(t: &Table) -> bool {
    t.partition.as_ref().and_then(Partitioning::key).is_some()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// MySQL character set of a text column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// MySQL `ON UPDATE` expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<Expr>,
    /// MySQL invisible column.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
    /// PostgreSQL statistics target (`ALTER COLUMN … SET STATISTICS`);
    /// `None` is the server's default (`default_statistics_target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<i32>,
    /// PostgreSQL's estimates of a column's distinct values
    /// (`ALTER COLUMN … SET (n_distinct = …, n_distinct_inherited = …)`).
    #[serde(default, skip_serializing_if = "Distinct::is_unset")]
    pub distinct: Distinct,
    /// PostgreSQL `SET STORAGE`; `None` is the type's own (`typstorage`),
    /// which normalization makes of a storage that names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// PostgreSQL `COMPRESSION` (14 and later); `None` is the server's
    /// `default_toast_compression` at the time a value is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Only on the desired side: the expression that converts old values
    /// when the type changes (PostgreSQL `USING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<Expr>,
    /// Only on the desired side: the value a new NOT NULL column takes in
    /// the rows already there (`backfill lower(name)`). Not part of the
    /// column's identity: the diff never compares it, so once the column
    /// exists the plan is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfill: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            ty: Type::new(ty),
            nullable: false,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            charset: None,
            on_update: None,
            invisible: false,
            statistics: None,
            distinct: Distinct::default(),
            storage: None,
            compression: None,
            comment: None,
            using: None,
            backfill: None,
            renamed_from: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Identity {
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`.
    Always {
        #[serde(default, skip_serializing_if = "SequenceOptions::is_empty")]
        options: SequenceOptions,
    },
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault {
        #[serde(default, skip_serializing_if = "SequenceOptions::is_empty")]
        options: SequenceOptions,
    },
    /// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
    AutoIncrement,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
}

impl SequenceOptions {
    pub fn is_empty(&self) -> bool {
        *self == SequenceOptions::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    pub expr: Expr,
    /// STORED when true, VIRTUAL when false.
    pub stored: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// `None` means "the name the database would generate"; dialect
    /// normalization fills it in where the database has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    /// PostgreSQL `DEFERRABLE [INITIALLY DEFERRED]`.
    #[serde(default, skip_serializing_if = "Deferral::is_default")]
    pub deferral: Deferral,
    /// Storage parameters of the key's index, `with (fillfactor = 80)`
    /// (PostgreSQL).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The key's comment: `COMMENT ON CONSTRAINT` on PostgreSQL, the
    /// comment on the key's index (`PRIMARY KEY (id) COMMENT 'x'`) on
    /// MySQL/MariaDB; SQLite keeps none (validation refuses it, E0239).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The key's index type where it is not the engine's default:
    /// `btree` on a MySQL/MariaDB MEMORY table, whose keys are hashes
    /// unless told (`PRIMARY KEY (…) USING BTREE`). Elsewhere none
    /// (validation refuses it, E0295).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A column's prefix length in the key, `primary key (a, b(187))`
    /// (MySQL/MariaDB `SUB_PART`); elsewhere none (E0296).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lengths: BTreeMap<String, u32>,
    /// The key's columns in descending order, `primary key (a, b desc)`
    /// (MySQL 8, MariaDB 10.8+: `STATISTICS.COLLATION = 'D'`); elsewhere
    /// none (E0257).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub descending: std::collections::BTreeSet<String>,
    /// On a PostgreSQL partition: the parent's key this one is attached
    /// to (the parent has a key of the same definition, and the
    /// partition's own key, under a name of its own, is the one the
    /// server attached). Never written in a file: the dialect's
    /// normalization derives it on both sides alike, and the emitter reads
    /// it to rename the key the parent's made rather than add a second.
    #[serde(skip)]
    pub attached_to: Option<String>,
}

impl PrimaryKey {
    /// An unnamed, immediate key on `columns`, with no options or comment.
    pub fn on(columns: Vec<String>) -> PrimaryKey {
        PrimaryKey {
            name: None,
            columns,
            deferral: Deferral::default(),
            options: BTreeMap::new(),
            comment: None,
            method: None,
            lengths: BTreeMap::new(),
            descending: Default::default(),
            attached_to: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    /// PostgreSQL 15 `NULLS NOT DISTINCT`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Deferral::is_default")]
    pub deferral: Deferral,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Storage parameters of the constraint's index (PostgreSQL).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// `COMMENT ON CONSTRAINT` (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// On a PostgreSQL partition: the parent's key this one is attached
    /// to (the parent has a key of the same definition, and the
    /// partition's own key, under a name of its own, is the one the
    /// server attached). Never written in a file: the dialect's
    /// normalization derives it on both sides alike, and the emitter reads
    /// it to rename the key the parent's made rather than add a second.
    #[serde(skip)]
    pub attached_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub expr: Expr,
    /// PostgreSQL `NOT VALID`: present but not checked against old rows.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
    /// PostgreSQL `NO INHERIT`: the check does not pass to child tables.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_inherit: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// MariaDB keeps a check written on a column's line apart from a
    /// table's (`CHECK_CONSTRAINTS.LEVEL`): the column it was written on.
    /// Other dialects leave it `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `COMMENT ON CONSTRAINT` (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: Name,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_update: FkAction,
    #[serde(default, skip_serializing_if = "Deferral::is_default")]
    pub deferral: Deferral,
    #[serde(default, skip_serializing_if = "MatchType::is_default")]
    pub match_type: MatchType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `COMMENT ON CONSTRAINT` (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A PostgreSQL partition's own foreign key that its parent's of the
    /// same definition is attached to (`conparentid`): the parent's name.
    /// Derived in normalization, never in a file.
    #[serde(skip)]
    pub attached_to: Option<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// No `ON DELETE` / `ON UPDATE` clause. Every server treats it as
    /// `NO ACTION`, but some catalogs remember whether it was written
    /// (MariaDB prints `RESTRICT` for an unspecified action and `NO ACTION`
    /// only when it was written).
    #[default]
    Unspecified,
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn is_default(&self) -> bool {
        *self == FkAction::Unspecified
    }
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Unspecified | FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    #[default]
    NotDeferrable,
    InitiallyImmediate,
    InitiallyDeferred,
}

impl Deferral {
    pub fn is_default(&self) -> bool {
        *self == Deferral::NotDeferrable
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchType {
    #[default]
    Simple,
    Full,
    Partial,
}

impl MatchType {
    pub fn is_default(&self) -> bool {
        *self == MatchType::Simple
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub parts: Vec<IndexPart>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    /// Access method: `btree`, `gin`, `gist`, `hash`, `brin`; MySQL
    /// `fulltext` and `spatial` are kinds of index and also go here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Expr>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Storage parameters, `with (fillfactor = 70)` (PostgreSQL).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The database holds the index but cannot use it (PostgreSQL
    /// `indisvalid` false, as a failed `CREATE INDEX CONCURRENTLY` leaves
    /// it). Only introspection sets it; a schema never wants it, so such
    /// an index always differs from the one wanted and is built again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalid: bool,
    /// On a PostgreSQL partition: the index of the parent this one is a
    /// partition of (the parent has an index of the same definition, so
    /// the server attaches the two). Never written in a file: the
    /// dialect's normalization derives it on both sides alike, and the
    /// emitter reads it to make the partition's own name land on the
    /// attached index rather than beside it.
    #[serde(skip)]
    pub attached_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    pub key: IndexKey,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
    /// `Some(true)` = NULLS FIRST, `Some(false)` = NULLS LAST, `None` = the
    /// database's default for the sort direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls_first: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// MySQL prefix length: `name(10)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
}

impl Index {
    /// An index named `name` on `columns`, each ascending, every other
    /// attribute at its default: the start of an index built in code, so
    /// that a field added to `Index` or `IndexPart` is written in one place.
    pub fn on_columns(name: Option<&str>, columns: &[&str]) -> Index {
        Index {
            name: name.map(str::to_string),
            parts: columns
                .iter()
                .map(|c| IndexPart::new(IndexKey::Column(c.to_string())))
                .collect(),
            unique: false,
            method: None,
            include: vec![],
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
            renamed_from: None,
            options: Default::default(),
            invalid: false,
            attached_to: None,
        }
    }
}

impl IndexPart {
    /// `key` ascending, with the database's defaults for the rest.
    pub fn new(key: IndexKey) -> IndexPart {
        IndexPart {
            key,
            desc: false,
            nulls_first: None,
            collation: None,
            opclass: None,
            length: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    Column(String),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: Name,
    /// The query, as SQL (the part after `AS`).
    pub body: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materialized: bool,
    /// Explicit column names, `create view v (a, b) as …`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Indexes on a materialized view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// PostgreSQL view options, `with (security_barrier, check_option =
    /// local)`; a materialized view's storage parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Name>,
    /// PostgreSQL's `COMMENT ON COLUMN` on a view's (or materialized
    /// view's) output columns, by column name. MySQL and SQLite keep none
    /// (validation refuses them, E0265).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_comments: BTreeMap<String, String>,
    /// What the server holds on this view that strata does not model
    /// (rules), as the server prints it: `DROP VIEW`
    /// takes it along, so a view made anew runs it again verbatim. Read
    /// from the database only, and never compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmodeled: Vec<String>,
    /// The query as the file or the server wrote it, kept when a dialect's
    /// normalization rewrites `body` into its comparison form: that form
    /// may drop what decides an output column's type (`'b'::mood AS m`),
    /// so a view is made with this text. Never compared, never serialized.
    #[serde(skip)]
    pub written: Option<String>,
}

impl View {
    /// The query as written: what a view is made with, and what its
    /// references are read from (a cast the comparison form drops still
    /// ties the view to its type).
    pub fn sql(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.body)
    }
}

/// A function or procedure; the whole definition is SQL the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: Name,
    /// The argument list as written between the parentheses.
    pub args: String,
    /// `returns …` clause, `None` for a procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    pub language: String,
    /// The body, without its dollar quotes; for a C function, the link
    /// symbol.
    pub body: String,
    /// A C function's shared library: `AS 'obj_file', 'link_symbol'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_file: Option<String>,
    /// The body is SQL-standard (`RETURN …`, `BEGIN ATOMIC … END`): part
    /// of the statement, parsed by the server, not a string constant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub standard_body: bool,
    /// `CREATE AGGREGATE name(args) (body)`: `body` holds the options
    /// (`sfunc = f, stype = t`), `language` is empty, `returns` `None`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aggregate: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "FunctionAttributes::is_default")]
    pub attributes: FunctionAttributes,
    /// `with (…)`: MySQL's characteristics of a stored routine
    /// (`deterministic`, `data_access`, `sql_security`, `definer`) and the
    /// session it was created under (`sql_mode`, `character_set_client`,
    /// `collation_connection`), each when not the default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

impl Function {
    /// Name and argument list with its whitespace collapsed: what tells
    /// two functions of one name apart as written. A dialect whose
    /// normalization knows the argument types keys by those instead.
    pub fn key(&self) -> (Name, String) {
        (
            self.name.clone(),
            self.args.split_whitespace().collect::<Vec<_>>().join(" "),
        )
    }

    /// Whether `CREATE OR REPLACE` can turn `self` into `to`: PostgreSQL
    /// refuses a new result type, new argument names or defaults, or a
    /// function turned aggregate; those are dropped and created anew.
    pub fn replaceable_by(&self, to: &Function) -> bool {
        self.aggregate == to.aggregate && self.args == to.args && self.returns == to.returns
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub table: Name,
    /// `before`, `after` or `instead of`.
    pub timing: String,
    /// Events as written: `insert`, `update of a, b`, `delete`, `truncate`.
    pub events: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub for_each_row: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Expr>,
    /// What the trigger runs: PostgreSQL `execute function f()`, SQLite and
    /// MySQL the `begin … end` block (or single statement).
    pub body: String,
    /// `with (…)`: the MySQL session the trigger was created under, where
    /// not the default: `sql_mode` (`||` is OR or concatenation),
    /// `character_set_client` and `collation_connection` (what a string
    /// literal in its body is).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// PostgreSQL's `COMMENT ON TRIGGER`; MySQL and SQLite keep none
    /// (validation refuses it, E0253).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Points at one object of a schema; validation and the syntax layer's
/// source map both speak in these, so that diagnostics can find a span
/// without the IR knowing about source text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ObjectRef {
    Schema,
    Extension {
        name: String,
    },
    Namespace {
        name: String,
    },
    Enum {
        name: Name,
    },
    Sequence {
        name: Name,
    },
    Table {
        name: Name,
    },
    Column {
        table: Name,
        column: String,
    },
    PrimaryKey {
        table: Name,
    },
    Unique {
        table: Name,
        index: usize,
    },
    Check {
        table: Name,
        index: usize,
    },
    ForeignKey {
        table: Name,
        index: usize,
    },
    Index {
        table: Name,
        index: usize,
    },
    View {
        name: Name,
    },
    Function {
        name: Name,
        /// The argument list, as in [`Function::key`].
        args: String,
    },
    Trigger {
        table: Name,
        name: String,
    },
    Policy {
        table: Name,
        name: String,
    },
    /// The privileges one `grant` line gives one role on one object.
    Grant {
        on: GrantOn,
        grantee: String,
        grant_option: bool,
    },
    /// One `revoke all … from` line.
    Revocation {
        on: GrantOn,
        grantee: String,
    },
    Domain {
        name: Name,
    },
    Event {
        name: Name,
    },
    Composite {
        name: Name,
    },
    Range {
        name: Name,
    },
    Collation {
        name: Name,
    },
    TextSearchConfig {
        name: Name,
    },
    Statistics {
        name: Name,
    },
    Exclusion {
        table: Name,
        index: usize,
    },
}

impl Schema {
    /// The schema without migration hints (`renamed_from`, `using`): what
    /// a database holding this schema would introspect as.
    pub fn without_hints(&self) -> Schema {
        let mut s = self.clone();
        for t in s.tables.values_mut() {
            t.renamed_from = None;
            for c in &mut t.columns {
                c.renamed_from = None;
                c.using = None;
                c.backfill = None;
            }
            t.uniques.iter_mut().for_each(|u| u.renamed_from = None);
            t.checks.iter_mut().for_each(|c| c.renamed_from = None);
            t.foreign_keys
                .iter_mut()
                .for_each(|f| f.renamed_from = None);
            t.indexes.iter_mut().for_each(|i| i.renamed_from = None);
        }
        for v in s.views.values_mut() {
            v.renamed_from = None;
        }
        // Acknowledgements speak to the plan, like the hints: a database
        // never holds them.
        s.acknowledgements.clear();
        s
    }

    /// The roles whose privileges this schema manages: every grantee it
    /// names. Grants to other roles in a database are left alone, so a
    /// schema without grants never revokes anything.
    pub fn grantees(&self) -> std::collections::BTreeSet<&str> {
        self.grants.values().map(|g| g.grantee.as_str()).collect()
    }

    /// Whether this schema revokes all from `grantee` on `on`, so that it
    /// manages that role's privileges there whatever
    /// [`Schema::grantees`] says.
    pub fn revokes(&self, on: &GrantOn, grantee: &str) -> bool {
        self.revocations.contains(&Revocation {
            on: on.clone(),
            grantee: grantee.to_string(),
        })
    }

    /// This schema (a database's) without the default namespace's owner
    /// and privileges, and without an extension's installed version,
    /// where `declared` says nothing of them: a file that never mentions
    /// `public` or a version leaves them alone, so it compares equal to
    /// the database it was applied to.
    pub fn without_unmanaged(&self, declared: &Schema) -> Schema {
        let mut out = self.clone();
        for (key, e) in &mut out.extensions {
            if declared
                .extensions
                .get(key)
                .is_none_or(|d| d.version.is_none())
            {
                e.version = None;
            }
        }
        let public = GrantOn::Schema("public".into());
        if !declared.namespaces.contains_key("public") {
            out.namespaces.remove("public");
        }
        let states = declared.grants.values().any(|g| g.on == public)
            || declared.revocations.iter().any(|r| r.on == public);
        if !states {
            out.grants.retain(|_, g| g.on != public);
            out.revocations.retain(|r| r.on != public);
        }
        out
    }
}
