//! What an installed binary gives a shell: completions and man pages made
//! from the command-line definition, and `--color`.

use assert_cmd::Command;

fn strata() -> Command {
    let mut cmd = Command::cargo_bin("strata").expect("the strata binary");
    cmd.env_remove("NO_COLOR").env_remove("DATABASE_URL");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = strata().args(args).output().expect("run strata");
    assert!(out.status.success(), "strata {args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The subcommands `strata --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&["--help"]);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands");
    let names: Vec<String> = list
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    names
}

#[test]
fn bash_completions_know_every_subcommand() {
    let script = stdout(&["completions", "bash"]);
    assert!(
        script.contains("complete -F"),
        "not a bash completion script"
    );
    // The top-level word list offers every subcommand.
    let top = script
        .lines()
        .find(|l| l.trim_start().starts_with("opts=\"-h") && l.contains("apply"))
        .expect("the top-level word list");
    for c in subcommands() {
        assert!(
            top.split(|ch: char| ch == '"' || ch.is_whitespace())
                .any(|w| w == c),
            "no `{c}` in the bash completions: {top}"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(stdout(&["completions", shell]).contains("apply"), "{shell}");
    }
}

#[test]
fn the_man_page_renders_and_names_every_subcommand() {
    let page = stdout(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH strata 1"),
        "not roff: {}",
        &page[..page.len().min(200)]
    );
    for c in subcommands() {
        assert!(
            page.contains(&format!("strata\\-{}(1)", c.replace('-', "\\-"))),
            "the man page does not name `{c}`"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    strata()
        .args(["man", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    for c in subcommands() {
        let file = dir.path().join(format!("strata-{c}.1"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("no {}", file.display()));
        assert!(text.contains(".TH"), "{} is not a man page", file.display());
    }
}

/// A schema error: a diagnostic miette renders, in colour or not.
fn diagnostic(color: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.strata");
    std::fs::write(
        &file,
        "dialect postgres\n\ntable t {\n  id  nosuchtype\n}\n",
    )
    .expect("write");
    let out = strata()
        .args(["--color", color, "check"])
        .arg(&file)
        .output()
        .expect("run strata");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nosuchtype"));
    out.stderr
}

#[test]
fn color_never_has_no_escapes_and_always_has_them() {
    assert!(
        !diagnostic("never").contains(&0x1b),
        "--color never wrote ESC"
    );
    assert!(
        diagnostic("always").contains(&0x1b),
        "--color always wrote no ESC (stderr is a pipe)"
    );
    // auto: a pipe is not a terminal.
    assert!(
        !diagnostic("auto").contains(&0x1b),
        "--color auto coloured a pipe"
    );
}
