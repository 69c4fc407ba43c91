//! Conversions between JavaScript values and the core's types.
//!
//! Values cross as JSON text: JavaScript's own `JSON.stringify`/`JSON.parse` on one side and
//! `serde_json` on the other, reading through `orgspace_core::json`'s tree. One deserializer
//! and one serializer for every type keep the WebAssembly small, and the text is exactly the
//! documented JSON format.

use crate::error::invalid;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Reads a value of a core type from a plain object, or from a JSON string.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let text = json_text(value, what)?;
    orgspace_core::json::from_str(&text).map_err(|e| invalid(&format!("{what} is not valid: {e}")))
}

/// The JSON text of a value given as a JSON string or as plain objects.
pub(crate) fn json_text(value: JsValue, what: &str) -> Result<String, JsValue> {
    match value.as_string() {
        Some(text) => Ok(text),
        None => js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| invalid(&format!("{what} is not valid: not JSON data"))),
    }
}

/// Writes a core value as plain objects and arrays.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| invalid(&format!("cannot convert the result: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| invalid("cannot convert the result"))
}

/// Milliseconds since the epoch, as JavaScript passes them: a finite, non-negative integer.
pub(crate) fn time(ms: f64) -> Result<u64, JsValue> {
    // 2^53: past it, JavaScript numbers are no longer exact integers.
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !(0.0..=MAX_SAFE).contains(&ms) || ms.fract() != 0.0 {
        // The number as JavaScript writes it (`NaN`, `1.5`, `1e+300`): Rust's float formatting
        // would add some 5 KB gzipped to the WebAssembly for this one message.
        let shown = js_sys::Number::from(ms)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        return Err(invalid(&format!(
            "time must be whole milliseconds since the epoch, not {shown}"
        )));
    }
    // A non-negative integer below 2^53: the cast is exact.
    Ok(ms as u64)
}
