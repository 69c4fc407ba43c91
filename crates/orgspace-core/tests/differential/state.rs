//! The engine's state, read from its snapshot into the reference's shape, so the two can be
//! compared after every command; and a short description of where they differ.

use super::reference::{Asset, Folder, Grant, Group, Member, Reference, Role, Workspace};
use orgspace_core::{Snapshot, WorkspaceKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

/// The engine's state (its snapshot) as a `Reference`, or what in it the reference cannot
/// represent.
pub(crate) fn from_snapshot(snap: Option<&Snapshot>) -> Result<Reference, String> {
    let snap = snap.ok_or("the engine holds no organization")?;
    let org = &snap.org;
    let members = org
        .members
        .iter()
        .map(|m| {
            (
                m.user.clone(),
                Member {
                    org_admin: m.roles.iter().any(|r| r == "org_admin"),
                    permission_admin: m.roles.iter().any(|r| r == "permission_admin"),
                },
            )
        })
        .collect();
    let groups = org
        .groups
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                Group {
                    parent: g.parent.clone(),
                    members: g.members.iter().cloned().collect(),
                },
            )
        })
        .collect();
    let mut workspaces = BTreeMap::new();
    let mut folders = BTreeMap::new();
    let mut assets = BTreeMap::new();
    for header in &org.workspaces {
        let part = snap
            .workspaces
            .iter()
            .find(|p| p.id == header.id)
            .ok_or_else(|| format!("no part for workspace `{}`", header.id))?;
        let mut ws_members = BTreeMap::new();
        for m in &part.members {
            let roles: Option<BTreeSet<Role>> = m
                .roles
                .iter()
                .map(|r| match r.as_str() {
                    "admin" => Some(Role::Admin),
                    "developer" => Some(Role::Developer),
                    "analyst" => Some(Role::Analyst),
                    "visitor" => Some(Role::Visitor),
                    _ => None,
                })
                .collect();
            let roles = roles.ok_or_else(|| format!("custom role in `{}`", header.id))?;
            ws_members.insert(m.user.clone(), roles);
        }
        let personal_of = match header.kind {
            WorkspaceKind::Personal => Some(
                header
                    .owner
                    .clone()
                    .ok_or_else(|| format!("personal workspace `{}` without owner", header.id))?,
            ),
            WorkspaceKind::Group => None,
        };
        workspaces.insert(
            header.id.clone(),
            Workspace {
                personal_of,
                mode: header.mode,
                members: ws_members,
            },
        );
        for f in &part.folders {
            folders.insert(
                f.id.clone(),
                Folder {
                    workspace: header.id.clone(),
                    parent: f.parent.clone(),
                    creator: f.created_by.clone(),
                },
            );
        }
        for a in &part.assets {
            let grants = a
                .grants
                .iter()
                .map(|g| {
                    (
                        g.to.clone(),
                        Grant {
                            level: g.level,
                            expires_at: g.expires_at,
                        },
                    )
                })
                .collect();
            assets.insert(
                a.id.clone(),
                Asset {
                    workspace: header.id.clone(),
                    folder: a.folder.clone(),
                    kind: a.kind,
                    owner: a.owner.clone(),
                    public: a.public,
                    grants,
                },
            );
        }
    }
    Ok(Reference {
        members,
        groups,
        workspaces,
        default_workspace: org.default_workspace.clone(),
        folders,
        assets,
    })
}

fn diff_maps<V: PartialEq + Debug>(
    what: &str,
    engine: &BTreeMap<String, V>,
    model: &BTreeMap<String, V>,
    out: &mut Vec<String>,
) {
    let keys: BTreeSet<&String> = engine.keys().chain(model.keys()).collect();
    for k in keys {
        match (engine.get(k), model.get(k)) {
            (Some(a), Some(b)) if a != b => {
                out.push(format!("{what} `{k}`: engine {a:?}, reference {b:?}"));
            }
            (Some(a), None) => out.push(format!("{what} `{k}`: engine {a:?}, reference has none")),
            (None, Some(b)) => out.push(format!("{what} `{k}`: engine has none, reference {b:?}")),
            _ => {}
        }
    }
}

/// Every difference between the two states, one line each.
pub(crate) fn differences(engine: &Reference, model: &Reference) -> Vec<String> {
    let mut out = Vec::new();
    diff_maps("member", &engine.members, &model.members, &mut out);
    diff_maps("group", &engine.groups, &model.groups, &mut out);
    diff_maps("workspace", &engine.workspaces, &model.workspaces, &mut out);
    diff_maps("folder", &engine.folders, &model.folders, &mut out);
    diff_maps("asset", &engine.assets, &model.assets, &mut out);
    if engine.default_workspace != model.default_workspace {
        out.push(format!(
            "default workspace: engine `{}`, reference `{}`",
            engine.default_workspace, model.default_workspace
        ));
    }
    out
}
