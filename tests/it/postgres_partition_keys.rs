//! PostgreSQL partitions' primary keys and unique constraints beside
//! their parent's: a key on a partitioned table is made on every
//! partition too, under a name the server picks, or takes over a
//! partition's own key of the same definition under that key's name.
//! Each case is judged by the server's catalog
//! ([`crate::conformance::judge`]): the up SQL gives the desired catalog,
//! a second plan is empty, the rollback restores.

use strata::dialect::{self, Dialect};
use strata::ir::{DialectKind, Name};

use crate::conformance::postgres::round_trip;
use crate::postgres::{exec, inspect};
use crate::support::PgDb;

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

/// A list-partitioned table over nullable columns, with two partitions.
const ORDERS: &str = "CREATE TABLE orders (region text, id int, ref text) \
    PARTITION BY LIST (region); \
    CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu'); \
    CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us');";

/// The parent's keys, which the server makes on each partition (under
/// `orders_eu_pkey`, `orders_eu_region_ref_key`) or attaches a
/// partition's own of the same definition.
const PARENT_KEYS: &str = "ALTER TABLE orders ADD PRIMARY KEY (region, id); \
    ALTER TABLE orders ADD UNIQUE (region, ref);";

/// The eu partition's own keys, under names of its own.
const EU_OWN: &str = "ALTER TABLE orders_eu ADD CONSTRAINT eu_pk PRIMARY KEY (region, id); \
    ALTER TABLE orders_eu ADD CONSTRAINT eu_ref UNIQUE (region, ref);";

/// The parent's keys made `ON ONLY` first and the partitions' own
/// attached one by one, as pg-schema-diff's cases write it.
const ATTACHED_BY_HAND: &str = "ALTER TABLE orders_eu ALTER COLUMN region SET NOT NULL, \
      ALTER COLUMN id SET NOT NULL; \
    ALTER TABLE orders_us ALTER COLUMN region SET NOT NULL, ALTER COLUMN id SET NOT NULL; \
    ALTER TABLE orders ALTER COLUMN region SET NOT NULL, ALTER COLUMN id SET NOT NULL; \
    ALTER TABLE ONLY orders ADD CONSTRAINT orders_pkey PRIMARY KEY (region, id); \
    ALTER TABLE orders_eu ADD CONSTRAINT eu_pk PRIMARY KEY (region, id); \
    ALTER INDEX orders_pkey ATTACH PARTITION eu_pk; \
    ALTER TABLE orders_us ADD CONSTRAINT orders_us_pkey PRIMARY KEY (region, id); \
    ALTER INDEX orders_pkey ATTACH PARTITION orders_us_pkey;";

fn with(parts: &[&str]) -> String {
    parts.join(" ")
}

cases! {
    partition_own_keys_attached_made_from_nothing: "" =>
        &with(&[ORDERS, EU_OWN, PARENT_KEYS]);
    partition_own_keys_take_over_the_made_ones: &with(&[ORDERS, PARENT_KEYS]) =>
        &with(&[ORDERS, EU_OWN, PARENT_KEYS]);
    parent_keys_added_over_partition_own_keys: &with(&[ORDERS, EU_OWN]) =>
        &with(&[ORDERS, EU_OWN, PARENT_KEYS]);
    partition_own_primary_key_attached_by_hand: &with(&[ORDERS]) =>
        &with(&[ORDERS, ATTACHED_BY_HAND]);
    partition_own_primary_key_dropped_leaves_no_not_null: &with(&[ORDERS, EU_OWN]) =>
        ORDERS;
    partition_own_unique_attached_beside_a_made_one: &with(&[ORDERS, PARENT_KEYS]) =>
        &with(&[ORDERS, PARENT_KEYS,
            "ALTER TABLE orders_us RENAME CONSTRAINT orders_us_region_ref_key TO us_ref;"]);
}

/// `inspect` leaves out the keys the parent's made (the file would
/// otherwise make them twice) and keeps a partition's own attached ones;
/// its file, applied to an empty database, gives the same catalog.
#[tokio::test]
async fn inspect_writes_only_the_partitions_own_keys() {
    let Some(db) = PgDb::create("pgpartkeys_inspect").await else {
        return;
    };
    exec(&db.url, &with(&[ORDERS, EU_OWN, PARENT_KEYS])).await;
    let i = inspect(&db.url).await;
    let keys = |t: &str| -> Vec<String> {
        let t = &i.schema.tables[&Name::new(t)];
        let pk = t.primary_key.iter().filter_map(|k| k.name.clone());
        pk.chain(t.uniques.iter().filter_map(|u| u.name.clone()))
            .collect()
    };
    assert_eq!(keys("orders"), ["orders_pkey", "orders_region_ref_key"]);
    assert_eq!(keys("orders_eu"), ["eu_pk", "eu_ref"]);
    assert!(keys("orders_us").is_empty(), "{:?}", keys("orders_us"));
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let normalized = d.normalize(&i.schema);
    let printed = strata::syntax::print(&i.schema);
    crate::postgres::printed_file_adopts(
        &db.url,
        &i.schema,
        &normalized,
        &printed,
        "pgpartkeys_fresh",
    )
    .await;
}

/// A parent's index made `ON ONLY` stays invalid until every partition's
/// index is attached to it: here the eu partition's is, the us one has
/// none.
const ON_ONLY: &str = "CREATE INDEX orders_ref ON ONLY orders (ref); \
    CREATE INDEX eu_ref_idx ON orders_eu (ref); \
    ALTER INDEX orders_ref ATTACH PARTITION eu_ref_idx;";

cases! {
    parent_index_on_only_left_invalid: ORDERS => &with(&[ORDERS, ON_ONLY]);
    parent_index_on_only_left_invalid_from_nothing: "" => &with(&[ORDERS, ON_ONLY]);
}

/// Foreign keys from and to partitioned tables: the server clones each
/// onto every partition (and, to a partitioned table, one per partition
/// it references), `conparentid` set; none of them is a partition's own.
const FOREIGN_KEYS: &str = "CREATE TABLE shipments (id int, region text, order_id int, \
      FOREIGN KEY (region, order_id) REFERENCES orders) PARTITION BY RANGE (id); \
    CREATE TABLE shipments_1 PARTITION OF shipments FOR VALUES FROM (0) TO (1000); \
    CREATE TABLE notes (region text, order_id int, \
      FOREIGN KEY (region, order_id) REFERENCES orders ON DELETE CASCADE);";

cases! {
    parent_index_made_complete_over_on_only: &with(&[ORDERS, ON_ONLY]) =>
        &with(&[ORDERS, "CREATE INDEX orders_ref ON orders (ref);"]);
    foreign_keys_cloned_onto_partitions_are_not_theirs: &with(&[ORDERS, PARENT_KEYS]) =>
        &with(&[ORDERS, PARENT_KEYS, FOREIGN_KEYS]);
    foreign_keys_beside_partition_own_keys: &with(&[ORDERS, EU_OWN, PARENT_KEYS]) =>
        &with(&[ORDERS, EU_OWN, PARENT_KEYS, FOREIGN_KEYS]);
}

/// `inspect` prints a parent's index made `ON ONLY` with `only`, and the
/// file reads back to it and makes it so on an empty database.
#[tokio::test]
async fn inspect_prints_an_on_only_index_with_only() {
    let Some(db) = PgDb::create("pgpartkeys_only").await else {
        return;
    };
    exec(&db.url, &with(&[ORDERS, ON_ONLY])).await;
    let i = inspect(&db.url).await;
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let normalized = d.normalize(&i.schema);
    let printed = strata::syntax::print(&i.schema);
    assert!(printed.contains("index orders_ref (ref) only"), "{printed}");
    assert!(printed.contains("index eu_ref_idx (ref)\n"), "{printed}");
    crate::postgres::printed_file_adopts(
        &db.url,
        &i.schema,
        &normalized,
        &printed,
        "pgpartkeys_only_fresh",
    )
    .await;
}
