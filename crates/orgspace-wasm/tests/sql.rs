//! `engine.sql`, `engine.sqlThrough` and `engine.dataScopeThrough` as JavaScript sees them
//! (D4, A8): the statement, its parameters and columns; refusals as `Error`s with code and rule.

#![cfg(all(target_arch = "wasm32", feature = "node"))]
#![allow(
    clippy::expect_used,
    reason = "test helpers outside #[test] functions; a failed expectation is a failed test"
)]

use js_sys::{Array, Reflect};
use orgspace_wasm::Engine;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const AT: f64 = 1_767_225_600_000.0;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

/// vic is a visitor with region `east`; dataset `ds` (row rule by region, `amount` masked for
/// all) is behind dashboard `d`.
fn org() -> Engine {
    let mut e = Engine::new();
    for c in [
        r#"{"type":"create_org","org":"acme","name":"Acme","default_workspace":"main","mode":"collaboration"}"#,
        r#"{"type":"add_member","user":"vic","workspace":"main","workspace_roles":["visitor"],"attributes":{"region":["east"]}}"#,
        r#"{"type":"create_data_source","source":"wh","name":"Warehouse","tables":[{"name":"sales","columns":[{"name":"region","type":"string"},{"name":"amount","type":"number"}]}]}"#,
        r#"{"type":"grant_table","workspace":"main","source":"wh","table":"sales"}"#,
        r#"{"type":"create_asset","asset":"ds","workspace":"main","kind":"dataset","name":"Sales"}"#,
        r#"{"type":"set_dataset_table","asset":"ds","source":"wh","table":"sales"}"#,
        r#"{"type":"set_row_rules","asset":"ds","enabled":true,"rules":[{"targets":{"all":true},"column":"region","allow":{"attribute":"region"}},{"targets":{"users":["alice"]},"column":"amount","allow":{"values":[9007199254740993]}}]}"#,
        r#"{"type":"set_column_rules","asset":"ds","rules":[{"targets":{"all":true},"column":"amount","action":"mask"}]}"#,
        r#"{"type":"create_asset","asset":"d","workspace":"main","kind":"dashboard","name":"Board","references":["ds"]}"#,
    ] {
        // As JSON text, which the package reads exactly (a parsed object would already have
        // rounded 9007199254740993).
        e.execute("alice", JsValue::from_str(c), AT).expect(c);
    }
    e
}

#[wasm_bindgen_test]
fn a8_sql_through_a_dashboard_gives_a_visitor_their_statement() {
    let e = org();
    let q = e
        .sql_through("vic", "ds", "d", "postgres", AT)
        .expect("sqlThrough");
    assert_eq!(
        get(&q, "sql").as_string().as_deref(),
        Some(
            r#"SELECT "region", '***' AS "amount" FROM "sales" WHERE "region" IN (CAST($1 AS TEXT))"#
        )
    );
    let params: Array = get(&q, "params").into();
    assert_eq!(params.length(), 1);
    assert_eq!(params.get(0).as_string().as_deref(), Some("east"));
    let columns: Array = get(&q, "columns").into();
    assert_eq!(columns.length(), 2);
    assert_eq!(get(&columns.get(1), "masked").as_bool(), Some(true));
    let scope = e
        .data_scope_through("vic", "ds", "d", AT)
        .expect("dataScopeThrough");
    assert_eq!(get(&scope, "dataset").as_string().as_deref(), Some("ds"));
}

#[wasm_bindgen_test]
fn d4_integers_beyond_2_53_cross_as_exact_text() {
    let e = org();
    let q = e.sql("alice", "ds", "duckdb", AT).expect("sql");
    let params: Array = get(&q, "params").into();
    assert_eq!(
        params.get(0).as_string().as_deref(),
        Some("9007199254740993"),
        "a JavaScript number would round it to ...992"
    );
}

#[wasm_bindgen_test]
fn r4_a8_refusals_are_errors_with_code_and_rule() {
    let e = org();
    let err = e
        .sql("vic", "ds", "postgres", AT)
        .expect_err("visitors view no dataset");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("denied"));
    assert_eq!(get(&err, "rule").as_string().as_deref(), Some("R4"));
    let err = e
        .sql("vic", "ds", "oracle", AT)
        .expect_err("unknown dialect");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("invalid"));
    let err = e
        .sql_through("vic", "d", "ds", "sqlite", AT)
        .expect_err("not behind");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("denied"));
}
