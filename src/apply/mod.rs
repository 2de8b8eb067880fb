//! Run a script against a database: transactions, locks, progress, and an
//! exact account of where a failure stopped. The per-dialect executors are
//! `dialect::<name>::apply`; this module holds what they share.

use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    pub lock_timeout: Option<Duration>,
    /// Continue an apply that failed half-way (MySQL history table).
    pub resume: bool,
}

/// What an apply did, statement by statement, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub executed: Vec<String>,
}
