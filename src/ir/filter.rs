//! Exclude patterns: the objects strata leaves alone.
//!
//! The same filter runs over the database's schema and the desired one
//! before they are diffed, so an excluded object is never altered, dropped
//! or printed. A pattern is a glob on a qualified name (`audit.*`,
//! `*.tmp_*`, `legacy_*`), optionally narrowed to one kind (`table:…`,
//! `view:…`, `function:…`, `sequence:…`, `type:…`, `namespace:…`). The
//! history tables of the common migration tools ([`DEFAULT_EXCLUDES`]) are
//! excluded unless the caller asks otherwise.
//!
//! Objects that lean on an excluded table (a view whose body names it, a
//! foreign key to it, its triggers, policies and grants) are left alone
//! too: dropping them would break or lose what the exclusion protects. The
//! views and foreign keys among them are reported.
//!
//! The views removed are kept aside with their bodies
//! ([`Schema::left_alone`]): a plan that would drop what one of them reads
//! is refused rather than left to the server's refusal or `CASCADE`.

use super::{GrantOn, Name, Schema};

/// Tables of other migration tools, with the tool each belongs to. Only
/// names no application plausibly uses for its own data are here (not
/// TypeORM's or Laravel's plain `migrations`).
pub const DEFAULT_EXCLUDES: &[(&str, &str)] = &[
    ("_sqlx_migrations", "sqlx"),
    ("flyway_schema_history", "Flyway"),
    ("_prisma_migrations", "Prisma"),
    ("alembic_version", "Alembic"),
    ("django_migrations", "Django"),
    (
        "schema_migrations",
        "Rails, golang-migrate, dbmate, Ecto, sql-migrate",
    ),
    ("ar_internal_metadata", "Rails"),
    ("databasechangelog", "Liquibase"),
    ("databasechangeloglock", "Liquibase"),
    ("goose_db_version", "goose"),
    ("knex_migrations", "Knex"),
    ("knex_migrations_lock", "Knex"),
    ("__diesel_schema_migrations", "Diesel"),
    ("__efmigrationshistory", "Entity Framework Core"),
    ("seaql_migrations", "SeaORM"),
    ("refinery_schema_history", "refinery"),
    ("sequelizemeta", "Sequelize"),
    ("atlas_schema_revisions", "Atlas"),
];

/// The kinds a pattern can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Table,
    View,
    Function,
    Sequence,
    /// Enums, domains, composite and range types; collations and
    /// text-search configurations (PostgreSQL) go with them.
    Type,
    /// A namespace (PostgreSQL schema) and everything in it.
    Namespace,
    /// A MySQL event.
    Event,
}

impl Kind {
    pub const NAMES: [&'static str; 7] = [
        "table",
        "view",
        "function",
        "sequence",
        "type",
        "namespace",
        "event",
    ];

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "table" => Kind::Table,
            "view" => Kind::View,
            "function" => Kind::Function,
            "sequence" => Kind::Sequence,
            "type" => Kind::Type,
            "namespace" | "schema" => Kind::Namespace,
            "event" => Kind::Event,
            _ => return None,
        })
    }
}

/// One exclude pattern, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub text: String,
    kind: Option<Kind>,
    /// The namespace glob; `None` when the pattern names no namespace and
    /// so matches the name in every namespace.
    namespace: Option<String>,
    name: String,
}

/// Why a pattern is not one, and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    pub help: String,
}

impl Pattern {
    /// Reads `[kind:][namespace.]name`, each part a glob of `*` and `?`.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let fail = |message: String, help: &str| PatternError {
            message,
            help: help.to_string(),
        };
        let shape =
            "write `[kind:][namespace.]name`, e.g. `audit.*`, `*.tmp_*` or `table:legacy_*`";
        let (kind, rest) = match text.split_once(':') {
            Some((k, rest)) => match Kind::parse(k.trim()) {
                Some(kind) => (Some(kind), rest),
                None => {
                    let help = format!("the kinds are {}", Kind::NAMES.join(", "));
                    return Err(fail(
                        format!("unknown object kind `{k}` in `{text}`"),
                        &help,
                    ));
                }
            },
            None => (None, text),
        };
        let rest = rest.trim();
        let parts: Vec<&str> = rest.split('.').collect();
        let bad_char = rest
            .chars()
            .find(|c| c.is_whitespace() || matches!(c, '"' | '`' | '[' | ']' | ':'));
        if let Some(c) = bad_char {
            let message = format!("`{text}` has `{c}`, which no pattern uses");
            return Err(fail(message, shape));
        }
        if parts.len() > 2 || parts.iter().any(|p| p.is_empty()) {
            return Err(fail(format!("`{text}` is not an exclude pattern"), shape));
        }
        let (namespace, name) = match (kind, parts.as_slice()) {
            (Some(Kind::Namespace), [ns]) => (Some(ns.to_string()), "*".to_string()),
            (Some(Kind::Namespace), _) => {
                let help = "write `namespace:audit` (the namespace alone)";
                return Err(fail(format!("`{text}` names more than a namespace"), help));
            }
            (_, [name]) => (None, name.to_string()),
            (_, [ns, name]) => (Some(ns.to_string()), name.to_string()),
            _ => return Err(fail(format!("`{text}` is not an exclude pattern"), shape)),
        };
        Ok(Pattern {
            text: text.to_string(),
            kind,
            namespace,
            name,
        })
    }

    fn matches(&self, kind: Kind, name: &Name) -> bool {
        let kind_ok = match self.kind {
            None | Some(Kind::Namespace) => true,
            Some(k) => k == kind,
        };
        let namespace_ok = match (&self.namespace, &name.schema) {
            (None, _) => self.kind != Some(Kind::Namespace),
            (Some(glob), Some(ns)) => glob_match(glob, ns),
            // The default namespace: `public` on PostgreSQL, the database
            // itself elsewhere, which `*` also matches.
            (Some(glob), None) => glob_match(glob, "public"),
        };
        kind_ok && namespace_ok && glob_match(&self.name, &name.name)
    }

    /// Whether the pattern covers a whole namespace (`audit.*`,
    /// `namespace:audit`).
    fn covers_namespace(&self, ns: &str) -> bool {
        matches!(self.kind, None | Some(Kind::Namespace))
            && self.name == "*"
            && self.namespace.as_deref().is_some_and(|g| glob_match(g, ns))
    }
}

/// `*` any run of characters, `?` one character; ASCII case is ignored
/// (MySQL on some systems and Liquibase on others fold table names).
fn glob_match(glob: &str, text: &str) -> bool {
    // Walked by byte offset, one character at a time, with no copy of
    // either string: it runs for every object against every pattern.
    let at = |s: &str, i: usize| s[i..].chars().next();
    let (mut gi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(tc) = at(text, ti) {
        let gc = at(glob, gi);
        if let Some(g) = gc.filter(|g| *g == '?' || g.eq_ignore_ascii_case(&tc)) {
            gi += g.len_utf8();
            ti += tc.len_utf8();
        } else if gc == Some('*') {
            star = Some((gi, ti));
            gi += 1;
        } else if let Some((sg, st)) = star {
            let next = st + at(text, st).map_or(1, char::len_utf8);
            gi = sg + 1;
            ti = next;
            star = Some((sg, next));
        } else {
            return false;
        }
    }
    glob[gi..].chars().all(|c| c == '*')
}

/// The patterns in force for one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclude {
    patterns: Vec<Pattern>,
}

impl Exclude {
    /// `patterns`, and the migration tools' tables unless `defaults` is off.
    pub fn new(mut patterns: Vec<Pattern>, defaults: bool) -> Exclude {
        if defaults {
            for (table, _) in DEFAULT_EXCLUDES {
                if let Ok(p) = Pattern::parse(&format!("table:{table}")) {
                    patterns.push(p);
                }
            }
        }
        Exclude { patterns }
    }

    fn excludes(&self, kind: Kind, name: &Name) -> bool {
        let in_namespace = name
            .schema
            .as_deref()
            .is_some_and(|ns| self.patterns.iter().any(|p| p.covers_namespace(ns)));
        in_namespace || self.patterns.iter().any(|p| p.matches(kind, name))
    }

    /// Removes the excluded objects and those that lean on an excluded
    /// table from `schema`; returns a line for each view and foreign key
    /// left alone only because of what it leans on.
    pub fn apply(&self, schema: &mut Schema) -> Vec<String> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let mut notes = Vec::new();
        schema
            .namespaces
            .retain(|ns, _| !self.patterns.iter().any(|p| p.covers_namespace(ns)));
        let gone: Vec<Name> = schema
            .tables
            .keys()
            .filter(|n| self.excludes(Kind::Table, n))
            .cloned()
            .collect();
        schema.tables.retain(|n, _| !gone.contains(n));
        // Statistics go with their table.
        schema.statistics.retain(|_, x| !gone.contains(&x.table));
        schema.enums.retain(|n, _| !self.excludes(Kind::Type, n));
        schema.domains.retain(|n, _| !self.excludes(Kind::Type, n));
        schema.events.retain(|n, _| !self.excludes(Kind::Event, n));
        schema
            .composites
            .retain(|n, _| !self.excludes(Kind::Type, n));
        schema.ranges.retain(|n, _| !self.excludes(Kind::Type, n));
        schema
            .collations
            .retain(|n, _| !self.excludes(Kind::Type, n));
        schema
            .text_search_configs
            .retain(|n, _| !self.excludes(Kind::Type, n));
        schema
            .sequences
            .retain(|n, _| !self.excludes(Kind::Sequence, n));
        schema
            .functions
            .retain(|(n, _), _| !self.excludes(Kind::Function, n));
        let mut gone_views = Vec::new();
        for (n, v) in &schema.views {
            if self.excludes(Kind::View, n) {
                gone_views.push(n.clone());
            } else if let Some(t) = gone.iter().find(|t| mentions(&v.body, &t.name)) {
                notes.push(format!(
                    "view `{}` reads excluded table `{}`: left alone",
                    n, t
                ));
                gone_views.push(n.clone());
            }
        }
        for n in &gone_views {
            if let Some(v) = schema.views.remove(n) {
                schema.left_alone.insert(v.name, v.body);
            }
        }
        for t in schema.tables.values_mut() {
            t.foreign_keys.retain(|fk| {
                let kept = gone.contains(&fk.ref_table);
                if kept {
                    notes.push(format!(
                        "foreign key of `{}` to excluded table `{}`: left alone",
                        t.name, fk.ref_table
                    ));
                }
                !kept
            });
        }
        let on_gone = |n: &Name| gone.contains(n) || gone_views.contains(n);
        schema.triggers.retain(|(t, _), _| !on_gone(t));
        schema.policies.retain(|(t, _), _| !on_gone(t));
        let kept = |on: &GrantOn| match on {
            GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Sequence(n) | GrantOn::Column(n, _) => {
                !on_gone(n) && !self.excludes(Kind::Sequence, n)
            }
            GrantOn::Type(n) => !self.excludes(Kind::Type, n),
            GrantOn::Function(n, _) => !self.excludes(Kind::Function, n),
            GrantOn::Schema(ns) | GrantOn::Future { schema: ns, .. } => {
                !self.patterns.iter().any(|p| p.covers_namespace(ns))
            }
        };
        schema.grants.retain(|(on, _, _), _| kept(on));
        schema.revocations.retain(|r| kept(&r.on));
        notes
    }
}

/// Whether `body` names `table` as a whole word, quoted or not, in any case.
fn mentions(body: &str, table: &str) -> bool {
    let body = body.to_ascii_lowercase();
    let table = table.to_ascii_lowercase();
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    body.match_indices(&table).any(|(i, _)| {
        let before = body[..i].chars().next_back();
        let after = body[i + table.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, ForeignKey, Table, View};

    fn p(text: &str) -> Pattern {
        Pattern::parse(text).expect(text)
    }

    #[test]
    fn globs_match_qualified_names() {
        assert!(glob_match("legacy_*", "legacy_orders"));
        assert!(glob_match("*.tmp_*", "*.tmp_x"));
        assert!(glob_match("t?p", "TOP"));
        assert!(!glob_match("legacy_*", "orders_legacy_x"));
        assert!(glob_match("*", ""));
        assert!(p("audit.*").matches(Kind::View, &Name::qualified("audit", "v")));
        assert!(!p("audit.*").matches(Kind::View, &Name::new("v")));
        assert!(p("public.legacy_*").matches(Kind::Table, &Name::new("legacy_a")));
        assert!(p("*.tmp_*").matches(Kind::Table, &Name::qualified("x", "tmp_1")));
        assert!(p("tmp_*").matches(Kind::Table, &Name::qualified("x", "tmp_1")));
        assert!(!p("view:tmp_*").matches(Kind::Table, &Name::new("tmp_1")));
        assert!(p("event:purge_*").matches(Kind::Event, &Name::new("purge_old")));
        assert!(!p("event:purge_*").matches(Kind::Table, &Name::new("purge_old")));
    }

    #[test]
    fn a_question_mark_is_one_character_and_case_folds_only_in_ascii() {
        assert!(glob_match("caf?", "café"));
        assert!(glob_match("*é", "CAFé"));
        assert!(!glob_match("*é", "CAFÉ"));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b?c", "abc"));
        assert!(glob_match("ü*?", "üx"));
        assert!(!glob_match("?", ""));
    }

    #[test]
    fn bad_patterns_say_how_to_write_one() {
        for bad in ["tabel:x", "a.b.c", "a..b", "", "has space", "namespace:a.b"] {
            let e = Pattern::parse(bad).expect_err(bad);
            assert!(!e.help.is_empty(), "{bad}");
        }
        let e = Pattern::parse("tabel:x").expect_err("kind");
        assert!(e.help.contains("table"), "{e:?}");
    }

    fn fk_to(table: &str) -> ForeignKey {
        ForeignKey {
            comment: None,
            name: None,
            columns: vec!["id".into()],
            ref_table: Name::new(table),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        }
    }

    fn schema() -> Schema {
        let mut s = Schema::default();
        for n in ["flyway_schema_history", "orders", "legacy_x"] {
            let mut t = Table::new(Name::new(n));
            t.columns.push(Column::new("id", "integer"));
            s.tables.insert(t.name.clone(), t);
        }
        if let Some(t) = s.tables.get_mut(&Name::new("orders")) {
            t.foreign_keys.push(fk_to("legacy_x"));
        }
        let view = View {
            name: Name::new("recent"),
            body: "select id from \"legacy_x\"".into(),
            materialized: false,
            columns: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            renamed_from: None,
            column_comments: Default::default(),
            unmodeled: Vec::new(),
            written: None,
            options: Default::default(),
        };
        s.views.insert(view.name.clone(), view);
        s
    }

    #[test]
    fn defaults_and_dependents_are_left_alone() {
        let mut s = schema();
        assert!(Exclude::new(Vec::new(), false).apply(&mut s).is_empty());
        assert_eq!(s, schema());
        let notes = Exclude::new(vec![p("table:legacy_*")], true).apply(&mut s);
        let names: Vec<&str> = s.tables.keys().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["orders"]);
        assert!(s.views.is_empty());
        assert!(s.tables[&Name::new("orders")].foreign_keys.is_empty());
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("view `recent`"), "{notes:?}");
        assert!(notes[1].contains("foreign key of `orders`"), "{notes:?}");
    }
}
