//! Why a command or query was refused. A denial is a decision (with a rule); an invalid input
//! says what is wrong. Either way nothing changed (X2).

use crate::rule::Rule;
use alloc::string::String;
use serde::{Deserialize, Serialize};

/// A refused command or query.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    /// The actor may not do this: a rule says no.
    #[error("denied by {rule}: {reason}")]
    Denied {
        /// The rule that refuses it.
        rule: Rule,
        /// Why, in a sentence.
        reason: String,
    },
    /// The input is malformed or breaks a constraint of the model.
    #[error("invalid: {message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// The rule the input breaks, where one does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<Rule>,
    },
    /// An id names nothing that exists.
    #[error("not found: {message}")]
    NotFound {
        /// What was not found.
        message: String,
    },
    /// The engine holds one member's view (`Engine::snapshot_for`) and was asked about another
    /// member: the view lacks what the answer needs.
    #[error("this engine holds the view of `{view_of}`; it does not answer for `{actor}`")]
    WrongView {
        /// Whose view the engine holds.
        view_of: String,
        /// Who was asked about.
        actor: String,
    },
    /// An id is already taken, or the state already is as asked.
    #[error("conflict: {message}")]
    Conflict {
        /// What conflicts.
        message: String,
    },
}

impl Refusal {
    /// A stable code for hosts: `denied`, `invalid`, `not_found`, `wrong_view` or `conflict`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Refusal::Denied { .. } => "denied",
            Refusal::Invalid { .. } => "invalid",
            Refusal::NotFound { .. } => "not_found",
            Refusal::WrongView { .. } => "wrong_view",
            Refusal::Conflict { .. } => "conflict",
        }
    }

    /// The rule behind the refusal, if any.
    #[must_use]
    pub const fn rule(&self) -> Option<Rule> {
        match self {
            Refusal::Denied { rule, .. } => Some(*rule),
            Refusal::Invalid { rule, .. } => *rule,
            _ => None,
        }
    }

    /// The sentence without the code.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Refusal::Denied { reason, .. } => reason,
            Refusal::Invalid { message, .. }
            | Refusal::NotFound { message }
            | Refusal::Conflict { message } => message,
            Refusal::WrongView { .. } => {
                "this engine holds another member's view and answers only their questions"
            }
        }
    }

    /// Whether this is a denial rather than a problem with the input.
    #[must_use]
    pub const fn is_denied(&self) -> bool {
        matches!(self, Refusal::Denied { .. })
    }
}

pub(crate) fn denied(rule: Rule, reason: impl Into<String>) -> Refusal {
    Refusal::Denied {
        rule,
        reason: reason.into(),
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        message: message.into(),
        rule: None,
    }
}

pub(crate) fn invalid_by(rule: Rule, message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        message: message.into(),
        rule: Some(rule),
    }
}

pub(crate) fn not_found(message: impl Into<String>) -> Refusal {
    Refusal::NotFound {
        message: message.into(),
    }
}

pub(crate) fn conflict(message: impl Into<String>) -> Refusal {
    Refusal::Conflict {
        message: message.into(),
    }
}

/// A refusal of a check that reads workspace parts, with its place in the order the command
/// checks in (a stage, then an asset, folder or workspace id): a host that checks some parts at
/// a time keeps the first of their refusals, the one the whole organization gives (`span.rs`).
/// Without feature `parts` only the refusal (the browser's module does not pay for the key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Keyed {
    #[cfg(feature = "parts")]
    pub(crate) key: (u8, String),
    pub(crate) refusal: Refusal,
}

impl Keyed {
    /// At `id` within `stage`.
    #[inline]
    pub(crate) fn at(stage: u8, id: &str, refusal: Refusal) -> Keyed {
        #[cfg(not(feature = "parts"))]
        let _ = (stage, id);
        Keyed {
            #[cfg(feature = "parts")]
            key: (stage, id.into()),
            refusal,
        }
    }
}
