//! The dependencies the server records among the objects it reads
//! (`pg_depend`; a view's are its `_RETURN` rule's), at the grain the
//! planner orders ([`crate::ir::DepObject`]), and what strata does not
//! model that leans on them. One query, whatever the size of the schema.

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::name_of;
use crate::ir::{DepObject, Depends, Schema, Unmodeled};

/// Each user object (oid ≥ 16384, the first a database's own objects
/// get) as the planner names it: its kind, namespace, name and, for a
/// trigger or policy, its own name beside its table's. A constraint,
/// default or index is its table; a view's rewrite rule is its view; a
/// table's row type is the table; an array type is its element type.
/// `$defaults` and `$constraints` narrow the defaults and constraints
/// named (a `WHERE` and an `AND` clause), or are empty.
macro_rules! objects {
    ($defaults:literal, $constraints:literal) => {
        concat!(
            "SELECT 'pg_class'::regclass, c.oid, \
               CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type' ELSE 'relation' END, \
               n.nspname, c.relname, '' \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c') \
             UNION ALL \
             SELECT 'pg_class'::regclass, x.indexrelid, 'relation', n.nspname, t.relname, '' \
             FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE x.indexrelid >= 16384 \
             UNION ALL \
             SELECT 'pg_type'::regclass, t.oid, \
               CASE WHEN r.relkind IS NOT NULL AND r.relkind <> 'c' THEN 'relation' ELSE 'type' END, \
               n.nspname, b.typname, '' \
             FROM pg_type t \
             JOIN pg_type b ON b.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 \
               THEN t.typelem ELSE t.oid END \
             JOIN pg_namespace n ON n.oid = b.typnamespace \
             LEFT JOIN pg_class r ON r.oid = b.typrelid \
             WHERE t.oid >= 16384 \
             UNION ALL \
             SELECT 'pg_proc'::regclass, p.oid, 'function', n.nspname, p.proname, '' \
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid >= 16384 \
             UNION ALL \
             SELECT 'pg_attrdef'::regclass, d.oid, 'relation', n.nspname, c.relname, '' \
             FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace ",
            $defaults,
            " UNION ALL \
             SELECT 'pg_constraint'::regclass, k.oid, \
               CASE WHEN k.conrelid <> 0 THEN 'relation' ELSE 'type' END, n.nspname, \
               COALESCE(c.relname, t.typname), '' \
             FROM pg_constraint k LEFT JOIN pg_class c ON c.oid = k.conrelid \
             LEFT JOIN pg_type t ON t.oid = k.contypid \
             JOIN pg_namespace n ON n.oid = COALESCE(c.relnamespace, t.typnamespace) \
             WHERE k.oid >= 16384 ",
            $constraints,
            " UNION ALL \
             SELECT 'pg_trigger'::regclass, g.oid, 'trigger', n.nspname, c.relname, g.tgname \
             FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT g.tgisinternal \
             UNION ALL \
             SELECT 'pg_policy'::regclass, p.oid, 'policy', n.nspname, c.relname, p.polname \
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             UNION ALL \
             SELECT 'pg_rewrite'::regclass, w.oid, 'relation', n.nspname, c.relname, '' \
             FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE w.rulename = '_RETURN' AND w.oid >= 16384 \
             UNION ALL \
             SELECT 'pg_collation'::regclass, o.oid, 'collation', n.nspname, o.collname, '' \
             FROM pg_collation o JOIN pg_namespace n ON n.oid = o.collnamespace WHERE o.oid >= 16384"
        )
    };
}

/// The objects of `$from` in the namespaces read and not an extension's.
macro_rules! managed {
    ($from:literal) => {
        concat!(
            "SELECT * FROM ",
            $from,
            " o WHERE \
               o.ns NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
               AND o.ns NOT LIKE 'pg_temp_%' AND o.ns NOT LIKE 'pg_toast_temp_%' \
               AND (cardinality($1::text[]) = 0 OR o.ns = ANY($1::text[])) \
               AND NOT EXISTS (SELECT 1 FROM pg_depend de WHERE de.classid = o.cls \
                 AND de.objid = o.oid AND de.deptype = 'e')"
        )
    };
}

/// The edges among [`objects!`], one query whatever the size of the
/// schema.
///
/// A default's or a constraint's automatic dependencies are always on its
/// own table or domain (the server records what their expressions use as
/// normal ones), so they are left out before the joins: they were 4 rows
/// in 10 of a large schema's `pg_depend`, all dropped at the end as an
/// object leaning on itself. For the same reason only the defaults and
/// constraints that lean on a user object by a normal dependency are
/// named (`obj`): most defaults are constants and most constraints keys,
/// and naming every one was a sixth of the query. The owner of something
/// strata does not model is looked up among all objects (`every`), built
/// only when there is such a thing.
pub const DEPENDS: &str = concat!(
    "WITH obj(cls, oid, kind, ns, name, sub) AS (",
    objects!(
        "WHERE d.oid IN (SELECT x.objid FROM pg_depend x \
           WHERE x.classid = 'pg_attrdef'::regclass AND x.deptype = 'n' AND x.refobjid >= 16384)",
        "AND k.oid IN (SELECT x.objid FROM pg_depend x \
           WHERE x.classid = 'pg_constraint'::regclass AND x.deptype = 'n' AND x.refobjid >= 16384)"
    ),
    "), every(cls, oid, kind, ns, name, sub) AS (",
    objects!("", ""),
    "), \
dep AS ( \
  SELECT DISTINCT d.classid, d.objid, d.objsubid, d.deptype, d.refclassid, d.refobjid \
  FROM pg_depend d \
  WHERE d.objid >= 16384 AND d.refobjid >= 16384 AND d.deptype IN ('n', 'a') \
    AND NOT (d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass) \
      AND d.deptype = 'a') \
    AND d.refclassid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, \
      'pg_collation'::regclass) \
), \
managed AS (",
    managed!("obj"),
    "), every_managed AS MATERIALIZED (",
    managed!("every"),
    ") \
SELECT DISTINCT a.kind, a.ns, a.name, a.sub, \
  b.kind AS ref_kind, b.ns AS ref_ns, b.name AS ref_name, b.sub AS ref_sub, \
  CASE WHEN a.kind IS NULL THEN pg_describe_object(dep.classid, dep.objid, dep.objsubid) END \
    AS unmodeled, \
  o.kind AS owner_kind, o.ns AS owner_ns, o.name AS owner_name, o.sub AS owner_sub \
FROM dep JOIN managed b ON b.cls = dep.refclassid AND b.oid = dep.refobjid \
LEFT JOIN managed a ON a.cls = dep.classid AND a.oid = dep.objid \
LEFT JOIN LATERAL (SELECT m.* FROM pg_depend da JOIN every_managed m \
    ON m.cls = da.refclassid AND m.oid = da.refobjid \
  WHERE a.kind IS NULL AND da.classid = dep.classid AND da.objid = dep.objid \
    AND da.deptype = 'a' ORDER BY m.kind, m.ns, m.name, m.sub LIMIT 1) o ON true \
WHERE (a.kind IS NULL AND dep.deptype = 'n') \
   OR (a.kind IS NOT NULL AND (a.kind, a.ns, a.name, a.sub) <> (b.kind, b.ns, b.name, b.sub))"
);

/// One side of a row: the object of `kind`, `ns`, `name` and `sub`
/// (prefixed by `prefix`), `None` where the row names none.
fn object(r: &PgRow, prefix: &str) -> Result<Option<DepObject>, sqlx::Error> {
    let col = |c: &str| format!("{prefix}{c}");
    let Some(kind) = r.try_get::<Option<String>, _>(col("kind").as_str())? else {
        return Ok(None);
    };
    let ns: String = r.try_get(col("ns").as_str())?;
    let name: String = r.try_get(col("name").as_str())?;
    let sub: String = r.try_get(col("sub").as_str())?;
    let n = name_of(ns, name);
    Ok(match kind.as_str() {
        "relation" => Some(DepObject::Relation(n)),
        "sequence" => Some(DepObject::Sequence(n)),
        "type" => Some(DepObject::Type(n)),
        "function" => Some(DepObject::Function(n)),
        "collation" => Some(DepObject::Collation(n)),
        "trigger" => Some(DepObject::Trigger(n, sub)),
        "policy" => Some(DepObject::Policy(n, sub)),
        _ => None,
    })
}

/// Reads the rows of [`DEPENDS`] into the schema's [`Depends`].
pub fn depends(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    let mut out = Depends::default();
    for r in rows {
        let Some(referenced) = object(r, "ref_")? else {
            continue;
        };
        match object(r, "")? {
            Some(dependent) => {
                out.edges.insert((dependent, referenced));
            }
            None => {
                if let Some(what) = r.try_get::<Option<String>, _>("unmodeled")? {
                    let owner = object(r, "owner_")?;
                    // What it belongs to goes (taking it along) before
                    // what it leans on.
                    if let Some(o) = owner.as_ref().filter(|o| **o != referenced) {
                        out.edges.insert((o.clone(), referenced.clone()));
                    }
                    out.unmodeled.insert(Unmodeled {
                        on: referenced,
                        what,
                        owner,
                    });
                }
            }
        }
    }
    schema.depends = out;
    Ok(())
}
