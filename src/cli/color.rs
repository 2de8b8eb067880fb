//! `--color auto|always|never`: one choice for every coloured output —
//! miette's diagnostics, the plan summary (anstream) and lint's findings.
//! `auto` colours a terminal only, and none when `NO_COLOR` is set.

use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    /// Makes the choice the process's, before anything is printed.
    pub fn install(self) {
        let (stream, miette) = match self {
            Color::Auto => return,
            Color::Always => (anstream::ColorChoice::Always, true),
            Color::Never => (anstream::ColorChoice::Never, false),
        };
        stream.write_global();
        // The hook is installed once per process; a second call (tests
        // running `main` twice) keeps the first, which is the same.
        let _ = miette::set_hook(Box::new(move |_| {
            Box::new(miette::MietteHandlerOpts::new().color(miette).build())
        }));
    }
}

/// Whether output to a stream (a terminal or not) is coloured under the
/// choice installed.
pub fn wanted(terminal: bool) -> bool {
    match anstream::ColorChoice::global() {
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Whether stdout is coloured.
pub fn stdout() -> bool {
    wanted(std::io::stdout().is_terminal())
}
