//! Importing an organization part by part (issue 13: "imports of any size"): the org part, then
//! the workspace parts in batches, each batch loaded into the tables beside the org part alone
//! and dropped once checked, so that no engine ever holds the whole organization. What a whole
//! import (`Engine::from_snapshot`) checks across parts is checked here from what each batch
//! leaves behind: asset ids unique in the organization (their 64-bit hashes, sorted at the
//! end), folder ids unique (the index entries), every listed workspace given one part, each
//! member's reach what the workspaces' roles give (A2, recomputed from the index as a whole
//! load recomputes it) and every member but org admins in some group workspace (O7). The
//! property test `tests/parts_import.rs` holds it to the whole import: the same snapshots are
//! accepted, and they load the same organization.

use super::indexed::IndexedLoader;
use super::{OrgPart, Problem};
use crate::engine::{Engine, SnapshotError};
use crate::index::OrgIndex;
use crate::rule::Rule;
use crate::vocab::WorkspaceKind;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A workspace part checked by [`PartsImport::finish_batch`]: its binary encoding (what the
/// edge stores) and its asset ids (for the edge's locators).
#[derive(Debug)]
pub struct ImportedPart {
    /// The workspace's id.
    pub id: String,
    /// The part in the binary encoding (`binary.rs`), encoded from the tables.
    pub bytes: Vec<u8>,
    /// The ids of its assets.
    pub assets: Vec<String>,
}

/// An import in progress: see the module's documentation.
#[derive(Debug)]
pub struct PartsImport {
    org: OrgPart,
    blank: OrgIndex,
    /// Entries of the parts checked so far.
    index: OrgIndex,
    /// Hashes of every asset id checked so far (8 bytes an asset; sorted in `finish`).
    assets: Vec<u64>,
    batch: Option<IndexedLoader>,
}

fn problems(list: Vec<Problem>) -> Result<(), SnapshotError> {
    if list.is_empty() {
        Ok(())
    } else {
        Err(SnapshotError::Problems(list))
    }
}

/// FNV-1a, 64 bits: stable across builds and hosts.
fn hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl PartsImport {
    /// Starts from the org part, checked on its own (what a part can be checked against).
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Problems`] for an org part that breaks an invariant.
    pub fn new(org: &OrgPart) -> Result<PartsImport, SnapshotError> {
        let blank = OrgIndex {
            workspaces: org
                .workspaces
                .iter()
                .map(|h| (h.id.clone(), crate::WorkspaceRefs::default()))
                .collect(),
        };
        // The org part alone: members, groups, roles, headers, O5 and W2.
        IndexedLoader::new(org, &blank)?.finish()?;
        Ok(PartsImport {
            org: org.clone(),
            index: OrgIndex::default(),
            blank,
            assets: Vec::new(),
            batch: None,
        })
    }

    /// An engine over the org part alone (no workspace part), for the host's questions before
    /// the parts come: may this caller import it (`Engine::may_import`)?
    ///
    /// # Errors
    ///
    /// As [`PartsImport::new`].
    pub fn org_engine(&self) -> Result<Engine, SnapshotError> {
        IndexedLoader::new(&self.org, &self.blank)?.finish()
    }

    /// Adds a workspace part (its JSON text, or the binary encoding) to the current batch.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for bytes that are no workspace part; drop the import.
    pub fn add_bytes(&mut self, part: &[u8]) -> Result<(), SnapshotError> {
        let loader = match self.batch.take() {
            Some(l) => l,
            None => IndexedLoader::new(&self.org, &self.blank)?,
        };
        let loader = self.batch.insert(loader);
        loader.add_bytes(part)
    }

    /// Checks the batch (each part as a whole import checks it, and against the parts of
    /// earlier batches) and gives its parts, in the binary encoding, with their asset ids.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Problems`]: everything the batch breaks; drop the import.
    pub fn finish_batch(&mut self) -> Result<Vec<ImportedPart>, SnapshotError> {
        let Some(loader) = self.batch.take() else {
            return Ok(Vec::new());
        };
        let engine = loader.finish()?;
        let org = engine
            .org()
            .map_err(|e| SnapshotError::Malformed(format!("{e}")))?;
        let loaded: Vec<String> = org
            .outside
            .as_ref()
            .map(|o| o.loaded.iter().cloned().collect())
            .unwrap_or_default();
        let mut found = Vec::new();
        let mut out = Vec::with_capacity(loaded.len());
        for id in loaded {
            let Some(w) = org.workspaces.find(&id) else {
                continue;
            };
            if self.index.workspaces.contains_key(&id) {
                found.push(super::load::problem(
                    None,
                    format!("workspace part `{id}` appears twice"),
                ));
                continue;
            }
            let refs = org.workspace_refs(w);
            let assets: Vec<String> = org
                .workspaces
                .get(w)
                .map(|ws| {
                    ws.assets
                        .iter()
                        .map(|a| String::from(org.assets.id(*a)))
                        .collect()
                })
                .unwrap_or_default();
            self.assets.extend(assets.iter().map(|a| hash(a)));
            let bytes = engine
                .workspace_part_binary(&id)
                .ok_or_else(|| SnapshotError::Malformed(format!("part `{id}` was not loaded")))??;
            self.index.workspaces.insert(id.clone(), refs);
            out.push(ImportedPart { id, bytes, assets });
        }
        problems(core::mem::take(&mut found))?;
        Ok(out)
    }

    /// The checks across all parts, and the organization: a writable engine over the org part
    /// (its reaches recomputed) and the index of every part, holding no part.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Problems`]: a listed workspace without its part, an id used twice, a
    /// member in no group workspace (O7).
    pub fn finish(mut self) -> Result<Engine, SnapshotError> {
        self.finish_batch()?;
        let mut found = Vec::new();
        for h in &self.org.workspaces {
            if !self.index.workspaces.contains_key(&h.id) {
                found.push(super::load::problem(
                    None,
                    format!("workspace `{}` is listed but its part is missing", h.id),
                ));
            }
        }
        problems(core::mem::take(&mut found))?;
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for refs in self.index.workspaces.values() {
            for f in &refs.folders {
                if !folders.insert(f) {
                    found.push(super::load::problem(
                        None,
                        format!("folder `{f}` appears twice"),
                    ));
                }
            }
        }
        drop(folders);
        self.assets.sort_unstable();
        if self.assets.windows(2).any(|w| w.first() == w.get(1)) {
            found.push(super::load::problem(
                None,
                String::from("an asset id appears twice (in two workspace parts)"),
            ));
        }
        problems(core::mem::take(&mut found))?;
        let mut engine = IndexedLoader::new(&self.org, &self.index)?.finish()?;
        let org = engine
            .org_mut()
            .ok_or_else(|| SnapshotError::Malformed(String::from("no organization")))?;
        // As a whole load: the reaches the workspaces give (from the index, A2), and O7.
        org.recompute_reaches();
        let in_group: BTreeSet<&str> = self
            .org
            .workspaces
            .iter()
            .filter(|h| h.kind == WorkspaceKind::Group)
            .filter_map(|h| self.index.workspaces.get(&h.id))
            .flat_map(|refs| refs.members.keys().map(String::as_str))
            .collect();
        for (u, m) in org.members.iter() {
            let uid = org.members.id(u);
            if !m.org_admin && !in_group.contains(uid) {
                found.push(super::load::problem(
                    Some(Rule::O7),
                    format!("`{uid}` belongs to no group workspace"),
                ));
            }
        }
        problems(core::mem::take(&mut found))?;
        Ok(engine)
    }
}
