//! Where each asset lives, for readers that are asked about an asset by id alone.
//!
//! One KV key per asset would grow to a million keys for the benchmark organization, and an
//! import would write each of them. Assets are hashed into [`BUCKETS`] buckets instead; a bucket
//! is one JSON object `{asset: workspace}` (about 40 KB at a million assets). The org envelope
//! carries the version each bucket last changed at, so a reader knows when its cached copy is
//! current; a locator that points to the wrong workspace is still never trusted (the reader
//! checks that the part holds the asset, or asks the writer).

use std::collections::BTreeMap;

/// How many buckets an organization's locators are spread over.
pub const BUCKETS: u32 = 1024;

/// One bucket: asset id to workspace id.
pub type Bucket = BTreeMap<String, String>;

/// The bucket of an asset: FNV-1a over its id, so the same id lands in the same bucket in every
/// build and on every host (std's hasher promises neither).
#[must_use]
pub fn bucket_of(asset: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in asset.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % BUCKETS
}

/// The KV key of an organization's bucket.
#[must_use]
pub fn locator_key(org: &str, bucket: u32) -> String {
    format!("{}/loc/{bucket}", crate::storage_layout::org_key(org))
}

/// Applies locator changes (`Some(workspace)` sets, `None` removes) to the buckets they fall
/// in, and returns the buckets changed.
pub fn apply(
    buckets: &mut BTreeMap<u32, Bucket>,
    changes: &BTreeMap<String, Option<String>>,
) -> Vec<u32> {
    let mut touched = std::collections::BTreeSet::new();
    for (asset, workspace) in changes {
        let b = bucket_of(asset);
        let bucket = buckets.entry(b).or_default();
        let changed = match workspace {
            Some(ws) => bucket.insert(asset.clone(), ws.clone()).as_ref() != Some(ws),
            None => bucket.remove(asset).is_some(),
        };
        if changed {
            touched.insert(b);
        }
    }
    touched.into_iter().collect()
}

#[cfg(test)]
#[path = "locators_tests.rs"]
mod tests;
