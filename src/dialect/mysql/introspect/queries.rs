//! The catalog queries MySQL/MariaDB introspection runs, as constants:
//! the introspector runs them, and the inspect benchmark runs the very
//! same text through the `mariadb` client as its floor.
//!
//! Every query binds the database name (the value of `DATABASE()`) for
//! each `?`: MariaDB's information_schema reads only that database's
//! tables when the filter is a constant.

/// Every catalog query, by name. Introspection runs one of `INDEXES` and
/// `INDEXES_MYSQL8`, and one of `CHECKS_MARIADB` and `CHECKS_MYSQL`, by
/// server.
pub const QUERIES: &[(&str, &str)] = &[
    ("VERSION", VERSION),
    ("TABLES", TABLES),
    ("COLUMNS", COLUMNS),
    ("INDEXES", INDEXES),
    ("INDEXES_MYSQL8", INDEXES_MYSQL8),
    ("FOREIGN_KEYS", FOREIGN_KEYS),
    ("CHECKS_MARIADB", CHECKS_MARIADB),
    ("CHECKS_MYSQL", CHECKS_MYSQL),
    ("VIEWS", VIEWS),
    ("VIEWS_MYSQL8", VIEWS_MYSQL8),
    ("TRIGGERS", TRIGGERS),
    ("COLLATIONS", COLLATIONS),
    ("ROUTINES", ROUTINES),
    ("PARAMETERS", PARAMETERS),
    ("EVENTS", EVENTS),
    ("PARTITIONS", PARTITIONS),
];

pub const VERSION: &str =
    "SELECT VERSION(), DATABASE(), CAST(@@collation_database AS CHAR) AS collation_database";

pub const TABLES: &str =
    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT, CREATE_OPTIONS, \
AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";

pub const COLUMNS: &str =
    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, EXTRA, \
CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION \
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// The last column says whether the optimizer ignores the index
/// (MariaDB 10.6's `IGNORED`; [`INDEXES_IGNORED`] has it).
pub const INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), CAST(SEQ_IN_INDEX AS CHAR), COLUMN_NAME, \
CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, INDEX_COMMENT, NULL, 'NO' \
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

pub const INDEXES_IGNORED: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), CAST(SEQ_IN_INDEX AS CHAR), COLUMN_NAME, \
CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, INDEX_COMMENT, NULL, IGNORED \
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

pub const INDEXES_MYSQL8: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), CAST(SEQ_IN_INDEX AS CHAR), COLUMN_NAME, \
CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, INDEX_COMMENT, EXPRESSION, 'NO' \
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

pub const FOREIGN_KEYS: &str =
    "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, \
k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE \
FROM information_schema.KEY_COLUMN_USAGE k \
JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
WHERE k.TABLE_SCHEMA = ? AND r.CONSTRAINT_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// MariaDB scopes check names to their table and has TABLE_NAME here, and
/// LEVEL: `Column` for a check written on a column (named after it).
pub const CHECKS_MARIADB: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL \
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8 check names are unique per database; the table comes from
/// TABLE_CONSTRAINTS.
pub const CHECKS_MYSQL: &str = "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
FROM information_schema.CHECK_CONSTRAINTS cc JOIN information_schema.TABLE_CONSTRAINTS tc \
ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME \
AND tc.CONSTRAINT_TYPE = 'CHECK' WHERE cc.CONSTRAINT_SCHEMA = ? AND tc.TABLE_SCHEMA = ? \
ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME";

/// The definer is read only when it is not the connected user: a view
/// created by whoever applies is the common case and prints no definer.
/// The client character set and connection collation (which give a
/// literal in the body its character set) only when not this session's.
pub const VIEWS: &str = "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, \
NULLIF(DEFINER, CURRENT_USER()), ALGORITHM, \
NULLIF(CHARACTER_SET_CLIENT, @@character_set_client), NULLIF(COLLATION_CONNECTION, @@collation_connection) \
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";

/// MySQL 8 keeps a view's algorithm out of `information_schema.VIEWS`.
pub const VIEWS_MYSQL8: &str = "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, \
NULLIF(DEFINER, CURRENT_USER()), 'UNDEFINED', \
NULLIF(CHARACTER_SET_CLIENT, @@character_set_client), NULLIF(COLLATION_CONNECTION, @@collation_connection) \
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";

/// After the body: the trigger's `sql_mode` when it is not the server's
/// default, and its client character set and connection collation when
/// they are not this session's (what strata creates with): a string
/// literal in the body takes the connection's character set.
pub const TRIGGERS: &str = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT, \
NULLIF(CAST(SQL_MODE AS CHAR), CAST(@@GLOBAL.sql_mode AS CHAR)), \
NULLIF(CHARACTER_SET_CLIENT, @@character_set_client), NULLIF(COLLATION_CONNECTION, @@collation_connection) \
FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME";

pub const COLLATIONS: &str =
    "SELECT COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT FROM information_schema.COLLATIONS";

/// Stored functions and procedures. The definer is read only when it is
/// not the connected user, the `sql_mode` only when it is not the
/// server's default, and the client character set and connection
/// collation only when they are not this session's (what strata creates
/// with): each decides what the body means.
pub const ROUTINES: &str = "SELECT ROUTINE_TYPE, ROUTINE_NAME, DTD_IDENTIFIER, ROUTINE_DEFINITION, \
IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, NULLIF(DEFINER, CURRENT_USER()), \
NULLIF(CAST(SQL_MODE AS CHAR), CAST(@@GLOBAL.sql_mode AS CHAR)), ROUTINE_COMMENT, \
NULLIF(CHARACTER_SET_CLIENT, @@character_set_client), NULLIF(COLLATION_CONNECTION, @@collation_connection), \
DATABASE_COLLATION, CHARACTER_SET_NAME, COLLATION_NAME \
FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME";

/// The parameters of stored routines, in order; position 0 (a function's
/// return value) is left out, ROUTINES has it. `DTD_IDENTIFIER` leaves out
/// a text parameter's character set and collation: they come apart.
pub const PARAMETERS: &str =
    "SELECT ROUTINE_TYPE, SPECIFIC_NAME, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER, \
CHARACTER_SET_NAME, COLLATION_NAME \
FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0 \
ORDER BY ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION";

/// Events; the times as text, in the event's own time zone as the server
/// prints them. The definer and session are `NULL` when the defaults.
pub const EVENTS: &str = "SELECT EVENT_NAME, CAST(EXECUTE_AT AS CHAR), INTERVAL_VALUE, \
INTERVAL_FIELD, CAST(STARTS AS CHAR), CAST(ENDS AS CHAR), STATUS, ON_COMPLETION, EVENT_COMMENT, \
EVENT_DEFINITION, NULLIF(DEFINER, CURRENT_USER()), \
NULLIF(CAST(SQL_MODE AS CHAR), CAST(@@GLOBAL.sql_mode AS CHAR)), \
NULLIF(TIME_ZONE, @@GLOBAL.time_zone), NULLIF(CHARACTER_SET_CLIENT, @@character_set_client), \
NULLIF(COLLATION_CONNECTION, @@collation_connection) \
FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME";

pub const PARTITIONS: &str =
    "SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, \
PARTITION_EXPRESSION, PARTITION_DESCRIPTION, PARTITION_COMMENT, \
SUBPARTITION_METHOD, SUBPARTITION_EXPRESSION \
FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL \
ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION";
