//! `strata gc --older-than 7d`: drops the tables `--keep-dropped` moved
//! aside (`dialect/keep.rs`) longer ago than the given age, read from the
//! time in each kept table's name. Prints what it drops and asks first.

use super::common::{url_dialect, Secrets};
use super::env::EnvArgs;
use super::Outcome;
use crate::dialect::{self, keep, ApplyOptions, Dialect, EmitOptions};
use crate::diff::Change;
use crate::ir::Table;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database (default: the environment's `url`, then $DATABASE_URL).
    #[arg(long)]
    url: Option<String>,
    /// Drop only what was kept longer ago than this: `7d`, `12h`, `30m`,
    /// `90s` (`0` drops every kept table).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    older_than: u64,
    /// Drop without asking.
    #[arg(long)]
    auto_approve: bool,
    /// Print what would be dropped, and drop nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    env: EnvArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let url = args.env.load()?.url(args.url.clone())?;
    let secrets = Secrets::of(&[&url]);
    secrets.scrub(collect(&args, &url))
}

fn collect(args: &Args, url: &str) -> miette::Result<Outcome> {
    url_dialect(url)?;
    let driver = dialect::for_url(url)?;
    let rt = super::runtime()?;
    let schema = rt.block_on(driver.introspect(url, &[]))?.schema;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let old: Vec<Table> = schema
        .tables
        .values()
        .filter(|t| kept_before(driver, t, now.saturating_sub(args.older_than)))
        .cloned()
        .collect();
    if old.is_empty() {
        eprintln!("Nothing kept aside is older than {} s.", args.older_than);
        return Ok(Outcome::Success);
    }
    let plan = crate::plan::plan(old.into_iter().map(Change::DropTable).collect(), driver);
    let script = driver.emit(&plan, &EmitOptions::default())?;
    super::common::write_output(None, &crate::report::sql::render(driver, &script))?;
    if args.dry_run {
        return Ok(Outcome::Success);
    }
    let target = crate::url::redact(url);
    if !args.auto_approve {
        super::apply::confirm(&target)?;
    }
    rt.block_on(driver.apply(url, &script, &ApplyOptions::default()))?;
    eprintln!("Dropped {} kept table(s) from {target}.", plan.steps.len());
    Ok(Outcome::Success)
}

/// Whether `t` is a table `--keep-dropped` moved aside (its name carries
/// a stamp, and it stands where the dialect puts kept tables) before
/// or at `cutoff` (seconds since the epoch).
fn kept_before(dialect: &dyn Dialect, t: &Table, cutoff: u64) -> bool {
    let Some(at) = keep::kept_at(&t.name.name) else {
        return false;
    };
    let place = dialect.kept_name(&t.name, &keep::stamp_of(0)).schema;
    place == t.name.schema && at <= cutoff
}

/// `7d`, `12h`, `30m`, `90s` or a bare number of seconds, in seconds.
fn parse_age(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not an age: write e.g. 7d, 12h, 30m or 90s"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "`{text}`: unknown unit `{unit}` (use s, m, h, d or w)"
            ))
        }
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too long an age"))
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages_read_in_their_units() {
        assert_eq!(parse_age("7d"), Ok(7 * 86_400));
        assert_eq!(parse_age("12h"), Ok(12 * 3600));
        assert_eq!(parse_age("0"), Ok(0));
        assert!(parse_age("7y").is_err());
        assert!(parse_age("d").is_err());
    }
}
