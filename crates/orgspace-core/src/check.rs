//! The decision procedure: may a member perform an operation on an asset, or create a kind of
//! asset in a workspace. Everything the hosts enforce comes from here.

use crate::decision::{Decision, Reason, RoleRef};
use crate::model::{Asset, Grantee, Member, MemberRoles, Org, Workspace, point_bit};
use crate::roles::{PresetRole, Scope};
use crate::rule::Rule;
use crate::table::{AssetIx, GroupIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level, Mode, Operation, OrgPoint, WorkspaceKind};

/// What the grants of an asset give a user for one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GrantMatch {
    /// An active grant covers the level.
    Active(Level, Option<GroupIx>),
    /// Only an expired grant would have covered it.
    Expired(Level),
    /// No grant covers it.
    None,
}

/// Finds a grant on `asset` that covers `needed` for the member.
#[inline]
pub(crate) fn grant_for(
    member: &Member,
    user: UserIx,
    asset: &Asset,
    needed: Level,
    now: u64,
) -> GrantMatch {
    let mut expired = None;
    for grant in &asset.grants {
        let via = match grant.to {
            Grantee::User(u) if u == user => None,
            Grantee::Group(g) if Org::in_group(member, g) => Some(g),
            _ => continue,
        };
        if !grant.level.covers(needed, asset.kind) {
            continue;
        }
        if grant.active(now) {
            return GrantMatch::Active(grant.level, via);
        }
        expired = Some(grant.level);
    }
    expired.map_or(GrantMatch::None, GrantMatch::Expired)
}

/// The rule a denial for lack of ownership names.
const fn own_rule(op: Operation) -> Rule {
    match op {
        Operation::Delete | Operation::Modify => Rule::A5,
        Operation::Share | Operation::Authorize => Rule::A3,
        Operation::Transfer => Rule::A6,
        _ => Rule::R6,
    }
}

/// The rule of a member's strongest role, named when no role permits something.
fn roles_rule(roles: &MemberRoles) -> Rule {
    PresetRole::ALL
        .into_iter()
        .find(|p| roles.has(*p))
        .map_or(Rule::R5, PresetRole::rule)
}

/// The first of a member's roles whose scope for (kind, op) reaches `scope`.
fn deciding_role(
    ws_ix: WorkspaceIx,
    ws: &Workspace,
    roles: &MemberRoles,
    kind: Kind,
    op: Operation,
    scope: Scope,
) -> RoleRef {
    for preset in PresetRole::ALL {
        if roles.has(preset) && preset.table().scope(kind, op) >= scope {
            return RoleRef::Preset(preset);
        }
    }
    for &role in &roles.custom {
        if ws
            .roles
            .get(role)
            .is_some_and(|r| r.table.scope(kind, op) >= scope)
        {
            return RoleRef::Custom(ws_ix, role);
        }
    }
    RoleRef::Preset(PresetRole::Visitor)
}

const fn role_rule(role: RoleRef) -> Rule {
    match role {
        RoleRef::Preset(p) => p.rule(),
        RoleRef::Custom(..) => Rule::R5,
    }
}

impl Org {
    /// Whether the member holds central authorization (O4): permission admins and custom
    /// roles with the `authorize_centrally` point.
    pub(crate) fn authorizes_centrally(&self, member: &Member) -> bool {
        self.org_points(member) & point_bit(OrgPoint::AuthorizeCentrally) != 0
    }

    /// Decides an operation on an existing asset. `op` must not be `create`.
    pub(crate) fn decide(
        &self,
        user: UserIx,
        op: Operation,
        asset_ix: AssetIx,
        now: u64,
    ) -> Decision {
        let Some(member) = self.members.get(user) else {
            return Decision::deny(Rule::P1, Reason::NotOrgMember);
        };
        let Some(asset) = self.assets.get(asset_ix) else {
            return Decision::deny(Rule::W5, Reason::NotVisible);
        };
        if member.org_admin {
            return Decision::allow(Rule::O6, Reason::OrgAdmin);
        }
        let Some(ws) = self.workspaces.get(asset.workspace) else {
            return Decision::deny(Rule::W5, Reason::NotWorkspaceMember(asset.workspace));
        };
        let central = matches!(op, Operation::Authorize | Operation::Share);
        if ws.kind == WorkspaceKind::Personal {
            if ws.owner == Some(user) {
                return Decision::allow(Rule::W3, Reason::PersonalOwner);
            }
            if central && self.authorizes_centrally(member) {
                return Decision::allow(Rule::O4, Reason::CentralAuthorizer);
            }
            let owner = ws.owner.unwrap_or(asset.owner);
            return match op
                .granted_by()
                .map(|l| grant_for(member, user, asset, l, now))
            {
                Some(GrantMatch::Active(level, via)) => Decision::allow(
                    Rule::A1,
                    Reason::Grant {
                        role: None,
                        level,
                        via,
                    },
                ),
                Some(GrantMatch::Expired(level)) => {
                    Decision::deny(Rule::A1, Reason::GrantExpired(level))
                }
                _ => Decision::deny(Rule::W3, Reason::OthersPersonal(owner)),
            };
        }
        if central && self.authorizes_centrally(member) {
            return Decision::allow(Rule::O4, Reason::CentralAuthorizer);
        }
        let Some(roles) = ws.members.get(&user) else {
            return Decision::deny(Rule::W5, Reason::NotWorkspaceMember(asset.workspace));
        };
        if roles.is_admin() {
            return Decision::allow(Rule::R1, Reason::WorkspaceAdmin);
        }
        let scope = roles.table.scope(asset.kind, op);
        let role = || deciding_role(asset.workspace, ws, roles, asset.kind, op, scope);
        match scope {
            Scope::None => Decision::deny(
                roles_rule(roles),
                Reason::RoleLacks {
                    kind: asset.kind,
                    op,
                },
            ),
            Scope::Any => {
                if ws.mode == Mode::Collaboration {
                    let r = role();
                    Decision::allow(role_rule(r), Reason::Role(r))
                } else if asset.owner == user {
                    Decision::allow(Rule::R6, Reason::Owner(role()))
                } else if asset.public {
                    Decision::allow(Rule::A4, Reason::Public(role()))
                } else {
                    match grant_for(member, user, asset, Level::View, now) {
                        GrantMatch::Active(level, via) => Decision::allow(
                            Rule::A1,
                            Reason::Grant {
                                role: Some(role()),
                                level,
                                via,
                            },
                        ),
                        GrantMatch::Expired(level) => {
                            Decision::deny(Rule::A1, Reason::GrantExpired(level))
                        }
                        GrantMatch::None => Decision::deny(Rule::W7, Reason::NotVisible),
                    }
                }
            }
            Scope::Granted => {
                let needed = op.granted_by().unwrap_or(Level::Edit);
                if asset.owner == user {
                    return Decision::allow(Rule::R6, Reason::Owner(role()));
                }
                match grant_for(member, user, asset, needed, now) {
                    GrantMatch::Active(level, via) => Decision::allow(
                        Rule::A1,
                        Reason::Grant {
                            role: Some(role()),
                            level,
                            via,
                        },
                    ),
                    GrantMatch::Expired(level) => {
                        Decision::deny(Rule::A1, Reason::GrantExpired(level))
                    }
                    GrantMatch::None => {
                        let rule = if op == Operation::Modify {
                            Rule::A5
                        } else {
                            Rule::A1
                        };
                        Decision::deny(rule, Reason::NoGrant(needed))
                    }
                }
            }
            Scope::Own => {
                if asset.owner == user {
                    Decision::allow(Rule::R6, Reason::Owner(role()))
                } else {
                    Decision::deny(own_rule(op), Reason::NotOwner)
                }
            }
        }
    }

    /// Decides whether a member may create an asset of `kind` in a workspace.
    pub(crate) fn decide_create(&self, user: UserIx, ws_ix: WorkspaceIx, kind: Kind) -> Decision {
        let Some(member) = self.members.get(user) else {
            return Decision::deny(Rule::P1, Reason::NotOrgMember);
        };
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return Decision::deny(Rule::W5, Reason::NotWorkspaceMember(ws_ix));
        };
        if ws.kind == WorkspaceKind::Personal {
            // Decided: a personal workspace holds only its owner's work (W3), so even org
            // admins, who hold every other permission in it (O6), create nothing there.
            return match ws.owner {
                Some(owner) if owner == user => Decision::allow(Rule::W3, Reason::PersonalOwner),
                owner => Decision::deny(Rule::W3, Reason::OthersPersonal(owner.unwrap_or(user))),
            };
        }
        if member.org_admin {
            return Decision::allow(Rule::O6, Reason::OrgAdmin);
        }
        let Some(roles) = ws.members.get(&user) else {
            return Decision::deny(Rule::W5, Reason::NotWorkspaceMember(ws_ix));
        };
        if roles.is_admin() {
            return Decision::allow(Rule::R1, Reason::WorkspaceAdmin);
        }
        let scope = roles.table.scope(kind, Operation::Create);
        if scope == Scope::None {
            return Decision::deny(
                roles_rule(roles),
                Reason::RoleLacks {
                    kind,
                    op: Operation::Create,
                },
            );
        }
        let r = deciding_role(ws_ix, ws, roles, kind, Operation::Create, scope);
        Decision::allow(role_rule(r), Reason::Role(r))
    }

    /// Whether a member's roles in a group workspace permit `op` on `kind` at all: what A2 asks
    /// of a grantee and A6 of a new owner.
    pub(crate) fn role_permits(
        &self,
        user: UserIx,
        ws_ix: WorkspaceIx,
        kind: Kind,
        op: Operation,
    ) -> bool {
        let Some(member) = self.members.get(user) else {
            return false;
        };
        if member.org_admin {
            return true;
        }
        let Some(ws) = self.workspaces.get(ws_ix) else {
            return false;
        };
        match ws.kind {
            WorkspaceKind::Personal => ws.owner == Some(user),
            WorkspaceKind::Group => ws
                .members
                .get(&user)
                .is_some_and(|r| r.is_admin() || r.table.scope(kind, op) != Scope::None),
        }
    }
}
