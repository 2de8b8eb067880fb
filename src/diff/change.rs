use serde::Serialize;

use crate::ir::{
    Check, Collation, Column, Composite, Domain, Enum, Event, Exclusion, Expr, Extension,
    ForeignKey, Function, Grant, Index, Name, Namespace, Policy, PrimaryKey, RangeType,
    RowSecurity, Sequence, Statistics, Table, TextSearchConfig, Trigger, Unique, View,
};

/// One thing that differs between two schemas. Every variant carries both
/// sides it needs, so that the reverse change (and so the rollback) needs
/// no second look at the database.
// A plan holds at most thousands of changes: plain values read better
// than boxes, and the size difference costs nothing that matters.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    CreateExtension(Extension),
    DropExtension(Extension),
    /// Another version of an extension both sides have in one namespace
    /// (`ALTER EXTENSION … UPDATE TO`); only where `to` names a version.
    AlterExtension {
        from: Extension,
        to: Extension,
    },
    CreateNamespace(Namespace),
    DropNamespace(Namespace),
    /// A new owner for a namespace both sides have (`from.owner` `None`:
    /// the role that applies the plan).
    AlterNamespace {
        from: Namespace,
        to: Namespace,
    },
    CreateEnum(Enum),
    DropEnum(Enum),
    AlterEnum {
        from: Enum,
        to: Enum,
    },
    CreateSequence(Sequence),
    DropSequence(Sequence),
    AlterSequence {
        from: Sequence,
        to: Sequence,
    },
    CreateTable(Table),
    DropTable(Table),
    /// Everything that changes inside one table that both sides have.
    /// `from` and `to` are the whole table before and after (after a
    /// rename, `to.name` is the new name), so that a dialect that must
    /// rebuild the table (SQLite) has all it needs.
    AlterTable {
        from: Table,
        to: Table,
        changes: Vec<TableChange>,
    },
    CreateView(View),
    DropView(View),
    /// A view whose body or columns changed (dropped and recreated, or
    /// `CREATE OR REPLACE` where the dialect allows it).
    ReplaceView {
        from: View,
        to: View,
    },
    RenameView {
        from: Name,
        to: Name,
    },
    /// A view both sides have that differs in its comment or its
    /// columns' comments alone (`COMMENT ON`; anything else replaces it).
    SetViewComments {
        from: View,
        to: View,
    },
    CreateFunction(Function),
    DropFunction(Function),
    ReplaceFunction {
        from: Function,
        to: Function,
    },
    CreateTrigger(Trigger),
    DropTrigger(Trigger),
    /// A trigger both sides have that differs in its comment alone
    /// (`COMMENT ON TRIGGER`; anything else drops and creates it).
    SetTriggerComment {
        from: Trigger,
        to: Trigger,
    },
    /// Row-level security switched on or off, forced or not, on a table
    /// both sides have (`table` is its new name) or a new one.
    SetRowSecurity {
        table: Name,
        from: RowSecurity,
        to: RowSecurity,
    },
    CreatePolicy(Policy),
    DropPolicy(Policy),
    /// Roles, `using` or `with check` changed: what `ALTER POLICY` can do.
    AlterPolicy {
        from: Policy,
        to: Policy,
    },
    Grant(Grant),
    Revoke(Grant),
    /// The same privilege, with or without the grant option.
    AlterGrant {
        from: Grant,
        to: Grant,
    },
    CreateDomain(Domain),
    DropDomain(Domain),
    /// Default, NOT NULL, checks or comment of a domain; a change of base
    /// type or collation is refused by the emitter.
    AlterDomain {
        from: Domain,
        to: Domain,
    },
    CreateEvent(Event),
    DropEvent(Event),
    /// Schedule, completion, status, comment or body of an event both
    /// sides have (`ALTER EVENT`; MySQL's emitter drops and creates it
    /// again when its definer or creation session changes).
    AlterEvent {
        from: Event,
        to: Event,
    },
    CreateComposite(Composite),
    DropComposite(Composite),
    /// Attributes added, dropped or retyped, or the comment: what `ALTER
    /// TYPE` can do in place (new attributes go last).
    AlterComposite {
        from: Composite,
        to: Composite,
    },
    CreateRange(RangeType),
    DropRange(RangeType),
    /// Only a comment can change in place; anything else is refused by
    /// the emitter.
    AlterRange {
        from: RangeType,
        to: RangeType,
    },
    CreateCollation(Collation),
    DropCollation(Collation),
    /// A collation both sides have that differs. The server alters only
    /// its comment in place; the differ makes a drop and a create instead
    /// when nothing uses the collation, so anything else reaching the
    /// emitter is refused, naming `users` (what the schemas have that
    /// uses it: `column t.c`, `domain d`).
    AlterCollation {
        from: Collation,
        to: Collation,
        users: Vec<String>,
    },
    CreateTextSearchConfig(TextSearchConfig),
    DropTextSearchConfig(TextSearchConfig),
    /// Mappings added, dropped or changed, or the comment (a changed
    /// parser is a drop and a create).
    AlterTextSearchConfig {
        from: TextSearchConfig,
        to: TextSearchConfig,
    },
    CreateStatistics(Statistics),
    DropStatistics(Statistics),
    /// A statistics object both sides have that differs in its target or
    /// comment alone (anything else drops and creates it).
    AlterStatistics {
        from: Statistics,
        to: Statistics,
    },
}

/// A change inside one table.
// A plan holds at most thousands of changes: plain values read better
// than boxes, and the size difference costs nothing that matters.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TableChange {
    RenameTable {
        from: Name,
        to: Name,
    },
    AddColumn(Column),
    DropColumn(Column),
    RenameColumn {
        from: String,
        to: String,
    },
    AlterColumn {
        from: Column,
        to: Column,
        what: ColumnChanges,
    },
    AddPrimaryKey(PrimaryKey),
    DropPrimaryKey(PrimaryKey),
    AddUnique(Unique),
    DropUnique(Unique),
    RenameUnique {
        from: String,
        to: String,
    },
    AddCheck(Check),
    DropCheck(Check),
    RenameCheck {
        from: String,
        to: String,
    },
    AddForeignKey(ForeignKey),
    DropForeignKey(ForeignKey),
    RenameForeignKey {
        from: String,
        to: String,
    },
    AddIndex(Index),
    DropIndex(Index),
    RenameIndex {
        from: String,
        to: String,
    },
    SetComment {
        from: Option<String>,
        to: Option<String>,
    },
    /// The comment of a constraint both sides have alike otherwise.
    /// `name` is its name after the change, `old_name` before: they differ
    /// when it is renamed too (renames run before it in both directions).
    SetConstraintComment {
        name: String,
        old_name: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// An index both sides have by one name, the same but for its comment
    /// (`COMMENT ON INDEX` on PostgreSQL; MySQL makes the index again).
    SetIndexComment {
        from: Index,
        to: Index,
    },
    SetOptions {
        from: std::collections::BTreeMap<String, String>,
        to: std::collections::BTreeMap<String, String>,
    },
    AddExclusion(Exclusion),
    DropExclusion(Exclusion),
    /// PostgreSQL `ALTER TABLE … INHERIT parent`.
    Inherit(Name),
    /// PostgreSQL `ALTER TABLE … NO INHERIT parent`.
    NoInherit(Name),
    /// PostgreSQL `ALTER TABLE parent ATTACH PARTITION … FOR VALUES bound`
    /// (`bound` as [`crate::ir::Partitioning::Of`] holds it). `key` is the
    /// parent's `partition by` clause, from which an online plan writes a
    /// check that spares the server its scan.
    AttachPartition {
        parent: Name,
        bound: Expr,
        key: Option<Expr>,
    },
    /// PostgreSQL `ALTER TABLE parent DETACH PARTITION …`; `bound` and
    /// `key` are as they were, for the reverse.
    DetachPartition {
        parent: Name,
        bound: Expr,
        key: Option<Expr>,
    },
    /// MySQL/MariaDB `ALTER TABLE … PARTITION BY to`, or `REMOVE
    /// PARTITIONING` when `to` is none: the server moves the rows into
    /// the new layout (the clauses as [`crate::ir::Partitioning::By`]
    /// holds them). Only MySQL schemas get it ([`crate::diff`]).
    Repartition {
        from: Option<Expr>,
        to: Option<Expr>,
    },
}

/// Which attributes of a column differ; several may at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ColumnChanges {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ty: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub identity: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub collation: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub charset: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub on_update: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub statistics: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub distinct: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub storage: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub compression: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub comment: bool,
    /// The column moved among the columns both sides keep. Set by the
    /// differ (it needs the whole table), never by [`ColumnChanges::between`];
    /// the planner drops it for dialects that cannot move a column.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub position: bool,
}

impl ColumnChanges {
    pub fn between(from: &Column, to: &Column) -> ColumnChanges {
        ColumnChanges {
            ty: from.ty != to.ty,
            nullable: from.nullable != to.nullable,
            default: from.default != to.default,
            identity: from.identity != to.identity,
            generated: from.generated != to.generated,
            collation: from.collation != to.collation,
            charset: from.charset != to.charset,
            on_update: from.on_update != to.on_update,
            invisible: from.invisible != to.invisible,
            statistics: from.statistics != to.statistics,
            distinct: from.distinct != to.distinct,
            storage: from.storage != to.storage,
            compression: from.compression != to.compression,
            comment: from.comment != to.comment,
            position: false,
        }
    }

    pub fn any(&self) -> bool {
        *self != ColumnChanges::default()
    }
}
