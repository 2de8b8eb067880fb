//! The two catalog queries SQLite introspection runs, as constants. The
//! rest of the catalog lives in the `CREATE` text these return.

/// Every schema object of `main` but SQLite's own, with what
/// `pragma_table_list` says about tables (virtual and shadow tables).
/// The pragma takes the name as its argument: joined without one, it
/// lists every table for every row (quadratic, 20 s for 1,000 tables).
pub const OBJECTS: &str = r#"
SELECT m.type, m.name, m.tbl_name, m.sql,
  coalesce((SELECT l.type FROM pragma_table_list(m.name) AS l WHERE l.schema = 'main'), '')
FROM sqlite_master AS m
WHERE m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.type, m.name
"#;

/// Every column of every ordinary table, hidden (generated) ones included.
pub const COLUMNS: &str = r#"
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM sqlite_master AS m
JOIN pragma_table_xinfo(m.name) AS p
WHERE m.type = 'table'
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND m.sql NOT LIKE 'CREATE VIRTUAL %'
ORDER BY m.name, p.cid
"#;
