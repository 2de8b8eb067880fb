//! A saved plan: what `strata plan -o plan.json` writes and
//! `strata apply --plan plan.json` runs. It holds the exact statements and
//! their rollback, the hazards a reviewer saw, the hash of the desired
//! schema, and the database state the plan was computed from (its
//! fingerprint, and the schema itself, so that a refusal can say which
//! objects changed since). Applying it re-plans nothing. docs/saved-plans.md
//! documents the format; a change a reader could trip on bumps [`VERSION`].

use serde::{Deserialize, Serialize};

use super::Migration;
use crate::dialect::audit::Place;
use crate::dialect::{fingerprint, Expected, Script};
use crate::ir::{DialectKind, Schema};
use crate::plan::Hazard;
use crate::preflight::Probe;

/// What the `format` field says, so that another JSON file is not taken
/// for a plan.
pub const FORMAT: &str = "strata-plan";

/// The version of the shape below.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format: String,
    pub version: u32,
    /// The strata version that made it: fingerprints are only compared
    /// between equal versions (the schema model may change between them).
    pub strata: String,
    pub dialect: DialectKind,
    /// The namespaces the plan was limited to (`--schema`).
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// The fingerprint of the desired schema, as planned.
    pub schema_hash: String,
    /// The database the plan was computed from.
    pub database: DatabaseState,
    /// One line per change, in plan order, for the reader.
    pub changes: Vec<String>,
    /// Every hazard of the forward plan, whatever the policy of the
    /// plan: the policy of the apply judges them.
    #[serde(default)]
    pub hazards: Vec<Hazard>,
    /// What the rollback cannot bring back (`rollback-loses-data`): the
    /// policy of the apply judges them with `hazards`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollback_hazards: Vec<Hazard>,
    /// The pre-flight data checks of the plan, run before it is applied
    /// (absent in a file written before plans recorded them).
    #[serde(default)]
    pub preflight: Option<Vec<Probe>>,
    /// Made with `--keep-dropped`: its drops move tables and columns
    /// aside. `apply --plan --keep-dropped` refuses a plan made without
    /// it that loses data, rather than destroy what the flag asks to keep.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_dropped: bool,
    pub up: Script,
    pub rollback: Script,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseState {
    pub fingerprint: String,
    pub schema: Schema,
}

impl SavedPlan {
    /// The plan of `m`, made from the database state `from` (without
    /// strata's history table: [`Place::strip`]) towards
    /// `desired`; `changes` are its summary lines, `preflight` its data
    /// checks.
    pub fn new(
        m: &Migration,
        from: &Schema,
        desired: &Schema,
        dialect: DialectKind,
        namespaces: &[String],
        changes: Vec<String>,
        preflight: Vec<Probe>,
    ) -> SavedPlan {
        SavedPlan {
            format: FORMAT.into(),
            version: VERSION,
            strata: env!("CARGO_PKG_VERSION").into(),
            dialect,
            namespaces: namespaces.to_vec(),
            schema_hash: fingerprint(desired),
            database: DatabaseState {
                fingerprint: fingerprint(from),
                schema: from.clone(),
            },
            changes,
            hazards: m
                .plan
                .steps
                .iter()
                .flat_map(|s| s.hazards.clone())
                .collect(),
            rollback_hazards: m.rollback_losses().cloned().collect(),
            preflight: Some(preflight),
            keep_dropped: false,
            up: m.up.clone(),
            rollback: m.down.clone(),
        }
    }

    /// Reads a saved plan, refusing anything that is not one this strata
    /// can run exactly.
    pub fn parse(text: &str) -> Result<SavedPlan, String> {
        let head: Head = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if head.format.as_deref() != Some(FORMAT) {
            return Err(format!(
                "not a strata plan (its format field is not `{FORMAT}`)"
            ));
        }
        if head.version != Some(VERSION) {
            return Err(format!(
                "a plan of format version {}, this strata reads version {VERSION}",
                head.version.map_or("(none)".into(), |v| v.to_string())
            ));
        }
        let plan: SavedPlan =
            serde_json::from_str(text).map_err(|e| format!("a damaged plan: {e}"))?;
        let here = env!("CARGO_PKG_VERSION");
        if plan.strata != here {
            return Err(format!(
                "made by strata {}, this is strata {here}: the database state it records is not comparable",
                plan.strata
            ));
        }
        Ok(plan)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The state the apply must find before it runs anything, `history`
    /// left out.
    pub fn expected(&self, history: Place) -> Expected {
        Expected {
            fingerprint: self.database.fingerprint.clone(),
            namespaces: self.namespaces.clone(),
            history,
        }
    }

    /// The hazards `apply` refuses without `--allow-destructive`.
    pub fn destructive(&self) -> Vec<&Hazard> {
        self.hazards
            .iter()
            .filter(|h| h.kind.is_destructive())
            .collect()
    }
}

/// The two fields read first, so that a file of another kind or version
/// gets a sentence, not a serde error about a missing field.
#[derive(Deserialize)]
struct Head {
    format: Option<String>,
    version: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{Phase, Statement};

    fn plan() -> SavedPlan {
        let m = Migration {
            plan: Default::default(),
            up: Script {
                phases: vec![Phase {
                    transactional: true,
                    statements: vec![Statement {
                        sql: "ALTER TABLE t ADD COLUMN \"b\" text DEFAULT 'x;\n'".into(),
                        step: Some(0),
                        hazards: Vec::new(),
                    }],
                }],
            },
            down: Script::default(),
            rollback: Default::default(),
        };
        SavedPlan::new(
            &m,
            &Schema::default(),
            &Schema::default(),
            DialectKind::Sqlite,
            &[],
            vec!["add column t.b".into()],
            Vec::new(),
        )
    }

    #[test]
    fn round_trips_byte_for_byte() {
        let p = plan();
        let back = SavedPlan::parse(&p.to_json()).expect("parses");
        assert_eq!(back, p);
        assert_eq!(back.to_json(), p.to_json());
    }

    #[test]
    fn refuses_other_files_and_versions() {
        let e = SavedPlan::parse("{\"version\": 1}").unwrap_err();
        assert!(e.contains("not a strata plan"), "{e}");
        let text = plan().to_json().replace("\"version\": 1", "\"version\": 9");
        let e = SavedPlan::parse(&text).unwrap_err();
        assert!(e.contains("version 9"), "{e}");
        let text = plan()
            .to_json()
            .replace(env!("CARGO_PKG_VERSION"), "0.0.0-other");
        let e = SavedPlan::parse(&text).unwrap_err();
        assert!(e.contains("0.0.0-other"), "{e}");
        assert!(SavedPlan::parse("not json").is_err());
    }
}
