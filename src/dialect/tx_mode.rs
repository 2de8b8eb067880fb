//! `apply --tx-mode`: how much of a script one transaction holds.
//!
//! A plan's transactional phase runs in one transaction (`all`): nothing
//! of it stays when a statement fails, but the transaction holds a lock on
//! every object it touches until it commits, and PostgreSQL's lock table
//! (`max_locks_per_transaction` × connections) runs out on a bootstrap of a
//! few thousand tables ("out of shared memory"). `per-step` commits each
//! step of the plan (a table with its indexes and keys, …) on its own;
//! `none` commits every statement. The script is cut here, before any
//! driver sees it: drivers run phases as they always do.

use super::{DialectKind, Phase, Script};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TxMode {
    /// Each phase in one transaction: a failure leaves nothing of it.
    #[default]
    All,
    /// Each step of the plan in its own transaction: a failure leaves the
    /// steps before it applied.
    PerStep,
    /// Every statement on its own: a failure leaves the statements before
    /// it applied, and can leave a step half done.
    None,
}

impl TxMode {
    /// What a failure midway leaves, for the plan output and docs/safety.md.
    pub fn hazard(self) -> &'static str {
        match self {
            TxMode::All => "each phase runs in one transaction: a failure rolls the phase back",
            TxMode::PerStep => "each step commits on its own: a failure keeps the steps before it (the error lists them) and runs nothing after it",
            TxMode::None => "every statement commits on its own: a failure keeps the statements before it, and may leave its step half done",
        }
    }

    /// Whether the dialect can run the script cut this way. SQLite checks
    /// the database and runs the whole script in one write transaction
    /// (table rebuilds rely on it); MySQL commits every DDL statement
    /// anyway, so every mode runs as `none` there.
    pub fn allowed(self, dialect: DialectKind) -> bool {
        self == TxMode::All || dialect != DialectKind::Sqlite
    }

    /// The script with its transactional phases cut as the mode says.
    pub fn cut(self, script: &Script) -> Script {
        if self == TxMode::All {
            return script.clone();
        }
        let mut phases = Vec::new();
        for phase in &script.phases {
            if !phase.transactional {
                phases.push(phase.clone());
                continue;
            }
            match self {
                TxMode::None => phases.push(Phase {
                    transactional: false,
                    statements: phase.statements.clone(),
                }),
                _ => phases.extend(per_step(phase)),
            }
        }
        Script { phases }
    }
}

/// One transactional phase per step. A statement of no step (a session
/// setting) stays with the step that follows it.
fn per_step(phase: &Phase) -> Vec<Phase> {
    let mut out: Vec<Phase> = Vec::new();
    let mut current: Option<usize> = None;
    let mut open = Phase {
        transactional: true,
        statements: Vec::new(),
    };
    for s in &phase.statements {
        let starts_new = s.step.is_some()
            && current.is_some()
            && s.step != current
            && open.statements.iter().any(|o| o.step.is_some());
        if starts_new {
            out.push(std::mem::replace(
                &mut open,
                Phase {
                    transactional: true,
                    statements: Vec::new(),
                },
            ));
        }
        if s.step.is_some() {
            current = s.step;
        }
        open.statements.push(s.clone());
    }
    if !open.statements.is_empty() {
        out.push(open);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Statement;

    fn st(sql: &str, step: Option<usize>) -> Statement {
        Statement {
            sql: sql.into(),
            step,
            hazards: Vec::new(),
        }
    }

    fn script() -> Script {
        Script {
            phases: vec![
                Phase {
                    transactional: true,
                    statements: vec![
                        st("SET lock_timeout = '5s'", None),
                        st("CREATE TABLE a ()", Some(0)),
                        st("CREATE INDEX ON a", Some(0)),
                        st("CREATE TABLE b ()", Some(1)),
                    ],
                },
                Phase {
                    transactional: false,
                    statements: vec![st("CREATE INDEX CONCURRENTLY x", Some(2))],
                },
            ],
        }
    }

    fn shape(s: &Script) -> Vec<(bool, usize)> {
        s.phases
            .iter()
            .map(|p| (p.transactional, p.statements.len()))
            .collect()
    }

    #[test]
    fn per_step_commits_each_step_and_keeps_every_statement_in_order() {
        let s = script();
        let cut = TxMode::PerStep.cut(&s);
        assert_eq!(shape(&cut), vec![(true, 3), (true, 1), (false, 1)]);
        assert!(cut.statements().eq(s.statements()));
        assert_eq!(TxMode::All.cut(&s), s);
        let none = TxMode::None.cut(&s);
        assert_eq!(shape(&none), vec![(false, 4), (false, 1)]);
        assert!(none.statements().eq(s.statements()));
    }

    #[test]
    fn sqlite_runs_only_whole_phases() {
        assert!(!TxMode::PerStep.allowed(DialectKind::Sqlite));
        assert!(TxMode::All.allowed(DialectKind::Sqlite));
        assert!(TxMode::PerStep.allowed(DialectKind::Postgres));
    }
}
