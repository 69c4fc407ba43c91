//! Who has access: for an asset and an operation, every member the decision procedure allows,
//! each with the decision's rule and reason; for a folder, every member who sees it in the
//! list (W7, W8). Paged by user id with a cursor, complete: a page that is not the last names
//! the cursor of the next.

use super::DEFAULT_PAGE;
use crate::decision::{Decision, Reason, RoleRef};
use crate::engine::Engine;
use crate::error::{Refusal, invalid};
use crate::model::Org;
use crate::rule::Rule;
use crate::table::{AssetIx, FolderIx, UserIx, WorkspaceIx};
use crate::vocab::{Level, Operation};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The largest page: a larger `limit` is cut to it, and the page then names its `next`.
pub const MAX_PAGE: usize = 1000;

/// What gives a member access: the kind of the deciding reason (X1).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// An org admin (O6).
    OrgAdmin,
    /// Central authorization: a permission admin (O4).
    CentralAuthorizer,
    /// The owner of the personal workspace (W3).
    PersonalOwner,
    /// An admin of the workspace (R1).
    WorkspaceAdmin,
    /// A role reaches every asset of the kind (collaboration mode).
    Role,
    /// They own it and a role permits owners (R6).
    Owner,
    /// It is public and a role permits it (A4).
    Public,
    /// A grant to them or to a group they are in (A1).
    Grant,
    /// A folder of a collaboration workspace, which every member sees (W7).
    Collaboration,
    /// A folder that holds, at any depth, the asset `through`, which they see (W7).
    Contains,
}

/// One member who has access, and why.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// The member.
    pub user: String,
    /// The rule that decided it.
    pub rule: Rule,
    /// What decided it.
    pub basis: Basis,
    /// The role that decided it or let a grant count, if a role did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For a grant: its level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// For a grant to a group: the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// For a folder seen because of an asset in it: that asset (the first by id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
    /// The reason as a sentence.
    pub reason: String,
}

/// One page of members with access, by user id.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPage {
    /// The members on this page, by user id.
    pub members: Vec<Access>,
    /// The cursor of the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl Org {
    /// An allowing decision as an [`Access`] entry.
    fn access(&self, user: UserIx, d: &Decision, through: Option<AssetIx>) -> Access {
        let role = |r: RoleRef| Some(self.role_name(r));
        let (basis, role, level, group) = match d.reason {
            Reason::OrgAdmin => (Basis::OrgAdmin, None, None, None),
            Reason::CentralAuthorizer => (Basis::CentralAuthorizer, None, None, None),
            Reason::PersonalOwner => (Basis::PersonalOwner, None, None, None),
            Reason::WorkspaceAdmin => (Basis::WorkspaceAdmin, None, None, None),
            Reason::Role(r) => (Basis::Role, role(r), None, None),
            Reason::Owner(r) => (Basis::Owner, role(r), None, None),
            Reason::Public(r) => (Basis::Public, role(r), None, None),
            Reason::Grant {
                role: r,
                level,
                via,
            } => (
                Basis::Grant,
                r.and_then(role),
                Some(level),
                via.map(|g| String::from(self.groups.id(g))),
            ),
            // Only allowing decisions reach here; these name no access.
            _ => (Basis::Role, None, None, None),
        };
        Access {
            user: self.members.id(user).into(),
            rule: d.rule,
            basis: if through.is_some() {
                Basis::Contains
            } else {
                basis
            },
            role,
            level,
            group,
            through: through.map(|a| String::from(self.assets.id(a))),
            reason: self.explain(d),
        }
    }

    /// The members after `cursor`, by user id: the order pages follow.
    fn members_after(&self, cursor: Option<&str>) -> Vec<UserIx> {
        let mut users: Vec<UserIx> = self
            .members
            .iter()
            .map(|(ix, _)| ix)
            .filter(|u| cursor.is_none_or(|c| self.members.id(*u) > c))
            .collect();
        crate::sort::sort_unstable_by(&mut users, |a, b| {
            self.members.id(*a).cmp(self.members.id(*b))
        });
        users
    }

    /// A page of the members for whom `entry` gives an entry, from `cursor`.
    fn page(
        &self,
        cursor: Option<&str>,
        limit: Option<usize>,
        mut entry: impl FnMut(UserIx) -> Option<Access>,
    ) -> AccessPage {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, super::MAX_PAGE);
        let mut members = Vec::new();
        let mut next = None;
        for user in self.members_after(cursor) {
            if let Some(access) = entry(user) {
                if members.len() == limit {
                    // One more exists: this page is not the last.
                    next = members.last().map(|a: &Access| a.user.clone());
                    break;
                }
                members.push(access);
            }
        }
        AccessPage { members, next }
    }

    /// Every member who sees a folder in its workspace's list (W7, W8), with the reason:
    /// those who see every folder, and those who see an asset it holds at any depth.
    fn folder_sight(
        &self,
        user: UserIx,
        ws: WorkspaceIx,
        held: &[AssetIx],
        now: u64,
    ) -> Option<Access> {
        if self.sees_all_folders(user, ws) {
            let d = self.folder_standing(user, ws);
            return Some(self.access(user, &d, None)).map(|mut a| {
                if d.rule == Rule::W7 {
                    a.basis = Basis::Collaboration;
                    a.role = None;
                    a.reason = "every member of a collaboration workspace sees every folder".into();
                }
                a
            });
        }
        held.iter().find_map(|&a| {
            let d = self.decide(user, Operation::View, a, now);
            d.allowed.then(|| self.access(user, &d, Some(a)))
        })
    }

    /// The decision behind seeing every folder: the standing for `view` (O6, W3, R1), or W7 for
    /// a member of a collaboration workspace.
    fn folder_standing(&self, user: UserIx, ws: WorkspaceIx) -> Decision {
        if let Some(member) = self.members.get(user)
            && let crate::authz::Reach::All(ground) = self.reach(member, user, Operation::View, ws)
        {
            return ground.decision();
        }
        Decision::allow(
            Rule::W7,
            Reason::Role(RoleRef::Preset(crate::PresetRole::Visitor)),
        )
    }

    /// The assets a folder holds at any depth, by asset id.
    fn held_by(&self, folder: FolderIx, ws: WorkspaceIx) -> Vec<AssetIx> {
        let Some(w) = self.workspaces.get(ws) else {
            return Vec::new();
        };
        w.assets
            .iter()
            .copied()
            .filter(|a| {
                let mut at = self.assets.get(*a).and_then(|x| x.folder);
                let mut steps = 0usize;
                while let Some(f) = at {
                    if f == folder {
                        return true;
                    }
                    steps += 1;
                    if steps > self.folders.index_bound() {
                        break;
                    }
                    at = self.folders.get(f).and_then(|x| x.parent);
                }
                false
            })
            .collect()
    }
}

impl Engine {
    /// Who may perform `op` on `asset`, and why: one page of members by user id, starting
    /// after `cursor` (a page's `next`), at most `limit` (default 100, at most [`MAX_PAGE`]).
    /// Each entry is the decision `check` gives that member (X1). Asked by those who
    /// administer the asset (A3): its owner, workspace and org admins, permission admins.
    ///
    /// # Errors
    ///
    /// `denied` by P1 for a non-member and by A3 for one who does not administer the asset;
    /// `not_found` for an unknown asset; `invalid` for `create`, which is not about an asset.
    pub fn who_has_access(
        &self,
        actor: &str,
        asset: &str,
        op: Operation,
        cursor: Option<&str>,
        limit: Option<usize>,
        now: u64,
    ) -> Result<AccessPage, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let a = org.asset(asset)?;
        org.require_asset_admin(user, a, now)?;
        if op == Operation::Create {
            return Err(invalid(
                "who has access asks about an operation on an asset, not `create`",
            ));
        }
        Ok(org.page(cursor, limit, |u| {
            let d = org.decide(u, op, a, now);
            d.allowed.then(|| org.access(u, &d, None))
        }))
    }

    /// Who sees `folder` in its workspace's list (W7, W8), and why: those who see every folder
    /// (admins, members of a collaboration workspace), and those who see an asset it holds at
    /// any depth (`through` names the first by id). Paged as [`Engine::who_has_access`]; asked
    /// by those who administer the workspace or authorize centrally (A3).
    ///
    /// # Errors
    ///
    /// As [`Engine::who_has_access`], for an unknown folder.
    pub fn who_sees_folder(
        &self,
        actor: &str,
        folder: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
        now: u64,
    ) -> Result<AccessPage, Refusal> {
        let (org, user) = self.asked_by_member(actor)?;
        let f = org.folder(folder)?;
        let ws =
            org.folders.get(f).map(|x| x.workspace).ok_or_else(|| {
                crate::error::not_found(alloc::format!("unknown folder `{folder}`"))
            })?;
        org.require_folder_admin(user, ws)?;
        let held = org.held_by(f, ws);
        Ok(org.page(cursor, limit, |u| org.folder_sight(u, ws, &held, now)))
    }
}
