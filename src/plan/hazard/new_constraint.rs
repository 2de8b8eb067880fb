//! A new key, unique index, check, foreign key or exclusion constraint on an existing table
//! fails when rows already break it.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    let what = match change {
        TableChange::AddPrimaryKey(pk) => format!("primary key ({})", pk.columns.join(", ")),
        TableChange::AddUnique(u) => match &u.name {
            Some(n) => format!("unique constraint `{n}`"),
            None => format!("unique ({})", u.columns.join(", ")),
        },
        TableChange::AddCheck(c) if !c.not_valid => match &c.name {
            Some(n) => format!("check `{n}`"),
            None => format!("check ({})", c.expr),
        },
        TableChange::AddForeignKey(f) if !f.not_valid => match &f.name {
            Some(n) => format!("foreign key `{n}`"),
            None => format!(
                "foreign key ({}) to `{}`",
                f.columns.join(", "),
                f.ref_table
            ),
        },
        TableChange::AddIndex(i) if i.unique => match &i.name {
            Some(n) => format!("unique index `{n}`"),
            None => "a unique index".to_string(),
        },
        TableChange::AddExclusion(x) => match &x.name {
            Some(n) => format!("exclusion constraint `{n}`"),
            None => "an exclusion constraint".to_string(),
        },
        _ => return None,
    };
    Some(Hazard {
        kind: HazardKind::MayFail,
        message: format!("{what} on `{table}` fails if existing rows violate it"),
        acknowledged: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Check, Expr};

    #[test]
    fn new_check_may_fail_unless_not_valid() {
        let mut c = Check {
            comment: None,
            name: Some("positive".into()),
            expr: Expr::new("total >= 0"),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        };
        let t = Name::new("orders");
        assert_eq!(
            check(&t, &TableChange::AddCheck(c.clone())).map(|h| h.message),
            Some("check `positive` on `orders` fails if existing rows violate it".into())
        );
        c.not_valid = true;
        assert!(check(&t, &TableChange::AddCheck(c)).is_none());
    }
}
