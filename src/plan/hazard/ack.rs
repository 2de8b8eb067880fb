//! Acknowledgements: a schema file accepts one hazard rule on one object
//! with a reason (`acknowledge table-rewrite on users because "…"`,
//! docs/hazards.md). A hazard it matches is still shown, with the reason,
//! but neither the policy's `error` level nor the data-loss refusal
//! counts it. An acknowledgement that matches nothing is worth a warning:
//! the risk it accepted is gone, or it names the object wrongly.

use miette::miette;

use super::mentions;
use crate::ir::Acknowledgement;
use crate::plan::{Hazard, HazardKind, Plan};

/// The rule an acknowledgement names, by id (`table-rewrite`) or as the
/// SQL comments print it (`table_rewrite`).
fn rule(a: &Acknowledgement) -> Option<HazardKind> {
    HazardKind::ALL
        .into_iter()
        .find(|k| k.id() == a.rule || k.as_str() == a.rule)
}

/// The error for an acknowledgement of a rule that does not exist, at the
/// line it was written.
pub fn check(acks: &[Acknowledgement]) -> miette::Result<()> {
    match acks.iter().find(|a| rule(a).is_none()) {
        None => Ok(()),
        Some(a) => Err(miette!(
            code = "strata::hazard::unknown_rule",
            help = format!("the hazard rules are: {}", HazardKind::IDS.join(", ")),
            "{}: `acknowledge {}` names no hazard rule",
            a.at.as_deref().unwrap_or("schema"),
            a.rule
        )),
    }
}

/// Whether `a` accepts hazard `h`: the same rule, and the hazard names the
/// object (a table's acknowledgement covers the hazards naming its
/// columns, `users.email`).
pub fn accepts(a: &Acknowledgement, h: &Hazard) -> bool {
    rule(a) == Some(h.kind) && mentions(&h.message, &a.object)
}

/// Marks each hazard of the plan an acknowledgement accepts with its
/// reason (the first that does); the acknowledgements that matched no
/// hazard, for the warning.
pub fn mark<'a>(plan: &mut Plan, acks: &'a [Acknowledgement]) -> Vec<&'a Acknowledgement> {
    let mut used = vec![false; acks.len()];
    for h in plan.steps.iter_mut().flat_map(|s| &mut s.hazards) {
        if let Some(i) = acks.iter().position(|a| accepts(a, h)) {
            used[i] = true;
            h.acknowledged = Some(acks[i].reason.clone());
        }
    }
    acks.iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(a, _)| a)
        .collect()
}

/// The warning for an acknowledgement that matched no hazard.
pub fn unmatched(a: &Acknowledgement) -> String {
    format!(
        "{}: `acknowledge {} on {}` matches no hazard of this plan; remove it, or name the object as the hazard does",
        a.at.as_deref().unwrap_or("schema"),
        a.rule,
        a.object
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Change;
    use crate::ir::Extension;
    use crate::plan::Step;

    fn ack(rule: &str, object: &str) -> Acknowledgement {
        Acknowledgement {
            rule: rule.into(),
            object: object.into(),
            reason: "because".into(),
            at: Some("app.strata:3".into()),
        }
    }

    fn plan(kind: HazardKind, message: &str) -> Plan {
        // The step's change does not matter: the hazard's message names
        // the object.
        let change = Change::CreateExtension(Extension {
            name: "x".into(),
            schema: None,
            version: None,
            comment: None,
        });
        Plan {
            steps: vec![Step {
                change,
                hazards: vec![Hazard {
                    kind,
                    message: message.into(),
                    acknowledged: None,
                }],
            }],
        }
    }

    #[test]
    fn an_acknowledgement_marks_its_rule_on_its_object_only() {
        let msg = "changing users.age from integer to bigint rewrites the table";
        let mut p = plan(HazardKind::TableRewrite, msg);
        let acks = [
            ack("table-rewrite", "users"),
            ack("table_rewrite", "orders"),
            ack("index-build", "users"),
        ];
        let left: Vec<&str> = mark(&mut p, &acks)
            .iter()
            .map(|a| a.object.as_str())
            .collect();
        assert_eq!(left, ["orders", "users"]);
        assert_eq!(
            p.steps[0].hazards[0].acknowledged.as_deref(),
            Some("because")
        );
        let mut other = plan(HazardKind::TableRewrite, "changing user.age rewrites");
        assert_eq!(mark(&mut other, &acks[..1]).len(), 1);
        assert_eq!(other.steps[0].hazards[0].acknowledged, None);
    }

    #[test]
    fn an_unknown_rule_is_an_error_at_its_line() {
        assert!(check(&[ack("data-loss", "t"), ack("table_rewrite", "t")]).is_ok());
        let e = check(&[ack("table-rewrites", "t")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("app.strata:3"), "{e}");
    }
}
