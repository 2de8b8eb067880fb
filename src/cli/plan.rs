//! `strata plan`: the SQL that takes the database at `--url` to the schema
//! `--to`; `--rollback FILE` writes the SQL that undoes it. SQL goes to
//! stdout (or `-o`), everything else to stderr.
//!
//! The helpers at the bottom are shared by `diff`, `apply` and `inspect`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use miette::{miette, Context, IntoDiagnostic};

use super::Outcome;
use crate::dialect::{self, Dialect, EmitOptions};
use crate::ir::DialectKind;
use crate::migration::{migration, Migration};
use crate::source::{self, Loaded};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Sql,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to plan for (default: $DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    url: Option<String>,
    /// The desired schema: files, a directory, or another database URL.
    #[arg(long)]
    to: String,
    /// Only these namespaces of the database (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
    #[arg(long, value_enum, default_value = "sql")]
    format: Format,
    /// Write the plan here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the SQL that undoes the plan to FILE.
    #[arg(long, value_name = "FILE")]
    rollback: Option<PathBuf>,
    /// Exit 0 even when the plan loses data (dropped tables or columns,
    /// narrowing type changes); otherwise such a plan is printed and the
    /// command exits 1.
    #[arg(long)]
    allow_destructive: bool,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    exit_code: bool,
    /// Run the plan and its rollback on a scratch database first (docs/prove.md).
    #[arg(long)]
    prove: bool,
    /// The server where --prove creates its scratch database.
    #[arg(long, env = "STRATA_DEV_URL", hide_env_values = true)]
    dev_url: Option<String>,
    #[command(flatten)]
    emit: EmitArgs,
    /// The dialect, when it must be checked against the URL's.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
}

/// Flags that shape the emitted SQL, shared by `plan`, `diff` and `apply`.
#[derive(Debug, Clone, clap::Args)]
pub struct EmitArgs {
    /// Prefer changes that keep tables readable and writable
    /// (CREATE INDEX CONCURRENTLY, NOT VALID then VALIDATE, …).
    #[arg(long)]
    online: bool,
    /// Give up a statement that waits longer than this for a lock (e.g. 5s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    lock_timeout: Option<String>,
}

impl EmitArgs {
    pub fn options(&self) -> EmitOptions {
        EmitOptions {
            online: self.online,
            lock_timeout: self.lock_timeout.clone(),
            statement_timeout: None,
        }
    }

    pub fn lock_timeout(&self) -> Option<Duration> {
        self.lock_timeout
            .as_deref()
            .and_then(|s| parse_duration(s).ok())
    }
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let url = database_url(args.url.as_deref())?;
    let secrets = Secrets::of(&[&url, &args.to, args.dev_url.as_deref().unwrap_or("")]);
    secrets.scrub(plan(args, &url))
}

fn plan(args: Args, url: &str) -> miette::Result<Outcome> {
    let kind = url_dialect(url)?;
    check_dialect_flag(args.dialect.as_deref(), kind)?;
    let d = dialect::for_kind(kind);
    let rt = super::runtime()?;
    let (current, desired) = rt.block_on(source::load_pair(url, &args.to, &args.namespaces))?;
    warn_all(&current.warnings);
    check_source_dialect(&desired, kind, &args.to)?;

    let m = migration(&current.schema, &desired.schema, d, &args.emit.options())?;
    let text = match args.format {
        Format::Sql => crate::report::sql::render(d, &m.up),
        Format::Json => crate::report::json::render(&m, kind),
        Format::Markdown => {
            let (from_label, to_label) = (crate::url::redact(url), crate::url::redact(&args.to));
            let (from_text, to_text) = (
                crate::syntax::print(&current.schema),
                crate::syntax::print(&desired.schema),
            );
            let mut preview =
                crate::report::markdown::Preview::new(kind, &m, &current.schema, &desired.schema);
            preview.from_label = &from_label;
            preview.to_label = &to_label;
            preview.source = Some((&from_text, &to_text));
            crate::report::markdown::render(&preview)
        }
    };
    write_output(args.output.as_deref(), &text)?;
    if let Some(path) = &args.rollback {
        write_file(path, &crate::report::sql::render(d, &m.down))?;
    }
    summarize(&m, d);
    if args.prove {
        let dev = crate::prove::Dev::new(args.dev_url.as_deref(), url, &args.namespaces);
        let proof = crate::prove::prove(&dev, &current.schema, &m, &desired.schema, d);
        rt.block_on(proof)?.finish()?;
    }
    refuse_destructive(&m, args.allow_destructive)?;
    Ok(changes_outcome(&m, args.exit_code))
}

// ---- shared by the database commands ----

/// `--url`, or `DATABASE_URL` through clap, or a diagnostic.
pub fn database_url(url: Option<&str>) -> miette::Result<String> {
    match url {
        Some(u) if !u.trim().is_empty() => Ok(u.to_string()),
        _ => Err(miette!(
            code = "strata::cli::no_url",
            help = "pass --url postgres://…, mysql://… or sqlite://path, or set DATABASE_URL",
            "no database URL"
        )),
    }
}

/// The dialect a database URL speaks, or the bad-URL diagnostic.
pub fn url_dialect(url: &str) -> miette::Result<DialectKind> {
    crate::url::dialect_of_url(url).ok_or_else(|| crate::url::bad_url(url))
}

/// Parses `--dialect`.
pub fn parse_dialect(name: &str) -> miette::Result<DialectKind> {
    DialectKind::parse(name).ok_or_else(|| {
        miette!(
            code = "strata::cli::dialect",
            help = "use postgres, mysql (also for MariaDB) or sqlite",
            "unknown dialect `{name}`"
        )
    })
}

fn check_dialect_flag(flag: Option<&str>, kind: DialectKind) -> miette::Result<()> {
    if let Some(flag) = flag {
        let asked = parse_dialect(flag)?;
        if asked != kind {
            return Err(miette!(
                code = "strata::cli::dialect_mismatch",
                help = format!("drop --dialect, or point --url at a {asked} database"),
                "--dialect {asked} does not match the database URL, which is {kind}"
            ));
        }
    }
    Ok(())
}

/// Schema files that declare another dialect than the database's are a
/// mistake worth stopping for.
pub fn check_source_dialect(
    loaded: &Loaded,
    kind: DialectKind,
    source: &str,
) -> miette::Result<()> {
    match loaded.dialect {
        Some(d) if d != kind => Err(miette!(
            code = "strata::cli::dialect_mismatch",
            help =
                format!("plan against a {d} database, or change the files' `dialect` declaration"),
            "{} is written for {d}, but the database is {kind}",
            crate::url::redact(source)
        )),
        _ => Ok(()),
    }
}

pub fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// One line on stderr: how many steps, and every hazard.
pub fn summarize(m: &Migration, _d: &dyn Dialect) {
    if m.plan.is_empty() {
        eprintln!("No changes.");
        return;
    }
    let n = m.plan.steps.len();
    eprintln!(
        "Plan: {n} change{}{}.",
        if n == 1 { "" } else { "s" },
        match m.destructive().len() {
            0 => String::new(),
            k => format!(", {k} destructive"),
        }
    );
    for step in &m.plan.steps {
        eprintln!("  {}", crate::plan::describe(&step.change));
        for h in &step.hazards {
            eprintln!("    hazard: {}: {}", h.kind.as_str(), h.message);
        }
    }
}

/// The refusal of a plan that loses data, naming each loss.
pub fn refuse_destructive(m: &Migration, allowed: bool) -> miette::Result<()> {
    let hazards = m.destructive();
    if allowed || hazards.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = hazards
        .iter()
        .map(|h| format!("  - {}", h.message))
        .collect();
    Err(miette!(
        code = "strata::plan::destructive",
        help = "review the plan, then pass --allow-destructive to accept the data loss",
        "the plan is destructive ({} change{} lose data):\n{}",
        hazards.len(),
        if hazards.len() == 1 {
            " would"
        } else {
            "s would"
        },
        list.join("\n")
    ))
}

pub fn changes_outcome(m: &Migration, exit_code: bool) -> Outcome {
    if exit_code && !m.plan.is_empty() {
        Outcome::Changes
    } else {
        Outcome::Success
    }
}

/// Writes to FILE, or to stdout when there is none.
pub fn write_output(path: Option<&Path>, text: &str) -> miette::Result<()> {
    match path {
        Some(p) => write_file(p, text),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .into_diagnostic()
                .wrap_err("cannot write to stdout")
        }
    }
}

pub fn write_file(path: &Path, text: &str) -> miette::Result<()> {
    std::fs::write(path, text)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write {}", path.display()))
}

/// `5s`, `500ms`, `2m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 5s, 500ms or 2m"))?;
    match unit.trim() {
        "" | "s" => Ok(Duration::from_secs(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "m" | "min" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("`{s}` is not a duration such as 5s, 500ms or 2m")),
    }
}

fn parse_duration_arg(s: &str) -> Result<String, String> {
    parse_duration(s).map(|_| s.trim().to_string())
}

/// Passwords of the URLs a command was given: whatever goes wrong, they
/// never reach the terminal (a driver's message may quote its URL).
pub struct Secrets(Vec<String>);

impl Secrets {
    pub fn of(urls: &[&str]) -> Secrets {
        Secrets(
            urls.iter()
                .filter_map(|u| crate::url::password(u))
                .map(str::to_string)
                .collect(),
        )
    }

    pub fn scrub<T>(&self, result: miette::Result<T>) -> miette::Result<T> {
        result.map_err(|report| {
            let chain: Vec<String> = report.chain().map(|e| e.to_string()).collect();
            let text = chain.join(": ");
            let rendered = format!("{report:?}");
            if self.0.iter().any(|s| rendered.contains(s.as_str())) {
                let mut clean = text;
                for s in &self.0 {
                    clean = clean.replace(s.as_str(), "***");
                }
                miette!("{clean}")
            } else {
                report
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5h").is_err());
    }

    #[test]
    fn secrets_are_scrubbed_from_errors() {
        let s = Secrets::of(&["postgres://app:hunter2@db/x"]);
        let r: miette::Result<()> = Err(miette!("cannot connect to postgres://app:hunter2@db/x"));
        let msg = format!("{:?}", s.scrub(r).expect_err("still an error"));
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(msg.contains("app:***@db"), "{msg}");
    }
}
