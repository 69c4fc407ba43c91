//! Rounds answer as one piece does (issue 13): on the final state of every conformance
//! scenario, for every member, a filter and a batch of checks over every asset (shuffled, with
//! duplicates, unknown ids and wrong hints) answered round by round, each round by an engine
//! holding only that round's parts (as the writer holds them), equal the whole engine's answer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use crate::queries::{CheckItem, run_query};
use orgspace_conformance::load_path;
use orgspace_core::{Engine, Operation};
use std::path::PathBuf;

fn final_states() -> Vec<(String, Engine, u64)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let scenarios = load_path(&root).unwrap();
    assert!(scenarios.len() > 100);
    let mut out = Vec::new();
    for loaded in &scenarios {
        let scenario = &loaded.scenario;
        let mut engine = match &scenario.snapshot {
            Some(s) => Engine::from_snapshot(s).unwrap(),
            None => Engine::new(),
        };
        let mut now = 0;
        for step in &scenario.steps {
            now = step.at.unwrap_or(now);
            if let Some(command) = step.action.command() {
                let _ = engine.execute(&step.actor, command, now);
            }
        }
        if engine.org_id().is_some() {
            out.push((scenario.name.clone(), engine, now));
        }
    }
    out
}

/// Each asset's workspace, as the locator buckets hold it.
fn located(engine: &Engine) -> BTreeMap<String, String> {
    let org = engine.org_part().unwrap();
    org.workspaces
        .iter()
        .filter_map(|h| engine.workspace_part(&h.id))
        .flat_map(|p| {
            let ws = p.id.clone();
            p.assets.into_iter().map(move |a| (a.id, ws.clone()))
        })
        .collect()
}

/// The answer in rounds of at most `per_round` parts, each round on an engine of its parts.
fn in_rounds(
    engine: &Engine,
    actor: &str,
    query: &Query,
    now: u64,
    per_round: usize,
) -> Result<Value, ApiError> {
    let at = located(engine);
    let needs = item_parts(query, &at).unwrap();
    let rounds = plan(&needs, |_| 1, per_round, per_round).unwrap();
    let org = engine.org_part().unwrap();
    let index = engine.index().unwrap();
    let mut answers = Vec::new();
    for round in rounds {
        let parts: Vec<_> = round
            .parts
            .iter()
            .filter_map(|w| engine.workspace_part(w))
            .collect();
        let partial = Engine::from_parts_indexed(&org, &index, &parts).unwrap();
        let value = run_query(&partial, actor, &sub_query(query, &round.items), now)?;
        answers.push((round.items, value));
    }
    join(query, answers)
}

#[test]
fn x1_a_list_answered_in_rounds_equals_the_list_answered_whole() {
    let mut compared = 0;
    for (name, engine, now) in final_states() {
        let at = located(&engine);
        let org = engine.org_part().unwrap();
        // Every asset, reversed (not the engine's order), twice, with unknown ids between.
        let mut ids: Vec<String> = at.keys().rev().cloned().collect();
        ids.push("no-such-asset".into());
        ids.extend(at.keys().step_by(2).cloned());
        let workspaces: Vec<String> = org.workspaces.iter().map(|h| h.id.clone()).collect();
        let checks: Vec<CheckItem> = ids
            .iter()
            .enumerate()
            .map(|(i, a)| CheckItem {
                operation: if i % 3 == 0 {
                    Operation::Modify
                } else {
                    Operation::View
                },
                asset: Some(a.clone()),
                // Every fourth check carries a hint, right or wrong.
                workspace: (i % 4 == 0).then(|| workspaces[i % workspaces.len()].clone()),
                kind: None,
            })
            .collect();
        let queries = [
            Query::Filter {
                operation: Operation::View,
                assets: ids.clone(),
                workspace: None,
            },
            Query::Filter {
                operation: Operation::Modify,
                assets: ids.clone(),
                workspace: None,
            },
            Query::Check {
                checks,
                batch: true,
            },
        ];
        for member in org
            .members
            .iter()
            .map(|m| m.user.clone())
            .chain(["stranger".into()])
        {
            for query in &queries {
                let whole = run_query(&engine, &member, query, now);
                for per_round in [1, 2] {
                    let rounds = in_rounds(&engine, &member, query, now, per_round);
                    match (&whole, &rounds) {
                        (Ok(w), Ok(r)) => {
                            assert_eq!(w, r, "{name}: {member}, {query:?} in rounds of {per_round}")
                        }
                        (Err(w), Err(r)) => assert_eq!((w.status, w.code), (r.status, r.code)),
                        (w, r) => panic!("{name}: {member}: whole {w:?}, rounds {r:?}"),
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} comparisons");
}

#[test]
fn plan_bounds_each_round_and_refuses_lists_over_the_cap() {
    let needs: Vec<Vec<String>> = (0..10)
        .map(|i| vec![format!("w{}", i % 5)])
        .chain([vec![], vec!["w0".into(), "w9".into()]])
        .collect();
    let rounds = plan(&needs, |_| 10, 20, 64).unwrap();
    // Every item once; no round past two parts (20 bytes of parts costing 10).
    let mut items: Vec<usize> = rounds.iter().flat_map(|r| r.items.clone()).collect();
    items.sort_unstable();
    assert_eq!(items, (0..12).collect::<Vec<_>>());
    assert!(rounds.iter().all(|r| r.parts.len() <= 2), "{rounds:?}");
    for r in &rounds {
        for &i in &r.items {
            assert!(needs[i].iter().all(|p| r.parts.contains(p)), "{rounds:?}");
        }
    }
    // A part larger than the budget is a round of its own.
    let big = plan(
        &[vec!["huge".into()], vec!["small".into()]],
        |p| if p == "huge" { 100 } else { 1 },
        10,
        64,
    )
    .unwrap();
    assert_eq!(big.len(), 2);
    // Past MAX_QUERY_WORKSPACES the caller is asked to split.
    let many: Vec<Vec<String>> = (0..=MAX_QUERY_WORKSPACES)
        .map(|i| vec![format!("w{i}")])
        .collect();
    let e = plan(&many, |_| 1, usize::MAX, usize::MAX).unwrap_err();
    assert_eq!(e.status, 400);
    assert!(plan(&many[1..], |_| 1, usize::MAX, usize::MAX).is_ok());
}
