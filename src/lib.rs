//! strata: schema files in, migration SQL (and its rollback) out.
//!
//! ```text
//!  schema files ──syntax──▶ IR ◀──dialect::*::introspect── live database
//!                            │
//!        current IR, desired IR ──dialect.normalize──▶ ──diff──▶ changes
//!                            │
//!              changes ──plan (dependency graph)──▶ ordered steps + hazards
//!                            │
//!                 steps ──dialect.emit──▶ Script (up / down) ──apply──▶ database
//!                            │
//!                       report: sql · markdown · json · text · graph
//! ```
//!
//! See ARCHITECTURE.md for the code map and the invariants.

// `eprintln!` panics when stderr is a closed pipe (`strata apply 2>&1 |
// head`), and a panic between two statements of an apply stops it half
// way. Progress and diagnostics are worth nothing to a reader that went
// away: these shadow std's macros in every module below and drop the
// write error instead. The exit code still tells what happened.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cli;
pub mod cluster;
pub mod config;
pub mod dialect;
pub mod diff;
pub mod ir;
pub mod lint;
pub mod migration;
pub mod plan;
pub mod preflight;
pub mod prove;
pub mod rehearse;
pub mod report;
pub mod signal;
pub mod source;
pub mod syntax;
pub mod url;
