//! `strata lint`: the rules of `src/lint/` over a schema — files, a
//! directory, `git:REV:PATH` or a database — under the policy of
//! `strata.toml` and `--rule`. Findings go to stdout (or `-o`) as text,
//! JSON or SARIF, the summary to stderr; the exit code is 1 when a
//! finding is at `error` level (or the input is bad), else 0.

use std::path::PathBuf;

use miette::miette;

use super::common::{warn_all, write_output, Secrets};
use super::Outcome;
use crate::config::{self, Config};
use crate::ir::{DialectKind, Schema};
use crate::lint::render::{self, Links, Origin};
use crate::lint::{self, rules, Level, Policy};
use crate::source;
use crate::syntax::{self, Diagnostics, Located, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files or directories (one schema), git:REV:PATH, or a database URL.
    #[arg(value_name = "SOURCE", required_unless_present_any = ["explain", "list_rules"])]
    sources: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The dialect, when schema files do not declare one.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    /// A rule's level for this run, ID=error|warn|off; repeatable, wins over strata.toml.
    #[arg(long = "rule", value_name = "ID=LEVEL", value_parser = lint::parse_flag)]
    rules: Vec<(String, Level)>,
    /// Only these namespaces of a database (PostgreSQL schemas).
    #[arg(long = "schema", value_name = "NS")]
    namespaces: Vec<String>,
    /// Write the findings here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print a rule's page (docs/lint/ID.md) and exit.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    /// List every rule with its level under the current policy, and exit.
    #[arg(long)]
    list_rules: bool,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let ids: Vec<&str> = rules::ids().collect();
    let cwd = std::env::current_dir().map_err(|e| {
        miette!(
            code = "strata::config",
            "cannot read the working directory: {e}"
        )
    })?;
    let config = config::load(&cwd, &ids)?;
    let policy = Policy::new(&config.lint, &args.rules);
    if args.list_rules {
        write_output(args.output.as_deref(), &list(&policy))?;
        return Ok(Outcome::Success);
    }
    if let Some(id) = &args.explain {
        return explain(id, args.output.as_deref());
    }
    let urls: Vec<&str> = args.sources.iter().map(String::as_str).collect();
    let secrets = Secrets::of(&urls);
    secrets.scrub(lint_sources(&args, &config, &policy))
}

fn lint_sources(args: &Args, config: &Config, policy: &Policy) -> miette::Result<Outcome> {
    let flag = args.dialect.as_deref().map(parse_dialect).transpose()?;
    let (schema, located, db) = load(args)?;
    let dialect = match (db.or(schema.dialect), flag) {
        (Some(k), Some(f)) if k != f => {
            return Err(miette!(
                code = "strata::cli::dialect_mismatch",
                help = "drop --dialect, or lint a schema of that dialect",
                "the schema is {k}, not {f}"
            ))
        }
        (k, f) => k.or(f),
    };
    let outcome = lint::run(&schema, dialect, policy);
    let origin = match &located {
        Some(l) => Origin::Files(l),
        None => Origin::Database,
    };
    let links = Links::new(config.lint.docs_url.as_deref());
    let text = match args.format {
        Format::Text => {
            let color = args.output.is_none() && super::color::stdout();
            render::text::render(&outcome, &origin, &links, color)
        }
        Format::Json => render::json::render(&outcome, &origin, dialect, &links)?,
        Format::Sarif => render::sarif::render(&outcome, &origin, &links)?,
    };
    write_output(args.output.as_deref(), &text)?;
    eprintln!("{}", render::text::summary(&outcome));
    let errors = outcome.count(Level::Error);
    if errors > 0 {
        return Err(miette!(
            code = "strata::lint::failed",
            help = "fix them, or set the rules' level in strata.toml ([lint] rules.ID = \"warn\")",
            "{errors} finding{} at error level",
            if errors == 1 { "" } else { "s" }
        ));
    }
    Ok(Outcome::Success)
}

/// The schema, where its objects were written (files), and the dialect
/// of the database it was read from (a database).
type LoadedSchema = (Schema, Option<Located>, Option<DialectKind>);

fn load(args: &Args) -> miette::Result<LoadedSchema> {
    if let [one] = args.sources.as_slice() {
        if let Some(kind) = crate::url::dialect_of_url(one) {
            let rt = super::runtime()?;
            let found = rt.block_on(source::introspect(one, &args.namespaces))?;
            warn_all(&found.warnings);
            return Ok((found.schema, None, Some(kind)));
        }
    }
    let mut files: Vec<SourceFile> = Vec::new();
    let mut paths = Vec::new();
    for s in &args.sources {
        if source::git::is_git(s) {
            files.extend(source::git::read(s)?);
        } else if crate::url::dialect_of_url(s).is_some() {
            return Err(miette!(
                code = "strata::cli::sources",
                help = "lint one database at a time, or schema files together",
                "a database URL cannot be linted together with other sources"
            ));
        } else {
            paths.push(PathBuf::from(s));
        }
    }
    if !paths.is_empty() {
        files.extend(syntax::read_paths(&paths).map_err(Diagnostics::into_report)?);
    }
    let (analysis, located) = syntax::analyze_located(&files);
    let problems = Diagnostics {
        items: analysis.diagnostics,
    };
    if problems.errors() > 0 {
        return Err(problems.into_report());
    }
    for d in problems.items {
        eprintln!("{:?}", miette::Report::new(d));
    }
    Ok((analysis.schema, Some(located), None))
}

fn parse_dialect(s: &str) -> miette::Result<DialectKind> {
    DialectKind::parse(s).ok_or_else(|| {
        miette!(
            code = "strata::cli::dialect",
            help = "use postgres, mysql or sqlite",
            "unknown dialect `{s}`"
        )
    })
}

/// `id  level  dialects  summary`, one rule a line.
fn list(policy: &Policy) -> String {
    let mut out = String::new();
    for r in rules::ALL {
        let dialects = if r.dialects.is_empty() {
            "all".to_string()
        } else {
            let names: Vec<&str> = r.dialects.iter().map(|d| d.as_str()).collect();
            names.join(",")
        };
        out.push_str(&format!(
            "{:<28} {:<5} {:<14} {}\n",
            r.id,
            policy.level(r).as_str(),
            dialects,
            r.summary
        ));
    }
    out
}

fn explain(id: &str, output: Option<&std::path::Path>) -> miette::Result<Outcome> {
    match rules::find(id) {
        Some(r) => {
            write_output(output, r.docs)?;
            Ok(Outcome::Success)
        }
        None => {
            let help = match syntax::diag::did_you_mean(id, rules::ids()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => "`strata lint --list-rules` lists them".into(),
            };
            Err(miette!(
                code = "strata::lint::unknown_rule",
                help = help,
                "unknown lint rule `{id}`"
            ))
        }
    }
}
