//! Size caps on what every edge reader loads: a member's attributes (D2) are capped when set and
//! when a snapshot is loaded, so that no command or import makes the org part larger than edge
//! storage takes.

mod common;

use common::{ALICE, Fixture, MAIN};
use orgspace_core::{Command, Engine, SnapshotError};
use std::collections::BTreeMap;

fn attributes(n: usize, values: usize, len: usize) -> BTreeMap<String, Vec<String>> {
    (0..n)
        .map(|i| {
            let vals = (0..values).map(|j| format!("{j:0>len$}")).collect();
            (format!("a{i}"), vals)
        })
        .collect()
}

fn set(user: &str, attributes: BTreeMap<String, Vec<String>>) -> Command {
    Command::SetAttributes {
        user: user.into(),
        attributes,
    }
}

#[test]
fn d2_attributes_within_the_caps_are_accepted() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["analyst"]);
    // 64 attributes of one value, 64 values of one attribute, 256-byte values, up to 16 KB.
    f.ok(ALICE, set("bob", attributes(64, 1, 8)));
    f.ok(ALICE, set("bob", attributes(1, 64, 200)));
    f.ok(ALICE, set("bob", attributes(1, 1, 256)));
}

#[test]
fn d2_attributes_past_a_cap_are_invalid_and_change_nothing() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["analyst"]);
    let before = f.engine.to_json();
    for (what, attrs) in [
        ("65 attributes", attributes(65, 1, 1)),
        ("65 values", attributes(1, 65, 1)),
        ("a 257-byte value", attributes(1, 1, 257)),
        ("17 KB in all", attributes(2, 40, 220)),
    ] {
        let refusal = f.refused_as(ALICE, set("bob", attrs.clone()), "invalid");
        assert!(!refusal.to_string().is_empty(), "{what}");
        let add = Command::AddMember {
            user: "eve".into(),
            org_roles: vec![],
            workspace: Some(MAIN.into()),
            workspace_roles: vec!["analyst".into()],
            attributes: attrs,
        };
        f.refused_as(ALICE, add, "invalid");
        assert_eq!(f.engine.to_json(), before, "{what}: X2");
    }
}

#[test]
fn d2_a_snapshot_with_attributes_past_the_caps_does_not_load() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["analyst"]);
    let mut snapshot = f.engine.snapshot().expect("an org");
    let bob = snapshot
        .org
        .members
        .iter_mut()
        .find(|m| m.user == "bob")
        .expect("bob");
    bob.attributes = attributes(200, 1, 1);
    match Engine::from_snapshot(&snapshot) {
        Err(SnapshotError::Problems(problems)) => {
            assert!(
                problems.iter().any(|p| p.to_string().contains("bob")),
                "{problems:?}"
            );
        }
        other => panic!("loaded: {:?}", other.map(|e| e.version())),
    }
}
