//! Command handlers. Each one resolves its ids, authorizes the actor, checks every rule, and
//! only then changes the state, so that a refused command changes nothing (X2).
//!
//! INVARIANT: no handler mutates `Org` before its last fallible step.

mod assets;
pub(crate) mod data;
pub(crate) mod folders;
mod groups;
pub(crate) mod members;
mod workspaces;

use crate::command::{Command, Target};
use crate::error::{Refusal, denied, invalid, invalid_by, not_found};
use crate::event::Event;
use crate::model::{Grantee, Member, MemberRoles, Org};
use crate::roles::PresetRole;
use crate::rule::Rule;
use crate::table::{AssetIx, FolderIx, GroupIx, RoleIx, UserIx, WorkspaceIx};
use crate::vocab::WorkspaceKind;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// Longest display name accepted, in bytes.
pub const MAX_NAME_LEN: usize = 1024;

pub(crate) type Outcome = Result<Vec<Event>, Refusal>;

/// Runs a command other than `create_org` against an existing organization.
pub(crate) fn execute(org: &mut Org, actor: UserIx, cmd: &Command, at: u64) -> Outcome {
    match cmd {
        Command::CreateOrg { .. } => Err(crate::error::conflict(format!(
            "organization `{}` already exists",
            org.id
        ))),
        Command::RenameOrg { name } => members::rename_org(org, actor, name),
        Command::AddMember {
            user,
            org_roles,
            workspace,
            workspace_roles,
            attributes,
        } => members::add_member(
            org,
            actor,
            user,
            org_roles,
            workspace.as_deref(),
            workspace_roles,
            attributes,
        ),
        Command::RemoveMember { user, new_owner } => {
            members::remove_member(org, actor, user, new_owner.as_deref(), at)
        }
        Command::SetOrgRoles { user, roles } => members::set_org_roles(org, actor, user, roles),
        Command::SetAttributes { user, attributes } => {
            members::set_attributes(org, actor, user, attributes)
        }
        Command::DefineOrgRole { role, name, points } => {
            members::define_org_role(org, actor, role, name, points)
        }
        Command::DeleteOrgRole { role } => members::delete_org_role(org, actor, role),
        Command::CreateGroup {
            group,
            name,
            parent,
        } => groups::create_group(org, actor, group, name, parent.as_deref()),
        Command::DeleteGroup { group } => groups::delete_group(org, actor, group, at),
        Command::AddGroupMember { group, user } => {
            groups::add_group_member(org, actor, group, user, at)
        }
        Command::RemoveGroupMember { group, user } => {
            groups::remove_group_member(org, actor, group, user, at)
        }
        Command::CreateWorkspace {
            workspace,
            name,
            mode,
            admins,
        } => workspaces::create_workspace(org, actor, workspace, name, *mode, admins.as_deref()),
        Command::ModifyWorkspace { workspace, name } => {
            workspaces::modify_workspace(org, actor, workspace, name)
        }
        Command::DeleteWorkspace { workspace } => {
            workspaces::delete_workspace(org, actor, workspace)
        }
        Command::SetDefaultWorkspace { workspace } => {
            workspaces::set_default(org, actor, workspace)
        }
        Command::SetWorkspaceMode { workspace, mode } => {
            workspaces::set_mode(org, actor, workspace, *mode)
        }
        Command::AddWorkspaceMember {
            workspace,
            user,
            roles,
        } => workspaces::add_member(org, actor, workspace, user, roles),
        Command::RemoveWorkspaceMember { workspace, user } => {
            workspaces::remove_member(org, actor, workspace, user)
        }
        Command::SetWorkspaceRoles {
            workspace,
            user,
            roles,
        } => workspaces::set_roles(org, actor, workspace, user, roles),
        Command::DefineWorkspaceRole {
            workspace,
            role,
            name,
            points,
        } => workspaces::define_role(org, actor, workspace, role, name, points),
        Command::DeleteWorkspaceRole { workspace, role } => {
            workspaces::delete_role(org, actor, workspace, role)
        }
        Command::CreateFolder {
            folder,
            workspace,
            name,
            parent,
        } => folders::create_folder(org, actor, folder, workspace, name, parent.as_deref()),
        Command::RenameFolder { folder, name } => folders::rename_folder(org, actor, folder, name),
        Command::MoveFolder { folder, parent } => {
            folders::move_folder(org, actor, folder, parent.as_deref())
        }
        Command::DeleteFolder { folder } => folders::delete_folder(org, actor, folder),
        Command::CreateAsset {
            asset,
            workspace,
            kind,
            name,
            folder,
            references,
        } => assets::create_asset(
            org,
            actor,
            &assets::NewAsset {
                id: asset,
                workspace,
                kind: *kind,
                name,
                folder: folder.as_deref(),
                references,
            },
            at,
        ),
        Command::ModifyAsset {
            asset,
            name,
            references,
        } => assets::modify_asset(
            org,
            actor,
            asset,
            name.as_deref(),
            references.as_deref(),
            at,
        ),
        Command::MoveAsset { asset, folder } => {
            assets::move_asset(org, actor, asset, folder.as_deref(), at)
        }
        Command::DeleteAsset { asset } => assets::delete_asset(org, actor, asset, at),
        Command::Grant {
            asset,
            target,
            level,
            expires_at,
        } => assets::grant(
            org,
            actor,
            asset,
            core::slice::from_ref(target),
            *level,
            *expires_at,
            at,
            false,
        ),
        Command::Revoke { asset, target } => assets::revoke(org, actor, asset, target, at),
        Command::Share {
            asset,
            with,
            level,
            expires_at,
        } => assets::grant(
            org,
            actor,
            asset,
            with,
            level.unwrap_or(crate::vocab::Level::View),
            *expires_at,
            at,
            true,
        ),
        Command::SetPublic { asset, public } => assets::set_public(org, actor, asset, *public, at),
        Command::TransferOwnership { asset, to } => assets::transfer(org, actor, asset, to, at),
        Command::CreateDataSource {
            source,
            name,
            tables,
        } => data::create_data_source(
            org,
            actor,
            crate::data::DataSourceDef {
                id: source.clone(),
                name: name.clone(),
                tables: tables.clone(),
            },
        ),
        Command::DeleteDataSource { source } => data::delete_data_source(org, actor, source),
        Command::GrantTable {
            workspace,
            source,
            table,
            columns,
            rows,
        } => data::grant_table(
            org,
            actor,
            workspace,
            crate::data::TableGrantDef {
                source: source.clone(),
                table: table.clone(),
                columns: columns.clone(),
                rows: rows.clone(),
            },
        ),
        Command::RevokeTable {
            workspace,
            source,
            table,
        } => data::revoke_table(org, actor, workspace, source, table),
        Command::SetDatasetTable {
            asset,
            source,
            table,
        } => data::set_dataset_table(org, actor, asset, source, table, at),
        Command::SetRowRules {
            asset,
            enabled,
            exempt_owner_and_admins,
            rules,
        } => data::set_row_rules(org, actor, asset, *enabled, *exempt_owner_and_admins, rules),
        Command::SetColumnRules { asset, rules } => {
            data::set_column_rules(org, actor, asset, rules)
        }
        Command::ViewAs { user, workspace } => {
            crate::access::record_view_as(org, actor, user, workspace)
        }
        Command::UpgradeOrg(_) => Err(crate::error::conflict(format!(
            "organization `{}` already exists; upgrade_org runs on an empty engine",
            org.id
        ))),
    }
}

/// Checks an id's shape: non-empty, bounded, printable.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), Refusal> {
    if id.is_empty() {
        return Err(invalid(format!("{what} id is empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(invalid(format!(
            "{what} id is longer than {MAX_ID_LEN} bytes"
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{what} id `{}` holds a control character",
            escape_id(id)
        )));
    }
    if let Some(c) = id.chars().find(|c| is_format(*c)) {
        return Err(invalid(format!(
            "{what} id holds the invisible formatting character U+{:04X} (zero-width or bidi)",
            u32::from(c)
        )));
    }
    Ok(())
}

/// Unicode's format characters (general category Cf): zero-width joiners and spaces, bidi
/// controls, the byte order mark, tags. Invisible, they make two ids that look alike differ
/// and one id display as another (`admin\u{202e}nimda`).
fn is_format(c: char) -> bool {
    matches!(u32::from(c),
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// `id` escaped as `escape_debug` escapes it (`\n`, `\u{1b}`, `\\`, quotes), except that other
/// unprintable Unicode stays as it is: `escape_debug` itself would bring Unicode's tables of
/// printable characters into the WebAssembly (about 4 KB gzipped).
fn escape_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Checks a display name's shape.
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), Refusal> {
    if name.trim().is_empty() {
        return Err(invalid(format!("{what} name is empty")));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(format!(
            "{what} name is longer than {MAX_NAME_LEN} bytes"
        )));
    }
    Ok(())
}

impl Org {
    pub(crate) fn user(&self, id: &str) -> Result<UserIx, Refusal> {
        self.members
            .find(id)
            .ok_or_else(|| not_found(format!("unknown user `{id}`")))
    }

    pub(crate) fn member(&self, user: UserIx) -> Result<&Member, Refusal> {
        self.members
            .get(user)
            .ok_or_else(|| not_found(format!("unknown user `{}`", self.members.id(user))))
    }

    pub(crate) fn group(&self, id: &str) -> Result<GroupIx, Refusal> {
        self.groups
            .find(id)
            .ok_or_else(|| not_found(format!("unknown group `{id}`")))
    }

    pub(crate) fn workspace(&self, id: &str) -> Result<WorkspaceIx, Refusal> {
        let found = self.workspaces.find(id);
        // In a first view: listed without its part, or perhaps on a page of its list not loaded.
        let missing = found.map_or(self.unlisted, |ix| self.unloaded.binary_search(&ix).is_ok());
        if missing {
            if let Some(r) = self.not_loaded(&format!("workspace `{id}`")) {
                return Err(r);
            }
        }
        found.ok_or_else(|| not_found(format!("unknown workspace `{id}`")))
    }

    pub(crate) fn group_workspace(&self, id: &str) -> Result<WorkspaceIx, Refusal> {
        let ix = self.workspace(id)?;
        match self.workspaces.get(ix) {
            Some(ws) if ws.kind == WorkspaceKind::Group => Ok(ix),
            _ => Err(denied(
                Rule::W3,
                format!("`{id}` is a personal workspace, which holds no other member"),
            )),
        }
    }

    pub(crate) fn folder(&self, id: &str) -> Result<FolderIx, Refusal> {
        self.folders
            .find(id)
            .ok_or_else(|| not_found(format!("unknown folder `{id}`")))
    }

    pub(crate) fn asset(&self, id: &str) -> Result<AssetIx, Refusal> {
        self.assets.find(id).ok_or_else(|| {
            self.not_loaded(&format!("asset `{id}`"))
                .unwrap_or_else(|| not_found(format!("unknown asset `{id}`")))
        })
    }

    pub(crate) fn grantee(&self, target: &Target) -> Result<Grantee, Refusal> {
        Ok(match target {
            Target::User(u) => Grantee::User(self.user(u)?),
            Target::Group(g) => Grantee::Group(self.group(g)?),
        })
    }

    pub(crate) fn target_of(&self, grantee: Grantee) -> Target {
        match grantee {
            Grantee::User(u) => Target::User(self.members.id(u).into()),
            Grantee::Group(g) => Target::Group(self.groups.id(g).into()),
        }
    }

    /// Parses workspace role ids against a workspace: presets and its custom roles (W6).
    pub(crate) fn parse_ws_roles(
        &self,
        ws: WorkspaceIx,
        roles: &[alloc::string::String],
    ) -> Result<(u8, Vec<RoleIx>), Refusal> {
        if roles.is_empty() {
            return Err(invalid_by(
                Rule::W6,
                "a workspace member needs at least one role",
            ));
        }
        let workspace = self
            .workspaces
            .get(ws)
            .ok_or_else(|| not_found("unknown workspace"))?;
        let mut presets = 0u8;
        let mut custom = Vec::new();
        for id in roles {
            if let Some(p) = PresetRole::parse(id) {
                presets |= p.bit();
            } else if let Some(r) = workspace.roles.find(id) {
                crate::model::insert_sorted(&mut custom, r);
            } else {
                return Err(not_found(format!(
                    "unknown role `{id}` in workspace `{}`",
                    self.workspaces.id(ws)
                )));
            }
        }
        Ok((presets, custom))
    }

    /// The role ids of a member's roles, presets first: for events and snapshots.
    pub(crate) fn ws_role_ids(
        &self,
        ws: WorkspaceIx,
        roles: &MemberRoles,
    ) -> Vec<alloc::string::String> {
        let mut out: Vec<alloc::string::String> = PresetRole::ALL
            .into_iter()
            .filter(|p| roles.has(*p))
            .map(|p| p.as_str().into())
            .collect();
        if let Some(w) = self.workspaces.get(ws) {
            let mut custom: Vec<alloc::string::String> =
                roles.custom.iter().map(|r| w.roles.id(*r).into()).collect();
            crate::sort::sort(&mut custom);
            out.extend(custom);
        }
        out
    }
}
