//! The one error shape of the API: `{"error": {"code", "message", "rule"?}}` with a 4xx status.

use orgspace_core::{Refusal, Rule};
use serde::Serialize;

/// An error answer: its HTTP status and JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// A stable machine-readable code: `denied`, `invalid`, `not_found`, `conflict`,
    /// `unauthenticated`, `too_large`, `method_not_allowed`, `internal`.
    pub code: &'static str,
    /// A readable sentence.
    pub message: String,
    /// The rule (docs/rules.md) behind a refusal.
    pub rule: Option<Rule>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<Rule>,
}

impl ApiError {
    /// An error with no rule.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            rule: None,
        }
    }

    /// 400 `invalid`: the request is malformed.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "invalid", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "not_found", message)
    }

    /// 500 `internal`: storage or runtime failure; nothing was changed.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "internal", message)
    }

    /// The `WWW-Authenticate` challenge a 401 must carry (RFC 9110 11.6.1, RFC 6750 3): the
    /// scheme the API takes, so clients and proxies know how to authenticate.
    #[must_use]
    pub fn challenge(&self) -> Option<&'static str> {
        (self.status == 401).then_some(r#"Bearer realm="orgspace""#)
    }

    /// The JSON body.
    #[must_use]
    pub fn body(&self) -> String {
        serde_json::to_string(&Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                rule: self.rule,
            },
        })
        .unwrap_or_default()
    }
}

impl From<Refusal> for ApiError {
    /// Denied is 403, invalid 400 (422 would also do; 400 keeps clients simple), not found 404
    /// and conflict 409. A `wrong_view` is 500: the worker answers from whole organizations or
    /// workspace parts, never from a member's view, so one would be the worker's own bug.
    fn from(r: Refusal) -> ApiError {
        let status = match r {
            Refusal::Denied { .. } => 403,
            Refusal::Invalid { .. } => 400,
            Refusal::NotFound { .. } => 404,
            Refusal::Conflict { .. } => 409,
            Refusal::WrongView { .. } => 500,
        };
        ApiError {
            status,
            code: r.code(),
            message: r.message().into(),
            rule: r.rule(),
        }
    }
}
