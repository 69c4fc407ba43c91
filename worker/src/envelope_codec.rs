//! The org envelope as KV stores it (`storage_layout.rs`): binary since issue 13's cold-reader
//! work, JSON text before. A cold edge reader decodes the envelope before it loads anything, so
//! its encoding is on every cold answer's path: at the full benchmark org the JSON was 1.9 MB
//! (the org part's 10,000 members and 10,200 workspace headers, and a version per workspace).
//!
//! A binary envelope is [`MAGIC`] and then, in postcard, its versions (the organization's, the
//! org part's, each workspace's and bucket's) and the org part in the core's binary encoding
//! (`orgspace_core::snapshot::org_binary`). JSON text starts with `{`, so a reader tells the
//! two apart by their first bytes and still reads what an older writer left in KV; the shard
//! header tags binary values too (`kv_shards.rs`), so an older reader asks the writer instead
//! of misreading one.

use crate::storage_layout::OrgEnvelope;
use orgspace_core::snapshot::org_binary::{org_from_binary, org_to_binary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The first bytes of a binary envelope: "OSE" and the encoding's version (1).
pub const MAGIC: &[u8; 4] = b"OSE\x01";

/// Whether `bytes` hold a binary envelope (else they are taken for JSON text).
#[must_use]
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC[..3])
}

/// The envelope's binary encoding.
///
/// # Errors
///
/// The org part's, if it does not encode (`org_to_binary`; the engine's always do).
pub fn to_binary(envelope: &OrgEnvelope) -> Result<Vec<u8>, String> {
    let part = org_to_binary(&envelope.part).map_err(|e| e.to_string())?;
    let wire = WireOut {
        version: envelope.version,
        org_changed: envelope.org_changed,
        workspaces: &envelope.workspaces,
        buckets: &envelope.buckets,
        part: &part,
    };
    postcard::to_extend(&wire, MAGIC.to_vec()).map_err(|e| e.to_string())
}

/// The envelope stored as `bytes`: the binary encoding, or JSON text (an older writer's).
///
/// # Errors
///
/// What is wrong with damaged, truncated or unknown bytes; never a panic.
pub fn from_bytes(bytes: &[u8]) -> Result<OrgEnvelope, String> {
    if !is_binary(bytes) {
        return serde_json::from_slice(bytes).map_err(|e| e.to_string());
    }
    let rest = bytes
        .strip_prefix(&MAGIC[..])
        .ok_or("an org envelope of an encoding this build does not read")?;
    let (wire, trailing): (WireIn<'_>, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
    if !trailing.is_empty() {
        return Err("trailing bytes after an org envelope".into());
    }
    Ok(OrgEnvelope {
        version: wire.version,
        org_changed: wire.org_changed,
        workspaces: wire.workspaces.into_iter().collect(),
        buckets: wire.buckets.into_iter().collect(),
        part: org_from_binary(wire.part).map_err(|e| e.to_string())?,
    })
}

/// What is written, in order: postcard has no field names.
#[derive(Serialize)]
struct WireOut<'a> {
    version: u64,
    org_changed: u64,
    workspaces: &'a BTreeMap<String, u64>,
    buckets: &'a BTreeMap<u32, u64>,
    part: &'a [u8],
}

/// What [`WireOut`] writes, read back (the org part's bytes borrowed until decoded). A map is
/// read as the list of pairs postcard writes it as (the same bytes), in key order as written,
/// and collected at once: `BTreeMap`'s bulk build, not one insertion per workspace.
#[derive(Deserialize)]
struct WireIn<'a> {
    version: u64,
    org_changed: u64,
    workspaces: Vec<(String, u64)>,
    buckets: Vec<(u32, u64)>,
    part: &'a [u8],
}

#[cfg(test)]
#[path = "envelope_codec_tests.rs"]
mod tests;
