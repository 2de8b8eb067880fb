//! The databases of a fleet (docs/fleet.md): `--targets FILE`, or else
//! the `targets` of the environment `--env` picks (with its `url` first),
//! unless `--url` names one database. The file is TOML with one of two
//! keys:
//!
//! ```toml
//! urls = ["postgres://app:${APP_PASSWORD}@db1/app", "sqlite://tenants/a.db"]
//! # or
//! command = "psql -At -c 'SELECT url FROM tenants'"
//! ```
//!
//! `command` runs under `sh -c`; each non-blank line it prints that does
//! not start with `#` is a URL. `${NAME}` in a URL (listed or printed) is
//! the environment variable NAME, so that passwords stay out of the file
//! and out of the tenants table; the shell expands the command's own.

use std::ops::Range;
use std::path::Path;

use super::env::Selected;
use super::fleet::TargetsArgs;
use crate::config::env::Target;
use crate::syntax::diag::{did_you_mean, FileText};
use crate::syntax::{Diag, Diagnostics};

const KEYS: [&str; 2] = ["urls", "command"];

/// The fleet a command runs on, if it runs on one: `--targets FILE`; else,
/// without `--url`, the environment's `url` and `targets` when it has
/// targets.
pub fn fleet(
    args: &TargetsArgs,
    selected: &Selected,
    url_flag: &Option<String>,
) -> miette::Result<Option<Vec<String>>> {
    if let Some(path) = &args.targets {
        return load(path).map(Some);
    }
    let Some(env) = selected.env.as_ref().filter(|e| !e.targets.is_empty()) else {
        return Ok(None);
    };
    if url_flag.is_some() {
        return Ok(None);
    }
    let mut listed: Vec<Target> = env.url()?.map(Target::Url).into_iter().collect();
    listed.extend(env.targets()?);
    expand(listed).map(Some)
}

/// The URLs `path` lists, in order, each once.
pub fn load(path: &Path) -> miette::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        miette::miette!(
            code = "strata::targets",
            help = "pass --targets a TOML file with `urls = [...]` or `command = \"...\"` (docs/fleet.md)",
            "cannot read {}: {e}",
            path.display()
        )
    })?;
    let name = path.display().to_string();
    let source = parse(&name, &text).map_err(|d| Diagnostics { items: vec![d] }.into_report())?;
    expand(match source {
        Source::Urls(urls) => urls.into_iter().map(Target::Url).collect(),
        Source::Command(command) => vec![Target::Command(command)],
    })
}

/// Each URL as it is (its `${VAR}`s already read), each command's output
/// lines; each database once.
fn expand(listed: Vec<Target>) -> miette::Result<Vec<String>> {
    let mut urls = Vec::new();
    for t in listed {
        match t {
            Target::Url(u) => urls.push(u),
            Target::Command(c) => urls.extend(run(&c)?),
        }
    }
    dedupe(urls)
}

/// What the file says to read the URLs from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Urls(Vec<String>),
    Command(String),
}

// A diagnostic is the one error these return, once per run.
#[allow(clippy::result_large_err)]
fn parse(name: &str, text: &str) -> Result<Source, Diag> {
    let file = FileText::new(name, text);
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        Diag::error("strata::targets", format!("{name} is not valid TOML"))
            .at(&file, e.span().unwrap_or(0..0), e.message().trim())
            .help("see docs/fleet.md for the file's shape")
    })?;
    let shape_help = "give either `urls = [\"postgres://…\", …]` or `command = \"…\"`";
    let mut source = None;
    for (key, item) in doc.iter() {
        let span = doc
            .get_key_value(key)
            .and_then(|(k, _)| k.span())
            .unwrap_or(0..0);
        let found = match key {
            "urls" => Source::Urls(urls(item, &file, span.clone())?),
            "command" => match item.as_str() {
                Some(c) if !c.trim().is_empty() => Source::Command(c.to_string()),
                _ => {
                    return Err(
                        Diag::error("strata::targets", "`command` must be a shell command")
                            .at(&file, span, "not a command")
                            .help("e.g. command = \"cat tenants.txt\""),
                    )
                }
            },
            other => {
                let help = match did_you_mean(other, KEYS.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => shape_help.to_string(),
                };
                return Err(
                    Diag::error("strata::targets", format!("unknown key `{other}`"))
                        .at(&file, span, "unknown")
                        .help(help),
                );
            }
        };
        if source.replace(found).is_some() {
            return Err(
                Diag::error("strata::targets", "both `urls` and `command` are given")
                    .at(&file, span, "second source")
                    .help(shape_help),
            );
        }
    }
    source.ok_or_else(|| {
        Diag::error("strata::targets", format!("{name} lists no targets")).help(shape_help)
    })
}

/// `urls = [...]`: strings, each interpolated.
#[allow(clippy::result_large_err)]
fn urls(item: &toml_edit::Item, file: &FileText, key: Range<usize>) -> Result<Vec<String>, Diag> {
    let not_list = || {
        Diag::error("strata::targets", "`urls` must be a list of strings")
            .at(file, key.clone(), "not a list of strings")
            .help("urls = [\"postgres://app@db1/app\", \"sqlite://a.db\"]")
    };
    let list = item.as_array().ok_or_else(not_list)?;
    let mut out = Vec::new();
    for value in list.iter() {
        let span = value.span().unwrap_or(key.clone());
        let text = value.as_str().ok_or_else(not_list)?;
        let url = interpolate(text).map_err(|var| unset(&var).at(file, span, "here"))?;
        out.push(url);
    }
    Ok(out)
}

/// `${NAME}` replaced by the process variable NAME; the name of the
/// first one unset is the error.
fn interpolate(text: &str) -> Result<String, String> {
    crate::config::env::interpolate(text, |v| std::env::var(v).ok())
}

fn unset(var: &str) -> Diag {
    Diag::error(
        "strata::targets",
        format!("the environment variable `{var}` is not set"),
    )
    .help(format!("set {var}, or write the value in its place"))
}

/// Runs `command` under `sh -c`; its output lines are the URLs.
fn run(command: &str) -> miette::Result<Vec<String>> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| {
            miette::miette!(
                code = "strata::targets::command",
                "cannot run the targets command `{command}`: {e}"
            )
        })?;
    if !out.status.success() {
        return Err(miette::miette!(
            code = "strata::targets::command",
            help = "run the command by hand to see why; its stderr is above",
            "the targets command `{command}` failed ({})",
            out.status
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            interpolate(l).map_err(|var| {
                let d = unset(&var);
                miette::miette!(
                    code = "strata::targets",
                    help = d.help.clone().unwrap_or_default(),
                    "a URL the targets command printed names ${{{var}}}, which is not set"
                )
            })
        })
        .collect()
}

/// The same database listed twice would be applied twice, queued on its
/// own lock: a mistake in the list, said rather than hidden.
fn dedupe(urls: Vec<String>) -> miette::Result<Vec<String>> {
    for (i, u) in urls.iter().enumerate() {
        if urls[..i].contains(u) {
            return Err(miette::miette!(
                code = "strata::targets::duplicate",
                help = "list each database once",
                "{} is listed twice",
                crate::url::redact(u)
            ));
        }
    }
    if urls.is_empty() {
        return Err(miette::miette!(
            code = "strata::targets::empty",
            help = "check the file or the command's output",
            "the targets list is empty"
        ));
    }
    Ok(urls)
}

#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_command() {
        assert_eq!(
            parse("t.toml", "urls = [\"sqlite://a.db\", \"sqlite://b.db\"]\n").ok(),
            Some(Source::Urls(vec![
                "sqlite://a.db".into(),
                "sqlite://b.db".into()
            ]))
        );
        assert_eq!(
            parse("t.toml", "command = \"cat list\"\n").ok(),
            Some(Source::Command("cat list".into()))
        );
    }

    #[test]
    fn bad_files_point_at_the_key() {
        let e = parse("t.toml", "url = [\"sqlite://a.db\"]\n").expect_err("unknown key");
        assert!(e.message.contains("unknown key `url`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `urls`?"));
        assert!(e.location().is_some());
        let e = parse("t.toml", "urls = [\"a\"]\ncommand = \"b\"\n").expect_err("both");
        assert!(e.message.contains("both"), "{}", e.message);
        let e = parse("t.toml", "urls = \"a\"\n").expect_err("not a list");
        assert!(e.message.contains("list of strings"), "{}", e.message);
        assert!(parse("t.toml", "").is_err());
    }

    #[test]
    fn variables_are_interpolated() {
        std::env::set_var("STRATA_TARGETS_TEST_PW", "s3cret");
        assert_eq!(
            interpolate("postgres://a:${STRATA_TARGETS_TEST_PW}@h/d$x").as_deref(),
            Ok("postgres://a:s3cret@h/d$x")
        );
        assert_eq!(
            interpolate("x${STRATA_TARGETS_TEST_UNSET_9}"),
            Err("STRATA_TARGETS_TEST_UNSET_9".to_string())
        );
        let e =
            parse("t.toml", r#"urls = ['p://${STRATA_TARGETS_TEST_UNSET_9}']"#).expect_err("unset");
        assert!(e.message.contains("STRATA_TARGETS_TEST_UNSET_9"));
    }

    #[test]
    fn duplicates_are_refused() {
        assert!(dedupe(vec!["sqlite://a".into(), "sqlite://a".into()]).is_err());
        assert!(dedupe(Vec::new()).is_err());
    }
}
