//! The package's surface as JavaScript sees it, run by wasm-bindgen-test in Node and, with
//! `--features browser-tests`, in headless Chromium.

#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions; a failed expectation is a failed test"
)]

use js_sys::{Array, JSON, Reflect};
use orgspace_wasm::{Engine, apply_data_scope};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(feature = "browser-tests")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const AT: f64 = 1_767_225_600_000.0;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON parses")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

fn demo() -> Engine {
    let mut e = Engine::new();
    e.execute("alice", js(r#"{"type":"create_org","org":"acme","name":"Acme","default_workspace":"sales","mode":"private"}"#), AT)
        .expect("create_org");
    e.execute("alice", js(r#"{"type":"add_member","user":"carol","workspace":"sales","workspace_roles":["visitor"]}"#), AT)
        .expect("add_member");
    e.execute("alice", js(r#"{"type":"create_asset","asset":"q3","workspace":"sales","kind":"dashboard","name":"Q3"}"#), AT)
        .expect("create_asset");
    e
}

#[wasm_bindgen_test]
fn w7_decisions_and_lists_cross_the_boundary() {
    let mut e = demo();
    let d = e.check("carol", "view", "q3", AT).expect("check");
    assert_eq!(get(&d, "allowed"), JsValue::FALSE);
    assert_eq!(get(&d, "rule").as_string().as_deref(), Some("W7"));
    assert_eq!(
        e.visible_assets("carol", "sales", AT)
            .expect("list")
            .length(),
        0
    );
    e.execute(
        "alice",
        js(r#"{"type":"share","asset":"q3","with":[{"user":"carol"}]}"#),
        AT,
    )
    .expect("share");
    assert_eq!(
        e.visible_assets("carol", "sales", AT)
            .expect("list")
            .to_vec(),
        vec![JsValue::from_str("q3")]
    );
    assert!(e.can("carol", "view", "q3", AT).expect("can"));
    assert!(
        !e.can("carol", "view", "missing", AT)
            .expect("an unknown asset is not allowed")
    );
    assert!(e.can("carol", "fly", "q3", AT).is_err());
    let why = e.check("carol", "view", "q3", AT).expect("check");
    assert!(
        get(&why, "reason")
            .as_string()
            .is_some_and(|r| r.contains("grant"))
    );
    let kept = e
        .filter("carol", "view", &js(r#"["q3", "missing"]"#), AT)
        .expect("filter");
    assert_eq!(kept.to_vec(), vec![JsValue::from_str("q3")]);
}

#[wasm_bindgen_test]
fn x2_refusals_are_errors_with_code_and_rule_and_change_nothing() {
    let mut e = demo();
    let before = e.to_json();
    let err = e
        .execute(
            "carol",
            js(r#"{"type":"modify_asset","asset":"q3","name":"x"}"#),
            AT,
        )
        .expect_err("a visitor cannot modify");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("OrgspaceError")
    );
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("denied"));
    assert_eq!(get(&err, "rule").as_string().as_deref(), Some("R4"));
    assert_eq!(e.to_json(), before);
}

#[wasm_bindgen_test]
fn bad_input_is_a_typed_error_never_a_panic() {
    let mut e = demo();
    for bad in [
        r#"{"type":"nope"}"#,
        r#"{"type":"grant"}"#,
        "42",
        "null",
        r#"{"type":"create_asset","asset":1}"#,
    ] {
        let err = e.execute("alice", js(bad), AT).expect_err("bad command");
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some("invalid"),
            "{bad}"
        );
    }
    for at in [f64::NAN, -1.0, 1.5, f64::INFINITY, 1e300] {
        let err = e.check("alice", "view", "q3", at).expect_err("bad time");
        assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    }
    let err = e
        .check("alice", "fly", "q3", AT)
        .expect_err("bad operation");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let err = Engine::from_snapshot(js(r#"{"format":99}"#))
        .err()
        .expect("bad snapshot");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let err = Engine::from_snapshot(JsValue::from_str("{not json"))
        .err()
        .expect("bad snapshot text");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
}

/// Huge and deeply nested inputs are typed errors too, and the engine stays usable after them.
#[wasm_bindgen_test]
fn huge_inputs_are_typed_errors_never_a_panic() {
    let mut e = demo();
    let long_id = "x".repeat(1 << 20);
    let command = format!(
        r#"{{"type":"create_folder","folder":"{long_id}","workspace":"sales","name":"f"}}"#
    );
    let err = e
        .execute("alice", js(&command), AT)
        .expect_err("a 1 MiB id");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = Engine::from_snapshot(JsValue::from_str(&deep))
        .err()
        .expect("deeply nested snapshot text");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let err = e
        .execute("alice", JsValue::from_str(&deep), AT)
        .expect_err("deep command");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let many = format!("[{}]", vec!["1"; 200_000].join(","));
    let err = Engine::from_snapshot(JsValue::from_str(&many))
        .err()
        .expect("a huge array as snapshot");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    // Still usable: a good command after the bad ones.
    assert!(e.check("alice", "view", "q3", AT).is_ok());
}

#[wasm_bindgen_test]
fn snapshots_round_trip_as_objects_and_strings() {
    let e = demo();
    let from_object =
        Engine::from_snapshot(e.to_snapshot().expect("snapshot")).expect("load object");
    let from_string = Engine::from_snapshot(JsValue::from_str(&e.to_json())).expect("load string");
    assert_eq!(from_object.to_json(), e.to_json());
    assert_eq!(from_string.to_json(), e.to_json());
    assert!((from_object.version() - e.version()).abs() < f64::EPSILON);
}

#[wasm_bindgen_test]
fn d4_data_scope_filters_rows_in_javascript() {
    let scope = js(
        r#"{"dataset":"s","columns":[{"name":"region","type":"string"},{"name":"email","type":"string","masked":true}],
                       "rows":{"in":{"column":"region","values":["east"]}}}"#,
    );
    let rows = js(r#"[{"region":"east","email":"a@x","cost":1},{"region":"west","email":"b@x"}]"#);
    let out: Array = apply_data_scope(scope, rows).expect("apply").into();
    assert_eq!(out.length(), 1);
    let first = out.get(0);
    assert_eq!(get(&first, "email").as_string().as_deref(), Some("***"));
    assert!(get(&first, "cost").is_undefined());
}

#[wasm_bindgen_test]
fn x1_the_query_api_crosses_the_boundary() {
    let e = demo();
    let code = |r: Result<JsValue, JsValue>| {
        get(&r.expect_err("refused"), "code")
            .as_string()
            .unwrap_or_default()
    };
    // One check request for assets and creation (W7, R4).
    let d = e
        .decide("carol", js(r#"{"operation":"view","asset":"q3"}"#), AT)
        .expect("decide");
    assert_eq!(get(&d, "rule").as_string().as_deref(), Some("W7"));
    let c = e
        .decide(
            "carol",
            js(r#"{"operation":"create","workspace":"sales","kind":"dashboard"}"#),
            AT,
        )
        .expect("decide create");
    assert_eq!(get(&c, "allowed"), JsValue::FALSE);
    assert_eq!(
        code(e.decide("carol", js(r#"{"operation":"view"}"#), AT)),
        "invalid"
    );
    // P1: a non-member is denied, whatever they ask about.
    let m = e
        .decide("mallory", js(r#"{"operation":"view","asset":"nope"}"#), AT)
        .expect("decide");
    assert_eq!(get(&m, "rule").as_string().as_deref(), Some("P1"));
    // Metadata and the summary come from the core.
    let info = e.asset_info("alice", "q3", AT).expect("asset info");
    assert_eq!(get(&info, "owner").as_string().as_deref(), Some("alice"));
    assert_eq!(get(&info, "granted"), JsValue::FALSE);
    assert_eq!(code(e.asset_info("carol", "q3", AT)), "denied");
    let you = get(&e.org_summary("alice").expect("summary"), "you");
    assert_eq!(get(&you, "whole_view"), JsValue::TRUE);
    let carol = get(&e.org_summary("carol").expect("summary"), "you");
    assert_eq!(get(&carol, "org_admin"), JsValue::FALSE);
    // O1, X4.
    assert_eq!(
        get(&e.may_import("alice").expect("import"), "allowed"),
        JsValue::TRUE
    );
    assert_eq!(
        get(&e.audit_access("carol").expect("audit"), "rule")
            .as_string()
            .as_deref(),
        Some("X4")
    );
    // A view answers its member only.
    let whole = orgspace_core::Engine::from_json(&e.to_json()).expect("whole");
    let view = whole.snapshot_for("carol", AT as u64).expect("view");
    let text = serde_json::to_string(&view).expect("view JSON");
    let v = Engine::from_snapshot(JsValue::from_str(&text)).expect("load view");
    assert!(v.org_summary("carol").is_ok());
    assert!(v.visible_folders("carol", "sales", AT).is_ok());
    assert_eq!(code(v.check("alice", "view", "q3", AT)), "wrong_view");
    assert_eq!(code(v.org_summary("alice")), "wrong_view");
}

/// O2, R1: `mayRun` (in both entries: the console gates its forms with it) answers what a
/// command requires of its actor as `execute` refuses it, and runs nothing.
#[wasm_bindgen_test]
fn o2_may_run_answers_a_forms_requirement_without_running_it() {
    let mut e = demo();
    let group = r#"{"type":"create_group","group":"g","name":"G"}"#;
    let denied = e.may_run("carol", js(group), AT).expect("may_run");
    assert_eq!(get(&denied, "allowed"), JsValue::FALSE);
    assert_eq!(get(&denied, "rule").as_string().as_deref(), Some("O2"));
    let version = e.version();
    let refused = e.execute("carol", js(group), AT).expect_err("refused");
    assert_eq!(get(&refused, "rule").as_string().as_deref(), Some("O2"));
    let roles =
        r#"{"type":"set_workspace_roles","workspace":"sales","user":"carol","roles":["admin"]}"#;
    let ws = e.may_run("carol", js(roles), AT).expect("may_run");
    assert_eq!(get(&ws, "rule").as_string().as_deref(), Some("R1"));
    assert_eq!(
        get(
            &e.may_run("alice", js(group), AT).expect("may_run"),
            "allowed"
        ),
        JsValue::TRUE
    );
    assert_eq!(e.version(), version, "asking runs nothing");
}
