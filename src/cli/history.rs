//! `strata history --url URL`: the applies recorded in the database
//! (`dialect/audit.rs`), as text or JSON; and the record an apply leaves.

use miette::miette;

use super::common::{database_url, url_dialect, Secrets};
use super::Outcome;
use crate::dialect::audit::{self, Entry, Place};
use crate::dialect::{ApplyReport, Script, StalePlan};
use crate::ir::DialectKind;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database (default: $DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    url: Option<String>,
    /// Where the history is: `[schema.]table` (default strata_history).
    #[arg(long, value_name = "[SCHEMA.]TABLE", env = "STRATA_HISTORY_TABLE")]
    history_table: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let url = database_url(args.url.as_deref())?;
    let secrets = Secrets::of(&[&url]);
    secrets.scrub(list(&args, &url))
}

fn list(args: &Args, url: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    let place = super::exclude::history_place(args.history_table.as_deref())?;
    let rt = super::runtime()?;
    let entries = rt.block_on(audit::list(kind, url, &place))?;
    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&entries)
                .map_err(|e| miette!(code = "strata::history", "cannot print JSON: {e}"))?;
            s.push('\n');
            s
        }
        Format::Text => entries.iter().map(render).collect(),
    };
    if entries.is_empty() && matches!(args.format, Format::Text) {
        eprintln!("No applies recorded in {}.", crate::url::redact(url));
    }
    super::common::write_output(None, &text)?;
    Ok(Outcome::Success)
}

fn render(e: &Entry) -> String {
    let who = match (&e.db_user, &e.os_user) {
        (Some(d), Some(o)) => format!("{d} (os: {o})"),
        (Some(d), None) => d.clone(),
        (None, Some(o)) => format!("os: {o}"),
        (None, None) => "unknown".to_string(),
    };
    let mut out = format!(
        "run {} plan {}  {} → {}  by {who}  {}\n",
        e.run_id,
        e.plan_hash,
        e.started_at.as_deref().unwrap_or("-"),
        e.finished_at.as_deref().unwrap_or("-"),
        e.outcome
    );
    for line in e.sql.lines() {
        out.push_str(&format!("    {line}\n"));
    }
    out
}

/// Records an apply that ran (or tried to): nothing for a stale plan,
/// which ran nothing. A failure to record is a warning: the apply's own
/// outcome is what the command reports.
pub fn record(
    rt: &tokio::runtime::Runtime,
    kind: DialectKind,
    url: &str,
    place: &Place,
    script: &Script,
    started_at: String,
    result: &miette::Result<ApplyReport>,
) {
    let error = match result {
        Ok(_) => None,
        Err(e) if e.downcast_ref::<StalePlan>().is_some() => return,
        Err(e) => Some(e.to_string()),
    };
    let entry = audit::entry(script, started_at, error);
    if let Err(e) = rt.block_on(audit::record(kind, url, place, &entry)) {
        eprintln!("warning: the apply was not recorded: {e}");
    }
}
