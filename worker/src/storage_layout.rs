//! How an organization is laid out in storage, shared by the Durable Object (the one writer)
//! and the edge readers.
//!
//! KV holds, per organization (every value but the head in shards, `kv_shards.rs`, each
//! carrying the version it was written at):
//! - `org/{org}`: an [`OrgEnvelope`]: the core's org part, the organization's version, and for
//!   each workspace and locator bucket the version at which it last changed (binary,
//!   `envelope_codec.rs`; an older writer's JSON text still reads);
//! - `org/{org}/ws/{workspace}`: one workspace's part (the core's `WorkspacePart`);
//! - `org/{org}/loc/{bucket}`: where the assets of one bucket live (`locators.rs`), so a check
//!   that names only an asset finds the one workspace part it needs;
//! - `org/{org}/head`: the writer's attestation of the envelope last written
//!   (`staleness.rs`): readers answer from KV only under a recent one.
//!
//! Ids in keys have `%` and `/` percent-encoded, so keys of different organizations never meet.
//!
//! A reader takes the org envelope, then the workspace parts it names; a part (or bucket) whose
//! version differs from what the envelope names means KV has not caught up, and the reader asks
//! the Durable Object instead.

use orgspace_core::Event;
use orgspace_core::snapshot::OrgPart;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The org part and the directory of part and bucket versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEnvelope {
    /// The organization's version: every accepted command adds one.
    pub version: u64,
    /// The version at which the org part last changed in anything but its version number: an
    /// engine built from parts no newer than this answers as one built at `version` would.
    #[serde(default)]
    pub org_changed: u64,
    /// For each workspace, the version at which its part last changed.
    pub workspaces: BTreeMap<String, u64>,
    /// For each locator bucket that holds any asset, the version at which it last changed.
    #[serde(default)]
    pub buckets: BTreeMap<u32, u64>,
    /// The core's org part.
    pub part: OrgPart,
}

/// The envelope stored at `version` as `bytes` (binary or an older writer's JSON text,
/// `envelope_codec.rs`): `cached` itself when it was read at that version, else `bytes`
/// decoded; `None` when they name another version (shards of two writes). A version names one
/// envelope for the life of an organization (every command adds one, and organizations are
/// never deleted), so a reader refreshing an unchanged envelope every second skips a decode
/// that costs milliseconds at the benchmark's full org.
///
/// # Errors
///
/// What is wrong with damaged bytes.
pub fn envelope_at(
    cached: Option<&std::rc::Rc<OrgEnvelope>>,
    version: u64,
    bytes: &[u8],
) -> Result<Option<std::rc::Rc<OrgEnvelope>>, String> {
    if let Some(c) = cached.filter(|c| c.version == version) {
        return Ok(Some(std::rc::Rc::clone(c)));
    }
    let envelope = crate::envelope_codec::from_bytes(bytes)?;
    Ok((envelope.version == version).then(|| std::rc::Rc::new(envelope)))
}

/// The longest key Workers KV takes, in bytes. A longer key (ids near their 256-byte cap) is
/// never written: readers find nothing under it and ask the writer.
pub const KV_KEY_MAX: usize = 512;

/// An id as one segment of a key, with `%` and `/` percent-encoded: ids may hold `/`, and an
/// organization named `acme/ws/main` must not write over a key of `acme`.
fn segment(id: &str) -> String {
    id.replace('%', "%25").replace('/', "%2F")
}

/// The KV key of an organization's envelope.
#[must_use]
pub fn org_key(org: &str) -> String {
    format!("org/{}", segment(org))
}

/// The KV key of a workspace's envelope.
#[must_use]
pub fn workspace_key(org: &str, workspace: &str) -> String {
    format!("org/{}/ws/{}", segment(org), segment(workspace))
}

/// The KV key of the writer's attestation (`staleness.rs`).
#[must_use]
pub fn head_key(org: &str) -> String {
    format!("org/{}/head", segment(org))
}

/// What an accepted command changed, in storage terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dirty {
    /// Every workspace part must be rewritten (the command reached across workspaces).
    pub all_workspaces: bool,
    /// Workspace parts to rewrite.
    pub workspaces: BTreeSet<String>,
    /// Workspaces that no longer exist.
    pub deleted_workspaces: BTreeSet<String>,
    /// Asset locators to write (`Some(workspace)`) or delete (`None`).
    pub locators: BTreeMap<String, Option<String>>,
}

/// The asset locators an accepted command's events change: where each created or moved asset
/// now lives (`Some(workspace)`), or `None` for a deleted one. Which parts changed is the
/// engine's account (`dirty_of`), not derived from events here.
#[must_use]
pub fn locators_of(events: &[Event]) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for event in events {
        match event {
            Event::AssetCreated { workspace, asset }
            | Event::OwnerChanged {
                asset, workspace, ..
            } => {
                out.insert(asset.clone(), Some(workspace.clone()));
            }
            Event::AssetDeleted { asset, .. } => {
                out.insert(asset.clone(), None);
            }
            // Only these three events put an asset somewhere or take it away; the scenario
            // test (`dirty_of_names_every_changed_part_in_every_scenario`) checks every
            // locator against where the assets are after each command.
            _ => {}
        }
    }
    out
}

/// What an accepted command changed, from the engine's own account (`Engine::execute_tracked`):
/// exactly the parts it changed, so a member removal, a group deletion or a data source deletion
/// rewrites the parts that name them, not every part; the locators come from the events. Only
/// creating or upgrading an organization writes every part.
#[must_use]
pub fn dirty_of(done: &orgspace_core::Executed) -> Dirty {
    let events = &done.applied.events;
    Dirty {
        all_workspaces: events
            .iter()
            .any(|e| matches!(e, Event::OrgCreated { .. } | Event::OrgUpgraded { .. })),
        workspaces: done.changed.workspaces.iter().cloned().collect(),
        deleted_workspaces: done.changed.deleted.iter().cloned().collect(),
        locators: locators_of(events),
    }
}

/// Splits `text` into pieces of at most `max` bytes on character boundaries: Durable Object
/// storage caps one value (2 MB with SQLite storage), a workspace part may be larger. A piece is
/// longer than `max` only when it is one character wider than `max`.
#[must_use]
pub fn chunks(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > max {
        let mut cut = max;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == 0 {
            // A character wider than `max` goes whole into a piece of its own.
            cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (head, tail) = rest.split_at(cut);
        out.push(head);
        rest = tail;
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
#[path = "storage_layout_tests.rs"]
mod tests;
