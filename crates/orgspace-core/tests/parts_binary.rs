//! X5 through the binary part encoding the edge stores in KV (`snapshot::binary`, issue 13): a
//! part encoded and read back loads the same engine as its JSON text (same parts saved again,
//! same decisions), for random command streams (the differential generator's); a broken part
//! gives the same problems either way; JSON bytes still load through the same entry (a value an
//! older writer left); and damaged or truncated bytes are refused, never a panic.
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

use orgspace_core::snapshot::binary::{MAGIC, is_binary, part_to_binary};
use orgspace_core::snapshot::{OrgPart, WorkspacePart};
use orgspace_core::{Engine, Operation, PartsLoader, SnapshotError};
use proptest::test_runner::TestCaseError;

const DEFAULT_CASES: u32 = 100;

fn from_binary(org: &OrgPart, part: &WorkspacePart) -> Result<Engine, SnapshotError> {
    let mut loader = PartsLoader::new(org)?;
    loader.add_bytes(&part_to_binary(part)?)?;
    loader.finish()
}

fn from_json(org: &OrgPart, part: &WorkspacePart) -> Result<Engine, SnapshotError> {
    let mut loader = PartsLoader::new(org)?;
    loader.add_json(&serde_json::to_string(part).unwrap())?;
    loader.finish()
}

/// The reader of each part, from its binary encoding and from its JSON text, decide alike.
fn readers_agree(full: &Engine) -> Result<(), TestCaseError> {
    let (Some(org), Some(snapshot)) = (full.org_part(), full.snapshot()) else {
        return Ok(());
    };
    for part in &snapshot.workspaces {
        let fail = |e: SnapshotError| TestCaseError::fail(format!("{}: {e}", part.id));
        let json = from_json(&org, part).map_err(fail)?;
        let binary = from_binary(&org, part).map_err(fail)?;
        if binary.workspace_part(&part.id).as_ref() != Some(part) {
            return Err(TestCaseError::fail(format!(
                "{}: saved again differs",
                part.id
            )));
        }
        if binary.org_part() != json.org_part() {
            return Err(TestCaseError::fail(format!(
                "{}: org parts differ",
                part.id
            )));
        }
        agree::same_answers((&json, &binary), gen_::USERS, part, Operation::ALL, true)
            .map_err(TestCaseError::fail)?;
    }
    Ok(())
}

#[test]
fn x5_a_binary_part_loads_as_its_json() {
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

/// An organization with a part that has a bit of everything: folders, grants to users and
/// groups, references, a dataset's rules, escapes in names.
fn sample() -> (OrgPart, WorkspacePart) {
    let org: OrgPart = serde_json::from_value(serde_json::json!({
        "id": "acme", "name": "Acme", "version": 3, "default_workspace": "sales",
        "members": [
            {"user": "alice", "roles": ["org_admin"]},
            {"user": "bob", "roles": []},
            {"user": "carol", "roles": []}
        ],
        "groups": [{"id": "eng", "name": "Eng", "members": ["bob"]}],
        "workspaces": [
            {"id": "sales", "kind": "group", "name": "Sales", "mode": "private"},
            {"id": "personal:alice", "kind": "personal", "name": "alice", "mode": "private", "owner": "alice"},
            {"id": "personal:bob", "kind": "personal", "name": "bob", "mode": "private", "owner": "bob"},
            {"id": "personal:carol", "kind": "personal", "name": "carol", "mode": "private", "owner": "carol"}
        ]
    }))
    .unwrap();
    let part: WorkspacePart = serde_json::from_value(serde_json::json!({
        "id": "sales",
        "members": [{"user": "bob", "roles": ["analyst"]}, {"user": "carol", "roles": ["visitor"]}],
        "folders": [
            {"id": "f1", "name": "Top \"one\"", "created_by": "alice"},
            {"id": "f2", "name": "Nested ü", "parent": "f1", "created_by": "bob"}
        ],
        "assets": [
            {"id": "a1", "kind": "dashboard", "name": "Board\n1", "folder": "f2", "owner": "bob",
             "public": true, "created_at": 7, "references": ["a2"],
             "grants": [{"to": {"user": "carol"}, "level": "view", "expires_at": 99},
                        {"to": {"group": "eng"}, "level": "edit"}]},
            {"id": "a2", "kind": "dataset", "name": "Data", "owner": "alice"},
            {"id": "a3", "kind": "workbook", "name": "Book", "folder": "f1", "owner": "carol",
             "grants": [{"to": {"user": "bob"}, "level": "export"}]}
        ]
    }))
    .unwrap();
    (org, part)
}

#[test]
fn x5_a_sample_part_round_trips_with_its_tag() {
    let (org, part) = sample();
    let bytes = part_to_binary(&part).unwrap();
    assert!(bytes.starts_with(MAGIC) && is_binary(&bytes));
    let json = serde_json::to_string(&part).unwrap();
    assert!(!is_binary(json.as_bytes()));
    assert!(
        bytes.len() < json.len(),
        "{} vs {}",
        bytes.len(),
        json.len()
    );
    let engine = from_binary(&org, &part).unwrap();
    assert_eq!(engine.workspace_part("sales"), Some(part.clone()));
    assert!(engine.invariant_problems().is_empty());
    // JSON bytes through the same entry: what a reader meets in KV from an older writer.
    let mut loader = PartsLoader::new(&org).unwrap();
    loader.add_bytes(json.as_bytes()).unwrap();
    assert_eq!(loader.finish().unwrap().workspace_part("sales"), Some(part));
}

/// The problems of a broken part, read both ways.
fn problems(org: &OrgPart, part: &WorkspacePart) -> (String, String) {
    let show = |r: Result<Engine, SnapshotError>| match r {
        Ok(_) => String::from("loaded"),
        Err(e) => e.to_string(),
    };
    (show(from_json(org, part)), show(from_binary(org, part)))
}

/// One way to break a part.
type Break = Box<dyn Fn(&mut WorkspacePart)>;

#[test]
fn x5_a_broken_part_gives_the_same_problems_either_way() {
    let (org, part) = sample();
    let breaks: Vec<(&str, Break)> = vec![
        (
            "unknown owner",
            Box::new(|p| p.assets[0].owner = "zed".into()),
        ),
        (
            "folder of nowhere",
            Box::new(|p| p.assets[0].folder = Some("f9".into())),
        ),
        (
            "unknown grantee",
            Box::new(|p| {
                p.assets[2].grants[0].to = orgspace_core::Target::Group("nobody".into());
            }),
        ),
        (
            "two grants for one target",
            Box::new(|p| {
                let g = p.assets[2].grants[0].clone();
                p.assets[2].grants.push(g);
            }),
        ),
        (
            "asset twice",
            Box::new(|p| {
                let a = p.assets[1].clone();
                p.assets.push(a);
            }),
        ),
        ("bad id", Box::new(|p| p.assets[1].id = String::new())),
        (
            "reference elsewhere",
            Box::new(|p| p.assets[0].references = vec!["zz".into()]),
        ),
        ("unlisted workspace", Box::new(|p| p.id = "nowhere".into())),
    ];
    for (what, break_it) in breaks {
        let mut broken = part.clone();
        break_it(&mut broken);
        let (json, binary) = problems(&org, &broken);
        assert_ne!(json, "loaded", "{what}");
        assert_eq!(json, binary, "{what}");
    }
}

#[test]
fn x5_truncated_or_damaged_bytes_are_refused_without_a_panic() {
    let (org, part) = sample();
    let bytes = part_to_binary(&part).unwrap();
    let load = |b: &[u8]| {
        let mut loader = PartsLoader::new(&org).unwrap();
        loader.add_bytes(b).and_then(|()| loader.finish())
    };
    for len in 0..bytes.len() {
        assert!(
            load(&bytes[..len]).is_err(),
            "a prefix of {len} bytes loaded"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(load(&longer).is_err(), "trailing bytes loaded");
    // Another version of the encoding is refused, not guessed at.
    let mut newer = bytes.clone();
    newer[3] = 2;
    assert!(matches!(load(&newer), Err(SnapshotError::Malformed(_))));
    // Every byte set to every value: an error, or a part that passes every check (a byte of a
    // name changed), never a panic.
    let engine = load(&bytes).unwrap();
    for i in 4..bytes.len() {
        for v in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] = v;
            if let Ok(e) = load(&damaged) {
                assert!(e.invariant_problems().is_empty(), "byte {i} = {v}");
            }
        }
    }
    assert!(engine.invariant_problems().is_empty());
}
