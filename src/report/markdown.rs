//! The pull-request preview: what a schema change will do to the database,
//! how risky it is, and how to undo it, as one GitHub-flavoured markdown
//! comment.
//!
//! Order matters: hazards come first (in GitHub alert boxes), then a table
//! of changed objects, the up SQL, the rollback folded in `<details>`, an
//! ER diagram of the changed tables and their neighbours, and the diff of
//! the schema source. A comment holds at most 65,536 characters, so when
//! the whole would not fit, the largest parts are shortened (never the
//! hazards while anything else can give) and the preview says so.

use std::collections::BTreeMap;

use super::describe::{describe, Action, Described};
use super::graph::Diagram;
use crate::diff::Change;
use crate::ir::{DialectKind, Schema};
use crate::migration::Migration;
use crate::plan::HazardKind;

/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Everything the preview shows.
#[derive(Debug, Clone, Copy)]
pub struct Preview<'a> {
    pub dialect: DialectKind,
    pub migration: &'a Migration,
    /// The schemas on both sides (for the diagram).
    pub from: &'a Schema,
    pub to: &'a Schema,
    /// Where each side came from, e.g. `git:origin/main:schemas/` and
    /// `schemas/`; shown in the heading and the diff header.
    pub from_label: &'a str,
    pub to_label: &'a str,
    /// The schema source text on both sides, when both are files: the
    /// unified diff is made from them.
    pub source: Option<(&'a str, &'a str)>,
    /// The largest size of the result, in characters; [`COMMENT_LIMIT`]
    /// for a pull-request comment.
    pub limit: usize,
}

impl<'a> Preview<'a> {
    pub fn new(
        dialect: DialectKind,
        migration: &'a Migration,
        from: &'a Schema,
        to: &'a Schema,
    ) -> Preview<'a> {
        Preview {
            dialect,
            migration,
            from,
            to,
            from_label: "current",
            to_label: "desired",
            source: None,
            limit: COMMENT_LIMIT,
        }
    }
}

/// A part of the preview and how it may shrink.
struct Section {
    name: &'static str,
    /// The text before the foldable body (heading, `<details>` opener).
    head: String,
    /// Lines that may be cut from the end when space runs out.
    body: Vec<String>,
    /// The text after the body (closing fence, `</details>`).
    tail: String,
    /// Higher folds first; 0 never folds.
    fold_rank: u8,
    /// The text that stands for the cut lines, e.g. "lines of SQL".
    unit: &'static str,
    folded: Option<usize>,
}

impl Section {
    fn fixed(name: &'static str, text: String) -> Section {
        Section {
            name,
            head: text,
            body: Vec::new(),
            tail: String::new(),
            fold_rank: 0,
            unit: "",
            folded: None,
        }
    }

    fn len(&self) -> usize {
        self.render().chars().count()
    }

    fn body_len(&self) -> usize {
        self.body.iter().map(|l| l.chars().count() + 1).sum()
    }

    fn render(&self) -> String {
        let mut s = self.head.clone();
        for l in &self.body {
            s.push_str(l);
            s.push('\n');
        }
        if let Some(n) = self.folded {
            s.push_str(&format!(
                "… {n} more {} folded to fit the comment limit\n",
                self.unit
            ));
        }
        s.push_str(&self.tail);
        s
    }

    /// Cuts lines from the end until the section is `excess` characters
    /// shorter (or empty). Returns how much it shrank.
    fn shrink(&mut self, excess: usize) -> usize {
        let before = self.len();
        let mut cut = self.folded.unwrap_or(0);
        let mut freed = 0;
        // Room for the "… N more folded" line the cut adds.
        let want = excess + 80;
        while freed < want {
            let Some(line) = self.body.pop() else { break };
            freed += line.chars().count() + 1;
            cut += 1;
        }
        if cut > 0 {
            self.folded = Some(cut);
        }
        before.saturating_sub(self.len())
    }
}

/// The preview as markdown.
pub fn render(preview: &Preview) -> String {
    let m = preview.migration;
    if m.plan.is_empty() {
        return format!(
            "## strata: no schema changes\n\n`{}` and `{}` describe the same {} schema.\n",
            preview.from_label, preview.to_label, preview.dialect
        );
    }
    let described: Vec<Described> = m.plan.steps.iter().map(|s| describe(&s.change)).collect();
    let mut sections = vec![
        Section::fixed("heading", heading(preview, &described)),
        hazards(preview, &described),
        summary_table(preview, &described),
        sql_section(
            "up SQL",
            "### Migration SQL\n\n",
            &super::sql::render(crate::dialect::for_kind(preview.dialect), &m.up),
            false,
        ),
        sql_section(
            "rollback SQL",
            "<details>\n<summary><b>Rollback SQL</b> — undoes the migration (structure only: dropped data does not come back)</summary>\n\n",
            &super::sql::render(crate::dialect::for_kind(preview.dialect), &m.down),
            true,
        ),
        diagram(preview),
    ];
    if let Some((old, new)) = preview.source {
        sections.push(source_diff(preview, old, new));
    }
    fit(&mut sections, preview.limit);
    sections.iter().map(Section::render).collect()
}

fn heading(p: &Preview, described: &[Described]) -> String {
    let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
    for d in described {
        *counts.entry(d.action).or_default() += 1;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(a, n)| format!("{n} {}", a.as_str()))
        .collect();
    let n = described.len();
    format!(
        "## strata: {n} schema change{} ({})\n\n`{}` → `{}` · {}\n\n",
        if n == 1 { "" } else { "s" },
        p.dialect,
        p.from_label,
        p.to_label,
        parts.join(", ")
    )
}

fn hazard_title(kind: HazardKind) -> &'static str {
    match kind {
        HazardKind::DataLoss => "Data loss",
        HazardKind::TableRebuild => "Table rebuild",
        HazardKind::TableRewrite => "Table rewrite",
        HazardKind::AccessExclusiveLock => "Exclusive lock",
        HazardKind::IndexBuild => "Index build",
        HazardKind::NotTransactional => "Outside a transaction",
        HazardKind::MayFail => "May fail on existing rows",
        HazardKind::LocksOut => "Locks roles out",
        HazardKind::StandbyConflict => "Conflicts on hot standbys",
        HazardKind::GaleraToi => "Blocks the Galera cluster",
        HazardKind::KeptAside => "Kept aside",
        HazardKind::RollbackLosesData => "Rollback loses data",
    }
}

/// The rule's page: on the repository this build names in Cargo.toml when
/// it names one, else its path in strata's sources.
fn rule_page(kind: HazardKind) -> String {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let path = format!("docs/hazards/{}.md", kind.id());
    if repo.is_empty() {
        path
    } else {
        format!("{repo}/blob/main/{path}")
    }
}

fn hazards(p: &Preview, described: &[Described]) -> Section {
    let mut destructive = Vec::new();
    let mut other = Vec::new();
    let mut accepted = Vec::new();
    for (step, d) in p.migration.plan.steps.iter().zip(described) {
        for h in &step.hazards {
            let line = format!(
                "> - **{}** ([`{}`]({})) on {}: {}",
                hazard_title(h.kind),
                h.kind.id(),
                rule_page(h.kind),
                code(&d.object.display()),
                inline(&h.message)
            );
            if let Some(reason) = &h.acknowledged {
                accepted.push(format!("{line} — acknowledged: {}", inline(reason)));
            } else if h.kind.is_destructive() {
                destructive.push(line);
            } else {
                other.push(line);
            }
        }
    }
    let acknowledged = if accepted.is_empty() {
        String::new()
    } else {
        format!(
            "> [!NOTE]\n> **{} acknowledged hazard{}** — accepted in the schema, with the reason:\n>\n{}\n\n",
            accepted.len(),
            if accepted.len() == 1 { "" } else { "s" },
            accepted.join("\n")
        )
    };
    if destructive.is_empty() && other.is_empty() {
        let none = if accepted.is_empty() {
            "> [!NOTE]\n> No hazards: no data loss, rewrites or long locks.\n\n".to_string()
        } else {
            acknowledged
        };
        return Section::fixed("hazards", none);
    }
    let mut head = acknowledged;
    let mut body = Vec::new();
    if !destructive.is_empty() {
        head.push_str(&format!(
            "> [!CAUTION]\n> **{} destructive change{}** — `strata apply` refuses {} without `--allow-destructive`.\n>\n",
            destructive.len(),
            if destructive.len() == 1 { "" } else { "s" },
            if destructive.len() == 1 { "it" } else { "them" },
        ));
        head.push_str(&destructive.join("\n"));
        head.push_str("\n\n");
    }
    if !other.is_empty() {
        head.push_str(&format!(
            "> [!WARNING]\n> **{} hazard{}** to plan for:\n>\n",
            other.len(),
            if other.len() == 1 { "" } else { "s" }
        ));
        body = other;
    }
    Section {
        name: "hazards",
        head,
        body,
        tail: "\n".into(),
        // Only when everything else has given way.
        fold_rank: 1,
        unit: "hazards",
        folded: None,
    }
}

fn summary_table(p: &Preview, described: &[Described]) -> Section {
    let head = "### Changes\n\n| | Object | Type | What changes | Hazards |\n| --- | --- | --- | --- | --- |\n".to_string();
    let body = p
        .migration
        .plan
        .steps
        .iter()
        .zip(described)
        .map(|(step, d)| {
            let sign = match d.action {
                Action::Added => "🟢 added",
                Action::Altered => "🟡 altered",
                Action::Dropped => "🔴 dropped",
                Action::Renamed => "🔵 renamed",
            };
            let mut what: Vec<String> = Vec::new();
            if let Some(old) = &d.renamed_from {
                what.push(format!("renamed from {}", code(old)));
            }
            if d.action == Action::Renamed {
                // The old name says it all.
            } else if !matches!(step.change, Change::CreateTable(_)) {
                what.extend(d.details.iter().map(|x| cell(&x.summary)));
            } else if !d.details.is_empty() {
                what.push(format!("{} columns", d.details.len()));
            }
            let mut kinds: Vec<&str> = step.hazards.iter().map(|h| hazard_title(h.kind)).collect();
            kinds.dedup();
            let hz = if step.hazards.iter().any(|h| h.kind.is_destructive()) {
                format!("⚠️ {}", kinds.join(", "))
            } else {
                kinds.join(", ")
            };
            format!(
                "| {sign} | {} | {} | {} | {hz} |",
                code(&d.object.display()),
                d.object.kind.replace('_', " "),
                what.join("<br>")
            )
        })
        .collect();
    Section {
        name: "change table",
        head,
        body,
        tail: "\n".into(),
        fold_rank: 2,
        unit: "rows",
        folded: None,
    }
}

fn sql_section(name: &'static str, opener: &str, sql: &str, in_details: bool) -> Section {
    let fence = fence_for(sql);
    let (head, tail, rank) = if in_details {
        (
            format!("{opener}{fence}sql\n"),
            format!("{fence}\n\n</details>\n\n"),
            4,
        )
    } else {
        (format!("{opener}{fence}sql\n"), format!("{fence}\n\n"), 3)
    };
    Section {
        name,
        head,
        body: sql.lines().map(str::to_string).collect(),
        tail,
        fold_rank: rank,
        unit: "lines of SQL",
        folded: None,
    }
}

fn diagram(p: &Preview) -> Section {
    let changes: Vec<&Change> = p.migration.plan.steps.iter().map(|s| &s.change).collect();
    let d = Diagram::of_changes(p.from, p.to, &changes);
    if d.graph.node_count() == 0 {
        return Section::fixed("diagram", String::new());
    }
    let text = d.mermaid();
    Section {
        name: "diagram",
        head: "<details open>\n<summary><b>Tables changed</b> and the tables they reference or are referenced by</summary>\n\n```mermaid\n".into(),
        body: text.lines().map(str::to_string).collect(),
        tail: "```\n\n</details>\n\n".into(),
        // A cut diagram does not parse: it goes whole or not at all.
        fold_rank: 5,
        unit: "lines of the diagram",
        folded: None,
    }
}

fn source_diff(p: &Preview, old: &str, new: &str) -> Section {
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(p.from_label, p.to_label)
        .to_string();
    let fence = fence_for(&diff);
    Section {
        name: "source diff",
        head: format!("<details>\n<summary><b>Schema source diff</b></summary>\n\n{fence}diff\n"),
        body: diff.lines().map(str::to_string).collect(),
        tail: format!("{fence}\n\n</details>\n\n"),
        fold_rank: 6,
        unit: "lines of the diff",
        folded: None,
    }
}

/// Shortens the largest foldable sections until the whole fits, leaving
/// room for the notice that says what was folded.
fn fit(sections: &mut [Section], limit: usize) {
    const NOTICE_ROOM: usize = 400;
    let total = |s: &[Section]| s.iter().map(Section::len).sum::<usize>();
    let budget = limit.saturating_sub(NOTICE_ROOM);
    if total(sections) <= limit {
        return;
    }
    // Fold in rank order (highest first), each as far as needed; a
    // diagram that would be cut is dropped whole instead.
    let mut order: Vec<usize> = (0..sections.len())
        .filter(|&i| sections[i].fold_rank > 0)
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse((sections[i].fold_rank, sections[i].body_len())));
    for i in order {
        let now = total(sections);
        if now <= budget {
            break;
        }
        let excess = now - budget;
        if sections[i].name == "diagram" {
            let lines = sections[i].body.len();
            sections[i] = Section::fixed(
                "diagram",
                format!(
                    "_The diagram of the changed tables ({lines} lines of mermaid) was left out to fit the comment limit; run `strata graph` locally._\n\n"
                ),
            );
            sections[i].folded = None;
            continue;
        }
        sections[i].shrink(excess);
    }
    let folded: Vec<&str> = sections
        .iter()
        .filter(|s| {
            s.folded.is_some() || (s.name == "diagram" && s.head.starts_with("_The diagram"))
        })
        .map(|s| s.name)
        .collect();
    if !folded.is_empty() {
        let notice = format!(
            "> [!NOTE]\n> This preview was shortened to fit a pull-request comment ({limit} characters): folded the {}. Run the same `strata` command locally, or use `--format sql` / `--format json`, for everything.\n\n",
            folded.join(", ")
        );
        if let Some(first) = sections.first_mut() {
            first.head.push_str(&notice);
        }
    }
}

/// A code fence longer than any run of backticks in the text.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Inline code that survives backticks in the name.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// Text for a table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Text for a blockquote line.
fn inline(s: &str) -> String {
    s.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(fence_for("select 1"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn shrinking_cuts_from_the_end_and_counts() {
        let mut s = Section {
            name: "x",
            head: "h\n".into(),
            body: (0..100).map(|i| format!("line {i:03}")).collect(),
            tail: "t\n".into(),
            fold_rank: 3,
            unit: "lines",
            folded: None,
        };
        let before = s.len();
        let freed = s.shrink(300);
        assert!(freed >= 300, "{freed}");
        assert_eq!(s.len(), before - freed);
        assert!(s.render().contains("more lines folded"));
        assert_eq!(s.body[0], "line 000");
    }
}
