//! Snapshots as JSON values, to break one invariant at a time.

use super::rich::OPS;
use super::{ALICE, Fixture, MAIN};
use orgspace_core::{Engine, Kind, Mode, Problem, Rule, SnapshotError};
use serde_json::Value;

/// A small valid organization: bob (developer) only in main, carol (visitor) only in ops,
/// a folder in each workspace and bob's dashboard in main's folder.
pub fn small() -> Value {
    let mut f = Fixture::new();
    f.workspace(OPS, Mode::Private);
    f.member("bob", MAIN, &["developer"]);
    f.member("carol", OPS, &["visitor"]);
    f.folder(ALICE, "fm", MAIN, None);
    f.folder(ALICE, "fo", OPS, None);
    f.asset_in("bob", "d1", MAIN, Kind::Dashboard, "fm");
    serde_json::from_str(&f.engine.to_json()).unwrap()
}

pub fn part<'a>(v: &'a mut Value, ws: &str) -> &'a mut Value {
    v["workspaces"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["id"] == ws)
        .unwrap()
}

pub fn member<'a>(list: &'a mut Value, user: &str) -> &'a mut Value {
    list.as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m["user"] == user)
        .unwrap()
}

/// Loads `small()` after `mutate` and returns its problems; it must not load.
pub fn problems(mutate: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut v = small();
    mutate(&mut v);
    match Engine::from_json(&v.to_string()) {
        Ok(_) => panic!("a broken snapshot loaded"),
        Err(SnapshotError::Problems(p)) => p,
        Err(e) => panic!("expected problems, got {e}"),
    }
}

pub fn assert_names(problems: &[Problem], rule: Rule, words: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.rule == Some(rule) && p.message.contains(words)),
        "no {rule} problem mentioning `{words}` in {problems:?}"
    );
}
