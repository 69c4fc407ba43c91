//! One operation for one member over many assets (`filter`): stage one of the decision
//! procedure (`authz`: the member's reach in a workspace) is worked out once per workspace, so
//! each asset costs only stage two (its kind's scope and the owner, public and grant checks).
//! The grant check reads an asset's grants only when the workspace's grant index holds an
//! active grant on it to the member or one of their groups (marked once per workspace): most
//! assets' grants, elsewhere in memory, are never touched.
//!
//! The answer for each asset is exactly `Org::decide(..).allowed`, by construction (the same two
//! stages); tests/filter_prop.rs checks it against `check` on random states.

use crate::authz::{GrantMatch, Reach, grant_for, verdict};
use crate::model::Org;
use crate::table::{AssetIx, Index, UserIx, WorkspaceIx};
use crate::visibility::Bits;
use crate::vocab::Operation;
use alloc::vec::Vec;

impl Org {
    /// The positions in `assets` (raw asset indexes; any other number is an unknown asset) on
    /// which `user` may do `op` at `now`, ascending.
    pub(crate) fn allowed_positions(
        &self,
        user: UserIx,
        op: Operation,
        assets: &[u32],
        now: u64,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let Some(member) = self.members.get(user) else {
            return out;
        };
        // Lists are mostly of one workspace: its reach is kept until the workspace changes.
        let mut last: Option<(WorkspaceIx, Reach<'_>)> = None;
        // Assets with an active grant to the member or their groups, workspace by workspace.
        let mut granted = Bits::new(self.assets.index_bound());
        let mut marked = Bits::new(self.workspaces.index_bound());
        for (k, &raw) in (0u32..).zip(assets) {
            let Some(asset) = self.assets.get(AssetIx::from_raw(raw)) else {
                continue;
            };
            let allowed = if op == Operation::Create {
                // Rare in lists; decided as `check` does.
                self.decide_create(user, asset.workspace, asset.kind)
                    .allowed
            } else {
                let ws = asset.workspace;
                let reach = match last {
                    Some((w, reach)) if w == ws => reach,
                    _ => {
                        let reach = self.reach(member, user, op, ws);
                        last = Some((ws, reach));
                        if !marked.has(ws.raw()) {
                            if let Some(w) = self.workspaces.get(ws) {
                                Org::mark_granted(&mut granted, w, member, user, now);
                            }
                            marked.set(ws.raw());
                        }
                        reach
                    }
                };
                let grant = |level| {
                    if granted.has(raw) {
                        grant_for(member, user, asset, level, now)
                    } else {
                        GrantMatch::None
                    }
                };
                verdict(
                    &reach,
                    user,
                    op,
                    asset.kind,
                    asset.owner,
                    asset.public,
                    grant,
                )
                .allowed()
            };
            if allowed {
                out.push(k);
            }
        }
        out
    }
}
