//! How often the edge may ask an organization's writer about a caller it cannot admit from the
//! cached envelope (issue 14: outsiders never reach the org's writer unbounded).
//!
//! The gate admits members from the org envelope. A caller the envelope does not list is
//! either an outsider or a member added since KV last caught up, and only the writer can tell
//! the two apart. So the gate asks it, but each isolate remembers the writer's "not a member"
//! for [`RECHECK_MS`] per (organization, caller), and asks about at most
//! [`PROBES_PER_SECOND`] callers of one organization a second that it has not known as members;
//! beyond that the answer is the outsider's. Requests that arrive while the same ask is under way wait for its answer
//! ([`Flights`]; a Worker may not await another request's I/O, so they poll with a timer). A
//! flood from one outsider, whatever ids, versions or filters it names, costs the writer at
//! most one call a second per isolate; from any number of outsiders, at most
//! [`PROBES_PER_SECOND`] a second.

use std::collections::HashMap;
use std::hash::Hash;

/// How long a writer's "not a member" stands for that caller, in milliseconds. A member added
/// just after being refused is admitted by the first request after that.
pub const RECHECK_MS: u64 = 1_000;
/// Callers of one organization the writer is asked about per second and isolate.
pub const PROBES_PER_SECOND: u32 = 10;
/// How long an ask may be under way before another request stops waiting for it and asks.
pub const FLIGHT_MS: u64 = 5_000;
/// Entries kept before starting over.
const CAP: usize = 4_096;

fn bounded<K, V>(map: &mut HashMap<K, V>) {
    if map.len() >= CAP {
        map.clear();
    }
}

/// Calls under way, by what they ask: one at a time for each key.
#[derive(Debug)]
pub struct Flights<K> {
    started: HashMap<K, u64>,
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Flights {
            started: HashMap::new(),
        }
    }
}

/// Whether a request makes the call itself or waits for the one under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// Make the call (and [`Flights::land`] it, whatever its outcome).
    Go,
    /// Another request is making it: look again shortly.
    Wait,
}

impl<K: Eq + Hash + Clone> Flights<K> {
    /// Takes the call for `key` at `now` unless one began less than [`FLIGHT_MS`] ago.
    pub fn turn(&mut self, key: &K, now: u64) -> Turn {
        if let Some(&at) = self.started.get(key) {
            if now.saturating_sub(at) < FLIGHT_MS {
                return Turn::Wait;
            }
        }
        bounded(&mut self.started);
        self.started.insert(key.clone(), now);
        Turn::Go
    }

    /// The call for `key` ended.
    pub fn land(&mut self, key: &K) {
        self.started.remove(key);
    }
}

/// One isolate's memory of the writer's answers about callers it could not admit.
#[derive(Debug, Default)]
pub struct Memo {
    answers: HashMap<(String, String), (u64, bool)>,
    window: HashMap<String, (u64, u32)>,
}

impl Memo {
    /// The answer a request that arrived at `arrived` may take without asking at `now`: a
    /// "not a member" younger than [`RECHECK_MS`], or any answer given since it arrived.
    pub fn known(&self, org: &str, actor: &str, arrived: u64, now: u64) -> Option<bool> {
        let &(at, member) = self.answers.get(&(org.to_string(), actor.to_string()))?;
        if at >= arrived || (!member && now.saturating_sub(at) < RECHECK_MS) {
            return Some(member);
        }
        None
    }

    /// Whether the writer may be asked about `actor` in `org` at `now`. A caller it last called
    /// a member always may (while KV lags, every member's request asks); anyone else counts
    /// toward the organization's [`PROBES_PER_SECOND`].
    pub fn may_ask(&mut self, org: &str, actor: &str, now: u64) -> bool {
        let key = (org.to_string(), actor.to_string());
        if self.answers.get(&key).is_some_and(|&(_, member)| member) {
            return true;
        }
        bounded(&mut self.window);
        let second = now / 1_000;
        let slot = self.window.entry(org.to_string()).or_insert((second, 0));
        if slot.0 != second {
            *slot = (second, 0);
        }
        if slot.1 >= PROBES_PER_SECOND {
            return false;
        }
        slot.1 += 1;
        true
    }

    /// Records the writer's answer about `actor` in `org`, given at `now`.
    pub fn answered(&mut self, org: &str, actor: &str, member: bool, now: u64) {
        bounded(&mut self.answers);
        self.answers
            .insert((org.to_string(), actor.to_string()), (now, member));
    }
}

#[cfg(test)]
#[path = "outsiders_tests.rs"]
mod tests;
