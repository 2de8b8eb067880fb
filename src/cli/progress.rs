//! What an apply says while it runs: a `ran:` line as each statement
//! completes — not all at the end — and on a terminal a progress bar
//! (statement k of n, the one in flight) under them. Piped, the lines
//! alone, each written as it happens.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::dialect::driver::{observe, Running, Stage};
use crate::dialect::first_line;

/// Reports statements while alive; dropping it clears the bar and stops
/// reporting.
pub struct Shown {
    bar: Arc<Mutex<Option<ProgressBar>>>,
}

/// Starts reporting the statements of the apply about to run.
pub fn show() -> Shown {
    let bar: Arc<Mutex<Option<ProgressBar>>> = Arc::new(Mutex::new(None));
    let terminal = std::io::stderr().is_terminal();
    let slot = bar.clone();
    observe(Some(Box::new(move |r: &Running, stage: Stage| {
        let Ok(mut slot) = slot.lock() else {
            return;
        };
        match (stage, terminal) {
            (Stage::Started, true) => {
                let b = slot.get_or_insert_with(|| new_bar(r.total));
                b.set_position(r.number.saturating_sub(1) as u64);
                b.set_message(first_line(&r.sql));
            }
            (Stage::Started, false) => {}
            (Stage::Done, _) => {
                let line = format!("ran: {}", first_line(&r.sql));
                match slot.as_ref() {
                    Some(b) => {
                        b.set_position(r.number as u64);
                        b.println(line);
                    }
                    None => eprintln!("{line}"),
                }
            }
        }
    })));
    Shown { bar }
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
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(b) = slot.take() {
                b.finish_and_clear();
            }
        }
    }
}
