//! X5 through the binary org part the edge stores in its org envelope (`snapshot::org_binary`,
//! issue 13): an org part encoded and read back is the same org part, and an engine started
//! from it loads and decides exactly as one started from its JSON text, for random command
//! streams (the differential generator's); JSON bytes still load through the same entry (an
//! envelope an older writer left); damaged or truncated bytes are refused, never a panic.
//!
//! `ORGSPACE_BINARY_CASES` sets the number of sequences (default 100).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

#[path = "differential/agree.rs"]
mod agree;
#[path = "differential/gen.rs"]
#[expect(dead_code, reason = "the generator serves the differential test too")]
mod gen_;

use orgspace_core::snapshot::binary::part_to_binary;
use orgspace_core::snapshot::org_binary::{
    MAGIC, is_binary, org_from_binary, org_from_bytes, org_to_binary,
};
use orgspace_core::snapshot::{OrgPart, WorkspacePart};
use orgspace_core::{Engine, Operation, PartsLoader, SnapshotError};
use proptest::test_runner::TestCaseError;

const DEFAULT_CASES: u32 = 100;

/// The engine over `part`, started from the org part's bytes (binary or JSON).
fn load(org: &[u8], part: &WorkspacePart) -> Result<Engine, SnapshotError> {
    let mut loader = PartsLoader::from_org_bytes(org)?;
    loader.add_bytes(&part_to_binary(part)?)?;
    loader.finish()
}

/// Each part's reader, started from the binary org part and from its JSON, decides alike.
fn readers_agree(full: &Engine) -> Result<(), TestCaseError> {
    let (Some(org), Some(snapshot)) = (full.org_part(), full.snapshot()) else {
        return Ok(());
    };
    let fail = |e: SnapshotError| TestCaseError::fail(e.to_string());
    let bytes = org_to_binary(&org).map_err(fail)?;
    if org_from_binary(&bytes).map_err(fail)? != org {
        return Err(TestCaseError::fail("the org part read back differs"));
    }
    let text = serde_json::to_string(&org).unwrap();
    for part in &snapshot.workspaces {
        let json = load(text.as_bytes(), part).map_err(fail)?;
        let binary = load(&bytes, part).map_err(fail)?;
        if binary.org_part() != json.org_part()
            || binary.workspace_part(&part.id) != json.workspace_part(&part.id)
        {
            return Err(TestCaseError::fail(format!(
                "{}: saved again differs",
                part.id
            )));
        }
        agree::same_answers((&json, &binary), gen_::USERS, part, Operation::ALL, true)
            .map_err(TestCaseError::fail)?;
    }
    Ok(())
}

#[test]
fn x5_a_binary_org_part_loads_as_its_json() {
    let mut runner = agree::runner("ORGSPACE_BINARY_CASES", DEFAULT_CASES);
    let result = runner.run(&gen_::case(25), |case| {
        let mut full = case.new_engine().map_err(TestCaseError::fail)?;
        for step in &case.steps {
            if full.execute(&step.actor, &step.command, step.at).is_ok() {
                readers_agree(&full)?;
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// An org part with a bit of everything: org roles, attributes, reach, nested groups, personal
/// and group workspaces, a data source, escapes in names.
fn sample() -> OrgPart {
    serde_json::from_value(serde_json::json!({
        "id": "acme", "name": "Acme \"Corp\" ü", "version": 9, "default_workspace": "sales",
        "members": [
            {"user": "alice", "roles": ["org_admin"], "reach": 4294967295u64},
            {"user": "bob", "roles": ["auditor"], "attributes": {"region": ["north", "east"], "tier": ["1"]}},
            {"user": "carol", "roles": []}
        ],
        "org_roles": [{"id": "auditor", "name": "Auditor", "points": ["view_audit_log"]}],
        "groups": [
            {"id": "eng", "name": "Eng", "members": ["bob"]},
            {"id": "web", "name": "Web\n", "parent": "eng", "members": ["bob", "carol"]}
        ],
        "workspaces": [
            {"id": "personal:alice", "kind": "personal", "name": "alice", "mode": "private", "owner": "alice"},
            {"id": "personal:bob", "kind": "personal", "name": "bob", "mode": "private", "owner": "bob"},
            {"id": "personal:carol", "kind": "personal", "name": "carol", "mode": "private", "owner": "carol"},
            {"id": "sales", "kind": "group", "name": "Sales", "mode": "collaboration"}
        ],
        "data_sources": [{"id": "dw", "name": "Warehouse", "tables": [{"name": "orders", "columns": [{"name": "id", "type": "number"}, {"name": "region", "type": "string"}]}]}]
    }))
    .unwrap()
}

#[test]
fn x5_a_sample_org_part_round_trips_with_its_tag() {
    let org = sample();
    let bytes = org_to_binary(&org).unwrap();
    assert!(bytes.starts_with(MAGIC) && is_binary(&bytes));
    let json = serde_json::to_string(&org).unwrap();
    assert!(!is_binary(json.as_bytes()));
    assert!(
        bytes.len() < json.len(),
        "{} vs {}",
        bytes.len(),
        json.len()
    );
    assert_eq!(org_from_binary(&bytes).unwrap(), org);
    // JSON bytes through the same entry: what a reader meets in KV from an older writer.
    assert_eq!(org_from_bytes(json.as_bytes()).unwrap(), org);
    assert_eq!(org_from_bytes(&bytes).unwrap(), org);
    let engine = PartsLoader::from_org_bytes(&bytes)
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(engine.org_part(), Some(org));
    assert!(engine.invariant_problems().is_empty());
}

/// One way to break an org part.
type Break = fn(&mut OrgPart);

/// A broken org part gives the same problems read from its binary encoding as from its JSON.
#[test]
fn x5_a_broken_org_part_gives_the_same_problems_either_way() {
    let breaks: Vec<(&str, Break)> = vec![
        ("unknown role", |o| o.members[2].roles = vec!["nope".into()]),
        ("member twice", |o| {
            let m = o.members[1].clone();
            o.members.push(m);
        }),
        ("unknown group member", |o| {
            o.groups[0].members.push("zed".into());
        }),
        ("unknown parent", |o| o.groups[1].parent = Some("x".into())),
        ("owner of nowhere", |o| {
            o.workspaces[0].owner = Some("zed".into())
        }),
        ("empty id", |o| o.id = String::new()),
    ];
    for (what, break_it) in breaks {
        let mut broken = sample();
        break_it(&mut broken);
        let show = |r: Result<PartsLoader, SnapshotError>| match r.and_then(PartsLoader::finish) {
            Ok(_) => String::from("loaded"),
            Err(e) => e.to_string(),
        };
        let json = show(PartsLoader::from_org_bytes(
            serde_json::to_string(&broken).unwrap().as_bytes(),
        ));
        let binary = show(PartsLoader::from_org_bytes(
            &org_to_binary(&broken).unwrap(),
        ));
        assert_ne!(json, "loaded", "{what}");
        assert_eq!(json, binary, "{what}");
    }
}

#[test]
fn x5_truncated_or_damaged_org_bytes_are_refused_without_a_panic() {
    let org = sample();
    let bytes = org_to_binary(&org).unwrap();
    for len in 0..bytes.len() {
        assert!(
            org_from_binary(&bytes[..len]).is_err(),
            "a prefix of {len} bytes decoded"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(org_from_binary(&longer).is_err(), "trailing bytes decoded");
    // Another version of the encoding is refused, not guessed at, through either entry.
    let mut newer = bytes.clone();
    newer[3] = 2;
    assert!(matches!(
        org_from_bytes(&newer),
        Err(SnapshotError::Malformed(_))
    ));
    // Every byte set to some values: an error, or an org part the loader checks as any other
    // (a byte of a name changed); never a panic.
    for i in 4..bytes.len() {
        for v in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] = v;
            if let Ok(part) = org_from_binary(&damaged) {
                if let Ok(engine) = PartsLoader::new(&part).and_then(PartsLoader::finish) {
                    assert!(engine.invariant_problems().is_empty(), "byte {i} = {v}");
                }
            }
        }
    }
}
