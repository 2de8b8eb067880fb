//! Removing a value from an enum fails on rows that hold it.

use crate::diff::Change;
use crate::plan::{Hazard, HazardKind};

pub fn check(change: &Change) -> Option<Hazard> {
    let Change::AlterEnum { from, to } = change else {
        return None;
    };
    let gone: Vec<&str> = from
        .values
        .iter()
        .filter(|v| !to.values.contains(v))
        .map(String::as_str)
        .collect();
    if gone.is_empty() {
        return None;
    }
    Some(Hazard {
        kind: HazardKind::MayFail,
        message: format!(
            "enum `{}` loses {}: the change fails if a row still holds {}",
            from.name,
            gone.iter()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join(", "),
            if gone.len() == 1 { "it" } else { "one of them" }
        ),
        acknowledged: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Enum, Name};

    fn e(values: &[&str]) -> Enum {
        Enum {
            name: Name::new("status"),
            values: values.iter().map(|v| v.to_string()).collect(),
            comment: None,
        }
    }

    #[test]
    fn removed_value_may_fail() {
        let h = check(&Change::AlterEnum {
            from: e(&["a", "b"]),
            to: e(&["a"]),
        });
        assert_eq!(
            h.map(|h| h.message),
            Some("enum `status` loses 'b': the change fails if a row still holds it".into())
        );
    }

    #[test]
    fn added_value_is_safe() {
        assert!(check(&Change::AlterEnum {
            from: e(&["a"]),
            to: e(&["a", "b"])
        })
        .is_none());
    }
}
