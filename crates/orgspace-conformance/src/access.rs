//! The steps of the three access questions (issue 15): `who_has_access` (an asset and an
//! operation, or a folder; every page walked two members at a time, so cursors are exercised),
//! `access_diff` (a command, not applied) and `view_as`. Each expects an outcome or an object
//! whose fields are compared with [`matches`]: what the answer gives, as far as the scenario
//! states it.

use crate::scenario::{Expect, Step, WhoQuery};
use orgspace_core::{Command, Engine, Refusal};
use serde_json::{Value, json};

/// Whether `actual` holds `expected`: objects by the expected keys, arrays element by element
/// in order and of the same length, anything else by equality.
#[must_use]
pub fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y))
        }
        (e, a) => e == a,
    }
}

/// The answer of one access step as JSON, or the refusal.
pub(crate) fn answer(engine: &Engine, step: &Step, now: u64) -> Option<Result<Value, Refusal>> {
    let actor = step.actor.as_str();
    match &step.action {
        crate::scenario::StepAction::WhoHasAccess(q) => Some(who(engine, actor, q, now)),
        crate::scenario::StepAction::AccessDiff(c) => Some(diff(engine, actor, c, now)),
        crate::scenario::StepAction::ViewAs(q) => Some(
            engine
                .view_as(actor, &q.user, &q.workspace, now)
                .map(|v| serde_json::to_value(v).unwrap_or(Value::Null)),
        ),
        _ => None,
    }
}

fn who(engine: &Engine, actor: &str, q: &WhoQuery, now: u64) -> Result<Value, Refusal> {
    let mut members = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = match (&q.asset, &q.folder, q.operation) {
            (Some(asset), None, Some(op)) => {
                engine.who_has_access(actor, asset, op, cursor.as_deref(), Some(2), now)?
            }
            (None, Some(folder), None) => {
                engine.who_sees_folder(actor, folder, cursor.as_deref(), Some(2), now)?
            }
            _ => {
                return Err(Refusal::Invalid {
                    rule: None,
                    message: "who_has_access names `asset` and `operation`, or `folder`".into(),
                });
            }
        };
        members.extend(
            page.members
                .into_iter()
                .map(|a| serde_json::to_value(a).unwrap_or(Value::Null)),
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(json!({ "members": members }))
}

fn diff(engine: &Engine, actor: &str, command: &Command, now: u64) -> Result<Value, Refusal> {
    engine
        .access_diff(actor, command, now)
        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
}

/// Whether an access step's answer meets its expectation.
pub(crate) fn meets(expect: &Expect, got: &Value) -> bool {
    match expect {
        Expect::Fields(fields) => matches(&Value::Object(fields.clone()), got),
        _ => false,
    }
}
