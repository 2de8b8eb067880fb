//! PostgreSQL: introspection of every modeled feature, the emitter, apply
//! (transactions, advisory lock, failure reports), against a real server.

use crate::support::apply;
use sqlx::Connection;
use strata::dialect::postgres::introspect;
use strata::dialect::ApplyOptions;
use strata::dialect::{self, Dialect, EmitOptions, Introspection, Phase, Script, Statement};
use strata::ir::{DialectKind, Identity, IndexKey, Name, SequenceOptions};
use strata::migration::migration;

use crate::support::PgDb;

pub async fn exec(url: &str, sql: &str) {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql(sql)
        .execute(&mut c)
        .await
        .expect("execute DDL");
    let _ = c.close().await;
}

pub async fn inspect(url: &str) -> Introspection {
    introspect::introspect(url, &[]).await.expect("introspect")
}

fn pg() -> &'static dyn Dialect {
    dialect::for_kind(DialectKind::Postgres)
}

/// The adoption of the database at `url` by the file `printed` that
/// `strata inspect` wrote of `inspected`: the file reads back to the
/// normalized schema `normalized`, plans empty against the database, and
/// applied to an empty database (named after `prefix`) gives the same
/// catalog as the server sees it.
pub async fn printed_file_adopts(
    url: &str,
    inspected: &strata::ir::Schema,
    normalized: &strata::ir::Schema,
    printed: &str,
    prefix: &str,
) {
    let again =
        strata::syntax::parse(&[strata::syntax::SourceFile::new("printed.strata", printed)])
            .unwrap_or_else(|e| panic!("{e:?}\n{printed}"));
    assert_eq!(&pg().normalize(&again), normalized, "{printed}");
    let m = migration(inspected, &again, pg(), &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);

    let Some(fresh) = PgDb::create(prefix).await else {
        return;
    };
    let empty = inspect(&fresh.url).await.schema;
    let m = migration(&empty, &again, pg(), &EmitOptions::default()).expect("plan");
    apply(&fresh.url, &m.up, &Default::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    crate::oracle::judge(
        "printed schema applied to an empty database",
        DialectKind::Postgres,
        &crate::oracle::fingerprint(&fresh.url).await.expect("print"),
        &crate::oracle::fingerprint(url).await.expect("print"),
    )
    .unwrap_or_else(|e| panic!("{e}\n{printed}"));
}

const FEATURES: &str = r#"
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'money';
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
ALTER TYPE order_status ADD VALUE 'new' BEFORE 'pending';
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
  email text NOT NULL UNIQUE,
  display varchar(80) COLLATE "C",
  created_at timestamptz NOT NULL DEFAULT now(),
  score numeric(12,2) DEFAULT 0 CHECK (score >= 0),
  lower_email text GENERATED ALWAYS AS (lower(email)) STORED
);
COMMENT ON TABLE users IS 'People';
COMMENT ON COLUMN users.email IS 'sign-in';
CREATE TABLE orders (
  id serial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  status order_status NOT NULL DEFAULT 'pending',
  total numeric NOT NULL,
  note text
);
ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) MATCH FULL NOT VALID;
CREATE INDEX orders_user_created ON orders (user_id DESC NULLS LAST, total) INCLUDE (note) WHERE status <> 'shipped';
CREATE UNIQUE INDEX users_lower ON users (lower(email) text_pattern_ops);
CREATE INDEX orders_note_gin ON orders USING gin (to_tsvector('english', note));
CREATE SEQUENCE billing.invoice_no AS integer START 1000 CACHE 10;
CREATE UNLOGGED TABLE billing.invoices (
  no integer NOT NULL DEFAULT nextval('billing.invoice_no'),
  order_id integer REFERENCES orders (id)
);
ALTER SEQUENCE billing.invoice_no OWNED BY billing.invoices.no;
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW paid_orders AS SELECT o.id, o.total FROM orders o WHERE o.status = 'paid';
CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
CREATE UNIQUE INDEX order_totals_user ON order_totals (user_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ begin new.note := 'x'; return new; end $$;
CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE OF note ON orders FOR EACH ROW WHEN (new.total > 0) EXECUTE FUNCTION touch();
CREATE DOMAIN email_addr AS text CHECK (value ~ '@');
CREATE TABLE ranges (r int4range, EXCLUDE USING gist (r WITH &&));
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON orders USING (user_id = 1);
"#;

#[tokio::test]
async fn introspects_every_feature() {
    let Some(db) = PgDb::create("pg_features").await else {
        return;
    };
    exec(&db.url, FEATURES).await;
    let i = inspect(&db.url).await;
    let s = &i.schema;
    assert!(s.extensions.contains_key("pgcrypto"));
    assert_eq!(s.namespaces["billing"].comment.as_deref(), Some("money"));
    let status = &s.enums[&Name::new("order_status")];
    assert_eq!(status.values, ["new", "pending", "paid", "shipped"]);

    let users = &s.tables[&Name::new("users")];
    assert_eq!(users.comment.as_deref(), Some("People"));
    let id = users.column("id").expect("users.id");
    assert_eq!(
        id.identity,
        Some(Identity::Always {
            options: SequenceOptions {
                start: Some(100),
                increment: Some(5),
                ..Default::default()
            }
        })
    );
    let display = users.column("display").expect("display");
    assert_eq!(display.ty.as_str(), "character varying(80)");
    assert_eq!(display.collation.as_deref(), Some("C"));
    assert!(display.nullable);
    assert_eq!(
        users.column("email").and_then(|c| c.comment.as_deref()),
        Some("sign-in")
    );
    let gen = users
        .column("lower_email")
        .and_then(|c| c.generated.clone());
    assert_eq!(
        gen.map(|g| (g.expr.0, g.stored)),
        Some(("lower(email)".into(), true))
    );
    assert_eq!(users.uniques[0].name.as_deref(), Some("users_email_key"));
    assert_eq!(users.checks[0].name.as_deref(), Some("users_score_check"));
    let lower = &users.indexes[0];
    assert!(lower.unique);
    assert_eq!(lower.parts[0].opclass.as_deref(), Some("text_pattern_ops"));
    assert!(matches!(&lower.parts[0].key, IndexKey::Expr(e) if e.0 == "lower(email)"));

    let orders = &s.tables[&Name::new("orders")];
    assert_eq!(orders.column("id").map(|c| c.ty.as_str()), Some("serial"));
    assert!(orders.column("id").is_some_and(|c| c.default.is_none()));
    let check = &orders.checks[0];
    assert_eq!(
        (check.name.as_deref(), check.not_valid),
        (Some("total_positive"), true)
    );
    let fk2 = orders
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("orders_user_fk2"))
        .expect("fk2");
    assert!(fk2.not_valid);
    assert_eq!(fk2.match_type, strata::ir::MatchType::Full);
    let fk = orders
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("orders_user_id_fkey"))
        .expect("fk");
    assert_eq!(fk.on_delete, strata::ir::FkAction::Cascade);
    assert_eq!(fk.deferral, strata::ir::Deferral::InitiallyDeferred);
    let created = orders
        .indexes
        .iter()
        .find(|i| i.name.as_deref() == Some("orders_user_created"))
        .expect("index");
    assert!(created.parts[0].desc);
    assert_eq!(created.parts[0].nulls_first, Some(false));
    assert_eq!(created.include, ["note"]);
    assert!(created.predicate.is_some());
    let gin = orders
        .indexes
        .iter()
        .find(|i| i.name.as_deref() == Some("orders_note_gin"))
        .expect("gin");
    assert_eq!(gin.method.as_deref(), Some("gin"));
    // No sequence for the serial column: it folds into the type.
    assert!(!s.sequences.contains_key(&Name::new("orders_id_seq")));
    let seq = &s.sequences[&Name::qualified("billing", "invoice_no")];
    assert_eq!((seq.start, seq.cache), (Some(1000), Some(10)));
    assert_eq!(
        seq.owned_by,
        Some((Name::qualified("billing", "invoices"), "no".into()))
    );
    let invoices = &s.tables[&Name::qualified("billing", "invoices")];
    assert_eq!(
        invoices.options.get("unlogged").map(String::as_str),
        Some("true")
    );
    let events = &s.tables[&Name::new("events")];
    assert!(
        matches!(&events.partition, Some(strata::ir::Partitioning::By { by }) if by.0 == "range (at)")
    );
    let part = &s.tables[&Name::new("events_2026")];
    assert!(
        part.columns.is_empty(),
        "a partition's columns are its parent's"
    );
    assert!(
        matches!(&part.partition, Some(strata::ir::Partitioning::Of { parent, .. }) if *parent == Name::new("events"))
    );
    let totals = &s.views[&Name::new("order_totals")];
    assert!(totals.materialized);
    assert_eq!(totals.indexes.len(), 1);
    assert!(s.views[&Name::new("paid_orders")].body.contains("'paid'"));
    assert_eq!(function(s, "touch").language, "plpgsql");
    let trigger = &s.triggers[&(Name::new("orders"), "orders_touch".to_string())];
    assert_eq!(trigger.timing, "before");
    assert_eq!(trigger.events.len(), 2);
    assert!(trigger.for_each_row);
    assert_eq!(trigger.body, "execute function touch()");
    assert!(trigger.when.is_some());

    // Row-level security and policies are modeled, not reported.
    assert!(s.tables[&Name::new("orders")].row_security.enabled);
    let own = &s.policies[&(Name::new("orders"), "own".to_string())];
    assert_eq!(own.roles, vec!["public".to_string()]);
    assert!(own.using.is_some());
    // Domains and exclusion constraints are modeled, not reported.
    assert!(
        !i.warnings.iter().any(|w| w.contains("policy")
            || w.contains("row-level")
            || w.contains("domain")
            || w.contains("exclusion")),
        "{:?}",
        i.warnings
    );
    assert_eq!(s.domains[&Name::new("email_addr")].checks.len(), 1);
    assert_eq!(
        s.tables[&Name::new("ranges")].exclusions[0].name.as_deref(),
        Some("ranges_r_excl")
    );

    // Narrowed to one namespace.
    let only = introspect::introspect(&db.url, &["billing".to_string()])
        .await
        .expect("introspect billing");
    assert_eq!(only.schema.tables.len(), 1);
    assert!(only
        .schema
        .tables
        .contains_key(&Name::qualified("billing", "invoices")));

    // The whole database converges with itself: no perpetual diff.
    let d = pg();
    let m = migration(s, s, d, &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);
}

#[tokio::test]
async fn extension_objects_are_left_to_the_extension() {
    let Some(db) = PgDb::create("pg_ext").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE EXTENSION IF NOT EXISTS citext; CREATE TABLE t (a citext);",
    )
    .await;
    let i = inspect(&db.url).await;
    assert!(i.schema.extensions.contains_key("citext"));
    // citext brings functions and types; none shows as the user's own.
    assert!(
        i.schema.functions.is_empty(),
        "{:?}",
        i.schema.functions.keys()
    );
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
}

fn script(phases: Vec<(bool, Vec<&str>)>) -> Script {
    Script {
        phases: phases
            .into_iter()
            .map(|(transactional, stmts)| Phase {
                transactional,
                statements: stmts
                    .into_iter()
                    .map(|s| Statement {
                        sql: s.to_string(),
                        step: None,
                        hazards: vec![],
                    })
                    .collect(),
            })
            .collect(),
    }
}

async fn table_names(url: &str) -> Vec<String> {
    inspect(url)
        .await
        .schema
        .tables
        .keys()
        .map(|n| n.to_string())
        .collect()
}

#[tokio::test]
async fn failure_half_way_leaves_the_database_unchanged() {
    let Some(db) = PgDb::create("pg_fail").await else {
        return;
    };
    exec(&db.url, "CREATE TABLE keep (a int);").await;
    let s = script(vec![(
        true,
        vec![
            "CREATE TABLE a (x int)",
            "ALTER TABLE keep ADD COLUMN b int",
            "ALTER TABLE missing ADD COLUMN y int",
            "CREATE TABLE c (x int)",
        ],
    )]);
    let err = apply(&db.url, &s, &ApplyOptions::default())
        .await
        .expect_err("the third statement fails");
    let msg = format!("{err:?}");
    assert!(
        msg.contains("ALTER TABLE missing ADD COLUMN y int"),
        "{msg}"
    );
    assert!(msg.contains("relation \"missing\" does not exist"), "{msg}");
    assert!(msg.contains("rolled back"), "{msg}");
    assert_eq!(table_names(&db.url).await, ["keep"]);
    let keep = &inspect(&db.url).await.schema.tables[&Name::new("keep")];
    assert_eq!(keep.columns.len(), 1, "the added column was rolled back");
}

#[tokio::test]
async fn failure_outside_the_transaction_names_what_ran() {
    let Some(db) = PgDb::create("pg_fail_nt").await else {
        return;
    };
    let s = script(vec![
        (true, vec!["CREATE TABLE a (x int)"]),
        (
            false,
            vec![
                "CREATE INDEX CONCURRENTLY a_x ON a (x)",
                "CREATE INDEX CONCURRENTLY b_x ON missing (x)",
            ],
        ),
    ]);
    let err = apply(&db.url, &s, &ApplyOptions::default())
        .await
        .expect_err("the second index fails");
    let msg = format!("{err:?}");
    assert!(msg.contains("outside a transaction"), "{msg}");
    assert!(msg.contains("CREATE TABLE a (x int)"), "{msg}");
    assert!(
        msg.contains("CREATE INDEX CONCURRENTLY a_x ON a (x)"),
        "{msg}"
    );
    assert_eq!(table_names(&db.url).await, ["a"]);
}

#[tokio::test]
async fn concurrent_applies_never_interleave() {
    let Some(db) = PgDb::create("pg_lock").await else {
        return;
    };
    // Each apply holds the lock for a while; the second must wait, then
    // fail cleanly on what the first created, with nothing applied twice.
    let s = script(vec![(
        true,
        vec![
            "CREATE TABLE once (x int)",
            "SELECT pg_sleep(0.5)",
            "INSERT INTO once VALUES (1)",
        ],
    )]);
    let url = db.url.clone();
    let plain = ApplyOptions::default();
    let (a, b) = tokio::join!(apply(&url, &s, &plain), apply(&url, &s, &plain));
    let ok = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(ok, 1, "exactly one apply succeeds");
    let err = format!("{:?}", a.err().or(b.err()).expect("one error"));
    assert!(err.contains("already exists"), "{err}");
    let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM once")
        .fetch_one(&mut c)
        .await
        .expect("count");
    assert_eq!(n, 1, "the insert ran once");

    // While one apply holds the lock, another with a short statement lock
    // timeout still queues behind it (that timeout bounds table locks, not
    // the wait for another apply), then runs.
    let slow = script(vec![(true, vec!["SELECT pg_sleep(1.5)"])]);
    let quick = ApplyOptions {
        lock_timeout: Some(std::time::Duration::from_millis(300)),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let (a, b) = tokio::join!(apply(&url, &slow, &plain), async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        apply(&url, &slow, &quick).await
    });
    assert!(a.is_ok());
    b.expect("the second waits, then runs");
    assert!(started.elapsed() >= std::time::Duration::from_secs(3));
}

#[tokio::test]
async fn online_plan_applies_and_converges() {
    let (Some(db), Some(want_db)) = (
        PgDb::create("pg_online").await,
        PgDb::create("pg_online_b").await,
    ) else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE t (a int, b text, u int); \
         INSERT INTO users VALUES (1); INSERT INTO t VALUES (1, 'x', 1); CREATE INDEX t_old ON t (b);",
    )
    .await;
    exec(
        &want_db.url,
        "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE t (a int NOT NULL CHECK (a > 0), b text, \
         u int REFERENCES users, UNIQUE (b)); CREATE INDEX t_a ON t (a) WHERE b IS NOT NULL;",
    )
    .await;
    let d = pg();
    let current = inspect(&db.url).await.schema;
    let want = inspect(&want_db.url).await.schema;
    let options = EmitOptions {
        online: true,
        lock_timeout: Some("5s".into()),
        statement_timeout: None,
        keep_dropped: None,
        backfill_batch: None,
        server: None,
    };
    let m = migration(&current, &want, d, &options).expect("plan");
    let sql = strata::report::sql::render(d, &m.up);
    assert!(sql.contains("CREATE INDEX CONCURRENTLY"), "{sql}");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
    let after = inspect(&db.url).await.schema;
    if let Some(diff) = crate::converge::schema_diff(&d.normalize(&want), &d.normalize(&after)) {
        panic!("online plan did not converge:\n{diff}\n{sql}");
    }
    let down = strata::report::sql::render(d, &m.down);
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    let restored = inspect(&db.url).await.schema;
    if let Some(diff) =
        crate::converge::schema_diff(&d.normalize(&current), &d.normalize(&restored))
    {
        panic!("online rollback did not restore:\n{diff}\n{down}");
    }
}

/// The first function named `name` (tests give each name one).
pub fn function<'a>(s: &'a strata::ir::Schema, name: &str) -> &'a strata::ir::Function {
    s.functions
        .values()
        .find(|f| f.name == Name::new(name))
        .unwrap_or_else(|| panic!("no function {name}"))
}
