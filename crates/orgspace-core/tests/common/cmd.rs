//! Short constructors for the commands the tests run most.

use super::strings;
use orgspace_core::{Command, Kind, Level, Mode, Target};

/// `add_member` into `workspace` (or the default one) with workspace roles.
pub fn add_member(user: &str, workspace: Option<&str>, roles: &[&str]) -> Command {
    Command::AddMember {
        user: user.into(),
        org_roles: vec![],
        workspace: workspace.map(Into::into),
        workspace_roles: strings(roles),
        attributes: Default::default(),
    }
}

/// `remove_member`, handing everything to `new_owner`.
pub fn remove_member(user: &str, new_owner: &str) -> Command {
    Command::RemoveMember {
        user: user.into(),
        new_owner: Some(new_owner.into()),
    }
}

/// `set_org_roles`.
pub fn set_org_roles(user: &str, roles: &[&str]) -> Command {
    Command::SetOrgRoles {
        user: user.into(),
        roles: strings(roles),
    }
}

/// `create_workspace`, with the actor as admin unless `admins` is given.
pub fn create_workspace(id: &str, mode: Mode, admins: Option<&[&str]>) -> Command {
    Command::CreateWorkspace {
        workspace: id.into(),
        name: format!("Workspace {id}"),
        mode,
        admins: admins.map(strings),
    }
}

/// `add_workspace_member`.
pub fn join(workspace: &str, user: &str, roles: &[&str]) -> Command {
    Command::AddWorkspaceMember {
        workspace: workspace.into(),
        user: user.into(),
        roles: strings(roles),
    }
}

/// `set_workspace_roles`.
pub fn set_roles(workspace: &str, user: &str, roles: &[&str]) -> Command {
    Command::SetWorkspaceRoles {
        workspace: workspace.into(),
        user: user.into(),
        roles: strings(roles),
    }
}

/// `create_folder`.
pub fn create_folder(id: &str, workspace: &str, parent: Option<&str>) -> Command {
    Command::CreateFolder {
        folder: id.into(),
        workspace: workspace.into(),
        name: format!("Folder {id}"),
        parent: parent.map(Into::into),
    }
}

/// `create_asset`.
pub fn create_asset(
    id: &str,
    workspace: &str,
    kind: Kind,
    folder: Option<&str>,
    references: &[&str],
) -> Command {
    Command::CreateAsset {
        asset: id.into(),
        workspace: workspace.into(),
        kind,
        name: format!("Asset {id}"),
        folder: folder.map(Into::into),
        references: strings(references),
    }
}

/// `modify_asset` renaming it.
pub fn rename(asset: &str) -> Command {
    Command::ModifyAsset {
        asset: asset.into(),
        name: Some(format!("{asset} renamed")),
        references: None,
    }
}

/// `delete_asset`.
pub fn delete(asset: &str) -> Command {
    Command::DeleteAsset {
        asset: asset.into(),
    }
}

/// A grant target naming a user.
pub fn user(id: &str) -> Target {
    Target::User(id.into())
}

/// A grant target naming a group.
pub fn group(id: &str) -> Target {
    Target::Group(id.into())
}

/// `grant` without expiry.
pub fn grant(asset: &str, to: Target, level: Level) -> Command {
    Command::Grant {
        asset: asset.into(),
        target: to,
        level,
        expires_at: None,
    }
}

/// `grant` that expires at `expires_at`.
pub fn grant_until(asset: &str, to: Target, level: Level, expires_at: u64) -> Command {
    Command::Grant {
        asset: asset.into(),
        target: to,
        level,
        expires_at: Some(expires_at),
    }
}

/// `revoke`.
pub fn revoke(asset: &str, to: Target) -> Command {
    Command::Revoke {
        asset: asset.into(),
        target: to,
    }
}

/// `share` with users at a level (view when `None`).
pub fn share(asset: &str, with: &[&str], level: Option<Level>) -> Command {
    Command::Share {
        asset: asset.into(),
        with: with.iter().map(|u| user(u)).collect(),
        level,
        expires_at: None,
    }
}

/// `set_public`.
pub fn set_public(asset: &str, public: bool) -> Command {
    Command::SetPublic {
        asset: asset.into(),
        public,
    }
}

/// `transfer_ownership`.
pub fn transfer(asset: &str, to: &str) -> Command {
    Command::TransferOwnership {
        asset: asset.into(),
        to: to.into(),
    }
}

/// `create_group`.
pub fn create_group(id: &str, parent: Option<&str>) -> Command {
    Command::CreateGroup {
        group: id.into(),
        name: format!("Group {id}"),
        parent: parent.map(Into::into),
    }
}

/// `add_group_member`.
pub fn add_to_group(group: &str, user: &str) -> Command {
    Command::AddGroupMember {
        group: group.into(),
        user: user.into(),
    }
}

/// `set_workspace_mode`.
pub fn set_mode(workspace: &str, mode: Mode) -> Command {
    Command::SetWorkspaceMode {
        workspace: workspace.into(),
        mode,
    }
}
