//! `Engine::filter` answers exactly as one check per id, whatever the order of the list: the
//! engine's own order (which it looks up by position), reversed, shuffled, with unknown and
//! repeated ids (W7, A1).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

mod common;

use common::rich::{ASSETS, USERS, rich};
use orgspace_core::Operation;

#[test]
fn w7_filter_agrees_with_checks_in_any_order() {
    let mut f = rich();
    // A removed asset keeps its slot: its id must not be found by position either.
    f.ok(common::ALICE, common::cmd::delete("wb"));
    let snapshot = f.engine.snapshot().unwrap();
    let in_engine_order: Vec<String> = snapshot
        .workspaces
        .iter()
        .flat_map(|p| p.assets.iter().map(|a| a.id.clone()))
        .collect();
    let mut lists: Vec<Vec<&str>> = vec![in_engine_order.iter().map(String::as_str).collect()];
    lists.push(lists[0].iter().rev().copied().collect());
    lists.push(ASSETS.to_vec());
    let mut mixed: Vec<&str> = vec!["nope", ASSETS[0], ASSETS[0], "", ASSETS[3], "wb"];
    mixed.extend(lists[0].iter().step_by(2));
    mixed.extend(lists[0].iter());
    lists.push(mixed);
    for user in USERS.iter().chain(["stranger"].iter()) {
        for &op in Operation::ALL {
            for list in &lists {
                let want: Vec<&str> = list
                    .iter()
                    .copied()
                    .filter(|id| {
                        f.engine.asset_handle(id).is_some()
                            && f.engine.user_handle(user).is_some()
                            && if op == Operation::Create {
                                f.engine.check(user, op, id, f.now).unwrap().allowed
                            } else {
                                f.check(user, op, id).allowed
                            }
                    })
                    .collect();
                assert_eq!(
                    f.engine.filter(user, op, list, f.now).unwrap(),
                    want,
                    "{user} {op} {list:?}"
                );
            }
        }
    }
}
