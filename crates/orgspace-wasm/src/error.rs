//! Refusals and bad input as JavaScript `Error` objects with `code`, `rule` and a message.

use orgspace_core::Refusal;
use wasm_bindgen::JsValue;

/// An `Error` with `code` (and `rule` when a rule refused it).
pub(crate) fn error(code: &str, rule: Option<&str>, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("OrgspaceError");
    let obj: &JsValue = err.as_ref();
    // Setting a property on a fresh Error object cannot fail; if it did, the message stays.
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str("code"), &JsValue::from_str(code));
    if let Some(rule) = rule {
        let _ = js_sys::Reflect::set(obj, &JsValue::from_str("rule"), &JsValue::from_str(rule));
    }
    err.into()
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
