//! Per-workspace indexes for asset lists: a packed column of what the list needs of each asset,
//! and the workspace's grants by grantee. They let `visible_assets` scan 100,000 assets without
//! touching one `Asset` or one grant list.
//!
//! INVARIANT: `Workspace::hot[i]` describes `Workspace::assets[i]`, and `grant_index` holds
//! exactly the grants of the workspace's assets. Every change to an asset's workspace, owner,
//! public flag or grants goes through the functions here; `invariant_problems` checks it.

use crate::apply::folders::{insert_by_id, remove_by_id};
use crate::model::{Grant, Grantee, Org, Workspace};
use crate::table::{AssetIx, Index, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level};
use alloc::vec::Vec;

/// What an asset list needs of one asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HotAsset {
    pub(crate) owner: UserIx,
    pub(crate) kind: Kind,
    pub(crate) public: bool,
}

/// One grant as the index holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexedGrant {
    pub(crate) asset: AssetIx,
    pub(crate) level: Level,
    pub(crate) expires_at: Option<u64>,
}

impl Workspace {
    fn position(
        &self,
        ix: AssetIx,
        assets: &crate::table::Table<AssetIx, crate::model::Asset>,
    ) -> Option<usize> {
        let id = assets.id(ix);
        self.assets.binary_search_by(|p| assets.id(*p).cmp(id)).ok()
    }

    fn index_grant(&mut self, asset: AssetIx, g: &Grant) {
        self.grant_index
            .entry(g.to)
            .or_default()
            .push(IndexedGrant {
                asset,
                level: g.level,
                expires_at: g.expires_at,
            });
    }

    fn unindex_grants(&mut self, asset: AssetIx, grants: &[Grant]) {
        for g in grants {
            if let Some(list) = self.grant_index.get_mut(&g.to) {
                list.retain(|e| e.asset != asset);
                if list.is_empty() {
                    self.grant_index.remove(&g.to);
                }
            }
        }
    }
}

impl Org {
    fn hot_of(&self, ix: AssetIx) -> Option<HotAsset> {
        self.assets.get(ix).map(|a| HotAsset {
            owner: a.owner,
            kind: a.kind,
            public: a.public,
        })
    }

    /// Lists an asset in its workspace (the asset's `workspace` field names it).
    pub(crate) fn ws_add_asset(&mut self, ix: AssetIx) {
        let (Some(hot), Some(a)) = (self.hot_of(ix), self.assets.get(ix)) else {
            return;
        };
        let ws_ix = a.workspace;
        let grants = a.grants.clone();
        let Some(ws) = self.workspaces.get_mut(ws_ix) else {
            return;
        };
        // Assets come in id order from a snapshot: then the asset goes at the end, without
        // two binary searches by id (a third of a 100,000-asset part's load in WebAssembly).
        let last = ws.assets.last().map(|l| self.assets.id(*l));
        if last.is_none_or(|l| l < self.assets.id(ix)) {
            ws.assets.push(ix);
            ws.hot.push(hot);
        } else {
            insert_by_id(&mut ws.assets, ix, &self.assets);
            if let Some(pos) = ws.position(ix, &self.assets) {
                ws.hot.insert(pos, hot);
            }
        }
        for g in &grants {
            ws.index_grant(ix, g);
        }
    }

    /// Takes an asset off its workspace's list (before it is removed or moved).
    pub(crate) fn ws_remove_asset(&mut self, ix: AssetIx) {
        let Some(a) = self.assets.get(ix) else { return };
        let ws_ix = a.workspace;
        let grants = a.grants.clone();
        let Some(ws) = self.workspaces.get_mut(ws_ix) else {
            return;
        };
        if let Some(pos) = ws.position(ix, &self.assets) {
            ws.hot.remove(pos);
        }
        remove_by_id(&mut ws.assets, ix, &self.assets);
        ws.unindex_grants(ix, &grants);
    }

    /// Refreshes the packed entry after a change of owner or public flag.
    pub(crate) fn refresh_hot(&mut self, ix: AssetIx) {
        let (Some(hot), Some(ws_ix)) = (self.hot_of(ix), self.assets.get(ix).map(|a| a.workspace))
        else {
            return;
        };
        let Some(ws) = self.workspaces.get_mut(ws_ix) else {
            return;
        };
        if let Some(pos) = ws.position(ix, &self.assets) {
            if let Some(slot) = ws.hot.get_mut(pos) {
                *slot = hot;
            }
        }
    }

    /// Changes an asset's grants and keeps the workspace's grant index in step. Returns what
    /// `change` returns.
    pub(crate) fn change_grants<R>(
        &mut self,
        ix: AssetIx,
        change: impl FnOnce(&mut Vec<Grant>) -> R,
    ) -> Option<R> {
        let (members, groups) = (&self.members, &self.groups);
        let a = self.assets.get_mut(ix)?;
        let ws_ix = a.workspace;
        let before = a.grants.clone();
        let out = change(&mut a.grants);
        // Grants stay in the snapshot's order (users before groups, each by id), so an engine
        // loaded from a snapshot matches the live one grant for grant and gives the same
        // reasons when several grants match.
        let key = |g: &Grant| match g.to {
            Grantee::User(u) => (0, members.id(u)),
            Grantee::Group(gr) => (1, groups.id(gr)),
        };
        crate::sort::sort_by(&mut a.grants, |x, y| key(x).cmp(&key(y)));
        let after = a.grants.clone();
        if before != after {
            if let Some(ws) = self.workspaces.get_mut(ws_ix) {
                ws.unindex_grants(ix, &before);
                for g in &after {
                    ws.index_grant(ix, g);
                }
            }
        }
        Some(out)
    }

    /// Removes every grant to `grantee` in the organization; returns the assets that had one.
    pub(crate) fn drop_grants_to(&mut self, grantee: Grantee) -> Vec<(AssetIx, WorkspaceIx)> {
        let mut hit = Vec::new();
        for (ws_ix, ws) in self.workspaces.iter_mut() {
            if let Some(list) = ws.grant_index.remove(&grantee) {
                hit.extend(list.iter().map(|e| (e.asset, ws_ix)));
            }
        }
        for &(ix, _) in &hit {
            if let Some(a) = self.assets.get_mut(ix) {
                a.grants.retain(|g| g.to != grantee);
            }
        }
        crate::sort::sort_unstable_by(&mut hit, |a, b| {
            self.assets.id(a.0).cmp(self.assets.id(b.0))
        });
        hit.dedup();
        hit
    }

    /// The workspace indexes as they should be, for `invariant_problems`.
    pub(crate) fn index_problems(&self) -> Vec<alloc::string::String> {
        let mut out = Vec::new();
        for (w, ws) in self.workspaces.iter() {
            let expected: Vec<Option<HotAsset>> =
                ws.assets.iter().map(|a| self.hot_of(*a)).collect();
            let actual: Vec<Option<HotAsset>> = ws.hot.iter().copied().map(Some).collect();
            if expected != actual {
                out.push(alloc::format!(
                    "the asset list index of `{}` is out of step",
                    self.workspaces.id(w)
                ));
            }
            let mut want: Vec<(Grantee, u32, Level, Option<u64>)> = Vec::new();
            for a in &ws.assets {
                for g in self
                    .assets
                    .get(*a)
                    .map(|x| x.grants.as_slice())
                    .unwrap_or_default()
                {
                    want.push((g.to, a.raw(), g.level, g.expires_at));
                }
            }
            let mut have: Vec<(Grantee, u32, Level, Option<u64>)> = ws
                .grant_index
                .iter()
                .flat_map(|(to, list)| {
                    list.iter()
                        .map(move |e| (*to, e.asset.raw(), e.level, e.expires_at))
                })
                .collect();
            crate::sort::sort_unstable(&mut want);
            crate::sort::sort_unstable(&mut have);
            if want != have {
                out.push(alloc::format!(
                    "the grant index of `{}` is out of step",
                    self.workspaces.id(w)
                ));
            }
        }
        out
    }
}
