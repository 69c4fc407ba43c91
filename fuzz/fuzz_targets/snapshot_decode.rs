//! Arbitrary bytes as a snapshot: `Engine::from_json` must not panic; a snapshot it accepts
//! meets X5, saves and loads back to the same bytes, answers every query without panicking,
//! and keeps X5 (or changes nothing, X2) under a few commands run on it. The same bytes read
//! as a snapshot and as a command through `orgspace_core::json` (how the npm package reads)
//! give what `serde_json` gives: the same value, or a refusal from both.

#![no_main]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "fuzz harness: a failed assertion is how a target reports a bug"
)]

use libfuzzer_sys::fuzz_target;
use orgspace_core::snapshot::binary::{self, part_to_binary};
use orgspace_core::snapshot::org_binary::{self, org_from_binary, org_to_binary};
use orgspace_core::snapshot::{OrgPart, Snapshot};
use orgspace_core::{Command, Engine, Kind, Mode, Operation, PartsLoader, Target, WorkspaceKind};
use orgspace_fuzz::{
    assert_invariants, assert_round_trip, assert_scope_paths_agree, execute_checked,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::fmt::Debug;

/// At most this many of each kind of id are queried or commanded, to keep runs fast.
const MAX_IDS: usize = 6;
const NOW: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    binary_parts(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    same_reading::<Snapshot>(text);
    same_reading::<Command>(text);
    // Partial loads (one workspace part at a time) must not panic either.
    if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text) {
        for part in snapshot.workspaces.iter().take(MAX_IDS) {
            if let Ok(partial) = Engine::from_parts(&snapshot.org, std::slice::from_ref(part)) {
                assert_invariants(&partial, "a partial load");
                let mut p = partial.clone();
                assert!(
                    p.execute("x", &Command::RenameOrg { name: "n".into() }, NOW)
                        .is_err(),
                    "a partial engine refuses commands"
                );
            }
        }
    }
    let Ok(engine) = Engine::from_json(text) else {
        return;
    };
    assert_invariants(&engine, "loading a snapshot");
    let engine = assert_round_trip(&engine, "loading a snapshot");
    let Some(snapshot) = engine.snapshot() else {
        panic!("a loaded engine has a snapshot");
    };

    let users: Vec<&str> = snapshot
        .org
        .members
        .iter()
        .take(MAX_IDS)
        .map(|m| m.user.as_str())
        .chain(["nobody"])
        .collect();
    let parts: Vec<_> = snapshot.workspaces.iter().take(MAX_IDS).collect();
    let assets: Vec<(&str, Kind)> = parts
        .iter()
        .flat_map(|w| w.assets.iter().take(MAX_IDS))
        .map(|a| (a.id.as_str(), a.kind))
        .collect();
    let asset_ids: Vec<&str> = assets.iter().map(|a| a.0).chain(["missing"]).collect();

    // Queries: no panic, and `check`, `check_handles` and `filter` agree.
    for &user in &users {
        for op in Operation::ALL.iter().copied() {
            let allowed = engine.filter(user, op, &asset_ids, NOW).unwrap_or_default();
            for &asset in &asset_ids {
                match engine.check(user, op, asset, NOW) {
                    Ok(d) => {
                        let _ = engine.answer(&d).to_string();
                        assert_eq!(
                            d.allowed,
                            allowed.contains(&asset),
                            "check and filter disagree: {user} {op} {asset}"
                        );
                        if op != Operation::Create
                            && let (Some(u), Some(a)) =
                                (engine.user_handle(user), engine.asset_handle(asset))
                        {
                            assert_eq!(engine.check_handles(u, op, a, NOW), d);
                        }
                    }
                    Err(_) => assert!(engine.asset_handle(asset).is_none()),
                }
            }
        }
        for part in &parts {
            let _ = engine.visible_assets(user, &part.id, NOW);
            let _ = engine.visible_folders(user, &part.id, NOW);
            let _ = engine.check_create(user, &part.id, Kind::Dashboard);
            let _ = engine.mode_switch_dry_run(user, &part.id, Mode::Private, NOW);
            let _ = engine.mode_switch_dry_run(user, &part.id, Mode::Collaboration, NOW);
        }
        for &(asset, kind) in &assets {
            if kind == Kind::Dataset
                && let Ok(scope) = engine.data_scope(user, asset, NOW)
            {
                let rows: Vec<Map<String, Value>> = [
                    json!({"region": "east", "amount": 1, "flag": true}),
                    json!({"region": "west", "amount": 2.5, "flag": false, "email": "x"}),
                    json!({"region": null}),
                ]
                .into_iter()
                .filter_map(|v| v.as_object().cloned())
                .collect();
                assert_scope_paths_agree(&scope, &rows, 0);
            }
        }
    }

    // A few commands on the loaded state, each on a fresh copy.
    let Some(admin) = snapshot
        .org
        .members
        .iter()
        .find(|m| m.roles.iter().any(|r| r == "org_admin"))
        .map(|m| m.user.clone())
    else {
        panic!("X5 (O5): a loaded snapshot has an org admin");
    };
    let mut commands: Vec<(String, Command)> = Vec::new();
    for m in snapshot.org.members.iter().take(MAX_IDS) {
        commands.push((
            admin.clone(),
            Command::RemoveMember {
                user: m.user.clone(),
                new_owner: Some(admin.clone()),
            },
        ));
        commands.push((
            admin.clone(),
            Command::SetOrgRoles {
                user: m.user.clone(),
                roles: vec![],
            },
        ));
    }
    for g in snapshot.org.groups.iter().take(MAX_IDS) {
        commands.push((
            admin.clone(),
            Command::DeleteGroup {
                group: g.id.clone(),
            },
        ));
    }
    for w in snapshot.org.workspaces.iter().take(MAX_IDS) {
        let id = w.id.clone();
        if w.kind == WorkspaceKind::Group {
            let other = match w.mode {
                Mode::Private => Mode::Collaboration,
                Mode::Collaboration => Mode::Private,
            };
            commands.push((
                admin.clone(),
                Command::SetWorkspaceMode {
                    workspace: id.clone(),
                    mode: other,
                },
            ));
            commands.push((
                admin.clone(),
                Command::DeleteWorkspace {
                    workspace: id.clone(),
                },
            ));
            commands.push((
                admin.clone(),
                Command::SetDefaultWorkspace {
                    workspace: id.clone(),
                },
            ));
        }
        commands.push((
            admin.clone(),
            Command::CreateAsset {
                asset: "fuzz_new".into(),
                workspace: id,
                kind: Kind::Dashboard,
                name: "New".into(),
                folder: None,
                references: vec![],
            },
        ));
    }
    for part in &parts {
        for f in part.folders.iter().take(MAX_IDS) {
            commands.push((
                admin.clone(),
                Command::DeleteFolder {
                    folder: f.id.clone(),
                },
            ));
            commands.push((
                admin.clone(),
                Command::MoveFolder {
                    folder: f.id.clone(),
                    parent: None,
                },
            ));
        }
        for a in part.assets.iter().take(MAX_IDS) {
            commands.push((
                admin.clone(),
                Command::DeleteAsset {
                    asset: a.id.clone(),
                },
            ));
            commands.push((
                a.owner.clone(),
                Command::TransferOwnership {
                    asset: a.id.clone(),
                    to: admin.clone(),
                },
            ));
            commands.push((
                admin.clone(),
                Command::Share {
                    asset: a.id.clone(),
                    with: vec![Target::User(a.owner.clone())],
                    level: None,
                    expires_at: None,
                },
            ));
        }
    }
    for (actor, command) in &commands {
        let mut copy = engine.clone();
        if execute_checked(&mut copy, actor, command, NOW).is_ok() {
            assert_round_trip(
                &copy,
                &format!("{actor} ran {command:?} on a loaded snapshot"),
            );
        }
    }
});

/// `orgspace_core::json::from_str` reads `text` as `serde_json::from_str` does.
fn same_reading<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
    match (
        serde_json::from_str::<T>(text),
        orgspace_core::json::from_str::<T>(text),
    ) {
        (Ok(direct), Ok(tree)) => assert_eq!(direct, tree, "the tree reads another value"),
        (Err(_), Err(_)) => {}
        (direct, tree) => panic!("serde_json and json::from_str disagree: {direct:?} / {tree:?}"),
    }
}

/// Bytes tagged as a binary org part or workspace part (the edge's KV encodings, issue 13)
/// decode or are refused, never a panic: an org part that decodes encodes back to bytes that
/// decode to it, and loads with X5 or is refused; a workspace part that loads beside a small
/// org part meets X5 and encodes back to what it loaded.
fn binary_parts(data: &[u8]) {
    if org_binary::is_binary(data) {
        if let Ok(org) = org_from_binary(data) {
            let again = org_to_binary(&org).unwrap();
            assert_eq!(org_from_binary(&again).unwrap(), org, "a binary org part read back");
            if let Ok(engine) = PartsLoader::new(&org).and_then(PartsLoader::finish) {
                assert_invariants(&engine, "a binary org part");
            }
        }
    }
    if binary::is_binary(data) {
        let org: OrgPart = serde_json::from_value(json!({
            "id": "acme", "name": "Acme", "version": 1, "default_workspace": "sales",
            "members": [{"user": "alice", "roles": ["org_admin"]}, {"user": "bob", "roles": []}],
            "groups": [{"id": "eng", "name": "Eng", "members": ["bob"]}],
            "workspaces": [
                {"id": "personal:alice", "kind": "personal", "name": "alice", "mode": "private", "owner": "alice"},
                {"id": "personal:bob", "kind": "personal", "name": "bob", "mode": "private", "owner": "bob"},
                {"id": "sales", "kind": "group", "name": "Sales", "mode": "private"}
            ]
        }))
        .unwrap();
        let Ok(mut loader) = PartsLoader::new(&org) else {
            panic!("the fixed org part loads");
        };
        if loader.add_bytes(data).is_ok() {
            if let Ok(engine) = loader.finish() {
                assert_invariants(&engine, "a binary workspace part");
                if let Some(part) = engine.workspace_part("sales") {
                    let bytes = part_to_binary(&part).unwrap();
                    let mut again = PartsLoader::new(&org).unwrap();
                    again.add_bytes(&bytes).unwrap();
                    let reloaded = again.finish().unwrap();
                    assert_eq!(reloaded.workspace_part("sales"), Some(part), "a binary part read back");
                }
            }
        }
    }
}
