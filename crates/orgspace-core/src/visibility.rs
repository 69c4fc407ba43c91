//! What a member sees in a workspace's asset list (W7, W8) (how a command such as a mode switch
//! would change it is `access/diff.rs`), through the decision procedure (`authz`): stage one per workspace, stage two per
//! asset. Each query touches every asset of the workspace at most once.

use crate::authz::{GrantMatch, Reach, verdict};
use crate::decision::{Decision, Reason};
use crate::model::{Grantee, Member, Org, Workspace};
use crate::rule::Rule;
use crate::table::{AssetIx, FolderIx, Index, UserIx, WorkspaceIx};
use crate::vocab::{KINDS, Kind, Level, Mode, Operation};
use alloc::vec::Vec;
use hashbrown::HashSet;

impl Org {
    /// The assets of a workspace the member sees, in the workspace's order (by asset id),
    /// as if the workspace were in `mode`. A member who may not see into the workspace at all
    /// gets the denial.
    pub(crate) fn visible_assets_in(
        &self,
        user: UserIx,
        ws_ix: WorkspaceIx,
        mode: Mode,
        now: u64,
    ) -> Result<Vec<AssetIx>, Decision> {
        let Some(member) = self.members.get(user) else {
            return Err(Decision::deny(Rule::P1, Reason::NotOrgMember));
        };
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Err(Decision::deny(Rule::W5, Reason::NotWorkspaceMember(ws_ix)));
        };
        // Stage one of the decision procedure, for `view`, in the mode asked about.
        let reach = match self.reach(member, user, Operation::View, ws_ix) {
            Reach::All(_) => return Ok(ws.assets.clone()),
            Reach::Outside(w) => {
                return Err(Decision::deny(Rule::W5, Reason::NotWorkspaceMember(w)));
            }
            // Collaboration mode (W7): every member sees every asset, whatever their roles.
            Reach::Roles { .. } if mode == Mode::Collaboration => return Ok(ws.assets.clone()),
            Reach::Roles {
                ws_ix, ws, roles, ..
            } => Reach::Roles {
                ws_ix,
                ws,
                roles,
                mode,
            },
            guest @ Reach::Guest { .. } => guest,
        };
        // Private mode and others' personal workspaces (W4, W7): the assets they may view. Stage
        // two for `view` depends on an asset only through its kind, whether the member owns it,
        // whether it is public and whether they hold an active grant on it (every level covers
        // view): it is decided once for each of those combinations, and each asset of the packed
        // column looks its answer up. Grants come from the grant index.
        let mut sight = [false; KINDS * 8];
        let other = UserIx::from_raw(user.raw().wrapping_add(1));
        for (k, &kind) in Kind::ALL.iter().enumerate() {
            for bits in 0..8 {
                let owner = if bits & 4 != 0 { user } else { other };
                let grant = if bits & 1 != 0 {
                    GrantMatch::Active(Level::View, None)
                } else {
                    GrantMatch::None
                };
                let v = verdict(
                    &reach,
                    user,
                    Operation::View,
                    kind,
                    owner,
                    bits & 2 != 0,
                    |_| grant,
                );
                if let Some(slot) = sight.get_mut(k * 8 + bits) {
                    *slot = v.allowed();
                }
            }
        }
        let granted = self.granted_view(ws, member, user, now);
        Ok(ws
            .assets
            .iter()
            .zip(ws.hot.iter())
            .filter(|(ix, h)| {
                let at = h.kind.index() * 8
                    + (usize::from(h.owner == user) << 2)
                    + (usize::from(h.public) << 1);
                let seen = |granted: usize| sight.get(at + granted).copied().unwrap_or(false);
                // The grant bitmap is read only when a grant would change the answer.
                match (seen(0), seen(1)) {
                    (without, with) if without == with => without,
                    (without, with) => {
                        if granted.has(ix.raw()) {
                            with
                        } else {
                            without
                        }
                    }
                }
            })
            .map(|(ix, _)| *ix)
            .collect())
    }

    /// The workspace's assets on which the user holds an active grant (every level covers view).
    fn granted_view(&self, ws: &Workspace, member: &Member, user: UserIx, now: u64) -> Bits {
        let mut bits = Bits::new(self.assets.index_bound());
        Org::mark_granted(&mut bits, ws, member, user, now);
        bits
    }

    /// Marks the workspace's assets on which the user holds an active grant, directly or
    /// through a group, at any level.
    pub(crate) fn mark_granted(
        bits: &mut Bits,
        ws: &Workspace,
        member: &Member,
        user: UserIx,
        now: u64,
    ) {
        let grantees = core::iter::once(Grantee::User(user))
            .chain(member.effective_groups.iter().map(|g| Grantee::Group(*g)));
        for grantee in grantees {
            for e in ws
                .grant_index
                .get(&grantee)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if e.expires_at.is_none_or(|t| now < t) {
                    bits.set(e.asset.raw());
                }
            }
        }
    }

    /// The folders of a workspace the member sees (W7, W8): all of them where the member sees
    /// every asset, otherwise each folder that holds, at any depth, an asset they see.
    pub(crate) fn visible_folders_in(
        &self,
        user: UserIx,
        ws_ix: WorkspaceIx,
        now: u64,
    ) -> Result<Vec<FolderIx>, Decision> {
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Err(Decision::deny(Rule::W5, Reason::NotWorkspaceMember(ws_ix)));
        };
        let sees_all = self.sees_all_folders(user, ws_ix);
        let assets = self.visible_assets_in(user, ws_ix, ws.mode, now)?;
        if sees_all {
            return Ok(ws.folders.clone());
        }
        Ok(self.folders_holding(ws, assets))
    }

    /// The folders of a workspace that hold, at any depth, one of `assets` (W7, W8), by id.
    pub(crate) fn folders_holding(
        &self,
        ws: &Workspace,
        assets: impl IntoIterator<Item = AssetIx>,
    ) -> Vec<FolderIx> {
        let mut shown: HashSet<FolderIx> = HashSet::new();
        for ix in assets {
            let mut at = self.assets.get(ix).and_then(|a| a.folder);
            // Ancestors already shown were shown with their own ancestors.
            while let Some(folder) = at {
                if !shown.insert(folder) {
                    break;
                }
                at = self.folders.get(folder).and_then(|f| f.parent);
            }
        }
        ws.folders
            .iter()
            .copied()
            .filter(|f| shown.contains(f))
            .collect()
    }

    /// Whether the member sees every folder of the workspace (W7): those who administer it,
    /// and every member of a collaboration workspace.
    pub(crate) fn sees_all_folders(&self, user: UserIx, ws_ix: WorkspaceIx) -> bool {
        self.administers(user, ws_ix)
            || self
                .workspaces
                .get(ws_ix)
                .is_some_and(|ws| ws.mode == Mode::Collaboration && ws.members.contains_key(&user))
    }

    /// Whether one asset is in the member's list of its workspace: `visible_assets_in` for one
    /// asset (the same stage one, the same stage two), for questions about a few assets.
    pub(crate) fn lists_asset(&self, user: UserIx, asset_ix: AssetIx, now: u64) -> bool {
        self.members
            .get(user)
            .is_some_and(|m| self.lists_asset_as(m, user, asset_ix, now))
    }

    /// [`Org::lists_asset`] for a member's state given apart (the access diff's).
    pub(crate) fn lists_asset_as(
        &self,
        member: &Member,
        user: UserIx,
        asset_ix: AssetIx,
        now: u64,
    ) -> bool {
        let Some(asset) = self.assets.get(asset_ix) else {
            return false;
        };
        let Some(ws) = self.workspaces.get(asset.workspace) else {
            return false;
        };
        let reach = self.reach(member, user, Operation::View, asset.workspace);
        match reach {
            Reach::All(_) => true,
            Reach::Outside(_) => false,
            Reach::Roles { .. } if ws.mode == Mode::Collaboration => true,
            reach => {
                let granted = asset.grants.iter().any(|g| {
                    g.active(now)
                        && match g.to {
                            Grantee::User(u) => u == user,
                            Grantee::Group(grp) => Org::in_group(member, grp),
                        }
                });
                let grant = if granted {
                    GrantMatch::Active(Level::View, None)
                } else {
                    GrantMatch::None
                };
                verdict(
                    &reach,
                    user,
                    Operation::View,
                    asset.kind,
                    asset.owner,
                    asset.public,
                    |_| grant,
                )
                .allowed()
            }
        }
    }

    /// For a switch of the workspace to `to`: per member, the assets they would start and stop
    /// seeing (W9). Members who see everything in either mode never appear.
    pub(crate) fn mode_switch_changes(
        &self,
        ws_ix: WorkspaceIx,
        to: Mode,
        now: u64,
    ) -> Vec<(UserIx, Vec<AssetIx>, Vec<AssetIx>)> {
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Vec::new();
        };
        let mut users: Vec<UserIx> = ws.members.keys().copied().collect();
        crate::sort::sort_unstable_by(&mut users, |a, b| {
            self.members.id(*a).cmp(self.members.id(*b))
        });
        let mut out = Vec::new();
        for user in users {
            let (Ok(before), Ok(after)) = (
                self.visible_assets_in(user, ws_ix, ws.mode, now),
                self.visible_assets_in(user, ws_ix, to, now),
            ) else {
                continue;
            };
            let before_set: HashSet<AssetIx> = before.iter().copied().collect();
            let after_set: HashSet<AssetIx> = after.iter().copied().collect();
            let gains: Vec<AssetIx> = after
                .into_iter()
                .filter(|a| !before_set.contains(a))
                .collect();
            let loses: Vec<AssetIx> = before
                .into_iter()
                .filter(|a| !after_set.contains(a))
                .collect();
            if !gains.is_empty() || !loses.is_empty() {
                out.push((user, gains, loses));
            }
        }
        out
    }
}

/// A set of indexes (of assets, of workspaces) as a bitmap: building and probing it costs less
/// than hashing when a list scan asks about every asset of a workspace.
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn new(bound: usize) -> Bits {
        Bits(alloc::vec![0; bound.div_ceil(64)])
    }

    pub(crate) fn set(&mut self, i: u32) {
        if let Some(word) = self.0.get_mut(i as usize / 64) {
            *word |= 1 << (i % 64);
        }
    }

    #[inline]
    pub(crate) fn has(&self, i: u32) -> bool {
        self.0
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}
