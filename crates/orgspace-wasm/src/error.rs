//! Refusals and bad input as `OrgspaceError` objects (js/errors.js): an `Error` with `code`,
//! `rule` and a message.

use orgspace_core::Refusal;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// The package's error class, so `err instanceof OrgspaceError` holds.
    type OrgspaceError;
    #[wasm_bindgen(constructor)]
    fn new(code: &str, rule: Option<String>, message: &str) -> OrgspaceError;
}

/// An `OrgspaceError` with `code` (and `rule` when a rule refused it).
pub(crate) fn error(code: &str, rule: Option<&str>, message: &str) -> JsValue {
    OrgspaceError::new(code, rule.map(String::from), message).into()
}

/// A refusal of the core.
pub(crate) fn refusal(r: &Refusal) -> JsValue {
    error(r.code(), r.rule().map(|x| x.as_str()), &r.to_string())
}

/// Input that does not have the expected shape.
pub(crate) fn invalid(message: &str) -> JsValue {
    error("invalid", None, message)
}

/// The `code` of an error made here.
pub(crate) fn code_of(err: &JsValue) -> Option<String> {
    js_sys::Reflect::get(err, &JsValue::from_str("code"))
        .ok()?
        .as_string()
}
