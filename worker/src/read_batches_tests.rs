//! Batched part reads: few storage calls, whole parts, and never more bytes per call than
//! allowed (issue 13: the flush after a full-scale import).

use super::*;

const MIB: usize = 1 << 20;

/// Splits `chunks` into calls as the flush does, with `bytes` per call and `max` parts in all.
fn calls(chunks: &[Option<usize>], bytes: usize, max: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut parts = 0;
    while start < chunks.len() && parts < max {
        let end = batch_end(chunks, start, room(bytes, MIB), max - parts);
        parts += chunks[start..end].iter().flatten().count();
        out.push((start, end));
        start = end;
    }
    out
}

#[test]
fn small_parts_come_many_a_call_within_the_byte_bound() {
    // 10,200 one-chunk parts, 16 MiB a call: 16 keys a call (a chunk may be 1 MiB), 638 calls
    // where one `get` per part made 10,200.
    let chunks = vec![Some(1); 10_200];
    let c = calls(&chunks, 16 * MIB, usize::MAX);
    assert_eq!(c.len(), 638);
    assert!(c.iter().all(|(s, e)| e - s <= 16));
    assert_eq!(c.last().map(|x| x.1), Some(10_200));
}

#[test]
fn never_more_than_the_storage_key_limit() {
    let chunks = vec![Some(1); 1_000];
    assert_eq!(room(usize::MAX, MIB), MAX_KEYS);
    assert_eq!(
        batch_end(&chunks, 0, room(usize::MAX, MIB), usize::MAX),
        MAX_KEYS
    );
}

#[test]
fn a_part_larger_than_the_room_goes_alone() {
    // ws000 at full scale: 15 chunks; with 2 MiB left the room is 2 keys, but it still goes.
    let chunks = [Some(15), Some(1), Some(1)];
    assert_eq!(batch_end(&chunks, 0, room(2 * MIB, MIB), 10), 1);
    // Parts are never split: two small ones fit, the large one waits for the next call.
    let chunks = [Some(1), Some(1), Some(15)];
    assert_eq!(batch_end(&chunks, 0, 16, 10), 2);
}

#[test]
fn parts_not_stored_cost_nothing_and_the_part_count_is_kept() {
    let chunks = [None, Some(1), None, Some(1), Some(1)];
    // Two parts allowed: the call ends before the third stored part.
    assert_eq!(batch_end(&chunks, 0, 16, 2), 4);
    // None allowed: no stored part is taken.
    assert_eq!(
        chunks[..batch_end(&chunks, 0, 16, 0)]
            .iter()
            .flatten()
            .count(),
        0
    );
    // Only parts not stored left: all are consumed.
    assert_eq!(batch_end(&[None, None], 0, 16, 5), 2);
}

#[test]
fn the_bound_of_every_part_saturates_instead_of_overflowing() {
    assert_eq!(upper_bound([1, 2].into_iter(), 10, [5].into_iter()), 35);
    // 10,200 one-chunk parts of 1 MiB on a 32-bit usize would overflow: it saturates.
    assert_eq!(
        upper_bound([usize::MAX / 2, 3].into_iter(), 1 << 20, std::iter::empty()),
        usize::MAX
    );
    assert_eq!(
        upper_bound(std::iter::once(1), 1, [usize::MAX].into_iter()),
        usize::MAX
    );
}
