//! The storage layout: keys, chunking on character boundaries, and `dirty_of` checked
//! against the engine itself over every conformance scenario: whatever part an accepted command
//! changes, the engine's account (`execute_tracked`) names it, so the writer rewrites it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use orgspace_conformance::load_path;
use orgspace_core::Engine;
use std::path::PathBuf;

#[test]
fn keys() {
    assert_eq!(org_key("acme"), "org/acme");
    assert_eq!(workspace_key("acme", "sales"), "org/acme/ws/sales");
    assert_eq!(head_key("acme"), "org/acme/head");
    // Keys of different kinds never collide, whatever the ids.
    assert_ne!(workspace_key("acme", "x"), head_key("acme"));
    // Nor do keys of different organizations: `/` and `%` in ids are encoded.
    assert_eq!(org_key("acme/ws/main"), "org/acme%2Fws%2Fmain");
    assert_ne!(org_key("acme/ws/main"), workspace_key("acme", "main"));
    assert_ne!(org_key("acme/head"), head_key("acme"));
    assert_ne!(workspace_key("acme/ws", "x"), workspace_key("acme", "ws/x"));
    assert_ne!(workspace_key("acme", "a%2Fb"), workspace_key("acme", "a/b"));
}

#[test]
fn keys_never_collide_across_organizations_or_kinds() {
    // Every (organization, kind, id) over ids made of the separators has a key of its own.
    let ids = [
        "acme",
        "main",
        "ws",
        "asset",
        "a/b",
        "acme/ws/main",
        "acme/asset",
        "ws/main",
        "acme/asset/q3",
        "q3",
        "%2F",
        "/",
        "%",
        "a%2Fb",
        "",
        "ü/ü",
    ];
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |key: String, what: String| {
        if let Some(other) = seen.insert(key.clone(), what.clone()) {
            panic!("`{key}` is the key of {other} and of {what}");
        }
    };
    for org in ids {
        add(org_key(org), format!("org {org:?}"));
        add(head_key(org), format!("head of {org:?}"));
        for bucket in [0, 7, crate::locators::BUCKETS - 1] {
            add(
                crate::locators::locator_key(org, bucket),
                format!("bucket {bucket} of {org:?}"),
            );
        }
        for id in ids {
            add(
                workspace_key(org, id),
                format!("workspace {id:?} of {org:?}"),
            );
            for bucket in [0, 7, crate::locators::BUCKETS - 1] {
                add(
                    crate::kv_shards::shard_key(&workspace_key(org, id), 1 + bucket as usize),
                    format!("shard {bucket} of workspace {id:?} of {org:?}"),
                );
            }
        }
    }
}

#[test]
fn chunks_of_ascii() {
    assert_eq!(chunks("", 4), vec![""]);
    assert_eq!(chunks("abc", 4), vec!["abc"]);
    assert_eq!(chunks("abcd", 4), vec!["abcd"]);
    assert_eq!(chunks("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    assert_eq!(chunks("abcdefgh", 4), vec!["abcd", "efgh"]);
    assert_eq!(chunks("abc", 1), vec!["a", "b", "c"]);
    // A zero cap still makes progress: one character per piece.
    assert_eq!(chunks("ab", 0), vec!["a", "b"]);
}

#[test]
fn chunks_never_split_a_character() {
    // 1, 2, 3 and 4 byte characters, mixed.
    let text = "aé€𝄞".repeat(50) + "z✓ü";
    for max in 1..=20 {
        let pieces = chunks(&text, max);
        assert_eq!(pieces.concat(), text, "max {max}");
        for piece in &pieces {
            assert!(!piece.is_empty(), "max {max}: an empty piece");
            // A piece exceeds `max` only when one character is wider than `max`.
            if piece.len() > max {
                assert_eq!(piece.chars().count(), 1, "max {max}: {piece:?}");
            }
        }
        // Pieces are as long as they can be: the next character would not have fit.
        for pair in pieces.windows(2) {
            let next = pair[1].chars().next().unwrap();
            assert!(pair[0].len() + next.len_utf8() > max, "max {max}: {pair:?}");
        }
    }
}

#[test]
fn chunks_of_only_wide_characters() {
    let text = "𝄞𝄞𝄞";
    assert_eq!(chunks(text, 4), vec!["𝄞", "𝄞", "𝄞"]);
    assert_eq!(chunks(text, 5), vec!["𝄞", "𝄞", "𝄞"]);
    assert_eq!(chunks(text, 8), vec!["𝄞𝄞", "𝄞"]);
    // Narrower than one character: one character per piece rather than a split one.
    assert_eq!(chunks(text, 3), vec!["𝄞", "𝄞", "𝄞"]);
    assert_eq!(chunks("日本語", 2), vec!["日", "本", "語"]);
}

/// The envelope of `acme` just created (alice, the default workspace `main`).
fn acme_envelope() -> OrgEnvelope {
    let mut engine = Engine::new();
    engine
        .execute(
            "alice",
            &serde_json::from_value(serde_json::json!({"type": "create_org", "org": "acme",
                "name": "Acme", "default_workspace": "main"}))
            .unwrap(),
            1,
        )
        .unwrap();
    OrgEnvelope {
        version: engine.version(),
        org_changed: 1,
        workspaces: [("main".to_string(), 1)].into_iter().collect(),
        buckets: [(7, 1)].into_iter().collect(),
        part: engine.org_part().unwrap(),
    }
}

#[test]
fn envelopes_round_trip() {
    let org = acme_envelope();
    let text = serde_json::to_string(&org).unwrap();
    assert_eq!(serde_json::from_str::<OrgEnvelope>(&text).unwrap(), org);
}

/// A reader refreshing the envelope every second reuses its parse while the version is the
/// same (a version names one envelope), and parses again, or refuses torn shards, otherwise.
#[test]
fn an_unchanged_envelope_is_not_parsed_again() {
    let org = acme_envelope();
    let text = serde_json::to_string(&org).unwrap();
    let v = org.version;
    let first = envelope_at(None, v, text.as_bytes()).unwrap().unwrap();
    assert_eq!(*first, org);
    // Same version: the cached parse, even where the text could not be parsed.
    let again = envelope_at(Some(&first), v, b"not json").unwrap().unwrap();
    assert!(std::rc::Rc::ptr_eq(&first, &again));
    // A newer version is decoded, binary (what the writer stores) or JSON (an older writer's),
    // and bytes naming another version than their shards are refused.
    let mut newer = org.clone();
    newer.version = v + 1;
    let newer_text = serde_json::to_string(&newer).unwrap();
    let newer_binary = crate::envelope_codec::to_binary(&newer).unwrap();
    for bytes in [newer_text.as_bytes(), &newer_binary] {
        let next = envelope_at(Some(&first), v + 1, bytes).unwrap().unwrap();
        assert_eq!(*next, newer);
        assert!(envelope_at(Some(&first), v + 2, bytes).unwrap().is_none());
    }
    assert!(envelope_at(None, v + 1, b"not json").is_err());
    assert!(envelope_at(None, v + 1, &newer_binary[..newer_binary.len() - 1]).is_err());
}

fn scenario_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// Every workspace's part, by id.
fn parts(engine: &Engine) -> BTreeMap<String, orgspace_core::snapshot::WorkspacePart> {
    engine
        .org_part()
        .map(|o| o.workspaces)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|h| engine.workspace_part(&h.id).map(|p| (h.id, p)))
        .collect()
}

/// Every asset's workspace.
fn locations(
    parts: &BTreeMap<String, orgspace_core::snapshot::WorkspacePart>,
) -> BTreeMap<String, String> {
    parts
        .iter()
        .flat_map(|(ws, p)| p.assets.iter().map(move |a| (a.id.clone(), ws.clone())))
        .collect()
}

/// What is wrong with `dirty` for a command that turned `before` into `after`.
fn problems(
    before: &BTreeMap<String, orgspace_core::snapshot::WorkspacePart>,
    after: &BTreeMap<String, orgspace_core::snapshot::WorkspacePart>,
    dirty: &Dirty,
) -> Vec<String> {
    let mut out = Vec::new();
    let rewritten = |ws: &str| dirty.all_workspaces || dirty.workspaces.contains(ws);
    for (ws, part) in after {
        let changed = before.get(ws) != Some(part);
        if changed && !rewritten(ws) {
            let what = if before.contains_key(ws) {
                "changed"
            } else {
                "was created"
            };
            out.push(format!("workspace `{ws}` {what} but is not rewritten"));
        }
        if dirty.deleted_workspaces.contains(ws) {
            out.push(format!(
                "workspace `{ws}` still exists but is marked deleted"
            ));
        }
    }
    for ws in before.keys().filter(|ws| !after.contains_key(*ws)) {
        if !dirty.deleted_workspaces.contains(ws) {
            out.push(format!(
                "workspace `{ws}` was deleted but is not marked deleted"
            ));
        }
    }
    for ws in &dirty.workspaces {
        if !after.contains_key(ws) {
            out.push(format!(
                "workspace `{ws}` is to be rewritten but does not exist"
            ));
        }
    }
    let (was, now) = (locations(before), locations(after));
    let assets: BTreeSet<&String> = was.keys().chain(now.keys()).collect();
    for asset in assets {
        let (from, to) = (was.get(asset), now.get(asset));
        if from == to {
            continue;
        }
        match dirty.locators.get(asset) {
            Some(locator) if locator.as_ref() == to => {}
            other => out.push(format!(
                "asset `{asset}` went from {from:?} to {to:?}, locator {other:?}"
            )),
        }
    }
    for (asset, locator) in &dirty.locators {
        if now.get(asset) != locator.as_ref() {
            out.push(format!(
                "locator of `{asset}` says {locator:?}, the asset is in {:?}",
                now.get(asset)
            ));
        }
    }
    out
}

#[test]
fn dirty_of_names_every_changed_part_in_every_scenario() {
    let scenarios = load_path(&scenario_root()).unwrap();
    assert!(
        scenarios.len() > 100,
        "only {} scenarios found",
        scenarios.len()
    );
    let mut accepted = 0;
    let mut failures = Vec::new();
    for loaded in &scenarios {
        let scenario = &loaded.scenario;
        let mut engine = match &scenario.snapshot {
            Some(s) => Engine::from_snapshot(s).unwrap(),
            None => Engine::new(),
        };
        let mut now = 0;
        for (i, step) in scenario.steps.iter().enumerate() {
            now = step.at.unwrap_or(now);
            let Some(command) = step.action.command() else {
                continue;
            };
            let before = parts(&engine);
            let Ok(done) = engine.execute_tracked(&step.actor, command, now) else {
                assert_eq!(parts(&engine), before, "a refused command changed a part");
                continue;
            };
            accepted += 1;
            let after = parts(&engine);
            let applied = &done.applied;
            let mut dirty = dirty_of(&done);
            let spans = applied.events.iter().any(|e| {
                matches!(
                    e,
                    orgspace_core::Event::MemberRemoved { .. }
                        | orgspace_core::Event::GroupDeleted { .. }
                        | orgspace_core::Event::DataSourceDeleted { .. }
                )
            });
            if spans && dirty.all_workspaces {
                failures.push(format!(
                    "{}: a spanning command rewrites every part",
                    scenario.name
                ));
            }
            if applied
                .events
                .iter()
                .any(|e| matches!(e, orgspace_core::Event::OrgUpgraded { .. }))
            {
                // The upgrade's events name none of the assets it brings; the writer locates
                // them all (`OrgWriter::locate_all`), as after an import.
                assert!(dirty.all_workspaces);
                for (asset, ws) in locations(&after) {
                    dirty.locators.insert(asset, Some(ws));
                }
            }
            for problem in problems(&before, &after, &dirty) {
                failures.push(format!(
                    "{} ({}), step {} ({}): {problem}",
                    loaded.path.display(),
                    scenario.name,
                    i + 1,
                    command.name()
                ));
            }
        }
    }
    assert!(accepted > 500, "only {accepted} accepted commands");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn locators_by_event() {
    use orgspace_core::Event;
    let l = locators_of(&[
        Event::AssetCreated {
            workspace: "a".into(),
            asset: "x".into(),
        },
        Event::AssetDeleted {
            workspace: "b".into(),
            asset: "y".into(),
        },
        Event::WorkspaceDeleted {
            workspace: "b".into(),
        },
    ]);
    assert_eq!(l.get("x"), Some(&Some("a".to_string())));
    assert_eq!(l.get("y"), Some(&None));
    assert_eq!(l.len(), 2);
    // Org-only events move no asset.
    assert!(locators_of(&[Event::OrgRenamed { name: "n".into() }]).is_empty());
}
