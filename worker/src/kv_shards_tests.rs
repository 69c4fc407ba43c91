//! Shards: what is cut is glued back whole, and shards of different writes never glue.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;

#[test]
fn a_value_round_trips_through_its_shards() {
    for text in ["", "a", "abcdefghij", "ü€😀 mixed ascii", &"x".repeat(1000)] {
        for max in [1, 3, 4, 7, 64, 10_000] {
            let shards = encode(42, text, max);
            assert!(!shards.is_empty());
            for s in &shards {
                let d = decode(s).unwrap();
                assert!(d.piece.len() <= max.max(4), "{max}: {}", d.piece.len());
                assert_eq!(d.count, shards.len());
            }
            assert_eq!(
                join(42, &shards).as_deref(),
                Some(text),
                "{text:?} at {max}"
            );
        }
    }
}

#[test]
fn shards_of_another_version_or_out_of_place_are_refused() {
    let old = encode(1, "abcdefgh", 4);
    let new = encode(2, "ABCDEFGH", 4);
    assert_eq!(join(2, &new).as_deref(), Some("ABCDEFGH"));
    // KV replicated shard 0 of the new write but not yet shard 1.
    assert_eq!(join(2, &[new[0].clone(), old[1].clone()]), None);
    assert_eq!(join(1, &new), None);
    // Missing, swapped or extra shards.
    assert_eq!(join(2, &new[..1]), None);
    assert_eq!(join(2, &[new[1].clone(), new[0].clone()]), None);
    let mut extra = new.clone();
    extra.push(new[1].clone());
    assert_eq!(join(2, &extra), None);
    assert_eq!(join(2, &[]), None);
}

#[test]
fn damaged_headers_are_not_shards() {
    for bad in [
        "",
        "no header",
        "1 0\nx",
        "1 0 1 9\nx",
        "a 0 1\nx",
        "1 1 1\nx",
        "-1 0 1\nx",
        "{\"version\":1}",
    ] {
        assert_eq!(decode(bad), None, "{bad:?}");
    }
    assert_eq!(decode("7 0 1\n").unwrap().piece, "");
}

#[test]
fn shard_keys_stay_apart_from_every_id_key() {
    // Ids in keys have `/` encoded, so `{key}/shard/{i}` is no workspace's or asset's key.
    let key = crate::storage_layout::workspace_key("acme", "sales");
    assert_eq!(shard_key(&key, 0), key);
    assert_eq!(shard_key(&key, 2), "org/acme/ws/sales/shard/2");
    assert_ne!(
        shard_key(&key, 1),
        crate::storage_layout::workspace_key("acme", "sales/shard/1")
    );
}
