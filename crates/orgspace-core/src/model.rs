//! The in-memory state of one organization, interned and indexed for decisions.
//!
//! Only the core mutates it, through commands that validate everything before they change
//! anything (X2). The snapshot module converts it to and from the string-keyed JSON form.

use crate::audit::AuditEntry;
use crate::data::{DataSourceDef, DatasetSecurity, TableGrantDef};
use crate::roles::{Point, PointTable, PresetRole};
use crate::table::{AssetIx, FolderIx, GroupIx, OrgRoleIx, RoleIx, Table, UserIx, WorkspaceIx};
use crate::vocab::{Kind, Level, Mode, OrgPoint, WorkspaceKind};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use hashbrown::HashMap;

/// Deepest nesting of user groups (P2): a top-level group is at depth 1.
pub const MAX_GROUP_DEPTH: usize = 5;

/// The prefix of every personal workspace's id; group workspaces may not use it.
pub const PERSONAL_PREFIX: &str = "personal:";

/// One organization.
#[derive(Clone, Debug, Default)]
pub struct Org {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) version: u64,
    pub(crate) default_workspace: Option<WorkspaceIx>,
    pub(crate) members: Table<UserIx, Member>,
    pub(crate) org_roles: Table<OrgRoleIx, CustomOrgRole>,
    pub(crate) groups: Table<GroupIx, Group>,
    pub(crate) workspaces: Table<WorkspaceIx, Workspace>,
    pub(crate) folders: Table<FolderIx, Folder>,
    pub(crate) assets: Table<AssetIx, Asset>,
    /// Organization data sources by id (D1).
    pub(crate) data_sources: BTreeMap<String, DataSourceDef>,
    pub(crate) audit: Vec<AuditEntry>,
    /// Loaded from a member's view (`Engine::snapshot_for`): whose view it is.
    pub(crate) view_of: Option<UserIx>,
    /// Loaded from a member's first view: the workspaces it lists and holds no part of, sorted.
    /// Questions about them, and about ids no loaded part holds, are refused (`Org::not_loaded`).
    pub(crate) unloaded: Vec<WorkspaceIx>,
    /// Loaded from a first view that lists a page of the member's workspaces (or, for an org
    /// admin, of the members): unknown ids of those may be in the pages not loaded yet.
    pub(crate) unlisted: bool,
    /// Loaded from some parts: the workspaces listed whose parts were not loaded, sorted. A
    /// member's view that reads them is refused (`Org::refuse_missing`).
    pub(crate) parts_missing: Vec<WorkspaceIx>,
    /// Each member's role reach (A2 in personal workspaces; `authz/reach.rs`).
    pub(crate) reach: HashMap<UserIx, crate::authz::RoleReach>,
    /// Loaded from the org part, the index and some parts (`Engine::from_parts_indexed`):
    /// what it knows of the other workspaces.
    #[cfg(feature = "parts")]
    pub(crate) outside: Option<Box<crate::index::Outside>>,
}

/// A member of the organization.
#[derive(Clone, Debug)]
pub struct Member {
    pub(crate) org_admin: bool,
    pub(crate) permission_admin: bool,
    /// Sorted.
    pub(crate) custom_roles: Vec<OrgRoleIx>,
    pub(crate) personal: WorkspaceIx,
    /// Groups the member was put in, sorted.
    pub(crate) groups: Vec<GroupIx>,
    /// Those groups and every group they nest in, sorted: what a group grant is matched against.
    pub(crate) effective_groups: Vec<GroupIx>,
    /// User attributes (tags) for data permissions, such as `region`.
    pub(crate) attributes: BTreeMap<String, Vec<String>>,
}

/// A custom organization role (O2).
#[derive(Clone, Debug)]
pub struct CustomOrgRole {
    pub(crate) name: String,
    /// Sorted, no duplicates.
    pub(crate) points: Vec<OrgPoint>,
}

/// A user group (P2).
#[derive(Clone, Debug)]
pub struct Group {
    pub(crate) name: String,
    pub(crate) parent: Option<GroupIx>,
    /// Direct members, sorted.
    pub(crate) members: Vec<UserIx>,
}

/// A group or personal workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(crate) kind: WorkspaceKind,
    pub(crate) name: String,
    pub(crate) mode: Mode,
    /// The member a personal workspace belongs to.
    pub(crate) owner: Option<UserIx>,
    /// Members of a group workspace and their roles; always empty for a personal one (W3).
    pub(crate) members: HashMap<UserIx, MemberRoles>,
    pub(crate) roles: Table<RoleIx, CustomRole>,
    /// Sorted by asset id, so lists come out in the same order before and after a snapshot.
    pub(crate) assets: Vec<AssetIx>,
    /// Sorted by folder id.
    pub(crate) folders: Vec<FolderIx>,
    /// Tables of organization data sources granted to the workspace, by (source, table) (D1).
    pub(crate) table_grants: BTreeMap<(String, String), TableGrantDef>,
    /// Parallel to `assets`: owner, kind and public flag, packed for list scans.
    pub(crate) hot: Vec<crate::asset_index::HotAsset>,
    /// The grants on the workspace's assets, by grantee.
    pub(crate) grant_index: HashMap<Grantee, Vec<crate::asset_index::IndexedGrant>>,
}

/// A member's roles in one group workspace and the union of their permissions (W6).
#[derive(Clone, Debug)]
pub struct MemberRoles {
    pub(crate) presets: u8,
    /// Sorted.
    pub(crate) custom: Vec<RoleIx>,
    /// The union of the roles' tables, kept in step whenever roles or role points change.
    pub(crate) table: PointTable,
}

impl MemberRoles {
    pub(crate) fn has(&self, preset: PresetRole) -> bool {
        self.presets & preset.bit() != 0
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.has(PresetRole::Admin)
    }
}

/// A custom workspace role (R5).
#[derive(Clone, Debug)]
pub struct CustomRole {
    pub(crate) name: String,
    /// Sorted, no duplicates.
    pub(crate) points: Vec<Point>,
    pub(crate) table: PointTable,
}

/// A folder (A7).
#[derive(Clone, Debug)]
pub struct Folder {
    pub(crate) workspace: WorkspaceIx,
    pub(crate) parent: Option<FolderIx>,
    pub(crate) name: String,
    pub(crate) created_by: UserIx,
}

/// An asset.
#[derive(Clone, Debug)]
pub struct Asset {
    pub(crate) workspace: WorkspaceIx,
    pub(crate) folder: Option<FolderIx>,
    pub(crate) kind: Kind,
    pub(crate) owner: UserIx,
    pub(crate) public: bool,
    pub(crate) grants: Vec<Grant>,
    /// Assets this one is built on or embeds (A8), sorted.
    pub(crate) references: Vec<AssetIx>,
    pub(crate) name: String,
    pub(crate) created_at: u64,
    /// A dataset's table and row and column rules (D1-D3).
    pub(crate) security: Option<Box<DatasetSecurity>>,
}

/// Who a grant is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grantee {
    /// One member.
    User(UserIx),
    /// Every member of a group or of a group nested in it (P2).
    Group(GroupIx),
}

/// A grant on an asset (A1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub(crate) to: Grantee,
    pub(crate) level: Level,
    /// Milliseconds since the epoch; the grant grants nothing from then on.
    pub(crate) expires_at: Option<u64>,
}

impl Grant {
    /// Whether the grant still grants at `now`.
    #[inline]
    pub(crate) fn active(&self, now: u64) -> bool {
        self.expires_at.is_none_or(|t| now < t)
    }
}

impl Org {
    /// A group's depth: 1 for a top-level group.
    pub(crate) fn group_depth(&self, group: GroupIx) -> usize {
        let mut depth = 0;
        let mut at = Some(group);
        while let Some(g) = at {
            depth += 1;
            if depth > MAX_GROUP_DEPTH + 1 {
                break;
            }
            at = self.groups.get(g).and_then(|g| g.parent);
        }
        depth
    }

    /// Recomputes a member's effective groups from their direct groups and the group tree.
    pub(crate) fn refresh_effective_groups(&mut self, user: UserIx) {
        let Some(member) = self.members.get(user) else {
            return;
        };
        let mut effective = Vec::new();
        for &g in &member.groups {
            let mut at = Some(g);
            let mut steps = 0;
            while let Some(cur) = at {
                effective.push(cur);
                steps += 1;
                if steps > MAX_GROUP_DEPTH {
                    break;
                }
                at = self.groups.get(cur).and_then(|grp| grp.parent);
            }
        }
        crate::sort::sort_unstable(&mut effective);
        effective.dedup();
        if let Some(member) = self.members.get_mut(user) {
            member.effective_groups = effective;
        }
    }

    /// The union table for a member's roles in a workspace.
    pub(crate) fn role_table(ws: &Workspace, presets: u8, custom: &[RoleIx]) -> PointTable {
        let mut table = PointTable::default();
        for preset in PresetRole::ALL {
            if presets & preset.bit() != 0 {
                table.union_with(preset.table());
            }
        }
        for &role in custom {
            if let Some(role) = ws.roles.get(role) {
                table.union_with(&role.table);
            }
        }
        table
    }

    /// Number of org admins.
    pub(crate) fn org_admin_count(&self) -> usize {
        self.members.iter().filter(|(_, m)| m.org_admin).count()
    }

    /// Group workspaces a user is a member of.
    pub(crate) fn group_workspaces_of(
        &self,
        user: UserIx,
    ) -> impl Iterator<Item = WorkspaceIx> + '_ {
        self.workspaces
            .iter()
            .filter(move |(_, ws)| ws.members.contains_key(&user))
            .map(|(ix, _)| ix)
    }
}

/// The bit of one organization point in a point set.
#[must_use]
pub const fn point_bit(point: OrgPoint) -> u8 {
    1 << (point as u8)
}

/// Every organization point: what org admins hold.
pub const ALL_ORG_POINTS: u8 = (1 << OrgPoint::ALL.len()) - 1;

/// Inserts into a sorted vector, keeping it sorted and free of duplicates.
pub(crate) fn insert_sorted<T: Ord>(v: &mut Vec<T>, item: T) {
    if let Err(pos) = v.binary_search(&item) {
        v.insert(pos, item);
    }
}

/// Removes from a sorted vector.
pub(crate) fn remove_sorted<T: Ord>(v: &mut Vec<T>, item: &T) {
    if let Ok(pos) = v.binary_search(item) {
        v.remove(pos);
    }
}
