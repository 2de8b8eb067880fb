//! Lowering of a column's PostgreSQL TOAST settings (`storage external`,
//! `compression lz4`) and its estimates of distinct values
//! (`n_distinct -0.02`).

use std::ops::Range;

use super::{Lowerer, P};
use crate::ir::{Compression, Distinct, Storage};
use crate::syntax::Rule;

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

    /// `n_distinct n` or `n_distinct_inherited n`: a number from -1 up
    /// (E0289 for another).
    pub(super) fn column_distinct(&mut self, p: &P<'a>, sp: Range<usize>, into: &mut Distinct) {
        let mut inner = p.clone().into_inner();
        let inherited = inner
            .clone()
            .any(|x| x.as_rule() == Rule::k_n_distinct_inherited);
        let word = if inherited {
            Distinct::INHERITED
        } else {
            Distinct::OWN
        };
        let raw = inner
            .find(|x| x.as_rule() == Rule::number)
            .map(|x| x.as_str().to_string())
            .unwrap_or_default();
        let Some(v) = Distinct::accepted(&raw) else {
            self.err(
                "E0289",
                sp,
                format!("`{word} {raw}` is not an estimate of distinct values"),
                "not a number from -1 up",
                Some(format!(
                    "write a count of distinct values, or a fraction of the rows from -1 to 0 \
                     (`{word} -0.5`: half the rows are distinct)"
                )),
            );
            return;
        };
        let slot = if inherited {
            &mut into.inherited
        } else {
            &mut into.own
        };
        self.once(slot, v, sp, &format!("`{word}`"));
    }
}
