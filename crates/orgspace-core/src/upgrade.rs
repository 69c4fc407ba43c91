//! U1: upgrading an organization without workspaces into the workspace model.
//!
//! The upgrade writes the new state as a snapshot and loads it, so the result passes every
//! check a snapshot does (X5, D1) or the upgrade is refused with the full list of problems.

use crate::apply::members::personal_id;
use crate::apply::{check_id, check_name};
use crate::command::LegacyOrg;
use crate::data::TableGrantDef;
use crate::error::{Refusal, denied, invalid, invalid_by};
use crate::model::{Org, PERSONAL_PREFIX};
use crate::rule::Rule;
use crate::snapshot::{
    FORMAT, MemberDoc, OrgPart, Snapshot, WorkspaceHeader, WorkspaceMemberDoc, WorkspacePart,
};
use crate::vocab::{Mode, WorkspaceKind};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Builds the upgraded organization. `actor` must be one of its administrators.
pub(crate) fn upgrade(actor: &str, legacy: &LegacyOrg) -> Result<Org, Refusal> {
    crate::membership::check_org_id(&legacy.org)?;
    check_name("organization", &legacy.name)?;
    check_id("workspace", &legacy.default_workspace)?;
    if legacy.default_workspace.starts_with(PERSONAL_PREFIX) {
        return Err(invalid(format!(
            "`{PERSONAL_PREFIX}` starts only personal workspace ids"
        )));
    }
    if !legacy.users.iter().any(|u| u.user == actor && u.admin) {
        return Err(denied(
            Rule::U1,
            format!(
                "only an administrator of `{}` upgrades it; `{actor}` is not one",
                legacy.org
            ),
        ));
    }

    let mut users = legacy.users.clone();
    crate::sort::sort_by(&mut users, |a, b| a.user.cmp(&b.user));
    let members = users
        .iter()
        .map(|u| MemberDoc {
            user: u.user.clone(),
            // Every administrator becomes an org admin (U1).
            roles: if u.admin {
                alloc::vec!["org_admin".into()]
            } else {
                Vec::new()
            },
            attributes: u.attributes.clone(),
            // Recomputed by the loader of the whole organization.
            reach: 0,
        })
        .collect();
    // Every other user joins the default workspace, keeping their roles (U1, O7).
    let default_members = users
        .iter()
        .filter(|u| !u.admin)
        .map(|u| WorkspaceMemberDoc {
            user: u.user.clone(),
            roles: if u.roles.is_empty() {
                alloc::vec!["visitor".into()]
            } else {
                u.roles.clone()
            },
        })
        .collect();

    let mut headers: Vec<WorkspaceHeader> = users
        .iter()
        .map(|u| WorkspaceHeader {
            id: personal_id(&u.user),
            kind: WorkspaceKind::Personal,
            name: format!("{}'s workspace", u.user),
            mode: Mode::Private,
            owner: Some(u.user.clone()),
        })
        .collect();
    headers.push(WorkspaceHeader {
        id: legacy.default_workspace.clone(),
        kind: WorkspaceKind::Group,
        name: legacy
            .default_workspace_name
            .clone()
            .unwrap_or_else(|| "Default".into()),
        // Workspaces from before modes existed keep showing everything (seed 002).
        mode: Mode::Collaboration,
        owner: None,
    });
    crate::sort::sort_by(&mut headers, |a, b| a.id.cmp(&b.id));

    let mut sources = legacy.data_sources.clone();
    crate::sort::sort_by(&mut sources, |a, b| a.id.cmp(&b.id));
    // The default workspace is granted every table of every data source (U1).
    let table_grants = sources
        .iter()
        .flat_map(|s| {
            s.tables.iter().map(|t| TableGrantDef {
                source: s.id.clone(),
                table: t.name.clone(),
                columns: None,
                rows: None,
            })
        })
        .collect();

    let mut groups = legacy.groups.clone();
    crate::sort::sort_by(&mut groups, |a, b| a.id.cmp(&b.id));
    let mut folders = legacy.folders.clone();
    crate::sort::sort_by(&mut folders, |a, b| a.id.cmp(&b.id));
    let mut assets = legacy.assets.clone();
    crate::sort::sort_by(&mut assets, |a, b| a.id.cmp(&b.id));

    let mut parts: Vec<WorkspacePart> = users
        .iter()
        .map(|u| WorkspacePart {
            id: personal_id(&u.user),
            members: Vec::new(),
            roles: Vec::new(),
            folders: Vec::new(),
            assets: Vec::new(),
            table_grants: Vec::new(),
        })
        .collect();
    parts.push(WorkspacePart {
        id: legacy.default_workspace.clone(),
        members: default_members,
        roles: Vec::new(),
        folders,
        assets,
        table_grants,
    });
    crate::sort::sort_by(&mut parts, |a, b| a.id.cmp(&b.id));

    let snapshot = Snapshot {
        format: FORMAT,
        org: OrgPart {
            id: legacy.org.clone(),
            name: legacy.name.clone(),
            version: 0,
            default_workspace: legacy.default_workspace.clone(),
            members,
            org_roles: Vec::new(),
            groups,
            workspaces: headers,
            data_sources: sources,
        },
        workspaces: parts,
        audit: Vec::new(),
        view_of: None,
        listing: None,
    };
    Org::load(&snapshot, false).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("{p}")).collect();
        invalid_by(
            Rule::U1,
            format!("the organization cannot be upgraded: {}", list.join("; ")),
        )
    })
}
