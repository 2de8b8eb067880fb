//! PostgreSQL partitions beyond one level of keys and indexes: a
//! partition's own foreign key attached to its parent's, partitions that
//! are partitioned themselves (two levels), a partitioned table that
//! another table references, and names the server numbers because the
//! plain one is taken. Each case is judged by the server's catalog
//! ([`crate::conformance::judge`]): the up SQL gives the desired catalog,
//! a second plan is empty, the rollback restores.

use crate::conformance::postgres::round_trip;

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

fn with(parts: &[&str]) -> String {
    parts.join(" ")
}

/// A referenced table and a list-partitioned table with two partitions.
const EVENTS: &str = "CREATE TABLE sites (id int PRIMARY KEY); \
    CREATE TABLE events (site int, n int, v text) PARTITION BY LIST (site); \
    CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1); \
    CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2);";

/// The parent's foreign key, cloned by the server onto each partition.
const PARENT_FK: &str = "ALTER TABLE events ADD CONSTRAINT events_site_fk \
    FOREIGN KEY (site) REFERENCES sites;";

/// Partition 1's own foreign key of the same definition, under its own
/// name: the parent's attaches it rather than cloning one.
const OWN_FK: &str = "ALTER TABLE events_1 ADD CONSTRAINT e1_site \
    FOREIGN KEY (site) REFERENCES sites;";

/// Partition 2's own foreign key that no parent's key matches.
const OTHER_FK: &str = "CREATE TABLE kinds (n int PRIMARY KEY); \
    ALTER TABLE events_2 ADD CONSTRAINT e2_kind FOREIGN KEY (n) REFERENCES kinds;";

cases! {
    partition_own_fk_attached_from_nothing: "" => &with(&[EVENTS, OWN_FK, PARENT_FK]);
    partition_own_fk_attached_when_the_parent_fk_comes: &with(&[EVENTS, OWN_FK]) =>
        &with(&[EVENTS, OWN_FK, PARENT_FK]);
    partition_own_fk_takes_over_the_cloned_one: &with(&[EVENTS, PARENT_FK]) =>
        &with(&[EVENTS, OWN_FK, PARENT_FK]);
    partition_own_fk_kept_when_the_parent_fk_goes: &with(&[EVENTS, OWN_FK, PARENT_FK]) =>
        &with(&[EVENTS, OWN_FK]);
    partition_own_fk_dropped_under_the_parent_fk: &with(&[EVENTS, OWN_FK, PARENT_FK]) =>
        &with(&[EVENTS, PARENT_FK]);
    partition_other_fk_beside_the_parent_fk: &with(&[EVENTS, PARENT_FK]) =>
        &with(&[EVENTS, PARENT_FK, OTHER_FK]);
}

/// Two levels: `events_2` is itself partitioned by range of `n`.
const LEVELS: &str = "CREATE TABLE sites (id int PRIMARY KEY); \
    CREATE TABLE events (site int, n int, v text, PRIMARY KEY (site, n)) PARTITION BY LIST (site); \
    CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1); \
    CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2) PARTITION BY RANGE (n); \
    CREATE TABLE events_2a PARTITION OF events_2 FOR VALUES FROM (0) TO (100); \
    CREATE TABLE events_2b PARTITION OF events_2 FOR VALUES FROM (100) TO (200);";

/// The top's index, made on every partition at both levels.
const LEVELS_INDEX: &str = "CREATE INDEX events_v ON events (v);";

cases! {
    two_levels_made_from_nothing: "" => &with(&[LEVELS, LEVELS_INDEX, PARENT_FK]);
    two_levels_parent_index_and_fk_added: LEVELS => &with(&[LEVELS, LEVELS_INDEX, PARENT_FK]);
    two_levels_dropped: &with(&[LEVELS, LEVELS_INDEX, PARENT_FK]) => "";
    two_levels_middle_own_index: LEVELS =>
        &with(&[LEVELS, "CREATE INDEX e2_v ON events_2 (v);"]);
    two_levels_leaf_own_fk_attached_below_the_middle: &with(&[LEVELS, PARENT_FK]) =>
        &with(&[LEVELS, PARENT_FK,
            "ALTER TABLE events_2a RENAME CONSTRAINT events_site_fk TO e2a_site;"]);
}

/// A plain table attached below the middle level, and a leaf detached
/// from it; the middle moved from the top as a whole is made again.
const LEAF_2C: &str = "CREATE TABLE events_2c (site int, n int, v text);";

cases! {
    two_levels_plain_table_attached_below_the_middle: &with(&[LEVELS, LEAF_2C]) =>
        &with(&[LEVELS, "CREATE TABLE events_2c PARTITION OF events_2 FOR VALUES FROM (200) TO (300);"]);
    two_levels_leaf_detached_from_the_middle: &with(&[LEVELS, LEVELS_INDEX]) =>
        &with(&[LEVELS, LEVELS_INDEX, "ALTER TABLE events_2 DETACH PARTITION events_2b;"]);
    two_levels_leaf_own_key_attached_below_the_middle: LEVELS =>
        &with(&[LEVELS, "ALTER TABLE events_2a RENAME CONSTRAINT events_2a_pkey TO e2a_pk;"]);
}

/// `inspect` prints the middle level with its `partition by`, leaves out
/// what the server made at either level, and its file makes the same
/// catalog on an empty database.
#[tokio::test]
async fn inspect_prints_two_levels() {
    use strata::dialect::{self, Dialect};
    use strata::ir::DialectKind;
    let Some(db) = crate::support::PgDb::create("pgpartlv_inspect").await else {
        return;
    };
    crate::postgres::exec(&db.url, &with(&[LEVELS, LEVELS_INDEX, PARENT_FK])).await;
    let i = crate::postgres::inspect(&db.url).await;
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let normalized = d.normalize(&i.schema);
    let printed = strata::syntax::print(&i.schema);
    assert!(
        printed.contains("partition events_2 of events for values IN (2) partition by range (n)"),
        "{printed}"
    );
    for made in [
        "events_2a_pkey",
        "events_2_v_idx",
        "events_2a_v_idx",
        "events_site_fk (site)\n}\n\npartition",
    ] {
        assert!(!printed.contains(made), "{made} in\n{printed}");
    }
    crate::postgres::printed_file_adopts(
        &db.url,
        &i.schema,
        &normalized,
        &printed,
        "pgpartlv_fresh",
    )
    .await;
}

/// Another table references the partitioned table.
const REFERENCED: &str = "CREATE TABLE orders (id int PRIMARY KEY) PARTITION BY RANGE (id); \
    CREATE TABLE orders_1 PARTITION OF orders FOR VALUES FROM (0) TO (100); \
    CREATE TABLE orders_2 PARTITION OF orders FOR VALUES FROM (100) TO (200); \
    CREATE TABLE lines (order_id int REFERENCES orders);";

cases! {
    referenced_partitioned_table_dropped_with_its_referrer: REFERENCED => "";
    referenced_partitioned_table_dropped_with_the_fk: REFERENCED =>
        "CREATE TABLE lines (order_id int);";
}

/// The server's name for a partition's index is taken on the partition.
const TAKEN: &str = "CREATE TABLE m (k int, v int) PARTITION BY LIST (k); \
    CREATE TABLE m_1 PARTITION OF m FOR VALUES IN (1); \
    CREATE TABLE m_1_v_idx (x int);";

cases! {
    made_index_name_numbered_when_taken: TAKEN => &with(&[TAKEN, "CREATE INDEX m_v ON m (v);"]);
}

// The server refuses to drop a partition of a referenced table (the
// referencing key's clone for it depends on it); detached first, it
// goes. The last partition is dropped: the clones on `lines` are
// numbered in the order the partitions came (`lines_order_id_fkey1`,
// `…2`), a name the server gives and no plan can choose.
cases! {
    partition_of_a_referenced_table_dropped: REFERENCED =>
        "CREATE TABLE orders (id int PRIMARY KEY) PARTITION BY RANGE (id); \
         CREATE TABLE orders_1 PARTITION OF orders FOR VALUES FROM (0) TO (100); \
         CREATE TABLE lines (order_id int REFERENCES orders);";
}
