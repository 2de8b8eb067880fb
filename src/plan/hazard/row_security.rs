//! Row-level security switched on for a table that has no policy once the
//! plan ran: every role but the owner (and superusers, and roles with
//! BYPASSRLS) then sees no rows and can write none. Sometimes meant, often
//! not: said out loud.

use crate::diff::Change;
use crate::ir::{RowSecurity, Schema};
use crate::plan::{refs::key, Hazard, HazardKind, Plan};

/// `target` is the schema the plan leads to.
pub fn check(plan: &mut Plan, target: &Schema) {
    for step in &mut plan.steps {
        let (table, from, to) = match &step.change {
            Change::SetRowSecurity { table, from, to } => (table, *from, *to),
            Change::CreateTable(t) => (&t.name, RowSecurity::default(), t.row_security),
            _ => continue,
        };
        let turned_on = (to.enabled && !from.enabled) || (to.forced && !from.forced);
        let guarded = target
            .policies
            .values()
            .any(|p| key(&p.table) == key(table));
        if turned_on && to.enabled && !guarded {
            step.hazards.push(Hazard {
                kind: HazardKind::LocksOut,
                message: format!(
                    "row-level security on `{table}` with no policy: roles other than its owner see and change no rows"
                ), acknowledged: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Name, Policy, PolicyCommand};
    use crate::plan::Step;

    fn plan_enabling() -> Plan {
        Plan {
            steps: vec![Step {
                change: Change::SetRowSecurity {
                    table: Name::new("docs"),
                    from: RowSecurity::default(),
                    to: RowSecurity {
                        enabled: true,
                        forced: false,
                    },
                },
                hazards: vec![],
            }],
        }
    }

    #[test]
    fn enabling_without_a_policy_warns() {
        let mut p = plan_enabling();
        check(&mut p, &Schema::default());
        assert_eq!(p.steps[0].hazards.len(), 1);
        assert_eq!(p.steps[0].hazards[0].kind, HazardKind::LocksOut);
    }

    #[test]
    fn enabling_with_a_policy_is_quiet() {
        let mut p = plan_enabling();
        let mut s = Schema::default();
        s.policies.insert(
            (Name::new("docs"), "own".into()),
            Policy {
                name: "own".into(),
                table: Name::new("docs"),
                restrictive: false,
                command: PolicyCommand::All,
                roles: vec![],
                using: None,
                check: None,
            },
        );
        check(&mut p, &s);
        assert!(p.steps[0].hazards.is_empty());
    }
}
