//! PostgreSQL's hazards of a change: the locks, rewrites, index builds and
//! checks that may fail, on top of the dialect-free ones the planner
//! finds. Computed from the change alone (no SQL is written here); the
//! emitter attaches the same hazards to the statements it writes, asking
//! the functions here for them.
//!
//! The rules follow the server the plan is for ([`ServerVersion`]: read
//! from it when connected, else `server_version`, else PostgreSQL 12, the
//! oldest strata reads). A nullable `ADD COLUMN`, one with a constant
//! default (from 11; before, every row is written), `DROP COLUMN`,
//! `SET`/`DROP DEFAULT`, `DROP NOT NULL` and a `NOT VALID` check or
//! foreign key change the catalog alone and hold their lock for an
//! instant, so they carry no `access_exclusive_lock` hazard; an online
//! `SET NOT NULL` skips its scan through a validated check from 12 only
//! (docs/hazards.md, "Server versions").

use super::types::{self, binary_compatible, narrows, only_additions};
use crate::dialect::version::{Product, ServerVersion};
use crate::dialect::EmitOptions;
use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{
    Attribute, Check, Column, Composite, Domain, Enum, Exclusion, ForeignKey, Index, Name, Unique,
};
use crate::plan::{Hazard, HazardKind};

/// Hazards of a whole change, for the planner.
pub fn hazards(change: &Change, options: &EmitOptions) -> Vec<Hazard> {
    let mut h = match change {
        Change::AlterTable { from, changes, .. } => changes
            .iter()
            .flat_map(|tc| table_change(&from.name, tc, options))
            .collect(),
        Change::AlterEnum { from, to } if from.values != to.values => alter_enum(from, to),
        Change::DropTable(t) => vec![hazard(
            HazardKind::DataLoss,
            format!("dropping table {} deletes all its rows", t.name),
        )],
        Change::ReplaceView { to, .. } if to.materialized => vec![hazard(
            HazardKind::IndexBuild,
            format!("materialized view {} is computed again", to.name),
        )],
        Change::AlterDomain { from, to } => alter_domain(from, to, options),
        Change::AlterComposite { from, to } => composite_hazards(from, to),
        Change::AlterExtension { to, .. } => update_extension(to),
        _ => vec![],
    };
    h.sort();
    h.dedup();
    h
}

/// `ALTER EXTENSION … UPDATE TO` runs the update scripts the server has
/// installed, chained from the old version to the new one; where there is
/// no chain (most extensions ship none that goes back to an older
/// version, so the rollback of an update usually has none) the server
/// refuses and the transaction rolls back.
pub(super) fn update_extension(to: &crate::ir::Extension) -> Vec<Hazard> {
    vec![hazard(
        HazardKind::MayFail,
        format!(
            "updating extension {} to version {} needs the server to have a chain of update scripts to it",
            to.name,
            to.version.as_deref().unwrap_or("(default)")
        ),
    )]
}

/// New labels are committed on their own; removed or reordered ones swap
/// the type under every column of it.
fn alter_enum(from: &Enum, to: &Enum) -> Vec<Hazard> {
    if only_additions(&from.values, &to.values) {
        vec![hazard(
            HazardKind::NotTransactional,
            format!(
                "new labels of {} are committed before the main transaction",
                to.name
            ),
        )]
    } else {
        vec![
            hazard(
                HazardKind::AccessExclusiveLock,
                format!("tables using {} are locked", to.name),
            ),
            hazard(
                HazardKind::TableRewrite,
                format!("columns of type {} are converted", to.name),
            ),
            hazard(
                HazardKind::MayFail,
                format!("rows holding a removed label of {} make it fail", to.name),
            ),
        ]
    }
}

/// Hazards of one change inside a table.
fn table_change(table: &Name, tc: &TableChange, options: &EmitOptions) -> Vec<Hazard> {
    let online = options.online;
    let server = options.server(crate::ir::DialectKind::Postgres);
    match tc {
        TableChange::AddColumn(c) => add_column(table, c, &server),
        TableChange::DropColumn(c) => drop_column(table, c),
        TableChange::AlterColumn { from, to, what } => {
            alter_column(table, from, to, what, online, &server)
        }
        TableChange::AddPrimaryKey(_) => add_primary_key(table),
        TableChange::AddUnique(u) => add_unique(table, u, online),
        TableChange::AddCheck(c) => add_check(table, c, online),
        TableChange::AddForeignKey(f) => add_foreign_key(table, f, online),
        TableChange::AddIndex(ix) => add_index(table, ix, online),
        TableChange::DropIndex(_) => drop_index(table, online),
        TableChange::RenameTable { .. }
        | TableChange::RenameColumn { .. }
        | TableChange::DropPrimaryKey(_)
        | TableChange::DropUnique(_)
        | TableChange::DropExclusion(_)
        | TableChange::Inherit(_)
        | TableChange::NoInherit(_) => vec![lock(table)],
        TableChange::AddExclusion(x) => exclusion(table, x),
        TableChange::AttachPartition { parent, .. } => attach_partition(table, parent, online),
        TableChange::DetachPartition { parent, .. } => detach_partition(table, parent),
        _ => vec![],
    }
}

/// `ATTACH PARTITION` proves every row of the table fits the bound: by a
/// scan under the table's ACCESS EXCLUSIVE lock, unless a valid check
/// implies the bound (the online plan validates one first). That a row
/// outside it makes the attach fail is the dialect-free
/// `plan::hazard::partition_bound`.
pub(super) fn attach_partition(table: &Name, parent: &Name, online: bool) -> Vec<Hazard> {
    let message = if online {
        format!(
            "{table} is attached to {parent} under an ACCESS EXCLUSIVE lock, without a scan where the bound is a range or list over one column (a validated check of it spares the scan)"
        )
    } else {
        format!(
            "ATTACH PARTITION scans {table} under an ACCESS EXCLUSIVE lock to check its rows against the bound (plan --online validates a NOT VALID check of the bound first, which spares the scan)"
        )
    };
    vec![hazard(HazardKind::AccessExclusiveLock, message)]
}

/// `DETACH PARTITION` (not `CONCURRENTLY`) locks the parent and the
/// partition.
pub(super) fn detach_partition(table: &Name, parent: &Name) -> Vec<Hazard> {
    vec![hazard(
        HazardKind::AccessExclusiveLock,
        format!("DETACH PARTITION locks {parent} and {table} (ACCESS EXCLUSIVE) for an instant"),
    )]
}

/// A volatile default, a serial, identity or generated column fills every
/// row under the lock; any other new column is a catalog change (a
/// constant default is stored once from PostgreSQL 11; before, any
/// default is written into every row). NOT NULL without a default fails
/// on a table with rows.
pub(super) fn add_column(table: &Name, c: &Column, server: &ServerVersion) -> Vec<Hazard> {
    let mut h = Vec::new();
    let stored_once = server.at_least(Product::Postgres, (11, 0, 0));
    let has_default = c
        .default
        .as_ref()
        .is_some_and(|d| !d.as_str().eq_ignore_ascii_case("null"));
    let volatile = c.default.as_ref().is_some_and(|d| {
        let d = d.as_str().to_lowercase();
        d.contains("random(")
            || d.contains("gen_random_uuid(")
            || d.contains("nextval(")
            || d.contains("clock_timestamp(")
    }) || types::serial_base(c.ty.as_str()).is_some()
        || c.generated.is_some()
        || c.identity.is_some()
        || (has_default && !stored_once);
    if volatile {
        h.push(lock(table));
        h.push(hazard(
            HazardKind::TableRewrite,
            format!(
                "adding {table}.{} fills every row, rewriting the table",
                c.name
            ),
        ));
    }
    if !c.nullable
        && c.default.is_none()
        && c.identity.is_none()
        && c.generated.is_none()
        && types::serial_base(c.ty.as_str()).is_none()
    {
        h.push(hazard(
            HazardKind::MayFail,
            format!(
                "{table}.{} is NOT NULL without a default: fails if the table has rows",
                c.name
            ),
        ));
    }
    h
}

/// The column is only marked dropped in the catalog: no lock hazard, but
/// its values are gone.
pub(super) fn drop_column(table: &Name, c: &Column) -> Vec<Hazard> {
    vec![hazard(
        HazardKind::DataLoss,
        format!("dropping {table}.{} deletes its values", c.name),
    )]
}

fn alter_column(
    table: &Name,
    from: &Column,
    to: &Column,
    what: &ColumnChanges,
    online: bool,
    server: &ServerVersion,
) -> Vec<Hazard> {
    let mut h = Vec::new();
    if what.ty {
        let f = types::serial_base(from.ty.as_str()).unwrap_or(from.ty.as_str());
        let t = types::serial_base(to.ty.as_str()).unwrap_or(to.ty.as_str());
        if f != t {
            h.extend(type_change_hazards(table, &to.name, f, t));
        }
    }
    if what.nullable && !to.nullable {
        h.push(hazard(
            HazardKind::MayFail,
            format!("{table}.{} may hold nulls", to.name),
        ));
        if !online {
            h.push(lock(table));
        } else {
            h.extend(online_set_not_null(table, &to.name, server));
        }
    }
    if what.generated && to.generated.is_some() {
        h.push(hazard(
            HazardKind::TableRewrite,
            format!("{table}.{} is recomputed for every row", to.name),
        ));
    }
    h
}

/// Online, `SET NOT NULL` follows a validated `CHECK (… IS NOT NULL)`;
/// PostgreSQL reads that check to skip its scan only from 12.
pub(super) fn online_set_not_null(table: &Name, col: &str, server: &ServerVersion) -> Vec<Hazard> {
    if server.at_least(Product::Postgres, (12, 0, 0)) {
        return Vec::new();
    }
    vec![hazard(
        HazardKind::AccessExclusiveLock,
        format!("before PostgreSQL 12, SET NOT NULL on {table}.{col} scans the table under its lock even after the check is validated ({server})"),
    )]
}

pub(super) fn add_primary_key(table: &Name) -> Vec<Hazard> {
    vec![
        lock(table),
        hazard(
            HazardKind::IndexBuild,
            format!("the primary key of {table} builds an index"),
        ),
        hazard(
            HazardKind::MayFail,
            format!("duplicate or null keys in {table} make it fail"),
        ),
    ]
}

/// Online, a named unique constraint's index is built concurrently.
pub(super) fn add_unique(table: &Name, u: &Unique, online: bool) -> Vec<Hazard> {
    let mut h = vec![
        hazard(
            HazardKind::IndexBuild,
            format!(
                "unique ({}) on {table} builds an index",
                u.columns.join(", ")
            ),
        ),
        hazard(
            HazardKind::MayFail,
            format!("duplicate values in {table} make it fail"),
        ),
    ];
    if online && u.name.is_some() {
        h.push(hazard(
            HazardKind::NotTransactional,
            "the index is built concurrently, outside the transaction",
        ));
    } else {
        h.push(lock(table));
    }
    h
}

pub(super) fn add_check(table: &Name, c: &Check, online: bool) -> Vec<Hazard> {
    let mut h = vec![];
    if !c.not_valid {
        h.push(hazard(
            HazardKind::MayFail,
            format!("rows of {table} that break the check make it fail"),
        ));
    }
    if !online {
        h.push(lock(table));
    }
    h
}

pub(super) fn add_foreign_key(table: &Name, f: &ForeignKey, online: bool) -> Vec<Hazard> {
    let mut h = vec![];
    if !f.not_valid {
        h.push(hazard(
            HazardKind::MayFail,
            format!(
                "rows of {table} without a match in {} make it fail",
                f.ref_table
            ),
        ));
    }
    if !online {
        h.push(lock(table));
    }
    h
}

pub(super) fn add_index(table: &Name, ix: &Index, online: bool) -> Vec<Hazard> {
    let mut h = vec![hazard(
        HazardKind::IndexBuild,
        format!(
            "building index {} on {table}",
            ix.name.as_deref().unwrap_or("")
        ),
    )];
    if online {
        h.push(hazard(
            HazardKind::NotTransactional,
            "CREATE INDEX CONCURRENTLY runs outside the transaction",
        ));
    }
    if ix.unique {
        h.push(hazard(
            HazardKind::MayFail,
            format!("duplicate values in {table} make the unique index fail"),
        ));
    }
    h
}

pub(super) fn drop_index(table: &Name, online: bool) -> Vec<Hazard> {
    if online {
        vec![hazard(
            HazardKind::NotTransactional,
            "DROP INDEX CONCURRENTLY runs outside the transaction",
        )]
    } else {
        vec![lock(table)]
    }
}

/// `SET LOGGED`/`UNLOGGED` rewrites the table under its lock. Only the
/// statement carries these: [`table_change`] does not list them.
pub(super) fn set_logged(table: &Name) -> Vec<Hazard> {
    vec![
        lock(table),
        hazard(
            HazardKind::TableRewrite,
            format!("{} is rewritten to change its logging", table),
        ),
    ]
}

pub(super) fn type_change_hazards(table: &Name, col: &str, from: &str, to: &str) -> Vec<Hazard> {
    let mut h = vec![lock(table)];
    if !binary_compatible(from, to) {
        h.push(hazard(
            HazardKind::TableRewrite,
            format!("changing {table}.{col} from {from} to {to} rewrites the table"),
        ));
    }
    // A widening the planner knows keeps every value (`integer[]` to
    // `bigint[]`, `timestamp` to `timestamptz`) is no loss: calling it one
    // would refuse a safe plan without --allow-destructive.
    if narrows(from, to) && !crate::plan::hazard::keeps_values(from, to) {
        h.push(hazard(
            HazardKind::DataLoss,
            format!("{table}.{col} narrows from {from} to {to}: values that do not fit are lost or refused"),
        ));
        h.push(hazard(
            HazardKind::MayFail,
            format!("existing values of {table}.{col} may not convert to {to}"),
        ));
    }
    h
}

fn alter_domain(from: &Domain, to: &Domain, options: &EmitOptions) -> Vec<Hazard> {
    let mut h = Vec::new();
    if to.not_null && !from.not_null {
        h.push(not_null_hazard(&to.name));
    }
    for c in to.checks.iter().filter(|c| !from.checks.contains(c)) {
        if !c.not_valid || options.online {
            h.push(check_hazard(&to.name, c));
        }
    }
    h
}

/// An attribute dropped or retyped loses or converts its values in every
/// column of the type; a retype is refused by the server while a table
/// column uses the type.
fn composite_hazards(from: &Composite, to: &Composite) -> Vec<Hazard> {
    from.attributes
        .iter()
        .filter_map(|a| {
            let b = to.attributes.iter().find(|b| b.name == a.name);
            attribute_hazard(&to.name, a, b)
        })
        .collect()
}

/// The hazard of one attribute `a` of type `ty` becoming `b` (`None`:
/// dropped).
pub(super) fn attribute_hazard(ty: &Name, a: &Attribute, b: Option<&Attribute>) -> Option<Hazard> {
    match b {
        None => Some(hazard(
            HazardKind::DataLoss,
            format!(
                "dropping attribute {} of type {ty} deletes its values in every column of the type",
                a.name
            ),
        )),
        Some(b) if b != a => Some(hazard(
            HazardKind::MayFail,
            format!(
                "attribute {} of type {ty} cannot change type while a table column uses the type",
                a.name
            ),
        )),
        Some(_) => None,
    }
}

pub(super) fn not_null_hazard(domain: &Name) -> Hazard {
    hazard(
        HazardKind::MayFail,
        format!("every column of domain {domain} is scanned: a NULL in any of them makes SET NOT NULL fail"),
    )
}

pub(super) fn check_hazard(domain: &Name, c: &Check) -> Hazard {
    hazard(
        HazardKind::MayFail,
        format!(
            "every column of domain {domain} is scanned: a value that breaks {} makes it fail",
            c.name.as_deref().unwrap_or("the check")
        ),
    )
}

/// An exclusion constraint builds its index under an ACCESS EXCLUSIVE
/// lock, and PostgreSQL has no `NOT VALID` for it, not even online.
pub(super) fn exclusion(table: &Name, x: &Exclusion) -> Vec<Hazard> {
    vec![
        lock(table),
        hazard(
            HazardKind::IndexBuild,
            format!(
                "exclusion constraint {} on {table} builds a {} index, and cannot be added NOT VALID",
                x.name.as_deref().unwrap_or_default(),
                x.method
            ),
        ),
        hazard(
            HazardKind::MayFail,
            format!(
                "rows of {table} that conflict under {} make it fail",
                x.name.as_deref().unwrap_or("the exclusion constraint")
            ),
        ),
    ]
}

pub(super) fn hazard(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
        acknowledged: None,
    }
}

pub(super) fn lock(t: &Name) -> Hazard {
    hazard(
        HazardKind::AccessExclusiveLock,
        format!("{t} is locked against reads and writes while this runs"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::ir::Expr;

    fn pg(major: u32) -> ServerVersion {
        ServerVersion::new(Product::Postgres, major, 0, 0)
    }

    fn kinds(h: &[Hazard]) -> Vec<HazardKind> {
        h.iter().map(|h| h.kind).collect()
    }

    #[test]
    fn a_constant_default_rewrites_before_11_only() {
        let t = Name::new("users");
        let mut c = Column::new("flag", "boolean");
        c.default = Some(Expr::new("false"));
        let old = add_column(&t, &c, &pg(10));
        assert!(kinds(&old).contains(&HazardKind::TableRewrite), "{old:?}");
        assert!(kinds(&old).contains(&HazardKind::AccessExclusiveLock));
        assert_eq!(add_column(&t, &c, &pg(11)), vec![]);
        assert_eq!(add_column(&t, &c, &pg(15)), vec![]);
        // No default: a catalog change on every release.
        let mut bare = Column::new("note", "text");
        bare.nullable = true;
        assert_eq!(add_column(&t, &bare, &pg(10)), vec![]);
        // A volatile default writes every row on every release.
        let mut v = Column::new("r", "float8");
        v.default = Some(Expr::new("random()"));
        assert!(kinds(&add_column(&t, &v, &pg(15))).contains(&HazardKind::TableRewrite));
    }

    #[test]
    fn online_set_not_null_scans_before_12_only() {
        let t = Name::new("users");
        let mut a = Column::new("email", "text");
        a.nullable = true;
        let b = Column::new("email", "text");
        let what = ColumnChanges::between(&a, &b);
        let at = |v| alter_column(&t, &a, &b, &what, true, &pg(v));
        assert!(kinds(&at(11)).contains(&HazardKind::AccessExclusiveLock));
        assert!(!kinds(&at(12)).contains(&HazardKind::AccessExclusiveLock));
        // Offline (not online) it is locked on every release.
        let plain = alter_column(&t, &a, &b, &what, false, &pg(15));
        assert!(kinds(&plain).contains(&HazardKind::AccessExclusiveLock));
    }

    #[test]
    fn the_planner_reads_the_version_from_the_options() {
        let from = crate::ir::Table::new(Name::new("users"));
        let mut c = Column::new("flag", "boolean");
        c.default = Some(Expr::new("true"));
        let mut to = from.clone();
        to.columns.push(c.clone());
        let change = Change::AlterTable {
            from,
            to,
            changes: vec![TableChange::AddColumn(c)],
        };
        let mut options = EmitOptions::default();
        assert_eq!(hazards(&change, &options), vec![], "default: PostgreSQL 12");
        options.server = Some(pg(10));
        assert!(kinds(&hazards(&change, &options)).contains(&HazardKind::TableRewrite));
    }
}
