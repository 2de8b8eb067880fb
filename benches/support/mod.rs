//! What the inspect benchmarks share: the figures' helpers, and the
//! reader that takes the catalog queries out of a dialect's
//! `introspect.rs`, so that each floor runs exactly what strata runs.

use std::error::Error;
use std::process::Command;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor};

pub type Res<T> = Result<T, Box<dyn Error>>;

/// The table counts to run: the numbers on the command line (`1,000` and
/// `1_000` read as 1000), or `default`.
pub fn sizes(default: &[usize]) -> Res<Vec<usize>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-')) // cargo bench passes `--bench`
        .map(|a| a.replace([',', '_'], "").parse::<usize>())
        .collect::<Result<_, _>>()?;
    Ok(if sizes.is_empty() {
        default.to_vec()
    } else {
        sizes
    })
}

/// Runs `cmd` to its end and times it; its stderr is the error when it
/// fails (`what` names it there).
pub fn timed(cmd: &mut Command, what: &str) -> Res<Duration> {
    let t = Instant::now();
    let out = cmd.output()?;
    let d = t.elapsed();
    if !out.status.success() {
        return Err(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(d)
}

/// One in-process introspection of `url`, timed.
pub async fn time_introspect(url: &str) -> Res<Duration> {
    let t = Instant::now();
    let got = strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("{e:?}"))?;
    let d = t.elapsed();
    drop(got);
    Ok(d)
}

/// Introspects `url` once (which warms the server's caches) and checks
/// that it found the `n` tables generated there.
pub async fn introspect_tables(url: &str, n: usize) -> Res<()> {
    let got = strata::source::introspect(url, &[])
        .await
        .map_err(|e| format!("{e:?}"))?;
    if got.schema.tables.len() != n {
        return Err(format!(
            "introspected {} tables, expected {n}",
            got.schema.tables.len()
        )
        .into());
    }
    Ok(())
}

/// Runs `sql` (any number of statements) on a connection of type `C`.
pub async fn exec<C>(url: &str, sql: &str) -> Res<()>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let mut c = C::connect(url).await?;
    sqlx::raw_sql(sql).execute(&mut c).await?;
    c.close().await?;
    Ok(())
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The server URL with its database replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{root}/{db}{query}")
}

/// The `const NAME: &str = …;` items of Rust source files (a module and
/// its submodules), in order, as `(NAME, text)`: `concat!` and the files'
/// own `macro_rules!` expanded (a submodule's queries use its parent's).
pub fn query_constants(paths: &[String]) -> Res<Vec<(String, String)>> {
    let mut src = String::new();
    for path in paths {
        src.push_str(&std::fs::read_to_string(path)?);
        src.push('\n');
    }
    let toks = tokenize(&src)?;
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 < toks.len() {
        // const NAME : & str = EXPR ;
        if toks[i] == Tok::Ident("const".into())
            && toks[i + 2] == Tok::Punct(':')
            && toks[i + 3] == Tok::Punct('&')
            && toks[i + 4] == Tok::Ident("str".into())
        {
            let start = i + 6;
            let end = start
                + toks[start..]
                    .iter()
                    .position(|t| *t == Tok::Punct(';'))
                    .ok_or("unterminated const")?;
            let mut pos = start;
            let sql = eval(&toks[..end], &mut pos, &toks)?;
            if let Tok::Ident(name) = &toks[i + 1] {
                out.push((name.clone(), sql));
            }
            i = end;
        }
        i += 1;
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Str(String),
    Ident(String),
    /// `name!`
    Macro(String),
    /// `$name`
    Var(String),
    Punct(char),
}

fn tokenize(src: &str) -> Res<Vec<Tok>> {
    let c: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '"' {
            let mut s = String::new();
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                    match c.get(i) {
                        Some('\n') => {
                            while i + 1 < c.len() && c[i + 1].is_whitespace() {
                                i += 1;
                            }
                        }
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(&o) => s.push(o),
                        None => return Err("unterminated escape".into()),
                    }
                } else {
                    s.push(c[i]);
                }
                i += 1;
            }
            i += 1;
            toks.push(Tok::Str(s));
        } else if ch == '\'' {
            // A char literal or a lifetime: neither matters here.
            if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else if c.get(i + 1) == Some(&'\\') {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else {
                i += 1;
            }
        } else if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            let var = ch == '$';
            if var {
                i += 1;
            }
            let st = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let w: String = c[st..i].iter().collect();
            if var {
                toks.push(Tok::Var(w));
            } else if c.get(i) == Some(&'!') && c.get(i + 1) != Some(&'=') {
                i += 1;
                toks.push(Tok::Macro(w));
            } else {
                toks.push(Tok::Ident(w));
            }
        } else {
            toks.push(Tok::Punct(ch));
            i += 1;
        }
    }
    Ok(toks)
}

/// Evaluates one string expression at `pos` within `toks`: a literal, or
/// a macro call (`concat!` or one of the file's `macro_rules!`, whose
/// definitions are looked up in `file`).
fn eval(toks: &[Tok], pos: &mut usize, file: &[Tok]) -> Res<String> {
    match toks.get(*pos).cloned() {
        Some(Tok::Str(s)) => {
            *pos += 1;
            Ok(s)
        }
        Some(Tok::Macro(name)) => {
            *pos += 1;
            let args = call_args(toks, pos)?;
            if name == "concat" {
                let mut s = String::new();
                for a in args {
                    let mut p = 0;
                    s.push_str(&eval(&a, &mut p, file)?);
                }
                return Ok(s);
            }
            let (params, body) = macro_def(file, &name)?;
            if params.len() != args.len() {
                return Err(format!(
                    "{name}!: {} arguments for {} parameters",
                    args.len(),
                    params.len()
                )
                .into());
            }
            let expanded: Vec<Tok> = body
                .into_iter()
                .flat_map(|t| match &t {
                    Tok::Var(v) => params
                        .iter()
                        .position(|p| p == v)
                        .map(|k| args[k].clone())
                        .unwrap_or_else(|| vec![t.clone()]),
                    _ => vec![t],
                })
                .collect();
            let mut p = 0;
            eval(&expanded, &mut p, file)
        }
        other => Err(format!("unexpected token in a query constant: {other:?}").into()),
    }
}

/// The comma-separated arguments of the call whose `(` is at `pos`.
fn call_args(toks: &[Tok], pos: &mut usize) -> Res<Vec<Vec<Tok>>> {
    if toks.get(*pos) != Some(&Tok::Punct('(')) {
        return Err("expected `(`".into());
    }
    *pos += 1;
    let mut args = Vec::new();
    let mut cur = Vec::new();
    let mut depth = 0;
    loop {
        let t = toks.get(*pos).ok_or("unterminated call")?.clone();
        *pos += 1;
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') if depth == 0 => break,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                args.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(t);
    }
    if !cur.is_empty() {
        args.push(cur);
    }
    Ok(args)
}

/// `macro_rules! name { ($a:literal, …) => { body }; }`: parameter names
/// and body tokens (one rule only, which is all the file uses).
fn macro_def(file: &[Tok], name: &str) -> Res<(Vec<String>, Vec<Tok>)> {
    let at = file
        .windows(2)
        .position(|w| w[0] == Tok::Macro("macro_rules".into()) && w[1] == Tok::Ident(name.into()))
        .ok_or_else(|| format!("no macro_rules! {name}"))?;
    let mut i = at + 3; // past `{`
    let mut params = Vec::new();
    i += 1; // past `(`
    while file[i] != Tok::Punct(')') {
        if let Tok::Var(v) = &file[i] {
            params.push(v.clone());
            i += 2; // `:literal`
        }
        i += 1;
    }
    i += 4; // `) => {`
    let mut depth = 0;
    let mut body = Vec::new();
    loop {
        let t = file.get(i).ok_or("unterminated macro body")?.clone();
        i += 1;
        match t {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') if depth == 0 => break,
            Tok::Punct('}') => depth -= 1,
            _ => {}
        }
        body.push(t);
    }
    Ok((params, body))
}
