//! What the writer still owes KV, and in what order it pays: the pure part of the flush, so
//! that its ordering, coalescing and budget are tested natively.
//!
//! The debt ([`Due`]) is kept in Durable Object storage beside the commit record and written in
//! the same atomic batch, so an evicted or restarted writer still knows what KV lacks. Each
//! flush pays what one invocation may (Workers allow 1,000 KV operations per invocation; a
//! flush spends at most [`FLUSH_BUDGET`]), in this order: workspace parts and locator buckets,
//! then the org envelope that names their versions, then the head (the attestation readers
//! trust), then deletions. No key is written twice within [`COALESCE_MS`] (KV takes one write
//! per second per key): what is not yet due waits for an alarm.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// KV operations one flush may spend (of the 1,000 an invocation may make).
pub const FLUSH_BUDGET: usize = 500;
/// The shortest time between two writes of one key.
pub const COALESCE_MS: u64 = 1_000;
/// The longest wait between two attempts after failures.
pub const MAX_BACKOFF_MS: u64 = 60_000;

/// What KV lacks of the writer's committed state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The org envelope (and then the head) must be written.
    #[serde(default)]
    pub org: bool,
    /// Workspace parts to write.
    #[serde(default)]
    pub workspaces: BTreeSet<String>,
    /// Workspaces whose KV values must go.
    #[serde(default)]
    pub deleted: BTreeSet<String>,
    /// Locator buckets to write.
    #[serde(default)]
    pub buckets: BTreeSet<u32>,
    /// Failed attempts in a row, for the backoff.
    #[serde(default)]
    pub failures: u32,
}

impl Due {
    /// Whether KV holds everything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.org
            && self.workspaces.is_empty()
            && self.deleted.is_empty()
            && self.buckets.is_empty()
    }

    /// Adds another debt to this one.
    pub fn merge(&mut self, other: Due) {
        self.org |= other.org;
        self.workspaces.extend(other.workspaces);
        self.deleted.extend(other.deleted);
        self.buckets.extend(other.buckets);
        for ws in &self.deleted {
            self.workspaces.remove(ws);
        }
    }
}

/// One thing a flush writes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// A workspace part (all its shards).
    Workspace(String),
    /// A locator bucket.
    Bucket(u32),
    /// The org envelope (all its shards).
    OrgEnvelope,
    /// The head: the attestation of the envelope just written.
    Head,
    /// A deleted workspace's values.
    Delete(String),
}

/// What one flush does now, and when the next should run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// In this order.
    pub units: Vec<Unit>,
    /// When to flush again (an alarm), if anything is left.
    pub again_at: Option<u64>,
}

/// Plans a flush of `due` at `now` within `budget` KV operations. `cost` tells how many
/// operations a unit takes (a part's shards, and the old shards it leaves to delete);
/// `written` when each unit was last written.
pub fn plan(
    due: &Due,
    written: &BTreeMap<Unit, u64>,
    now: u64,
    budget: usize,
    mut cost: impl FnMut(&Unit) -> usize,
) -> Plan {
    let mut out = Plan::default();
    let mut left = budget;
    let mut wait: Option<u64> = None;
    let mut held_back = false;
    let note_wait = |at: u64, wait: &mut Option<u64>| {
        *wait = Some(wait.map_or(at, |w: u64| w.min(at)));
    };
    let ready = |unit: &Unit| {
        written
            .get(unit)
            .map_or(0, |t| t.saturating_add(COALESCE_MS))
    };
    let before_envelope = due
        .workspaces
        .iter()
        .map(|w| Unit::Workspace(w.clone()))
        .chain(due.buckets.iter().map(|b| Unit::Bucket(*b)));
    for unit in before_envelope {
        let at = ready(&unit);
        if at > now {
            note_wait(at, &mut wait);
            held_back = true;
            continue;
        }
        let c = cost(&unit);
        if c > left && !(out.units.is_empty() && c > budget) {
            // Out of budget this time; a unit larger than a whole budget goes alone.
            held_back = true;
            note_wait(now, &mut wait);
            continue;
        }
        left = left.saturating_sub(c);
        out.units.push(unit);
    }
    // Deletions wait for the envelope that no longer names their workspaces.
    let mut envelope_current = !due.org;
    if due.org && held_back {
        // The envelope waits for the parts it names.
    } else if due.org {
        let at = ready(&Unit::OrgEnvelope);
        let c = cost(&Unit::OrgEnvelope);
        if at > now {
            note_wait(at, &mut wait);
        } else if c > left && !out.units.is_empty() {
            note_wait(now, &mut wait);
        } else {
            envelope_current = true;
            left = left.saturating_sub(c);
            out.units.push(Unit::OrgEnvelope);
            out.units.push(Unit::Head);
            left = left.saturating_sub(1);
        }
    }
    for ws in due.deleted.iter().filter(|_| envelope_current) {
        let unit = Unit::Delete(ws.clone());
        let c = cost(&unit);
        if c > left {
            note_wait(now, &mut wait);
            break;
        }
        left -= c;
        out.units.push(unit);
    }
    out.again_at = wait;
    out
}

/// When to try again after `failures` failed attempts in a row: 1 s, 2 s, 4 s, ... up to
/// [`MAX_BACKOFF_MS`].
#[must_use]
pub fn backoff(now: u64, failures: u32) -> u64 {
    let exp = failures.saturating_sub(1).min(16);
    let wait = COALESCE_MS.saturating_mul(1 << exp).min(MAX_BACKOFF_MS);
    now.saturating_add(wait)
}

#[cfg(test)]
#[path = "flush_plan_tests.rs"]
mod tests;
