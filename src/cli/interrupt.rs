//! SIGINT and SIGTERM during `apply`: strata stops, but the statement it
//! sent is the server's now. The message says which statement was in
//! flight, what the server may still do with it, and the way out.

use crate::dialect::driver::{running, Fut};
use crate::dialect::ApplyReport;

/// Runs the apply `work` until it ends or a signal comes.
/// `resumable`: the dialect records its applies (`apply --resume`).
pub fn apply_or_interrupt(
    rt: &tokio::runtime::Runtime,
    work: Fut<'_, ApplyReport>,
    resumable: bool,
) -> miette::Result<ApplyReport> {
    let shown = super::progress::show();
    let result = rt.block_on(async {
        tokio::select! {
            report = work => report,
            signal = crate::signal::first() => Err(interrupted(signal, resumable)),
        }
    });
    shown.finish(result.is_ok());
    result
}

fn interrupted(signal: &str, resumable: bool) -> miette::Report {
    let way_out = if resumable {
        "`strata apply --resume` checks on the server whether that statement took effect before it runs anything; `strata apply --to <schema>` plans afresh from where the database stands"
    } else {
        "`strata apply --to <schema>` plans afresh from where the database stands"
    };
    let Some(r) = running() else {
        return miette::miette!(
            code = "strata::apply::interrupted",
            help = way_out,
            "apply interrupted by {signal} between statements: none was in flight; what ran before stays as the apply's messages said"
        );
    };
    let fate = if r.transactional {
        "it runs inside a transaction, which the server rolls back when it finds the connection gone: nothing of that transaction stays"
    } else {
        "it runs outside a transaction: the server may still finish it (strata cannot stop it from here), or stop it when it finds the connection gone"
    };
    miette::miette!(
        code = "strata::apply::interrupted",
        help = way_out,
        "apply interrupted by {signal} while statement #{} of {} was running:\n  {}\n{fate}",
        r.number,
        r.total,
        crate::dialect::first_line(&r.sql),
    )
}
