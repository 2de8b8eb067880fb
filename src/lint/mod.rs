//! `strata lint`: rules over a schema itself, not over a change to it — a
//! foreign key without an index, a key that will overflow, a type the
//! dialect's own documentation advises against. Each rule has a stable id,
//! a default [`Level`], the dialects it applies to and a page under
//! `docs/lint/` (compiled in, so a rule cannot land undocumented); the
//! team's policy (`strata.toml` `[lint]`, `--rule ID=LEVEL`) decides
//! each rule's level.
//!
//! Like `ir`, this module does no I/O: it reads a [`Schema`] and returns
//! findings that point at objects ([`ObjectRef`]); the renderers
//! (`render/`) place them in source files when the schema came from files.

mod object;
pub mod render;
pub mod rules;

use std::collections::BTreeMap;

pub use crate::config::Level;
use crate::config::LintConfig;
use crate::ir::{DialectKind, ObjectRef, Schema};
pub use object::Object;

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable, kebab-case; never reused for another meaning.
    pub id: &'static str,
    /// The level when the policy does not name the rule.
    pub default: Level,
    /// The dialects it applies to; empty: all of them.
    pub dialects: &'static [DialectKind],
    /// One sentence: what it finds.
    pub summary: &'static str,
    /// Its page, `docs/lint/<id>.md`.
    pub docs: &'static str,
    pub check: fn(&Context) -> Vec<Hit>,
}

impl Rule {
    /// Whether the rule means anything for a schema in `dialect`. A rule
    /// for some dialects does not run when the dialect is unknown.
    pub fn applies_to(&self, dialect: Option<DialectKind>) -> bool {
        match dialect {
            _ if self.dialects.is_empty() => true,
            Some(d) => self.dialects.contains(&d),
            None => false,
        }
    }

    /// `docs/lint/<id>.md`, the page's path in strata's repository.
    pub fn docs_path(&self) -> String {
        format!("docs/lint/{}.md", self.id)
    }
}

/// What a rule reads.
pub struct Context<'a> {
    pub schema: &'a Schema,
    pub dialect: Option<DialectKind>,
}

/// What a rule finds: where, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub at: ObjectRef,
    pub message: String,
    pub hint: String,
}

impl Hit {
    pub fn new(at: ObjectRef, message: impl Into<String>, hint: impl Into<String>) -> Hit {
        Hit {
            at,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A hit of a rule that ran, with the level the policy gives it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub at: ObjectRef,
    pub object: Object,
    pub message: String,
    pub hint: String,
}

/// Each rule's level: its default, then `strata.toml`, then `--rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    levels: BTreeMap<&'static str, Level>,
}

impl Policy {
    /// `flags` are `--rule ID=LEVEL` already checked by [`parse_flag`];
    /// later ones win.
    pub fn new(config: &LintConfig, flags: &[(String, Level)]) -> Policy {
        let mut levels = BTreeMap::new();
        for r in rules::ALL {
            levels.insert(r.id, r.default);
        }
        let given = config.rules.iter().map(|(k, v)| (k.as_str(), *v));
        for (id, level) in given.chain(flags.iter().map(|(k, v)| (k.as_str(), *v))) {
            if let Some(r) = rules::find(id) {
                levels.insert(r.id, level);
            }
        }
        Policy { levels }
    }

    pub fn level(&self, rule: &Rule) -> Level {
        self.levels.get(rule.id).copied().unwrap_or(rule.default)
    }
}

/// `ID=LEVEL` from the command line.
pub fn parse_flag(s: &str) -> Result<(String, Level), String> {
    let (id, level) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not ID=LEVEL, e.g. fk-without-index=off"))?;
    let id = id.trim();
    if rules::find(id).is_none() {
        let hint = crate::syntax::diag::did_you_mean(id, rules::ids())
            .map(|m| format!("; did you mean `{m}`?"))
            .unwrap_or_else(|| "; `strata lint --list-rules` lists them".into());
        return Err(format!("unknown lint rule `{id}`{hint}"));
    }
    let level = Level::parse(level.trim())
        .ok_or_else(|| format!("`{level}` is not a level: error, warn or off"))?;
    Ok((id.to_string(), level))
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Sorted by object, then rule id.
    pub findings: Vec<Finding>,
    /// The rules that ran (in id order), each with its level.
    pub ran: Vec<(&'static Rule, Level)>,
    /// Rules left out because they are for one dialect and the schema's
    /// dialect is unknown.
    pub skipped: Vec<&'static Rule>,
}

impl Outcome {
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

/// Runs every rule the policy does not turn off.
pub fn run(schema: &Schema, dialect: Option<DialectKind>, policy: &Policy) -> Outcome {
    let cx = Context { schema, dialect };
    let mut out = Outcome {
        findings: Vec::new(),
        ran: Vec::new(),
        skipped: Vec::new(),
    };
    for rule in rules::ALL {
        let level = policy.level(rule);
        if level == Level::Off {
            continue;
        }
        if !rule.applies_to(dialect) {
            if dialect.is_none() {
                out.skipped.push(rule);
            }
            continue;
        }
        out.ran.push((rule, level));
        for hit in (rule.check)(&cx) {
            out.findings.push(Finding {
                rule,
                level,
                object: Object::of(schema, &hit.at),
                at: hit.at,
                message: hit.message,
                hint: hit.hint,
            });
        }
    }
    out.findings
        .sort_by(|a, b| (&a.at, a.rule.id, &a.message).cmp(&(&b.at, b.rule.id, &b.message)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_name_known_rules_and_levels() {
        assert_eq!(
            parse_flag("fk-without-index=off"),
            Ok(("fk-without-index".into(), Level::Off))
        );
        let e = parse_flag("fk-without-indx=off").expect_err("unknown");
        assert!(e.contains("did you mean `fk-without-index`"), "{e}");
        assert!(parse_flag("fk-without-index=loud").is_err());
        assert!(parse_flag("fk-without-index").is_err());
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let mut config = LintConfig::default();
        config
            .rules
            .insert("table-without-primary-key".into(), Level::Error);
        config.rules.insert("fk-without-index".into(), Level::Off);
        let p = Policy::new(&config, &[("fk-without-index".into(), Level::Error)]);
        let rule = |id| rules::find(id).expect("rule");
        assert_eq!(p.level(rule("fk-without-index")), Level::Error);
        assert_eq!(p.level(rule("table-without-primary-key")), Level::Error);
        assert_eq!(p.level(rule("varchar-instead-of-text")), Level::Off);
    }

    #[test]
    fn dialect_rules_are_skipped_without_a_dialect() {
        let p = Policy::new(&LintConfig::default(), &[]);
        let out = run(&Schema::default(), None, &p);
        assert!(out
            .skipped
            .iter()
            .any(|r| r.id == "timestamp-without-time-zone"));
        assert!(out
            .ran
            .iter()
            .any(|(r, _)| r.id == "table-without-primary-key"));
        let out = run(&Schema::default(), Some(DialectKind::Sqlite), &p);
        assert!(out.skipped.is_empty());
        assert!(!out
            .ran
            .iter()
            .any(|(r, _)| r.id == "timestamp-without-time-zone"));
    }
}
