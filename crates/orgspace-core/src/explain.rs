//! Rendering decisions as sentences (X1).

use crate::decision::{Decision, Reason, RoleRef};
use crate::model::Org;
use alloc::format;
use alloc::string::String;

impl Org {
    pub(crate) fn role_name(&self, role: RoleRef) -> String {
        match role {
            RoleRef::Preset(p) => p.as_str().into(),
            RoleRef::Custom(ws, r) => self
                .workspaces
                .get(ws)
                .map(|w| w.roles.id(r).into())
                .unwrap_or_default(),
        }
    }

    /// The reason of a decision as a sentence.
    pub(crate) fn explain(&self, d: &Decision) -> String {
        match d.reason {
            Reason::OrgAdmin => "org admins hold every permission in every workspace".into(),
            Reason::CentralAuthorizer => "they authorize centrally (permission admin)".into(),
            Reason::PersonalOwner => "it is their personal workspace".into(),
            Reason::WorkspaceAdmin => "they are an admin of the workspace".into(),
            Reason::Role(r) => format!("role `{}` permits it", self.role_name(r)),
            Reason::Owner(r) => format!("they own it and role `{}` permits owners", self.role_name(r)),
            Reason::Public(r) => format!("it is public in its workspace and role `{}` permits it", self.role_name(r)),
            Reason::Grant { role, level, via } => {
                let to = match via {
                    Some(g) => format!("group `{}`", self.groups.id(g)),
                    None => "them".into(),
                };
                match role {
                    Some(r) => format!("a grant at level `{level}` to {to}, within role `{}`", self.role_name(r)),
                    None => format!("a grant at level `{level}` to {to}"),
                }
            }
            Reason::Holds(point) => format!("their organization roles hold `{point}`"),
            Reason::NotOrgMember => "they are not a member of the organization".into(),
            // A denial names nothing the caller may not see: not the workspace of an asset
            // they are not in, not the owner of a personal workspace closed to them.
            Reason::NotWorkspaceMember(_) => {
                "they are not a member of the asset's workspace".into()
            }
            Reason::OthersPersonal(_) => {
                "it is in another member's personal workspace, which no grant opens for this".into()
            }
            Reason::RoleLacks { kind, op } => format!("none of their roles permits {op} on a {kind}"),
            Reason::NotVisible => {
                "the workspace is private and the asset is neither theirs, granted to them, nor public".into()
            }
            Reason::NotOwner => "only its owner or an admin may do this".into(),
            Reason::NoGrant(level) => format!("they neither own it nor hold a grant at level `{level}` on it"),
            Reason::GrantExpired(level) => format!("their grant at level `{level}` on it has expired"),
            Reason::NotOrgAdmin => "only org admins may do this".into(),
            Reason::Lacks(point) => format!("none of their organization roles holds `{point}`"),
        }
    }
}
