//! What an apply says while it runs: a `ran:` line as each statement
//! takes effect — not all at the end — and on a terminal a progress bar
//! (statement k of n, the one in flight) under them. Piped, the lines
//! alone, each written as it happens.
//!
//! A statement inside a transaction takes effect when the transaction
//! commits: its line waits until the next transaction starts or the apply
//! succeeds, and is dropped when the transaction is rolled back (a
//! failure, or a retry after a lock timeout), so that the lines name only
//! what stayed. Outside a transaction (MySQL DDL, `--tx-mode none`) a
//! line is written as soon as the server answers.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::dialect::driver::{observe, Running, Stage};
use crate::dialect::first_line;

#[derive(Default)]
struct State {
    bar: Option<ProgressBar>,
    /// Lines of the open transaction: its phase, then (number, line).
    pending: Option<(usize, Vec<(usize, String)>)>,
}

impl State {
    fn say(&self, line: String) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn flush(&mut self) {
        if let Some((_, lines)) = self.pending.take() {
            for (_, line) in lines {
                self.say(line);
            }
        }
    }

    fn started(&mut self, r: &Running, terminal: bool) {
        if let Some((phase, lines)) = &self.pending {
            let retried = *phase == r.phase && lines.first().is_some_and(|(n, _)| r.number <= *n);
            if retried {
                self.pending = None;
            } else if *phase != r.phase {
                self.flush();
            }
        }
        if terminal {
            let b = self.bar.get_or_insert_with(|| new_bar(r.total));
            b.set_position(r.number.saturating_sub(1) as u64);
            b.set_message(first_line(&r.sql));
        }
    }

    fn done(&mut self, r: &Running) {
        if let Some(b) = &self.bar {
            b.set_position(r.number as u64);
        }
        let line = format!("ran: {}", first_line(&r.sql));
        if !r.transactional {
            self.flush();
            self.say(line);
            return;
        }
        let (_, lines) = self.pending.get_or_insert_with(|| (r.phase, Vec::new()));
        lines.push((r.number, line));
    }
}

/// Reports statements while alive; [`Shown::finish`] says how the apply
/// ended.
pub struct Shown {
    state: Arc<Mutex<State>>,
}

/// Starts reporting the statements of the apply about to run.
pub fn show() -> Shown {
    let state = Arc::new(Mutex::new(State::default()));
    let terminal = std::io::stderr().is_terminal();
    let shared = state.clone();
    observe(Some(Box::new(move |r: &Running, stage: Stage| {
        if let Ok(mut s) = shared.lock() {
            match stage {
                Stage::Started => s.started(r, terminal),
                Stage::Done => s.done(r),
            }
        }
    })));
    Shown { state }
}

impl Shown {
    /// The apply ended: a success committed the open transaction, whose
    /// lines are written; a failure rolled it back.
    pub fn finish(self, succeeded: bool) {
        if let Ok(mut s) = self.state.lock() {
            if succeeded {
                s.flush();
            }
            s.pending = None;
        }
    }
}

/// A spinner with the elapsed time on stderr, for work whose size is not
/// known in advance (reading a large catalog); none when stderr is not a
/// terminal, so that logs and pipes get no control characters.
pub fn spinner(what: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let s = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    s.set_style(style);
    s.set_message(what.to_string());
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(s)
}

fn new_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{bar:30} statement {pos}/{len} {elapsed}  {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

impl Drop for Shown {
    fn drop(&mut self) {
        observe(None);
        if let Ok(mut s) = self.state.lock() {
            if let Some(b) = s.bar.take() {
                b.finish_and_clear();
            }
        }
    }
}
