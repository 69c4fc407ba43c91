//! What a command requires of its actor, asked without running it: the `require_*` calls its
//! handler in `apply/` makes of the actor's standing, in the handler's order, and nothing that
//! changes state. A page asks it before offering a form (`Engine::may_run`), including forms
//! about no asset (create a folder, a workspace, a group; manage members and roles).
//!
//! Not here: what depends on what the command hands out (X3 on the roles given, a group's
//! grants, a grant's level, the references of a new version), which a form knows only once
//! filled in, and rules about others or the state (O5, W2, O7, W4, A2...); `execute` checks
//! them. Where the command names an id that does not resolve (a member not typed yet), the gate
//! stops and answers from what it checked: `execute` refuses that as `not_found` or `invalid`.
//! The differential test holds it to `execute`: a denial here is a refusal there by the same
//! rule (or an earlier refusal for bad input), and an allowed command is refused only by those
//! other rules. Kept small: the browser module carries it.

use crate::command::Command;
use crate::error::Refusal;
use crate::model::Org;
use crate::rule::Rule;
use crate::table::UserIx;
use crate::vocab::{Level, OrgPoint};

/// The value of a resolution step, or the end of the gate: a denial goes out as it is (W3 for
/// a personal workspace where a group one is needed), any other refusal ends the gate as passed
/// (the handler refuses there for input, not for the actor).
macro_rules! found {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e @ Refusal::Denied { .. }) => return Err(e),
            Err(_) => return Ok(()),
        }
    };
}

impl Org {
    /// The actor's requirements of `cmd` at `at`: `Err` with the handler's denial when they do
    /// not hold them, `Ok` when they do (the command may still be refused for its input or for
    /// a rule about others: O5, W2, O7, A2, W4, ...).
    pub(crate) fn gate(&self, actor: UserIx, cmd: &Command, at: u64) -> Result<(), Refusal> {
        // First the organization's requirement, as each handler checks it first.
        let first = match cmd {
            Command::RenameOrg { .. }
            | Command::DefineOrgRole { .. }
            | Command::DeleteOrgRole { .. } => Some((None, cmd.requirement_rule())),
            Command::AddMember { .. }
            | Command::RemoveMember { .. }
            | Command::SetOrgRoles { .. }
            | Command::SetAttributes { .. } => Some((Some(OrgPoint::ManageMembers), Rule::O3)),
            Command::CreateGroup { .. }
            | Command::DeleteGroup { .. }
            | Command::AddGroupMember { .. }
            | Command::RemoveGroupMember { .. } => {
                Some((Some(OrgPoint::ManageUserGroups), Rule::O2))
            }
            Command::CreateWorkspace { .. }
            | Command::SetDefaultWorkspace { .. }
            | Command::DeleteWorkspace { .. }
            | Command::ModifyWorkspace { .. } => Some((Some(OrgPoint::ManageWorkspaces), Rule::W1)),
            Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
            | Command::GrantTable { .. }
            | Command::RevokeTable { .. } => Some((Some(OrgPoint::ManageDataSources), Rule::D1)),
            Command::CreateOrg { .. }
            | Command::UpgradeOrg(_)
            | Command::SetWorkspaceMode { .. }
            | Command::AddWorkspaceMember { .. }
            | Command::RemoveWorkspaceMember { .. }
            | Command::SetWorkspaceRoles { .. }
            | Command::DefineWorkspaceRole { .. }
            | Command::DeleteWorkspaceRole { .. }
            | Command::CreateFolder { .. }
            | Command::RenameFolder { .. }
            | Command::MoveFolder { .. }
            | Command::DeleteFolder { .. }
            | Command::CreateAsset { .. }
            | Command::ModifyAsset { .. }
            | Command::MoveAsset { .. }
            | Command::SetDatasetTable { .. }
            | Command::DeleteAsset { .. }
            | Command::Grant { .. }
            | Command::Revoke { .. }
            | Command::Share { .. }
            | Command::SetPublic { .. }
            | Command::TransferOwnership { .. }
            | Command::SetRowRules { .. }
            | Command::SetColumnRules { .. }
            | Command::ViewAs { .. } => None,
        };
        match first {
            Some((Some(point), rule)) => self.require_point(actor, point, rule)?,
            Some((None, rule)) => self.require_org_admin(actor, rule, "manage the organization")?,
            None => {}
        }
        // Then what it checks of the actor against the workspace, folder, asset or member named.
        match cmd {
            Command::AddMember {
                workspace: Some(workspace),
                ..
            }
            | Command::AddWorkspaceMember { workspace, .. }
            | Command::SetWorkspaceRoles { workspace, .. }
            | Command::RemoveWorkspaceMember { workspace, .. } => {
                let ws = found!(self.group_workspace(workspace));
                self.require_ws_manager(actor, ws)?;
                if let Command::AddWorkspaceMember { user, .. }
                | Command::SetWorkspaceRoles { user, .. } = cmd
                {
                    let uix = found!(self.user(user));
                    self.require_not_self_raise(actor, ws, uix)?;
                }
                Ok(())
            }
            Command::RemoveMember { user, .. } | Command::SetOrgRoles { user, .. } => {
                let target = found!(self.user(user));
                self.require_not_stronger(actor, target)
            }
            Command::SetAttributes { user, .. } => {
                let target = found!(self.user(user));
                self.require_not_own_attributes(actor, target, user)
            }
            Command::DeleteGroup { group }
            | Command::AddGroupMember { group, .. }
            | Command::RemoveGroupMember { group, .. } => {
                let gix = found!(self.group(group));
                let own = match cmd {
                    Command::AddGroupMember { user, .. }
                    | Command::RemoveGroupMember { user, .. } => found!(self.user(user)) == actor,
                    _ => crate::model::Org::in_group(self.member(actor)?, gix),
                };
                super::require_not_own_membership(self, actor, own, group)
            }
            Command::ModifyWorkspace { workspace, .. }
            | Command::GrantTable { workspace, .. }
            | Command::RevokeTable { workspace, .. } => {
                found!(self.group_workspace(workspace));
                Ok(())
            }
            Command::SetWorkspaceMode { workspace, .. }
            | Command::DefineWorkspaceRole { workspace, .. }
            | Command::DeleteWorkspaceRole { workspace, .. } => {
                let ws = found!(self.group_workspace(workspace));
                self.require_ws_manager_by(actor, ws, cmd.requirement_rule())
            }
            Command::CreateFolder { workspace, .. } => {
                let ws = found!(self.workspace(workspace));
                self.may_create_something(actor, ws)
            }
            Command::RenameFolder { folder, .. }
            | Command::MoveFolder { folder, .. }
            | Command::DeleteFolder { folder } => {
                let ix = found!(self.folder(folder));
                self.may_change_folder(actor, ix)
            }
            Command::SetRowRules { asset, .. } | Command::SetColumnRules { asset, .. } => {
                let ix = found!(self.asset(asset));
                self.require_rule_admin(actor, ix, cmd.requirement_rule())
            }
            Command::ViewAs { user, workspace } => {
                let ws = found!(self.workspace(workspace));
                found!(self.user(user));
                self.require_view_as(actor, ws)
            }
            // Only the organization's requirement. Listed, not `_`: a new command must say
            // what it requires.
            Command::CreateOrg { .. }
            | Command::UpgradeOrg(_)
            | Command::RenameOrg { .. }
            | Command::DefineOrgRole { .. }
            | Command::DeleteOrgRole { .. }
            | Command::AddMember {
                workspace: None, ..
            }
            | Command::CreateGroup { .. }
            | Command::CreateWorkspace { .. }
            | Command::SetDefaultWorkspace { .. }
            | Command::DeleteWorkspace { .. }
            | Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. } => Ok(()),
            Command::CreateAsset {
                workspace, kind, ..
            } => {
                let ws = found!(self.workspace(workspace));
                self.require_create(actor, ws, *kind)
            }
            // The asset question its handler asks first (`Command::asset_operation`).
            Command::ModifyAsset { asset, .. }
            | Command::MoveAsset { asset, .. }
            | Command::SetDatasetTable { asset, .. }
            | Command::DeleteAsset { asset }
            | Command::Grant { asset, .. }
            | Command::Revoke { asset, .. }
            | Command::Share { asset, .. }
            | Command::SetPublic { asset, .. }
            | Command::TransferOwnership { asset, .. } => {
                let ix = found!(self.asset(asset));
                match Command::asset_operation(cmd.name()) {
                    Some(op) => self.require(actor, op, ix, at),
                    None => Ok(()),
                }
            }
        }
    }

    /// X3: nobody grants what they do not hold; central authorizers hold authorization (O4),
    /// for grants to others (`grant` checks grants that reach the granter).
    #[inline(never)]
    pub(crate) fn require_holds_level(
        &self,
        actor: UserIx,
        ix: crate::table::AssetIx,
        level: Level,
        at: u64,
    ) -> Result<(), Refusal> {
        let me = self.member(actor)?;
        if !self.authorizes_centrally(me) && !self.decide(actor, level.operation(), ix, at).allowed
        {
            return Err(crate::error::denied(
                Rule::X3,
                alloc::format!(
                    "`{}` cannot grant `{level}` on `{}`: they do not hold it",
                    self.members.id(actor),
                    self.assets.id(ix)
                ),
            ));
        }
        Ok(())
    }

    /// X3: attributes drive row rules (D2), so a member manager who is not an org admin sets
    /// the attributes of others only.
    #[inline(never)]
    pub(crate) fn require_not_own_attributes(
        &self,
        actor: UserIx,
        target: UserIx,
        user: &str,
    ) -> Result<(), Refusal> {
        if target == actor && !self.member(actor)?.org_admin {
            return Err(crate::error::denied(
                Rule::X3,
                alloc::format!("`{user}` cannot set their own attributes"),
            ));
        }
        Ok(())
    }

    /// Creating `kind` in `ws`, as `create_asset` requires it (A6 and the roles).
    #[inline(never)]
    pub(crate) fn require_create(
        &self,
        actor: UserIx,
        ws: crate::table::WorkspaceIx,
        kind: crate::vocab::Kind,
    ) -> Result<(), Refusal> {
        let d = self.decide_create(actor, ws, kind);
        if d.allowed {
            return Ok(());
        }
        Err(crate::error::denied(
            d.rule,
            alloc::format!(
                "`{}` may not create a {} in `{}`: {}",
                self.members.id(actor),
                kind,
                self.workspaces.id(ws),
                self.explain(&d)
            ),
        ))
    }
}
