//! Schema source text: pest grammar (grammar/strata.pest) → parse tree →
//! IR with a source map, the printer back to canonical text, and the
//! diagnostics of both.
//!
//! ```text
//!  files ──scan (guards)──▶ pest ──lower──▶ IR per file ──merge──▶ Schema ──ir::validate──▶ problems
//!                                    └──▶ layout (order, comments) ──▶ print (fmt)
//! ```
//!
//! Invariant: nothing here panics or recurses without bound on any input;
//! every failure is a [`Diag`] with a code from docs/errors.md.

pub mod diag;
mod errors;
mod grammar;
mod indexed;
mod layout;
mod located;
mod lower;
mod merge;
mod pieces;
mod print;
mod scan;
mod text;
mod workers;

use std::path::{Path, PathBuf};

use pest::Parser;

use diag::FileText;
pub use diag::{Diag, Diagnostics};
use grammar::{Rule, StrataParser};
pub use indexed::IndexedSource;
pub use located::Located;
use lower::{Loc, Lowered, Lowerer, SourceMap};
use merge::merge;

use crate::ir::{DialectKind, ObjectRef, Schema};

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// One schema file's text and the name diagnostics show for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Parses, lowers and validates files that together form one schema.
/// Every diagnostic of the run is in the error, not only the first.
pub fn parse(files: &[SourceFile]) -> Result<Schema, miette::Report> {
    parse_files(files).map_err(Diagnostics::into_report)
}

/// [`parse`], with the diagnostics as data.
pub fn parse_files(files: &[SourceFile]) -> Result<Schema, Diagnostics> {
    let a = analyze(files);
    if a.diagnostics
        .iter()
        .any(|d| d.severity == miette::Severity::Error)
    {
        Err(Diagnostics {
            items: a.diagnostics,
        })
    } else {
        Ok(a.schema)
    }
}

/// Parses and lowers without validating: the IR exactly as written, for
/// tools (and tests) that want to look at a schema that does not validate.
pub fn parse_unvalidated(files: &[SourceFile]) -> Result<Schema, Diagnostics> {
    let (_, schema, _, diagnostics) = lower_all(files);
    if diagnostics.is_empty() {
        Ok(schema)
    } else {
        Err(Diagnostics { items: diagnostics })
    }
}

/// Every file parsed and lowered, merged into one schema: the files' text
/// (for diagnostics), the schema, its source map and the problems so far.
#[allow(clippy::result_large_err)] // one `Result` per file, moved once
fn lower_all(files: &[SourceFile]) -> (Vec<FileText>, Schema, SourceMap, Vec<Diag>) {
    let texts: Vec<FileText> = files
        .iter()
        .map(|f| FileText::new(&f.name, &f.text))
        .collect();
    let mut diagnostics = Vec::new();
    let mut parts = Vec::new();
    let bytes = texts.iter().map(|t| t.text.len()).sum();
    // One large file is split into pieces instead (several are parsed a
    // file per thread already).
    let split = texts.len() == 1;
    let parsed = workers::map_in_order(texts.len(), bytes, |i| parse_one(&texts[i], i, split));
    for p in parsed {
        match p {
            Ok((lowered, _, diags)) => {
                diagnostics.extend(diags);
                parts.push(lowered);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    let (dialect, dd) = dialect_of(&parts, &texts);
    diagnostics.extend(dd);
    let (mut schema, map, md) = merge(parts, &texts);
    diagnostics.extend(md);
    schema.dialect = dialect;
    // Only MariaDB keeps a check written on a column apart from a table's.
    if dialect != Some(DialectKind::Mysql) {
        for t in schema.tables.values_mut() {
            for c in &mut t.checks {
                c.column = None;
            }
        }
    }
    (texts, schema, map, diagnostics)
}

/// Reads files and directories (every `*.strata` below a directory, in
/// sorted order) and parses them as one schema.
pub fn load_paths(paths: &[PathBuf]) -> Result<Schema, miette::Report> {
    let files = read_paths(paths).map_err(Diagnostics::into_report)?;
    parse(&files)
}

/// The canonical source text of a schema.
pub fn print(schema: &Schema) -> String {
    print::print_schema(schema)
}

/// A schema file in canonical form, keeping its comments and the order of
/// its items. Refuses a file with syntax or lowering errors; does not
/// validate references to other files.
pub fn format_file(file: &SourceFile) -> Result<String, Diagnostics> {
    let ft = FileText::new(&file.name, &file.text);
    let (lowered, comments, mut diags) = match parse_one(&ft, 0, true) {
        Ok(x) => x,
        Err(d) => return Err(Diagnostics { items: vec![d] }),
    };
    let mut lowered = lowered;
    let (dialect, dd) = dialect_of(std::slice::from_ref(&lowered), std::slice::from_ref(&ft));
    diags.extend(dd);
    if !diags.is_empty() {
        return Err(Diagnostics { items: diags });
    }
    lowered.schema.dialect = dialect;
    layout::attach(&ft.text, &comments, &mut lowered.layout);
    Ok(print::print_layout(&lowered.schema, &lowered.layout))
}

/// The result of reading a schema: the IR (as far as it could be built)
/// and every diagnostic.
#[derive(Debug)]
pub struct Analysis {
    pub schema: Schema,
    pub diagnostics: Vec<Diag>,
}

/// Parses, lowers, merges and validates; never stops at the first
/// problem except that a file with a syntax error contributes nothing.
pub fn analyze(files: &[SourceFile]) -> Analysis {
    analyze_located(files).0
}

/// [`analyze`], and where each object was written (for `lint`).
pub fn analyze_located(files: &[SourceFile]) -> (Analysis, Located) {
    let (texts, schema, map, mut diagnostics) = lower_all(files);
    for p in crate::ir::validate::validate(&schema) {
        diagnostics.push(problem_diag(&p, &map, &texts));
    }
    let analysis = Analysis {
        schema,
        diagnostics,
    };
    (analysis, Located { texts, map })
}

/// Reads paths into source files; a directory contributes every
/// `*.strata` file below it, in sorted order.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Diagnostics> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                walk(p, &mut found, &mut diags);
                found.sort();
                if found.is_empty() {
                    diags.push(
                        Diag::error("E0002", format!("no `*.strata` files in `{}`", p.display()))
                            .help("schema files end in `.strata`"),
                    );
                }
                for f in found {
                    read_one(&f, &mut files, &mut diags);
                }
            }
            Ok(_) => read_one(p, &mut files, &mut diags),
            Err(e) => diags.push(
                Diag::error("E0001", format!("cannot read `{}`: {e}", p.display()))
                    .help("check the path"),
            ),
        }
    }
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics { items: diags })
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diag>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diag::error(
                "E0001",
                format!("cannot read `{}`: {e}", dir.display()),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Symlinked directories are not followed: a loop would never end.
        let Ok(ft) = entry.file_type() else { continue };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if ft.is_dir() && !hidden {
            walk(&path, out, diags);
        } else if path.extension().is_some_and(|e| e == "strata") && !hidden {
            out.push(path);
        }
    }
}

fn read_one(path: &Path, files: &mut Vec<SourceFile>, diags: &mut Vec<Diag>) {
    let name = path.display().to_string();
    match read_capped(path) {
        Ok(bytes) => match decode(&name, bytes) {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        },
        Err(d) => diags.push(d),
    }
}

/// The bytes of a schema file: a regular file (a link to one is fine) of
/// at most [`MAX_FILE_BYTES`]. A FIFO would block the read forever and a
/// device such as `/dev/zero` never ends, so neither is opened; the read
/// stops one byte past the cap, whatever the file claims its size is.
#[allow(clippy::result_large_err)]
fn read_capped(path: &Path) -> Result<Vec<u8>, Diag> {
    use std::io::Read;
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| Diag::error("E0001", format!("cannot read `{name}`: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Diag::error(
            "E0003",
            format!("`{name}` is not a regular file"),
        )
        .help("a schema source is a `*.strata` file or a directory of them, not a pipe or a device"));
    }
    let too_large = || {
        Diag::error(
            "E0113",
            format!("`{name}` is larger than {MAX_FILE_BYTES} bytes"),
        )
        .help(format!(
            "split the schema into files under {MAX_FILE_BYTES} bytes"
        ))
    };
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Bytes → source file; invalid UTF-8 is a diagnostic at the first bad byte.
// Diagnostics are the rare path; boxing them would buy nothing.
#[allow(clippy::result_large_err)]
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<SourceFile, Diag> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let ft = FileText::new(name, &lossy);
            Err(Diag::error("E0101", "the file is not valid UTF-8")
                .at(&ft, at..at + 1, "invalid byte here")
                .help("save the file as UTF-8"))
        }
    }
}

type ParsedFile = (Lowered, Vec<std::ops::Range<usize>>, Vec<Diag>);

/// One file: guards, grammar, lowering. `Err` is the file's syntax error.
/// With `split`, a large file may be parsed in pieces on several threads.
#[allow(clippy::result_large_err)]
fn parse_one(ft: &FileText, idx: usize, split: bool) -> Result<ParsedFile, Diag> {
    let text: &str = &ft.text;
    if text.len() > MAX_FILE_BYTES {
        return Err(Diag::error(
            "E0113",
            format!("the file is too large ({} bytes)", text.len()),
        )
        .at(ft, 0..0, "")
        .help(format!(
            "split the schema into files under {MAX_FILE_BYTES} bytes"
        )));
    }
    let scanned = scan::scan(text);
    if let Some(f) = scanned.fatal {
        return Err(errors::fatal(ft, f));
    }
    if split {
        if let Some(done) = pieces::parse(ft, idx) {
            return Ok(done);
        }
    }
    match lower_range(ft, idx, 0..text.len()) {
        Ok(Some(done)) => Ok(done),
        Ok(None) => Err(Diag::error("E0100", "the file could not be parsed").at(ft, 0..0, "")),
        Err(e) => Err(errors::syntax(ft, *e, scanned.hint)),
    }
}

/// Parses and lowers `range` of a file: all of it, or a piece of it whose
/// pest positions start at `range.start`. `Ok(None)`: pest matched
/// without a parse tree, which it does not do.
fn lower_range(
    ft: &FileText,
    idx: usize,
    range: std::ops::Range<usize>,
) -> Result<Option<ParsedFile>, Box<pest::error::Error<Rule>>> {
    let Some(file) = StrataParser::parse(Rule::file, &ft.text[range.clone()])?.next() else {
        return Ok(None);
    };
    let comments: Vec<std::ops::Range<usize>> = file
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| p.as_rule() == Rule::COMMENT)
        .map(|p| range.start + p.as_span().start()..range.start + p.as_span().end())
        .collect();
    let mut lowerer = Lowerer::new(ft, idx, &comments, range);
    lowerer.file(file);
    let Lowerer { out, diags, .. } = lowerer;
    Ok(Some((out, comments, diags)))
}

/// The dialect the files declare; two different ones are an error.
fn dialect_of(parts: &[Lowered], texts: &[FileText]) -> (Option<DialectKind>, Vec<Diag>) {
    let mut first: Option<(DialectKind, usize, std::ops::Range<usize>)> = None;
    let mut diags = Vec::new();
    for p in parts {
        let file = p.file;
        for (k, span) in &p.dialects {
            match &first {
                None => first = Some((*k, file, span.clone())),
                Some((k0, f0, s0)) if k0 != k => {
                    let ft = &texts[file];
                    let mut d = Diag::error(
                        "E0302",
                        format!("the schema declares two dialects, `{k0}` and `{k}`"),
                    )
                    .at(ft, span.clone(), "this one")
                    .help("a schema targets one dialect: keep one `dialect` line");
                    if *f0 == file {
                        d = d.label(s0.clone(), "first declared here");
                    } else {
                        d = d.related(
                            Diag::error("E0302", "first declared here")
                                .at(&texts[*f0], s0.clone(), "here")
                                .advice(),
                        );
                    }
                    diags.push(d);
                }
                Some(_) => {}
            }
        }
    }
    (first.map(|f| f.0), diags)
}

/// Where an object is, falling back to its table for its parts.
fn locate<'m>(at: &ObjectRef, map: &'m SourceMap) -> Option<&'m Loc> {
    if let Some(l) = map.get(at) {
        return Some(l);
    }
    let table = match at {
        ObjectRef::Column { table, .. }
        | ObjectRef::PrimaryKey { table }
        | ObjectRef::Unique { table, .. }
        | ObjectRef::Check { table, .. }
        | ObjectRef::ForeignKey { table, .. }
        | ObjectRef::Index { table, .. } => table,
        _ => return None,
    };
    map.get(&ObjectRef::Table {
        name: table.clone(),
    })
    .or_else(|| {
        map.get(&ObjectRef::View {
            name: table.clone(),
        })
    })
}

fn problem_diag(p: &crate::ir::validate::Problem, map: &SourceMap, texts: &[FileText]) -> Diag {
    let mut d = Diag::error(p.code, p.message.clone());
    if let Some(loc) = locate(&p.at, map) {
        d = d.at(&texts[loc.file], loc.span.clone(), p.label.clone());
    }
    if let Some(h) = &p.help {
        d = d.help(h.clone());
    }
    if let Some((other, label)) = &p.related {
        if let Some(loc) = locate(other, map) {
            let same_file = d
                .file
                .as_ref()
                .is_some_and(|f| f.name == texts[loc.file].name);
            if same_file {
                d = d.label(loc.span.clone(), label.clone());
            } else {
                d = d.related(
                    Diag::error(p.code, label.clone())
                        .at(&texts[loc.file], loc.span.clone(), label.clone())
                        .advice(),
                );
            }
        }
    }
    d
}

#[cfg(test)]
mod tests;
