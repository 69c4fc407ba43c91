//! One operation for one member over many assets (`filter`): what `Org::decide` works out from
//! the member and the workspace alone (org admin, central authorization, workspace roles and
//! mode) is worked out once per workspace, so each asset costs only its kind's scope and the
//! owner, public and grant checks. The grant check reads an asset's grants only when the
//! workspace's grant index holds an active grant on it to the member or one of their groups
//! (marked once per workspace): most assets' grants, elsewhere in memory, are never touched.
//!
//! The answer for each asset is exactly `Org::decide(..).allowed` (tests/filter_prop.rs checks
//! it against `check` on random states).

use crate::check::{GrantMatch, grant_for};
use crate::model::{Asset, Member, Org};
use crate::roles::Scope;
use crate::table::{AssetIx, Index, UserIx, WorkspaceIx};
use crate::visibility::Bits;
use crate::vocab::{KINDS, Kind, Level, Mode, Operation, WorkspaceKind};
use alloc::vec::Vec;

/// How far one member reaches with one operation in one workspace.
#[derive(Clone, Copy)]
enum Reach {
    /// Every asset: an org admin (O6), the personal workspace's owner (W3), a central
    /// authorizer sharing or authorizing (O4), a workspace admin (R1).
    All,
    /// No asset: an unknown workspace, or not a member of it (W5).
    Nothing,
    /// Another member's personal workspace: what a grant at this level gives (W4, A1).
    Grants(Option<Level>),
    /// A member of a group workspace: their roles' scope per kind (R, W6), and the mode (W7).
    Roles([Scope; KINDS], Mode),
}

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
        let mut last: Option<(WorkspaceIx, Reach)> = None;
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
                let granted = |level| {
                    granted.has(raw)
                        && matches!(
                            grant_for(member, user, asset, level, now),
                            GrantMatch::Active(..)
                        )
                };
                reaches(reach, user, op, asset, granted)
            };
            if allowed {
                out.push(k);
            }
        }
        out
    }

    /// The part of `decide` that depends on the member and the workspace only, in its order.
    fn reach(&self, member: &Member, user: UserIx, op: Operation, ws_ix: WorkspaceIx) -> Reach {
        if member.org_admin {
            return Reach::All;
        }
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Reach::Nothing;
        };
        let central = matches!(op, Operation::Authorize | Operation::Share)
            && self.authorizes_centrally(member);
        if ws.kind == WorkspaceKind::Personal {
            return if ws.owner == Some(user) || central {
                Reach::All
            } else {
                Reach::Grants(op.granted_by())
            };
        }
        if central {
            return Reach::All;
        }
        match ws.members.get(&user) {
            None => Reach::Nothing,
            Some(roles) if roles.is_admin() => Reach::All,
            Some(roles) => {
                let mut scopes = [Scope::None; KINDS];
                for (slot, kind) in scopes.iter_mut().zip(Kind::ALL) {
                    *slot = roles.table.scope(*kind, op);
                }
                Reach::Roles(scopes, ws.mode)
            }
        }
    }
}

/// The part of `decide` that depends on the asset, given the reach in its workspace and
/// whether an active grant on it covers a level.
#[inline]
fn reaches(
    reach: Reach,
    user: UserIx,
    op: Operation,
    asset: &Asset,
    granted: impl Fn(Level) -> bool,
) -> bool {
    match reach {
        Reach::All => true,
        Reach::Nothing => false,
        Reach::Grants(level) => level.is_some_and(granted),
        Reach::Roles(scopes, mode) => match scopes.get(asset.kind.index()).copied() {
            Some(Scope::Any) => {
                mode == Mode::Collaboration
                    || asset.owner == user
                    || asset.public
                    || granted(Level::View)
            }
            Some(Scope::Granted) => {
                asset.owner == user || granted(op.granted_by().unwrap_or(Level::Edit))
            }
            Some(Scope::Own) => asset.owner == user,
            Some(Scope::None) | None => false,
        },
    }
}
