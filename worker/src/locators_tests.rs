//! Locator buckets: stable, spread, and changed only where an asset moved.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;

#[test]
fn buckets_are_stable_across_builds() {
    // FNV-1a values fixed here: a change of hash would strand every stored bucket.
    assert_eq!(bucket_of(""), 0x811c_9dc5 % BUCKETS);
    assert_eq!(bucket_of("a"), 0xe40c_292c % BUCKETS);
    assert_eq!(bucket_of("foobar"), 0xbf9c_f968 % BUCKETS);
}

#[test]
fn a_million_ids_spread_evenly() {
    let mut counts = vec![0u32; BUCKETS as usize];
    for i in 0..1_000_000 {
        counts[bucket_of(&format!("asset-{i:07}")) as usize] += 1;
    }
    let (min, max) = (*counts.iter().min().unwrap(), *counts.iter().max().unwrap());
    // About 977 each; no bucket twice the mean, so none grows past ~80 KB of JSON.
    assert!(min > 800 && max < 1200, "{min}..{max}");
}

#[test]
fn changes_touch_only_their_buckets() {
    let mut buckets = BTreeMap::new();
    let mut changes = BTreeMap::new();
    changes.insert("q3".to_string(), Some("sales".to_string()));
    changes.insert("q4".to_string(), Some("sales".to_string()));
    let touched = apply(&mut buckets, &changes);
    let mut expected = vec![bucket_of("q3"), bucket_of("q4")];
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(touched, expected);
    assert_eq!(buckets[&bucket_of("q3")]["q3"], "sales");
    // Setting what is already there changes nothing.
    assert!(apply(&mut buckets, &changes).is_empty());
    // A move and a removal.
    let mut moves = BTreeMap::new();
    moves.insert("q3".to_string(), Some("finance".to_string()));
    moves.insert("q4".to_string(), None);
    moves.insert("gone".to_string(), None);
    let touched = apply(&mut buckets, &moves);
    assert!(touched.contains(&bucket_of("q3")) && touched.contains(&bucket_of("q4")));
    assert_eq!(buckets[&bucket_of("q3")]["q3"], "finance");
    assert!(!buckets[&bucket_of("q4")].contains_key("q4"));
}

#[test]
fn locator_keys_stay_apart_from_workspace_keys() {
    assert_eq!(locator_key("acme", 7), "org/acme/loc/7");
    assert_ne!(
        locator_key("acme", 7),
        crate::storage_layout::workspace_key("acme", "7")
    );
    assert_ne!(locator_key("acme/loc", 7), locator_key("acme", 7));
}
