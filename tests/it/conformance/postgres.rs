//! The PostgreSQL corpora: sqldef's postgres cases, judged by the oracle.
//!
//! Creating and dropping two databases per case is most of the cost of a
//! run on PostgreSQL (dropping one takes about half a second), so each
//! worker owns a pair for the whole run and empties it between cases:
//! every user namespace, extension, event trigger, publication, foreign
//! data wrapper and cast is dropped, and `public` is made again as a new
//! database has it (owned by `pg_database_owner`, usable by everyone, with
//! its comment). A database in which anything is left after that (default
//! privileges, settings, large objects…) is replaced by a new one, so no
//! case sees what another left.

use sqlx::Connection;

use super::{cases, report, run_cases, skip_reason, Case, Workspace};
use crate::oracle::postgres::fingerprint_on;
use crate::oracle::Fingerprint;
use crate::support::{postgres_admin_url, PgDb};

/// Empties a database to what a new one holds.
const RESET: &str = "DO $$ DECLARE r record; BEGIN \
  FOR r IN SELECT evtname FROM pg_event_trigger LOOP \
    EXECUTE format('DROP EVENT TRIGGER %I', r.evtname); END LOOP; \
  FOR r IN SELECT pubname FROM pg_publication LOOP \
    EXECUTE format('DROP PUBLICATION %I', r.pubname); END LOOP; \
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP \
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP; \
  FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper LOOP \
    EXECUTE format('DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE', r.fdwname); END LOOP; \
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
      AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%' LOOP \
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP; \
  FOR r IN SELECT format_type(castsource, NULL) s, format_type(casttarget, NULL) t FROM pg_cast WHERE oid >= 16384 LOOP \
    EXECUTE format('DROP CAST IF EXISTS (%s AS %s) CASCADE', r.s, r.t); END LOOP; \
  END $$; \
  CREATE SCHEMA public AUTHORIZATION pg_database_owner; \
  GRANT USAGE ON SCHEMA public TO PUBLIC; \
  COMMENT ON SCHEMA public IS 'standard public schema';";

/// What [`RESET`] cannot remove, by name; empty when nothing is left.
const LEFTOVERS: &str = "SELECT concat_ws(', ', \
  CASE WHEN EXISTS (SELECT 1 FROM pg_default_acl) THEN 'default privileges' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_cast WHERE oid >= 16384) THEN 'casts' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_language WHERE oid >= 16384) THEN 'languages' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_event_trigger) THEN 'event triggers' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_publication) THEN 'publications' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_foreign_server) THEN 'foreign servers' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname <> 'plpgsql') THEN 'extensions' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_largeobject_metadata) THEN 'large objects' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_db_role_setting WHERE setdatabase = \
      (SELECT oid FROM pg_database WHERE datname = current_database())) THEN 'settings' END, \
  CASE WHEN EXISTS (SELECT 1 FROM pg_description WHERE objoid >= 16384 \
      AND NOT (classoid = 'pg_namespace'::regclass AND objoid = 'public'::regnamespace)) THEN 'comments' END)";

/// The roles sqldef's cases grant to; they exist on sqldef's test server.
const ROLES: &[&str] = &[
    "readonly_user",
    "app_user",
    "admin_role",
    "user1",
    "user2",
    "user3",
    "user4",
    "user-with-dash",
    "user.with.dot",
    "user@domain.com",
];

/// Empties the database at `url`; `Err` names what is left (or why the
/// reset failed), and the caller replaces the database.
pub async fn reset(url: &str) -> Result<(), String> {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let r = reset_on(&mut c).await;
    let _ = c.close().await;
    r
}

async fn reset_on(c: &mut sqlx::PgConnection) -> Result<(), String> {
    sqlx::raw_sql(RESET)
        .execute(&mut *c)
        .await
        .map_err(|e| e.to_string())?;
    let left: String = sqlx::query_scalar(LEFTOVERS)
        .fetch_one(&mut *c)
        .await
        .map_err(|e| e.to_string())?;
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("left after reset: {left}"))
    }
}

/// Every commit of a case waits for no disk flush: the scratch databases
/// are thrown away, and a run is mostly commits.
fn fast(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20synchronous_commit%3Doff")
}

/// A worker's two scratch databases, with a connection to each that is
/// kept for resets and fingerprints.
pub struct Pair {
    pub a: String,
    pub d: String,
    dbs: [PgDb; 2],
    conns: [Option<sqlx::PgConnection>; 2],
}

impl Pair {
    /// `None` when the server is unreachable (after a loud message).
    pub async fn create() -> Option<Pair> {
        let a = PgDb::create("confa").await?;
        let d = PgDb::create("confd").await?;
        Some(Pair {
            a: fast(&a.url),
            d: fast(&d.url),
            dbs: [a, d],
            conns: [None, None],
        })
    }

    /// The kept connection to database `i`, made when there is none.
    async fn conn(&mut self, i: usize) -> Result<&mut sqlx::PgConnection, String> {
        if self.conns[i].is_none() {
            let url = if i == 0 { &self.a } else { &self.d };
            let c = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            self.conns[i] = Some(c);
        }
        self.conns[i]
            .as_mut()
            .ok_or_else(|| "no connection".to_string())
    }

    /// Empties database `i`, or replaces it when that leaves something.
    async fn reset_or_replace(&mut self, i: usize) -> Result<(), String> {
        let reset = match self.conn(i).await {
            Ok(c) => reset_on(c).await,
            Err(e) => Err(e),
        };
        if reset.is_err() {
            if let Some(c) = self.conns[i].take() {
                let _ = c.close().await;
            }
            self.replace(i).await?;
        }
        Ok(())
    }

    /// Replaces database `i` (0: A, 1: D) by a new one.
    async fn replace(&mut self, i: usize) -> Result<(), String> {
        let db = PgDb::create(if i == 0 { "confa" } else { "confd" })
            .await
            .ok_or("the server went away")?;
        let url = fast(&db.url);
        self.dbs[i] = db;
        if i == 0 {
            self.a = url;
        } else {
            self.d = url;
        }
        Ok(())
    }
}

impl Workspace for Pair {
    fn urls(&self) -> (&str, &str) {
        (&self.a, &self.d)
    }

    async fn fresh(&mut self) -> Result<(), String> {
        self.reset_or_replace(0).await?;
        self.reset_or_replace(1).await
    }

    fn prepare(&self, sql: &str, _url: &str, _case: &Case) -> String {
        sql.to_string()
    }

    async fn fingerprint(&mut self, url: &str) -> Result<Fingerprint, String> {
        let i = if url == self.a { 0 } else { 1 };
        let fp = match self.conn(i).await {
            Ok(c) => fingerprint_on(c).await,
            Err(e) => Err(e),
        };
        if fp.is_err() {
            // A broken connection is not the database's fault: once more
            // on a new one.
            if let Some(c) = self.conns[i].take() {
                let _ = c.close().await;
            }
            return fingerprint_on(self.conn(i).await?).await;
        }
        fp
    }
}

/// One case in plain DDL judged as the corpus is ([`super::judge`]): the
/// up SQL gives the desired catalog, a second plan is empty and the
/// rollback gives the current catalog back. Skips without a server.
pub async fn round_trip(name: &str, current: &str, desired: &str) {
    let Some(v) = judged(name, current, desired).await else {
        return;
    };
    assert!(
        v.up() && v.replan_empty() && v.down_restored(),
        "{name}: {:?} {}\n{}",
        v.status,
        v.reason.unwrap_or_default(),
        v.detail
    );
}

/// As [`round_trip`], for a case whose rollback cannot restore the
/// catalog exactly by design: the up must give the desired catalog and a
/// second plan must be empty; the rollback must run.
pub async fn up_and_replan(name: &str, current: &str, desired: &str) {
    let Some(v) = judged(name, current, desired).await else {
        return;
    };
    let rolled_back = matches!(v.down, Some(super::Down::Restored | super::Down::Diverged));
    assert!(
        v.up() && v.replan_empty() && rolled_back,
        "{name}: {:?} {}\n{}",
        v.status,
        v.reason.unwrap_or_default(),
        v.detail
    );
}

/// The verdict of one case judged on a fresh pair of databases; `None`
/// without a PostgreSQL server.
pub async fn judged(name: &str, current: &str, desired: &str) -> Option<super::Verdict> {
    let mut pair = Pair::create().await?;
    let case = Case {
        id: name.to_string(),
        current: Some(current.to_string()),
        desired: Some(desired.to_string()),
        flags: Default::default(),
    };
    Some(super::judge(&mut pair, &case).await)
}

/// Drops the workers' databases all at once: PostgreSQL makes every
/// `DROP DATABASE` wait for a checkpoint, and concurrent drops share one.
/// (Each database's guard then finds nothing left to drop.)
pub async fn drop_all(pairs: Vec<Pair>) {
    let admin = postgres_admin_url();
    let mut drops = Vec::new();
    let mut guards = Vec::new();
    for mut p in pairs {
        for c in p.conns.iter_mut().filter_map(Option::take) {
            let _ = c.close().await;
        }
        for db in &p.dbs {
            let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", db.name);
            let admin = admin.clone();
            drops.push(async move {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(&sql).execute(&mut c).await;
                    let _ = c.close().await;
                }
            });
        }
        guards.push(p);
    }
    futures::future::join_all(drops).await;
    drop(guards);
}

/// The server's version, e.g. `15.14 (Debian 15.14-0+deb12u1)`.
pub async fn server_version(url: &str) -> String {
    let Ok(mut c) = sqlx::PgConnection::connect(url).await else {
        return String::new();
    };
    let v: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut c)
        .await
        .unwrap_or_default();
    let _ = c.close().await;
    v
}

/// Creates the roles the cases grant to (roles belong to the server, not
/// to a database, so this is once per run).
pub async fn ensure_roles(cases: &[Case]) {
    let mut roles: Vec<String> = ROLES.iter().map(|r| r.to_string()).collect();
    for c in cases {
        for key in ["roles", "managed_roles"] {
            if let Some(list) = c.flags.get(key).and_then(|v| v.as_array()) {
                roles.extend(list.iter().filter_map(|r| r.as_str()).map(String::from));
            }
        }
    }
    roles.sort();
    roles.dedup();
    let Ok(mut c) = sqlx::PgConnection::connect(&postgres_admin_url()).await else {
        return;
    };
    for r in roles
        .iter()
        .filter(|r| !r.eq_ignore_ascii_case("public") && !r.is_empty())
    {
        let ident = r.replace('"', "\"\"");
        let sql = format!(
            "DO $$ BEGIN CREATE ROLE \"{ident}\"; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        );
        let _ = sqlx::raw_sql(&sql).execute(&mut c).await;
    }
    let _ = c.close().await;
}

/// `n` workspaces; `None` when the server is unreachable.
pub async fn workers(n: usize) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(Pair::create().await?);
    }
    Some(out)
}

/// Workers: a case is mostly waiting on the server and the clients.
const WORKERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_conformance() {
    let all = cases("sqldef/postgres.jsonl");
    assert_eq!(all.len(), 838, "the corpus has 838 postgres cases");
    let Some(mut workers) = workers(WORKERS).await else {
        return;
    };
    let version = server_version(&workers[0].a).await;
    ensure_roles(&all).await;
    let started = std::time::Instant::now();
    let results = run_cases(&mut workers, all, |c| skip_reason(c, &version, "")).await;
    drop_all(workers).await;
    report::conclude_run(
        "postgres",
        &format!("PostgreSQL {version}, sqldef"),
        &results,
        started.elapsed(),
    );
}

/// A case of two SQL scripts, for the scenario tests that judge shapes of
/// their own as the corpus is judged.
pub fn case(id: &str, current: &str, desired: &str) -> Case {
    Case {
        id: id.into(),
        current: Some(current.into()),
        desired: Some(desired.into()),
        flags: Default::default(),
    }
}

/// Judges each case and its reverse on one pair of scratch databases;
/// fails naming each that does not converge, re-plan empty and restore.
pub fn judge_both_ways(cases: &[Case]) {
    let cases: Vec<Case> = cases
        .iter()
        .flat_map(|c| {
            let back = case(
                &format!("{} (reversed)", c.id),
                c.desired.as_deref().unwrap_or(""),
                c.current.as_deref().unwrap_or(""),
            );
            [c.clone(), back]
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let Some(mut pair) = Pair::create().await else {
            return;
        };
        let mut failed = Vec::new();
        for c in &cases {
            let v = super::judge(&mut pair, c).await;
            if !(v.up() && v.replan_empty() && v.down_restored()) {
                failed.push(format!(
                    "{}: {:?} replan {:?} down {:?}: {}\n{}",
                    c.id,
                    v.status,
                    v.replan,
                    v.down,
                    v.reason.unwrap_or_default(),
                    v.detail
                ));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    });
}
