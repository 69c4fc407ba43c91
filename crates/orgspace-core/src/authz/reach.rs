//! A member's role reach: what their roles permit in *some* group workspace, for the operations
//! a grant gives (view, export, use, modify) on each kind. A2 and R3 hold in personal
//! workspaces too, where nobody but the owner holds a role: there a grant, to the member or to a
//! group they are in, gives an operation only if the reach permits it, decided at decision time
//! (so a member who loses a role loses what old grants gave through it). Org admins hold every
//! permission (O6) and never need it.
//!
//! The reach is cross-workspace data: it is kept per member in the organization (recomputed
//! after every command that changes roles or workspace membership), travels in the org part
//! (`MemberDoc::reach`) so an engine built from some parts decides as the whole one does, and is
//! checked against the workspaces by the invariants (X5) of a whole organization.

use crate::event::Event;
use crate::model::{MemberRoles, Org};
use crate::roles::Scope;
use crate::rule::Rule;
use crate::snapshot::{Problem, load_problem};
use crate::table::UserIx;
use crate::vocab::{Kind, Operation, WorkspaceKind};
use alloc::format;
use alloc::vec::Vec;

/// The operations a grant gives, in bit order within a kind.
const GRANTED: [Operation; 4] = [
    Operation::View,
    Operation::Export,
    Operation::Use,
    Operation::Modify,
];

/// A set of (kind, granted operation) pairs: bit `kind * 4 + slot`, `slot` the operation's
/// place in view, export, use, modify. Serialized as that number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct RoleReach(pub(crate) u64);

// Room for 13 kinds, and a number JavaScript reads exactly (2^53): a new kind needs no new
// format, only its row in every role table.
const _: () = assert!(
    Kind::ALL.len() * GRANTED.len() <= 53,
    "the reach is a JSON number below 2^53"
);

impl RoleReach {
    /// Every pair: what a workspace admin's roles permit (R1).
    pub(crate) const ALL: RoleReach = RoleReach(u64::MAX >> (64 - Kind::ALL.len() * GRANTED.len()));

    const fn bit(kind: Kind, op: Operation) -> Option<u64> {
        let slot = match op {
            Operation::View => 0,
            Operation::Export => 1,
            Operation::Use => 2,
            Operation::Modify => 3,
            _ => return None,
        };
        Some(1 << (kind.index() * GRANTED.len() + slot))
    }

    /// Whether the reach permits `op` on `kind`; no operation a grant does not give is in it.
    #[inline]
    pub(crate) const fn permits(self, kind: Kind, op: Operation) -> bool {
        match RoleReach::bit(kind, op) {
            Some(b) => self.0 & b != 0,
            None => false,
        }
    }

    /// What one member's roles in one group workspace permit (W6: the union of their roles).
    pub(crate) fn of_roles(roles: &MemberRoles) -> RoleReach {
        if roles.is_admin() {
            return RoleReach::ALL;
        }
        let mut bits = 0;
        for &kind in Kind::ALL {
            for op in GRANTED {
                if roles.table.scope(kind, op) != Scope::None {
                    bits |= RoleReach::bit(kind, op).unwrap_or(0);
                }
            }
        }
        RoleReach(bits)
    }
}

impl Org {
    /// The member's reach as kept (empty for one in no group workspace).
    #[inline]
    pub(crate) fn role_reach(&self, user: UserIx) -> RoleReach {
        self.reach.get(&user).copied().unwrap_or_default()
    }

    /// Every member's reach from the group workspaces: one pass over the memberships (of the
    /// parts held, and of the others in the index for a partial organization).
    pub(crate) fn computed_reaches(&self) -> hashbrown::HashMap<UserIx, RoleReach> {
        let mut out: hashbrown::HashMap<UserIx, RoleReach> = hashbrown::HashMap::new();
        for (_, ws) in self.workspaces.iter() {
            if ws.kind != WorkspaceKind::Group {
                continue;
            }
            for (&u, roles) in &ws.members {
                out.entry(u).or_default().0 |= RoleReach::of_roles(roles).0;
            }
        }
        // A partial organization: the workspaces whose parts it does not hold, from the index.
        #[cfg(feature = "parts")]
        if let Some(outside) = &self.outside {
            for (_, refs) in outside.unloaded() {
                for (user, bits) in &refs.members {
                    if let Some(u) = self.members.find(user) {
                        out.entry(u).or_default().0 |= bits;
                    }
                }
            }
        }
        out.retain(|_, r| r.0 != 0);
        out
    }

    /// Recomputes every member's reach from the workspaces.
    pub(crate) fn recompute_reaches(&mut self) {
        self.reach = self.computed_reaches();
    }

    /// X5: a whole organization's kept reaches are those its workspaces give.
    pub(crate) fn reach_problems(&self) -> Vec<Problem> {
        let computed = self.computed_reaches();
        let mut out = Vec::new();
        for (u, _) in self.members.iter() {
            let kept = self.role_reach(u);
            let want = computed.get(&u).copied().unwrap_or_default();
            if kept != want {
                out.push(load_problem(
                    Some(Rule::A2),
                    format!(
                        "`{}`'s role reach {:#x} is not {:#x}, what their workspace roles permit",
                        self.members.id(u),
                        kept.0,
                        want.0
                    ),
                ));
            }
        }
        out
    }
}

/// Whether a command's events may change some member's reach: those about workspace roles and
/// membership (and members, workspaces and whole organizations coming and going).
pub(crate) fn changes_reach(events: &[Event]) -> bool {
    events.iter().any(|e| {
        matches!(
            e,
            Event::OrgCreated { .. }
                | Event::OrgUpgraded { .. }
                | Event::MemberAdded { .. }
                | Event::MemberRemoved { .. }
                | Event::WorkspaceCreated { .. }
                | Event::WorkspaceDeleted { .. }
                | Event::WorkspaceMemberAdded { .. }
                | Event::WorkspaceMemberRemoved { .. }
                | Event::WorkspaceRolesSet { .. }
                | Event::WorkspaceRoleDefined { .. }
                | Event::WorkspaceRoleDeleted { .. }
        )
    })
}
