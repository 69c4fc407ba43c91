//! Stage two: the verdict on one asset, given the member's reach in its workspace (stage one):
//! ownership (R6), grants with expiry (A1), the public flag (A4) and the mode (W7). `check`
//! turns a verdict into a [`Decision`] with its rule and reason; `filter` and the lists read
//! only whether it allows.

use super::standing::{Ground, Reach};
use crate::decision::{Decision, Reason, RoleRef};
use crate::model::{Asset, Grantee, Member, MemberRoles, Org, Workspace};
use crate::roles::{PresetRole, Scope};
use crate::rule::Rule;
use crate::table::{AssetIx, GroupIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level, Mode, Operation, WorkspaceKind};

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

/// What decided one asset. The deciding role is named only when a decision is built from it,
/// so that `filter`, which asks only whether, never looks for it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Verdict {
    /// The reach covers every asset.
    Reach(Ground),
    /// A role reaches every asset of the kind the member sees (collaboration mode).
    Role(Scope),
    /// The member owns it and a role reaches owned assets (R6).
    Owner(Scope),
    /// It is public and a role permits the operation (A4).
    Public(Scope),
    /// An active grant (A1); the role's scope in a group workspace.
    Grant {
        scope: Option<Scope>,
        level: Level,
        via: Option<GroupIx>,
    },
    /// None of the member's roles permits the operation on the kind.
    RoleLacks,
    /// Denied, with the rule and reason.
    Deny(Rule, Reason),
}

impl Verdict {
    /// Whether the verdict allows.
    #[inline]
    pub(crate) const fn allowed(self) -> bool {
        !matches!(self, Verdict::RoleLacks | Verdict::Deny(..))
    }

    /// The decision, naming the rule and the deciding role.
    #[inline]
    pub(crate) fn decision(self, reach: &Reach<'_>, kind: Kind, op: Operation) -> Decision {
        let role = |scope| match *reach {
            Reach::Roles {
                ws_ix, ws, roles, ..
            } => deciding_role(ws_ix, ws, roles, kind, op, scope),
            _ => RoleRef::Preset(PresetRole::Visitor),
        };
        match self {
            Verdict::Reach(ground) => ground.decision(),
            Verdict::Role(scope) => {
                let r = role(scope);
                Decision::allow(role_rule(r), Reason::Role(r))
            }
            Verdict::Owner(scope) => Decision::allow(Rule::R6, Reason::Owner(role(scope))),
            Verdict::Public(scope) => Decision::allow(Rule::A4, Reason::Public(role(scope))),
            Verdict::Grant { scope, level, via } => Decision::allow(
                Rule::A1,
                Reason::Grant {
                    role: scope.map(role),
                    level,
                    via,
                },
            ),
            Verdict::RoleLacks => {
                let rule = match *reach {
                    Reach::Roles { roles, .. } => roles_rule(roles),
                    _ => Rule::R5,
                };
                Decision::deny(rule, Reason::RoleLacks { kind, op })
            }
            Verdict::Deny(rule, reason) => Decision::deny(rule, reason),
        }
    }
}

/// Stage two: the verdict on an asset of `kind` owned by `owner`, public or not, for `op`,
/// given the reach in its workspace. `grant` answers what the asset's grants give the member at
/// a level; it is asked at most once.
#[inline]
pub(crate) fn verdict(
    reach: &Reach<'_>,
    user: UserIx,
    op: Operation,
    kind: Kind,
    owner: UserIx,
    public: bool,
    grant: impl FnOnce(Level) -> GrantMatch,
) -> Verdict {
    let granted = |scope: Option<Scope>, m: GrantMatch, otherwise: Verdict| match m {
        GrantMatch::Active(level, via) => Verdict::Grant { scope, level, via },
        GrantMatch::Expired(level) => Verdict::Deny(Rule::A1, Reason::GrantExpired(level)),
        GrantMatch::None => otherwise,
    };
    match *reach {
        Reach::All(ground) => Verdict::Reach(ground),
        Reach::Outside(ws) => Verdict::Deny(Rule::W5, Reason::NotWorkspaceMember(ws)),
        Reach::Guest {
            owner: ws_owner,
            level,
            reach,
        } => {
            let others = Verdict::Deny(Rule::W3, Reason::OthersPersonal(ws_owner.unwrap_or(owner)));
            match level {
                Some(level) => match grant(level) {
                    // A2, R3 at decision time: a grant gives no more than the member's roles
                    // permit in some group workspace, whoever it names and whenever it was made.
                    GrantMatch::Active(..) if !reach.permits(kind, op) => {
                        Verdict::Deny(Rule::A2, Reason::RoleLacks { kind, op })
                    }
                    m => granted(None, m, others),
                },
                None => others,
            }
        }
        Reach::Roles { roles, mode, .. } => match roles.table.scope(kind, op) {
            Scope::None => Verdict::RoleLacks,
            Scope::Any => {
                if mode == Mode::Collaboration {
                    Verdict::Role(Scope::Any)
                } else if owner == user {
                    Verdict::Owner(Scope::Any)
                } else if public {
                    Verdict::Public(Scope::Any)
                } else {
                    granted(
                        Some(Scope::Any),
                        grant(Level::View),
                        Verdict::Deny(Rule::W7, Reason::NotVisible),
                    )
                }
            }
            Scope::Granted => {
                let needed = op.granted_by().unwrap_or(Level::Edit);
                if owner == user {
                    return Verdict::Owner(Scope::Granted);
                }
                let rule = if op == Operation::Modify {
                    Rule::A5
                } else {
                    Rule::A1
                };
                granted(
                    Some(Scope::Granted),
                    grant(needed),
                    Verdict::Deny(rule, Reason::NoGrant(needed)),
                )
            }
            Scope::Own => {
                if owner == user {
                    Verdict::Owner(Scope::Own)
                } else {
                    Verdict::Deny(own_rule(op), Reason::NotOwner)
                }
            }
        },
    }
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
    /// Decides an operation on an existing asset: both stages. `op` must not be `create`.
    #[inline]
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
        self.decide_as(member, user, op, asset_ix, now)
    }

    /// [`Org::decide`] for a member's state given apart from the organization's: the access
    /// diff (`access/diff.rs`) asks it with the member as a command would leave them.
    #[inline]
    pub(crate) fn decide_as(
        &self,
        member: &Member,
        user: UserIx,
        op: Operation,
        asset_ix: AssetIx,
        now: u64,
    ) -> Decision {
        let Some(asset) = self.assets.get(asset_ix) else {
            return Decision::deny(Rule::W5, Reason::NotVisible);
        };
        let reach = self.reach(member, user, op, asset.workspace);
        verdict(
            &reach,
            user,
            op,
            asset.kind,
            asset.owner,
            asset.public,
            |level| grant_for(member, user, asset, level, now),
        )
        .decision(&reach, asset.kind, op)
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
        let reach = self.reach(member, user, Operation::Create, ws_ix);
        let v = match reach {
            Reach::All(ground) => Verdict::Reach(ground),
            Reach::Roles { roles, .. } => match roles.table.scope(kind, Operation::Create) {
                Scope::None => Verdict::RoleLacks,
                scope => Verdict::Role(scope),
            },
            Reach::Outside(_) | Reach::Guest { .. } => {
                Verdict::Deny(Rule::W5, Reason::NotWorkspaceMember(ws_ix))
            }
        };
        v.decision(&reach, kind, Operation::Create)
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
