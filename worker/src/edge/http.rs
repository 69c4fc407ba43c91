//! Request and response plumbing: JSON bodies under a size cap, query strings, the clock.

use crate::api_error::ApiError;
use serde::Serialize;
use serde_json::Value;
use worker::{Request, Response};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The deepest nesting of arrays and objects a body may have. The edge wraps a body in its call
/// to the writer, and the writer's answers and stored parts wrap it again: well under
/// serde_json's limit of 128, so no layer fails on what the first one accepted.
pub const MAX_BODY_DEPTH: usize = 100;
/// The largest integer a JavaScript number holds exactly (2^53 - 1): versions, times and
/// counts cross JavaScript (Durable Object storage, clients), so larger ones are refused.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A JSON answer.
pub fn json(status: u16, value: &impl Serialize) -> worker::Result<Response> {
    Ok(Response::from_json(value)?.with_status(status))
}

/// The header that says who answered a query: `edge` (from KV) or `writer`.
pub const SOURCE_HEADER: &str = "orgspace-source";

/// The header that names the organization's version an answer was decided at.
pub const VERSION_HEADER: &str = "orgspace-version";

/// The version a body says it reflects: its `version` field, or a member's view's
/// `org.version`.
fn version_of(value: &Value) -> Option<u64> {
    value
        .get("version")
        .and_then(Value::as_u64)
        .or_else(|| value.get("org")?.get("version")?.as_u64())
}

/// A JSON error answer.
pub fn error(e: &ApiError) -> worker::Result<Response> {
    let mut response = Response::ok(e.body())?.with_status(e.status);
    let headers = response.headers_mut();
    headers.set("content-type", "application/json")?;
    if let Some(challenge) = e.challenge() {
        headers.set("www-authenticate", challenge)?;
    }
    Ok(response)
}

/// Turns a handler's result into a response: errors become their JSON shape, never a panic or
/// a runtime error page.
pub fn respond(result: Result<(u16, Value), ApiError>) -> worker::Result<Response> {
    match result {
        Ok((status, value)) => {
            let mut response = json(status, &value)?;
            if let Some(version) = version_of(&value) {
                response
                    .headers_mut()
                    .set(VERSION_HEADER, &version.to_string())?;
            }
            Ok(response)
        }
        Err(e) => error(&e),
    }
}

/// The body as text, refusing bodies over [`MAX_BODY_BYTES`] and bodies that are not UTF-8.
pub async fn body_text(req: &mut Request) -> Result<String, ApiError> {
    let bytes = body_bytes(req).await?;
    String::from_utf8(bytes).map_err(|_| ApiError::invalid("the body is not UTF-8 text"))
}

async fn body_bytes(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::invalid("the body could not be read"))?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The body as JSON (`None` when empty), refusing bodies over [`MAX_BODY_BYTES`].
pub async fn body_json(req: &mut Request) -> Result<Option<Value>, ApiError> {
    let bytes = body_bytes(req).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid(format!("the body is not valid JSON: {e}")))?;
    check_value(&value, 1)?;
    Ok(Some(value))
}

/// Refuses nesting deeper than [`MAX_BODY_DEPTH`] and integers beyond +-[`MAX_SAFE_INTEGER`].
fn check_value(value: &Value, depth: usize) -> Result<(), ApiError> {
    match value {
        Value::Array(items) => {
            deep(depth)?;
            items.iter().try_for_each(|v| check_value(v, depth + 1))
        }
        Value::Object(fields) => {
            deep(depth)?;
            fields.values().try_for_each(|v| check_value(v, depth + 1))
        }
        Value::Number(n) => {
            let safe = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u <= MAX_SAFE_INTEGER,
                (None, Some(i)) => i.unsigned_abs() <= MAX_SAFE_INTEGER,
                // A float: JavaScript reads it as the same float.
                (None, None) => true,
            };
            if safe {
                Ok(())
            } else {
                Err(ApiError::invalid(format!(
                    "the body holds the integer {n}, beyond 2^53 - 1 (JavaScript cannot hold it exactly)"
                )))
            }
        }
        _ => Ok(()),
    }
}

fn deep(depth: usize) -> Result<(), ApiError> {
    if depth > MAX_BODY_DEPTH {
        return Err(ApiError::invalid(format!(
            "the body nests deeper than {MAX_BODY_DEPTH} levels"
        )));
    }
    Ok(())
}

/// A non-negative integer of at most [`MAX_SAFE_INTEGER`] from a query parameter or header.
pub fn safe_integer(name: &str, text: &str) -> Result<u64, ApiError> {
    text.parse::<u64>()
        .ok()
        .filter(|n| *n <= MAX_SAFE_INTEGER)
        .ok_or_else(|| ApiError::invalid(format!("`{name}` must be an integer from 0 to 2^53 - 1")))
}

fn too_large() -> ApiError {
    ApiError::new(
        413,
        "too_large",
        format!("the body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// The query string's pairs.
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.url()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// `min_version` from the query string: reads that pass it never see older state.
pub fn min_version(pairs: &[(String, String)]) -> Result<Option<u64>, ApiError> {
    match pairs.iter().find(|(k, _)| k == "min_version") {
        None => Ok(None),
        Some((_, v)) => safe_integer("min_version", v).map(Some),
    }
}

/// Milliseconds since the epoch from the runtime's clock.
pub fn now_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now >= 0.0 {
        // Whole milliseconds fit in u64 for the next few hundred million years.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked finite and non-negative above"
        )]
        let ms = now as u64;
        ms
    } else {
        0
    }
}
