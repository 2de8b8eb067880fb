//! `[env.NAME]`: one place a team runs strata against (dev, staging,
//! prod), with the flags it would otherwise type on every call.
//!
//! Values are stored as written; `${VAR}` references are read from the
//! process environment only when the environment is used
//! ([`interpolate`]), so that a variable needed by `prod` need not be set
//! to work on `dev`. A password written into a URL is refused: the file is
//! committed, the password must come from `${VAR}`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Item, TableLike};

use super::{parse_levels, Context, Level};
use crate::ir::filter::Pattern;
use crate::ir::DialectKind;

/// The migration directory layouts `migrate` writes (`--layout`).
pub const LAYOUTS: &[&str] = &["sqlx", "flyway", "golang-migrate", "dbmate", "plain"];

const KEYS: &[&str] = &[
    "url",
    "dev_url",
    "schema",
    "dialect",
    "exclude",
    "online",
    "lock_timeout",
    "dir",
    "layout",
    "hazards",
    "targets",
    "keep_dropped",
    "replicas",
    "backfill_batch",
    "server_version",
];

/// One `[env.NAME]` table. Every key is optional; a command flag given
/// explicitly wins over the value here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    pub name: String,
    /// The database, as written (may hold `${VAR}`): see [`Env::url`].
    pub url: Option<String>,
    /// The server for scratch databases (`--prove`, `migrate`), as written.
    pub dev_url: Option<String>,
    /// The desired schema: files or directories, relative to the
    /// directory of `strata.toml` once loaded.
    pub schema: Vec<PathBuf>,
    pub dialect: Option<DialectKind>,
    /// Patterns added to the top-level `exclude`.
    pub exclude: Vec<Pattern>,
    /// `online = true` makes `--online` the default (`--no-online` undoes).
    pub online: Option<bool>,
    /// `--lock-timeout` by default, e.g. "5s".
    pub lock_timeout: Option<String>,
    /// The migration directory (`migrate --dir`), relative like `schema`.
    pub dir: Option<PathBuf>,
    /// The migration layout (`migrate --layout`), one of [`LAYOUTS`].
    pub layout: Option<String>,
    /// `[env.NAME.hazards]`: levels over the top-level `[hazards]`.
    pub hazards: BTreeMap<String, Level>,
    /// Further databases the same plan is meant for.
    pub targets: Vec<Target>,
    /// Move dropped tables and columns aside instead of destroying them.
    pub keep_dropped: Option<bool>,
    /// Streaming replicas of `url` (`apply --replica`), as written.
    pub replicas: Vec<String>,
    /// `--backfill-batch` by default: rows per transaction of a backfill.
    pub backfill_batch: Option<u64>,
    /// `--server-version` by default: the version hazards assume when
    /// no server is asked, as written (e.g. "11", "mariadb-10.3").
    pub server_version: Option<String>,
}

/// One entry of `targets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A database URL, as written (may hold `${VAR}`).
    Url(String),
    /// `{ command = "…" }`: a command whose output lists the URLs.
    Command(String),
}

impl Env {
    /// The database URL with its `${VAR}`s read from the environment.
    pub fn url(&self) -> miette::Result<Option<String>> {
        self.resolve("url", self.url.as_deref())
    }

    /// The scratch server's URL with its `${VAR}`s read.
    pub fn dev_url(&self) -> miette::Result<Option<String>> {
        self.resolve("dev_url", self.dev_url.as_deref())
    }

    /// `targets`, each URL with its `${VAR}`s read.
    pub fn targets(&self) -> miette::Result<Vec<Target>> {
        self.targets
            .iter()
            .map(|t| match t {
                Target::Url(u) => Ok(Target::Url(
                    self.resolve("targets", Some(u))?.unwrap_or_default(),
                )),
                Target::Command(c) => Ok(Target::Command(c.clone())),
            })
            .collect()
    }

    /// `replicas`, each URL with its `${VAR}`s read.
    pub fn replicas(&self) -> miette::Result<Vec<String>> {
        self.replicas
            .iter()
            .map(|u| Ok(self.resolve("replicas", Some(u))?.unwrap_or_default()))
            .collect()
    }

    fn resolve(&self, key: &str, text: Option<&str>) -> miette::Result<Option<String>> {
        let Some(text) = text else { return Ok(None) };
        interpolate(text, |v| std::env::var(v).ok())
            .map(Some)
            .map_err(|var| {
                miette::miette!(
                    code = "strata::config::env_var",
                    help = format!("set {var} in the environment strata runs in"),
                    "[env.{}] {key} needs ${{{var}}}, which is not set",
                    self.name
                )
            })
    }

    /// Paths read relative to `base` (the directory of `strata.toml`).
    pub(super) fn relative_to(&mut self, base: &Path) {
        for p in &mut self.schema {
            *p = base.join(&*p);
        }
        if let Some(d) = &mut self.dir {
            *d = base.join(&*d);
        }
    }
}

/// `text` with each `${VAR}` replaced by `lookup(VAR)`; the name of the
/// first variable `lookup` does not know is the error. `$` not followed
/// by `{` is kept.
pub fn interpolate(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return Ok(out);
        };
        let var = &after[..end];
        out.push_str(&lookup(var).ok_or_else(|| var.to_string())?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `[env]`: each key an environment name, each value its table.
pub(super) fn parse_envs(config: &mut super::Config, table: &dyn TableLike, cx: &mut Context) {
    for (name, item) in table.iter() {
        let span = table.get_key_value(name).and_then(|(k, _)| k.span());
        match item.as_table_like() {
            Some(t) => {
                let env = parse_env(name, t, cx);
                config.envs.insert(name.to_string(), env);
            }
            None => cx.error(
                item.span().or(span),
                format!("`env.{name}` must be a table"),
                "not a table",
                format!("write `[env.{name}]` and its keys below it"),
            ),
        }
    }
}

fn parse_env(name: &str, table: &dyn TableLike, cx: &mut Context) -> Env {
    let mut env = Env {
        name: name.to_string(),
        ..Env::default()
    };
    for (key, item) in table.iter() {
        let span = item
            .span()
            .or_else(|| table.get_key_value(key).and_then(|(k, _)| k.span()));
        let key_span = table.get_key_value(key).and_then(|(k, _)| k.span());
        let at = Field {
            env: name,
            key,
            span: span.clone(),
        };
        match key {
            "url" => env.url = url(&at, item, cx),
            "dev_url" => env.dev_url = url(&at, item, cx),
            "schema" => {
                env.schema = strings(&at, item, cx)
                    .into_iter()
                    .map(PathBuf::from)
                    .collect()
            }
            "dialect" => env.dialect = dialect(&at, item, cx),
            "exclude" => env.exclude = super::parse_exclude(item, span, cx),
            "online" => env.online = boolean(&at, item, cx),
            "keep_dropped" => env.keep_dropped = boolean(&at, item, cx),
            "lock_timeout" => env.lock_timeout = lock_timeout(&at, item, cx),
            "dir" => env.dir = string(&at, item, cx).map(PathBuf::from),
            "layout" => env.layout = layout(&at, item, cx),
            "hazards" => match item.as_table_like() {
                Some(t) => parse_levels(&mut env.hazards, t, super::hazard_ids(), "hazard", cx),
                None => at.wrong(
                    cx,
                    "a table",
                    format!("write `[env.{name}.hazards]` with `rule-id = \"error\"` lines"),
                ),
            },
            "targets" => env.targets = targets(&at, item, cx),
            "replicas" => env.replicas = strings(&at, item, cx),
            "backfill_batch" => env.backfill_batch = rows(&at, item, cx),
            "server_version" => env.server_version = server_version(&at, item, cx),
            other => cx.unknown(key_span, &format!("key in [env.{name}]"), other, KEYS),
        }
    }
    env
}

/// Where a value stands, for its diagnostics.
struct Field<'a> {
    env: &'a str,
    key: &'a str,
    span: Option<Range<usize>>,
}

impl Field<'_> {
    fn wrong(&self, cx: &mut Context, what: &str, help: String) {
        cx.error(
            self.span.clone(),
            format!("`env.{}.{}` must be {what}", self.env, self.key),
            "wrong type",
            help,
        );
    }
}

fn string(at: &Field, item: &Item, cx: &mut Context) -> Option<String> {
    let s = item.as_str().map(str::to_string);
    if s.is_none() {
        at.wrong(cx, "a string", format!("quote it: `{} = \"…\"`", at.key));
    }
    s
}

fn boolean(at: &Field, item: &Item, cx: &mut Context) -> Option<bool> {
    let b = item.as_bool();
    if b.is_none() {
        at.wrong(cx, "true or false", format!("write `{} = true`", at.key));
    }
    b
}

/// A string or a list of strings.
fn strings(at: &Field, item: &Item, cx: &mut Context) -> Vec<String> {
    if let Some(s) = item.as_str() {
        return vec![s.to_string()];
    }
    let list: Option<Vec<String>> = item
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
    list.unwrap_or_else(|| {
        at.wrong(
            cx,
            "a path or a list of paths",
            format!("write `{} = [\"schemas/\"]`", at.key),
        );
        Vec::new()
    })
}

/// A database URL whose password, if any, is a `${VAR}` reference.
fn url(at: &Field, item: &Item, cx: &mut Context) -> Option<String> {
    let text = string(at, item, cx)?;
    if crate::url::password(&text).iter().any(|p| !p.contains('$')) {
        cx.error(
            at.span.clone(),
            format!("`env.{}.{}` holds a password", at.env, at.key),
            "literal password",
            "strata.toml is meant to be committed: write the password as `${DB_PASSWORD}` \
             (any variable name) and set it in the environment"
                .into(),
        );
        return None;
    }
    Some(text)
}

fn dialect(at: &Field, item: &Item, cx: &mut Context) -> Option<DialectKind> {
    let text = string(at, item, cx)?;
    let d = DialectKind::parse(&text);
    if d.is_none() {
        cx.error(
            at.span.clone(),
            format!("unknown dialect `{text}`"),
            "unknown dialect",
            "use postgres, mysql (also for MariaDB) or sqlite".into(),
        );
    }
    d
}

/// A positive number of rows.
fn rows(at: &Field, item: &Item, cx: &mut Context) -> Option<u64> {
    let n = item
        .as_integer()
        .filter(|n| *n > 0)
        .and_then(|n| u64::try_from(n).ok());
    if n.is_none() {
        at.wrong(
            cx,
            "a positive number of rows",
            format!("write `{} = 10000`", at.key),
        );
    }
    n
}

/// A version number, as `--server-version` takes it.
fn server_version(at: &Field, item: &Item, cx: &mut Context) -> Option<String> {
    let text = string(at, item, cx)?;
    // The syntax is the same for every dialect; the product (MySQL or
    // MariaDB) is read once the dialect is known.
    if crate::dialect::version::ServerVersion::parse(DialectKind::Postgres, &text).is_none() {
        cx.error(
            at.span.clone(),
            format!("`{text}` is not a server version"),
            "not a version",
            format!(
                "write `{} = \"15\"`, `\"8.0.29\"` or `\"mariadb-10.11\"`",
                at.key
            ),
        );
        return None;
    }
    Some(text)
}

fn layout(at: &Field, item: &Item, cx: &mut Context) -> Option<String> {
    let text = string(at, item, cx)?;
    if LAYOUTS.contains(&text.as_str()) {
        return Some(text);
    }
    cx.unknown(at.span.clone(), "migration layout", &text, LAYOUTS);
    None
}

/// "5s", "500ms", "2m", or a number of seconds.
fn lock_timeout(at: &Field, item: &Item, cx: &mut Context) -> Option<String> {
    if let Some(n) = item.as_integer().filter(|n| *n >= 0) {
        return Some(n.to_string());
    }
    let text = item.as_str().map(str::trim).unwrap_or("");
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let unit_ok = matches!(&text[digits..], "" | "s" | "ms" | "m" | "min");
    if digits > 0 && unit_ok {
        return Some(text.to_string());
    }
    at.wrong(
        cx,
        "a duration",
        "write `lock_timeout = \"5s\"` (ms, s or m), or a number of seconds".into(),
    );
    None
}

/// `targets = ["postgres://…", { command = "…" }]`.
fn targets(at: &Field, item: &Item, cx: &mut Context) -> Vec<Target> {
    let Some(list) = item.as_array() else {
        at.wrong(
            cx,
            "a list",
            "write `targets = [\"postgres://…\", { command = \"list-shards\" }]`".into(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for value in list.iter() {
        let inner = Field {
            span: value.span(),
            ..*at
        };
        if let Some(u) = value.as_str() {
            let item = Item::Value(value.clone());
            if url(&inner, &item, cx).is_some() {
                out.push(Target::Url(u.to_string()));
            }
            continue;
        }
        let command = value
            .as_inline_table()
            .and_then(|t| (t.len() == 1).then(|| t.get("command").and_then(|c| c.as_str()))?);
        match command {
            Some(c) => out.push(Target::Command(c.to_string())),
            None => inner.wrong(
                cx,
                "a URL or `{ command = \"…\" }`",
                "each target is a database URL or a command that prints URLs".into(),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_replaced_and_a_missing_one_named() {
        let look = |v: &str| (v == "PW").then(|| "s3cr$t".to_string());
        assert_eq!(
            interpolate("postgres://app:${PW}@db/x", look),
            Ok("postgres://app:s3cr$t@db/x".into())
        );
        assert_eq!(interpolate("a$b ${", look), Ok("a$b ${".into()));
        assert_eq!(interpolate("${NOPE}/x", look), Err("NOPE".into()));
    }
}
