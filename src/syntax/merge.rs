//! Folding the files' IRs into one schema: a name defined in two files is
//! an error pointing at both.

use std::collections::BTreeMap;

use super::diag::{Diag, FileText};
use super::lower::{Loc, Lowered, SourceMap};
use super::print;
use crate::ir::{ObjectRef, Schema};

/// Folds the files' IRs into one schema, with the source map of every
/// object that made it in and a diagnostic for every clash.
pub(super) fn merge(parts: Vec<Lowered>, texts: &[FileText]) -> (Schema, SourceMap, Vec<Diag>) {
    let mut diags = Vec::new();
    let mut parts = parts.into_iter();
    // The first file (often the only one) clashes with nothing yet: it is
    // taken whole rather than re-inserted object by object.
    let (mut schema, mut map) = match parts.next() {
        Some(first) => (first.schema, first.map),
        None => (Schema::default(), SourceMap::new()),
    };
    for part in parts {
        let Lowered {
            schema: s, map: m, ..
        } = part;
        let mut c = Clashes {
            earlier: &map,
            this: &m,
            texts,
            diags: &mut diags,
        };
        // Several files may each say they need the same extension.
        insert_unless(&mut schema.extensions, s.extensions, |k, v, had| {
            had == Some(v) || c.dup(&ObjectRef::Extension { name: k.clone() }, k.clone())
        });
        for (k, v) in s.namespaces {
            match schema.namespaces.get_mut(&k) {
                Some(existing) => {
                    if existing.comment.is_none() {
                        existing.comment = v.comment;
                    }
                }
                None => {
                    schema.namespaces.insert(k, v);
                }
            }
        }
        insert_unless(&mut schema.enums, s.enums, |k, _, _| {
            c.dup(&ObjectRef::Enum { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.domains, s.domains, |k, _, _| {
            c.dup(&ObjectRef::Domain { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.events, s.events, |k, _, _| {
            c.dup(&ObjectRef::Event { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.composites, s.composites, |k, _, _| {
            c.dup(&ObjectRef::Composite { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.ranges, s.ranges, |k, _, _| {
            c.dup(&ObjectRef::Range { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.statistics, s.statistics, |k, _, _| {
            c.dup(&ObjectRef::Statistics { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.collations, s.collations, |k, _, _| {
            c.dup(&ObjectRef::Collation { name: k.clone() }, k.to_string())
        });
        insert_unless(
            &mut schema.text_search_configs,
            s.text_search_configs,
            |k, _, _| {
                c.dup(
                    &ObjectRef::TextSearchConfig { name: k.clone() },
                    k.to_string(),
                )
            },
        );
        insert_unless(&mut schema.sequences, s.sequences, |k, _, _| {
            c.dup(&ObjectRef::Sequence { name: k.clone() }, k.to_string())
        });
        insert_unless(&mut schema.tables, s.tables, |k, _, _| {
            let table = ObjectRef::Table { name: k.clone() };
            c.dup(&table, k.to_string())
                || c.relation(&ObjectRef::View { name: k.clone() }, &table, &k.to_string())
        });
        insert_unless(&mut schema.views, s.views, |k, _, _| {
            let view = ObjectRef::View { name: k.clone() };
            c.dup(&view, k.to_string())
                || c.relation(&ObjectRef::Table { name: k.clone() }, &view, &k.to_string())
        });
        insert_unless(&mut schema.functions, s.functions, |k, _, _| {
            let at = ObjectRef::Function {
                name: k.0.clone(),
                args: k.1.clone(),
            };
            c.dup(&at, format!("{}({})", k.0, k.1))
        });
        insert_unless(&mut schema.triggers, s.triggers, |k, _, _| {
            let at = ObjectRef::Trigger {
                table: k.0.clone(),
                name: k.1.clone(),
            };
            c.dup(&at, format!("{} on {}", k.1, k.0))
        });
        insert_unless(&mut schema.policies, s.policies, |k, _, _| {
            let at = ObjectRef::Policy {
                table: k.0.clone(),
                name: k.1.clone(),
            };
            c.dup(&at, format!("{} on {}", k.1, k.0))
        });
        // The same privilege granted in two files is one grant.
        insert_unless(&mut schema.grants, s.grants, |_, v, had| {
            let at = ObjectRef::Grant {
                on: print::grant_line_target(&v.on),
                grantee: v.grantee.clone(),
                grant_option: v.grant_option,
            };
            let what = format!("grant of {} on {} to {}", v.privilege, v.on, v.grantee);
            had == Some(v) || c.dup(&at, what)
        });
        // The same revoke in two files is one.
        schema.revocations.extend(s.revocations);
        schema.acknowledgements.extend(s.acknowledgements);
        for (k, v) in m {
            map.entry(k).or_insert(v);
        }
    }
    (schema, map, diags)
}

/// Moves `from`'s objects into `into`, leaving out each one `clash` turns
/// down; `clash` also sees what `into` already holds under the key.
fn insert_unless<K: Ord, V>(
    into: &mut BTreeMap<K, V>,
    from: BTreeMap<K, V>,
    mut clash: impl FnMut(&K, &V, Option<&V>) -> bool,
) {
    for (k, v) in from {
        if !clash(&k, &v, into.get(&k)) {
            into.insert(k, v);
        }
    }
}

/// Reports objects of the file being merged (`this`) that the files before
/// it (`earlier`) already define.
struct Clashes<'a> {
    earlier: &'a SourceMap,
    this: &'a SourceMap,
    texts: &'a [FileText],
    diags: &'a mut Vec<Diag>,
}

impl Clashes<'_> {
    /// Whether `at` is defined both earlier and in this file (reported).
    fn dup(&mut self, at: &ObjectRef, what: String) -> bool {
        let (Some(first), Some(second)) = (self.earlier.get(at), self.this.get(at)) else {
            return false;
        };
        // `earlier` holds other files only: a name defined twice in one
        // file is reported by lowering, with both places in one snippet.
        let d = self
            .again(
                second,
                format!("`{what}` is defined twice"),
                "rename one of them, or delete the copy",
            )
            .related(self.first_defined(&what, first));
        self.diags.push(d);
        true
    }

    /// Whether a table and a view share a name (reported): `existing` is
    /// the earlier one, `new` the one in this file.
    fn relation(&mut self, existing: &ObjectRef, new: &ObjectRef, what: &str) -> bool {
        let (Some(first), Some(second)) = (self.earlier.get(existing), self.this.get(new)) else {
            return false;
        };
        let d = self
            .again(
                second,
                format!("`{what}` is defined twice (a table and a view)"),
                "tables and views share one namespace: rename one of them",
            )
            .related(self.first_defined(what, first));
        self.diags.push(d);
        true
    }

    /// The error at the second definition.
    fn again(&self, second: &Loc, message: String, help: &str) -> Diag {
        Diag::error("E0303", message)
            .at(
                &self.texts[second.file],
                second.span.clone(),
                "defined again here",
            )
            .help(help)
    }

    /// The advice pointing at the first definition, in another file.
    fn first_defined(&self, what: &str, first: &Loc) -> Diag {
        Diag::error("E0303", format!("`{what}` is first defined here"))
            .at(
                &self.texts[first.file],
                first.span.clone(),
                "first definition",
            )
            .advice()
    }
}
