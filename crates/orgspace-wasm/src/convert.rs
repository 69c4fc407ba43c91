//! Conversions between JavaScript values and the core's types.

use crate::error::invalid;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Reads a value of a core type from a plain object, or from a JSON string.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if let Some(text) = value.as_string() {
        return serde_json::from_str(&text)
            .map_err(|e| invalid(&format!("{what} is not valid: {e}")));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid(&format!("{what} is not valid: {e}")))
}

/// Writes a core value as plain objects and arrays (maps as objects, 64-bit numbers as numbers).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| invalid(&format!("cannot convert the result: {e}")))
}

/// Milliseconds since the epoch, as JavaScript passes them: a finite, non-negative integer.
pub(crate) fn time(ms: f64) -> Result<u64, JsValue> {
    // 2^53: past it, JavaScript numbers are no longer exact integers.
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !(0.0..=MAX_SAFE).contains(&ms) || ms.fract() != 0.0 {
        return Err(invalid(&format!(
            "time must be whole milliseconds since the epoch, not {ms}"
        )));
    }
    // A non-negative integer below 2^53: the cast is exact.
    Ok(ms as u64)
}
