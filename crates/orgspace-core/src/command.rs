//! Commands: every change to an organization, as JSON-ready data. Ids are strings chosen by
//! the host; times come in with the command, never from a clock.

use crate::data::{ColumnRule, DataSourceDef, Predicate, RowRule, TableDef};
use crate::roles::Point;
use crate::snapshot::{AssetDoc, FolderDoc, GroupDoc};
use crate::tagged::tagged_enum;
use crate::vocab::{Kind, Level, Mode, OrgPoint};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Who a grant is for, by id: `{"user": "bob"}` or `{"group": "sales"}`.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A member.
    User(String),
    /// A user group, and so every member of it and of its nested groups.
    Group(String),
}

// Reads its variants without serde's buffering of tagged enums: see `crate::tagged`.
tagged_enum! {
    "Command",
    /// A change to the organization, run as an acting user.
    #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Command {
        /// Creates the organization with its default workspace; the actor becomes its first org
        /// admin (O1) and the default workspace's admin.
        CreateOrg {
            /// The organization's id.
            org: String,
            /// Display name.
            name: String,
            /// Id of the default group workspace created with it (W2).
            default_workspace: String,
            /// Name of the default workspace; "Default" when absent.
            #[serde(default)]
            default_workspace_name: Option<String>,
            /// Mode of the default workspace; collaboration when absent.
            #[serde(default)]
            mode: Option<Mode>,
        },
        /// Renames the organization.
        RenameOrg {
            /// New name.
            name: String,
        },
        /// Adds a member (O3). Without a workspace they join the default one as visitor (O7).
        AddMember {
            /// The new member's user id.
            user: String,
            /// Organization roles beyond `member`.
            #[serde(default)]
            org_roles: Vec<String>,
            /// A group workspace to join instead of the default one.
            #[serde(default)]
            workspace: Option<String>,
            /// Roles in that workspace; `visitor` when empty.
            #[serde(default)]
            workspace_roles: Vec<String>,
            /// User attributes (tags) for data permissions.
            #[serde(default)]
            attributes: BTreeMap<String, Vec<String>>,
        },
        /// Removes a member, handing everything they own to `new_owner` (O8).
        RemoveMember {
            /// The member to remove.
            user: String,
            /// Who takes over their assets. Optional in the format so that a removal that names
            /// nobody reaches the engine, which refuses it (O8), on every host alike.
            #[serde(default)]
            new_owner: Option<String>,
        },
        /// Replaces a member's organization roles (O2, O3).
        SetOrgRoles {
            /// The member.
            user: String,
            /// `org_admin`, `permission_admin`, custom role ids; `member` is implied.
            roles: Vec<String>,
        },
        /// Replaces a member's user attributes (tags).
        SetAttributes {
            /// The member.
            user: String,
            /// Attribute name to values.
            attributes: BTreeMap<String, Vec<String>>,
        },
        /// Defines or redefines a custom organization role (O2).
        DefineOrgRole {
            /// The role id.
            role: String,
            /// Display name.
            name: String,
            /// Its permission points.
            points: Vec<OrgPoint>,
        },
        /// Deletes a custom organization role nobody holds.
        DeleteOrgRole {
            /// The role id.
            role: String,
        },
        /// Creates a user group, optionally nested in another (P2).
        CreateGroup {
            /// The group id.
            group: String,
            /// Display name.
            name: String,
            /// The group it nests in.
            #[serde(default)]
            parent: Option<String>,
        },
        /// Deletes a group without subgroups; grants to it go with it.
        DeleteGroup {
            /// The group id.
            group: String,
        },
        /// Puts a member in a group.
        AddGroupMember {
            /// The group id.
            group: String,
            /// The member.
            user: String,
        },
        /// Takes a member out of a group.
        RemoveGroupMember {
            /// The group id.
            group: String,
            /// The member.
            user: String,
        },
        /// Creates a group workspace (W1).
        CreateWorkspace {
            /// The workspace id.
            workspace: String,
            /// Display name.
            name: String,
            /// Its mode, chosen now (W7).
            mode: Mode,
            /// Its first workspace admins; the actor when absent.
            #[serde(default)]
            admins: Option<Vec<String>>,
        },
        /// Renames a group workspace (W1).
        ModifyWorkspace {
            /// The workspace id.
            workspace: String,
            /// New name.
            name: String,
        },
        /// Deletes an empty group workspace that is not the default (W1, W2).
        DeleteWorkspace {
            /// The workspace id.
            workspace: String,
        },
        /// Makes a group workspace the default (W2).
        SetDefaultWorkspace {
            /// The workspace id.
            workspace: String,
        },
        /// Switches a workspace's mode (W9).
        SetWorkspaceMode {
            /// The workspace id.
            workspace: String,
            /// The new mode.
            mode: Mode,
        },
        /// Adds a member of the organization to a group workspace (R1, W6).
        AddWorkspaceMember {
            /// The workspace id.
            workspace: String,
            /// The member.
            user: String,
            /// At least one role.
            roles: Vec<String>,
        },
        /// Removes a member from a group workspace; their grants there go too.
        RemoveWorkspaceMember {
            /// The workspace id.
            workspace: String,
            /// The member.
            user: String,
        },
        /// Replaces a workspace member's roles (W1, W6).
        SetWorkspaceRoles {
            /// The workspace id.
            workspace: String,
            /// The member.
            user: String,
            /// At least one role.
            roles: Vec<String>,
        },
        /// Defines or redefines a custom role of a workspace (R5).
        DefineWorkspaceRole {
            /// The workspace id.
            workspace: String,
            /// The role id.
            role: String,
            /// Display name.
            name: String,
            /// Its (kind, operation) points.
            points: Vec<Point>,
        },
        /// Deletes a custom workspace role nobody holds (R5).
        DeleteWorkspaceRole {
            /// The workspace id.
            workspace: String,
            /// The role id.
            role: String,
        },
        /// Creates a folder (A7).
        CreateFolder {
            /// The folder id.
            folder: String,
            /// Its workspace.
            workspace: String,
            /// Display name.
            name: String,
            /// The folder it nests in.
            #[serde(default)]
            parent: Option<String>,
        },
        /// Renames a folder.
        RenameFolder {
            /// The folder id.
            folder: String,
            /// New name.
            name: String,
        },
        /// Moves a folder under another folder of its workspace, or to the top.
        MoveFolder {
            /// The folder id.
            folder: String,
            /// The new parent; the top when absent.
            #[serde(default)]
            parent: Option<String>,
        },
        /// Deletes a folder and its subfolders, if none holds an asset (A7).
        DeleteFolder {
            /// The folder id.
            folder: String,
        },
        /// Creates an asset owned by the actor (R6).
        CreateAsset {
            /// The asset id.
            asset: String,
            /// Its workspace.
            workspace: String,
            /// Its kind.
            kind: Kind,
            /// Display name.
            name: String,
            /// Its folder; the top when absent.
            #[serde(default)]
            folder: Option<String>,
            /// Assets of the same workspace it is built on or embeds (A8).
            #[serde(default)]
            references: Vec<String>,
        },
        /// Changes an asset's name or references (A5).
        ModifyAsset {
            /// The asset id.
            asset: String,
            /// New name.
            #[serde(default)]
            name: Option<String>,
            /// New references.
            #[serde(default)]
            references: Option<Vec<String>>,
        },
        /// Moves an asset to a folder of its workspace, or to the top (A5).
        MoveAsset {
            /// The asset id.
            asset: String,
            /// The folder; the top when absent.
            #[serde(default)]
            folder: Option<String>,
        },
        /// Deletes an asset that nothing references (A5).
        DeleteAsset {
            /// The asset id.
            asset: String,
        },
        /// Grants a level on an asset to a user or group, replacing their earlier grant (A1-A3).
        Grant {
            /// The asset id.
            asset: String,
            /// Who gets it.
            target: Target,
            /// The level.
            level: Level,
            /// When it stops granting, in milliseconds since the epoch.
            #[serde(default)]
            expires_at: Option<u64>,
        },
        /// Revokes a user's or group's grant on an asset (A3).
        Revoke {
            /// The asset id.
            asset: String,
            /// Whose grant.
            target: Target,
        },
        /// Shares an asset with users and groups (A3, W4): a grant to each.
        Share {
            /// The asset id.
            asset: String,
            /// Who gets it.
            with: Vec<Target>,
            /// The level; view when absent.
            #[serde(default)]
            level: Option<Level>,
            /// When it stops granting.
            #[serde(default)]
            expires_at: Option<u64>,
        },
        /// Makes an asset public in its workspace, or private again (A4).
        SetPublic {
            /// The asset id.
            asset: String,
            /// Whether every member of the workspace sees it.
            public: bool,
        },
        /// Transfers an asset's ownership (A6).
        TransferOwnership {
            /// The asset id.
            asset: String,
            /// The new owner.
            to: String,
        },
        /// Registers an organization data source with its tables (D1).
        CreateDataSource {
            /// The data source id.
            source: String,
            /// Display name.
            name: String,
            /// Its tables and their columns.
            tables: Vec<TableDef>,
        },
        /// Deletes an organization data source no workspace is granted (D1).
        DeleteDataSource {
            /// The data source id.
            source: String,
        },
        /// Grants a workspace a table, optionally only some columns and rows (D1). Replaces an
        /// earlier grant of the same table.
        GrantTable {
            /// The group workspace.
            workspace: String,
            /// The data source id.
            source: String,
            /// The table name.
            table: String,
            /// The columns granted; every column when absent.
            #[serde(default)]
            columns: Option<Vec<String>>,
            /// The rows granted; every row when absent.
            #[serde(default)]
            rows: Option<Predicate>,
        },
        /// Revokes a workspace's grant of a table; datasets built on it then see no data (D1).
        RevokeTable {
            /// The group workspace.
            workspace: String,
            /// The data source id.
            source: String,
            /// The table name.
            table: String,
        },
        /// Builds a dataset on a table granted to its workspace (D1).
        SetDatasetTable {
            /// The dataset.
            asset: String,
            /// The data source id.
            source: String,
            /// The table name.
            table: String,
        },
        /// Replaces a dataset's row rules and switches them on or off (D2).
        SetRowRules {
            /// The dataset.
            asset: String,
            /// Whether row rules apply.
            enabled: bool,
            /// Whether the owner, workspace admins and org admins are exempt; they are not by default.
            #[serde(default)]
            exempt_owner_and_admins: bool,
            /// The rules; those that match a user combine with OR.
            rules: Vec<RowRule>,
        },
        /// Replaces a dataset's column rules (D3).
        SetColumnRules {
            /// The dataset.
            asset: String,
            /// The rules.
            rules: Vec<ColumnRule>,
        },
        /// Records that the actor viewed a workspace as another member (issue 15): allowed to
        /// org admins and the workspace's admins (O6, R1), it changes nothing but the audit log
        /// (X4) and the version.
        ViewAs {
            /// The member viewed as.
            user: String,
            /// The workspace.
            workspace: String,
        },
        /// Turns an organization without workspaces into the workspace model (U1); runs on an
        /// empty engine, as one of the organization's administrators.
        UpgradeOrg(Box<LegacyOrg>),
    }
}

/// An organization of the model without workspaces, as `upgrade_org` takes it (U1).
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyOrg {
    /// The organization's id.
    pub org: String,
    /// Display name.
    pub name: String,
    /// Id of the default workspace the upgrade creates.
    pub default_workspace: String,
    /// Its name; "Default" when absent.
    #[serde(default)]
    pub default_workspace_name: Option<String>,
    /// Every user: administrators and the rest, with their roles.
    pub users: Vec<LegacyUser>,
    /// User groups, as in a snapshot.
    #[serde(default)]
    pub groups: Vec<GroupDoc>,
    /// Data sources; each becomes an organization data source.
    #[serde(default)]
    pub data_sources: Vec<DataSourceDef>,
    /// Folders, as in a snapshot.
    #[serde(default)]
    pub folders: Vec<FolderDoc>,
    /// Every asset (work), as in a snapshot.
    #[serde(default)]
    pub assets: Vec<AssetDoc>,
}

/// A user of an organization without workspaces.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyUser {
    /// The user id.
    pub user: String,
    /// Whether the user is an administrator (they become org admins).
    #[serde(default)]
    pub admin: bool,
    /// Their roles (`developer`, `analyst`, `visitor`); `visitor` when empty.
    #[serde(default)]
    pub roles: Vec<String>,
    /// User attributes (tags).
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl Command {
    /// The command's name, as in its `type` field.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Command::CreateOrg { .. } => "create_org",
            Command::RenameOrg { .. } => "rename_org",
            Command::AddMember { .. } => "add_member",
            Command::RemoveMember { .. } => "remove_member",
            Command::SetOrgRoles { .. } => "set_org_roles",
            Command::SetAttributes { .. } => "set_attributes",
            Command::DefineOrgRole { .. } => "define_org_role",
            Command::DeleteOrgRole { .. } => "delete_org_role",
            Command::CreateGroup { .. } => "create_group",
            Command::DeleteGroup { .. } => "delete_group",
            Command::AddGroupMember { .. } => "add_group_member",
            Command::RemoveGroupMember { .. } => "remove_group_member",
            Command::CreateWorkspace { .. } => "create_workspace",
            Command::ModifyWorkspace { .. } => "modify_workspace",
            Command::DeleteWorkspace { .. } => "delete_workspace",
            Command::SetDefaultWorkspace { .. } => "set_default_workspace",
            Command::SetWorkspaceMode { .. } => "set_workspace_mode",
            Command::AddWorkspaceMember { .. } => "add_workspace_member",
            Command::RemoveWorkspaceMember { .. } => "remove_workspace_member",
            Command::SetWorkspaceRoles { .. } => "set_workspace_roles",
            Command::DefineWorkspaceRole { .. } => "define_workspace_role",
            Command::DeleteWorkspaceRole { .. } => "delete_workspace_role",
            Command::CreateFolder { .. } => "create_folder",
            Command::RenameFolder { .. } => "rename_folder",
            Command::MoveFolder { .. } => "move_folder",
            Command::DeleteFolder { .. } => "delete_folder",
            Command::CreateAsset { .. } => "create_asset",
            Command::ModifyAsset { .. } => "modify_asset",
            Command::MoveAsset { .. } => "move_asset",
            Command::DeleteAsset { .. } => "delete_asset",
            Command::Grant { .. } => "grant",
            Command::Revoke { .. } => "revoke",
            Command::Share { .. } => "share",
            Command::SetPublic { .. } => "set_public",
            Command::TransferOwnership { .. } => "transfer_ownership",
            Command::CreateDataSource { .. } => "create_data_source",
            Command::DeleteDataSource { .. } => "delete_data_source",
            Command::GrantTable { .. } => "grant_table",
            Command::RevokeTable { .. } => "revoke_table",
            Command::SetDatasetTable { .. } => "set_dataset_table",
            Command::SetRowRules { .. } => "set_row_rules",
            Command::SetColumnRules { .. } => "set_column_rules",
            Command::ViewAs { .. } => "view_as",
            Command::UpgradeOrg(_) => "upgrade_org",
        }
    }
}
