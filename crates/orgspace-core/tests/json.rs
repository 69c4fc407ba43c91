//! `orgspace_core::json` (what the npm package reads with) and the internally tagged enums
//! read without serde's buffering: the same values and errors as `serde_json` with serde's
//! derives, from every JSON document the conformance suite holds and from inputs at the
//! edges of the format.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "helpers fail the test that calls them, on purpose"
)]

mod common;

use common::rich::rich;
use orgspace_core::{Command, Event, Snapshot, json};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

/// Reads `text` as a `T` through the tree and through `serde_json`'s parser: both give the
/// same value, or both refuse it.
fn read<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<T, String> {
    let tree = json::from_str::<T>(text).map_err(|e| e.to_string());
    let parser = serde_json::from_str::<T>(text).map_err(|e| e.to_string());
    match (&tree, &parser) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text}: tree {tree:?}, parser {parser:?}"),
    }
    tree
}

/// [`read`], and from a `serde_json::Value` too (which keeps one of duplicate keys, so only
/// for documents without).
fn read_all_ways<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
    let tree = read::<T>(text);
    let value = serde_json::from_str::<Value>(text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_json::from_value::<T>(v).map_err(|e| e.to_string()));
    match (&tree, &value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text}: tree {tree:?}, value {value:?}"),
    }
}

/// The error for `text`, which every path must refuse: the tree's message, checked against
/// the parser's without its position.
fn refused<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> String {
    let Err(message) = read::<T>(text) else {
        panic!("{text} is accepted");
    };
    let parser = serde_json::from_str::<T>(text).unwrap_err();
    let at = format!(" at line {} column {}", parser.line(), parser.column());
    let parser = parser.to_string();
    assert_eq!(
        message,
        parser.strip_suffix(&at).unwrap_or(&parser),
        "{text}"
    );
    message
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_conformance_snapshot_and_command_reads_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    let (mut snapshots, mut commands) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let scenarios = match serde_json::from_str::<Value>(&text).unwrap() {
            Value::Array(items) => items,
            other => vec![other],
        };
        for scenario in scenarios {
            if let Some(snapshot) = scenario.get("snapshot") {
                read_all_ways::<Snapshot>(&snapshot.to_string());
                snapshots += 1;
            }
            for step in scenario["steps"].as_array().into_iter().flatten() {
                if let Some(command) = step.get("command") {
                    read_all_ways::<Command>(&command.to_string());
                    commands += 1;
                }
            }
        }
    }
    assert!(
        snapshots > 10 && commands > 1000,
        "{snapshots} snapshots, {commands} commands"
    );
}

#[test]
fn a_snapshot_with_its_audit_log_reads_the_same() {
    let text = rich().engine.to_json();
    let snapshot = read::<Snapshot>(&text).unwrap();
    assert!(!snapshot.audit.is_empty());
    assert_eq!(serde_json::to_string(&snapshot).unwrap(), text);
}

#[test]
fn the_tag_may_come_anywhere_or_first_in_an_array() {
    let first = read::<Command>(r#"{"type": "delete_asset", "asset": "a"}"#).unwrap();
    let last = read::<Command>(r#"{"asset": "a", "type": "delete_asset"}"#).unwrap();
    let array = read::<Command>(r#"["delete_asset", "a"]"#).unwrap();
    assert_eq!(first, last);
    assert_eq!(first, array);
    let share = r#"["share", "a", [{"user": "b"}, {"group": "g"}], "edit", 5]"#;
    assert!(matches!(read::<Command>(share), Ok(Command::Share { .. })));
    let event = read::<Event>(r#"{"workspace": "w", "type": "asset_created", "asset": "a"}"#);
    assert!(matches!(event, Ok(Event::AssetCreated { .. })));
}

#[test]
fn upgrade_org_takes_its_organization_beside_the_tag() {
    let text = r#"{"type": "upgrade_org", "org": "acme", "name": "Acme",
        "default_workspace": "main", "users": [{"user": "alice", "admin": true}]}"#;
    let Ok(Command::UpgradeOrg(legacy)) = read::<Command>(text) else {
        panic!("upgrade_org");
    };
    assert_eq!(legacy.users.len(), 1);
    let array = r#"["upgrade_org", "acme", "Acme", "main", null, [{"user": "alice"}]]"#;
    assert!(matches!(read::<Command>(array), Ok(Command::UpgradeOrg(_))));
    let unknown = r#"{"type": "upgrade_org", "org": "a", "name": "A", "default_workspace": "m",
        "users": [], "extra": 1}"#;
    assert!(refused::<Command>(unknown).starts_with("unknown field `extra`"));
}

#[test]
fn structs_given_as_arrays_read_as_their_fields() {
    let object = r#"{"to": {"user": "b"}, "level": "view"}"#;
    let array = r#"[{"user": "b"}, "view"]"#;
    assert_eq!(
        read::<orgspace_core::snapshot::GrantDoc>(object).unwrap(),
        read::<orgspace_core::snapshot::GrantDoc>(array).unwrap()
    );
    assert!(read::<orgspace_core::snapshot::GrantDoc>(r#"[{"user": "b"}]"#).is_err());
    assert!(
        read::<orgspace_core::snapshot::GrantDoc>(r#"[{"user": "b"}, "view", null, 1]"#).is_err()
    );
}

#[test]
fn refusals_carry_serdes_messages() {
    let cases = [
        (
            r#"{"type": "nope"}"#,
            "unknown variant `nope`, expected one of `create_org`",
        ),
        (r#"{"asset": "a"}"#, "missing field `type`"),
        (r#"{"type": "delete_asset"}"#, "missing field `asset`"),
        (
            r#"{"type": "delete_asset", "asset": "a", "x": 1}"#,
            "unknown field `x`, expected `asset`",
        ),
        (
            r#"{"type": "delete_asset", "asset": "a", "asset": "b"}"#,
            "duplicate field `asset`",
        ),
        (
            r#"{"type": "delete_asset", "asset": 1}"#,
            "invalid type: integer `1`, expected a string",
        ),
        (
            r#"{"type": "delete_asset", "asset": 1.5}"#,
            "invalid type: floating point `1.5`, expected a string",
        ),
        (
            r#"{"type": "delete_asset", "asset": ["a"]}"#,
            "invalid type: sequence, expected a string",
        ),
        (
            r#"{"type": "set_public", "asset": "a", "public": "yes"}"#,
            r#"invalid type: string "yes", expected a boolean"#,
        ),
        (
            r#"{"type": "grant", "asset": "a", "target": {"user": "b"}, "level": "all"}"#,
            "unknown variant `all`",
        ),
        (
            r#"{"type": "grant", "asset": "a", "target": {"user": "b"}, "level": "view", "expires_at": -1}"#,
            "invalid value: integer `-1`, expected u64",
        ),
        (
            "42",
            "invalid type: integer `42`, expected internally tagged enum Command",
        ),
        (
            "null",
            "invalid type: null, expected internally tagged enum Command",
        ),
    ];
    for (text, start) in cases {
        let message = refused::<Command>(text);
        assert!(message.starts_with(start), "{text}: {message}");
    }
    // An array form with an item too many, as serde says it; one too few names the field
    // (serde's derive said "invalid length 0, expected struct variant ... with 1 element").
    let long = refused::<Command>(r#"["delete_asset", "a", "b"]"#);
    assert_eq!(long, "invalid length 2, expected 1 element in sequence");
    assert_eq!(
        refused::<Command>(r#"["delete_asset"]"#),
        "missing field `asset`"
    );
    // Two tags: serde names the tag a duplicate field.
    let twice = read::<Command>(r#"{"type": "delete_asset", "asset": "a", "type": "x"}"#);
    assert_eq!(twice.unwrap_err(), "duplicate field `type`");
    // Text that is not JSON keeps serde_json's message and position.
    let err = json::from_str::<Command>(r#"{"type": "#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("EOF while parsing a value at line 1"),
        "{err}"
    );
}

#[test]
fn maps_keep_the_last_of_duplicate_keys_as_serde_json_does() {
    let text = r#"{"type": "set_attributes", "user": "u", "attributes": {"a": ["1"], "a": ["2"]}}"#;
    let Ok(Command::SetAttributes { attributes, .. }) = read::<Command>(text) else {
        panic!("set_attributes");
    };
    assert_eq!(attributes["a"], ["2"]);
}
