//! The figures of a corpus run, its failures grouped by reason, and the
//! passing list that turns a lost property into a failing test.
//!
//! `tests/conformance/<corpus>.passing` has one line per case that has
//! at least one property: the case id alone when it has every property of
//! its run, else the id and the properties it has (`up`, `replan`,
//! `down`; the adoption runs have their own). A listed property the case
//! no longer has is a regression. With `STRATA_CONFORMANCE_WRITE=1` the
//! list is rewritten from the run instead (a full run only), and the
//! report goes to `target/conformance/<corpus>.md`, every failure's detail
//! to `target/conformance/<corpus>-failures.txt`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Down, Replan, Status, Verdict};

/// The figures of a run, as markdown: what ran, what converged, and the
/// failures grouped by their first failing step.
pub fn figures(title: &str, results: &BTreeMap<String, Verdict>) -> String {
    let n = results.len();
    let count = |f: &dyn Fn(&Verdict) -> bool| results.values().filter(|v| f(v)).count();
    let skipped = count(&|v| matches!(v.status, Status::Skipped(_)));
    let invalid = count(&|v| matches!(v.status, Status::CorpusInvalid(_)));
    let evaluated = n - skipped - invalid;
    let up = count(&|v| v.up());
    let replan = count(&|v| v.replan_empty());
    let down = count(&|v| v.down_restored());
    let all = count(&|v| v.up() && v.replan_empty() && v.down_restored());
    let changed = count(&|v| v.up() && v.steps > 0);
    let pct = |k: usize| {
        if evaluated == 0 {
            0.0
        } else {
            100.0 * k as f64 / evaluated as f64
        }
    };
    let mut out = format!(
        "{title}: {n} cases, {skipped} not run, {invalid} corpus-invalid, {evaluated} evaluated.\n\n\
         | of {evaluated} evaluated | cases | % |\n| --- | ---: | ---: |\n\
         | up converged | {up} | {:.1} |\n\
         | re-plan empty | {replan} | {:.1} |\n\
         | down restored (after up) | {down} | {:.1} |\n\
         | all three | {all} | {:.1} |\n\n\
         {changed} of the {up} that converged planned a change; the others were equal from the start.\n\n",
        pct(up),
        pct(replan),
        pct(down),
        pct(all)
    );
    let tally = [
        (
            "strata failed (inspect, print, parse or plan)",
            count(&|v| matches!(v.status, Status::ToolError(_))),
        ),
        (
            "up SQL rejected by the server",
            count(&|v| matches!(v.status, Status::UpApplyError(_))),
        ),
        ("up diverged", count(&|v| v.status == Status::UpDiverged)),
        (
            "perpetual diff (re-plan not empty)",
            count(&|v| matches!(v.replan, Some(Replan::Perpetual(_)))),
        ),
        (
            "re-plan failed",
            count(&|v| matches!(v.replan, Some(Replan::Error(_)))),
        ),
        (
            "down SQL rejected by the server",
            count(&|v| matches!(v.down, Some(Down::ApplyError(_)))),
        ),
        (
            "down did not restore",
            count(&|v| v.down == Some(Down::Diverged)),
        ),
        ("timed out", count(&|v| v.status == Status::Timeout)),
        (
            "harness error",
            count(&|v| matches!(v.status, Status::HarnessError(_))),
        ),
        (
            "column order differs after up (reported, not failed)",
            count(&|v| v.column_order_differs),
        ),
    ];
    out.push_str("| outcome | cases |\n| --- | ---: |\n");
    for (what, k) in tally.iter().filter(|(_, k)| *k > 0) {
        out.push_str(&format!("| {what} | {k} |\n"));
    }
    let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
    for v in results.values() {
        if let Status::Skipped(why) = &v.status {
            *skips.entry(why).or_default() += 1;
        }
    }
    if !skips.is_empty() {
        out.push_str("\n| not run | cases |\n| --- | ---: |\n");
        for (why, k) in skips {
            out.push_str(&format!("| {why} | {k} |\n"));
        }
    }
    out.push_str(&grouped(
        results,
        |v| matches!(v.status, Status::CorpusInvalid(_)),
        "corpus-invalid",
    ));
    out.push_str(&grouped(
        results,
        |v| v.evaluated() && v.reason.is_some(),
        "failure (first failing step)",
    ));
    out
}

/// A table of the reasons of the verdicts `pick` selects, largest first.
fn grouped(
    results: &BTreeMap<String, Verdict>,
    pick: impl Fn(&Verdict) -> bool,
    head: &str,
) -> String {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, v) in results {
        if pick(v) {
            groups
                .entry(v.reason.as_deref().unwrap_or("?"))
                .or_default()
                .push(id);
        }
    }
    if groups.is_empty() {
        return String::new();
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    let mut out = format!("\n| {head} | cases | e.g. |\n| --- | ---: | --- |\n");
    for (reason, ids) in groups {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            reason.replace('|', "\\|"),
            ids.len(),
            ids.iter().take(2).copied().collect::<Vec<_>>().join(", ")
        ));
    }
    out
}

fn passing_file(corpus: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/conformance/{corpus}.passing"))
}

/// The passing list's text for `marks` per case (`all_of(id)`: every
/// property of that case's run, which its line leaves unsaid).
pub fn passing_text(
    marks: &BTreeMap<String, Vec<&'static str>>,
    all_of: impl Fn(&str) -> &'static [&'static str],
) -> String {
    let mut out = String::new();
    for (id, have) in marks {
        if have.is_empty() {
            continue;
        }
        if have.len() == all_of(id).len() {
            out.push_str(&format!("{id}\n"));
        } else {
            out.push_str(&format!("{id} {}\n", have.join(" ")));
        }
    }
    out
}

/// Parses a passing list: case id → the properties it must have.
pub fn parse_passing(
    text: &str,
    all_of: impl Fn(&str) -> &'static [&'static str],
) -> BTreeMap<String, Vec<String>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace();
            let id = words.next().unwrap_or("").to_string();
            let marks: Vec<String> = words.map(String::from).collect();
            let marks = if marks.is_empty() {
                all_of(&id).iter().map(|m| m.to_string()).collect()
            } else {
                marks
            };
            (id, marks)
        })
        .collect()
}

/// Prints and writes the report, then rewrites the passing list (with
/// `STRATA_CONFORMANCE_WRITE=1`, on a full run) or fails on every listed
/// property a case lost. `details` holds each failing case's detail.
pub fn conclude_with(
    corpus: &str,
    text: &str,
    marks: &BTreeMap<String, Vec<&'static str>>,
    all_of: impl Fn(&str) -> &'static [&'static str],
    details: &BTreeMap<String, String>,
    elapsed: std::time::Duration,
) {
    let partial = std::env::var("STRATA_CONFORMANCE_ONLY").is_ok();
    eprintln!(
        "{text}\n({} cases in {:.1}s)",
        marks.len(),
        elapsed.as_secs_f64()
    );
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/conformance");
    let _ = std::fs::create_dir_all(&out_dir);
    let failures: String = details
        .iter()
        .map(|(id, d)| format!("=== {id}\n{d}\n\n"))
        .collect();
    let _ = std::fs::write(out_dir.join(format!("{corpus}-failures.txt")), failures);
    let _ = std::fs::write(out_dir.join(format!("{corpus}.md")), text);
    if std::env::var("STRATA_CONFORMANCE_WRITE").is_ok_and(|v| v == "1") && !partial {
        std::fs::write(passing_file(corpus), passing_text(marks, all_of))
            .expect("write the passing list");
        return;
    }
    let listed = std::fs::read_to_string(passing_file(corpus))
        .unwrap_or_else(|e| panic!("{}: {e}", passing_file(corpus).display()));
    let expected = parse_passing(&listed, all_of);
    let mut lost = Vec::new();
    for (id, want) in &expected {
        let Some(have) = marks.get(id) else {
            if !partial {
                lost.push(format!("{id}: no longer in the corpus"));
            }
            continue;
        };
        let missing: Vec<&String> = want
            .iter()
            .filter(|m| !have.contains(&m.as_str()))
            .collect();
        if !missing.is_empty() {
            let why = details.get(id).map(String::as_str).unwrap_or("");
            let why: String = why.lines().take(40).collect::<Vec<_>>().join("\n");
            lost.push(format!(
                "{id}: lost {}\n{why}",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    assert!(
        lost.is_empty(),
        "{} {corpus} case(s) lost a property they had (tests/conformance/{corpus}.passing):\n{}",
        lost.len(),
        lost.join("\n\n")
    );
}

/// The properties of a convergence case.
pub const PROPERTIES: &[&str] = &["up", "replan", "down"];

/// Every case's properties and every failure's detail, then [`conclude_with`].
pub fn conclude_run(
    corpus: &str,
    title: &str,
    results: &BTreeMap<String, Verdict>,
    elapsed: std::time::Duration,
) {
    let marks: BTreeMap<String, Vec<&'static str>> = results
        .iter()
        .map(|(id, v)| (id.clone(), v.marks()))
        .collect();
    let details: BTreeMap<String, String> = results
        .iter()
        .filter_map(|(id, v)| {
            v.reason
                .as_ref()
                .map(|r| (id.clone(), format!("{r}\n{}", v.detail)))
        })
        .collect();
    let text = figures(title, results);
    conclude_with(corpus, &text, &marks, |_| PROPERTIES, &details, elapsed);
}

#[test]
fn passing_lists_name_what_a_case_has() {
    let all = |_: &str| PROPERTIES;
    let mut marks = BTreeMap::new();
    marks.insert("a".to_string(), vec!["up", "replan", "down"]);
    marks.insert("b".to_string(), vec!["up", "down"]);
    marks.insert("c".to_string(), vec![]);
    let text = passing_text(&marks, all);
    assert_eq!(text, "a\nb up down\n");
    let parsed = parse_passing(&text, all);
    assert_eq!(parsed["a"], vec!["up", "replan", "down"]);
    assert_eq!(parsed["b"], vec!["up", "down"]);
    assert!(!parsed.contains_key("c"));
}
