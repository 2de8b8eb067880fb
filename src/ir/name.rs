use serde::{Deserialize, Serialize};

/// A possibly schema-qualified object name. `schema: None` is the default
/// namespace (`public` on PostgreSQL, the connected database on MySQL,
/// `main` on SQLite); dialect normalization maps the explicit spelling of
/// the default to `None` so that both compare equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Name {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
}

impl Name {
    pub fn new(name: impl Into<String>) -> Name {
        Name {
            schema: None,
            name: name.into(),
        }
    }

    pub fn qualified(schema: impl Into<String>, name: impl Into<String>) -> Name {
        Name {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// The name as the planner compares it: lowercased.
    pub fn lowercased(&self) -> Name {
        Name {
            schema: self.schema.as_ref().map(|s| s.to_lowercase()),
            name: self.name.to_lowercase(),
        }
    }
}

impl std::fmt::Display for Name {
    /// Unquoted, for messages only; SQL goes through a dialect's quoting.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}
