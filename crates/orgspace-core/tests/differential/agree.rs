//! What the property tests over engines loaded two ways share: the runner, and the comparison
//! of two engines' answers on one part.

#![allow(dead_code, reason = "each test file uses a subset")]

use orgspace_core::snapshot::WorkspacePart;
use orgspace_core::{Engine, Operation};
use proptest::test_runner::{Config, TestRunner};

/// A runner of `cases` cases (the environment variable `var` sets another number), writing no
/// failure files.
pub fn runner(var: &str, cases: u32) -> TestRunner {
    let cases = std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Every answer of `a` and `b` about `part` at 500 for each of `users`: each asset under every
/// operation of `ops` (the decision and its reason), and, with `lists`, the user's list of the
/// workspace. Names the first that differs.
pub fn same_answers(
    (a, b): (&Engine, &Engine),
    users: &[&str],
    part: &WorkspacePart,
    ops: &[Operation],
    lists: bool,
) -> Result<(), String> {
    for user in users {
        if lists && a.visible_assets(user, &part.id, 500) != b.visible_assets(user, &part.id, 500) {
            return Err(format!("{}: {user}'s list", part.id));
        }
        for asset in &part.assets {
            for &op in ops {
                let x = a.check(user, op, &asset.id, 500).map(|d| a.answer(&d));
                let y = b.check(user, op, &asset.id, 500).map(|d| b.answer(&d));
                if x != y {
                    return Err(format!(
                        "{}: {user} {op} {}: {x:?} against {y:?}",
                        part.id, asset.id
                    ));
                }
            }
        }
    }
    Ok(())
}
