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
