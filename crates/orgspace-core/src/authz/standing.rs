//! Stage one: a member's standing. What they hold in the organization (org admin, permission
//! points, central authorization) and how far one operation reaches in one workspace, before
//! any asset is looked at.

use crate::decision::{Decision, Reason};
use crate::model::{ALL_ORG_POINTS, Member, MemberRoles, Org, Workspace, point_bit};
use crate::rule::Rule;
use crate::table::{GroupIx, UserIx, WorkspaceIx};
use crate::vocab::{Level, Mode, Operation, OrgPoint, WorkspaceKind};

/// Why a member reaches every asset of a workspace with an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ground {
    /// An org admin (O6).
    OrgAdmin,
    /// The owner of the personal workspace (W3).
    PersonalOwner,
    /// A central authorizer sharing or authorizing (O4).
    CentralAuthorizer,
    /// An admin of the group workspace (R1).
    WorkspaceAdmin,
}

impl Ground {
    /// The decision this ground makes.
    pub(crate) const fn decision(self) -> Decision {
        match self {
            Ground::OrgAdmin => Decision::allow(Rule::O6, Reason::OrgAdmin),
            Ground::PersonalOwner => Decision::allow(Rule::W3, Reason::PersonalOwner),
            Ground::CentralAuthorizer => Decision::allow(Rule::O4, Reason::CentralAuthorizer),
            Ground::WorkspaceAdmin => Decision::allow(Rule::R1, Reason::WorkspaceAdmin),
        }
    }
}

/// How far one member reaches with one operation in one workspace.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reach<'a> {
    /// Every asset.
    All(Ground),
    /// No asset: not a member of the group workspace, or no such workspace (W5).
    Outside(WorkspaceIx),
    /// Another member's personal workspace: what a grant at this level gives (W4, A1); `None`
    /// for an operation no grant gives.
    Guest {
        /// The workspace's owner.
        owner: Option<UserIx>,
        /// The level a grant needs.
        level: Option<Level>,
        /// What the member's roles permit in some group workspace: a grant gives no more (A2).
        reach: super::RoleReach,
    },
    /// A member of a group workspace: their roles' scopes (R1-R6, W6) in a mode (W7).
    Roles {
        /// The workspace.
        ws_ix: WorkspaceIx,
        /// Its state, for naming the deciding role.
        ws: &'a Workspace,
        /// The member's roles in it.
        roles: &'a MemberRoles,
        /// The mode asked about: the workspace's own, or another for a dry run (W9).
        mode: Mode,
    },
}

impl Org {
    /// Whether the member's effective groups include `group` (P2).
    #[inline]
    pub(crate) fn in_group(member: &Member, group: GroupIx) -> bool {
        member.effective_groups.binary_search(&group).is_ok()
    }

    /// The organization permission points a member holds through their roles (O2).
    pub(crate) fn org_points(&self, member: &Member) -> u8 {
        if member.org_admin {
            return ALL_ORG_POINTS;
        }
        let mut points = 0;
        if member.permission_admin {
            points |= point_bit(OrgPoint::AuthorizeCentrally) | point_bit(OrgPoint::ViewAuditLog);
        }
        for &role in &member.custom_roles {
            if let Some(role) = self.org_roles.get(role) {
                for &p in &role.points {
                    points |= point_bit(p);
                }
            }
        }
        points
    }

    /// Whether the member holds one organization point (O2).
    pub(crate) fn holds(&self, member: &Member, point: OrgPoint) -> bool {
        self.org_points(member) & point_bit(point) != 0
    }

    /// Whether the member holds central authorization (O4): permission admins and custom
    /// roles with the `authorize_centrally` point.
    pub(crate) fn authorizes_centrally(&self, member: &Member) -> bool {
        self.holds(member, OrgPoint::AuthorizeCentrally)
    }

    /// Whether the member's view (`Engine::snapshot_for`) is the whole organization: org admins
    /// (O6) and central authorizers (O4), who may act on every asset.
    pub(crate) fn sees_whole_org(&self, member: &Member) -> bool {
        member.org_admin || self.authorizes_centrally(member)
    }

    /// X4: org admins and members whose roles hold `view_audit_log` read the audit log.
    pub(crate) fn audit_decision(&self, member: &Member) -> Decision {
        if member.org_admin {
            Decision::allow(Rule::X4, Reason::OrgAdmin)
        } else if self.holds(member, OrgPoint::ViewAuditLog) {
            Decision::allow(Rule::X4, Reason::Holds(OrgPoint::ViewAuditLog))
        } else {
            Decision::deny(Rule::X4, Reason::Lacks(OrgPoint::ViewAuditLog))
        }
    }

    /// O1, O6: only an org admin of an organization imports it (creates it from a snapshot).
    pub(crate) fn import_decision(member: &Member) -> Decision {
        if member.org_admin {
            Decision::allow(Rule::O1, Reason::OrgAdmin)
        } else {
            Decision::deny(Rule::O1, Reason::NotOrgAdmin)
        }
    }

    /// Whether the user administers the workspace: an org admin (O6), an admin of it (R1), or
    /// the owner of a personal workspace (W3).
    pub(crate) fn administers(&self, user: UserIx, ws: WorkspaceIx) -> bool {
        self.members.get(user).is_some_and(|m| m.org_admin)
            || self.workspaces.get(ws).is_some_and(|w| {
                w.owner == Some(user) || w.members.get(&user).is_some_and(MemberRoles::is_admin)
            })
    }

    /// Stage one: how far `op` reaches for the member in a workspace, in the workspace's mode.
    #[inline]
    pub(crate) fn reach(
        &self,
        member: &Member,
        user: UserIx,
        op: Operation,
        ws_ix: WorkspaceIx,
    ) -> Reach<'_> {
        if member.org_admin {
            return Reach::All(Ground::OrgAdmin);
        }
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Reach::Outside(ws_ix);
        };
        let central = || {
            matches!(op, Operation::Authorize | Operation::Share)
                && self.authorizes_centrally(member)
        };
        if ws.kind == WorkspaceKind::Personal {
            if ws.owner == Some(user) {
                return Reach::All(Ground::PersonalOwner);
            }
            if central() {
                return Reach::All(Ground::CentralAuthorizer);
            }
            return Reach::Guest {
                owner: ws.owner,
                level: op.granted_by(),
                reach: self.role_reach(user),
            };
        }
        if central() {
            return Reach::All(Ground::CentralAuthorizer);
        }
        match ws.members.get(&user) {
            None => Reach::Outside(ws_ix),
            Some(roles) if roles.is_admin() => Reach::All(Ground::WorkspaceAdmin),
            Some(roles) => Reach::Roles {
                ws_ix,
                ws,
                roles,
                mode: ws.mode,
            },
        }
    }
}
