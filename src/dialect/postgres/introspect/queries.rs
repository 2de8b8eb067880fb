//! The catalog queries PostgreSQL introspection runs, as constants: the
//! introspector binds and runs them, and the inspect benchmark runs the
//! very same text through `psql` as its floor.
//!
//! Each takes `$1 text[]`: the namespaces to read, or empty for every
//! non-system namespace. Objects that belong to an extension (pg_depend
//! deptype 'e') are left to the extension.

/// Every catalog query introspection runs, by name (for benchmarks that
/// time the same queries through another client).
pub const QUERIES: &[(&str, &str)] = &[
    ("namespaces", NAMESPACES),
    ("extensions", EXTENSIONS),
    ("tables", TABLES),
    ("columns", COLUMNS),
    ("constraints", CONSTRAINTS),
    ("indexes", INDEXES),
    ("enums", ENUMS),
    ("sequences", SEQUENCES),
    ("views", VIEWS),
    ("functions", FUNCTIONS),
    ("triggers", TRIGGERS),
    ("unmodeled", UNMODELED),
    ("policies", POLICIES),
    ("grants", GRANTS),
    ("domains", DOMAINS),
    ("exclusions", EXCLUSIONS),
    ("composites", COMPOSITES),
    ("ranges", RANGES),
    ("collations", COLLATIONS),
    ("text_search_configs", TEXT_SEARCH_CONFIGS),
    ("depends", super::depend::DEPENDS),
    ("view_column_comments", VIEW_COLUMN_COMMENTS),
    ("statistics", STATISTICS),
    ("column_compression", COLUMN_COMPRESSION),
];

/// The namespace filter every query repeats (`n` is `pg_namespace`).
macro_rules! ns_filter {
    () => {
        " n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
          AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%' \
          AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[])) "
    };
}

/// Not created by an extension: `$cls` is the catalog, `$oid` the object.
macro_rules! not_ext {
    ($cls:literal, $oid:literal) => {
        concat!(
            " NOT EXISTS (SELECT 1 FROM pg_depend de WHERE de.classid = '",
            $cls,
            "'::regclass AND de.objid = ",
            $oid,
            " AND de.deptype = 'e') "
        )
    };
}

/// Not made by the server along with another object: the constructor
/// functions and the multirange cast of a range type.
macro_rules! not_internal {
    ($cls:literal, $oid:literal) => {
        concat!(
            " NOT EXISTS (SELECT 1 FROM pg_depend di WHERE di.classid = '",
            $cls,
            "'::regclass AND di.objid = ",
            $oid,
            " AND di.deptype = 'i') "
        )
    };
}

pub const NAMESPACES: &str = concat!(
    // The owner of `public` always (a new database gives it to
    // `pg_database_owner`, a dump often to a login role); of other
    // namespaces where it is not the role inspecting, which is what
    // `CREATE SCHEMA` would give.
    "SELECT n.nspname::text AS name, obj_description(n.oid, 'pg_namespace') AS comment, \
       CASE WHEN n.nspname = 'public' OR n.nspowner <> \
         (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) \
       THEN pg_get_userbyid(n.nspowner)::text END AS owner \
     FROM pg_namespace n WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_namespace", "n.oid"),
    "ORDER BY 1"
);

pub const EXTENSIONS: &str = "SELECT e.extname::text AS name, n.nspname::text AS schema, \
       e.extversion::text AS version, \
       CASE WHEN d.description IS DISTINCT FROM a.comment THEN coalesce(d.description, '') END \
         AS comment \
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
     LEFT JOIN pg_description d ON d.objoid = e.oid AND d.classoid = 'pg_extension'::regclass \
     LEFT JOIN pg_available_extensions a ON a.name = e.extname \
     WHERE e.extname <> 'plpgsql' AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[])) \
     ORDER BY 1";

pub const TABLES: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
       c.relpersistence::text AS persistence, c.reloptions::text[] AS reloptions, \
       c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced, \
       CASE WHEN c.relhasindex THEN (SELECT ci.relname::text FROM pg_index x \
         JOIN pg_class ci ON ci.oid = x.indexrelid \
         WHERE x.indrelid = c.oid AND x.indisclustered) END AS cluster_on, \
       obj_description(c.oid, 'pg_class') AS comment, \
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by, \
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound, \
       pn.nspname::text AS parent_schema, pc.relname::text AS parent_name, \
       ARRAY(SELECT ipn.nspname::text FROM pg_inherits ii \
             JOIN pg_class ipc ON ipc.oid = ii.inhparent \
             JOIN pg_namespace ipn ON ipn.oid = ipc.relnamespace \
             WHERE ii.inhrelid = c.oid AND NOT c.relispartition ORDER BY ii.inhseqno) AS inherits_schemas, \
       ARRAY(SELECT ipc.relname::text FROM pg_inherits ii \
             JOIN pg_class ipc ON ipc.oid = ii.inhparent \
             WHERE ii.inhrelid = c.oid AND NOT c.relispartition ORDER BY ii.inhseqno) AS inherits_names \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_inherits inh ON c.relispartition AND inh.inhrelid = c.oid \
     LEFT JOIN pg_class pc ON pc.oid = inh.inhparent \
     LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 2, 3"
);

/// Column defaults are printed without the table's context (`relid` 0):
/// a default cannot refer to a column, and with a table `pg_get_expr` opens
/// it — a relcache build per table, most of this query's time on a fresh
/// connection. Generated columns refer to columns and keep it. Comments and
/// owned sequences are joined once instead of looked up per column (of a
/// column with two, an identity's own sequence, `i`, before one it owns, `a`),
/// found from `pg_sequence`, the smaller side, through `pg_depend`'s index.
/// The tables are chosen apart (`OFFSET 0` keeps the planner from merging
/// them back): joined to every attribute, the extension check made the
/// server sort all 75,000 wide rows of a 5,000-table schema for a merge.
/// `owned_seq_as_made` asks the server's version once (an init plan), not
/// per row: a serial's sequence is its table's persistence from 15.
pub const COLUMNS: &str = concat!(
    "SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name, \
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, \
       CASE WHEN a.atthasdef THEN (SELECT pg_get_expr(ad.adbin, \
         CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) FROM pg_attrdef ad \
         WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END AS default, \
       a.attidentity::text AS identity, a.attgenerated::text AS generated, \
       CASE WHEN a.attcollation <> t.typcollation THEN \
         (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text \
                 ELSE cn.nspname || '.' || co.collname END \
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
          WHERE co.oid = a.attcollation) END AS collation, \
       ds.description AS comment, \
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int4 END AS statistics, \
       CASE WHEN cardinality(a.attoptions) > 1 OR a.attoptions[1] NOT LIKE 'pg\\_attver=%' \
         THEN a.attoptions::text[] END AS options, \
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage, \
       sq.seqstart AS seq_start, sq.seqincrement AS seq_increment, sq.seqmin AS seq_min, \
       sq.seqmax AS seq_max, sq.seqcache AS seq_cache, sq.seqcycle AS seq_cycle, \
       format_type(sq.seqtypid, NULL) AS owned_seq_type, \
       CASE WHEN sq.deptype = 'a' THEN sq.nspname::text END AS owned_seq_schema, \
       CASE WHEN sq.deptype = 'a' THEN sq.relname::text END AS owned_seq_name, \
       sq.relpersistence = CASE WHEN (SELECT current_setting('server_version_num')::int) >= 150000 \
         THEN c.relpersistence ELSE 'p' END AS owned_seq_as_made \
     FROM pg_attribute a \
     JOIN (SELECT c.oid, c.relispartition, c.relpersistence FROM pg_class c \
           JOIN pg_namespace n ON n.oid = c.relnamespace \
           WHERE c.relkind IN ('r', 'p') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "OFFSET 0) c ON c.oid = a.attrelid \
     JOIN pg_type t ON t.oid = a.atttypid \
     LEFT JOIN pg_description ds ON ds.objoid = a.attrelid \
       AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum \
     LEFT JOIN ( \
       SELECT DISTINCT ON (d.refobjid, d.refobjsubid) d.refobjid, d.refobjsubid, d.deptype, \
         sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle, \
         sq.seqtypid, osn.nspname, osc.relname, osc.relpersistence \
       FROM pg_sequence sq \
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sq.seqrelid \
         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') \
         AND d.refobjsubid > 0 \
       JOIN pg_class osc ON osc.oid = sq.seqrelid \
       JOIN pg_namespace osn ON osn.oid = osc.relnamespace \
       ORDER BY d.refobjid, d.refobjsubid, d.deptype DESC, d.objid) sq \
       ON sq.refobjid = a.attrelid AND sq.refobjsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped \
       AND CASE WHEN c.relispartition THEN a.attinhcount = 0 ELSE a.attislocal END \
     ORDER BY a.attrelid, a.attnum"
);

/// The names of the columns numbered `$keys` (an `int2[]`) of relation
/// `$rel`, in key order; empty for a NULL array. A key of one column, the
/// common case, is one index lookup: the general form runs a subplan that
/// unnests and sorts the array, per constraint and per side, which was a
/// third of `CONSTRAINTS` at 17,000 constraints.
macro_rules! key_names {
    ($rel:literal, $keys:literal) => {
        concat!(
            "CASE WHEN ",
            $keys,
            " IS NULL THEN '{}'::text[] \
             WHEN cardinality(",
            $keys,
            ") = 1 THEN ARRAY[(SELECT a.attname::text \
               FROM pg_attribute a WHERE a.attrelid = ",
            $rel,
            " AND a.attnum = ",
            $keys,
            "[1])] \
             ELSE ARRAY(SELECT (SELECT a.attname::text FROM pg_attribute a \
                     WHERE a.attrelid = ",
            $rel,
            " AND a.attnum = k.n) \
               FROM unnest(",
            $keys,
            ") WITH ORDINALITY k(n, i) ORDER BY k.i) END"
        )
    };
}

/// Column names are looked up one by one through the attribute index (a
/// join on the unnested keys scanned all of a table's attributes).
/// A partition's keys and foreign keys attached to its parent's
/// (`conislocal` false) are read too: which of them are its own is decided
/// by name (`normalize::attach_keys`). Not read: its inherited checks, and
/// the foreign keys the server clones onto a table once per partition of
/// a partitioned table it references (their parent is on the same table).
pub const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid::int8 AS table_oid, con.conname::text AS name, con.contype::text AS kind, \
       con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated, \
       con.connoinherit AS no_inherit, \
       con.confmatchtype::text AS match_type, con.confupdtype::text AS on_update, \
       con.confdeltype::text AS on_delete, \
       ",
    key_names!("con.conrelid", "con.conkey"),
    " AS columns, ",
    key_names!("con.confrelid", "con.confkey"),
    " AS ref_columns, \
       rn.nspname::text AS ref_schema, rc.relname::text AS ref_table, \
       pg_get_expr(con.conbin, con.conrelid) AS check_expr, \
       COALESCE((to_jsonb(ix) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct, \
       d.description AS comment, \
       (SELECT ic.reloptions::text[] FROM pg_class ic \
         WHERE ic.oid = con.conindid AND con.contype IN ('p', 'u')) AS reloptions \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u' \
     LEFT JOIN pg_description d ON d.objoid = con.oid \
       AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0 \
     WHERE con.contype IN ('p', 'u', 'c', 'f') AND c.relkind IN ('r', 'p') \
       AND (con.conislocal OR con.contype IN ('p', 'u') OR (con.contype = 'f' \
         AND c.relispartition AND NOT EXISTS (SELECT FROM pg_constraint pc \
           WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid))) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY con.conrelid, con.conname"
);

/// A key column is read by name; only an expression is printed with
/// `pg_get_indexdef` (`column_defs` is NULL for the others), which opens the
/// table. Key numbers and options are the catalog arrays themselves
/// (re-based to 1 by the slice); opclasses are looked up by oid.
/// A partition's indexes attached to its parent's are read too: which of
/// them are its own is decided by name (`normalize::attach_indexes`).
/// An index without expressions skips the per-column printing, and one
/// with only default operator classes their lookup (`opclasses` is then
/// empty): the planner scans the small `pg_opclass` once per column, which
/// was a third of the query at 10,000 indexes.
/// `NULLS NOT DISTINCT` (PostgreSQL 15) is read through `to_jsonb` so one
/// text serves every version, and only for a unique index: serializing
/// every `pg_index` row, expression trees and all, was 13 % of the query.
pub const INDEXES: &str = concat!(
    "SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name, i.indisunique AS is_unique, \
       am.amname::text AS method, i.indnkeyatts AS key_count, \
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
       CASE WHEN 0 = ANY(i.indkey::int2[]) THEN \
         ARRAY(SELECT CASE WHEN (i.indkey::int2[])[k - 1] = 0 \
                      THEN pg_get_indexdef(i.indexrelid, k, true) END \
               FROM generate_series(1, i.indnatts) k ORDER BY k) \
         ELSE array_fill(NULL::text, ARRAY[i.indnatts::int4]) END AS column_defs, \
       (i.indkey::int2[])[:] AS attnums, \
       ARRAY(SELECT CASE WHEN k.n <> 0 THEN (SELECT a.attname::text FROM pg_attribute a \
                    WHERE a.attrelid = i.indrelid AND a.attnum = k.n) END \
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) ORDER BY k.o) AS attnames, \
       (i.indoption::int2[])[:] AS options, \
       CASE WHEN i.indclass::oid[] <@ (SELECT array_agg(dc.oid) FROM pg_opclass dc \
                                       WHERE dc.opcdefault) THEN '{}'::text[] \
         ELSE ARRAY(SELECT (SELECT CASE WHEN oc.opcdefault THEN NULL \
                      WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname::text \
                      ELSE ocn.nspname || '.' || oc.opcname END \
                    FROM pg_opclass oc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace \
                    WHERE oc.oid = k.o) \
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord) \
         END AS opclasses, \
       ARRAY(SELECT CASE WHEN k.o = 0 OR k.o = ( \
                 SELECT COALESCE(att.attcollation, 0) FROM pg_attribute att \
                 WHERE att.attrelid = i.indrelid AND att.attnum = (i.indkey::int2[])[k.ord - 1]) \
               OR (i.indkey::int2[])[k.ord - 1] = 0 AND k.o = 100 \
               THEN NULL ELSE (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text \
                                  ELSE cn.nspname || '.' || co.collname END \
                                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                                  WHERE co.oid = k.o) END \
             FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord) AS collations, \
       CASE WHEN i.indisunique \
         THEN COALESCE((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) \
         ELSE false END AS nulls_not_distinct, \
       ds.description AS comment, \
       ic.reloptions::text[] AS reloptions, i.indisvalid AS is_valid \
     FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class c ON c.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_am am ON am.oid = ic.relam \
     LEFT JOIN pg_description ds ON ds.objoid = i.indexrelid \
       AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 \
     WHERE c.relkind IN ('r', 'p', 'm') \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint pc WHERE pc.conindid = i.indexrelid \
                       AND pc.contype IN ('p', 'u', 'x')) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY i.indrelid, ic.relname"
);

pub const ENUMS: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid \
             ORDER BY e.enumsortorder) AS labels, \
       obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE t.typtype = 'e' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

pub const SEQUENCES: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS name, \
       format_type(s.seqtypid, NULL) AS type, s.seqstart AS seq_start, \
       s.seqincrement AS seq_increment, s.seqmin AS seq_min, s.seqmax AS seq_max, \
       s.seqcache AS seq_cache, s.seqcycle AS seq_cycle, \
       tn.nspname::text AS owner_schema, tc.relname::text AS owner_table, \
       ta.attname::text AS owner_column, obj_description(c.oid, 'pg_class') AS comment, \
       c.relpersistence = 'u' AS unlogged \
     FROM pg_sequence s \
     JOIN pg_class c ON c.oid = s.seqrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' \
     LEFT JOIN pg_class tc ON tc.oid = d.refobjid \
     LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
     LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid \
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend di WHERE di.classid = 'pg_class'::regclass \
                       AND di.objid = c.oid AND di.deptype = 'i') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 1, 2"
);

pub const VIEWS: &str = concat!(
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
       c.relkind::text AS kind, pg_get_viewdef(c.oid, true) AS body, \
       obj_description(c.oid, 'pg_class') AS comment, c.reloptions::text[] AS reloptions, \
       ARRAY(SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r \
         WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN' ORDER BY r.rulename) AS unmodeled \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('v', 'm') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 2, 3"
);

pub const FUNCTIONS: &str = concat!(
    "SELECT n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind, \
       CASE WHEN p.prokind = 'a' AND p.pronargs = 0 THEN '*' \
         ELSE pg_get_function_arguments(p.oid) END AS args, \
       pg_get_function_result(p.oid) AS returns, \
       l.lanname::text AS language, p.prosrc AS body, p.probin AS object_file, \
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END AS standard_body, \
       obj_description(p.oid, 'pg_proc') AS comment, \
       p.provolatile::text AS volatility, p.proisstrict AS strict, p.prosecdef AS security_definer, \
       p.proleakproof AS leakproof, p.proparallel::text AS parallel, \
       p.procost::float8 AS cost, p.prorows::float8 AS rows, \
       COALESCE(p.proconfig, '{}')::text[] AS config, \
       (SELECT concat_ws(', ', \
          'sfunc = ' || a.aggtransfn::regproc::text, \
          'stype = ' || format_type(a.aggtranstype, NULL), \
          CASE WHEN a.aggtransspace <> 0 THEN 'sspace = ' || a.aggtransspace END, \
          CASE WHEN a.aggfinalfn <> 0 THEN 'finalfunc = ' || a.aggfinalfn::regproc::text END, \
          CASE WHEN a.aggfinalextra THEN 'finalfunc_extra' END, \
          CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END \
            THEN 'finalfunc_modify = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'read_only' \
              WHEN 's' THEN 'shareable' ELSE 'read_write' END END, \
          CASE WHEN a.aggcombinefn <> 0 THEN 'combinefunc = ' || a.aggcombinefn::regproc::text END, \
          CASE WHEN a.aggserialfn <> 0 THEN 'serialfunc = ' || a.aggserialfn::regproc::text END, \
          CASE WHEN a.aggdeserialfn <> 0 THEN 'deserialfunc = ' || a.aggdeserialfn::regproc::text END, \
          CASE WHEN a.agginitval IS NOT NULL THEN 'initcond = ' || quote_literal(a.agginitval) END, \
          CASE WHEN a.aggmtransfn <> 0 THEN 'msfunc = ' || a.aggmtransfn::regproc::text END, \
          CASE WHEN a.aggminvtransfn <> 0 THEN 'minvfunc = ' || a.aggminvtransfn::regproc::text END, \
          CASE WHEN a.aggmtranstype <> 0 THEN 'mstype = ' || format_type(a.aggmtranstype, NULL) END, \
          CASE WHEN a.aggmtransspace <> 0 THEN 'msspace = ' || a.aggmtransspace END, \
          CASE WHEN a.aggmfinalfn <> 0 THEN 'mfinalfunc = ' || a.aggmfinalfn::regproc::text END, \
          CASE WHEN a.aggmfinalextra THEN 'mfinalfunc_extra' END, \
          CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END \
            THEN 'mfinalfunc_modify = ' || CASE a.aggmfinalmodify WHEN 'r' THEN 'read_only' \
              WHEN 's' THEN 'shareable' ELSE 'read_write' END END, \
          CASE WHEN a.aggminitval IS NOT NULL THEN 'minitcond = ' || quote_literal(a.aggminitval) END, \
          CASE WHEN a.aggsortop <> 0 THEN 'sortop = ' || (SELECT o.oprname::text FROM pg_operator o WHERE o.oid = a.aggsortop) END, \
          CASE WHEN a.aggkind = 'h' THEN 'hypothetical' END, \
          CASE p.proparallel WHEN 's' THEN 'parallel = safe' WHEN 'r' THEN 'parallel = restricted' END) \
        FROM pg_aggregate a WHERE a.aggfnoid = p.oid) AS aggregate_options \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     JOIN pg_language l ON l.oid = p.prolang \
     WHERE p.prokind IN ('f', 'p', 'a') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "AND",
    not_internal!("pg_proc", "p.oid"),
    "ORDER BY 1, 2, 4"
);

pub const TRIGGERS: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS table, tg.tgname::text AS name, \
       tg.tgtype AS tgtype, pg_get_triggerdef(tg.oid, true) AS definition, \
       ARRAY(SELECT a.attname::text FROM unnest(tg.tgattr::int2[]) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = tg.tgrelid AND a.attnum = k.n ORDER BY k.o) \
         AS update_columns, \
       tg.tgconstraint <> 0 AS is_constraint, tg.tgdeferrable AS deferrable, \
       tg.tginitdeferred AS initially_deferred, \
       tg.tgoldtable::text AS old_table, tg.tgnewtable::text AS new_table, \
       obj_description(tg.oid, 'pg_trigger') AS comment \
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND tg.tgconstrrelid = 0 AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 1, 2, 3"
);

/// Everything strata does not model yet, one row per object, so that
/// introspection can say so instead of silently dropping it.
pub const UNMODELED: &str = concat!(
    "SELECT 'range type with a canonical function' AS kind, n.nspname || '.' || t.typname AS name \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_range r ON r.rngtypid = t.oid \
     WHERE r.rngcanonical <> 0 AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "UNION ALL \
     SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' END, n.nspname || '.' || c.relname \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind = 'f' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'window function', n.nspname || '.' || p.proname \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE p.prokind = 'w' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "UNION ALL \
     SELECT 'rule', r.rulename || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE r.rulename <> '_RETURN' AND",
    ns_filter!(),
    // The comments of a table's own keys, checks, foreign keys and
    // exclusion constraints are modeled; one on another constraint (a
    // constraint trigger's, one a partition inherits) is not.
    "UNION ALL \
     SELECT 'comment on constraint', con.conname || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_description d JOIN pg_constraint con ON con.oid = d.objoid \
     JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE d.classoid = 'pg_constraint'::regclass \
       AND NOT (con.contype IN ('p', 'u', 'c', 'f', 'x') \
                AND (con.conislocal OR con.contype IN ('p', 'u') OR (con.contype = 'f' \
                  AND c.relispartition AND NOT EXISTS (SELECT FROM pg_constraint pc \
                    WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid))) \
                AND c.relkind IN ('r', 'p')) AND",
    ns_filter!(),
    // A table column's statistics target is modeled; an index
    // expression's (`ALTER INDEX … ALTER COLUMN 1 SET STATISTICS`) is not.
    // Nor are an operator class's parameters (`tsvector_ops (siglen =
    // 8)`): an index made anew would lose them. One pass over the
    // indexes' attributes finds both: apart, one of them scanned every
    // attribute of the database.
    "UNION ALL \
     SELECT x.kind, x.name \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     CROSS JOIN LATERAL (VALUES \
       ('statistics target of index column', \
        n.nspname || '.' || c.relname || ' column ' || a.attnum, a.attstattarget > 0), \
       ('index operator class parameters', \
        n.nspname || '.' || c.relname || ' column ' || a.attnum || ' (' || \
        array_to_string(a.attoptions, ', ') || ')', a.attoptions IS NOT NULL)) x(kind, name, yes) \
     WHERE c.relkind IN ('i', 'I') AND a.attnum > 0 \
       AND (a.attstattarget > 0 OR a.attoptions IS NOT NULL) AND x.yes AND",
    ns_filter!(),
    // A partition's columns are its parent's: its own NOT NULL (where
    // the parent's column is nullable and no primary key of its own sets
    // it) and its own default are not modeled.
    "UNION ALL \
     SELECT 'partition column NOT NULL', n.nspname || '.' || c.relname || '.' || a.attname \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits i ON i.inhrelid = c.oid \
     JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname \
     WHERE c.relispartition AND a.attnum > 0 AND NOT a.attisdropped \
       AND a.attnotnull AND NOT pa.attnotnull \
       AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid \
         AND k.contype = 'p' AND a.attnum = ANY (k.conkey)) AND",
    ns_filter!(),
    "UNION ALL \
     SELECT 'partition column default', n.nspname || '.' || c.relname || '.' || a.attname \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits i ON i.inhrelid = c.oid \
     JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname \
     LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
     LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum \
     WHERE c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' \
       AND pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid) AND",
    ns_filter!(),
    // Owners other than the role inspecting are not modeled (a
    // namespace's are): what strata makes anew belongs to the role
    // applying. One warning per role and kind of object, not per object.
    "UNION ALL \
     SELECT 'owner', pg_get_userbyid(o.owner) || ' of ' || count(*) || ' ' \
       || CASE WHEN count(*) = 1 THEN rtrim(o.what, 's') ELSE o.what END \
     FROM (SELECT c.relowner AS owner, 'relations' AS what \
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL SELECT p.proowner, 'functions' \
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "UNION ALL SELECT t.typowner, 'types' \
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
       LEFT JOIN pg_class tc ON tc.oid = t.typrelid \
       WHERE (t.typtype IN ('e', 'd', 'r') OR tc.relkind = 'c') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    ") o WHERE o.owner <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) \
     GROUP BY o.owner, o.what ",
    // Which index a materialized view is clustered on is not modeled (a
    // table's is, its `cluster_on` option): a view made anew loses it.
    "UNION ALL \
     SELECT 'clustered index', ci.relname || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid \
     JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE i.indisclustered AND c.relkind = 'm' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // Whether a trigger fires (`ALTER TABLE … DISABLE TRIGGER`, or only
    // on replicas, or always) is not modeled: a trigger strata makes anew
    // fires as the server's default does.
    "UNION ALL \
     SELECT CASE tg.tgenabled WHEN 'D' THEN 'disabled trigger' \
         WHEN 'R' THEN 'replica-only trigger' ELSE 'always-enabled trigger' END, \
       tg.tgname || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT tg.tgisinternal AND tg.tgenabled <> 'O' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // A table's replica identity other than its primary key is not
    // modeled: a table made anew (a rollback's) has the default.
    "UNION ALL \
     SELECT 'replica identity', \
       CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing' \
         ELSE 'using index ' || COALESCE((SELECT ri.relname FROM pg_index x \
           JOIN pg_class ri ON ri.oid = x.indexrelid \
           WHERE x.indrelid = c.oid AND x.indisreplident), '?') END \
       || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p', 'm') AND c.relreplident <> 'd' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // A constraint trigger's `FROM` table is not modeled.
    "UNION ALL \
     SELECT 'constraint trigger with FROM', tg.tgname || ' on ' || n.nspname || '.' || c.relname \
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND tg.tgconstrrelid <> 0 AND",
    ns_filter!(),
    "UNION ALL \
     SELECT 'text search dictionary', n.nspname || '.' || x.dictname \
     FROM pg_ts_dict x JOIN pg_namespace n ON n.oid = x.dictnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_ts_dict", "x.oid"),
    "UNION ALL \
     SELECT 'text search parser', n.nspname || '.' || x.prsname \
     FROM pg_ts_parser x JOIN pg_namespace n ON n.oid = x.prsnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_ts_parser", "x.oid"),
    "UNION ALL \
     SELECT 'text search template', n.nspname || '.' || x.tmplname \
     FROM pg_ts_template x JOIN pg_namespace n ON n.oid = x.tmplnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_ts_template", "x.oid"),
    "UNION ALL \
     SELECT 'conversion', n.nspname || '.' || x.conname \
     FROM pg_conversion x JOIN pg_namespace n ON n.oid = x.connamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_conversion", "x.oid"),
    "UNION ALL \
     SELECT 'operator', n.nspname || '.' || o.oprname || '(' || \
       format_type(o.oprleft, NULL) || ', ' || format_type(o.oprright, NULL) || ')' \
     FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_operator", "o.oid"),
    // A column's estimates of distinct values are modeled on a table's own
    // columns; a materialized view's, a partition's and a column a table
    // only inherits (none of them read) are not. Only the relations that
    // can hold such a column are looked into: reading every attribute of
    // the database cost a tenth of a large schema's whole introspection.
    "UNION ALL \
     SELECT 'distinct estimate of column', n.nspname || '.' || c.relname || '.' || a.attname \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_attribute a ON a.attrelid = c.oid \
     WHERE (c.relkind = 'm' OR c.relispartition \
         OR EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)) \
       AND EXISTS (SELECT FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%') \
       AND a.attnum > 0 AND NOT a.attisdropped \
       AND (c.relkind = 'm' OR c.relispartition OR NOT a.attislocal) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // A materialized view's column storage other than its type's (`SET
    // STORAGE`; a table's is modeled) is not modeled, nor the storage of
    // a column a table only inherits (not read: it is its parent's) where
    // it differs from a parent's.
    "UNION ALL \
     SELECT 'column storage', n.nspname || '.' || c.relname || '.' || a.attname || \
       ' (' || a.attstorage::text || ')' \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type ty ON ty.oid = a.atttypid \
     WHERE c.relkind = 'm' AND a.attnum > 0 AND NOT a.attisdropped \
       AND a.attstorage <> ty.typstorage AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // Read from `pg_inherits`, the few tables that inherit: a scan of every
    // attribute was a third of this query at 5,000 tables. A column two
    // parents give is one row.
    "UNION ALL \
     SELECT DISTINCT 'inherited column storage', \
       n.nspname || '.' || c.relname || '.' || a.attname || ' (' || a.attstorage::text || ')' \
     FROM pg_inherits i \
     JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attnum > 0 AND NOT pa.attisdropped \
     JOIN pg_attribute a ON a.attrelid = i.inhrelid AND a.attname = pa.attname \
       AND a.attstorage <> pa.attstorage \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p') \
       AND NOT CASE WHEN c.relispartition THEN a.attinhcount = 0 ELSE a.attislocal END AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // An identity column's sequence whose persistence is not what the
    // server makes (its table's from PostgreSQL 15, logged before), as a
    // dump from before 15 leaves one of an unlogged table. Any other
    // sequence's persistence is modeled (`unlogged`).
    "UNION ALL \
     SELECT 'sequence persistence', n.nspname || '.' || c.relname || \
       CASE c.relpersistence WHEN 'u' THEN ' (unlogged)' ELSE ' (logged)' END \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i' \
     JOIN pg_class owner ON owner.oid = d.refobjid \
     WHERE c.relkind = 'S' AND c.relpersistence <> \
       CASE WHEN (SELECT current_setting('server_version_num')::int) >= 150000 \
         THEN owner.relpersistence ELSE 'p' END AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    // Grants on base types (those on functions, enums, domains, composite
    // and range types are modeled), and default privileges for every
    // schema (`ALTER DEFAULT PRIVILEGES` without `IN SCHEMA`), are not
    // modeled: a type strata makes anew loses them.
    "UNION ALL \
     SELECT 'grant on type', n.nspname || '.' || t.typname \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     WHERE t.typacl IS NOT NULL AND t.typacl <> acldefault('T', t.typowner) \
       AND t.typtype NOT IN ('e', 'd', 'r') AND NOT EXISTS (SELECT FROM pg_class tc \
         WHERE tc.oid = t.typrelid AND tc.relkind = 'c') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "UNION ALL \
     SELECT 'default privileges', pg_get_userbyid(d.defaclrole) || ' on ' || \
       CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' \
         WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' ELSE 'schemas' END || \
       COALESCE(' in schema ' || n.nspname, '') \
     FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace \
     WHERE d.defaclnamespace = 0 AND cardinality($1::text[]) = 0 ",
    // Database-wide objects: no namespace to filter on, so only a whole
    // database inspection reports them; built-in casts have system oids.
    "UNION ALL \
     SELECT 'cast', format_type(ca.castsource, NULL) || ' as ' || format_type(ca.casttarget, NULL) \
     FROM pg_cast ca WHERE ca.oid >= 16384 AND cardinality($1::text[]) = 0 AND",
    not_ext!("pg_cast", "ca.oid"),
    "AND",
    not_internal!("pg_cast", "ca.oid"),
    "UNION ALL \
     SELECT 'event trigger', e.evtname FROM pg_event_trigger e \
     WHERE cardinality($1::text[]) = 0 AND",
    not_ext!("pg_event_trigger", "e.oid"),
    "UNION ALL \
     SELECT 'publication', p.pubname FROM pg_publication p WHERE cardinality($1::text[]) = 0 \
     UNION ALL \
     SELECT 'subscription', s.subname FROM pg_subscription s \
     WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       AND cardinality($1::text[]) = 0 \
     UNION ALL \
     SELECT 'foreign server', fs.srvname FROM pg_foreign_server fs WHERE cardinality($1::text[]) = 0 AND",
    not_ext!("pg_foreign_server", "fs.oid"),
    "UNION ALL \
     SELECT 'foreign data wrapper', w.fdwname FROM pg_foreign_data_wrapper w \
     WHERE cardinality($1::text[]) = 0 AND",
    not_ext!("pg_foreign_data_wrapper", "w.oid"),
    "ORDER BY 1, 2"
);

/// Roles as names; 0 is PUBLIC.
macro_rules! role_name {
    ($oid:literal) => {
        concat!(
            "CASE WHEN ",
            $oid,
            " = 0 THEN 'public' ELSE pg_get_userbyid(",
            $oid,
            ")::text END"
        )
    };
}

pub const POLICIES: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS table_name, pol.polname::text AS name, \
       pol.polpermissive AS permissive, pol.polcmd::text AS cmd, \
       ARRAY(SELECT ",
    role_name!("r"),
    " FROM unnest(pol.polroles) r ORDER BY 1) AS roles, \
       pg_get_expr(pol.polqual, pol.polrelid) AS using_expr, \
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr \
     FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE",
    ns_filter!(),
    "ORDER BY 1, 2, 3"
);

/// Privileges from the ACLs, without the owner's own: those are implicit,
/// and an ACL that was never touched (NULL) holds only the defaults. The
/// `public` schema's ACL counts like any other: a dump may grant on it.
pub const GRANTS: &str = concat!(
    "SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' \
       ELSE 'table' END AS kind, n.nspname::text AS schema, c.relname::text AS name, \
       NULL::text AS col, ",
    role_name!("a.grantee"),
    " AS grantee, lower(a.privilege_type) AS privilege, a.is_grantable AS grantable \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a \
     WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S') \
       AND a.grantee <> c.relowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'column', n.nspname::text, c.relname::text, at.attname::text, ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_attribute at JOIN pg_class c ON c.oid = at.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(at.attacl) a \
     WHERE at.attacl IS NOT NULL AND NOT at.attisdropped AND at.attnum > 0 \
       AND c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'schema', n.nspname::text, n.nspname::text, NULL::text, ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_namespace n, aclexplode(n.nspacl) a \
     WHERE n.nspacl IS NOT NULL AND a.grantee <> n.nspowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_namespace", "n.oid"),
    // Types and domains (`USAGE`); `PUBLIC`'s, which the server gives
    // every new type, is the default and is read as such. A type whose ACL
    // lacks it is a row of its own, `revoked type`.
    "UNION ALL \
     SELECT 'type', n.nspname::text, t.typname::text, NULL::text, ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     LEFT JOIN pg_class tc ON tc.oid = t.typrelid, aclexplode(t.typacl) a \
     WHERE t.typacl IS NOT NULL AND a.grantee <> t.typowner \
       AND (t.typtype IN ('e', 'd', 'r') OR tc.relkind = 'c') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "UNION ALL \
     SELECT 'revoked type', n.nspname::text, t.typname::text, NULL::text, 'public', 'usage', false \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     LEFT JOIN pg_class tc ON tc.oid = t.typrelid \
     WHERE t.typacl IS NOT NULL \
       AND NOT EXISTS (SELECT FROM aclexplode(t.typacl) x WHERE x.grantee = 0) \
       AND (t.typtype IN ('e', 'd', 'r') OR tc.relkind = 'c') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    // Functions, procedures and aggregates (`EXECUTE`, `col` their
    // argument list), read as the types' are: `PUBLIC`'s is the default.
    "UNION ALL \
     SELECT 'function', n.nspname::text, p.proname::text, \
       pg_get_function_identity_arguments(p.oid), ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a \
     WHERE p.proacl IS NOT NULL AND a.grantee <> p.proowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    "UNION ALL \
     SELECT 'revoked function', n.nspname::text, p.proname::text, \
       pg_get_function_identity_arguments(p.oid), 'public', 'execute', false \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE p.proacl IS NOT NULL \
       AND NOT EXISTS (SELECT FROM aclexplode(p.proacl) x WHERE x.grantee = 0) AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_proc", "p.oid"),
    // Default privileges in a schema: `name` is the kind of object, `col`
    // the role whose objects get them (none for the inspecting role).
    "UNION ALL \
     SELECT 'future', n.nspname::text, CASE d.defaclobjtype WHEN 'r' THEN 'tables' \
       WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' ELSE 'types' END, \
       NULLIF(pg_get_userbyid(d.defaclrole)::text, current_user::text), ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, \
       aclexplode(d.defaclacl) a \
     WHERE d.defaclobjtype IN ('r', 'S', 'f', 'T') AND",
    ns_filter!(),
    "ORDER BY 1, 2, 3, 4, 5, 6"
);

pub const DOMAINS: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       format_type(t.typbasetype, t.typtypmod) AS base_type, t.typnotnull AS not_null, \
       pg_get_expr(t.typdefaultbin, 0) AS default, \
       CASE WHEN t.typcollation <> bt.typcollation THEN \
         (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text \
                 ELSE cn.nspname || '.' || co.collname END \
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
          WHERE co.oid = t.typcollation) END AS collation, \
       ARRAY(SELECT c.conname::text FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names, \
       ARRAY(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_exprs, \
       ARRAY(SELECT c.convalidated FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_valid, \
       ARRAY(SELECT obj_description(c.oid, 'pg_constraint') FROM pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_comments, \
       obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_type bt ON bt.oid = t.typbasetype \
     WHERE t.typtype = 'd' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

/// Composite types made by `CREATE TYPE … AS (…)` (`relkind = 'c'`; a
/// table's row type is the table's), with their attributes in order.
pub const COMPOSITES: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       ARRAY(SELECT a.attname::text FROM pg_attribute a \
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum) AS attr_names, \
       ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum) AS attr_types, \
       ARRAY(SELECT CASE WHEN a.attcollation <> at.typcollation THEN \
               (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text \
                       ELSE cn.nspname || '.' || co.collname END \
                FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                WHERE co.oid = a.attcollation) END \
             FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid \
             WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum) AS attr_collations, \
       obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_class c ON c.oid = t.typrelid \
     WHERE t.typtype = 'c' AND c.relkind = 'c' AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

/// Range types, each option only where it is not the default. One with a
/// canonical function (which needs a shell type made before it) is left
/// to `UNMODELED`.
pub const RANGES: &str = concat!(
    "SELECT n.nspname::text AS schema, t.typname::text AS name, \
       format_type(r.rngsubtype, NULL) AS subtype, \
       CASE WHEN oc.opcdefault THEN NULL WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname::text \
            ELSE ocn.nspname || '.' || oc.opcname END AS opclass, \
       CASE WHEN r.rngcollation <> st.typcollation THEN \
         (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text \
                 ELSE cn.nspname || '.' || co.collname END \
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
          WHERE co.oid = r.rngcollation) END AS collation, \
       CASE WHEN r.rngsubdiff = 0 THEN NULL ELSE r.rngsubdiff::regproc::text END AS subtype_diff, \
       CASE WHEN mt.typnamespace = t.typnamespace THEN mt.typname::text \
            ELSE mn.nspname || '.' || mt.typname END AS multirange, obj_description(t.oid, 'pg_type') AS comment \
     FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid \
     JOIN pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_type st ON st.oid = r.rngsubtype \
     JOIN pg_opclass oc ON oc.oid = r.rngsubopc \
     JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace \
     JOIN pg_type mt ON mt.oid = r.rngmultitypid \
     JOIN pg_namespace mn ON mn.oid = mt.typnamespace \
     WHERE r.rngcanonical = 0 AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_type", "t.oid"),
    "ORDER BY 1, 2"
);

pub const EXCLUSIONS: &str = concat!(
    "SELECT con.conrelid::int8 AS table_oid, con.conname::text AS name, \
       con.condeferrable AS deferrable, con.condeferred AS deferred, am.amname::text AS method, \
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) \
             FROM generate_series(1, i.indnkeyatts) k ORDER BY k) AS column_defs, \
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) \
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n AND k.n <> 0 \
             ORDER BY k.o) AS attnames, \
       ARRAY(SELECT k FROM unnest(i.indoption::int2[]) WITH ORDINALITY u(k, o) ORDER BY o) AS options, \
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL ELSE \
               CASE WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname::text \
                    ELSE ocn.nspname || '.' || oc.opcname END END \
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(o, ord) \
             JOIN pg_opclass oc ON oc.oid = k.o JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace \
             ORDER BY k.ord) AS opclasses, \
       ARRAY(SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN op.oprname::text \
                    ELSE 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END \
             FROM unnest(con.conexclop) WITH ORDINALITY k(o, ord) \
             JOIN pg_operator op ON op.oid = k.o JOIN pg_namespace opn ON opn.oid = op.oprnamespace \
             ORDER BY k.ord) AS operators, \
       d.description AS comment \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_index i ON i.indexrelid = con.conindid \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_am am ON am.oid = ic.relam \
     LEFT JOIN pg_description d ON d.objoid = con.oid \
       AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0 \
     WHERE con.contype = 'x' AND c.relkind IN ('r', 'p') AND con.conislocal AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY con.conrelid, con.conname"
);

/// Collations made by `CREATE COLLATION`. The ICU locale moved from
/// `colliculocale` (15, 16) to `colllocale` (17), and was `collcollate`
/// before 15: read through `to_jsonb` so one text serves every version.
pub const COLLATIONS: &str = concat!(
    "SELECT n.nspname::text AS schema, co.collname::text AS name, \
       CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END AS provider, \
       CASE WHEN co.collprovider = 'c' THEN NULL \
            ELSE COALESCE(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale', \
                          co.collcollate::text) END AS locale, \
       CASE WHEN co.collprovider = 'c' THEN co.collcollate::text END AS lc_collate, \
       CASE WHEN co.collprovider = 'c' THEN co.collctype::text END AS lc_ctype, \
       co.collisdeterministic AS deterministic, \
       obj_description(co.oid, 'pg_collation') AS comment \
     FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_collation", "co.oid"),
    "ORDER BY 1, 2"
);

/// Text-search configurations with their mappings: token type aliases
/// (from the parser's `ts_token_type`) and dictionaries, in the order
/// they are tried.
pub const TEXT_SEARCH_CONFIGS: &str = concat!(
    "SELECT n.nspname::text AS schema, c.cfgname::text AS name, \
       CASE WHEN pn.nspname = 'pg_catalog' THEN p.prsname::text \
            ELSE pn.nspname || '.' || p.prsname END AS parser, \
       ARRAY(SELECT tt.alias::text FROM pg_ts_config_map m \
             JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype \
             WHERE m.mapcfg = c.oid ORDER BY m.maptokentype, m.mapseqno) AS tokens, \
       ARRAY(SELECT CASE WHEN dn.nspname = 'pg_catalog' THEN d.dictname::text \
                    ELSE dn.nspname || '.' || d.dictname END FROM pg_ts_config_map m \
             JOIN pg_ts_dict d ON d.oid = m.mapdict JOIN pg_namespace dn ON dn.oid = d.dictnamespace \
             WHERE m.mapcfg = c.oid ORDER BY m.maptokentype, m.mapseqno) AS dicts, \
       obj_description(c.oid, 'pg_ts_config') AS comment \
     FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace \
     JOIN pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE",
    ns_filter!(),
    "AND",
    not_ext!("pg_ts_config", "c.oid"),
    "ORDER BY 1, 2"
);

/// Comments on the columns of views and materialized views, one row
/// each (the view's extension filter is the view's).
pub const VIEW_COLUMN_COMMENTS: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS name, a.attname::text AS column, \
       d.description AS comment \
     FROM pg_description d JOIN pg_class c ON c.oid = d.objoid \
     JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE d.classoid = 'pg_class'::regclass AND d.objsubid > 0 AND c.relkind IN ('v', 'm') AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY 1, 2, 3"
);

/// The statistics-object query around the text that reads its expressions
/// (`$expressions`). The target is read through `to_jsonb`: PostgreSQL 12
/// has no `stxstattarget`.
macro_rules! statistics {
    ($expressions:literal) => {
        concat!(
            "SELECT n.nspname::text AS schema, s.stxname::text AS name, \
               tn.nspname::text AS table_schema, c.relname::text AS table_name, \
               ARRAY(SELECT CASE k WHEN 'd' THEN 'ndistinct' WHEN 'f' THEN 'dependencies' \
                            WHEN 'm' THEN 'mcv' END \
                     FROM unnest(s.stxkind) k WHERE k <> 'e') AS kinds, \
               ARRAY(SELECT a.attname::text FROM unnest(s.stxkeys::int2[]) WITH ORDINALITY AS u(n, o) \
                     JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = u.n \
                     ORDER BY u.o) AS columns, ",
            $expressions,
            " AS expressions, \
               NULLIF((to_jsonb(s) ->> 'stxstattarget')::int4, -1) AS target, \
               obj_description(s.oid, 'pg_statistic_ext') AS comment \
             FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace \
             JOIN pg_class c ON c.oid = s.stxrelid \
             JOIN pg_namespace tn ON tn.oid = c.relnamespace WHERE",
            ns_filter!(),
            "AND",
            not_ext!("pg_statistic_ext", "s.oid"),
            "ORDER BY 1, 2"
        )
    };
}

/// Extended statistics: kinds (`e`, the expressions' own, is implied by
/// them), columns in `stxkeys` order, expressions as the server prints
/// them (PostgreSQL 14+), the target (-1: the default) and comment.
pub const STATISTICS: &str =
    statistics!("COALESCE(pg_get_statisticsobjdef_expressions(s.oid), '{}')::text[]");

/// [`STATISTICS`] for a server before PostgreSQL 14, which has neither
/// expressions in statistics objects nor the function that prints them.
pub const STATISTICS_BEFORE_14: &str = statistics!("'{}'::text[]");

/// Columns compressed otherwise than by the server's default (`COMPRESSION`,
/// `attcompression`): PostgreSQL 14 and later only, where the column
/// exists, so introspection runs it only there. A table's are modeled; a
/// materialized view's are reported unmodeled, and so is a column a table
/// only inherits (not read: it is its parent's) compressed otherwise than
/// a parent's. Only such columns can qualify (an inherited one has
/// `attinhcount > 0`): the server drops the rest before any join.
pub const COLUMN_COMPRESSION: &str = concat!(
    "SELECT a.attrelid::int8 AS table_oid, a.attname::text AS column, \
       a.attcompression::text AS compression, c.relkind::text AS kind, \
       n.nspname::text AS schema, c.relname::text AS name, \
       c.relkind <> 'm' AND NOT CASE WHEN c.relispartition THEN a.attinhcount = 0 \
         ELSE a.attislocal END AS inherited \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') \
       AND (a.attcompression <> '' OR a.attinhcount > 0) \
       AND CASE WHEN c.relkind <> 'm' \
                 AND NOT CASE WHEN c.relispartition THEN a.attinhcount = 0 ELSE a.attislocal END \
            THEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_attribute pa \
                         ON pa.attrelid = i.inhparent AND pa.attname = a.attname \
                         WHERE i.inhrelid = c.oid AND pa.attcompression <> a.attcompression) \
            ELSE a.attcompression <> '' END AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "ORDER BY a.attrelid, a.attnum"
);
