//! What the commands share: the flags that shape emitted SQL, finding the
//! database URL and its dialect, the plan summary and the refusal of a
//! destructive plan, writing output, durations, and keeping passwords out
//! of every message.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use miette::miette;

use super::Outcome;
use crate::dialect::version::ServerVersion;
use crate::dialect::{Dialect, EmitOptions};
use crate::ir::DialectKind;
use crate::migration::Migration;
use crate::plan::hazard::policy::Policy;
use crate::plan::Hazard;
use crate::source::Loaded;

/// Flags that shape the emitted SQL, shared by `plan`, `diff` and `apply`.
#[derive(Debug, Clone, clap::Args)]
pub struct EmitArgs {
    /// Prefer changes that keep tables readable and writable
    /// (CREATE INDEX CONCURRENTLY, NOT VALID then VALIDATE, …).
    /// The default when the environment says `online = true`.
    #[arg(long, overrides_with = "no_online")]
    online: bool,
    /// Plan the plain way even where the environment says `online = true`.
    #[arg(long, overrides_with = "online")]
    no_online: bool,
    /// Give up a statement that waits longer than this for a lock (e.g. 5s).
    /// `apply` waits 5s unless told, retries a few times, and waits
    /// forever with 0.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    lock_timeout: Option<String>,
    /// Move dropped tables aside (renamed with the UTC time; PostgreSQL:
    /// into the schema strata_dropped) instead of destroying them; the
    /// rollback moves them back and `strata gc` removes them.
    /// The default when the environment says `keep_dropped = true`.
    #[arg(long, overrides_with = "no_keep_dropped")]
    keep_dropped: bool,
    /// Destroy dropped tables even where the environment keeps them.
    #[arg(long, overrides_with = "keep_dropped")]
    no_keep_dropped: bool,
    /// Fill a `backfill` column this many rows per transaction
    /// (PostgreSQL; elsewhere one UPDATE).
    #[arg(long, value_name = "ROWS", value_parser = clap::value_parser!(u64).range(1..))]
    backfill_batch: Option<u64>,
    /// The server version hazards assume when no server is asked (e.g.
    /// 11, 8.0.28, mariadb-10.3); a connected plan reads the server's own.
    #[arg(long, value_name = "VERSION", value_parser = parse_server_version_arg)]
    server_version: Option<String>,
}

impl EmitArgs {
    /// Takes `online` and `lock_timeout` from the environment where no
    /// flag set them.
    pub fn with_env(&mut self, env: Option<&crate::config::Env>) -> miette::Result<()> {
        let Some(env) = env else { return Ok(()) };
        if !self.online && !self.no_online {
            self.online = env.online.unwrap_or(false);
        }
        if !self.keep_dropped && !self.no_keep_dropped {
            self.keep_dropped = env.keep_dropped.unwrap_or(false);
        }
        if self.backfill_batch.is_none() {
            self.backfill_batch = env.backfill_batch;
        }
        if self.server_version.is_none() {
            self.server_version = env.server_version.clone();
        }
        if self.lock_timeout.is_none() {
            if let Some(t) = &env.lock_timeout {
                let checked = parse_duration_arg(t).map_err(|e| {
                    miette!(
                        code = "strata::config",
                        help = "write `lock_timeout = \"5s\"` (ms, s or m)",
                        "[env.{}] lock_timeout: {e}",
                        env.name
                    )
                })?;
                self.lock_timeout = Some(checked);
            }
        }
        Ok(())
    }

    /// The options of a plan for `kind`, with the server version from
    /// `--server-version` or the environment (`None`: the default); a
    /// connected plan replaces it with the server's (`server::detect`).
    pub fn options(&self, kind: DialectKind) -> EmitOptions {
        EmitOptions {
            online: self.online,
            lock_timeout: self.lock_timeout.clone(),
            statement_timeout: None,
            keep_dropped: self.keep_dropped.then(crate::dialect::keep::stamp_now),
            backfill_batch: self.backfill_batch,
            server: self
                .server_version
                .as_deref()
                .and_then(|v| ServerVersion::parse(kind, v)),
        }
    }

    /// Whether dropped tables and columns are to be kept aside (the flag,
    /// else the environment's `keep_dropped`).
    pub fn keeps_dropped(&self) -> bool {
        self.keep_dropped
    }

    pub fn lock_timeout(&self) -> Option<Duration> {
        self.lock_timeout
            .as_deref()
            .and_then(|s| parse_duration(s).ok())
    }
}

/// `--server-version`: a version number, checked before any work.
pub fn parse_server_version_arg(s: &str) -> Result<String, String> {
    match ServerVersion::parse(DialectKind::Postgres, s) {
        Some(_) => Ok(s.to_string()),
        None => Err(format!(
            "`{s}` is not a server version: write e.g. 15, 8.0.29 or mariadb-10.11"
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

/// One source of any kind (files, a directory, `git:REV:PATH`, a database
/// URL), or several schema files and directories read as one schema.
pub fn load_sources(sources: &[String]) -> miette::Result<crate::ir::Schema> {
    if let [one] = sources {
        let rt = super::runtime()?;
        let found = rt.block_on(crate::source::load(one, &[]))?;
        warn_all(&found.warnings);
        return Ok(found.schema);
    }
    crate::syntax::parse(&source_files(sources)?)
}

/// The schema files of several sources read as one schema: files and
/// directories on disk, and `git:REV:PATH` at a revision. A database is a
/// schema of its own, so its URL is refused here.
pub fn source_files(sources: &[String]) -> miette::Result<Vec<crate::syntax::SourceFile>> {
    let mut files = Vec::new();
    let mut paths = Vec::new();
    for s in sources {
        if crate::source::git::is_git(s) {
            files.extend(crate::source::git::read(s)?);
        } else if crate::url::dialect_of_url(s).is_some() {
            return Err(miette!(
                code = "strata::source::database_with_files",
                help = "give the database URL alone: a database is one schema of its own",
                "`{}` is a database, and cannot be read together with other sources",
                crate::url::redact(s)
            ));
        } else {
            paths.push(std::path::PathBuf::from(s));
        }
    }
    if !paths.is_empty() {
        files.extend(
            crate::syntax::read_paths(&paths).map_err(crate::syntax::Diagnostics::into_report)?,
        );
    }
    Ok(files)
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
        eprintln!("  {}", crate::report::summary::line(&step.change));
        for h in &step.hazards {
            eprintln!(
                "    hazard: {}: {}{}",
                h.kind.as_str(),
                h.message,
                crate::report::sql::acknowledged(h)
            );
        }
    }
    // What `--rollback` cannot undo, said before anyone counts on it.
    let losses: Vec<&Hazard> = m.rollback_losses().collect();
    if !losses.is_empty() {
        eprintln!("  rollback:");
    }
    for h in losses {
        eprintln!(
            "    hazard: {}: {}{}",
            h.kind.as_str(),
            h.message,
            crate::report::sql::acknowledged(h)
        );
    }
}

/// The refusal of a plan that loses data, naming each loss.
pub fn refuse_destructive(m: &Migration, allowed: bool) -> miette::Result<()> {
    refuse_data_loss(&m.destructive(), allowed)
}

/// [`refuse_destructive`] of the data-loss hazards themselves (a saved
/// plan's).
pub fn refuse_data_loss(hazards: &[&Hazard], allowed: bool) -> miette::Result<()> {
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

/// Marks the hazards the desired schema acknowledges; an acknowledgement
/// of a rule that does not exist is an error, one that matches nothing a
/// warning (when `warn`: a replan says it once).
pub fn acknowledge(
    m: &mut Migration,
    acks: &[crate::ir::Acknowledgement],
    warn: bool,
) -> miette::Result<()> {
    crate::plan::hazard::ack::check(acks)?;
    for a in m.acknowledge(acks) {
        if warn {
            eprintln!("warning: {}", crate::plan::hazard::ack::unmatched(a));
        }
    }
    Ok(())
}

/// The refusal of a plan with hazards whose rule the policy sets to
/// `error` (data loss aside: [`refuse_destructive`]), naming each rule.
pub fn refuse_hazards(m: &Migration, policy: &Policy) -> miette::Result<()> {
    let mut errors = policy.errors(&m.plan);
    errors.extend(policy.errors_in(m.rollback_losses()));
    refuse_policy_errors(&errors)
}

/// [`refuse_hazards`] of the hazards the policy sets to `error`.
pub fn refuse_policy_errors(errors: &[&Hazard]) -> miette::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = errors
        .iter()
        .map(|h| format!("  - {}: {}", h.kind.id(), h.message))
        .collect();
    let mut rules: Vec<&str> = errors.iter().map(|h| h.kind.id()).collect();
    rules.dedup();
    Err(miette!(
        code = "strata::plan::hazard_policy",
        help = format!(
            "see docs/hazards/{}.md for what to do instead, or lower the rule's level in strata.toml [hazards]",
            rules[0]
        ),
        "the plan has hazards the policy refuses ({}):\n{}",
        rules.join(", "),
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
                .map_err(|e| {
                    miette!(
                        code = "strata::io::write",
                        help = "nothing more was written: check where standard output goes (a full disk, a closed pipe)",
                        "cannot write to stdout: {e}"
                    )
                })
        }
    }
}

pub fn write_file(path: &Path, text: &str) -> miette::Result<()> {
    std::fs::write(path, text).map_err(|e| {
        miette!(
            code = "strata::io::write",
            help = "check that its folder exists and may be written, and that the disk has room",
            "cannot write {}: {e}",
            path.display()
        )
    })
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
        Secrets(urls.iter().flat_map(|u| crate::url::password(u)).collect())
    }

    /// The error with every URL in its message, causes and help redacted
    /// and each password masked where it stands as a word; its code is
    /// kept. An error that shows no secret is returned as it is.
    pub fn scrub<T>(&self, result: miette::Result<T>) -> miette::Result<T> {
        result.map_err(|report| {
            let chain: Vec<String> = report.chain().map(|e| e.to_string()).collect();
            let help = report.help().map(|h| h.to_string());
            let clean = |t: &str| crate::url::redact_text(t, &self.0);
            let unchanged = chain.iter().all(|t| clean(t) == *t)
                && help.as_deref().is_none_or(|h| clean(h) == h);
            if unchanged {
                return report;
            }
            let text: Vec<String> = chain.iter().map(|t| clean(t)).collect();
            let mut d = miette::MietteDiagnostic::new(text.join(": "));
            if let Some(code) = report.code() {
                d = d.with_code(code.to_string());
            }
            if let Some(h) = help {
                d = d.with_help(clean(&h));
            }
            miette::Report::new(d)
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

    #[test]
    fn a_short_password_is_masked_only_as_itself() {
        let s = Secrets::of(&["postgres://app:a@db/x"]);
        let r: miette::Result<()> = Err(miette!(
            code = "strata::x",
            "cannot connect to postgres://app:a@db/x as app"
        ));
        let e = s.scrub(r).expect_err("still an error");
        assert_eq!(
            e.to_string(),
            "cannot connect to postgres://app:***@db/x as app"
        );
        assert_eq!(
            e.code().map(|c| c.to_string()).as_deref(),
            Some("strata::x")
        );
    }
}
