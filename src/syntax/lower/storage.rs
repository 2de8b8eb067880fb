//! Lowering of a column's PostgreSQL TOAST settings: `storage external`,
//! `compression lz4`.

use std::ops::Range;

use super::{Lowerer, P};
use crate::ir::{Compression, Storage};

impl<'a> Lowerer<'a> {
    /// `storage plain|external|extended|main` (E0277 for another word).
    pub(super) fn column_storage(&mut self, p: &P<'a>, sp: Range<usize>) -> Option<Storage> {
        let word = self.first_ident(p);
        let found = Storage::from_keyword(&word);
        if found.is_none() {
            let known: Vec<&str> = Storage::ALL.iter().map(|x| x.keyword()).collect();
            self.err(
                "E0277",
                sp,
                format!("`storage {word}` is not a column storage"),
                "unknown storage",
                Some(format!(
                    "write one of {}, or leave `storage` out for the type's own",
                    known.join(", ")
                )),
            );
        }
        found
    }

    /// `compression pglz|lz4` (E0278 for another word).
    pub(super) fn column_compression(
        &mut self,
        p: &P<'a>,
        sp: Range<usize>,
    ) -> Option<Compression> {
        let word = self.first_ident(p);
        let found = Compression::from_keyword(&word);
        if found.is_none() {
            self.err(
                "E0278",
                sp,
                format!("`compression {word}` is not a compression method"),
                "unknown compression method",
                Some(
                    "write `pglz` or `lz4`, or leave `compression` out for the server's \
                     `default_toast_compression`"
                        .into(),
                ),
            );
        }
        found
    }
}
