//! The example GitHub workflows (`examples/github/`): they parse as YAML,
//! carry no placeholder, and the shell of their steps runs here as GitHub
//! would run it — with this build's `strata` on PATH, in a real git
//! repository — for what needs neither GitHub nor a network: the preview's
//! plan of a pull request that adds `schemas/` (an empty base), its
//! destructive-change gate, the installer's refusal without a URL, and the
//! apply workflow's plan against a database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_yaml_ng::Value;

use crate::gitsrc::git;

const PREVIEW: &str = "examples/github/strata-preview.yml";
const APPLY: &str = "examples/github/strata-apply.yml";

fn workflow(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("read the workflow");
    assert!(!text.contains("OWNER"), "{path} holds a placeholder");
    serde_yaml_ng::from_str(&text).expect("the workflow is YAML")
}

/// The `run:` script of the step named `name` in any job.
fn step(w: &Value, name: &str) -> String {
    let jobs = w["jobs"].as_mapping().expect("jobs");
    jobs.values()
        .flat_map(|job| job["steps"].as_sequence().cloned().unwrap_or_default())
        .find(|s| s["name"].as_str() == Some(name))
        .and_then(|s| s["run"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no step {name:?}"))
}

fn workflow_env(w: &Value, key: &str) -> String {
    w["env"][key].as_str().expect("workflow env").to_string()
}

/// bash -e, as GitHub runs a step, with strata on PATH.
fn run(dir: &Path, script: &str, env: &[(&str, &str)]) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs")
}

fn has(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn commit(dir: &Path, files: &[(&str, &str)], message: &str) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Runs the preview's plan step for `base..HEAD`; its outputs.
fn plan_step(w: &Value, dir: &Path, base: &str) -> String {
    let temp = tempfile::tempdir().expect("runner temp");
    let output = temp.path().join("output");
    let out = run(
        dir,
        &step(w, "Plan the change"),
        &[
            ("BASE", base),
            ("SCHEMA_DIR", &workflow_env(w, "SCHEMA_DIR")),
            ("DIALECT", &workflow_env(w, "DIALECT")),
            ("RUNNER_TEMP", temp.path().to_str().expect("utf-8")),
            ("GITHUB_OUTPUT", output.to_str().expect("utf-8")),
        ],
    );
    assert!(out.status.success(), "plan step: {out:?}");
    std::fs::read_to_string(output).expect("step outputs")
}

#[test]
fn the_preview_plans_a_new_schema_dir_from_empty_and_gates_data_loss() {
    if !has("jq") {
        eprintln!("skipped: no jq (the workflows read the JSON plan with it)");
        return;
    }
    let w = workflow(PREVIEW);
    let repo = tempfile::tempdir().expect("repo");
    let d = repo.path();
    git(d, &["init", "-q", "-b", "main"]);
    commit(d, &[("README.md", "app\n")], "no schema yet");
    git(d, &["branch", "base"]);
    let two = "table a {\n  id bigint pk\n}\n\ntable b {\n  id bigint pk\n}\n";
    commit(d, &[("schemas/app.strata", two)], "add the schema");

    // The base has no schemas/: everything is created, nothing lost.
    let outputs = plan_step(&w, d, "base");
    assert!(outputs.contains("destructive=false"), "{outputs}");
    assert!(outputs.contains("changes=2"), "{outputs}");
    let preview = std::fs::read_to_string(d.join("preview.md")).expect("preview.md");
    assert!(
        preview.contains("CREATE TABLE \"public\".\"b\""),
        "{preview}"
    );

    // Dropping a table is refused without the label, naming the hazard.
    git(d, &["branch", "-f", "base"]);
    commit(
        d,
        &[("schemas/app.strata", "table a {\n  id bigint pk\n}\n")],
        "drop b",
    );
    let outputs = plan_step(&w, d, "base");
    assert!(outputs.contains("destructive=true"), "{outputs}");
    let gate = run(
        d,
        &step(&w, "Refuse destructive changes without the label"),
        &[("ALLOW_LABEL", &workflow_env(&w, "ALLOW_LABEL"))],
    );
    assert_eq!(gate.status.code(), Some(1), "{gate:?}");
    let log = String::from_utf8_lossy(&gate.stdout);
    assert!(log.contains("::error::") && log.contains("  - "), "{log}");
}

#[test]
fn the_installer_needs_a_url_outside_strata_and_says_where_to_set_it() {
    for path in [PREVIEW, APPLY] {
        let w = workflow(path);
        let elsewhere = tempfile::tempdir().expect("dir");
        let out = run(
            elsewhere.path(),
            &step(&w, "Install strata"),
            &[("STRATA_GIT_URL", "")],
        );
        assert_eq!(out.status.code(), Some(1), "{path}: {out:?}");
        let log = String::from_utf8_lossy(&out.stdout);
        assert!(log.contains("STRATA_GIT_URL"), "{path}: {log}");
        // In strata's own repository it installs from the checkout.
        let manifest =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
                .expect("Cargo.toml");
        assert!(
            manifest.lines().any(|l| l == "name = \"strata-schema\""),
            "{path}: the installer's test for strata's own repository"
        );
    }
}

#[test]
fn the_apply_workflow_plans_against_the_database_and_summarizes() {
    if !has("jq") {
        eprintln!("skipped: no jq (the workflows read the JSON plan with it)");
        return;
    }
    let w = workflow(APPLY);
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("schemas")).expect("mkdir");
    std::fs::write(
        d.join("schemas/app.strata"),
        "dialect sqlite\n\ntable a {\n  id integer pk\n}\n",
    )
    .expect("write");
    let summary = d.join("summary.md");
    let db = format!("sqlite://{}", d.join("app.db").display());
    let out = run(
        d,
        &step(&w, "Plan against the database"),
        &[
            ("SCHEMA_DIR", &workflow_env(&w, "SCHEMA_DIR")),
            ("DATABASE_URL", &db),
            ("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8")),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let summary = std::fs::read_to_string(summary).expect("summary");
    assert!(summary.contains("create table"), "{summary}");
    let apply = step(&w, "Apply the reviewed plan");
    let out = run(d, &apply, &[("DATABASE_URL", &db)]);
    assert!(out.status.success(), "{out:?}");
    let again = run(
        d,
        "strata plan --to schemas/ --exit-code",
        &[("DATABASE_URL", &db)],
    );
    assert_eq!(again.status.code(), Some(0), "applied: {again:?}");
}
