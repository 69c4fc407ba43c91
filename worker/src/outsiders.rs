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
    /// By (organization, caller): when the writer answered, whether a member, and for a
    /// refusal the highest `min_version` it was asked for (it stands for no request naming a
    /// newer one: a member added by a write the caller has seen is asked about again).
    answers: HashMap<(String, String), (u64, bool, u64)>,
    window: HashMap<String, (u64, u32)>,
}

impl Memo {
    /// The answer a request that arrived at `arrived`, naming `min_version`, may take without
    /// asking at `now`: a "member" given since it arrived, or a "not a member" given since it
    /// arrived or younger than [`RECHECK_MS`], and asked for at least `min_version` (a caller who
    /// saw the write that added them names its version, and is asked about anew).
    pub fn known(
        &self,
        org: &str,
        actor: &str,
        arrived: u64,
        now: u64,
        min_version: u64,
    ) -> Option<bool> {
        let &(at, member, asked) = self.answers.get(&(org.to_string(), actor.to_string()))?;
        if member {
            return (at >= arrived).then_some(true);
        }
        if min_version <= asked && (at >= arrived || now.saturating_sub(at) < RECHECK_MS) {
            return Some(false);
        }
        None
    }
    /// Whether the writer may be asked about `actor` in `org` at `now`. A caller it last called
    /// a member, or one the last envelope of KV lists (`listed`: a member while KV lags behind
    /// the version asked for), always may; anyone else counts toward the organization's
    /// [`PROBES_PER_SECOND`].
    pub fn may_ask(&mut self, org: &str, actor: &str, now: u64, listed: bool) -> bool {
        let key = (org.to_string(), actor.to_string());
        if listed || self.answers.get(&key).is_some_and(|&(_, member, _)| member) {
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

    /// Records the writer's answer about `actor` in `org`, given at `now` to a request naming
    /// `min_version`. A refusal keeps the highest version it was asked for while it stands, so
    /// a flood naming ever larger versions costs one ask, not one each.
    pub fn answered(&mut self, org: &str, actor: &str, member: bool, now: u64, min_version: u64) {
        bounded(&mut self.answers);
        let key = (org.to_string(), actor.to_string());
        let asked = match self.answers.get(&key) {
            Some(&(at, false, before)) if !member && now.saturating_sub(at) < RECHECK_MS => {
                before.max(min_version)
            }
            _ => min_version,
        };
        self.answers.insert(key, (now, member, asked));
    }
}

#[cfg(test)]
#[path = "outsiders_tests.rs"]
mod tests;
