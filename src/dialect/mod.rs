//! What differs between databases. Each dialect folder has the same files
//! for the same jobs: `introspect.rs` (catalog rows → IR) with
//! `introspect/queries.rs` (the catalog SQL), `normalize.rs` (canonical
//! spellings), `expr.rs` (tokenizer, expression canonical form),
//! `types.rs` (type spellings and changes), `quote.rs` (quoting and
//! reserved words), `hazards.rs` (a change's hazards), `emit/` (plan →
//! SQL, one file per object kind), `apply.rs` (running a script),
//! `scratch.rs` (scratch databases); see ARCHITECTURE.md. The rest of
//! strata talks to a dialect through two traits: [`Dialect`], the
//! synchronous half (normalize, hazards, emit, quoting — on top of
//! [`Target`], what the planner asks), and [`Driver`], the async half
//! (introspect, apply, scratch databases), reached by URL through
//! [`for_url`], the one place that picks a dialect for a database.
//! Nothing matches on SQL text.

pub mod audit;
pub mod driver;
pub mod keep;
pub mod mysql;
pub mod postgres;
pub mod readers;
pub mod sqlite;
pub mod statements;
pub(crate) mod tls;
pub mod tx_mode;
pub mod version;

pub use driver::{
    fingerprint, first_line, scratch_name, ApplyOptions, ApplyReport, Driver, Expected, LoadError,
    Pending, RunError, Scratch, ScratchPlace, StalePlan,
};

use serde::{Deserialize, Serialize};

use crate::diff::Change;
use crate::ir::{DialectKind, Name, Schema};
use crate::plan::{Hazard, Plan, Target};

/// The synchronous half of a dialect. What the planner asks of it
/// (capabilities, which changes rebuild a table) is [`Target`], declared
/// by the planner; the async half is [`Driver`].
pub trait Dialect: Target + Sync {
    fn kind(&self) -> DialectKind;

    /// Rewrites a schema into this dialect's canonical form: type aliases,
    /// default and expression spellings, generated constraint and index
    /// names, the default namespace as `None`. Both sides of a diff pass
    /// through here, so equal output means "the same schema".
    fn normalize(&self, schema: &Schema) -> Schema;

    /// Adjusts two normalized schemas where what one object means
    /// depends on the other side (PostgreSQL: a serial column whose
    /// sequence the other side has as a sequence of its own). Most
    /// dialects have nothing to do.
    fn pair(&self, _from: &mut Schema, _to: &mut Schema) {}
    /// [`Dialect::normalize`] of a schema the caller no longer needs: it is
    /// rewritten in place rather than cloned first (at 5,000 tables the
    /// clone is a whole schema's allocations and tens of MB).
    fn normalize_owned(&self, schema: Schema) -> Schema {
        self.normalize(&schema)
    }

    /// Hazards specific to this dialect (locks, rewrites, rebuilds), on top
    /// of the dialect-free ones the planner finds (data loss).
    fn hazards(&self, change: &Change, options: &EmitOptions) -> Vec<Hazard>;

    /// Lowers an ordered plan to SQL. Never reorders steps.
    fn emit(&self, plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError>;

    /// Quotes an identifier, always.
    fn quote_ident(&self, ident: &str) -> String;

    /// Quotes a qualified name, as the emitter writes it.
    fn quote_name(&self, name: &Name) -> String;

    /// Where `--keep-dropped` moves the table `table` dropped by a plan
    /// made at `stamp` ([`keep`]): its namespace, a suffixed name.
    fn kept_name(&self, table: &Name, stamp: &str) -> Name {
        keep::kept_name(table, table.schema.as_deref(), stamp)
    }

    /// `--keep-dropped`: the statements that move `table`, its rows,
    /// indexes and constraints to `aside` (kept at `stamp`), giving the
    /// objects whose names must be unique beyond the table names of their
    /// own; and the rollback's, which bring it all back ([`keep`]).
    fn keep_table(&self, table: &crate::ir::Table, aside: &Name, stamp: &str) -> keep::Moves;
}

/// The dialect for a kind.
pub fn for_kind(kind: DialectKind) -> &'static dyn Dialect {
    driver(kind)
}

/// The driver for a kind: the one match over the dialects.
pub fn driver(kind: DialectKind) -> &'static dyn Driver {
    match kind {
        DialectKind::Postgres => &postgres::Postgres,
        DialectKind::Mysql => &mysql::Mysql,
        DialectKind::Sqlite => &sqlite::Sqlite,
    }
}

/// The driver for a database URL, by its scheme; the bad-URL diagnostic
/// when the scheme names no dialect.
pub fn for_url(url: &str) -> miette::Result<&'static dyn Driver> {
    crate::url::dialect_of_url(url)
        .map(driver)
        .ok_or_else(|| crate::url::bad_url(url))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmitOptions {
    /// Prefer changes that keep the table readable and writable
    /// (`CREATE INDEX CONCURRENTLY`, `NOT VALID` then `VALIDATE`, …).
    pub online: bool,
    /// e.g. `5s`; put at the top of the script where the dialect has it.
    pub lock_timeout: Option<String>,
    pub statement_timeout: Option<String>,
    /// `--keep-dropped`: the stamp (`keep::stamp_now`) of the names that
    /// dropped tables are moved aside to instead of being destroyed.
    pub keep_dropped: Option<String>,
    /// `--backfill-batch ROWS`: fill a backfilled column this many rows
    /// per transaction where the dialect can loop (PostgreSQL), instead of
    /// one `UPDATE`.
    pub backfill_batch: Option<u64>,
    /// The server the plan is for: read from it when connected, else
    /// `server_version`/`--server-version`; `None` is the dialect's
    /// default ([`version::ServerVersion::default_for`]).
    pub server: Option<version::ServerVersion>,
}

impl EmitOptions {
    /// The server the hazards judge by: the one known, else the default.
    pub fn server(&self, kind: DialectKind) -> version::ServerVersion {
        self.server
            .unwrap_or_else(|| version::ServerVersion::default_for(kind))
    }
}

/// SQL ready to run or print: phases in order, each either one
/// transaction or statements that run one by one outside any transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub phases: Vec<Phase>,
}

impl Script {
    pub fn is_empty(&self) -> bool {
        self.phases.iter().all(|p| p.statements.is_empty())
    }

    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.phases.iter().flat_map(|p| p.statements.iter())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// Run between BEGIN and COMMIT when true; one by one when false.
    pub transactional: bool,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// One SQL statement without its trailing `;`.
    pub sql: String,
    /// Index into `Plan::steps` of the step this statement belongs to;
    /// `None` for set-up statements (pragmas, timeouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Hazard>,
}

/// How long a server may take to accept a first connection. sqlx's pools
/// retry a refused connection until their acquire timeout (30 s), which
/// reads as a hang when the server is simply not there; one plain
/// connection first fails at once on a refusal and within this bound on
/// a host that does not answer.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens and closes one connection, so that an unreachable server is an
/// error now rather than after the pool's retries.
pub(crate) async fn probe<C: sqlx::Connection>(url: &str) -> Result<(), String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, C::connect(url)).await {
        Ok(Ok(c)) => {
            // The probe only had to succeed; how it closes does not matter.
            let _ = c.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EmitError {
    #[error("{dialect} cannot {what}")]
    #[diagnostic(code(strata::emit::unsupported))]
    Unsupported {
        dialect: DialectKind,
        what: String,
        #[help]
        help: Option<String>,
    },
    /// The plan drops or makes anew an object that something strata does
    /// not model leans on (`crate::migration`'s `unmodeled` check): the
    /// server would refuse, or `CASCADE` would destroy it.
    #[error("{what}")]
    #[diagnostic(code(E0248))]
    UnmodeledDependents {
        what: String,
        #[help]
        help: String,
    },
    /// The plan rebuilds a SQLite table whose definition holds what strata
    /// does not model (`crate::migration`'s `rebuilt` check): the copy
    /// would silently lose it.
    #[error("{what}")]
    #[diagnostic(code(E0256))]
    RebuildLoses {
        what: String,
        #[help]
        help: String,
    },
}

/// What introspection found: the schema, and a warning for every object
/// that exists in the database but that strata does not model (never
/// silently dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Introspection {
    pub schema: Schema,
    pub warnings: Vec<String>,
}
