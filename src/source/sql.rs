//! SQL as a desired state: a `.sql` file, or a directory of them (every
//! `*.sql` below it, in lexical order of their paths), is run statement by
//! statement on an empty scratch database — on the dev server for
//! PostgreSQL and MySQL, in memory for SQLite — which is then introspected
//! like any database and dropped, whatever happens (a refused statement,
//! SIGINT, SIGTERM). A refused statement is reported at its file and line
//! with the server's message.

use std::path::{Path, PathBuf};

use miette::{miette, NamedSource, SourceSpan};

use super::Loaded;
use crate::dialect::statements::{line_of, split};
use crate::dialect::{self, scratch_name, Driver, Introspection, LoadError, Scratch};
use crate::ir::DialectKind;
use crate::url::dialect_of_url;

/// What loading SQL needs besides the files: the dialect they are written
/// in (the database's, `--dialect`) and a server for the scratch database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SqlSetup<'a> {
    pub dialect: Option<DialectKind>,
    /// `--dev-url` / `STRATA_DEV_URL`; its scheme also says the dialect.
    pub dev_url: Option<&'a str>,
}

/// A `.sql` file, or a directory with `*.sql` files and no `*.strata`
/// file below it.
pub fn is_sql(source: &str) -> bool {
    let path = Path::new(source);
    if path.is_file() {
        return has_ext(path, "sql");
    }
    if !path.is_dir() {
        return false;
    }
    let files = files_below(path);
    files.iter().any(|f| has_ext(f, "sql")) && !files.iter().any(|f| has_ext(f, "strata"))
}

/// Loads the SQL at `source` into a scratch database and reads it back.
pub async fn load(
    source: &str,
    namespaces: &[String],
    setup: &SqlSetup<'_>,
) -> miette::Result<Loaded> {
    let kind = dialect_for(source, setup)?;
    let driver = dialect::driver(kind);
    let files = read_files(source)?;
    let mut statements = Vec::new();
    let mut origins = Vec::new();
    for (f, (_, text)) in files.iter().enumerate() {
        for piece in split(text, driver.lexicon()) {
            statements.push(piece.text.clone());
            origins.push((f, piece));
        }
    }
    let scratch = scratch_for(driver, kind, setup.dev_url).await?;
    let outcome = tokio::select! {
        r = driver.load_statements(&scratch.url, &statements, namespaces) => Ok(r),
        signal = crate::signal::first() => Err(signal),
    };
    let label = scratch.label();
    let dropped = driver.drop_scratch(scratch).await;
    let found = match outcome {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            warn_not_dropped(&dropped);
            return Err(match e {
                LoadError::Other(report) => report,
                LoadError::Refused {
                    index,
                    message,
                    position,
                } => {
                    let (f, piece) = &origins[index];
                    let (path, text) = &files[*f];
                    refused(
                        kind,
                        path,
                        text,
                        piece.start,
                        &piece.text,
                        position,
                        message,
                    )
                }
            });
        }
        Err(signal) => {
            warn_not_dropped(&dropped);
            return Err(miette!(
                code = "strata::source::interrupted",
                "interrupted by {signal} while loading {source} into the {label}; it was dropped"
            ));
        }
    };
    dropped?;
    let Introspection { schema, warnings } = found;
    Ok(Loaded {
        schema,
        dialect: Some(kind),
        warnings: warnings
            .into_iter()
            .map(|w| format!("{source}: {w}"))
            .collect(),
    })
}

/// The dialect the SQL is in: the one the command knows (the database's,
/// `--dialect`), else the dev server's.
fn dialect_for(source: &str, setup: &SqlSetup<'_>) -> miette::Result<DialectKind> {
    let dev = setup.dev_url.and_then(dialect_of_url);
    match (setup.dialect, dev) {
        (Some(kind), Some(dev)) if dev != kind && kind != DialectKind::Sqlite => Err(miette!(
            code = "strata::source::dev_url_dialect",
            help = format!("point --dev-url (or STRATA_DEV_URL) at a {kind} server"),
            "{source} is loaded as {kind}, but the dev server is {dev}"
        )),
        (Some(kind), _) => Ok(kind),
        (None, Some(dev)) => Ok(dev),
        (None, None) => Err(miette!(
            code = "strata::source::sql_dialect",
            help =
                "pass --dialect postgres|mysql|sqlite, or --dev-url with the server to load it on",
            "cannot tell which dialect the SQL in {source} is written in"
        )),
    }
}

/// An in-memory scratch database where the dialect has one, else a new
/// database on the dev server.
async fn scratch_for(
    driver: &'static dyn Driver,
    kind: DialectKind,
    dev_url: Option<&str>,
) -> miette::Result<Scratch> {
    let name = scratch_name("strata_sql");
    if let Some(scratch) = driver.memory_scratch(&name) {
        return Ok(scratch);
    }
    let Some(dev_url) = dev_url else {
        return Err(miette!(
            code = "strata::source::dev_url",
            help = format!(
                "pass --dev-url {kind}://… (or set STRATA_DEV_URL): a server where strata may \
                 create a scratch database, load the SQL into it and drop it"
            ),
            "a SQL desired state for {kind} is loaded into a scratch database on a dev server"
        ));
    };
    driver.create_scratch(Some(dev_url), &name).await
}

/// A scratch database that could not be dropped after a failure: said on
/// stderr, beside the failure the command reports.
fn warn_not_dropped(dropped: &miette::Result<()>) {
    if let Err(e) = dropped {
        eprintln!("warning: {e}");
    }
}

/// The `.sql` files of `source`, with their text, in lexical order.
fn read_files(source: &str) -> miette::Result<Vec<(PathBuf, String)>> {
    let path = Path::new(source);
    let paths = if path.is_dir() {
        files_below(path)
            .into_iter()
            .filter(|f| has_ext(f, "sql"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| {
                miette!(
                    code = "strata::source::read",
                    "cannot read {}: {e}",
                    p.display()
                )
            })?;
            // Invalid UTF-8 is shown where it is, as in a schema file.
            let file = crate::syntax::decode(&p.display().to_string(), bytes)
                .map_err(miette::Report::new)?;
            Ok((p, file.text))
        })
        .collect()
}

/// Every file below `dir`, sorted by path; unreadable directories are
/// skipped (the files that are there are still read).
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A statement the scratch database refused, at its line in its file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{file}:{line}: the {kind} scratch database refused this statement: {message}")]
#[diagnostic(
    code(strata::source::sql),
    help(
        "the statements run in file order on an empty database, as the database's own \
         client would run them: fix this one, or what it depends on"
    )
)]
pub struct Refused {
    file: String,
    line: usize,
    kind: DialectKind,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: &'static str,
}

fn refused(
    kind: DialectKind,
    path: &Path,
    text: &str,
    start: usize,
    statement: &str,
    position: Option<usize>,
    message: String,
) -> miette::Report {
    let (at, len, label) = match position {
        Some(p) => {
            let word = statement[p..]
                .find(|c: char| c.is_whitespace() || c == ',' || c == ')' || c == ';')
                .unwrap_or(statement.len() - p)
                .max(1);
            (start + p, word, "here")
        }
        None => (
            start,
            statement.lines().next().map_or(1, str::len),
            "this statement",
        ),
    };
    let file = path.display().to_string();
    Refused {
        line: line_of(text, at),
        kind,
        message,
        src: NamedSource::new(&file, text.to_string()),
        file,
        span: (at, len).into(),
        label,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialect_comes_from_the_command_or_the_dev_server() {
        let dev = SqlSetup {
            dialect: None,
            dev_url: Some("postgres://u@h/db"),
        };
        assert_eq!(dialect_for("s.sql", &dev).ok(), Some(DialectKind::Postgres));
        let clash = SqlSetup {
            dialect: Some(DialectKind::Mysql),
            ..dev
        };
        assert!(dialect_for("s.sql", &clash).is_err());
        assert!(dialect_for("s.sql", &SqlSetup::default()).is_err());
    }

    #[test]
    fn a_refusal_points_at_the_line_and_the_position() {
        let text = "CREATE TABLE a (x int);\n\nCREATE TABLE b (y nosuchtype);\n";
        let start = text.find("CREATE TABLE b").unwrap_or(0);
        let stmt = "CREATE TABLE b (y nosuchtype)";
        let pos = stmt.find("nosuchtype");
        let r = refused(
            DialectKind::Postgres,
            Path::new("schema.sql"),
            text,
            start,
            stmt,
            pos,
            "type \"nosuchtype\" does not exist".into(),
        );
        assert!(r.to_string().starts_with("schema.sql:3: "), "{r}");
    }
}
