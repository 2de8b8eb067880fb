//! Where the objects of an analyzed schema were written: the files' text
//! and the source map, kept past analysis for tools that report on
//! objects of a valid schema (`lint`), since the IR holds no spans.

use std::ops::Range;

use super::diag::FileText;
use super::lower::SourceMap;
use crate::ir::ObjectRef;

/// The source map of one analysis, with the text of its files.
#[derive(Debug, Clone)]
pub struct Located {
    pub(super) texts: Vec<FileText>,
    pub(super) map: SourceMap,
}

impl Located {
    /// The file and span of an object, or of its table for a part the map
    /// does not hold.
    pub fn find(&self, at: &ObjectRef) -> Option<(&FileText, Range<usize>)> {
        let loc = super::locate(at, &self.map)?;
        let file = self.texts.get(loc.file)?;
        Some((file, loc.span.clone()))
    }
}
