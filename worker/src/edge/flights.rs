//! The writer calls the gate and the readers make on their own (not for a caller's command or
//! question): attestations and membership probes. One call at a time per thing asked, with the
//! requests that arrive meanwhile waiting for its answer, probes for callers the envelope does
//! not list bounded by `outsiders::Memo`, and each call counted per organization so that a test
//! can see the bound (`GET /v1/orgs/{org}/test/writer-calls`, `ORGSPACE_TEST_FAULTS=true` only).
//!
//! A Worker may not await a promise another request's I/O settles (the runtime cancels it as
//! hung), so waiting requests poll the isolate's state with a timer of their own.

use super::http::now_ms;
use super::writer::{self, WriterCall};
use crate::api_error::ApiError;
use crate::outsiders::{Flights, Memo, Turn};
use crate::queries::Query;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;
use worker::{Delay, Env};

/// How often a waiting request looks for the answer of the call under way.
const POLL: Duration = Duration::from_millis(10);
/// Organizations whose counts and attestations an isolate keeps before starting over.
const CAP: usize = 4_096;

#[derive(Default)]
struct State {
    attesting: Flights<String>,
    /// The last attestation answer per organization and when it came.
    attested: HashMap<String, (u64, (u16, Value))>,
    probing: Flights<(String, String)>,
    memo: Memo,
    calls: HashMap<String, u64>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

fn count(s: &mut State, org: &str) {
    if s.calls.len() >= CAP {
        s.calls.clear();
    }
    *s.calls.entry(org.to_string()).or_default() += 1;
}

/// The writer calls this isolate made for `org` on its own (attestations and probes).
pub fn calls(org: &str) -> u64 {
    with(|s| s.calls.get(org).copied().unwrap_or_default())
}

/// The writer's attestation of its version now: requests that ask while one is under way take
/// its answer.
pub async fn attest(env: &Env, org: &str) -> Result<(u16, Value), ApiError> {
    let arrived = now_ms();
    let key = org.to_string();
    loop {
        let turn = with(|s| {
            if let Some((at, answer)) = s.attested.get(org) {
                if *at >= arrived {
                    return Ok(answer.clone());
                }
            }
            let turn = s.attesting.turn(&key, now_ms());
            if turn == Turn::Go {
                count(s, org);
            }
            Err(turn)
        });
        match turn {
            Ok(answer) => return Ok(answer),
            Err(Turn::Wait) => Delay::from(POLL).await,
            Err(Turn::Go) => {
                let result = writer::call(env, org, &WriterCall::Attest { org: key.clone() }).await;
                with(|s| {
                    s.attesting.land(&key);
                    if let Ok(answer) = &result {
                        if s.attested.len() >= CAP {
                            s.attested.clear();
                        }
                        s.attested.insert(key.clone(), (now_ms(), answer.clone()));
                    }
                });
                return result;
            }
        }
    }
}

/// Whether the writer counts `actor` a member of `org`, asked within the bound of
/// `outsiders::Memo` (beyond it, not a member); requests about the same caller that arrive
/// while it is asked take its answer.
pub async fn is_member(
    env: &Env,
    org: &str,
    actor: &str,
    min_version: u64,
    listed: bool,
) -> Result<bool, ApiError> {
    let arrived = now_ms();
    let key = (org.to_string(), actor.to_string());
    loop {
        let step = with(|s| {
            let now = now_ms();
            if let Some(member) = s.memo.known(org, actor, arrived, now, min_version) {
                return Ok(member);
            }
            match s.probing.turn(&key, now) {
                Turn::Wait => Err(true),
                Turn::Go if s.memo.may_ask(org, actor, now, listed) => {
                    count(s, org);
                    Err(false)
                }
                Turn::Go => {
                    s.probing.land(&key);
                    Ok(false)
                }
            }
        });
        match step {
            Ok(member) => return Ok(member),
            Err(true) => Delay::from(POLL).await,
            Err(false) => {
                let probe = WriterCall::Query {
                    org: org.to_string(),
                    actor: actor.to_string(),
                    now: now_ms(),
                    query: Query::Org,
                };
                let result = match writer::call(env, org, &probe).await {
                    Ok((200, _)) => Ok(true),
                    Ok((status, _)) if status < 500 => Ok(false),
                    Ok((_, body)) => Err(ApiError::internal(format!(
                        "the writer could not say who is a member: {body}"
                    ))),
                    Err(e) => Err(e),
                };
                with(|s| {
                    s.probing.land(&key);
                    if let Ok(member) = result {
                        s.memo.answered(org, actor, member, now_ms(), min_version);
                    }
                });
                return result;
            }
        }
    }
}
