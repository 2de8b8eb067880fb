//! The README's tour is run as printed: every `$ command` of its console
//! blocks runs in a scratch directory (the edit is the README's diff) and
//! must print what the README shows. A change in output makes the README
//! wrong, and this test says where.

use std::path::Path;
use std::process::Command;

const README: &str = include_str!("../../README.md");

/// The text between a `## title` heading and the next `## `.
fn section<'a>(title: &str) -> &'a str {
    let start = README
        .find(&format!("## {title}"))
        .unwrap_or_else(|| panic!("README has no section `{title}`"));
    let rest = &README[start + 3..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The fenced blocks of a section: (info string, body).
fn blocks(text: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if let Some(info) = l.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            out.push((info, body.join("\n") + "\n"));
        }
    }
    out
}

/// Runs the `$ ` lines of a console block in one shell and returns the
/// transcript in the README's form: each command, then its output.
fn run_console(block: &str, dir: &Path) -> String {
    let mut script = String::new();
    for cmd in block.lines().filter_map(|l| l.strip_prefix("$ ")) {
        script.push_str(&format!(
            "printf '%s\\n' '$ {}'\n{cmd} 2>&1\n",
            cmd.replace('\'', r"'\''")
        ));
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_strata"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("binary directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sh");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Applies the README's diff (context and `+` lines only) to a file.
fn apply_diff(diff: &str, file: &Path) {
    let text = std::fs::read_to_string(file).expect("read the inspected schema");
    let old: String = diff
        .lines()
        .filter_map(|l| l.strip_prefix(' '))
        .map(|l| format!("{l}\n"))
        .collect();
    let new: String = diff
        .lines()
        .filter_map(|l| l.strip_prefix(' ').or_else(|| l.strip_prefix('+')))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        text.contains(&old),
        "the README's diff does not apply: the inspected schema has no\n{old}"
    );
    std::fs::write(file, text.replacen(&old, &new, 1)).expect("write the edited schema");
}

#[test]
fn the_readme_tour_prints_what_it_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let schemas = dir.path().join("schemas/sqlite");
    std::fs::create_dir_all(&schemas).expect("mkdir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/sqlite/shop.strata"),
        schemas.join("shop.strata"),
    )
    .expect("copy the example");

    // The set-up command (the `strata apply` line of the first block; the
    // install line before it is checked below, the test has the binary).
    let setup = blocks(section("Set up and run"));
    assert!(
        setup[0].1.starts_with("cargo install --locked --path ."),
        "the first set-up line installs from the clone, with the lock file"
    );
    let apply = setup[0]
        .1
        .lines()
        .find(|l| l.starts_with("strata apply"))
        .and_then(|l| l.split('#').next())
        .expect("the set-up block has an apply line")
        .trim()
        .to_string();
    run_console(&format!("$ {apply}\n"), dir.path());
    assert!(
        dir.path().join("shop.db").exists(),
        "`{apply}` made no shop.db"
    );

    let tour = blocks(section("A 30-second tour"));
    assert!(tour.iter().filter(|(i, _)| *i == "console").count() >= 3);
    for (info, body) in tour {
        match info {
            "console" => {
                let got = run_console(&body, dir.path());
                assert_same(&body, &got);
            }
            "diff" => apply_diff(&body, &dir.path().join("shop.strata")),
            other => panic!("the tour has a ```{other} block this test does not know"),
        }
    }
}

/// A line diff of the README block and the run, for a readable failure.
fn assert_same(readme: &str, run: &str) {
    if readme != run {
        let diff = similar::TextDiff::from_lines(readme, run)
            .unified_diff()
            .header("README.md", "the run")
            .to_string();
        panic!("the README tour no longer matches what strata prints:\n{diff}");
    }
}
