//! Events: what an accepted command changed, for the audit log (X4) and for hosts that store
//! the state in parts (the edge worker rewrites the parts named here).

use crate::command::Target;
use crate::tagged::tagged_enum;
use crate::vocab::{Level, Mode};
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

// Reads its variants without serde's buffering of tagged enums: see `crate::tagged`.
tagged_enum! {
    "Event",
    /// One change.
    #[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    #[expect(
        missing_docs,
        reason = "fields are the ids the event names; each variant says what changed"
    )]
    pub enum Event {
        /// The organization was created.
        OrgCreated { org: String },
        /// The organization's name changed.
        OrgRenamed { name: String },
        /// A member joined, with a new personal workspace.
        MemberAdded {
            user: String,
            personal_workspace: String,
        },
        /// A member left; their assets went to `new_owner`.
        MemberRemoved { user: String, new_owner: String },
        /// A member's organization roles were replaced.
        OrgRolesSet { user: String, roles: Vec<String> },
        /// A member's attributes were replaced.
        AttributesSet { user: String },
        /// A custom organization role was defined or redefined.
        OrgRoleDefined { role: String },
        /// A custom organization role was deleted.
        OrgRoleDeleted { role: String },
        /// A group was created.
        GroupCreated { group: String },
        /// A group was deleted.
        GroupDeleted { group: String },
        /// A member joined a group.
        GroupMemberAdded { group: String, user: String },
        /// A member left a group.
        GroupMemberRemoved { group: String, user: String },
        /// A workspace was created.
        WorkspaceCreated { workspace: String },
        /// A workspace was renamed.
        WorkspaceRenamed { workspace: String, name: String },
        /// A workspace was deleted.
        WorkspaceDeleted { workspace: String },
        /// The default workspace changed.
        DefaultWorkspaceSet { workspace: String },
        /// A workspace's mode changed.
        WorkspaceModeSet { workspace: String, mode: Mode },
        /// A member joined a workspace.
        WorkspaceMemberAdded {
            workspace: String,
            user: String,
            roles: Vec<String>,
        },
        /// A member left a workspace.
        WorkspaceMemberRemoved { workspace: String, user: String },
        /// A workspace member's roles were replaced.
        WorkspaceRolesSet {
            workspace: String,
            user: String,
            roles: Vec<String>,
        },
        /// A custom workspace role was defined or redefined.
        WorkspaceRoleDefined { workspace: String, role: String },
        /// A custom workspace role was deleted.
        WorkspaceRoleDeleted { workspace: String, role: String },
        /// A folder was created.
        FolderCreated { workspace: String, folder: String },
        /// A folder was renamed or moved.
        FolderChanged { workspace: String, folder: String },
        /// A folder was deleted.
        FolderDeleted { workspace: String, folder: String },
        /// An asset was created.
        AssetCreated { workspace: String, asset: String },
        /// An asset's name, folder or references changed.
        AssetChanged { workspace: String, asset: String },
        /// An asset was deleted.
        AssetDeleted { workspace: String, asset: String },
        /// A grant was given or replaced.
        GrantSet {
            workspace: String,
            asset: String,
            target: Target,
            level: Level,
            expires_at: Option<u64>,
        },
        /// A grant was removed.
        GrantRemoved {
            workspace: String,
            asset: String,
            target: Target,
        },
        /// An asset was made public or private.
        PublicSet {
            workspace: String,
            asset: String,
            public: bool,
        },
        /// An organization data source was registered.
        DataSourceCreated { source: String },
        /// An organization data source was deleted.
        DataSourceDeleted { source: String },
        /// A workspace was granted a table, or its grant changed.
        TableGranted {
            workspace: String,
            source: String,
            table: String,
        },
        /// A workspace's grant of a table was revoked.
        TableRevoked {
            workspace: String,
            source: String,
            table: String,
        },
        /// A dataset's table or rules changed.
        DatasetSecuritySet { workspace: String, asset: String },
        /// The actor viewed a workspace as another member; nothing changed.
        ViewedAs { user: String, workspace: String },
        /// An organization was upgraded into the workspace model.
        OrgUpgraded {
            org: String,
            default_workspace: String,
        },
        /// An asset changed owner, and workspace if it moved between personal workspaces.
        OwnerChanged {
            asset: String,
            from: String,
            to: String,
            from_workspace: String,
            workspace: String,
        },
    }
}
