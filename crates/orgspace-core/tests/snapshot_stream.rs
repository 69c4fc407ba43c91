//! X5 through parts read straight from JSON text (`PartsLoader`, `Engine::from_parts_json`):
//! the state they load is the state `Engine::from_parts` loads from the parsed parts, in any
//! field order, with escapes, references and broken parts alike.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

mod common;

use common::json::assert_names;
use common::rich::{ASSETS, OPS, USERS, rich};
use common::{ALICE, Fixture, MAIN};
use orgspace_core::{Engine, Kind, Operation, PartsLoader, Rule, SnapshotError};
use serde_json::{Value, json};

fn texts(f: &Fixture) -> (String, Vec<(String, String)>) {
    let s = f.engine.snapshot().unwrap();
    let org = serde_json::to_string(&s.org).unwrap();
    let parts = s
        .workspaces
        .iter()
        .map(|p| (p.id.clone(), serde_json::to_string(p).unwrap()))
        .collect();
    (org, parts)
}

/// Same state (every part saved again) and same answers as the engine on parsed parts.
fn assert_same(f: &Fixture, parsed: &Engine, read: &Engine, ws: &str) {
    assert_eq!(parsed.org_part(), read.org_part(), "{ws}");
    assert_eq!(parsed.workspace_part(ws), read.workspace_part(ws), "{ws}");
    assert!(read.invariant_problems().is_empty());
    for user in USERS {
        for asset in ASSETS {
            for &op in Operation::ALL {
                let a = parsed
                    .check(user, op, asset, f.now)
                    .map(|d| parsed.answer(&d));
                let b = read.check(user, op, asset, f.now).map(|d| read.answer(&d));
                assert_eq!(a, b, "{user} {op} {asset} in {ws}");
            }
        }
        assert_eq!(
            parsed.visible_assets(user, ws, f.now),
            read.visible_assets(user, ws, f.now),
            "{user} {ws}"
        );
    }
}

#[test]
fn x5_parts_read_from_text_load_as_parsed_parts() {
    let f = rich();
    let (org_json, parts) = texts(&f);
    let org = f.engine.org_part().unwrap();
    for (ws, text) in &parts {
        let parsed = Engine::from_parts(&org, &[f.engine.workspace_part(ws).unwrap()]).unwrap();
        let read = Engine::from_parts_json(&org_json, &[text]).unwrap();
        assert_same(&f, &parsed, &read, ws);
    }
    // Every part at once, through one loader, and as one JSON array.
    let all: Vec<&str> = parts.iter().map(|(_, t)| t.as_str()).collect();
    let every = Engine::from_parts_json(&org_json, &all).unwrap();
    let mut loader = PartsLoader::from_json(&org_json).unwrap();
    loader
        .add_list_json(&format!("[{}]", all.join(",")))
        .unwrap();
    let listed = loader.finish().unwrap();
    assert_eq!(every.to_json(), listed.to_json());
    let whole = Engine::from_parts(&org, &f.engine.snapshot().unwrap().workspaces).unwrap();
    assert_eq!(whole.to_json(), every.to_json());
}

/// Fields in another order than the one this crate writes (assets before the id and the
/// folders they name) load the same: the assets are then read whole first.
#[test]
fn x5_parts_in_any_field_order_load_the_same() {
    let f = rich();
    let (org_json, parts) = texts(&f);
    let org = f.engine.org_part().unwrap();
    for (ws, text) in &parts {
        let v: Value = serde_json::from_str(text).unwrap();
        let mut fields: Vec<String> = v
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(k.as_str())))
            .collect();
        // The assets first, then the rest in reverse.
        fields.sort_by_key(|f| !f.starts_with("\"assets\""));
        fields[1..].reverse();
        assert!(fields[0].starts_with("\"assets\""));
        let reversed = format!("{{{}}}", fields.join(","));
        let parsed = Engine::from_parts(&org, &[f.engine.workspace_part(ws).unwrap()]).unwrap();
        let read = Engine::from_parts_json(&org_json, &[&reversed]).unwrap();
        assert_same(&f, &parsed, &read, ws);
    }
}

/// Ids and names with escapes (read owned, not borrowed from the text) and references to an
/// asset listed later in the part.
#[test]
fn x5_escaped_strings_and_forward_references_load() {
    let mut f = Fixture::new();
    f.member("bob", MAIN, &["developer"]);
    f.folder(ALICE, "fm", MAIN, None);
    f.asset_in("bob", "d1", MAIN, Kind::Dashboard, "fm");
    let (org_json, parts) = texts(&f);
    let (_, main) = parts.iter().find(|(w, _)| w == MAIN).unwrap();
    let mut v: Value = serde_json::from_str(main).unwrap();
    let mut second = v["assets"][0].clone();
    second["id"] = json!("a\"2");
    second["name"] = json!("caf\u{e9} \\ \"q\"");
    second["kind"] = json!("dataset");
    second.as_object_mut().unwrap().remove("folder");
    v["assets"][0]["references"] = json!(["a\"2"]);
    v["assets"][0]["kind"] = json!("dashboard");
    v["assets"].as_array_mut().unwrap().push(second);
    // serde_json writes non-ASCII as is; the escape form must read too.
    let text = v.to_string().replace('\u{e9}', "\\u00e9");
    assert!(text.contains("\\u00e9") && text.contains("a\\\"2"));
    let read = Engine::from_parts_json(&org_json, &[&text]).unwrap();
    let part = read.workspace_part(MAIN).unwrap();
    let escaped = part.assets.iter().find(|a| a.id == "a\"2").unwrap();
    assert_eq!(escaped.name, "caf\u{e9} \\ \"q\"");
    let d1 = part.assets.iter().find(|a| a.id == "d1").unwrap();
    assert_eq!(d1.references, ["a\"2"]);
}

#[test]
fn x5_parts_read_from_text_are_checked_too() {
    let f = rich();
    let (org_json, parts) = texts(&f);
    let (_, main) = parts.iter().find(|(w, _)| w == MAIN).unwrap();
    let mut v: Value = serde_json::from_str(main).unwrap();
    v["assets"][0]["owner"] = json!("ghost");
    let Err(SnapshotError::Problems(p)) = Engine::from_parts_json(&org_json, &[&v.to_string()])
    else {
        panic!("a broken part loaded");
    };
    assert_names(&p, Rule::R6, "ghost");
    // A part the org part does not list, or given twice.
    let (_, ops) = parts.iter().find(|(w, _)| w == OPS).unwrap();
    let stray = ops.replacen(&format!("\"id\":\"{OPS}\""), "\"id\":\"unlisted\"", 1);
    assert!(matches!(
        Engine::from_parts_json(&org_json, &[&stray]),
        Err(SnapshotError::Problems(_))
    ));
    assert!(matches!(
        Engine::from_parts_json(&org_json, &[ops, ops]),
        Err(SnapshotError::Problems(_))
    ));
}

#[test]
fn x5_text_that_is_not_a_part_is_malformed() {
    let f = rich();
    let (org_json, parts) = texts(&f);
    let (_, main) = parts.iter().find(|(w, _)| w == MAIN).unwrap();
    let v: Value = serde_json::from_str(main).unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut v = v.clone();
        edit(&mut v);
        v.to_string()
    };
    let cases = [
        (
            with(&|v| v["assets"][0]["color"] = json!("red")),
            "unknown field `color`",
        ),
        (with(&|v| v["bogus"] = json!(1)), "unknown field `bogus`"),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("id");
            }),
            "missing field `id`",
        ),
        (
            with(&|v| v["assets"][0]["kind"] = json!("spaceship")),
            "spaceship",
        ),
        (
            with(&|v| v["assets"][0]["public"] = json!("yes")),
            "invalid type",
        ),
        (format!("{main} x"), "trailing characters"),
        (
            main.replacen('{', "{\"id\":\"x\",", 1),
            "duplicate field `id`",
        ),
        ("[]".to_string(), "invalid type"),
    ];
    for (text, words) in cases {
        match Engine::from_parts_json(&org_json, &[&text]) {
            Err(SnapshotError::Malformed(m)) => assert!(m.contains(words), "{m} lacks {words}"),
            other => panic!("{words}: {other:?}"),
        }
    }
    assert!(matches!(
        Engine::from_parts_json("{}", &[]),
        Err(SnapshotError::Malformed(_))
    ));
}

/// W7, W8: the documents a host shows next to a list are the part's, in the list's order,
/// for the listed ids only.
#[test]
fn w7_docs_of_listed_assets_and_folders_are_the_parts() {
    let f = rich();
    for user in USERS {
        for ws in [MAIN, OPS] {
            let Ok(ids) = f.engine.visible_assets(user, ws, f.now) else {
                continue;
            };
            let part = f.engine.workspace_part(ws).unwrap();
            let want: Vec<_> = part
                .assets
                .iter()
                .filter(|a| ids.contains(&a.id.as_str()))
                .cloned()
                .collect();
            assert_eq!(
                f.engine.asset_docs(ids.iter().copied()),
                want,
                "{user} {ws}"
            );
            let folders = f.engine.visible_folders(user, ws, f.now).unwrap();
            let want: Vec<_> = part
                .folders
                .iter()
                .filter(|x| folders.contains(&x.id.as_str()))
                .cloned()
                .collect();
            assert_eq!(f.engine.folder_docs(folders.iter().copied()), want);
        }
    }
    assert!(f.engine.asset_docs(["nope", "ds1"]).len() == 1);
}

/// X5: parts added to an engine built from parts (sharing its org tables) load the state that
/// loading them all at once does; a part it holds cannot come twice, and a view or a whole
/// engine is not resumed.
#[test]
fn x5_an_engine_from_parts_takes_more_parts() {
    let f = rich();
    let (org_json, parts) = texts(&f);
    let all: Vec<&str> = parts.iter().map(|(_, t)| t.as_str()).collect();
    let at_once = Engine::from_parts_json(&org_json, &all).unwrap();
    let mut engine = Engine::from_parts_json(&org_json, &all[..1]).unwrap();
    for part in &all[1..] {
        let mut loader = PartsLoader::resume(engine).unwrap();
        loader.add_json(part).unwrap();
        engine = loader.finish().unwrap();
    }
    assert_eq!(engine.to_json(), at_once.to_json());
    for (ws, _) in &parts {
        assert_same(&f, &at_once, &engine, ws);
    }
    let (_, main) = parts.iter().find(|(w, _)| w == MAIN).unwrap();
    let mut again = PartsLoader::resume(engine).unwrap();
    again.add_json(main).unwrap();
    let Err(SnapshotError::Problems(p)) = again.finish() else {
        panic!("a part loaded twice");
    };
    assert!(
        p.iter().any(|p| p.message.contains("appears twice")),
        "{p:?}"
    );
    let view = Engine::from_snapshot(&f.engine.snapshot_for("carol", f.now).unwrap()).unwrap();
    assert!(PartsLoader::resume(view).is_err());
    assert!(PartsLoader::resume(Engine::from_json(&f.engine.to_json()).unwrap()).is_err());
}
