//! A domain that becomes NOT NULL, or gains a check, is checked against
//! every value of every column that uses it: one bad row makes it fail.

use crate::diff::Change;
use crate::plan::{Hazard, HazardKind};

pub fn check(change: &Change) -> Vec<Hazard> {
    let Change::AlterDomain { from, to } = change else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if to.not_null && !from.not_null {
        out.push(Hazard {
            kind: HazardKind::MayFail,
            message: format!(
                "domain `{}` becomes NOT NULL: the change fails if a column of the domain holds NULL",
                to.name
            ), acknowledged: None,
        });
    }
    for c in to
        .checks
        .iter()
        .filter(|c| !c.not_valid && !from.checks.contains(c))
    {
        out.push(Hazard {
            kind: HazardKind::MayFail,
            message: format!(
                "domain `{}` gains check `{}`: the change fails if a column of the domain holds a value that breaks it",
                to.name,
                c.name.as_deref().unwrap_or(c.expr.as_str())
            ), acknowledged: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Check, Domain, Expr, Name};

    #[test]
    fn not_null_and_new_checks_may_fail() {
        let from = Domain::new(Name::new("email"), "text");
        let mut to = from.clone();
        to.not_null = true;
        to.checks.push(Check {
            comment: None,
            name: Some("email_check".into()),
            expr: Expr::new("value ~ '@'"),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        });
        let h = check(&Change::AlterDomain {
            from: from.clone(),
            to: to.clone(),
        });
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(h[0].message.contains("NOT NULL"));
        assert!(h[1].message.contains("email_check"));
        // Dropping them is safe.
        assert!(check(&Change::AlterDomain { from: to, to: from }).is_empty());
    }
}
