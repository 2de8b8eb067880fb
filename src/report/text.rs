//! A coloured summary of a plan for people at a terminal.
//!
//! [`render`] always writes ANSI styles; print it through [`print`] (or
//! any `anstream` stream), which drops them when `NO_COLOR` is set or the
//! output is not a terminal. [`render_plain`] is the same text without
//! styles, for files and tests.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::describe::{describe, Action};
use crate::ir::DialectKind;
use crate::migration::Migration;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn fg(c: AnsiColor) -> Style {
    Style::new().fg_color(Some(c.into()))
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn action_style(a: Action) -> (Style, &'static str) {
    match a {
        Action::Added => (fg(AnsiColor::Green), "+"),
        Action::Altered => (fg(AnsiColor::Yellow), "~"),
        Action::Dropped => (fg(AnsiColor::Red), "-"),
        Action::Renamed => (fg(AnsiColor::Blue), ">"),
    }
}

/// The summary, with ANSI styles.
pub fn render(migration: &Migration, dialect: DialectKind) -> String {
    let steps = &migration.plan.steps;
    if steps.is_empty() {
        return format!("{} ({dialect})\n", paint(BOLD, "No changes"));
    }
    let mut out = String::new();
    let described: Vec<_> = steps.iter().map(|s| describe(&s.change)).collect();
    let mut counts = std::collections::BTreeMap::new();
    for d in &described {
        *counts.entry(d.action).or_insert(0usize) += 1;
    }
    let tally: Vec<String> = counts
        .iter()
        .map(|(a, n)| paint(action_style(*a).0, &format!("{n} {}", a.as_str())))
        .collect();
    out.push_str(&format!(
        "{} ({dialect}): {}\n",
        paint(
            BOLD,
            &format!(
                "{} change{}",
                steps.len(),
                if steps.len() == 1 { "" } else { "s" }
            )
        ),
        tally.join(", ")
    ));
    let destructive: usize = steps
        .iter()
        .flat_map(|s| &s.hazards)
        .filter(|h| h.kind.is_destructive())
        .count();
    if destructive > 0 {
        out.push_str(&format!(
            "{}\n",
            paint(
                fg(AnsiColor::Red).bold(),
                &format!(
                    "! {destructive} destructive change{}: refused without --allow-destructive",
                    if destructive == 1 { "" } else { "s" }
                )
            )
        ));
    }
    out.push('\n');
    for (step, d) in steps.iter().zip(&described) {
        let (style, sign) = action_style(d.action);
        let mut line = format!(
            "  {} {} {}",
            paint(style.bold(), sign),
            d.object.kind.replace('_', " "),
            paint(BOLD, &d.object.display())
        );
        if let Some(old) = &d.renamed_from {
            line.push_str(&paint(DIM, &format!(" (was {old})")));
        }
        let mut kinds: Vec<&str> = step.hazards.iter().map(|h| h.kind.as_str()).collect();
        kinds.dedup();
        if !kinds.is_empty() {
            let hz_style = if step.hazards.iter().any(|h| h.kind.is_destructive()) {
                fg(AnsiColor::Red).bold()
            } else {
                fg(AnsiColor::Yellow)
            };
            line.push_str(&format!(
                "  {}",
                paint(hz_style, &format!("[{}]", kinds.join(", ")))
            ));
        }
        out.push_str(&line);
        out.push('\n');
        if d.action != Action::Renamed && d.action != Action::Added {
            for detail in &d.details {
                out.push_str(&format!("      {}\n", paint(DIM, &detail.summary)));
            }
        }
    }
    let hazards: Vec<_> = steps
        .iter()
        .zip(&described)
        .flat_map(|(s, d)| s.hazards.iter().map(move |h| (h, d)))
        .collect();
    if !hazards.is_empty() {
        out.push_str(&format!("\n{}\n", paint(BOLD, "Hazards:")));
        for (h, d) in hazards {
            let style = if h.kind.is_destructive() {
                fg(AnsiColor::Red).bold()
            } else {
                fg(AnsiColor::Yellow)
            };
            out.push_str(&format!(
                "  {} {}: {}{}\n",
                paint(style, h.kind.as_str()),
                d.object.display(),
                h.message,
                super::sql::acknowledged(h)
            ));
        }
    }
    let statements = migration.up.statements().count();
    out.push_str(&format!(
        "\n{}\n",
        paint(
            DIM,
            &format!(
                "{statements} statement{} up, {} to roll back; --format sql shows them",
                if statements == 1 { "" } else { "s" },
                migration.down.statements().count()
            )
        )
    ));
    out
}

/// The summary without styles.
pub fn render_plain(migration: &Migration, dialect: DialectKind) -> String {
    anstream::adapter::strip_str(&render(migration, dialect)).to_string()
}

/// Prints the summary on stdout, in colour only where that is wanted
/// (a terminal, and `NO_COLOR` unset).
pub fn print(migration: &Migration, dialect: DialectKind) -> std::io::Result<()> {
    let mut out = anstream::stdout();
    out.write_all(render(migration, dialect).as_bytes())?;
    out.flush()
}
