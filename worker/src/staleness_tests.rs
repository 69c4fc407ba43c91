//! The staleness bound: a reader never answers from an envelope older than what the writer
//! attested within the bound.

#![allow(
    clippy::panic,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;

const B: u64 = 30_000;

fn att(version: u64, at: u64) -> Option<Attestation> {
    Some(Attestation { version, at })
}

#[test]
fn answers_only_with_a_recent_attestation_it_is_new_enough_for() {
    let now = 1_000_000;
    assert_eq!(verdict(5, 0, att(5, now - 10), now, B), Verdict::Answer);
    assert_eq!(verdict(6, 0, att(5, now - B), now, B), Verdict::Answer);
    // The writer is ahead of KV (a write has not landed): the writer answers.
    assert_eq!(verdict(5, 0, att(6, now), now, B), Verdict::AskWriter);
    // Too old, or none: attest first, whatever the envelope.
    assert_eq!(verdict(5, 0, att(5, now - B - 1), now, B), Verdict::Attest);
    assert_eq!(verdict(5, 0, None, now, B), Verdict::Attest);
    // An attestation a little from the future (clock skew) is recent.
    assert_eq!(verdict(5, 0, att(5, now + 500), now, B), Verdict::Answer);
}

#[test]
fn min_version_above_the_envelope_always_goes_to_the_writer() {
    let now = 1_000_000;
    assert_eq!(verdict(5, 6, att(5, now), now, B), Verdict::AskWriter);
    assert_eq!(verdict(5, u64::MAX, None, now, B), Verdict::AskWriter);
    assert_eq!(verdict(5, 5, att(5, now), now, B), Verdict::Answer);
}

#[test]
fn a_failed_write_is_seen_by_every_reader_within_the_bound() {
    // The writer accepted version 7 at t0 but KV kept version 6 (its writes fail). A reader
    // holding an attestation of version 6 from just before t0 answers from KV until that
    // attestation is older than the bound; its next attestation names 7 and sends it to the
    // writer. So the stale answers end at most B after t0.
    let t0 = 5_000_000;
    let before = Attestation {
        version: 6,
        at: t0 - 1,
    };
    let mut last_stale = None;
    for now in (t0..t0 + 2 * B).step_by(250) {
        let held = if before.is_recent(now, B) {
            Some(before)
        } else {
            // What the writer says when asked at `now`.
            Some(Attestation {
                version: 7,
                at: now,
            })
        };
        match verdict(6, 0, held, now, B) {
            Verdict::Answer => last_stale = Some(now),
            Verdict::AskWriter => {}
            Verdict::Attest => panic!("a fresh attestation was at hand"),
        }
    }
    let last = last_stale.unwrap_or(t0);
    assert!(
        last <= t0 + B,
        "stale until {} ms after the write",
        last - t0
    );
}

#[test]
fn newest_prefers_the_later_attestation() {
    let a = Attestation { version: 3, at: 10 };
    let b = Attestation { version: 4, at: 20 };
    assert_eq!(a.newest(Some(b)), b);
    assert_eq!(b.newest(Some(a)), b);
    assert_eq!(a.newest(None), a);
}
