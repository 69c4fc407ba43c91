//! Who may ask the three access questions (issue 15): who has access to an asset or sees a
//! folder, and viewing a workspace as another member. Decided here, with the rest of the
//! decision procedure, so that no host and no query decides it.

use crate::decision::Decision;
use crate::error::{Refusal, denied};
use crate::model::{MemberRoles, Org};
use crate::rule::Rule;
use crate::table::{AssetIx, UserIx, WorkspaceIx};
use crate::vocab::{Operation, WorkspaceKind};
use alloc::format;

impl Org {
    /// A3: who has access to an asset is asked by those who administer it, the ones who grant,
    /// revoke, share and make it public: its owner (where a role lets owners authorize), a
    /// workspace admin, an org admin, a permission admin. It is the `authorize` decision itself,
    /// so the two never drift apart.
    pub(crate) fn asset_admin_decision(&self, user: UserIx, asset: AssetIx, now: u64) -> Decision {
        self.decide(user, Operation::Authorize, asset, now)
    }

    /// Requires [`Org::asset_admin_decision`]: the one refusal everyone else gets, naming A3.
    pub(crate) fn require_asset_admin(
        &self,
        user: UserIx,
        asset: AssetIx,
        now: u64,
    ) -> Result<(), Refusal> {
        if self.asset_admin_decision(user, asset, now).allowed {
            return Ok(());
        }
        Err(denied(
            Rule::A3,
            format!(
                "`{}` does not administer `{}`: only its owner, a workspace admin, an org admin or a permission admin asks who has access",
                self.members.id(user),
                self.assets.id(asset)
            ),
        ))
    }

    /// A3 for folders (which carry no permissions, A7): those who administer the folder's
    /// workspace (org admins, its admins, the owner of a personal one) or authorize centrally
    /// ask who sees it.
    pub(crate) fn require_folder_admin(
        &self,
        user: UserIx,
        ws: WorkspaceIx,
    ) -> Result<(), Refusal> {
        let central = self
            .members
            .get(user)
            .is_some_and(|m| self.authorizes_centrally(m));
        if central || self.administers(user, ws) {
            return Ok(());
        }
        Err(denied(
            Rule::A3,
            format!(
                "`{}` does not administer workspace `{}`: only its admins, org admins and permission admins ask who sees its folders",
                self.members.id(user),
                self.workspaces.id(ws)
            ),
        ))
    }

    /// Who may view a workspace as another member (and so read what that member sees): org
    /// admins (O6) anywhere, and admins of a group workspace (R1) there. Nobody else, not the
    /// owner of a personal workspace (only they and org admins are in it) nor a permission admin
    /// (O4: they see nothing through their role).
    pub(crate) fn require_view_as(&self, user: UserIx, ws: WorkspaceIx) -> Result<(), Refusal> {
        let member = self.member(user)?;
        if member.org_admin {
            return Ok(());
        }
        let ws_admin = self.workspaces.get(ws).is_some_and(|w| {
            w.kind == WorkspaceKind::Group
                && w.members.get(&user).is_some_and(MemberRoles::is_admin)
        });
        if ws_admin {
            return Ok(());
        }
        Err(denied(
            Rule::R1,
            format!(
                "`{}` may not view workspace `{}` as another member: only its admins and org admins may",
                self.members.id(user),
                self.workspaces.id(ws)
            ),
        ))
    }
}
