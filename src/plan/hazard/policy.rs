//! The hazard policy: the level of each hazard rule (`strata.toml`
//! `[hazards]` and `[env.NAME.hazards]`, docs/hazards.md), over the
//! rule's default. `off` takes a rule's hazards out of a plan; `error`
//! makes the commands that would run the plan refuse it.

use std::collections::BTreeMap;

use crate::config::Level;
use crate::plan::{Hazard, HazardKind, Plan};

/// Levels by rule id; a rule not named keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    levels: BTreeMap<String, Level>,
}

impl Policy {
    pub fn new(levels: BTreeMap<String, Level>) -> Policy {
        Policy { levels }
    }

    pub fn level(&self, kind: HazardKind) -> Level {
        self.levels
            .get(kind.id())
            .copied()
            .unwrap_or(kind.default_level())
    }

    pub fn shows(&self, h: &Hazard) -> bool {
        self.level(h.kind) != Level::Off
    }

    /// The plan without the hazards of rules turned off.
    pub fn filter(&self, plan: &mut Plan) {
        for step in &mut plan.steps {
            step.hazards.retain(|h| self.shows(h));
        }
    }

    /// The hazards at `error` level the schema does not acknowledge, but
    /// data loss, which
    /// `--allow-destructive` governs (see [`Policy::refuses_data_loss`]).
    pub fn errors<'a>(&self, plan: &'a Plan) -> Vec<&'a Hazard> {
        self.errors_in(plan.steps.iter().flat_map(|s| &s.hazards))
    }

    /// [`Policy::errors`] of any hazards (a saved plan's).
    pub fn errors_in<'a>(&self, hazards: impl IntoIterator<Item = &'a Hazard>) -> Vec<&'a Hazard> {
        hazards
            .into_iter()
            .filter(|h| h.kind != HazardKind::DataLoss && self.level(h.kind) == Level::Error)
            .filter(|h| h.acknowledged.is_none())
            .collect()
    }

    /// Whether a plan that loses data is refused without
    /// `--allow-destructive`: unless the policy lowered `data-loss`.
    pub fn refuses_data_loss(&self) -> bool {
        self.level(HazardKind::DataLoss) == Level::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_fall_back_to_each_rules_default() {
        let p = Policy::new(BTreeMap::from([
            ("index-build".to_string(), Level::Error),
            ("data-loss".to_string(), Level::Warn),
        ]));
        assert_eq!(p.level(HazardKind::IndexBuild), Level::Error);
        assert_eq!(p.level(HazardKind::MayFail), Level::Warn);
        assert!(!p.refuses_data_loss());
        assert!(Policy::default().refuses_data_loss());
    }

    #[test]
    fn every_kind_has_its_id_in_order() {
        let ids: Vec<&str> = HazardKind::ALL.iter().map(|k| k.id()).collect();
        assert_eq!(ids, HazardKind::IDS);
        for k in HazardKind::ALL {
            assert_eq!(k.id(), k.as_str().replace('_', "-"));
        }
    }
}
