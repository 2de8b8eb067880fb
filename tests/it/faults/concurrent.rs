//! Two and three applies at once on one database: the apply lock makes
//! them run one after the other; each ends with exit 0 or a diagnostic,
//! and the database ends as desired with every row.

use super::kill9::{MYSQL_BIG, MYSQL_WIDE, PG_START, PG_WANT};
use super::*;
use crate::support::count;

/// Runs `n` applies at once; every one exits 0 or 1 with a diagnostic
/// code, at least one succeeds.
fn race(have: &str, want: &str, n: usize) -> Vec<(Option<i32>, String)> {
    let children: Vec<Child> = (0..n).map(|_| spawn_apply(have, want, &[])).collect();
    let outcomes: Vec<_> = children.into_iter().map(finish).collect();
    for (code, err) in &outcomes {
        assert!(matches!(code, Some(0) | Some(1)), "{code:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        if *code == Some(1) {
            assert!(err.contains("strata::"), "a diagnostic: {err}");
        }
    }
    assert!(outcomes.iter().any(|(c, _)| *c == Some(0)), "{outcomes:?}");
    outcomes
}

#[test]
fn mysql_three_applies_at_once() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(&rt, "f_race", MYSQL_BIG, MYSQL_WIDE) else {
        return;
    };
    race(&have.url, &want.url, 3);
    rt.block_on(assert_same(&have.url, &want.url, "after the race"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM big")),
        Ok(400_000)
    );
    let pending =
        "SELECT COUNT(*) FROM strata_history WHERE applied_at IS NULL AND superseded_by IS NULL";
    assert_eq!(rt.block_on(count(&have.url, pending)), Ok(0));
    assert_converged(&have.url, &want.url);
}

#[test]
fn postgres_two_applies_at_once() {
    let rt = rt();
    let Some((have, want)) = pg_pair(&rt, "f_race", PG_START, PG_WANT) else {
        return;
    };
    for (code, err) in race(&have.url, &want.url, 2) {
        // The loser planned before the winner applied: its statement
        // fails and its transaction leaves nothing.
        if code == Some(1) {
            assert!(err.contains("rolled back"), "{err}");
        }
    }
    rt.block_on(assert_same(&have.url, &want.url, "after the race"));
    assert_eq!(
        rt.block_on(count(&have.url, "SELECT COUNT(*) FROM t")),
        Ok(1)
    );
    assert_converged(&have.url, &want.url);
}
