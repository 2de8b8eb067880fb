//! `--format text`: each finding as a miette diagnostic — the rule id as
//! its code, the schema line under it when the schema came from files,
//! the hint and the rule's page as help.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity};

use super::{Links, Origin};
use crate::lint::{Finding, Level, Outcome};
use crate::syntax::IndexedSource;

/// The findings in file order (or object order for a database), each
/// followed by a blank line.
pub fn render(outcome: &Outcome, origin: &Origin, links: &Links, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let shown: Vec<Shown> = super::placed(outcome, origin)
        .into_iter()
        .map(|(f, place)| Shown::new(f, &place, links))
        .collect();
    let mut out = String::new();
    for d in &shown {
        if handler.render_report(&mut out, d).is_err() {
            out.push_str(&d.message);
        }
        out.push('\n');
    }
    out
}

/// `2 warnings, 1 error` (or `no findings`), and what did not run.
pub fn summary(outcome: &Outcome) -> String {
    let (e, w) = (outcome.count(Level::Error), outcome.count(Level::Warn));
    let mut s = if e + w == 0 {
        "no findings".to_string()
    } else {
        let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        format!("{}, {}", plural(e, "error"), plural(w, "warning"))
    };
    s.push_str(&format!(" ({} rules ran)", outcome.ran.len()));
    if !outcome.skipped.is_empty() {
        let ids: Vec<&str> = outcome.skipped.iter().map(|r| r.id).collect();
        s.push_str(&format!(
            "\nnote: the schema names no dialect, so these rules did not run: {} (declare `dialect …` or pass --dialect)",
            ids.join(", ")
        ));
    }
    s
}

/// The last column a snippet is shown to.
const MAX_SHOWN_COLUMN: usize = 4096;

/// One finding as miette sees it.
#[derive(Debug)]
struct Shown {
    code: String,
    severity: Severity,
    message: String,
    help: String,
    source: Option<IndexedSource>,
    label: Option<(std::ops::Range<usize>, String)>,
}

impl Shown {
    fn new(f: &Finding, place: &Option<super::Place>, links: &Links) -> Shown {
        let severity = match f.level {
            Level::Error => Severity::Error,
            _ => Severity::Warning,
        };
        let mut message = f.message.clone();
        let (source, label) = match place {
            // miette pads out to a label's column; past this a line cannot
            // be read in a terminal anyway (and miette would panic past
            // 65,535), so the place is named instead.
            Some(p) if p.end_column > MAX_SHOWN_COLUMN => {
                message.push_str(&format!(" (at {}:{}:{})", p.file.name, p.line, p.column));
                (None, None)
            }
            Some(p) => (
                Some(p.file.source()),
                Some((
                    p.span.clone(),
                    format!("this {}", f.object.kind.replace('_', " ")),
                )),
            ),
            None => (None, None),
        };
        Shown {
            code: f.rule.id.to_string(),
            severity,
            message,
            help: format!("{}\nsee {}", f.hint, links.docs(f.rule)),
            source,
            label,
        }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, text) = self.label.as_ref()?;
        let l = LabeledSpan::new_primary_with_span(Some(text.clone()), span.clone());
        Some(Box::new(std::iter::once(l)))
    }
}
