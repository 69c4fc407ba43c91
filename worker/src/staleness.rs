//! Bounded staleness: when an edge reader may answer from what KV holds.
//!
//! KV may lag behind the writer without bound when its writes fail (the writer retries them,
//! but until they land the old values stay). So a reader answers from KV only with a recent
//! *attestation*: the writer's word that at time `at` the organization's version was
//! `version`. Every command accepted before `at` has a version of at most `version`; if the
//! org envelope at hand is at least that new, the answer reflects every command accepted before
//! `at`, and `at` is at most the bound old. Otherwise the writer answers.
//!
//! Attestations come from the KV head key (written by the writer after each org envelope it
//! writes, naming the envelope's version and when its content was taken) or, when that is too
//! old, from the writer itself (a small call that reads no state but its commit record). An
//! isolate keeps the newest attestation it has per organization.

use serde::{Deserialize, Serialize};

/// The default bound, in milliseconds: no edge answer reflects state older than this.
pub const DEFAULT_BOUND_MS: u64 = 30_000;

/// The writer's word: at `at` (its clock, ms since the epoch) the version was `version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// The organization's version at `at`.
    pub version: u64,
    /// When, in milliseconds since the epoch.
    pub at: u64,
}

impl Attestation {
    /// Whether it is recent enough to answer from at `now`. An attestation from the future
    /// (clocks of two machines differ a little) counts as recent.
    #[must_use]
    pub fn is_recent(&self, now: u64, bound_ms: u64) -> bool {
        now.saturating_sub(self.at) <= bound_ms
    }

    /// The newer of two attestations.
    #[must_use]
    pub fn newest(self, other: Option<Attestation>) -> Attestation {
        match other {
            Some(o) if (o.at, o.version) > (self.at, self.version) => o,
            _ => self,
        }
    }
}

/// What a reader may do with the org envelope it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Answer from KV: the envelope is new enough.
    Answer,
    /// Get a recent attestation first (none at hand is recent).
    Attest,
    /// KV is behind what the writer attested or what the caller asked for: the writer answers.
    AskWriter,
}

/// Decides whether an envelope at `envelope_version` may answer a read that asks for at least
/// `min_version`, given the newest attestation at hand.
#[must_use]
pub fn verdict(
    envelope_version: u64,
    min_version: u64,
    attestation: Option<Attestation>,
    now: u64,
    bound_ms: u64,
) -> Verdict {
    if envelope_version < min_version {
        return Verdict::AskWriter;
    }
    match attestation {
        Some(a) if a.is_recent(now, bound_ms) => {
            if envelope_version >= a.version {
                Verdict::Answer
            } else {
                Verdict::AskWriter
            }
        }
        _ => Verdict::Attest,
    }
}

#[cfg(test)]
#[path = "staleness_tests.rs"]
mod tests;
