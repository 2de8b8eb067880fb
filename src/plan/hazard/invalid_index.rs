//! An index the database holds as INVALID (a failed concurrent build
//! leaves one) is dropped and built again; the new build fails for the
//! same reason while that reason (duplicate rows under a unique index) is
//! still there.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    let TableChange::DropIndex(ix) = change else {
        return None;
    };
    ix.invalid.then(|| Hazard {
        kind: HazardKind::MayFail,
        message: format!(
            "index `{}` on `{table}` is INVALID (left by a failed concurrent build): it is \
             dropped and built again, which fails again while what failed the first build \
             (duplicate rows under a unique index) is still there",
            ix.name.as_deref().unwrap_or_default()
        ),
        acknowledged: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Index, IndexKey, IndexPart};

    #[test]
    fn only_an_invalid_index_that_is_dropped() {
        let mut ix = Index {
            name: Some("t_a".into()),
            parts: vec![IndexPart {
                key: IndexKey::Column("a".into()),
                desc: false,
                nulls_first: None,
                collation: None,
                opclass: None,
                length: None,
            }],
            unique: true,
            method: None,
            include: vec![],
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
            renamed_from: None,
            options: Default::default(),
            invalid: false,
            attached_to: None,
        };
        let t = Name::new("t");
        assert_eq!(check(&t, &TableChange::DropIndex(ix.clone())), None);
        ix.invalid = true;
        assert_eq!(check(&t, &TableChange::AddIndex(ix.clone())), None);
        let h = check(&t, &TableChange::DropIndex(ix));
        assert!(h.is_some_and(|h| h.kind == HazardKind::MayFail && h.message.contains("`t_a`")));
    }
}
