//! Organization commands: the organization itself, its members, their roles and attributes,
//! and custom organization roles (O1-O8, X3).

use super::{Outcome, check_id, check_name};
use crate::error::{Keyed, Refusal, conflict, denied, invalid, invalid_by, not_found};
use crate::event::Event;
use crate::model::{CustomOrgRole, Member, MemberRoles, Org, PERSONAL_PREFIX, Workspace};
use crate::roles::PresetRole;
use crate::rule::Rule;
use crate::table::{OrgRoleIx, Table, UserIx, WorkspaceIx};
use crate::vocab::{Mode, OrgPoint, WorkspaceKind};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use hashbrown::HashMap;

/// Parsed organization roles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrgRoles {
    pub admin: bool,
    pub permission_admin: bool,
    pub custom: Vec<OrgRoleIx>,
}

/// The id of a member's personal workspace.
pub(crate) fn personal_id(user: &str) -> String {
    format!("{PERSONAL_PREFIX}{user}")
}

impl Org {
    pub(crate) fn parse_org_roles(&self, roles: &[String]) -> Result<OrgRoles, Refusal> {
        let mut out = OrgRoles::default();
        for id in roles {
            match id.as_str() {
                "org_admin" => out.admin = true,
                "permission_admin" => out.permission_admin = true,
                "member" => {}
                other => {
                    let ix = self
                        .org_roles
                        .find(other)
                        .ok_or_else(|| not_found(format!("unknown organization role `{other}`")))?;
                    crate::model::insert_sorted(&mut out.custom, ix);
                }
            }
        }
        Ok(out)
    }

    /// Adds a member and their personal workspace (W3). The caller has validated everything.
    pub(crate) fn insert_member(
        &mut self,
        user: &str,
        roles: OrgRoles,
        attributes: BTreeMap<String, Vec<String>>,
    ) -> UserIx {
        let personal_id = personal_id(user);
        let member = Member {
            org_admin: roles.admin,
            permission_admin: roles.permission_admin,
            custom_roles: roles.custom,
            personal: WorkspaceIx(0),
            groups: Vec::new(),
            effective_groups: Vec::new(),
            attributes,
        };
        let ix = self.members.insert(user, member);
        let personal = self.workspaces.insert(
            &personal_id,
            Workspace {
                kind: WorkspaceKind::Personal,
                name: format!("{user}'s workspace"),
                mode: Mode::Private,
                owner: Some(ix),
                members: HashMap::new(),
                roles: Table::default(),
                assets: Vec::new(),
                folders: Vec::new(),
                table_grants: BTreeMap::new(),
                hot: Vec::new(),
                grant_index: HashMap::new(),
            },
        );
        if let Some(m) = self.members.get_mut(ix) {
            m.personal = personal;
        }
        ix
    }

    /// Puts a member into a group workspace with roles (the caller validated them).
    pub(crate) fn insert_ws_member(
        &mut self,
        ws: WorkspaceIx,
        user: UserIx,
        presets: u8,
        custom: Vec<crate::table::RoleIx>,
    ) {
        if let Some(w) = self.workspaces.get_mut(ws) {
            let table = Org::role_table(w, presets, &custom);
            w.members.insert(
                user,
                MemberRoles {
                    presets,
                    custom,
                    table,
                },
            );
        }
    }

    /// O7 after a change: a member who is not an org admin and belongs to no group workspace
    /// joins the default workspace as visitor.
    pub(crate) fn keep_in_a_group_workspace(&mut self, user: UserIx, events: &mut Vec<Event>) {
        let needs = self.members.get(user).is_some_and(|m| !m.org_admin)
            && self.group_workspaces_of(user).next().is_none()
            && !self.member_elsewhere(self.members.id(user));
        if let (true, Some(default)) = (needs, self.default_workspace) {
            self.insert_ws_member(default, user, PresetRole::Visitor.bit(), Vec::new());
            events.push(Event::WorkspaceMemberAdded {
                workspace: self.workspaces.id(default).into(),
                user: self.members.id(user).into(),
                roles: alloc::vec!["visitor".into()],
            });
        }
    }
}

/// Most attributes one member holds. Attributes live in the org part, which every edge reader
/// loads: without caps, one member's attributes could make it larger than storage takes.
pub const MAX_ATTRIBUTES: usize = 64;
/// Most values one attribute holds.
pub const MAX_ATTRIBUTE_VALUES: usize = 64;
/// Most bytes of one member's attributes, keys and values together.
pub const MAX_ATTRIBUTE_BYTES: usize = 16 * 1024;

/// D2's user attributes: ids as keys, non-empty values no longer than ids, and the caps above.
pub(crate) fn check_attributes(attributes: &BTreeMap<String, Vec<String>>) -> Result<(), Refusal> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(invalid(format!(
            "a member holds at most {MAX_ATTRIBUTES} attributes"
        )));
    }
    let mut bytes = 0usize;
    for (key, values) in attributes {
        check_id("attribute", key)?;
        if values.len() > MAX_ATTRIBUTE_VALUES {
            return Err(invalid(format!(
                "attribute `{key}` has more than {MAX_ATTRIBUTE_VALUES} values"
            )));
        }
        for value in values {
            if value.is_empty() {
                return Err(invalid(format!("attribute `{key}` has an empty value")));
            }
            if value.len() > crate::apply::MAX_ID_LEN {
                return Err(invalid(format!(
                    "a value of attribute `{key}` is longer than {} bytes",
                    crate::apply::MAX_ID_LEN
                )));
            }
            bytes += value.len();
        }
        bytes += key.len();
    }
    if bytes > MAX_ATTRIBUTE_BYTES {
        return Err(invalid(format!(
            "a member's attributes take at most {MAX_ATTRIBUTE_BYTES} bytes"
        )));
    }
    Ok(())
}

pub(super) fn rename_org(org: &mut Org, actor: UserIx, name: &str) -> Outcome {
    org.require_org_admin(actor, Rule::O3, "manage the organization")?;
    check_name("organization", name)?;
    org.name = name.into();
    Ok(alloc::vec![Event::OrgRenamed { name: name.into() }])
}

pub(super) fn add_member(
    org: &mut Org,
    actor: UserIx,
    user: &str,
    org_roles: &[String],
    workspace: Option<&str>,
    workspace_roles: &[String],
    attributes: &BTreeMap<String, Vec<String>>,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
    check_id("user", user)?;
    check_attributes(attributes)?;
    if org.members.contains(user) {
        return Err(conflict(format!("`{user}` is already a member")));
    }
    if org.workspaces.contains(&personal_id(user)) {
        return Err(conflict(format!(
            "workspace `{}` already exists",
            personal_id(user)
        )));
    }
    let roles = org.parse_org_roles(org_roles)?;
    org.require_may_assign(actor, &roles)?;
    let ws = match workspace {
        Some(id) => {
            let ws = org.group_workspace(id)?;
            org.require_ws_manager(actor, ws)?;
            Some(ws)
        }
        None if roles.admin && workspace_roles.is_empty() => None,
        None => org.default_workspace,
    };
    let ws_roles = match ws {
        Some(_) if workspace_roles.is_empty() => (PresetRole::Visitor.bit(), Vec::new()),
        Some(ws) => org.parse_ws_roles(ws, workspace_roles)?,
        None => (0, Vec::new()),
    };
    // X3, W1: roles named for a workspace are given by the actor; O7's visitor seat in the
    // default workspace is every new member's.
    if let (Some(ws), true) = (ws, workspace.is_some() || !workspace_roles.is_empty()) {
        org.require_may_give_ws_roles(actor, ws, ws_roles.0, &ws_roles.1)?;
    }

    let ix = org.insert_member(user, roles, attributes.clone());
    let mut events = alloc::vec![Event::MemberAdded {
        user: user.into(),
        personal_workspace: personal_id(user)
    }];
    if let Some(ws) = ws {
        org.insert_ws_member(ws, ix, ws_roles.0, ws_roles.1);
        let roles = org
            .workspaces
            .get(ws)
            .and_then(|w| w.members.get(&ix))
            .map(|r| org.ws_role_ids(ws, r))
            .unwrap_or_default();
        events.push(Event::WorkspaceMemberAdded {
            workspace: org.workspaces.id(ws).into(),
            user: user.into(),
            roles,
        });
    }
    Ok(events)
}

pub(super) fn set_org_roles(org: &mut Org, actor: UserIx, user: &str, roles: &[String]) -> Outcome {
    org.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
    let target = org.user(user)?;
    let parsed = org.parse_org_roles(roles)?;
    org.require_not_stronger(actor, target)?;
    org.require_may_assign(actor, &parsed)?;
    let was_admin = org.member(target)?.org_admin;
    if was_admin && !parsed.admin && org.org_admin_count() <= 1 {
        return Err(denied(Rule::O5, format!("`{user}` is the last org admin")));
    }
    let mut events = Vec::new();
    if let Some(m) = org.members.get_mut(target) {
        m.org_admin = parsed.admin;
        m.permission_admin = parsed.permission_admin;
        m.custom_roles = parsed.custom;
    }
    events.push(Event::OrgRolesSet {
        user: user.into(),
        roles: org.org_role_ids(target),
    });
    org.keep_in_a_group_workspace(target, &mut events);
    Ok(events)
}

pub(super) fn set_attributes(
    org: &mut Org,
    actor: UserIx,
    user: &str,
    attributes: &BTreeMap<String, Vec<String>>,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
    let target = org.user(user)?;
    org.require_not_own_attributes(actor, target, user)?;
    check_attributes(attributes)?;
    if let Some(m) = org.members.get_mut(target) {
        m.attributes = attributes.clone();
    }
    Ok(alloc::vec![Event::AttributesSet { user: user.into() }])
}

pub(super) fn define_org_role(
    org: &mut Org,
    actor: UserIx,
    role: &str,
    name: &str,
    points: &[OrgPoint],
) -> Outcome {
    org.require_org_admin(actor, Rule::O2, "define organization roles")?;
    check_id("role", role)?;
    check_name("role", name)?;
    if matches!(role, "org_admin" | "permission_admin" | "member") {
        return Err(denied(
            Rule::O2,
            format!("`{role}` is a preset organization role and cannot be redefined"),
        ));
    }
    let mut points = points.to_vec();
    crate::sort::sort_unstable(&mut points);
    points.dedup();
    org.org_roles.insert(
        role,
        CustomOrgRole {
            name: name.into(),
            points,
        },
    );
    Ok(alloc::vec![Event::OrgRoleDefined { role: role.into() }])
}

pub(super) fn delete_org_role(org: &mut Org, actor: UserIx, role: &str) -> Outcome {
    org.require_org_admin(actor, Rule::O2, "delete organization roles")?;
    if matches!(role, "org_admin" | "permission_admin" | "member") {
        return Err(denied(
            Rule::O2,
            format!("`{role}` is a preset organization role and cannot be deleted"),
        ));
    }
    let ix = org
        .org_roles
        .find(role)
        .ok_or_else(|| not_found(format!("unknown organization role `{role}`")))?;
    let holders = org
        .members
        .iter()
        .filter(|(_, m)| m.custom_roles.contains(&ix))
        .count();
    if holders > 0 {
        return Err(denied(
            Rule::O2,
            format!("organization role `{role}` is held by {holders} members"),
        ));
    }
    org.org_roles.remove(ix);
    Ok(alloc::vec![Event::OrgRoleDeleted { role: role.into() }])
}

pub(super) fn remove_member(
    org: &mut Org,
    actor: UserIx,
    user: &str,
    new_owner: Option<&str>,
    at: u64,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageMembers, Rule::O3)?;
    let target = org.user(user)?;
    let Some(new_owner) = new_owner else {
        return Err(invalid_by(
            Rule::O8,
            format!("removing `{user}` names a new owner for everything they own"),
        ));
    };
    let heir = org.user(new_owner)?;
    if heir == target {
        return Err(invalid(format!(
            "`{user}` cannot hand their assets over to themselves"
        )));
    }
    org.require_not_stronger(actor, target)?;
    let member = org.member(target)?;
    if member.org_admin && org.org_admin_count() <= 1 {
        return Err(denied(Rule::O5, format!("`{user}` is the last org admin")));
    }
    let personal = member.personal;
    let heir_personal = org.member(heir)?.personal;

    let owned = org
        .hand_over_checks(actor, target, heir, personal, at)
        .map_err(|k| k.refusal)?;

    let mut events = Vec::new();
    for (ix, ws, _) in owned {
        let to_ws = if ws == personal { heir_personal } else { ws };
        org.change_owner(ix, heir, to_ws, &mut events);
    }
    // Grants to the member go with them.
    let user_grantee = crate::model::Grantee::User(target);
    for (ix, ws) in org.drop_grants_to(user_grantee) {
        events.push(Event::GrantRemoved {
            workspace: org.workspaces.id(ws).into(),
            asset: org.assets.id(ix).into(),
            target: crate::command::Target::User(user.into()),
        });
    }
    for (_, group) in org.groups.iter_mut() {
        crate::model::remove_sorted(&mut group.members, &target);
    }
    for (_, folder) in org.folders.iter_mut() {
        if folder.created_by == target {
            folder.created_by = heir;
        }
    }
    // In workspace id order: the events do not depend on the order workspaces were created or
    // loaded in (a writer holding some parts runs this too).
    let mut ws_ixs: Vec<WorkspaceIx> = org.group_workspaces_of(target).collect();
    crate::sort::sort_by(&mut ws_ixs, |a, b| {
        org.workspaces.id(*a).cmp(org.workspaces.id(*b))
    });
    for ws in ws_ixs {
        if let Some(w) = org.workspaces.get_mut(ws) {
            w.members.remove(&target);
        }
        events.push(Event::WorkspaceMemberRemoved {
            workspace: org.workspaces.id(ws).into(),
            user: user.into(),
        });
    }
    if let Some(ws) = org.workspaces.remove(personal) {
        for f in ws.folders {
            org.folders.remove(f);
        }
    }
    // Row and column rules targeting them go with them (O8).
    org.forget_in_rules(Some(user), None);
    org.members.remove(target);
    events.push(Event::MemberRemoved {
        user: user.into(),
        new_owner: new_owner.into(),
    });
    events.push(Event::WorkspaceDeleted {
        workspace: personal_id(user),
    });
    Ok(events)
}

impl Org {
    /// O8 and X3 for a member removal, before anything changes: the assets the member owns,
    /// in asset id order, each one the actor may hand over and the heir may own; then the
    /// folders they made in group workspaces, each one the actor may change. A refusal carries
    /// its place in that order, so that a host checking some parts at a time (`span.rs`) finds
    /// the refusal the whole organization gives.
    pub(crate) fn hand_over_checks(
        &self,
        actor: UserIx,
        target: UserIx,
        heir: UserIx,
        personal: WorkspaceIx,
        at: u64,
    ) -> Result<Vec<(crate::table::AssetIx, WorkspaceIx, crate::vocab::Kind)>, Keyed> {
        // In asset id order, so the refusal and the events do not depend on the order assets
        // were created or loaded in.
        let mut owned: Vec<_> = self
            .assets
            .iter()
            .filter(|(_, a)| a.owner == target)
            .map(|(ix, a)| (ix, a.workspace, a.kind))
            .collect();
        crate::sort::sort_by(&mut owned, |a, b| {
            self.assets.id(a.0).cmp(self.assets.id(b.0))
        });
        for &(ix, ws, kind) in &owned {
            self.require_hand_over(actor, heir, ix, ws, kind, personal, at)
                .map_err(|refusal| Keyed::at(0, self.assets.id(ix), refusal))?;
        }
        // The folders they made in group workspaces pass to the heir, and with them the
        // creator's right to change them: X3 again, only folders the remover may change
        // themselves.
        let mut made: Vec<_> = self
            .folders
            .iter()
            .filter(|(_, f)| f.created_by == target && f.workspace != personal)
            .map(|(ix, _)| ix)
            .collect();
        crate::sort::sort_by(&mut made, |a, b| {
            self.folders.id(*a).cmp(self.folders.id(*b))
        });
        for f in made {
            if self.may_change_folder(actor, f).is_err() {
                let refusal = denied(
                    Rule::X3,
                    format!(
                        "`{}` may not change folder `{}`, so cannot hand it over",
                        self.members.id(actor),
                        self.folders.id(f)
                    ),
                );
                return Err(Keyed::at(1, self.folders.id(f), refusal));
            }
        }
        Ok(owned)
    }
}

impl Org {
    /// O8 for one asset of a removed member: the hand-over is a transfer the actor makes, so
    /// the actor must be able to transfer the asset (X3: nobody hands over what they could not
    /// give away themselves, so a member manager does not name himself heir to assets he could
    /// not see), and the heir must be able to own it: in a group workspace a member of it (W4)
    /// whose roles create the kind (O8, A6); a personal workspace's assets go to the heir's.
    #[expect(
        clippy::too_many_arguments,
        reason = "the plan's tuple spelled out, so the caller keeps its single sort"
    )]
    fn require_hand_over(
        &self,
        actor: UserIx,
        heir: UserIx,
        ix: crate::table::AssetIx,
        ws: WorkspaceIx,
        kind: crate::vocab::Kind,
        personal: WorkspaceIx,
        at: u64,
    ) -> Result<(), Refusal> {
        let asset = self.assets.id(ix);
        let wid = self.workspaces.id(ws);
        if !self
            .decide(actor, crate::vocab::Operation::Transfer, ix, at)
            .allowed
        {
            return Err(denied(
                Rule::X3,
                format!(
                    "`{}` may not transfer {kind} `{asset}` in workspace `{wid}`, so cannot hand it over",
                    self.members.id(actor)
                ),
            ));
        }
        if ws == personal {
            return Ok(());
        }
        let heir_id = self.members.id(heir);
        let member = self
            .workspaces
            .get(ws)
            .is_some_and(|w| w.members.contains_key(&heir));
        if !member {
            return Err(denied(
                Rule::W4,
                format!("`{heir_id}` is not a member of workspace `{wid}`, which holds `{asset}`"),
            ));
        }
        if !self.role_permits(heir, ws, kind, crate::vocab::Operation::Create) {
            return Err(denied(
                Rule::O8,
                format!("`{heir_id}` may not own {kind} `{asset}` in workspace `{wid}`"),
            ));
        }
        Ok(())
    }

    /// The ids of a member's organization roles.
    pub(crate) fn org_role_ids(&self, user: UserIx) -> Vec<String> {
        let Some(m) = self.members.get(user) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if m.org_admin {
            out.push("org_admin".into());
        }
        if m.permission_admin {
            out.push("permission_admin".into());
        }
        let mut custom: Vec<String> = m
            .custom_roles
            .iter()
            .map(|r| self.org_roles.id(*r).into())
            .collect();
        crate::sort::sort(&mut custom);
        out.extend(custom);
        out
    }
}
