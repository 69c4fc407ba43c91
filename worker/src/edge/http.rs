//! Request and response plumbing: JSON bodies under a size cap, query strings, the clock.

use crate::api_error::ApiError;
use serde::Serialize;
use serde_json::Value;
use worker::{Request, Response};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1 << 20;

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
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::invalid(format!("the body is not valid JSON: {e}")))
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
        Some((_, v)) => v
            .parse()
            .map(Some)
            .map_err(|_| ApiError::invalid("`min_version` must be a non-negative integer")),
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
