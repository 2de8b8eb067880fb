//! `strata.toml`: the one place the project's configuration is read.
//!
//! The file is found in the working directory or the nearest directory
//! above it. Each top-level table is a section with a parser of its own
//! (see [`SECTIONS`]): `[lint]`, `[hazards]` (the level of each hazard
//! rule) and `[env.NAME]` (environments, `env.rs`). One top-level key,
//! `exclude = ["pattern", …]`, lists the objects strata leaves alone
//! (`ir::filter`). A further section adds an entry to [`SECTIONS`], a
//! field to [`Config`], and shares [`Level`] and the diagnostics here.
//!
//! Unknown keys are errors that point at the key's line, so that a
//! misspelt rule id or section cannot silently change nothing.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::TableLike;

pub mod env;

pub use env::{Env, Target};

use crate::ir::filter::Pattern;
use crate::syntax::diag::{did_you_mean, FileText};
use crate::syntax::{Diag, Diagnostics};

/// The file's name.
pub const FILE_NAME: &str = "strata.toml";

/// How seriously a rule is taken: its finding fails the run (`error`),
/// is shown (`warn`), or is not checked (`off`). Lint and hazard rules
/// use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Off,
    Warn,
    Error,
}

impl Level {
    pub const NAMES: [&'static str; 3] = ["error", "warn", "off"];

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "off" => Some(Level::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Off => "off",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything `strata.toml` says; the defaults when there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    pub lint: LintConfig,
    /// `exclude = [...]`: patterns of objects no command alters, drops or
    /// prints.
    pub exclude: Vec<Pattern>,
    /// `[hazards]`: `<hazard-id> = "error" | "warn" | "off"`.
    pub hazards: BTreeMap<String, Level>,
    /// `[env.NAME]`, by name.
    pub envs: BTreeMap<String, Env>,
}

impl Config {
    /// The environment `name`, or a diagnostic listing the ones there are.
    pub fn env(&self, name: &str) -> miette::Result<&Env> {
        self.envs.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.envs.keys().map(String::as_str).collect();
            let help = match (did_you_mean(name, known.iter().copied()), known.is_empty()) {
                (Some(k), _) => format!("did you mean `{k}`?"),
                (None, true) => format!("add `[env.{name}]` to {FILE_NAME}"),
                (None, false) => format!("known: {}", known.join(", ")),
            };
            let file = self
                .path
                .as_ref()
                .map_or(FILE_NAME.to_string(), |p| p.display().to_string());
            miette::miette!(
                code = "strata::config::env",
                help = help,
                "no environment `{name}` in {file}"
            )
        })
    }

    /// The level of each hazard rule the file sets: `[hazards]`, then the
    /// environment's own over it.
    pub fn hazard_levels(&self, env: Option<&Env>) -> BTreeMap<String, Level> {
        let mut out = self.hazards.clone();
        if let Some(env) = env {
            out.extend(env.hazards.iter().map(|(k, v)| (k.clone(), *v)));
        }
        out
    }
}

/// The ids `[hazards]` may name.
fn hazard_ids() -> &'static [&'static str] {
    crate::plan::HazardKind::IDS
}

/// The `[lint]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    /// `rules.<id> = "error" | "warn" | "off"`: levels that replace a
    /// rule's default.
    pub rules: BTreeMap<String, Level>,
    /// `docs-url`: where the rule pages (`<id>.md`) are published, for
    /// links in SARIF and text output.
    pub docs_url: Option<String>,
}

/// What a section's parser gets: the file (for diagnostics) and the names
/// the section may mention.
pub struct Context<'a> {
    file: FileText,
    /// Lint rule ids, for checking `[lint] rules.<id>`.
    pub lint_rules: &'a [&'a str],
    diags: Vec<Diag>,
}

impl Context<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String, label: &str, help: String) {
        let d = Diag::error("strata::config", message).help(help);
        let d = match span {
            Some(s) => d.at(&self.file, s, label),
            None => d,
        };
        self.diags.push(d);
    }

    /// An unknown key, with the closest known one suggested.
    fn unknown(&mut self, span: Option<Range<usize>>, what: &str, key: &str, known: &[&str]) {
        let help = match did_you_mean(key, known.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("known: {}", known.join(", ")),
        };
        self.error(span, format!("unknown {what} `{key}`"), "unknown", help);
    }
}

type SectionParser = fn(&mut Config, &dyn TableLike, &mut Context);

/// The sections of `strata.toml` and their parsers.
const SECTIONS: &[(&str, SectionParser)] = &[
    ("lint", parse_lint),
    ("hazards", parse_hazards),
    ("env", env::parse_envs),
];

/// Finds `strata.toml` in `dir` or the nearest directory above it.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads the configuration for a command run in `dir`: the nearest
/// `strata.toml`, or the defaults when there is none.
pub fn load(dir: &Path, lint_rules: &[&str]) -> miette::Result<Config> {
    let Some(path) = find(dir) else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        miette::miette!(
            code = "strata::config",
            "cannot read {}: {e}",
            path.display()
        )
    })?;
    let mut config =
        parse(&path.display().to_string(), &text, lint_rules).map_err(Diagnostics::into_report)?;
    if let Some(dir) = path.parent() {
        for env in config.envs.values_mut() {
            env.relative_to(dir);
        }
    }
    config.path = Some(path);
    Ok(config)
}

/// Parses the text of a `strata.toml`; every problem is a diagnostic
/// pointing at its line.
pub fn parse(name: &str, text: &str, lint_rules: &[&str]) -> Result<Config, Diagnostics> {
    let file = FileText::new(name, text);
    let doc = match toml_edit::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let d = Diag::error("strata::config", format!("{name} is not valid TOML"))
                .at(&file, span, message)
                .help("see docs/config.md for the file's shape");
            return Err(Diagnostics { items: vec![d] });
        }
    };
    let mut cx = Context {
        file,
        lint_rules,
        diags: Vec::new(),
    };
    let mut config = Config::default();
    let mut names: Vec<&str> = SECTIONS.iter().map(|(n, _)| *n).collect();
    names.push("exclude");
    for (key, item) in doc.iter() {
        let span = doc.get_key_value(key).and_then(|(k, _)| k.span());
        if key == "exclude" {
            config.exclude = parse_exclude(item, span, &mut cx);
            continue;
        }
        match SECTIONS.iter().find(|(n, _)| *n == key) {
            Some((_, parse_section)) => match item.as_table_like() {
                Some(t) => parse_section(&mut config, t, &mut cx),
                None => cx.error(
                    span,
                    format!("`{key}` must be a table"),
                    "not a table",
                    format!("write `[{key}]` and its keys below it"),
                ),
            },
            None => cx.unknown(span, "section", key, &names),
        }
    }
    if cx.diags.is_empty() {
        Ok(config)
    } else {
        Err(Diagnostics { items: cx.diags })
    }
}

/// `exclude = ["audit.*", "table:legacy_*"]`: each string an exclude
/// pattern, each bad one a diagnostic at its place in the list.
fn parse_exclude(
    item: &toml_edit::Item,
    key_span: Option<Range<usize>>,
    cx: &mut Context,
) -> Vec<Pattern> {
    let Some(list) = item.as_array() else {
        cx.error(
            item.span().or(key_span),
            "`exclude` must be a list of patterns".into(),
            "not a list",
            "write `exclude = [\"audit.*\", \"table:legacy_*\"]`".into(),
        );
        return Vec::new();
    };
    let mut patterns = Vec::new();
    for value in list.iter() {
        let parsed = match value.as_str() {
            Some(text) => Pattern::parse(text).map_err(|e| (e.message, e.help)),
            None => Err((
                "an exclude pattern must be a string".to_string(),
                "quote it: `\"audit.*\"`".to_string(),
            )),
        };
        match parsed {
            Ok(p) => patterns.push(p),
            Err((message, help)) => cx.error(value.span(), message, "bad pattern", help),
        }
    }
    patterns
}

/// `[lint]`: `rules.<id> = "<level>"` and `docs-url = "<base URL>"`.
fn parse_lint(config: &mut Config, table: &dyn TableLike, cx: &mut Context) {
    const KEYS: &[&str] = &["rules", "docs-url"];
    for (key, item) in table.iter() {
        let key_span = table.get_key_value(key).and_then(|(k, _)| k.span());
        match key {
            "rules" => match item.as_table_like() {
                Some(rules) => parse_rules(&mut config.lint.rules, rules, cx),
                None => cx.error(
                    item.span().or(key_span),
                    "`lint.rules` must be a table".into(),
                    "not a table",
                    "write `[lint.rules]` with one `rule-id = \"warn\"` line per rule".into(),
                ),
            },
            "docs-url" => match item.as_str() {
                Some(url) => {
                    let mut url = url.to_string();
                    if !url.ends_with('/') {
                        url.push('/');
                    }
                    config.lint.docs_url = Some(url);
                }
                None => cx.error(
                    item.span().or(key_span),
                    "`lint.docs-url` must be a string".into(),
                    "not a string",
                    "the URL the rule pages are published under, e.g. \"https://example.com/strata/docs/lint/\"".into(),
                ),
            },
            // TOML puts a key written below `[lint]` in that table.
            "exclude" => cx.error(
                key_span,
                "`exclude` is not a key of [lint]".into(),
                "inside [lint]",
                "`exclude` is a top-level key: move it above the first `[section]` line".into(),
            ),
            other => cx.unknown(key_span, "key in [lint]", other, KEYS),
        }
    }
}

fn parse_rules(into: &mut BTreeMap<String, Level>, rules: &dyn TableLike, cx: &mut Context) {
    let ids = cx.lint_rules;
    parse_levels(into, rules, ids, "lint rule", cx);
}

/// `[hazards]`: one `<hazard-id> = "<level>"` line per rule.
fn parse_hazards(config: &mut Config, table: &dyn TableLike, cx: &mut Context) {
    parse_levels(&mut config.hazards, table, hazard_ids(), "hazard", cx);
}

/// `<id> = "error" | "warn" | "off"` lines, each id one of `ids`.
fn parse_levels(
    into: &mut BTreeMap<String, Level>,
    table: &dyn TableLike,
    ids: &[&str],
    what: &str,
    cx: &mut Context,
) {
    for (written, item) in table.iter() {
        let key_span = table.get_key_value(written).and_then(|(k, _)| k.span());
        // The snake-case spelling output prints (`data_loss`) names the rule too.
        let kebab = written.replace('_', "-");
        let id = if ids.contains(&written) {
            written
        } else {
            kebab.as_str()
        };
        if !ids.contains(&id) {
            cx.unknown(key_span, what, written, ids);
            continue;
        }
        match item.as_str().and_then(Level::parse) {
            Some(level) => {
                into.insert(id.to_string(), level);
            }
            None => cx.error(
                item.span().or(key_span),
                format!("`{id}` must be \"error\", \"warn\" or \"off\""),
                "not a level",
                format!("write `{id} = \"warn\"`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &["fk-without-index", "table-without-primary-key"];

    fn errors(text: &str) -> Vec<(String, usize, String)> {
        match parse("strata.toml", text, RULES) {
            Ok(_) => Vec::new(),
            Err(d) => d
                .items
                .iter()
                .map(|d| {
                    let help = d.help.clone().unwrap_or_default();
                    (d.message.clone(), d.location().map_or(0, |l| l.1), help)
                })
                .collect(),
        }
    }

    #[test]
    fn reads_rule_levels_in_every_toml_spelling() {
        for text in [
            "[lint]\nrules.fk-without-index = \"off\"\n",
            "[lint.rules]\nfk-without-index = \"off\"\n",
            "[lint]\nrules = { fk-without-index = \"off\" }\n",
        ] {
            let c = parse("strata.toml", text, RULES).expect(text);
            assert_eq!(c.lint.rules.get("fk-without-index"), Some(&Level::Off));
        }
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(
            parse("strata.toml", "", RULES).ok(),
            Some(Config::default())
        );
    }

    #[test]
    fn unknown_keys_point_at_their_line() {
        let e = errors("[lint]\nrules.fk-without-idx = \"off\"\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].0.contains("unknown lint rule `fk-without-idx`"),
            "{e:?}"
        );
        assert_eq!(e[0].1, 2);
        let e = errors("# x\n\n[lnt]\n");
        assert!(e[0].0.contains("unknown section `lnt`"), "{e:?}");
        assert_eq!(e[0].1, 3);
        let e = errors("[lint]\nrule.x = 1\n");
        assert!(e[0].0.contains("unknown key in [lint] `rule`"), "{e:?}");
    }

    #[test]
    fn bad_levels_and_bad_toml_are_diagnostics() {
        let e = errors("[lint.rules]\nfk-without-index = \"fatal\"\n");
        assert!(e[0].0.contains("must be \"error\""), "{e:?}");
        assert_eq!(e[0].1, 2);
        let e = errors("[lint\n");
        assert!(e[0].0.contains("not valid TOML"), "{e:?}");
        let e = errors("lint = 3\n");
        assert!(e[0].0.contains("must be a table"), "{e:?}");
    }

    #[test]
    fn exclude_patterns_are_read_and_bad_ones_placed() {
        let c = parse("s", "exclude = [\"audit.*\", \"table:tmp_*\"]\n", RULES).expect("ok");
        let texts: Vec<&str> = c.exclude.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["audit.*", "table:tmp_*"]);
        let e = errors("[lint]\n\nexclude = [\n  \"ok\",\n  \"tabel:x\",\n]\n");
        assert!(e[0].2.contains("above the first"), "{e:?}");
        assert_eq!(e[0].1, 3);
        let e = errors("exclude = [\n  \"ok\",\n  \"tabel:x\",\n]\n");
        assert!(e[0].0.contains("unknown object kind `tabel`"), "{e:?}");
        assert_eq!(e[0].1, 3);
        let e = errors("exclude = \"audit.*\"\n");
        assert!(e[0].0.contains("must be a list"), "{e:?}");
        let e = errors("exlude = []\n");
        assert!(e[0].0.contains("unknown section `exlude`"), "{e:?}");
    }

    #[test]
    fn environments_and_hazard_levels_are_read() {
        let text = "[hazards]\ndata-loss = \"warn\"\n\n[env.prod]\n\
                    url = \"postgres://app:${PW}@db/app\"\nschema = [\"schemas\"]\n\
                    online = true\nlock_timeout = 5\nlayout = \"flyway\"\nkeep_dropped = true\n\
                    targets = [\"postgres://db2/app\", { command = \"./shards\" }]\n\
                    hazards.index-build = \"error\"\n";
        let c = parse("s", text, RULES).expect("ok");
        let prod = c.env("prod").expect("prod");
        assert_eq!(prod.online, Some(true));
        assert_eq!(prod.lock_timeout.as_deref(), Some("5"));
        assert_eq!(prod.keep_dropped, Some(true));
        assert_eq!(
            prod.targets,
            [
                Target::Url("postgres://db2/app".into()),
                Target::Command("./shards".into())
            ]
        );
        let levels = c.hazard_levels(Some(prod));
        assert_eq!(levels.get("data-loss"), Some(&Level::Warn));
        assert_eq!(levels.get("index-build"), Some(&Level::Error));
        assert!(c.env("dev").is_err());
    }

    #[test]
    fn bad_environment_keys_point_at_their_line() {
        let e = errors("[env.prod]\nurl = \"postgres://a:b@h/d\"\n");
        assert!(e[0].0.contains("holds a password"), "{e:?}");
        assert_eq!(e[0].1, 2);
        let e = errors("[env.prod]\n\nonlin = true\n");
        assert!(
            e[0].0.contains("unknown key in [env.prod] `onlin`"),
            "{e:?}"
        );
        assert!(e[0].2.contains("`online`"), "{e:?}");
        assert_eq!(e[0].1, 3);
        let e = errors("[env.prod]\nlayout = \"flyaway\"\nlock_timeout = \"soon\"\n");
        assert!(e[0].2.contains("`flyway`"), "{e:?}");
        assert!(e[1].0.contains("must be a duration"), "{e:?}");
        let e = errors("[hazards]\ndata-los = \"off\"\n");
        assert!(e[0].0.contains("unknown hazard `data-los`"), "{e:?}");
        let e = errors("[env.prod]\ntargets = [3]\n");
        assert!(e[0].0.contains("must be a URL or"), "{e:?}");
    }

    #[test]
    fn docs_url_gets_a_trailing_slash() {
        let c = parse(
            "s",
            "[lint]\ndocs-url = \"https://x.test/docs/lint\"\n",
            RULES,
        )
        .expect("ok");
        assert_eq!(
            c.lint.docs_url.as_deref(),
            Some("https://x.test/docs/lint/")
        );
    }

    #[test]
    fn finds_the_file_in_a_directory_above() {
        let dir = tempfile::tempdir().expect("tempdir");
        let below = dir.path().join("a/b");
        std::fs::create_dir_all(&below).expect("mkdir");
        assert_eq!(find(&below), None);
        std::fs::write(dir.path().join(FILE_NAME), "[lint]\n").expect("write");
        assert_eq!(find(&below), Some(dir.path().join(FILE_NAME)));
    }
}
