//! Pre-flight checks as `plan` and `apply` show them: `plan` warns,
//! `apply` refuses a plan the data makes certain to fail
//! (`--skip-preflight` runs it unchecked).

use crate::dialect::Driver;
use crate::preflight::{self, Probe};

/// Runs the checks and prints what they found and what they could not
/// check; the report, for the caller to act on.
fn run(
    rt: &tokio::runtime::Runtime,
    d: &dyn Driver,
    url: &str,
    probes: &[Probe],
) -> miette::Result<preflight::Report> {
    let report = rt.block_on(preflight::check(d, url, probes))?;
    for u in &report.unchecked {
        eprintln!("warning: pre-flight: {u}");
    }
    Ok(report)
}

/// `plan`: each certain failure as a warning.
pub fn warn(
    rt: &tokio::runtime::Runtime,
    d: &dyn Driver,
    url: &str,
    probes: &[Probe],
) -> miette::Result<()> {
    for f in run(rt, d, url, probes)?.findings {
        eprintln!("warning: pre-flight: {}", f.message);
    }
    Ok(())
}

/// `apply`: refuses a plan certain to fail, unless `skip`.
pub fn refuse(
    rt: &tokio::runtime::Runtime,
    d: &dyn Driver,
    url: &str,
    probes: &[Probe],
    skip: bool,
) -> miette::Result<()> {
    if skip {
        eprintln!(
            "warning: --skip-preflight: the data was not checked; a statement that fails on it stops the apply part-way where DDL is not transactional (MySQL/MariaDB)"
        );
        return Ok(());
    }
    match preflight::refusal(&run(rt, d, url, probes)?) {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}
