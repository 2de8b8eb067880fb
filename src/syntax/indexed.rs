//! A file's text with the offsets where its lines start, for miette.
//!
//! miette reads a snippet of a `str` by scanning it from the first byte to
//! the span, counting lines: a file with a diagnostic in each of its
//! 10,000 tables was scanned 10,000 times (`strata check` took minutes).
//! Here the line-start index, built once per file, finds the few lines
//! around a span, and only those go through miette's own reader; the line
//! it reports is shifted by the lines skipped. Rendering is then linear in
//! the number of diagnostics (benches/diagnostics.rs).

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

#[derive(Debug, Clone)]
pub struct IndexedSource {
    name: Arc<str>,
    text: Arc<str>,
    /// Byte offset of the start of every line; the first is 0.
    line_starts: Arc<[usize]>,
}

impl IndexedSource {
    pub fn new(name: Arc<str>, text: Arc<str>) -> IndexedSource {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        IndexedSource {
            name,
            text,
            line_starts,
        }
    }

    /// The 0-based line that holds byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let end = span.offset() + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // A line more on each side than asked: miette's reader then ends
        // exactly where it would on the whole text.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let last = self.line_of(end) + context_lines_after + 2;
        let (from, to) = (self.line_start(first), self.line_start(last));
        let window = &self.text.as_bytes()[from..to];
        let local = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let at = inner.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::new((at.offset() + from).into(), at.len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every span of a text with context reads as miette reads the whole
    /// text.
    #[test]
    fn reads_what_miette_reads_from_the_whole_text() {
        let text = "dialect x\n\ntable a {\n  id int\n}\n\ntable b {\n  v  t\n}\n";
        let indexed = IndexedSource::new(Arc::from("f"), Arc::from(text));
        let named = miette::NamedSource::new("f", text.to_string());
        for start in 0..text.len() {
            for len in [0, 1, 5] {
                let len = len.min(text.len() - start);
                for ctx in [0, 1, 2] {
                    let span = SourceSpan::new(start.into(), len);
                    let a = indexed.read_span(&span, ctx, ctx).expect("indexed");
                    let b = named.read_span(&span, ctx, ctx).expect("miette");
                    let what = format!("span {start}+{len}, context {ctx}");
                    assert_eq!(a.data(), b.data(), "{what}");
                    assert_eq!(a.span(), b.span(), "{what}");
                    assert_eq!((a.line(), a.column()), (b.line(), b.column()), "{what}");
                    assert_eq!(a.name(), b.name(), "{what}");
                }
            }
        }
    }
}
