//! The snapshot format: the whole state of an organization as JSON, string-keyed and sorted so
//! that equal states give byte-identical snapshots.
//!
//! It comes in parts so that a host can store them apart: one [`OrgPart`] (members, roles,
//! groups, the list of workspaces) and one [`WorkspacePart`] per workspace (its members, roles,
//! folders and assets). A check needs the org part and the part of the asset's workspace.

#[cfg(feature = "parts")]
pub mod binary;
mod docs;
#[cfg(feature = "parts")]
mod import;
#[cfg(feature = "parts")]
mod indexed;
mod load;
#[cfg(feature = "parts")]
pub mod org_binary;
mod paged;
mod pages;
mod save;
mod stream;
mod view;

#[cfg(feature = "parts")]
pub use import::{ImportedPart, PartsImport};
#[cfg(feature = "parts")]
pub use indexed::IndexedLoader;
pub use load::Problem;
pub(crate) use load::problem as load_problem;
pub use paged::{CURRENT_PART_BUDGET, FIRST_VIEW_LIST, FirstView};
pub(crate) use paged::{Paged, is_paged};
pub use pages::{ListOf, PAGE_LIMIT, ViewPage};
pub use stream::PartsLoader;

use crate::audit::AuditEntry;
use crate::command::Target;
use crate::data::{DataSourceDef, DatasetSecurity, TableGrantDef};
use crate::roles::Point;
use crate::vocab::{Kind, Level, Mode, OrgPoint, WorkspaceKind};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The snapshot format this build reads and writes.
pub const FORMAT: u32 = 1;

/// A whole organization.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Format version; see [`FORMAT`].
    pub format: u32,
    /// The organization-wide part.
    pub org: OrgPart,
    /// One part per workspace, sorted by id. A partial snapshot holds some of them.
    pub workspaces: Vec<WorkspacePart>,
    /// The audit log, oldest first (X4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditEntry>,
    /// Set in a member's view ([`crate::Engine::snapshot_for`]): the member whose view it is.
    /// An engine loads a view to answer that member's queries, and refuses commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_of: Option<String>,
    /// Set in a first view (`Engine::first_view`) that lists part of the member's lists: how
    /// many workspaces, and for org admins and central authorizers members, their whole view
    /// lists. While it is set, the engine refuses questions about what the view does not list;
    /// pages (`Engine::view_page`) bring the rest, and the join drops it once all are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "parts"), serde(deserialize_with = "listed_in_part"))]
    pub listing: Option<Listing>,
}

/// A build without `parts` (the browser module) makes no first view and only loads them: a
/// listing there (the core writes one only while a view lists part of its lists, and the npm
/// package's join drops it once every page is in) means that lists are missing. Reading its
/// counts would cost the module about 300 bytes gzipped.
#[cfg(not(feature = "parts"))]
fn listed_in_part<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Listing>, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(Some(Listing {
        workspaces: u32::MAX,
        members: None,
    }))
}

/// The length of a member's whole lists, which a first view holds a page of.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The workspaces the member sees.
    #[serde(default)]
    pub workspaces: u32,
    /// Every member of the organization, for a member who sees them all (org admins and
    /// central authorizers); absent for others, whose view names the members it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
}

impl Listing {
    /// Whether the whole lists are longer than what `org` lists.
    #[must_use]
    pub fn lists_more(&self, org: &OrgPart) -> bool {
        let short = |listed: usize, of: u32| usize::try_from(of).is_ok_and(|n| listed < n);
        short(org.workspaces.len(), self.workspaces)
            || self.members.is_some_and(|n| short(org.members.len(), n))
    }
}

/// Members, organization roles, groups and the directory of workspaces.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPart {
    /// The organization's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Incremented by every accepted command.
    pub version: u64,
    /// The default group workspace (W2).
    pub default_workspace: String,
    /// Members, sorted by user id.
    pub members: Vec<MemberDoc>,
    /// Custom organization roles, sorted by id.
    #[serde(default)]
    pub org_roles: Vec<OrgRoleDoc>,
    /// User groups, sorted by id.
    #[serde(default)]
    pub groups: Vec<GroupDoc>,
    /// Every workspace, sorted by id.
    pub workspaces: Vec<WorkspaceHeader>,
    /// Organization data sources, sorted by id (D1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sources: Vec<DataSourceDef>,
}

/// A member.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDoc {
    /// The user id.
    pub user: String,
    /// Organization roles beyond `member`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// User attributes (tags).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Derived: what the member's roles permit in some group workspace, as bits (kind x view,
    /// export, use, modify; see `authz/reach.rs`), so that an engine loaded from some parts caps
    /// grants in personal workspaces as the whole one does (A2). A whole snapshot's loader
    /// recomputes it from the workspaces and ignores what is written here.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reach: u64,
}

/// For `skip_serializing_if`, which passes a reference.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A custom organization role.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRoleDoc {
    /// The role id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its points.
    pub points: Vec<OrgPoint>,
}

/// A user group.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDoc {
    /// The group id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The group it nests in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Direct members, sorted.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A workspace as the organization lists it.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceHeader {
    /// The workspace id.
    pub id: String,
    /// Group or personal.
    pub kind: WorkspaceKind,
    /// Display name.
    pub name: String,
    /// Collaboration or private.
    pub mode: Mode,
    /// The member a personal workspace belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// The contents of one workspace.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePart {
    /// The workspace id.
    pub id: String,
    /// Members of a group workspace, sorted by user id.
    #[serde(default)]
    pub members: Vec<WorkspaceMemberDoc>,
    /// Custom roles, sorted by id.
    #[serde(default)]
    pub roles: Vec<WorkspaceRoleDoc>,
    /// Folders, sorted by id.
    #[serde(default)]
    pub folders: Vec<FolderDoc>,
    /// Assets, sorted by id.
    #[serde(default)]
    pub assets: Vec<AssetDoc>,
    /// Tables granted to the workspace, sorted by (source, table) (D1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table_grants: Vec<TableGrantDef>,
}

/// A workspace member and their roles.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceMemberDoc {
    /// The user id.
    pub user: String,
    /// Preset and custom role ids.
    pub roles: Vec<String>,
}

/// A custom workspace role.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceRoleDoc {
    /// The role id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its (kind, operation) points.
    pub points: Vec<Point>,
}

/// A folder.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderDoc {
    /// The folder id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The folder it nests in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The member who made it.
    pub created_by: String,
}

/// An asset.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetDoc {
    /// The asset id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Display name.
    pub name: String,
    /// Its folder; the top when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// Its one owner (R6).
    pub owner: String,
    /// Whether every member of the workspace sees it (A4).
    #[serde(default)]
    pub public: bool,
    /// When it was created, in milliseconds since the epoch.
    #[serde(default)]
    pub created_at: u64,
    /// Assets it is built on or embeds, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Grants, sorted by target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<GrantDoc>,
    /// A dataset's table and its row and column rules (D1-D3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<DatasetSecurity>,
}

/// A grant.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantDoc {
    /// Who it is for.
    pub to: Target,
    /// Its level.
    pub level: Level,
    /// When it stops granting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}
