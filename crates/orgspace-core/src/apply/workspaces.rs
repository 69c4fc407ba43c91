//! Workspace commands: group workspaces, the default, modes, members and roles (W1-W9, R5).

use super::{Outcome, check_id, check_name};
use crate::command::Target;
use crate::error::{conflict, denied, invalid, invalid_by, not_found};
use crate::event::Event;
use crate::model::{CustomRole, Grantee, MemberRoles, Org, PERSONAL_PREFIX, Workspace};
use crate::roles::{Point, PointTable, PresetRole};
use crate::rule::Rule;
use crate::table::{Table, UserIx, WorkspaceIx};
use crate::vocab::{Mode, OrgPoint, WorkspaceKind};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use hashbrown::HashMap;

impl Org {
    fn ws_member_roles(&self, ws: WorkspaceIx, user: UserIx) -> Option<&MemberRoles> {
        self.workspaces.get(ws)?.members.get(&user)
    }
}

pub(super) fn create_workspace(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    name: &str,
    mode: Mode,
    admins: Option<&[String]>,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)?;
    check_id("workspace", workspace)?;
    check_name("workspace", name)?;
    if workspace.starts_with(PERSONAL_PREFIX) {
        return Err(invalid(format!(
            "`{PERSONAL_PREFIX}` starts only personal workspace ids"
        )));
    }
    if org.workspaces.contains(workspace) {
        return Err(conflict(format!("workspace `{workspace}` already exists")));
    }
    let admins: Vec<UserIx> = match admins {
        None => alloc::vec![actor],
        Some([]) => {
            return Err(invalid_by(
                Rule::W1,
                "a new workspace needs at least one admin",
            ));
        }
        Some(ids) => ids
            .iter()
            .map(|id| org.user(id))
            .collect::<Result<_, _>>()?,
    };
    let ix = org.workspaces.insert(
        workspace,
        Workspace {
            kind: WorkspaceKind::Group,
            name: name.into(),
            mode,
            owner: None,
            members: HashMap::new(),
            roles: Table::default(),
            assets: Vec::new(),
            folders: Vec::new(),
            table_grants: alloc::collections::BTreeMap::new(),
            hot: Vec::new(),
            grant_index: HashMap::new(),
        },
    );
    let mut events = alloc::vec![Event::WorkspaceCreated {
        workspace: workspace.into()
    }];
    for admin in admins {
        if org.ws_member_roles(ix, admin).is_none() {
            org.insert_ws_member(ix, admin, PresetRole::Admin.bit(), Vec::new());
            events.push(Event::WorkspaceMemberAdded {
                workspace: workspace.into(),
                user: org.members.id(admin).into(),
                roles: alloc::vec!["admin".into()],
            });
        }
    }
    Ok(events)
}

pub(super) fn modify_workspace(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    name: &str,
) -> Outcome {
    org.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)?;
    let ix = org.group_workspace(workspace)?;
    check_name("workspace", name)?;
    if let Some(w) = org.workspaces.get_mut(ix) {
        w.name = name.into();
    }
    Ok(alloc::vec![Event::WorkspaceRenamed {
        workspace: workspace.into(),
        name: name.into()
    }])
}

pub(super) fn delete_workspace(org: &mut Org, actor: UserIx, workspace: &str) -> Outcome {
    org.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)?;
    let ix = org.workspace(workspace)?;
    let ws = org
        .workspaces
        .get(ix)
        .ok_or_else(|| not_found(format!("unknown workspace `{workspace}`")))?;
    if ws.kind == WorkspaceKind::Personal {
        return Err(denied(
            Rule::W3,
            format!("personal workspace `{workspace}` cannot be deleted"),
        ));
    }
    if org.default_workspace == Some(ix) {
        return Err(denied(
            Rule::W2,
            format!("`{workspace}` is the default workspace; make another the default first"),
        ));
    }
    if !ws.assets.is_empty() {
        return Err(conflict(format!(
            "workspace `{workspace}` still holds {} assets; delete them first",
            ws.assets.len()
        )));
    }
    let mut members: Vec<UserIx> = ws.members.keys().copied().collect();
    crate::sort::sort_unstable_by(&mut members, |a, b| {
        org.members.id(*a).cmp(org.members.id(*b))
    });
    let removed = org.workspaces.remove(ix);
    for f in removed.map(|w| w.folders).unwrap_or_default() {
        org.folders.remove(f);
    }
    let mut events = alloc::vec![Event::WorkspaceDeleted {
        workspace: workspace.into()
    }];
    for user in members {
        org.keep_in_a_group_workspace(user, &mut events);
    }
    Ok(events)
}

pub(super) fn set_default(org: &mut Org, actor: UserIx, workspace: &str) -> Outcome {
    org.require_point(actor, OrgPoint::ManageWorkspaces, Rule::W1)?;
    let ix = org.workspace(workspace)?;
    if org
        .workspaces
        .get(ix)
        .is_some_and(|w| w.kind == WorkspaceKind::Personal)
    {
        return Err(denied(
            Rule::W2,
            format!("only a group workspace can be the default; `{workspace}` is personal"),
        ));
    }
    if org.default_workspace == Some(ix) {
        return Err(conflict(format!(
            "`{workspace}` is already the default workspace"
        )));
    }
    org.default_workspace = Some(ix);
    Ok(alloc::vec![Event::DefaultWorkspaceSet {
        workspace: workspace.into()
    }])
}

pub(super) fn set_mode(org: &mut Org, actor: UserIx, workspace: &str, mode: Mode) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager_by(actor, ix, Rule::W9)?;
    let ws = org
        .workspaces
        .get_mut(ix)
        .ok_or_else(|| not_found("unknown workspace"))?;
    if ws.mode == mode {
        return Err(conflict(format!(
            "workspace `{workspace}` is already in {mode} mode"
        )));
    }
    ws.mode = mode;
    Ok(alloc::vec![Event::WorkspaceModeSet {
        workspace: workspace.into(),
        mode
    }])
}

pub(super) fn add_member(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    user: &str,
    roles: &[String],
) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager(actor, ix)?;
    let uix = org.user(user)?;
    org.require_not_self_raise(actor, ix, uix)?;
    if org.ws_member_roles(ix, uix).is_some() {
        return Err(conflict(format!(
            "`{user}` is already a member of workspace `{workspace}`"
        )));
    }
    let (presets, custom) = org.parse_ws_roles(ix, roles)?;
    org.require_may_give_ws_roles(actor, ix, presets, &custom)?;
    org.insert_ws_member(ix, uix, presets, custom);
    let roles = org
        .ws_member_roles(ix, uix)
        .map(|r| org.ws_role_ids(ix, r))
        .unwrap_or_default();
    Ok(alloc::vec![Event::WorkspaceMemberAdded {
        workspace: workspace.into(),
        user: user.into(),
        roles
    }])
}

pub(super) fn remove_member(org: &mut Org, actor: UserIx, workspace: &str, user: &str) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager(actor, ix)?;
    let uix = org.user(user)?;
    if org.ws_member_roles(ix, uix).is_none() {
        return Err(not_found(format!(
            "`{user}` is not a member of workspace `{workspace}`"
        )));
    }
    let org_admin = org.member(uix)?.org_admin;
    if !org_admin && org.group_workspaces_of(uix).all(|w| w == ix) && !org.member_elsewhere(user) {
        return Err(denied(
            Rule::O7,
            format!("workspace `{workspace}` is the only group workspace of `{user}`"),
        ));
    }
    let mut events = Vec::new();
    let assets = org
        .workspaces
        .get(ix)
        .map(|w| w.assets.clone())
        .unwrap_or_default();
    let grantee = Grantee::User(uix);
    for aix in assets {
        let had = org.change_grants(aix, |grants| {
            let before = grants.len();
            grants.retain(|g| g.to != grantee);
            grants.len() != before
        });
        if had == Some(true) {
            events.push(Event::GrantRemoved {
                workspace: workspace.into(),
                asset: org.assets.id(aix).into(),
                target: Target::User(user.into()),
            });
        }
    }
    if let Some(w) = org.workspaces.get_mut(ix) {
        w.members.remove(&uix);
    }
    events.push(Event::WorkspaceMemberRemoved {
        workspace: workspace.into(),
        user: user.into(),
    });
    Ok(events)
}

pub(super) fn set_roles(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    user: &str,
    roles: &[String],
) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager(actor, ix)?;
    let uix = org.user(user)?;
    org.require_not_self_raise(actor, ix, uix)?;
    if org.ws_member_roles(ix, uix).is_none() {
        return Err(not_found(format!(
            "`{user}` is not a member of workspace `{workspace}`"
        )));
    }
    let (presets, custom) = org.parse_ws_roles(ix, roles)?;
    org.require_may_give_ws_roles(actor, ix, presets, &custom)?;
    org.insert_ws_member(ix, uix, presets, custom);
    let roles = org
        .ws_member_roles(ix, uix)
        .map(|r| org.ws_role_ids(ix, r))
        .unwrap_or_default();
    Ok(alloc::vec![Event::WorkspaceRolesSet {
        workspace: workspace.into(),
        user: user.into(),
        roles
    }])
}

pub(super) fn define_role(
    org: &mut Org,
    actor: UserIx,
    workspace: &str,
    role: &str,
    name: &str,
    points: &[Point],
) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager_by(actor, ix, Rule::R5)?;
    check_id("role", role)?;
    check_name("role", name)?;
    if PresetRole::parse(role).is_some() {
        return Err(denied(
            Rule::R5,
            format!("`{role}` is a preset role and cannot be edited"),
        ));
    }
    let mut points = points.to_vec();
    crate::sort::sort_unstable(&mut points);
    points.dedup();
    let table = PointTable::from_points(&points);
    let Some(ws) = org.workspaces.get_mut(ix) else {
        return Err(not_found("unknown workspace"));
    };
    let rix = ws.roles.insert(
        role,
        CustomRole {
            name: name.into(),
            points,
            table,
        },
    );
    // Holders' permissions follow the role's new points (W6).
    let holders: Vec<UserIx> = ws
        .members
        .iter()
        .filter(|(_, r)| r.custom.contains(&rix))
        .map(|(u, _)| *u)
        .collect();
    for user in holders {
        if let Some(roles) = ws.members.get(&user) {
            let table = Org::role_table(ws, roles.presets, &roles.custom);
            if let Some(roles) = ws.members.get_mut(&user) {
                roles.table = table;
            }
        }
    }
    Ok(alloc::vec![Event::WorkspaceRoleDefined {
        workspace: workspace.into(),
        role: role.into()
    }])
}

pub(super) fn delete_role(org: &mut Org, actor: UserIx, workspace: &str, role: &str) -> Outcome {
    let ix = org.group_workspace(workspace)?;
    org.require_ws_manager_by(actor, ix, Rule::R5)?;
    if PresetRole::parse(role).is_some() {
        return Err(denied(
            Rule::R5,
            format!("`{role}` is a preset role and cannot be deleted"),
        ));
    }
    let Some(ws) = org.workspaces.get_mut(ix) else {
        return Err(not_found("unknown workspace"));
    };
    let rix = ws
        .roles
        .find(role)
        .ok_or_else(|| not_found(format!("unknown role `{role}` in workspace `{workspace}`")))?;
    let holders = ws
        .members
        .values()
        .filter(|r| r.custom.contains(&rix))
        .count();
    if holders > 0 {
        return Err(denied(
            Rule::R5,
            format!("role `{role}` is held by {holders} members"),
        ));
    }
    ws.roles.remove(rix);
    let name: String = role.into();
    Ok(alloc::vec![Event::WorkspaceRoleDeleted {
        workspace: workspace.into(),
        role: name
    }])
}
