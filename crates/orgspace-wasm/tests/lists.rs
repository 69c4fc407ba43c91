//! `filter` and `visibleAssets` across the boundary (src/lists.rs), with the results of the
//! core: `filter`'s id index in JavaScript follows every change of the engine.

#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions; a failed expectation is a failed test"
)]

use js_sys::{Array, JSON};
use orgspace_wasm::Engine;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(feature = "browser-tests")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const AT: f64 = 1_767_225_600_000.0;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON parses")
}

fn array(ids: &[&str]) -> JsValue {
    ids.iter()
        .map(|id| JsValue::from_str(id))
        .collect::<Array>()
        .into()
}

fn strings(list: &Array) -> Vec<String> {
    list.iter()
        .map(|id| id.as_string().expect("an id is a string"))
        .collect()
}

const IDS: [&str; 5] = ["q3", "café-ü", "日本語", "emoji-😀", "a\"quote\\back"];

/// carol, a visitor of a private workspace, is shared every second asset of `IDS`.
fn engine() -> Engine {
    let mut e = Engine::new();
    e.execute("alice", js(r#"{"type":"create_org","org":"acme","name":"Acme","default_workspace":"sales","mode":"private"}"#), AT)
        .expect("create_org");
    e.execute("alice", js(r#"{"type":"add_member","user":"carol","workspace":"sales","workspace_roles":["visitor"]}"#), AT)
        .expect("add_member");
    for (i, id) in IDS.iter().enumerate() {
        let id = JSON::stringify(&JsValue::from_str(id))
            .expect("stringify")
            .as_string()
            .expect("string");
        e.execute("alice", js(&format!(r#"{{"type":"create_asset","asset":{id},"workspace":"sales","kind":"dashboard","name":"A"}}"#)), AT)
            .expect("create_asset");
        if i % 2 == 0 {
            e.execute(
                "alice",
                js(&format!(
                    r#"{{"type":"share","asset":{id},"with":[{{"user":"carol"}}]}}"#
                )),
                AT,
            )
            .expect("share");
        }
    }
    e
}

/// The assets shared with carol, in the order of `IDS`.
fn shared() -> Vec<String> {
    IDS.iter().step_by(2).map(|s| (*s).to_string()).collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[wasm_bindgen_test]
fn visible_assets_keep_unicode_and_escapes_in_the_cores_order() {
    let e = engine();
    assert_eq!(
        strings(&e.visible_assets("carol", "sales", AT).expect("list")),
        sorted(shared())
    );
    let all = strings(&e.visible_assets("alice", "sales", AT).expect("list"));
    assert_eq!(all, sorted(IDS.map(String::from).to_vec()));
    assert!(e.visible_assets("bob", "sales", AT).is_err());
    assert!(e.visible_assets("carol", "sales", -1.0).is_err());
}

#[wasm_bindgen_test]
fn filter_keeps_order_duplicates_and_drops_unknown_ids() {
    let e = engine();
    assert_eq!(
        strings(&e.filter("carol", "view", &array(&IDS), AT).expect("filter")),
        shared()
    );
    let asked = [
        "emoji-😀",
        "nope",
        "q3",
        "",
        "q3",
        "日本語",
        "café-ü",
        "Q3",
        "emoji-😀",
    ];
    assert_eq!(
        strings(
            &e.filter("carol", "view", &array(&asked), AT)
                .expect("filter")
        ),
        ["q3", "q3", "日本語"]
    );
    assert_eq!(
        e.filter("carol", "view", &array(&[]), AT)
            .expect("empty")
            .length(),
        0
    );
    assert_eq!(
        e.filter("carol", "view", &array(&[""]), AT)
            .expect("blank")
            .length(),
        0
    );
    // Not a member, or no organization: nothing.
    assert_eq!(
        e.filter("bob", "view", &array(&IDS), AT)
            .expect("bob")
            .length(),
        0
    );
    assert_eq!(
        Engine::new()
            .filter("carol", "view", &array(&IDS), AT)
            .expect("no org")
            .length(),
        0
    );
}

#[wasm_bindgen_test]
fn filter_finds_ids_with_escapes_and_not_lone_surrogates() {
    let e = engine();
    // A quote, a backslash, a line feed and a lone surrogate all need JSON escapes.
    let asked = js(r#"["a\"quote\\back", "q3\nq3", "\ud800", "q3", "x\\"]"#);
    assert_eq!(
        strings(&e.filter("alice", "view", &asked, AT).expect("filter")),
        ["a\"quote\\back", "q3"]
    );
}

#[wasm_bindgen_test]
fn filter_refuses_what_is_not_an_array_of_strings() {
    let e = engine();
    for bad in [
        r#"["q3", 1]"#,
        r#"["q3", null]"#,
        r#"[["q3"]]"#,
        r#"{"0":"q3"}"#,
        r#""q3""#,
    ] {
        assert!(e.filter("carol", "view", &js(bad), AT).is_err(), "{bad}");
    }
    assert!(e.filter("carol", "view", &JsValue::UNDEFINED, AT).is_err());
    // Sparse arrays, one too long to index in memory: errors, never an abort.
    for len in [3, 1 << 20, u32::MAX] {
        assert!(
            e.filter("carol", "view", &Array::new_with_length(len), AT)
                .is_err(),
            "{len}"
        );
    }
    assert!(e.filter("carol", "fly", &array(&IDS), AT).is_err());
    assert!(e.filter("carol", "view", &array(&IDS), 0.5).is_err());
    // A refused call leaves the engine usable.
    assert_eq!(
        strings(&e.filter("carol", "view", &array(&IDS), AT).expect("filter")),
        shared()
    );
}

#[wasm_bindgen_test]
fn filter_returns_the_callers_own_strings_for_100k_ids() {
    let e = engine();
    let asked: Array = (0..100_000u32)
        .map(|i| match i % 1000 {
            0 => JsValue::from_str("q3"),
            500 => JsValue::from_str("日本語"),
            7 => JsValue::from_str("café-ü"),
            _ => JsValue::from_str(&format!("a{i:07}")),
        })
        .collect();
    let kept = e.filter("carol", "view", &asked, AT).expect("filter");
    let expected: Vec<&str> = (0..100).flat_map(|_| ["q3", "日本語"]).collect();
    assert_eq!(strings(&kept), expected);
    // Everything for the owner, in order, as the very elements of the array given.
    let all = e.filter("alice", "view", &asked, AT).expect("filter");
    assert_eq!(all.length(), 300);
    assert_eq!(all.get(0), asked.get(0));
    assert_eq!(all.get(1), asked.get(7));
}

/// `filter` of carol's view over `ids`, as strings.
fn carol_sees(e: &Engine, ids: &[&str]) -> Vec<String> {
    strings(&e.filter("carol", "view", &array(ids), AT).expect("filter"))
}

fn run(e: &mut Engine, command: &str) {
    e.execute("alice", js(command), AT).expect(command);
}

#[wasm_bindgen_test]
fn filter_follows_every_change_after_the_first_call() {
    let mut e = engine();
    let asked = ["new", "q3", "日本語", "new", "q3"];
    assert_eq!(carol_sees(&e, &asked), ["q3", "日本語", "q3"]);
    // An asset created after the first call: its id joins the index.
    run(
        &mut e,
        r#"{"type":"create_asset","asset":"new","workspace":"sales","kind":"dashboard","name":"N"}"#,
    );
    assert_eq!(carol_sees(&e, &asked), ["q3", "日本語", "q3"]);
    run(
        &mut e,
        r#"{"type":"share","asset":"new","with":[{"user":"carol"}]}"#,
    );
    assert_eq!(carol_sees(&e, &asked), ["new", "q3", "日本語", "new", "q3"]);
    // A revoked grant, a public flag, a deleted asset: decided on the state of the call.
    run(
        &mut e,
        r#"{"type":"revoke","asset":"q3","target":{"user":"carol"}}"#,
    );
    assert_eq!(carol_sees(&e, &asked), ["new", "日本語", "new"]);
    run(
        &mut e,
        r#"{"type":"set_public","asset":"café-ü","public":true}"#,
    );
    assert_eq!(carol_sees(&e, &["café-ü", "q3"]), ["café-ü"]);
    run(&mut e, r#"{"type":"delete_asset","asset":"new"}"#);
    assert_eq!(carol_sees(&e, &asked), ["日本語"]);
    assert_eq!(
        strings(
            &e.filter("alice", "view", &array(&asked), AT)
                .expect("filter")
        ),
        ["q3", "日本語", "q3"]
    );
    // Created again under the same id: found again, and alice's new asset is not shared.
    run(
        &mut e,
        r#"{"type":"create_asset","asset":"new","workspace":"sales","kind":"dashboard","name":"N"}"#,
    );
    assert_eq!(carol_sees(&e, &asked), ["日本語"]);
    assert_eq!(
        strings(
            &e.filter("alice", "view", &array(&asked), AT)
                .expect("filter")
        ),
        asked
    );
    // A refused command changes nothing, and the index still answers.
    assert!(
        e.execute("carol", js(r#"{"type":"delete_asset","asset":"new"}"#), AT)
            .is_err()
    );
    assert_eq!(carol_sees(&e, &asked), ["日本語"]);
}

#[wasm_bindgen_test]
fn filter_follows_a_member_and_a_grant_that_expires() {
    let mut e = engine();
    // dave is not a member yet: nothing, whatever the ids.
    assert!(
        e.filter("dave", "view", &array(&IDS), AT)
            .expect("filter")
            .length()
            == 0
    );
    run(
        &mut e,
        r#"{"type":"add_member","user":"dave","workspace":"sales","workspace_roles":["visitor"]}"#,
    );
    run(
        &mut e,
        &format!(
            r#"{{"type":"grant","asset":"q3","target":{{"user":"dave"}},"level":"view","expires_at":{}}}"#,
            AT + 1000.0
        ),
    );
    let dave = |now: f64| strings(&e.filter("dave", "view", &array(&IDS), now).expect("filter"));
    assert_eq!(dave(AT), ["q3"]);
    assert_eq!(dave(AT + 999.0), ["q3"]);
    assert!(dave(AT + 1000.0).is_empty());
}

#[wasm_bindgen_test]
fn filter_of_an_engine_loaded_from_a_snapshot() {
    let e = engine();
    let loaded = Engine::from_snapshot(js(&e.to_json())).expect("load");
    let asked = ["日本語", "nope", "q3", "q3"];
    assert_eq!(carol_sees(&loaded, &asked), carol_sees(&e, &asked));
    assert_eq!(carol_sees(&loaded, &asked), ["日本語", "q3", "q3"]);
}

#[wasm_bindgen_test]
fn filter_finds_ids_that_look_like_javascript_property_names() {
    let mut e = engine();
    let special = ["__proto__", "0", "4294967295", "constructor"];
    for id in special {
        run(
            &mut e,
            &format!(
                r#"{{"type":"create_asset","asset":"{id}","workspace":"sales","kind":"dashboard","name":"S"}}"#
            ),
        );
    }
    let asked = [
        "toString",
        "__proto__",
        "hasOwnProperty",
        "0",
        "1",
        "4294967295",
        "constructor",
        "valueOf",
        "__proto__",
    ];
    assert_eq!(
        strings(
            &e.filter("alice", "view", &array(&asked), AT)
                .expect("filter")
        ),
        ["__proto__", "0", "4294967295", "constructor", "__proto__"]
    );
    assert!(carol_sees(&e, &asked).is_empty());
    // Before any of them existed, an engine's index finds none of them.
    assert!(
        engine()
            .filter("alice", "view", &array(&asked), AT)
            .expect("filter")
            .length()
            == 0
    );
}

/// `filter` remembers the last list it was given (src/lists.rs): the same array again, changed
/// in place, partly changed, shorter, longer, or after a refused call, is decided as any new
/// list would be (SPEC W7, A1 through `filter` = `check`).
#[wasm_bindgen_test]
fn filter_of_the_same_list_changed_in_place_answers_as_a_new_list() {
    let e = engine();
    let asked = Array::new();
    for id in ["日本語", "q3", "nope", "café-ü", "q3"] {
        asked.push(&JsValue::from_str(id));
    }
    let carol = |list: &JsValue| strings(&e.filter("carol", "view", list, AT).expect("filter"));
    assert_eq!(carol(&asked), ["日本語", "q3", "q3"]);
    assert_eq!(
        carol(&asked),
        ["日本語", "q3", "q3"],
        "the same array again"
    );
    // Changed in place: an id replaced by one carol may not view, an unknown one by a known one.
    asked.set(1, JsValue::from_str("café-ü"));
    asked.set(2, JsValue::from_str("a\"quote\\back"));
    assert_eq!(carol(&asked), ["日本語", "a\"quote\\back", "q3"]);
    // Reversed in place, then shorter, then longer.
    asked.reverse();
    assert_eq!(carol(&asked), ["q3", "a\"quote\\back", "日本語"]);
    asked.pop();
    assert_eq!(carol(&asked), ["q3", "a\"quote\\back"]);
    asked.push(&JsValue::from_str("q3"));
    asked.push(&JsValue::from_str("emoji-😀"));
    assert_eq!(carol(&asked), ["q3", "a\"quote\\back", "q3"]);
    // A refused call in between (an element is not a string) leaves no trace.
    asked.set(0, JsValue::from_f64(1.0));
    assert!(e.filter("carol", "view", &asked, AT).is_err());
    asked.set(0, JsValue::from_str("日本語"));
    assert_eq!(carol(&asked), ["日本語", "a\"quote\\back", "q3"]);
    // Another member's answer over the same list is their own.
    assert_eq!(
        strings(&e.filter("alice", "view", &asked, AT).expect("filter")),
        [
            "日本語",
            "café-ü",
            "a\"quote\\back",
            "café-ü",
            "q3",
            "emoji-😀"
        ]
    );
    // A list that shares nothing with the last one, then the first list's ids in a new order.
    assert_eq!(
        carol(&array(&["x", "y", "z", "w", "v", "u", "t", "s", "r", "q3"])),
        ["q3"]
    );
    assert_eq!(
        carol(&array(&["q3", "a\"quote\\back", "日本語", "café-ü"])),
        ["q3", "a\"quote\\back", "日本語"]
    );
}
