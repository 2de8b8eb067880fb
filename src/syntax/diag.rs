//! Diagnostics of the schema language: one type for syntax, lowering and
//! validation errors, rendered by miette with the file's text.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};

use super::indexed::IndexedSource;

/// The text of one file, shared by every diagnostic that points into it.
#[derive(Debug, Clone)]
pub struct FileText {
    pub name: Arc<str>,
    pub text: Arc<str>,
    source: IndexedSource,
}

impl FileText {
    pub fn new(name: &str, text: &str) -> FileText {
        let text: Arc<str> = Arc::from(text);
        let name: Arc<str> = Arc::from(name);
        FileText {
            source: IndexedSource::new(name.clone(), text.clone()),
            name,
            text,
        }
    }

    /// The text as miette reads it, with its line index (shared).
    pub fn source(&self) -> IndexedSource {
        self.source.clone()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A label: where, and what to say under it.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Range<usize>,
    pub text: String,
}

/// One diagnostic: a stable code, a message, labelled spans in one file,
/// a help line, and related diagnostics (e.g. "first defined here" in
/// another file).
#[derive(Debug, Clone)]
pub struct Diag {
    pub code: String,
    pub message: String,
    pub file: Option<FileText>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub severity: Severity,
    pub related: Vec<Diag>,
}

impl Diag {
    pub fn error(code: &str, message: impl Into<String>) -> Diag {
        Diag {
            code: code.to_string(),
            message: message.into(),
            file: None,
            labels: Vec::new(),
            help: None,
            severity: Severity::Error,
            related: Vec::new(),
        }
    }

    pub fn at(mut self, file: &FileText, span: Range<usize>, label: impl Into<String>) -> Diag {
        let span = clamp(&file.text, span);
        self.file = Some(file.clone());
        self.labels.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn label(mut self, span: Range<usize>, label: impl Into<String>) -> Diag {
        if let Some(f) = &self.file {
            let span = clamp(&f.text, span);
            self.labels.push(Label {
                span,
                text: label.into(),
            });
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, other: Diag) -> Diag {
        self.related.push(other);
        self
    }

    pub fn advice(mut self) -> Diag {
        self.severity = Severity::Advice;
        self
    }

    /// `file:line:column` of the first label, for tests and plain logs.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let f = self.file.as_ref()?;
        let l = self.labels.first()?;
        let (line, col) = f.line_col(l.span.start);
        Some((f.name.to_string(), line, col))
    }
}

fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

/// miette pads the line under a snippet out to a label's column, and a
/// column past 65,535 makes it panic; a line that long cannot be read in
/// a terminal anyway. Past this column the snippet is left out and the
/// message says where.
const MAX_SHOWN_COLUMN: usize = 4096;

impl Diag {
    fn too_wide_to_show(&self) -> bool {
        let Some(f) = &self.file else {
            return false;
        };
        self.labels
            .iter()
            .any(|l| beyond_column(&f.text, l.span.end, MAX_SHOWN_COLUMN))
    }
}

/// Whether `offset` lies past column `max` of its line. It looks back at
/// most `max` characters, not to the start of the file: this runs for
/// every diagnostic shown.
fn beyond_column(text: &str, offset: usize, max: usize) -> bool {
    let end = floor_char_boundary(text, offset.min(text.len()));
    // A character is at most 4 bytes: `max` characters fit in this window.
    let start = floor_char_boundary(text, end.saturating_sub(max * 4));
    let window = &text[start..end];
    match window.rfind('\n') {
        Some(i) => window[i + 1..].chars().count() >= max,
        None if start == 0 => window.chars().count() >= max,
        None => true,
    }
}

/// The most characters of one `quoted` piece of input a message repeats:
/// a 3 MB word, repeated whole, buried the rest of the diagnostic.
const MAX_QUOTED_CHARS: usize = 120;

/// The message with every over-long `quoted` piece cut in the middle.
fn shorten_quoted(message: &str) -> std::borrow::Cow<'_, str> {
    if message.len() <= MAX_QUOTED_CHARS {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(MAX_QUOTED_CHARS * 4);
    for (i, piece) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let n = piece.chars().count();
        if i % 2 == 1 && n > MAX_QUOTED_CHARS {
            let keep = MAX_QUOTED_CHARS / 2;
            out.extend(piece.chars().take(keep));
            out.push_str(&format!("…({} characters)…", n - 2 * keep));
            out.extend(piece.chars().skip(n - keep));
        } else {
            out.push_str(piece);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shorten_quoted(&self.message))?;
        if self.too_wide_to_show() {
            if let Some((file, line, col)) = self.location() {
                write!(f, " (at {file}:{line}:{col}; the line is too long to show)")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.too_wide_to_show() {
            return None;
        }
        self.file.as_ref().map(|f| &f.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.too_wide_to_show() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(|(i, l)| {
            let text = (!l.text.is_empty()).then(|| l.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, l.span.clone())
            } else {
                LabeledSpan::new_with_span(text, l.span.clone())
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

/// Every diagnostic of a run, reported together.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diag>,
}

impl Diagnostics {
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The diagnostics as the user sees them, without colour.
    pub fn render_plain(&self) -> String {
        render_plain(self)
    }

    pub fn into_report(self) -> miette::Report {
        if self.items.len() == 1 {
            if let Some(d) = self.items.into_iter().next() {
                return miette::Report::new(d);
            }
            return miette::Report::new(Diagnostics { items: Vec::new() });
        }
        miette::Report::new(self)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors();
        write!(
            f,
            "{n} error{} in the schema",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("strata::schema"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.items.iter().map(|d| d as &dyn Diagnostic)))
    }
}

/// Renders any diagnostic the way a terminal without colour shows it.
pub fn render_plain(diag: &dyn Diagnostic) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = diag.to_string();
    }
    out
}

/// The closest of `candidates` to `word`, when close enough to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_column_agrees_with_line_col() {
        let text = format!(
            "ab\n{}\n{}é{}",
            "x".repeat(10),
            "y".repeat(5000),
            "z".repeat(3)
        );
        for offset in [0, 2, 3, 8, 13, 14, 20, 4000, 5014, 5016, text.len()] {
            let col = line_col(&text, offset).1;
            for max in [1, 5, 10, 4096] {
                assert_eq!(
                    beyond_column(&text, offset, max),
                    col > max,
                    "offset {offset}, column {col}, max {max}"
                );
            }
        }
    }
}
