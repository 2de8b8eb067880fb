//! PostgreSQL's per-column estimates of distinct values, which the
//! planner takes instead of what `ANALYZE` counts: `n_distinct` for the
//! table itself, `n_distinct_inherited` for it with its children. A
//! negative value is a fraction of the rows (`-1` every row distinct).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distinct {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited: Option<String>,
}

impl Distinct {
    /// The option names the server keeps in `pg_attribute.attoptions`.
    pub const OWN: &'static str = "n_distinct";
    pub const INHERITED: &'static str = "n_distinct_inherited";

    pub fn is_unset(&self) -> bool {
        self.own.is_none() && self.inherited.is_none()
    }

    /// Each option's name and its value, if set.
    pub fn options(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            (Self::OWN, self.own.as_deref()),
            (Self::INHERITED, self.inherited.as_deref()),
        ]
    }

    /// `raw` when the server takes it (a number from -1 up). The server
    /// keeps the text it was given (`-0.020`, not `-0.02`) and so does
    /// the schema: a spelling changed in the file is set again.
    pub fn accepted(raw: &str) -> Option<String> {
        let v: f64 = raw.trim().parse().ok()?;
        (v.is_finite() && v >= -1.0).then(|| raw.trim().to_string())
    }
}
