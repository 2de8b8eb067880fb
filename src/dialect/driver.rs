//! The async half of a dialect: everything that talks to a live server —
//! introspection, apply, scratch databases, the record of an unfinished
//! apply — behind one trait, [`Driver`], reached through one dispatch
//! point, [`super::for_url`]. The rest of strata never matches on a
//! dialect to pick a function; a fourth dialect is a folder and one line
//! there.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use futures::future::LocalBoxFuture;

use super::statements::Lexicon;
use super::{Dialect, Introspection, Script};
use crate::ir::Schema;

/// What a driver's async work returns: a boxed future, not required to be
/// `Send` — strata runs them with `block_on`, and sqlx's MySQL executor
/// futures trip rustc's higher-ranked `Send` check when boxed as `Send`.
pub type Fut<'a, T> = LocalBoxFuture<'a, miette::Result<T>>;

/// The async half of a dialect, implemented in `dialect/<d>/mod.rs` by
/// delegating to the dialect's `introspect.rs`, `apply.rs` and
/// `scratch.rs`.
pub trait Driver: Dialect {
    /// Reads the schema of the database at `url`, narrowed to
    /// `namespaces` where the dialect has them.
    fn introspect<'a>(&'a self, url: &'a str, namespaces: &'a [String]) -> Fut<'a, Introspection>;

    /// Lets the server at `url` print the desired bodies it stores in its
    /// own spelling, where `db` (read from it) says it stores them the
    /// same (PostgreSQL view bodies). Nothing to do elsewhere.
    fn align<'a>(
        &'a self,
        _url: &'a str,
        _db: &'a Schema,
        _desired: &'a mut Schema,
    ) -> Fut<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    /// Runs a script on the database at `url`.
    fn apply<'a>(
        &'a self,
        url: &'a str,
        script: &'a Script,
        options: &'a ApplyOptions,
    ) -> Fut<'a, ApplyReport>;

    /// The unfinished apply the database records, for `apply --resume`;
    /// `None` for a dialect whose applies run in transactions, which
    /// leave nothing to continue.
    fn pending<'a>(
        &'a self,
        _url: &'a str,
        _history: &'a super::audit::Place,
    ) -> Option<Fut<'a, Option<Pending>>> {
        None
    }

    /// The one integer a read-only `SELECT COUNT(*) …` returns on the
    /// database at `url` (pre-flight checks).
    fn count<'a>(&'a self, url: &'a str, sql: &'a str) -> Fut<'a, i64>;

    /// Two read-only `SELECT`s of one integer each for [`Driver::count`]:
    /// the server's estimate of `table`'s rows and its size in bytes with
    /// its indexes, each -1 when the server has none (a table never
    /// analyzed). `None` where the dialect keeps no cheap estimate
    /// (SQLite). For the size hazards name (docs/hazards.md).
    fn size_queries(&self, _table: &crate::ir::Name) -> Option<[String; 2]> {
        None
    }

    /// A read-only `SELECT` of one integer for [`Driver::count`]: the
    /// server's version as [`super::version::ServerVersion::from_number`]
    /// reads it. `None` where no hazard depends on it (SQLite).
    fn version_query(&self) -> Option<&'static str> {
        None
    }

    /// Whether a scratch database needs a server (`--dev-url`); SQLite
    /// makes one in a temporary file.
    fn needs_dev_server(&self) -> bool {
        true
    }

    /// Creates the empty scratch database `name` on the dev server at
    /// `dev_url` (or in a temporary file).
    fn create_scratch<'a>(&'a self, dev_url: Option<&'a str>, name: &'a str) -> Fut<'a, Scratch>;

    /// Drops a scratch database, whatever connections are left on it.
    fn drop_scratch(&self, scratch: Scratch) -> Fut<'_, ()>;

    /// Runs the text of a migration file on a scratch database, as the
    /// dialect's own client would read it.
    fn run_file<'a>(
        &'a self,
        url: &'a str,
        sql: &'a str,
    ) -> LocalBoxFuture<'a, Result<(), RunError>>;

    /// How the dialect's own client cuts a SQL file into statements.
    fn lexicon(&self) -> Lexicon;

    /// A scratch database that needs no server and is gone with its last
    /// connection (SQLite in memory); `None` where scratch databases live
    /// on the dev server.
    fn memory_scratch(&self, _name: &str) -> Option<Scratch> {
        None
    }

    /// Runs `statements` in order on one connection to the empty scratch
    /// database at `url`, stopping at the first the server refuses, and
    /// reads back (narrowed to `namespaces`) the schema they made while
    /// that connection is still open — an in-memory database lives no
    /// longer than it.
    fn load_statements<'a>(
        &'a self,
        url: &'a str,
        statements: &'a [String],
        namespaces: &'a [String],
    ) -> LocalBoxFuture<'a, Result<Introspection, LoadError>>;
}

/// Why a SQL desired state did not load into its scratch database.
#[derive(Debug)]
pub enum LoadError {
    /// Statement `index` was refused.
    Refused {
        index: usize,
        /// The server's message.
        message: String,
        /// Where in the statement the server points, as a byte offset.
        position: Option<usize>,
    },
    /// The scratch database could not be reached or read.
    Other(miette::Report),
}

impl LoadError {
    /// Statement `index` failed with `e`; `position` is the server's
    /// 1-based character position in `sql`, if it gave one.
    pub(crate) fn refused(
        index: usize,
        sql: &str,
        e: sqlx::Error,
        position: Option<usize>,
    ) -> Self {
        let message = match e.as_database_error() {
            Some(db) => db.message().to_string(),
            None => e.to_string(),
        };
        let position = position
            .and_then(|p| p.checked_sub(1))
            .and_then(|p| sql.char_indices().nth(p))
            .map(|(at, _)| at);
        LoadError::Refused {
            index,
            message,
            position,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// How long one statement may wait for a lock held by another
    /// session: `None` is [`DEFAULT_LOCK_TIMEOUT`], zero waits forever.
    /// A statement that gives up did not run, and is tried again up to
    /// [`LOCK_RETRIES`] times.
    pub lock_timeout: Option<Duration>,
    /// Continue an apply that failed half-way (MySQL history table).
    pub resume: bool,
    /// The database state the script was planned from: once the apply
    /// holds its lock (on SQLite, inside the write transaction the script
    /// runs in), the database is read again and nothing runs unless it
    /// is still that state ([`StalePlan`] otherwise).
    pub expect: Option<Expected>,
    /// How long to wait for another strata apply on the same database to
    /// finish: `None` is [`APPLY_LOCK_WAIT`]. A fleet apply waits less, so
    /// that one busy target does not hold up the run.
    pub apply_lock_wait: Option<Duration>,
    /// Called around each unit the driver commits (a transactional phase,
    /// a statement run on its own): a PostgreSQL primary waits there for
    /// its replicas (src/cluster/replica.rs).
    pub gate: Option<GateRef>,
    /// Where the MySQL/MariaDB per-statement record lives (`--history-table
    /// db.table`); PostgreSQL and SQLite record after the apply, where the
    /// CLI says.
    pub history: super::audit::Place,
}

/// What a driver calls before and after each unit it commits, naming it
/// by its first statement.
pub trait Gate {
    /// Before the unit runs: may wait, or refuse (nothing of it runs).
    fn before<'a>(&'a self, what: &'a str) -> Fut<'a, ()>;
    /// Once it committed: may measure what it did (never undoes it).
    fn after<'a>(&'a self, what: &'a str) -> Fut<'a, ()>;
}

/// A shared [`Gate`]; two are equal when they are the same gate.
#[derive(Clone)]
pub struct GateRef(pub std::rc::Rc<dyn Gate>);

impl GateRef {
    pub async fn before(gate: &Option<GateRef>, what: &str) -> miette::Result<()> {
        match gate {
            Some(g) => g.0.before(what).await,
            None => Ok(()),
        }
    }

    pub async fn after(gate: &Option<GateRef>, what: &str) -> miette::Result<()> {
        match gate {
            Some(g) => g.0.after(what).await,
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for GateRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GateRef")
    }
}

impl PartialEq for GateRef {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for GateRef {}

/// The state a plan was computed from, as [`fingerprint`] hashes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub fingerprint: String,
    /// The namespaces the plan read, read again for the check.
    pub namespaces: Vec<String>,
    /// strata's history table, left out of the comparison (its fingerprint too).
    pub history: super::audit::Place,
}

/// A statement waits this long for a lock unless `--lock-timeout` says
/// otherwise: long enough for ordinary traffic, short enough that a DDL
/// queued behind a long transaction does not stall every query queued
/// behind it in turn.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a statement (or transaction) that gave up waiting for a
/// lock is tried again, after 1 s, 2 s, 4 s….
pub const LOCK_RETRIES: u32 = 3;

/// How long an apply waits for another strata apply on the same database
/// to finish (the advisory or named lock): applies queue, they do not fail.
pub const APPLY_LOCK_WAIT: Duration = Duration::from_secs(600);

impl ApplyOptions {
    /// The wait for another apply's lock in effect.
    /// Never zero, which the servers would read as "forever" or "not at all".
    pub fn apply_lock_wait(&self) -> Duration {
        self.apply_lock_wait
            .unwrap_or(APPLY_LOCK_WAIT)
            .max(Duration::from_millis(1))
    }

    /// The lock timeout in effect; `None` waits forever.
    pub fn statement_lock_wait(&self) -> Option<Duration> {
        match self.lock_timeout {
            None => Some(DEFAULT_LOCK_TIMEOUT),
            Some(t) if t.is_zero() => None,
            Some(t) => Some(t),
        }
    }
}

/// The pause before retry `attempt` (1-based) of a statement that timed out
/// waiting for a lock; says so on stderr.
pub async fn lock_backoff(attempt: u32, what: &str, wait: Option<Duration>) {
    let pause = Duration::from_secs(1 << (attempt - 1).min(6));
    let waited = wait.map(|w| format!(" after {w:?}")).unwrap_or_default();
    eprintln!(
        "lock timeout{waited} on {what}: it did not run; retrying in {pause:?} (retry {attempt} of {LOCK_RETRIES})"
    );
    tokio::time::sleep(pause).await;
}

/// The stable hash of a database state that a plan records: FNV-1a (64
/// bits) over the schema's JSON, whose maps are all ordered, and over
/// what the database holds that strata does not model on the objects it
/// does (`Depends::unmodeled`, an ordered set): a plan made before such a
/// thing appeared may take it along (a SQLite rebuild), so it is stale.
pub fn fingerprint(schema: &Schema) -> String {
    let mut json = serde_json::to_vec(schema).unwrap_or_default();
    for u in &schema.depends.unmodeled {
        json.extend(format!("\n{:?}", u).bytes());
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in json {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Compares the state read under the lock with the one the plan was made
/// from.
pub fn verify(expected: &Expected, now: &Introspection) -> miette::Result<()> {
    let found = fingerprint(&expected.history.strip(&now.schema));
    if found == expected.fingerprint {
        return Ok(());
    }
    Err(StalePlan {
        planned: expected.fingerprint.clone(),
        found,
    }
    .into())
}

/// The database is no longer in the state the plan was computed from:
/// nothing ran. The command plans again or refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("the database changed since the plan was made (state {planned}, now {found}): nothing was applied")]
#[diagnostic(
    code(strata::apply::stale_plan),
    help("plan again against the database as it is now")
)]
pub struct StalePlan {
    pub planned: String,
    pub found: String,
}

/// What an apply did, statement by statement, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub executed: Vec<String>,
    /// What the driver checked and decided on the way (resume's checks),
    /// for the user.
    pub notes: Vec<String>,
}

/// A statement's first line for progress and failure messages, with `…`
/// when the statement goes on.
pub fn first_line(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or("").trim();
    if sql.lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_string()
    }
}

/// The statement an apply has sent and not yet seen answered, so that a
/// strata interrupted by a signal can say what the server may still be
/// doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    /// 1-based, of `total`.
    pub number: usize,
    pub total: usize,
    /// The script's phase (one transaction, when transactional).
    pub phase: usize,
    pub sql: String,
    /// Inside a transaction the server rolls it back when it finds the
    /// connection gone; outside one it may still finish it.
    pub transactional: bool,
}

static RUNNING: Mutex<Option<Running>> = Mutex::new(None);

/// Drivers call this before sending a statement, and with `None` once it
/// is answered (with [`completed`] when it succeeded).
pub fn set_running(running: Option<Running>) {
    if let Some(r) = &running {
        notify(r, Stage::Started);
    }
    if let Ok(mut slot) = RUNNING.lock() {
        *slot = running;
    }
}

/// The statement in flight succeeded: observers hear of it as it happens,
/// not when the whole apply returns.
pub fn completed() {
    let done = RUNNING.lock().ok().and_then(|mut slot| slot.take());
    if let Some(r) = done {
        notify(&r, Stage::Done);
    }
}

/// Where a statement is in its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Started,
    Done,
}

/// Told of every statement an apply sends and completes (the command
/// line's progress).
pub type Observer = Box<dyn Fn(&Running, Stage) + Send + Sync>;

static OBSERVER: Mutex<Option<Observer>> = Mutex::new(None);

/// Installs (or, with `None`, removes) the process's observer.
pub fn observe(observer: Option<Observer>) {
    if let Ok(mut slot) = OBSERVER.lock() {
        *slot = observer;
    }
}

fn notify(r: &Running, stage: Stage) {
    if let Ok(slot) = OBSERVER.lock() {
        if let Some(o) = slot.as_ref() {
            o(r, stage);
        }
    }
}

/// Numbers the statements of one apply (`#n of N` across phases) and
/// marks each in flight while the server works on it.
#[derive(Debug)]
pub struct Progress {
    /// The number of statements before each phase.
    offsets: Vec<usize>,
    total: usize,
}

impl Progress {
    pub fn new(script: &Script) -> Progress {
        let mut offsets = Vec::new();
        let mut total = 0;
        for phase in &script.phases {
            offsets.push(total);
            total += phase.statements.len();
        }
        Progress { offsets, total }
    }

    /// Awaits `work`, the sending of statement `statement` of phase
    /// `phase`, marked in flight.
    pub async fn send<T, E>(
        &self,
        (phase, statement): (usize, usize),
        sql: &str,
        transactional: bool,
        work: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        set_running(Some(Running {
            number: self.offsets.get(phase).copied().unwrap_or(0) + statement + 1,
            total: self.total,
            phase,
            sql: sql.to_string(),
            transactional,
        }));
        let out = work.await;
        if out.is_ok() {
            completed();
        } else {
            set_running(None);
        }
        out
    }
}

/// The statement in flight, if any.
pub fn running() -> Option<Running> {
    RUNNING.lock().ok().and_then(|slot| slot.clone())
}

/// An unfinished plan as the database records it (MySQL's
/// `strata_history`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub hash: String,
    /// Every statement of the plan, in order: `apply` with `resume` skips
    /// the ones already applied.
    pub script: Script,
    /// How many of them are applied.
    pub applied: usize,
}

impl Pending {
    /// The statements still to run, in order.
    pub fn remaining(&self) -> Script {
        let statements = self
            .script
            .statements()
            .skip(self.applied)
            .cloned()
            .collect();
        Script {
            phases: vec![super::Phase {
                transactional: false,
                statements,
            }],
        }
    }
}

/// A scratch database: made empty for one proof or one replay, and
/// dropped after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scratch {
    /// Where to connect to it.
    pub url: String,
    pub place: ScratchPlace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScratchPlace {
    /// A database on the dev server, reached as `admin_url` to drop it.
    Server { admin_url: String, name: String },
    /// A temporary SQLite file.
    File(PathBuf),
    /// An in-memory SQLite database, gone with its last connection.
    Memory,
}

impl Scratch {
    /// What to call it in messages.
    pub fn label(&self) -> String {
        match &self.place {
            ScratchPlace::Server { name, .. } => format!("scratch database {name}"),
            ScratchPlace::File(p) => format!("scratch file {}", p.display()),
            ScratchPlace::Memory => "in-memory scratch database".to_string(),
        }
    }
}

/// `<prefix>_<pid>_<nanos>_<n>`: unique per process and call, and a valid
/// database name everywhere without quoting.
pub fn scratch_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A statement on the dev server failed (or the server could not be
/// reached): the error of a scratch database that could not be made.
pub(crate) fn dev_server_error(sql: &str, url: &str, e: impl std::fmt::Display) -> miette::Report {
    miette::miette!(
        code = "strata::scratch::dev_server",
        help = "check --dev-url (or STRATA_DEV_URL): the server must run and the user \
                may CREATE DATABASE and DROP DATABASE there",
        "{sql} on the dev server {}: {e}",
        crate::url::redact(url)
    )
}

/// A scratch database that could not be dropped: left for the user.
pub(crate) fn drop_error(name: &str, e: miette::Report) -> miette::Report {
    miette::miette!(
        code = "strata::scratch::drop",
        help = format!("drop the database {name} by hand"),
        "cannot drop the scratch database: {e}"
    )
}

/// A scratch database asked of a server dialect without a server; the
/// commands check first and say it in their own words.
pub(crate) fn no_dev_server(dialect: &str) -> miette::Report {
    miette::miette!(
        code = "strata::scratch::no_dev_url",
        help = "pass --dev-url: a server where the user may CREATE DATABASE",
        "a scratch database on {dialect} needs a dev server"
    )
}

/// Why a migration file did not run on a scratch database: the database
/// could not be opened, or a statement of the file failed (the server's
/// message either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Connect(String),
    Statement(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_the_schema() {
        let mut a = Schema::default();
        let mut t = crate::ir::Table::new(crate::ir::Name::new("t"));
        t.columns.push(crate::ir::Column::new("id", "integer"));
        a.tables.insert(t.name.clone(), t.clone());
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_eq!(fingerprint(&a).len(), 16);
        let mut b = a.clone();
        t.columns.push(crate::ir::Column::new("extra", "text"));
        b.tables.insert(t.name.clone(), t);
        assert_ne!(fingerprint(&a), fingerprint(&b));
        let expected = Expected {
            fingerprint: fingerprint(&a),
            namespaces: Vec::new(),
            history: Default::default(),
        };
        let read = |schema: &Schema| Introspection {
            schema: schema.clone(),
            warnings: Vec::new(),
        };
        assert!(verify(&expected, &read(&a)).is_ok());
        let mut recorded = a.clone();
        let h = crate::ir::Table::new(crate::ir::Name::new(super::super::audit::TABLE));
        recorded.tables.insert(h.name.clone(), h);
        assert!(
            verify(&expected, &read(&recorded)).is_ok(),
            "the history table is left out"
        );
        let stale = verify(&expected, &read(&b)).expect_err("stale");
        assert!(stale.downcast_ref::<StalePlan>().is_some());
    }

    #[test]
    fn names_are_unique_and_plain() {
        let (a, b) = (scratch_name("strata_prove"), scratch_name("strata_prove"));
        assert_ne!(a, b);
        assert!(a.starts_with("strata_prove_"));
        assert!(a.len() < 64, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }
}
