//! Property test: `filter_indexes`, the batch decision behind `filter` (src/batch.rs), answers
//! exactly as one `check` per asset, on random states reached by the differential test's
//! command sequences (tests/differential/gen.rs: custom roles, nested groups, expiring grants,
//! personal workspaces, central authorizers), for every member and a stranger, every
//! operation, times on and around grant expiries, and lists in the engine's order, reversed
//! and random (unknown indexes, removed assets, duplicates). Also: `asset_ids` only grows, so a
//! host's map from id to index stays true (the npm package's `filter` relies on it), and
//! `filter` by ids agrees with `filter_indexes`.
//!
//! `ORGSPACE_FILTER_CASES` sets the number of sequences (default 1,000).

#![allow(clippy::indexing_slicing, reason = "test code")]

#[path = "differential/gen.rs"]
#[allow(
    dead_code,
    reason = "the generator's query pools serve the differential test only"
)]
mod gen_;

use gen_::{Case, USERS};
use orgspace_core::{Engine, Operation};
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Query times: before, on and just around the generator's grant expiries (150, 250, ...).
const TIMES: &[u64] = &[
    0, 100, 149, 150, 151, 249, 250, 300, 350, 449, 450, 451, 500,
];

/// What one `check` per asset says: the positions of `list` that are allowed.
fn by_checks(engine: &Engine, user: &str, op: Operation, list: &[u32], now: u64) -> Vec<u32> {
    let ids: Vec<&str> = engine.asset_ids().collect();
    (0u32..)
        .zip(list)
        .filter(|(_, ix)| {
            ids.get(**ix as usize).is_some_and(|id| {
                // A removed asset is `not_found`: not allowed.
                engine.check(user, op, id, now).is_ok_and(|d| d.allowed)
            })
        })
        .map(|(k, _)| k)
        .collect()
}

fn agree(engine: &Engine, random: &[u32], step: usize) -> Result<(), String> {
    let n = u32::try_from(engine.asset_ids().len()).unwrap_or(u32::MAX);
    let in_order: Vec<u32> = (0..n).collect();
    let reversed: Vec<u32> = (0..n).rev().collect();
    // Random raw values reach past the table: unknown assets.
    let lists = [in_order, reversed, random.to_vec(), vec![u32::MAX, 0, 0, n]];
    let ids: Vec<&str> = engine.asset_ids().collect();
    for user in USERS.iter().chain(&["stranger"]) {
        for &op in Operation::ALL {
            // Every time over the run, not every time at every step.
            for now in [
                TIMES[step % TIMES.len()],
                TIMES[(step * 7 + 3) % TIMES.len()],
            ] {
                // A1: within the span `filter_steady` gives, the answers are those at `now`.
                let (from, until) = engine.filter_steady(now);
                if !(from <= now && now < until) {
                    return Err(format!("steady span [{from}, {until}) misses {now}"));
                }
                let at_now = engine.filter_indexes(user, op, &lists[0], now);
                for t in [from, until.saturating_sub(1)] {
                    if engine.filter_indexes(user, op, &lists[0], t) != at_now {
                        return Err(format!(
                            "{user} {op}: filter at {t} differs from at {now}, steady in [{from}, {until})"
                        ));
                    }
                }
                for list in &lists {
                    let got = engine
                        .filter_indexes(user, op, list, now)
                        .map_err(|e| e.to_string())?;
                    let want = by_checks(engine, user, op, list, now);
                    if got != want {
                        return Err(format!(
                            "filter_indexes {user} {op} {list:?} at {now}: got {got:?}, checks say {want:?}"
                        ));
                    }
                    let names: Vec<&str> = list
                        .iter()
                        .map(|ix| ids.get(*ix as usize).copied().unwrap_or("unknown"))
                        .collect();
                    let kept: Vec<&str> = want.iter().map(|k| names[*k as usize]).collect();
                    let by_ids = engine
                        .filter(user, op, &names, now)
                        .map_err(|e| e.to_string())?;
                    if by_ids != kept {
                        return Err(format!(
                            "filter {user} {op} {names:?} at {now}: got {by_ids:?}, checks say {kept:?}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn run(case: &Case, random: &[u32]) -> Result<(), String> {
    let mut engine = case.new_engine()?;
    let mut before: Vec<String> = Vec::new();
    for (i, step) in case.steps.iter().enumerate() {
        // Refused commands are part of the run: they must change nothing.
        let _ = engine.execute(&step.actor, &step.command, step.at);
        let after: Vec<String> = engine.asset_ids().map(String::from).collect();
        if after.get(..before.len()) != Some(&before[..]) {
            return Err(format!(
                "step {i}: asset_ids {after:?} does not extend {before:?}"
            ));
        }
        // A host asks only for the ids past those it holds (`Ids::nth` skips without reading).
        for k in [0, 1, after.len() / 2, after.len(), after.len() + 1] {
            let rest: Vec<&str> = engine.asset_ids().skip(k).collect();
            if rest != after.iter().skip(k).map(String::as_str).collect::<Vec<_>>() {
                return Err(format!("step {i}: asset_ids().skip({k}) is {rest:?}"));
            }
        }
        before = after;
        agree(&engine, random, i).map_err(|e| format!("after step {i} ({step:?}): {e}"))?;
    }
    Ok(())
}

#[test]
fn w7_a1_filter_indexes_agrees_with_check_per_asset() {
    let cases = std::env::var("ORGSPACE_FILTER_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(1_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (gen_::case(25), proptest::collection::vec(0u32..8, 0..24));
    let result = runner.run(&strategy, |(case, random)| {
        run(&case, &random).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
