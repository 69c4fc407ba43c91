//! What a command requires of its actor, asked without running it: the `require_*` calls of
//! its handler in `apply/`, in the handler's order, and nothing that changes state. A page asks
//! it before offering a form (`Engine::may_run`), including forms that are about no asset
//! (create a folder, a workspace, a group; manage members and roles).
//!
//! Where the command names an id that does not resolve (a member not typed yet, a role that
//! does not exist), the gate stops and answers from what it checked: `execute` would refuse
//! that command as `not_found` or `invalid`, which is not about the actor. The differential
//! test holds it to `execute`: a denial here is a refusal there by the same rule (or an earlier
//! refusal for bad input), and an allowed answer is never refused by a requirement of the actor.

use crate::command::Command;
use crate::error::Refusal;
use crate::model::Org;
use crate::rule::Rule;
use crate::table::UserIx;
use crate::vocab::{Level, Operation, OrgPoint};

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
        match cmd {
            Command::CreateOrg { .. } | Command::UpgradeOrg(_) => Ok(()),
            Command::RenameOrg { .. } => {
                self.require_org_admin(actor, Rule::O3, "manage the organization")
            }
            Command::AddMember {
                org_roles,
                workspace,
                workspace_roles,
                ..
            } => {
                self.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
                let roles = found!(self.parse_org_roles(org_roles));
                self.require_may_assign(actor, &roles)?;
                let ws = match workspace {
                    Some(id) => {
                        let ws = found!(self.group_workspace(id));
                        self.require_ws_manager(actor, ws)?;
                        Some(ws)
                    }
                    None => self.default_workspace,
                };
                if let (Some(ws), true) = (ws, workspace.is_some() || !workspace_roles.is_empty()) {
                    let (presets, custom) = if workspace_roles.is_empty() {
                        (
                            crate::roles::PresetRole::Visitor.bit(),
                            alloc::vec::Vec::new(),
                        )
                    } else {
                        found!(self.parse_ws_roles(ws, workspace_roles))
                    };
                    self.require_may_give_ws_roles(actor, ws, presets, &custom)?;
                }
                Ok(())
            }
            Command::RemoveMember { user, .. } => {
                self.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
                let target = found!(self.user(user));
                self.require_not_stronger(actor, target)
            }
            Command::SetOrgRoles { user, roles } => {
                self.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
                let target = found!(self.user(user));
                let parsed = found!(self.parse_org_roles(roles));
                self.require_not_stronger(actor, target)?;
                self.require_may_assign(actor, &parsed)
            }
            Command::SetAttributes { user, .. } => {
                self.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
                let target = found!(self.user(user));
                self.require_not_own_attributes(actor, target, user)
            }
            Command::DefineOrgRole { .. } => {
                self.require_org_admin(actor, Rule::O2, "define organization roles")
            }
            Command::DeleteOrgRole { .. } => {
                self.require_org_admin(actor, Rule::O2, "delete organization roles")
            }
            Command::CreateGroup { .. } => {
                self.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)
            }
            Command::DeleteGroup { group } => {
                self.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
                let ix = found!(self.group(group));
                let own = crate::model::Org::in_group(self.member(actor)?, ix);
                super::require_not_own_membership(self, actor, own, group)?;
                self.require_may_change_group_reach(actor, ix, false, at)
            }
            Command::AddGroupMember { group, user }
            | Command::RemoveGroupMember { group, user } => {
                self.require_point(actor, OrgPoint::ManageUserGroups, Rule::O2)?;
                let gix = found!(self.group(group));
                let uix = found!(self.user(user));
                super::require_not_own_membership(self, actor, uix == actor, group)?;
                let grants = matches!(cmd, Command::AddGroupMember { .. });
                self.require_may_change_group_reach(actor, gix, grants, at)
            }
            Command::CreateWorkspace { .. }
            | Command::SetDefaultWorkspace { .. }
            | Command::DeleteWorkspace { .. } => {
                self.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)
            }
            Command::ModifyWorkspace { workspace, .. } => {
                self.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)?;
                found!(self.group_workspace(workspace));
                Ok(())
            }
            Command::SetWorkspaceMode { workspace, .. } => {
                let ix = found!(self.group_workspace(workspace));
                self.require_ws_manager_by(actor, ix, Rule::W9)
            }
            Command::AddWorkspaceMember {
                workspace,
                user,
                roles,
            }
            | Command::SetWorkspaceRoles {
                workspace,
                user,
                roles,
            } => {
                let ix = found!(self.group_workspace(workspace));
                self.require_ws_manager(actor, ix)?;
                let uix = found!(self.user(user));
                self.require_not_self_raise(actor, ix, uix)?;
                let (presets, custom) = found!(self.parse_ws_roles(ix, roles));
                self.require_may_give_ws_roles(actor, ix, presets, &custom)
            }
            Command::RemoveWorkspaceMember { workspace, .. } => {
                let ix = found!(self.group_workspace(workspace));
                self.require_ws_manager(actor, ix)
            }
            Command::DefineWorkspaceRole { workspace, .. }
            | Command::DeleteWorkspaceRole { workspace, .. } => {
                let ix = found!(self.group_workspace(workspace));
                self.require_ws_manager_by(actor, ix, Rule::R5)
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
            Command::CreateAsset {
                workspace,
                kind,
                references,
                ..
            } => {
                let ws = found!(self.workspace(workspace));
                self.require_create(actor, ws, *kind)?;
                found!(self.resolve_references(actor, ws, references, at));
                Ok(())
            }
            Command::ModifyAsset {
                asset, references, ..
            } => {
                let ix = found!(self.asset(asset));
                self.require(actor, Operation::Modify, ix, at)?;
                if let (Some(refs), Some(a)) = (references, self.assets.get(ix)) {
                    found!(self.resolve_references(actor, a.workspace, refs, at));
                }
                Ok(())
            }
            Command::Grant { asset, level, .. } => {
                self.gate_grant(actor, asset, Operation::Authorize, *level, at)
            }
            Command::Share { asset, level, .. } => self.gate_grant(
                actor,
                asset,
                Operation::Share,
                level.unwrap_or(Level::View),
                at,
            ),
            Command::MoveAsset { asset, .. }
            | Command::SetDatasetTable { asset, .. }
            | Command::DeleteAsset { asset }
            | Command::Revoke { asset, .. }
            | Command::SetPublic { asset, .. }
            | Command::TransferOwnership { asset, .. } => {
                let ix = found!(self.asset(asset));
                match Command::asset_operation(cmd.name()) {
                    Some(op) => self.require(actor, op, ix, at),
                    None => Ok(()),
                }
            }
            Command::SetRowRules { asset, .. } => {
                let ix = found!(self.asset(asset));
                self.require_rule_admin(actor, ix, Rule::D2)
            }
            Command::SetColumnRules { asset, .. } => {
                let ix = found!(self.asset(asset));
                self.require_rule_admin(actor, ix, Rule::D3)
            }
            Command::CreateDataSource { .. }
            | Command::DeleteDataSource { .. }
            | Command::GrantTable { .. }
            | Command::RevokeTable { .. } => {
                self.require_point(actor, OrgPoint::ManageDataSources, Rule::D1)?;
                if let Command::GrantTable { workspace, .. }
                | Command::RevokeTable { workspace, .. } = cmd
                {
                    found!(self.group_workspace(workspace));
                }
                Ok(())
            }
            Command::ViewAs { user, workspace } => {
                let ws = found!(self.workspace(workspace));
                found!(self.user(user));
                self.require_view_as(actor, ws)
            }
        }
    }

    /// A grant or share: the operation on the asset, then X3, that nobody grants a level they
    /// do not hold (central authorizers excepted, O4). Which targets it names is not the
    /// actor's requirement (W4, A2 and X3 for a grant reaching the granter stay in `execute`).
    fn gate_grant(
        &self,
        actor: UserIx,
        asset: &str,
        op: Operation,
        level: Level,
        at: u64,
    ) -> Result<(), Refusal> {
        let ix = found!(self.asset(asset));
        self.require(actor, op, ix, at)?;
        self.require_holds_level(actor, ix, level, at)
    }

    /// X3: nobody grants what they do not hold; central authorizers hold authorization (O4),
    /// for grants to others (`grant` checks grants that reach the granter).
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
