//! PostgreSQL sequences changing hands (issue #11): a serial column and a
//! sequence of its own under the same name trading places, identity
//! bounds narrowed without `RESTART`, grants on the sequences serial and
//! identity columns make, and a sequence's type and owner. Each is the
//! user's path — the desired database inspected and printed, the current
//! one planned to the file — judged by the server's catalog: up equals
//! the desired database, a second plan is empty, the rollback restores
//! the start, and the sequence's value goes on from where it was.

use std::ops::AsyncFnOnce;
use std::time::Duration;

use crate::client::run_sql;
use crate::conformance::pipeline::{self, Planned};
use crate::oracle::compare;
use crate::support::{catalog, clean_up, count, exec, postgres_admin_url, unique_name, PgDb};

const DEADLINE: Duration = Duration::from_secs(60);

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A current database A and a desired one D, each built from its SQL.
struct Pair {
    a: PgDb,
    d: PgDb,
}

impl Pair {
    async fn create(current: &str, desired: &str) -> Option<Pair> {
        let a = PgDb::create("pg_seq_a").await?;
        let d = PgDb::create("pg_seq_d").await?;
        run_sql(&a.url, current, DEADLINE).await.expect("current");
        run_sql(&d.url, desired, DEADLINE).await.expect("desired");
        Some(Pair { a, d })
    }

    /// D inspected and printed, A planned to the file.
    async fn plan(&self, dir: &std::path::Path) -> Planned {
        let file = pipeline::inspect_to_file(&self.d.url, dir)
            .await
            .expect("inspect");
        pipeline::plan(&self.a.url, &file).await.expect("plan")
    }

    /// Up converges on D, the second plan is empty, and the rollback
    /// restores A; `between` runs on A after up and before the rollback.
    async fn converge(&self, planned: &Planned, between: impl AsyncFnOnce(&str)) {
        let start = catalog(&self.a.url).await;
        let want = catalog(&self.d.url).await;
        run_sql(&self.a.url, &planned.up, DEADLINE)
            .await
            .unwrap_or_else(|e| panic!("up rejected: {e}\n{}", planned.up));
        let up = compare(&catalog(&self.a.url).await, &want);
        assert!(
            up.equal,
            "up diverged:\n{}\n{}",
            up.diff.join("\n"),
            planned.up
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let again = self.plan(dir.path()).await;
        assert!(
            pipeline::statements(&again.up).is_empty(),
            "second plan not empty:\n{}",
            again.up
        );
        between(&self.a.url).await;
        run_sql(&self.a.url, &planned.down, DEADLINE)
            .await
            .unwrap_or_else(|e| panic!("down rejected: {e}\n{}", planned.down));
        let back = compare(&catalog(&self.a.url).await, &start);
        assert!(
            back.equal,
            "rollback did not restore:\n{}\n{}",
            back.diff.join("\n"),
            planned.down
        );
    }
}

async fn next(url: &str, seq: &str) -> i64 {
    count(url, &format!("SELECT nextval('{seq}')"))
        .await
        .expect("nextval")
}

const SERIAL: &str = "CREATE TABLE t (id serial PRIMARY KEY, v text);\n\
    INSERT INTO t (v) VALUES ('a'), ('b'), ('c');\n";
const FREE: &str = "CREATE SEQUENCE t_id_seq;\n\
    CREATE TABLE t (id integer NOT NULL DEFAULT nextval('t_id_seq'::regclass) PRIMARY KEY, v text);\n";

#[test]
fn a_serial_gives_its_sequence_away_and_takes_it_back_with_its_value() {
    let rt = rt();
    let Some(pair) = rt.block_on(Pair::create(SERIAL, FREE)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    assert!(planned.up.contains("OWNED BY NONE"), "{}", planned.up);
    assert!(!planned.up.contains("CREATE SEQUENCE"), "{}", planned.up);
    assert!(
        planned.down.contains("OWNED BY \"public\".\"t\".\"id\""),
        "{}",
        planned.down
    );
    rt.block_on(pair.converge(&planned, async |url| {
        // Three rows took 1 to 3: the free sequence goes on at 4.
        assert_eq!(next(url, "t_id_seq").await, 4);
    }));
    let a = &pair.a.url;
    assert_eq!(rt.block_on(next(a, "t_id_seq")), 5, "the rollback kept it");
    let rows = rt.block_on(count(a, "SELECT count(*) FROM t"));
    assert_eq!(rows, Ok(3));
}

#[test]
fn a_free_sequence_becomes_a_serials_own_with_its_value() {
    let rt = rt();
    let current = format!("{FREE}INSERT INTO t (v) VALUES ('a'), ('b');\n");
    let Some(pair) = rt.block_on(Pair::create(&current, SERIAL)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    assert!(
        planned.up.contains("OWNED BY \"public\".\"t\".\"id\""),
        "{}",
        planned.up
    );
    assert!(!planned.up.contains("CREATE SEQUENCE"), "{}", planned.up);
    assert!(!planned.up.contains("DROP SEQUENCE"), "{}", planned.up);
    rt.block_on(pair.converge(&planned, async |url| {
        assert_eq!(next(url, "t_id_seq").await, 3);
    }));
    assert_eq!(rt.block_on(next(&pair.a.url, "t_id_seq")), 4);
}

const VOLTS_WIDE: &str = "CREATE TABLE voltages (volt int GENERATED BY DEFAULT AS IDENTITY \
    (START WITH -200 INCREMENT BY 10 MINVALUE -200 MAXVALUE 200));\n";
const VOLTS_NARROW: &str = "CREATE TABLE voltages (volt int GENERATED BY DEFAULT AS IDENTITY \
    (START WITH -100 INCREMENT BY 5 MINVALUE -100 MAXVALUE 100));\n";

/// `tests_identity/IdentitySequenceOptionsIgnored`: the value (-200, not
/// yet handed out) lies below the new minimum, so it moves to it.
#[test]
fn identity_bounds_narrow_without_restart() {
    let rt = rt();
    let Some(pair) = rt.block_on(Pair::create(VOLTS_WIDE, VOLTS_NARROW)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    assert!(!planned.up.contains("RESTART"), "{}", planned.up);
    rt.block_on(pair.converge(&planned, async |url| {
        assert_eq!(next(url, "voltages_volt_seq").await, -100);
    }));
}

/// A value inside the new bounds is left where it is.
#[test]
fn identity_bounds_narrow_around_the_value_keep_it() {
    let rt = rt();
    let current = format!("{VOLTS_WIDE}SELECT setval('voltages_volt_seq', -50);\n");
    let Some(pair) = rt.block_on(Pair::create(&current, VOLTS_NARROW)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    rt.block_on(pair.converge(&planned, async |url| {
        assert_eq!(next(url, "voltages_volt_seq").await, -45);
    }));
}

/// A login role for grants, dropped (after the databases that name it,
/// which are declared after it) when the value is dropped.
struct Role(String);

impl Role {
    async fn create() -> Option<Role> {
        let name = unique_name("seq_role");
        exec(&postgres_admin_url(), &[format!("CREATE ROLE \"{name}\"")])
            .await
            .ok()?;
        Some(Role(name))
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        clean_up(
            postgres_admin_url(),
            vec![format!("DROP ROLE IF EXISTS \"{}\"", self.0)],
        );
    }
}

/// `tests_manage_privilege/ManagePrivilegeSequenceAndColumn` and alike:
/// grants on the sequence a serial column makes and on an identity's.
#[test]
fn grants_on_serial_and_identity_sequences_are_kept_and_changed() {
    let rt = rt();
    let Some(role) = rt.block_on(Role::create()) else {
        return;
    };
    let r = &role.0;
    let current = format!(
        "CREATE TABLE counters (id bigint PRIMARY KEY, n serial);\n\
         GRANT USAGE, SELECT ON SEQUENCE counters_n_seq TO \"{r}\";\n"
    );
    let desired = format!(
        "CREATE TABLE counters (id bigint PRIMARY KEY, n serial);\n\
         GRANT USAGE ON SEQUENCE counters_n_seq TO \"{r}\";\n\
         CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz);\n\
         GRANT USAGE, UPDATE ON SEQUENCE events_id_seq TO \"{r}\";\n"
    );
    let Some(pair) = rt.block_on(Pair::create(&current, &desired)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    let up = &planned.up;
    let table = up.find("CREATE TABLE \"public\".\"events\"").expect(up);
    let grant = up
        .find("ON SEQUENCE \"public\".\"events_id_seq\"")
        .expect(up);
    assert!(table < grant, "the grant waits for its table:\n{up}");
    rt.block_on(pair.converge(&planned, async |_| {}));
}

#[test]
fn a_sequences_type_and_owner_change_both_ways() {
    let rt = rt();
    let current = "CREATE TABLE t (a int, b bigint);\n\
        CREATE SEQUENCE s AS integer OWNED BY t.a;\n\
        CREATE SEQUENCE u AS smallint;\n\
        CREATE SEQUENCE w MINVALUE 1 MAXVALUE 1000;\n\
        SELECT setval('s', 40), nextval('w');\n";
    let desired = "CREATE TABLE t (a int, b bigint);\n\
        CREATE SEQUENCE s AS bigint OWNED BY t.b;\n\
        CREATE SEQUENCE u AS integer OWNED BY t.a;\n\
        CREATE SEQUENCE w MINVALUE 10 MAXVALUE 100;\n";
    let Some(pair) = rt.block_on(Pair::create(current, desired)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    rt.block_on(pair.converge(&planned, async |url| {
        assert_eq!(next(url, "s").await, 41);
        // `w` had handed out 1, below its new minimum: it starts there.
        assert_eq!(next(url, "w").await, 10);
    }));
    assert_eq!(rt.block_on(next(&pair.a.url, "s")), 42);
}

/// The serial column goes and its sequence stays: `OWNED BY NONE` runs
/// before the column's drop (which would take an owned sequence with it).
#[test]
fn a_dropped_serial_column_leaves_its_sequence_behind() {
    let rt = rt();
    let desired = "CREATE SEQUENCE t_id_seq AS integer;\n\
        CREATE TABLE t (v text);\n";
    let Some(pair) = rt.block_on(Pair::create(SERIAL, desired)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let planned = rt.block_on(pair.plan(dir.path()));
    let up = &planned.up;
    let free = up.find("OWNED BY NONE").expect(up);
    let drop = up.find("DROP COLUMN \"id\"").expect(up);
    assert!(free < drop, "{up}");
    rt.block_on(pair.converge(&planned, async |url| {
        assert_eq!(next(url, "t_id_seq").await, 4);
    }));
}

/// A sequence declared under the name a serial's own would take is
/// refused before any database is asked: the server would name the
/// serial's `t_id_seq1`.
#[test]
fn a_sequence_named_as_a_serials_own_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.strata");
    std::fs::write(
        &file,
        "dialect postgres\n\nsequence t_id_seq\n\ntable t {\n  id serial\n}\n",
    )
    .expect("write");
    let out = crate::cli_errors::strata()
        .args(["check", &file.display().to_string()])
        .output()
        .expect("run check");
    assert!(!out.status.success());
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(shown.contains("E0251"), "{shown}");
    assert!(shown.contains("schema.strata:3"), "{shown}");
}
