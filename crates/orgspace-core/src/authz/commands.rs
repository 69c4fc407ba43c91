//! What commands require of their actor beyond one asset's verdict: organization points (O2,
//! O3), workspace management (R1, W1, W9), folder changes (A7), dataset rules (D2, D3), and
//! that nobody raises their own roles or grants what they do not hold (X3). Moved here from
//! the handlers in `apply/` so that every permission question is answered in one module; the
//! handlers call these before they change anything (X2).

use crate::apply::members::OrgRoles;
use crate::decision::Decision;
use crate::error::{Refusal, denied, invalid, not_found};
use crate::model::{Grantee, Member, MemberRoles, Org, point_bit};
use crate::roles::PresetRole;
use crate::rule::Rule;
use crate::table::{AssetIx, FolderIx, GroupIx, RoleIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Operation, OrgPoint};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::vec::Vec;

impl Org {
    /// Requires an organization permission point of the actor (O2, O3).
    pub(crate) fn require_point(
        &self,
        actor: UserIx,
        point: OrgPoint,
        rule: Rule,
    ) -> Result<(), Refusal> {
        let member = self.member(actor)?;
        if self.org_points(member) & point_bit(point) != 0 {
            return Ok(());
        }
        Err(denied(
            rule,
            format!(
                "`{}` holds no organization role with `{point}`",
                self.members.id(actor)
            ),
        ))
    }

    /// Requires that the actor may manage a group workspace's members and roles: its admins
    /// (R1, W1), org admins (O6) and holders of `manage_workspaces`.
    pub(crate) fn require_ws_manager(&self, actor: UserIx, ws: WorkspaceIx) -> Result<(), Refusal> {
        let member = self.member(actor)?;
        let points = self.org_points(member);
        let ws_admin = self
            .workspaces
            .get(ws)
            .and_then(|w| w.members.get(&actor))
            .is_some_and(MemberRoles::is_admin);
        if ws_admin || points & point_bit(OrgPoint::ManageWorkspaces) != 0 {
            return Ok(());
        }
        Err(denied(
            Rule::R1,
            format!(
                "`{}` is not an admin of workspace `{}`",
                self.members.id(actor),
                self.workspaces.id(ws)
            ),
        ))
    }

    /// Like `require_ws_manager`, naming another rule in the denial.
    pub(crate) fn require_ws_manager_by(
        &self,
        actor: UserIx,
        ws: WorkspaceIx,
        rule: Rule,
    ) -> Result<(), Refusal> {
        self.require_ws_manager(actor, ws).map_err(|e| match e {
            Refusal::Denied { reason, .. } => Refusal::Denied { rule, reason },
            other => other,
        })
    }

    /// X3: nobody raises their own roles. A member who manages the workspace only through
    /// `manage_workspaces` may not add themselves to it or change their own roles in it; its
    /// admins and org admins, who already hold everything in it (R1, O6), may.
    pub(crate) fn require_not_self_raise(
        &self,
        actor: UserIx,
        ws: WorkspaceIx,
        user: UserIx,
    ) -> Result<(), Refusal> {
        let holds_all = self.member(actor)?.org_admin
            || self
                .workspaces
                .get(ws)
                .and_then(|w| w.members.get(&actor))
                .is_some_and(MemberRoles::is_admin);
        if actor == user && !holds_all {
            return Err(denied(
                Rule::X3,
                format!(
                    "`{}` cannot set their own roles in workspace `{}`",
                    self.members.id(actor),
                    self.workspaces.id(ws)
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn roles_points(&self, roles: &OrgRoles) -> u8 {
        let probe = Member {
            org_admin: roles.admin,
            permission_admin: roles.permission_admin,
            custom_roles: roles.custom.clone(),
            personal: WorkspaceIx(0),
            groups: Vec::new(),
            effective_groups: Vec::new(),
            attributes: BTreeMap::new(),
        };
        self.org_points(&probe)
    }

    /// X3 and O3: the actor may hand out only roles whose points they hold, and only org
    /// admins make org admins.
    pub(crate) fn require_may_assign(
        &self,
        actor: UserIx,
        roles: &OrgRoles,
    ) -> Result<(), Refusal> {
        let me = self.member(actor)?;
        let mine = self.org_points(me);
        if (roles.admin && !me.org_admin) || self.roles_points(roles) & !mine != 0 {
            return Err(denied(
                Rule::X3,
                format!(
                    "`{}` cannot give organization roles they do not hold",
                    self.members.id(actor)
                ),
            ));
        }
        Ok(())
    }

    /// X3: the actor may change or remove only members who hold no more than they do.
    pub(crate) fn require_not_stronger(
        &self,
        actor: UserIx,
        target: UserIx,
    ) -> Result<(), Refusal> {
        let me = self.member(actor)?;
        let them = self.member(target)?;
        if (them.org_admin && !me.org_admin) || self.org_points(them) & !self.org_points(me) != 0 {
            return Err(denied(
                Rule::X3,
                format!(
                    "`{}` holds organization roles that `{}` does not",
                    self.members.id(target),
                    self.members.id(actor)
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn require_org_admin(
        &self,
        actor: UserIx,
        rule: Rule,
        what: &str,
    ) -> Result<(), Refusal> {
        if self.member(actor)?.org_admin {
            return Ok(());
        }
        Err(denied(
            rule,
            format!(
                "only org admins {what}; `{}` is not one",
                self.members.id(actor)
            ),
        ))
    }

    /// Whether the actor may create anything in the workspace: what making a folder needs.
    pub(crate) fn may_create_something(
        &self,
        actor: UserIx,
        ws: WorkspaceIx,
    ) -> Result<(), Refusal> {
        let mut first: Option<Decision> = None;
        for &kind in Kind::ALL {
            let d = self.decide_create(actor, ws, kind);
            if d.allowed {
                return Ok(());
            }
            first.get_or_insert(d);
        }
        let d = first.unwrap_or_else(|| self.decide_create(actor, ws, Kind::Dashboard));
        Err(denied(
            d.rule,
            format!(
                "`{}` may create nothing in workspace `{}`: {}",
                self.members.id(actor),
                self.workspaces.id(ws),
                self.explain(&d)
            ),
        ))
    }

    /// Admins of the folder's workspace, org admins, the personal workspace's owner and the
    /// folder's creator change a folder.
    pub(crate) fn may_change_folder(&self, actor: UserIx, folder: FolderIx) -> Result<(), Refusal> {
        let Some(f) = self.folders.get(folder) else {
            return Err(invalid("unknown folder"));
        };
        let creator =
            f.created_by == actor && self.may_create_something(actor, f.workspace).is_ok();
        if self.administers(actor, f.workspace) || creator {
            return Ok(());
        }
        Err(denied(
            Rule::A7,
            format!(
                "folders carry no permissions; only admins and its creator change folder `{}`",
                self.folders.id(folder)
            ),
        ))
    }

    /// D2, D3: the dataset's owner, its workspace's admins and org admins configure its rules.
    pub(crate) fn require_rule_admin(
        &self,
        actor: UserIx,
        asset: AssetIx,
        rule: Rule,
    ) -> Result<(), Refusal> {
        let a = self
            .assets
            .get(asset)
            .ok_or_else(|| not_found("unknown asset"))?;
        if a.owner == actor || self.administers(actor, a.workspace) {
            return Ok(());
        }
        Err(denied(
            rule,
            format!(
                "only the owner of dataset `{}`, workspace admins and org admins configure its rules",
                self.assets.id(asset)
            ),
        ))
    }

    /// Requires that the actor may perform `op` on the asset, with the decision's rule.
    pub(crate) fn require(
        &self,
        actor: UserIx,
        op: Operation,
        asset: AssetIx,
        now: u64,
    ) -> Result<(), Refusal> {
        let d = self.decide(actor, op, asset, now);
        if d.allowed {
            return Ok(());
        }
        Err(denied(
            d.rule,
            format!(
                "`{}` may not {op} `{}`: {}",
                self.members.id(actor),
                self.assets.id(asset),
                self.explain(&d)
            ),
        ))
    }
}

/// X3: nobody raises their own roles. Groups carry grants (A1) and row and column rules (D2,
/// D3): joining one may give a member grants and rows, leaving one (or deleting it) may lift a
/// hidden or masked column. A member who manages groups through `manage_user_groups` changes
/// the memberships of others only; org admins, who hold everything (O6), also their own.
pub(crate) fn require_not_own_membership(
    org: &Org,
    actor: UserIx,
    own: bool,
    group: &str,
) -> Result<(), Refusal> {
    if own && !org.member(actor)?.org_admin {
        return Err(denied(
            Rule::X3,
            format!(
                "`{}` cannot change their own membership of group `{group}`",
                org.members.id(actor)
            ),
        ));
    }
    Ok(())
}

impl Org {
    /// D4: a dataset's data is read by those who may view the dataset.
    pub(crate) fn require_data_access(
        &self,
        user: UserIx,
        asset: AssetIx,
        now: u64,
    ) -> Result<(), Refusal> {
        let d = self.decide(user, Operation::View, asset, now);
        if d.allowed {
            return Ok(());
        }
        Err(denied(
            d.rule,
            format!(
                "`{}` may not view `{}`: {}",
                self.members.id(user),
                self.assets.id(asset),
                self.explain(&d)
            ),
        ))
    }

    /// Whether the user owns the asset or administers its workspace: whom a dataset's
    /// `exempt_owner_and_admins` exempts from its row and column rules (D2, D3).
    pub(crate) fn owns_or_administers(&self, user: UserIx, asset: AssetIx) -> bool {
        self.assets
            .get(asset)
            .is_some_and(|a| a.owner == user || self.administers(user, a.workspace))
    }
}

impl Org {
    /// X3: joining a group hands the newcomer every grant and every row and column rule the
    /// group carries, and those of the groups it is nested in (P2); leaving one (or its
    /// deletion) may lift a column rule. So a member who manages groups through
    /// `manage_user_groups` changes who a group reaches only while they could make each of those
    /// themselves: each active grant as a grant of theirs to someone else (A3, and X3's "no
    /// more than one holds" unless a central authorizer, O4), each rule as its dataset's rule
    /// admin (D2, D3). With `grants` false only the rules count (a removal takes grants away).
    /// Org admins hold everything (O6).
    pub(crate) fn require_may_change_group_reach(
        &self,
        actor: UserIx,
        group: GroupIx,
        grants: bool,
        at: u64,
    ) -> Result<(), Refusal> {
        let me = self.member(actor)?;
        if me.org_admin {
            return Ok(());
        }
        let central = self.authorizes_centrally(me);
        let mut chain: Vec<GroupIx> = Vec::new();
        let mut next = Some(group);
        while let Some(g) = next {
            if chain.contains(&g) {
                break;
            }
            chain.push(g);
            next = self.groups.get(g).and_then(|x| x.parent);
        }
        let names: Vec<&str> = chain.iter().map(|&g| self.groups.id(g)).collect();
        let refuse = || {
            Err(denied(
                Rule::X3,
                format!(
                    "group `{}` carries grants or rules `{}` could not make; only those who could \
                     change who it reaches",
                    self.groups.id(group),
                    self.members.id(actor)
                ),
            ))
        };
        for (aix, asset) in self.assets.iter() {
            if grants {
                for grant in &asset.grants {
                    let Grantee::Group(g) = grant.to else {
                        continue;
                    };
                    if !grant.active(at) || !chain.contains(&g) {
                        continue;
                    }
                    let may_grant = self.decide(actor, Operation::Authorize, aix, at).allowed
                        && (central
                            || self.decide(actor, grant.level.operation(), aix, at).allowed);
                    if !may_grant {
                        return refuse();
                    }
                }
            }
            if let Some(sec) = asset.security.as_deref() {
                let targeted = sec
                    .row_rules
                    .iter()
                    .map(|r| &r.targets)
                    .chain(sec.column_rules.iter().map(|r| &r.targets))
                    .any(|t| t.groups.iter().any(|g| names.contains(&g.as_str())));
                if targeted && self.require_rule_admin(actor, aix, Rule::X3).is_err() {
                    return refuse();
                }
            }
        }
        Ok(())
    }

    /// X3 and W1: giving workspace roles gives their rights. Its admins and org admins, who hold
    /// everything in the workspace (R1, O6), give any role; only they appoint its admins (W1:
    /// the creating org admin and the workspace's admins do). Anyone else who manages it (a
    /// holder of `manage_workspaces`) gives only roles whose every (kind, operation) scope they
    /// hold there themselves, so nobody gains through them what they could not do.
    pub(crate) fn require_may_give_ws_roles(
        &self,
        actor: UserIx,
        ws: WorkspaceIx,
        presets: u8,
        custom: &[RoleIx],
    ) -> Result<(), Refusal> {
        if self.administers(actor, ws) {
            return Ok(());
        }
        let Some(w) = self.workspaces.get(ws) else {
            return Err(not_found("unknown workspace"));
        };
        let refuse = |what: &str| {
            Err(denied(
                Rule::X3,
                format!(
                    "`{}` cannot give {what} in workspace `{}`: they do not hold it there",
                    self.members.id(actor),
                    self.workspaces.id(ws)
                ),
            ))
        };
        if presets & PresetRole::Admin.bit() != 0 {
            return refuse("the admin role (W1: its admins and org admins appoint admins)");
        }
        let given = Org::role_table(w, presets, custom);
        let mine = w.members.get(&actor).map(|r| r.table).unwrap_or_default();
        let exceeds = Kind::ALL.iter().any(|&k| {
            Operation::ALL
                .iter()
                .any(|&op| given.scope(k, op) > mine.scope(k, op))
        });
        if exceeds {
            return refuse("roles with rights");
        }
        Ok(())
    }
}
