//! The PostgreSQL fingerprint: one query over `pg_catalog`, every value
//! printed by the server itself (`pg_get_indexdef`, `pg_get_constraintdef`,
//! `pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`,
//! `pg_get_expr`, `format_type`, `pg_describe_object`). Objects that
//! belong to an extension are the extension's, judged by its name and
//! version only.
//!
//! The queries port the project's harness (`converge.py`) and add what it
//! leaves out: the definition of aggregates, statistics objects,
//! text-search configurations and dictionaries, operators, casts, event
//! triggers, publications, and a relation's replica identity, access
//! method and tablespace, a column's compression, a range type's options.
//!
//! Table inheritance counts: a column or constraint a child inherits
//! carries whether it is also the child's own and from how many parents
//! (`attislocal`/`attinhcount`, `conislocal`/`coninhcount`); a partition's
//! are left out (`ATTACH PARTITION` and `PARTITION OF` differ there, and
//! the server treats the two alike).
//!
//! Normalizations, each one the server's own equality: an ACL is a set
//! (its entries sorted), and a missing ACL is the owner's default
//! (`acldefault`), which is what `REVOKE` of everything granted leaves;
//! storage parameters are a set too (`WITH (fillfactor = 70,
//! deduplicate_items = off)` keeps the order written, which means nothing
//! to the server: `ALTER … SET` merges into it), so they are sorted.

use sqlx::Connection;

use super::Fingerprint;

/// Namespaces that hold user objects.
const SCOPE: &str = "n.nspname NOT IN ('pg_catalog','information_schema') \
     AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

/// An ACL as a sorted set, the owner's default where there is none:
/// `@ACL(acl column, acldefault kind, owner column)@`.
fn acl(column: &str, kind: &str, owner: &str) -> String {
    format!(
        "(SELECT '{{'||string_agg(x::text, ',' ORDER BY x::text)||'}}' \
         FROM unnest(coalesce({column}, acldefault({kind}::\"char\", {owner}))) x)"
    )
}

/// Extension members are judged as their extension.
fn noext(oid: &str) -> String {
    format!("{oid} NOT IN (SELECT objid FROM extdep)")
}

/// Namespaces, extensions, relations and what hangs off them: columns,
/// constraints, indexes, view bodies, sequences.
fn relation_rows() -> Vec<String> {
    vec![
        // Namespaces and extensions.
        format!(
            "SELECT 'schema' cat, n.nspname k, {} v FROM pg_namespace n WHERE {SCOPE} AND {}",
            acl("n.nspacl", "'n'", "n.nspowner"),
            noext("n.oid")
        ),
        "SELECT 'extension', x.extname, n.nspname || ' ' || x.extversion FROM pg_extension x \
         JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'"
            .to_string(),
        // Relations: tables, partitioned tables, views, materialized views,
        // foreign tables, composite types, sequences.
        format!(
            "SELECT 'relation', n.nspname||'.'||c.relname, concat_ws(' ', \
               'kind='||c.relkind::text, 'persistence='||c.relpersistence::text, \
               'rls='||c.relrowsecurity||'/'||c.relforcerowsecurity, \
               'options='||coalesce((SELECT string_agg(o, ',' ORDER BY o) FROM unnest(c.reloptions) o),''), \
               'acl='||{}, \
               'partkey='||coalesce(pg_get_partkeydef(c.oid),''), \
               'partbound='||coalesce(pg_get_expr(c.relpartbound, c.oid),''), \
               'inherits='||coalesce((SELECT string_agg(pn.nspname||'.'||p.relname, ',' ORDER BY i.inhseqno) \
                  FROM pg_inherits i JOIN pg_class p ON p.oid=i.inhparent \
                  JOIN pg_namespace pn ON pn.oid=p.relnamespace WHERE i.inhrelid=c.oid),''), \
               'owned_type='||(c.reloftype<>0), \
               'replident='||c.relreplident::text, \
               'am='||coalesce(am.amname,''), \
               'tablespace='||coalesce(ts.spcname,'')) \
             FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace \
             LEFT JOIN pg_am am ON am.oid=c.relam LEFT JOIN pg_tablespace ts ON ts.oid=c.reltablespace \
             WHERE c.relkind IN ('r','p','v','m','f','c','S') AND {SCOPE} AND {}",
            acl(
                "c.relacl",
                "(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)",
                "c.relowner"
            ),
            noext("c.oid")
        ),
        format!(
            "SELECT 'column', n.nspname||'.'||c.relname||'.'||a.attname, concat_ws(' ', \
               format_type(a.atttypid, a.atttypmod), \
               CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END, \
               'default='||coalesce(pg_get_expr(d.adbin, d.adrelid),''), \
               'identity='||a.attidentity::text, 'generated='||a.attgenerated::text, \
               'collation='||coalesce(CASE WHEN a.attcollation<>t.typcollation THEN co.collname END,''), \
               'acl='||coalesce((SELECT '{{'||string_agg(x::text, ',' ORDER BY x::text)||'}}' FROM unnest(a.attacl) x),''), \
               'stats='||a.attstattarget, \
               'storage='||CASE WHEN a.attstorage<>t.typstorage THEN a.attstorage::text ELSE '' END, \
               'compression='||a.attcompression::text, \
               'options='||coalesce((SELECT string_agg(o, ',' ORDER BY o) FROM unnest(a.attoptions) o \
                  WHERE o NOT LIKE 'pg\\_attver=%'),''), \
               CASE WHEN NOT c.relispartition AND (a.attinhcount > 0 OR NOT a.attislocal) \
                 THEN 'local='||a.attislocal||'/'||a.attinhcount END) \
             FROM pg_attribute a JOIN pg_class c ON c.oid=a.attrelid JOIN pg_namespace n ON n.oid=c.relnamespace \
             JOIN pg_type t ON t.oid=a.atttypid \
             LEFT JOIN pg_attrdef d ON d.adrelid=a.attrelid AND d.adnum=a.attnum \
             LEFT JOIN pg_collation co ON co.oid=a.attcollation \
             WHERE a.attnum>0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f','c') \
               AND {SCOPE} AND {}",
            noext("c.oid")
        ),
        format!(
            "SELECT 'colorder', n.nspname||'.'||c.relname, string_agg(a.attname, ',' ORDER BY a.attnum) \
             FROM pg_attribute a JOIN pg_class c ON c.oid=a.attrelid JOIN pg_namespace n ON n.oid=c.relnamespace \
             WHERE a.attnum>0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f','c') \
               AND {SCOPE} AND {} GROUP BY 1, 2",
            noext("c.oid")
        ),
        format!(
            "SELECT 'constraint', n.nspname||'.'||coalesce(c.relname, ty.typname)||'.'||k.conname, \
               pg_get_constraintdef(k.oid, true) || CASE WHEN k.convalidated THEN '' ELSE ' NOT VALID' END \
               || CASE WHEN NOT coalesce(c.relispartition, false) AND (k.coninhcount > 0 OR NOT k.conislocal) \
                  THEN ' local='||k.conislocal||'/'||k.coninhcount ELSE '' END \
             FROM pg_constraint k JOIN pg_namespace n ON n.oid=k.connamespace \
             LEFT JOIN pg_class c ON c.oid=k.conrelid LEFT JOIN pg_type ty ON ty.oid=k.contypid \
             WHERE {SCOPE} AND {}",
            noext("coalesce(c.oid, ty.oid)")
        ),
        format!(
            "SELECT 'index', n.nspname||'.'||ic.relname, pg_get_indexdef(i.indexrelid) \
               || CASE WHEN i.indisclustered THEN ' CLUSTERED' ELSE '' END \
               || CASE WHEN NOT i.indisvalid THEN ' INVALID' ELSE '' END \
               || CASE WHEN i.indisreplident THEN ' REPLICA IDENTITY' ELSE '' END \
             FROM pg_index i JOIN pg_class ic ON ic.oid=i.indexrelid JOIN pg_namespace n ON n.oid=ic.relnamespace \
             WHERE {SCOPE} AND {}",
            noext("i.indrelid")
        ),
        format!(
            "SELECT 'viewdef', n.nspname||'.'||c.relname, pg_get_viewdef(c.oid, true) \
             FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace \
             WHERE c.relkind IN ('v','m') AND {SCOPE} AND {}",
            noext("c.oid")
        ),
        format!(
            "SELECT 'sequence', n.nspname||'.'||c.relname, concat_ws(' ', \
               format_type(s.seqtypid, NULL), 'start='||s.seqstart, 'inc='||s.seqincrement, \
               'min='||s.seqmin, 'max='||s.seqmax, 'cache='||s.seqcache, 'cycle='||s.seqcycle, \
               'owned_by='||coalesce((SELECT tn.nspname||'.'||t.relname||'.'||ta.attname||'/'||d.deptype::text \
                  FROM pg_depend d JOIN pg_class t ON t.oid=d.refobjid JOIN pg_namespace tn ON tn.oid=t.relnamespace \
                  JOIN pg_attribute ta ON ta.attrelid=t.oid AND ta.attnum=d.refobjsubid \
                  WHERE d.objid=c.oid AND d.classid='pg_class'::regclass AND d.refclassid='pg_class'::regclass \
                    AND d.deptype IN ('a','i') LIMIT 1),'')) \
             FROM pg_sequence s JOIN pg_class c ON c.oid=s.seqrelid JOIN pg_namespace n ON n.oid=c.relnamespace \
             WHERE {SCOPE} AND {}",
            noext("c.oid")
        ),
    ]
}

/// Types, routines, triggers, policies and rules.
fn routine_rows() -> Vec<String> {
    vec![
        format!(
            "SELECT 'type', n.nspname||'.'||t.typname, concat_ws(' ', 'typtype='||t.typtype::text, \
               CASE t.typtype \
                 WHEN 'e' THEN 'labels='||(SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid=t.oid) \
                 WHEN 'd' THEN 'base='||format_type(t.typbasetype, t.typtypmod)||' notnull='||t.typnotnull \
                               ||' default='||coalesce(t.typdefault,'') \
                               ||' collation='||coalesce((SELECT collname FROM pg_collation WHERE oid=t.typcollation \
                                    AND t.typcollation<>(SELECT typcollation FROM pg_type WHERE oid=t.typbasetype)),'') \
                 WHEN 'r' THEN (SELECT 'subtype='||format_type(r.rngsubtype, NULL)||' opclass='||r.rngsubopc::text \
                               ||' collation='||r.rngcollation::text||' canonical='||r.rngcanonical::text \
                               ||' subdiff='||r.rngsubdiff::text FROM pg_range r WHERE r.rngtypid=t.oid) \
                 ELSE '' END, \
               'acl='||{}) \
             FROM pg_type t JOIN pg_namespace n ON n.oid=t.typnamespace \
             WHERE t.typtype IN ('e','d','r','m') AND {SCOPE} AND {}",
            acl("t.typacl", "'T'", "t.typowner"),
            noext("t.oid")
        ),
        format!(
            "SELECT 'function', n.nspname||'.'||p.proname||'('||pg_get_function_identity_arguments(p.oid)||')', \
               CASE WHEN p.prokind='a' THEN 'aggregate' ELSE pg_get_functiondef(p.oid) END \
               || ' acl='||{} \
             FROM pg_proc p JOIN pg_namespace n ON n.oid=p.pronamespace WHERE {SCOPE} AND {}",
            acl("p.proacl", "'f'", "p.proowner"),
            noext("p.oid")
        ),
        format!(
            "SELECT 'aggregate', n.nspname||'.'||p.proname||'('||pg_get_function_identity_arguments(p.oid)||')', \
               concat_ws(' ', 'kind='||a.aggkind::text, 'args='||a.aggnumdirectargs, \
                 'transfn='||a.aggtransfn::regprocedure::text, 'finalfn='||a.aggfinalfn::text, \
                 'combinefn='||a.aggcombinefn::text, 'serialfn='||a.aggserialfn::text, \
                 'deserialfn='||a.aggdeserialfn::text, 'mtransfn='||a.aggmtransfn::text, \
                 'minvtransfn='||a.aggminvtransfn::text, 'mfinalfn='||a.aggmfinalfn::text, \
                 'finalextra='||a.aggfinalextra, 'finalmodify='||a.aggfinalmodify::text, \
                 'sortop='||a.aggsortop::regoperator::text, 'transtype='||format_type(a.aggtranstype, NULL), \
                 'transspace='||a.aggtransspace, 'initval='||coalesce(a.agginitval,'<null>'), \
                 'minitval='||coalesce(a.aggminitval,'<null>'), 'parallel='||p.proparallel::text) \
             FROM pg_aggregate a JOIN pg_proc p ON p.oid=a.aggfnoid JOIN pg_namespace n ON n.oid=p.pronamespace \
             WHERE {SCOPE} AND {}",
            noext("p.oid")
        ),
        format!(
            "SELECT 'trigger', n.nspname||'.'||c.relname||'.'||tg.tgname, \
               pg_get_triggerdef(tg.oid, true)||' enabled='||tg.tgenabled::text \
             FROM pg_trigger tg JOIN pg_class c ON c.oid=tg.tgrelid JOIN pg_namespace n ON n.oid=c.relnamespace \
             WHERE NOT tg.tgisinternal AND {SCOPE}"
        ),
        "SELECT 'policy', schemaname||'.'||tablename||'.'||policyname, concat_ws(' ', permissive, \
           roles::text, cmd, 'using='||coalesce(qual,''), 'check='||coalesce(with_check,'')) FROM pg_policies"
            .to_string(),
        "SELECT 'rule', schemaname||'.'||tablename||'.'||rulename, definition FROM pg_rules \
         WHERE schemaname NOT IN ('pg_catalog','information_schema')"
            .to_string(),
    ]
}

/// Collations, statistics, text search, operators, casts, event
/// triggers, publications, comments and default privileges.
fn other_rows() -> Vec<String> {
    vec![
        format!(
            // Every column of pg_collation but its identity: the set of
            // columns changes between server versions.
            "SELECT 'collation', n.nspname||'.'||co.collname, \
               (to_jsonb(co) - 'oid' - 'collname' - 'collnamespace' - 'collowner')::text \
             FROM pg_collation co JOIN pg_namespace n ON n.oid=co.collnamespace WHERE {SCOPE} AND {}",
            noext("co.oid")
        ),
        format!(
            "SELECT 'statistics', n.nspname||'.'||s.stxname, \
               pg_get_statisticsobjdef(s.oid)||' target='||coalesce(s.stxstattarget::text,'') \
             FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid=s.stxnamespace WHERE {SCOPE} AND {}",
            noext("s.oid")
        ),
        format!(
            "SELECT 'ts_config', n.nspname||'.'||c.cfgname, 'parser='||(SELECT prsname FROM pg_ts_parser WHERE oid=c.cfgparser) \
               ||' maps='||coalesce((SELECT string_agg(m.maptokentype||':'||m.mapseqno||':'||m.mapdict::regdictionary::text, ',' \
                  ORDER BY m.maptokentype, m.mapseqno) FROM pg_ts_config_map m WHERE m.mapcfg=c.oid),'') \
             FROM pg_ts_config c JOIN pg_namespace n ON n.oid=c.cfgnamespace WHERE {SCOPE} AND {}",
            noext("c.oid")
        ),
        format!(
            "SELECT 'ts_dictionary', n.nspname||'.'||d.dictname, \
               'template='||d.dicttemplate::text||' options='||coalesce(d.dictinitoption,'') \
             FROM pg_ts_dict d JOIN pg_namespace n ON n.oid=d.dictnamespace WHERE {SCOPE} AND {}",
            noext("d.oid")
        ),
        format!(
            "SELECT 'operator', n.nspname||'.'||o.oid::regoperator::text, concat_ws(' ', \
               'code='||o.oprcode::text, 'commutator='||o.oprcom::regoperator::text, \
               'negator='||o.oprnegate::regoperator::text, 'restrict='||o.oprrest::text, \
               'join='||o.oprjoin::text, 'hashes='||o.oprcanhash, 'merges='||o.oprcanmerge) \
             FROM pg_operator o JOIN pg_namespace n ON n.oid=o.oprnamespace WHERE {SCOPE} AND {}",
            noext("o.oid")
        ),
        format!(
            "SELECT 'cast', format_type(c.castsource, NULL)||' AS '||format_type(c.casttarget, NULL), \
               c.castfunc::regprocedure::text||' context='||c.castcontext::text||' method='||c.castmethod::text \
             FROM pg_cast c WHERE c.oid >= 16384 AND {}",
            noext("c.oid")
        ),
        "SELECT 'event_trigger', e.evtname, concat_ws(' ', e.evtevent, e.evtfoid::regproc::text, \
           'enabled='||e.evtenabled::text, 'tags='||coalesce(e.evttags::text,'')) FROM pg_event_trigger e"
            .to_string(),
        "SELECT 'publication', p.pubname, concat_ws(' ', 'all='||p.puballtables, \
           'ops='||p.pubinsert||p.pubupdate||p.pubdelete||p.pubtruncate, 'viaroot='||p.pubviaroot, \
           'tables='||coalesce((SELECT string_agg(t.schemaname||'.'||t.tablename, ',' ORDER BY 1) \
              FROM pg_publication_tables t WHERE t.pubname=p.pubname),'')) FROM pg_publication p"
            .to_string(),
        format!(
            "SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description \
             FROM pg_description d WHERE d.objoid >= 16384 AND {}",
            noext("d.objoid")
        ),
        "SELECT 'default_acl', coalesce(n.nspname,'*')||'.'||da.defaclobjtype::text||'.'||pg_get_userbyid(da.defaclrole), \
           (SELECT '{'||string_agg(x::text, ',' ORDER BY x::text)||'}' FROM unnest(da.defaclacl) x) \
         FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid=da.defaclnamespace"
            .to_string(),
    ]
}

/// The whole query: `(category, key, value)` rows as one JSON array.
fn query() -> String {
    let rows = [relation_rows(), routine_rows(), other_rows()].concat();
    format!(
        "WITH extdep AS MATERIALIZED (SELECT objid FROM pg_depend WHERE deptype = 'e') \
         SELECT coalesce(json_agg(json_build_array(cat, k, v)), '[]')::text FROM (\n{}\n) s",
        rows.join("\n UNION ALL\n ")
    )
}

/// The fingerprint of the PostgreSQL database at `url`.
pub async fn fingerprint(url: &str) -> Result<Fingerprint, String> {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| format!("oracle: connect: {e}"))?;
    let fp = fingerprint_on(&mut c).await;
    let _ = c.close().await;
    fp
}

/// The fingerprint of the database `c` is connected to. A connection that
/// is kept pays for warming the server's catalog caches once, not at
/// every fingerprint.
pub async fn fingerprint_on(c: &mut sqlx::PgConnection) -> Result<Fingerprint, String> {
    static QUERY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = QUERY.get_or_init(query);
    let text: String = sqlx::query_scalar(sql)
        .fetch_one(c)
        .await
        .map_err(|e| format!("oracle: fingerprint query: {e}"))?;
    let rows: Vec<(String, String, Option<String>)> =
        serde_json::from_str(&text).map_err(|e| format!("oracle: fingerprint rows: {e}"))?;
    let mut order = std::collections::BTreeMap::new();
    let mut other = Vec::new();
    for (cat, key, value) in rows {
        let mut value = value.unwrap_or_else(|| "<null>".into());
        if cat == "index" || cat == "constraint" {
            value = sorted_storage_parameters(&value);
        }
        if cat == "colorder" {
            order.insert(key, value.split(',').map(String::from).collect());
        } else {
            other.push((cat, key, value));
        }
    }
    let mut fp = Fingerprint::from_rows(other);
    fp.column_order = order;
    Ok(fp)
}

/// `… WITH (fillfactor='70', deduplicate_items=off) …` as printed by
/// `pg_get_indexdef` or `pg_get_constraintdef`, its parameters sorted.
/// The parameters are the first `WITH (` outside quotes and parentheses;
/// their values are words or quoted strings.
fn sorted_storage_parameters(def: &str) -> String {
    let (mut depth, mut quoted) = (0usize, false);
    let bytes = def.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            _ if !quoted && depth == 0 && def[i..].starts_with(" WITH (") => {
                let start = i + " WITH (".len();
                let Some(len) = def[start..].find(')') else {
                    return def.to_string();
                };
                let mut params: Vec<&str> = def[start..start + len].split(", ").collect();
                params.sort_unstable();
                return format!(
                    "{}{}{}",
                    &def[..start],
                    params.join(", "),
                    &def[start + len..]
                );
            }
            _ => {}
        }
    }
    def.to_string()
}

#[cfg(test)]
mod tests {
    use crate::conformance::postgres::{reset, Pair};
    use crate::oracle::{compare, difference_kind, fingerprint};

    /// Pairs of databases that differ in one thing strata does not model
    /// (or did not, when this was written): the oracle must see it.
    const DIFFERENT: &[(&str, &str, &str, &str)] = &[
        (
            "index storage parameter",
            "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a);",
            "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a) WITH (fillfactor = 70);",
            "index differs",
        ),
        (
            "view security_barrier",
            "CREATE VIEW v AS SELECT 1 AS x;",
            "CREATE VIEW v WITH (security_barrier) AS SELECT 1 AS x;",
            "relation options differs",
        ),
        (
            "check NO INHERIT",
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0));",
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0) NO INHERIT);",
            "constraint differs",
        ),
        (
            "comment on a constraint",
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0));",
            "CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0)); COMMENT ON CONSTRAINT c ON t IS 'positive';",
            "comment extra",
        ),
        (
            "comment on a trigger",
            "CREATE TABLE t (a int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; \
             CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
            "CREATE TABLE t (a int); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; \
             CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f(); COMMENT ON TRIGGER tr ON t IS 'x';",
            "comment extra",
        ),
        (
            "comment on a domain's check",
            "CREATE DOMAIN d AS int CONSTRAINT pos CHECK (VALUE > 0);",
            "CREATE DOMAIN d AS int CONSTRAINT pos CHECK (VALUE > 0); COMMENT ON CONSTRAINT pos ON DOMAIN d IS 'x';",
            "comment extra",
        ),
        (
            "function body whitespace",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$;",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n  SELECT 1\n$$;",
            "function differs",
        ),
        (
            "typed literal in a default",
            "CREATE TABLE t (a numeric[] DEFAULT ARRAY['1'::numeric]);",
            "CREATE TABLE t (a numeric[] DEFAULT ARRAY[1]);",
            "column default differs",
        ),
        (
            "aggregate initial value",
            "CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');",
            "CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int, INITCOND = '1');",
            "aggregate initval differs",
        ),
        (
            "index storage parameter value",
            "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a) WITH (fillfactor = 70, deduplicate_items = off);",
            "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a) WITH (fillfactor = 70, deduplicate_items = on);",
            "index differs",
        ),
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_oracle_sees_what_strata_does_not_model() {
        let Some(pair) = Pair::create().await else {
            return;
        };
        // The same DDL in two databases fingerprints alike: nothing
        // depends on oids, database names or the order of creation.
        let same = "CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE a (b int REFERENCES b);";
        let same_reversed = "CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE a (b int); \
                             ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES b;";
        let (x, y) = load_both(&pair, same, same_reversed).await;
        let c = compare(&x, &y);
        assert!(c.equal, "{:#?}", c.diff);
        // Storage parameters are a set: the order written is not kept apart.
        let written =
            "CREATE TABLE t (a int PRIMARY KEY WITH (fillfactor = 80, deduplicate_items = off)) \
                       WITH (fillfactor = 70, autovacuum_enabled = false); \
                       CREATE INDEX t_a ON t (a) WITH (fillfactor = 60, deduplicate_items = off);";
        let sorted =
            "CREATE TABLE t (a int PRIMARY KEY WITH (deduplicate_items = off, fillfactor = 80)) \
                      WITH (autovacuum_enabled = false, fillfactor = 70); \
                      CREATE INDEX t_a ON t (a) WITH (deduplicate_items = off, fillfactor = 60);";
        let (x, y) = load_both(&pair, written, sorted).await;
        let c = compare(&x, &y);
        assert!(c.equal, "{:#?}", c.diff);
        for (what, a, b, kind) in DIFFERENT {
            let (x, y) = load_both(&pair, a, b).await;
            let c = compare(&y, &x);
            assert!(!c.equal, "{what}: the oracle did not see the difference");
            assert_eq!(difference_kind(&c.diff), *kind, "{what}: {:#?}", c.diff);
        }
    }

    async fn load_both(
        pair: &Pair,
        a: &str,
        b: &str,
    ) -> (crate::oracle::Fingerprint, crate::oracle::Fingerprint) {
        for (url, sql) in [(&pair.a, a), (&pair.d, b)] {
            reset(url).await.expect("reset");
            crate::client::run_sql(url, sql, std::time::Duration::from_secs(30))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        (
            fingerprint(&pair.a).await.expect("fingerprint"),
            fingerprint(&pair.d).await.expect("fingerprint"),
        )
    }
}
