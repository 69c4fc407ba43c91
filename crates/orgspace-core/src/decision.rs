//! Decisions: allow or deny, with the rule and the reason (X1).
//!
//! A decision holds indexes, not strings, so that `check` allocates nothing; `Engine::explain`
//! renders the reason as a sentence when a host needs one.

use crate::roles::PresetRole;
use crate::rule::Rule;
use crate::table::{GroupIx, RoleIx, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level, Operation};

/// The answer to "may this user do this?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct Decision {
    /// Whether the operation is allowed.
    pub allowed: bool,
    /// The SPEC rule that decided it.
    pub rule: Rule,
    /// What decided it.
    pub reason: Reason,
}

/// Which role of a member decided a permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleRef {
    /// A preset role.
    Preset(PresetRole),
    /// A custom role of the workspace.
    Custom(WorkspaceIx, RoleIx),
}

/// What decided a [`Decision`]. Allow reasons first, then deny reasons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The user is an org admin (O6).
    OrgAdmin,
    /// The user holds central authorization (O4).
    CentralAuthorizer,
    /// The user owns the personal workspace (W3).
    PersonalOwner,
    /// The user is an admin of the workspace (R1).
    WorkspaceAdmin,
    /// A role permits the operation on every asset of the kind the user sees.
    Role(RoleRef),
    /// A role permits it on owned assets and the user owns this one (R6).
    Owner(RoleRef),
    /// A role permits it and the asset is public in its workspace (A4).
    Public(RoleRef),
    /// A grant lets the user do it (A1), directly or through a group.
    Grant {
        /// The role that lets the grant count, if the workspace is a group workspace.
        role: Option<RoleRef>,
        /// The grant's level.
        level: Level,
        /// The group the grant targets, if not the user.
        via: Option<GroupIx>,
    },
    /// The user's roles hold this organization point (O2).
    Holds(crate::vocab::OrgPoint),
    /// The user is not a member of the organization (P1).
    NotOrgMember,
    /// The user is not a member of the group workspace (W5).
    NotWorkspaceMember(WorkspaceIx),
    /// The asset is in another member's personal workspace and no grant covers this (W3, W4).
    OthersPersonal(UserIx),
    /// None of the user's roles permits the operation on this kind.
    RoleLacks {
        /// The asset kind.
        kind: Kind,
        /// The operation.
        op: Operation,
    },
    /// Private mode hides the asset: not owned, not granted, not public (W7).
    NotVisible,
    /// The operation needs ownership (R6, A3, A5, A6).
    NotOwner,
    /// The operation needs ownership or a grant at this level (A5).
    NoGrant(Level),
    /// A grant would have covered it but expired (A1).
    GrantExpired(Level),
    /// Only org admins may do this (O1, O6).
    NotOrgAdmin,
    /// None of the user's roles holds this organization point (O2).
    Lacks(crate::vocab::OrgPoint),
}

impl Decision {
    pub(crate) const fn allow(rule: Rule, reason: Reason) -> Decision {
        Decision {
            allowed: true,
            rule,
            reason,
        }
    }

    pub(crate) const fn deny(rule: Rule, reason: Reason) -> Decision {
        Decision {
            allowed: false,
            rule,
            reason,
        }
    }
}
