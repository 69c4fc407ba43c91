//! State to snapshot: every list sorted by id, so equal states give equal bytes.

use super::{
    AssetDoc, FORMAT, FolderDoc, GrantDoc, GroupDoc, MemberDoc, OrgPart, OrgRoleDoc, Snapshot,
    WorkspaceHeader, WorkspaceMemberDoc, WorkspacePart, WorkspaceRoleDoc,
};
use crate::model::Org;
use crate::table::{AssetIx, FolderIx, UserIx, WorkspaceIx};
use alloc::string::String;
use alloc::vec::Vec;

impl Org {
    /// The organization-wide part.
    pub(crate) fn org_part(&self) -> OrgPart {
        self.org_part_cut(|_| true, self.workspaces.sorted())
    }

    /// The organization-wide part with only the members `keep` keeps (in the groups too) and
    /// the workspaces `headers` names, in id order: a page of a whole view (`snapshot/paged.rs`)
    /// without building the rest.
    pub(crate) fn org_part_cut(
        &self,
        keep: impl Fn(&str) -> bool,
        headers: Vec<WorkspaceIx>,
    ) -> OrgPart {
        let members = self
            .members
            .sorted()
            .into_iter()
            .filter(|u| keep(self.members.id(*u)))
            .filter_map(|u| {
                let m = self.members.get(u)?;
                Some(MemberDoc {
                    user: self.members.id(u).into(),
                    roles: self.org_role_ids(u),
                    attributes: m.attributes.clone(),
                    reach: self.role_reach(u).0,
                })
            })
            .collect();
        let org_roles = self
            .org_roles
            .sorted()
            .into_iter()
            .filter_map(|r| {
                let role = self.org_roles.get(r)?;
                Some(OrgRoleDoc {
                    id: self.org_roles.id(r).into(),
                    name: role.name.clone(),
                    points: role.points.clone(),
                })
            })
            .collect();
        let groups = self
            .groups
            .sorted()
            .into_iter()
            .filter_map(|g| {
                let group = self.groups.get(g)?;
                Some(GroupDoc {
                    id: self.groups.id(g).into(),
                    name: group.name.clone(),
                    parent: group.parent.map(|p| self.groups.id(p).into()),
                    members: {
                        let mut ids = self.sorted_user_ids(&group.members);
                        ids.retain(|u| keep(u));
                        ids
                    },
                })
            })
            .collect();
        let workspaces = headers
            .into_iter()
            .filter_map(|w| {
                let ws = self.workspaces.get(w)?;
                Some(WorkspaceHeader {
                    id: self.workspaces.id(w).into(),
                    kind: ws.kind,
                    name: ws.name.clone(),
                    mode: ws.mode,
                    owner: ws.owner.map(|o| self.members.id(o).into()),
                })
            })
            .collect();
        OrgPart {
            id: self.id.clone(),
            name: self.name.clone(),
            version: self.version,
            default_workspace: self
                .default_workspace
                .map(|w| self.workspaces.id(w).into())
                .unwrap_or_default(),
            members,
            org_roles,
            groups,
            workspaces,
            data_sources: self.data_sources.values().cloned().collect(),
        }
    }

    fn sorted_user_ids(&self, users: &[UserIx]) -> Vec<String> {
        let mut ids: Vec<String> = users.iter().map(|u| self.members.id(*u).into()).collect();
        crate::sort::sort(&mut ids);
        ids
    }

    /// One workspace's part.
    pub(crate) fn workspace_part(&self, w: WorkspaceIx) -> Option<WorkspacePart> {
        let mut part = self.workspace_head(w)?;
        part.assets = self
            .workspaces
            .get(w)?
            .assets
            .iter()
            .filter_map(|a| self.asset_doc(*a))
            .collect();
        Some(part)
    }

    /// One workspace's part without its assets (what the binary encoding keeps as JSON).
    pub(crate) fn workspace_head(&self, w: WorkspaceIx) -> Option<WorkspacePart> {
        let ws = self.workspaces.get(w)?;
        let mut members: Vec<WorkspaceMemberDoc> = ws
            .members
            .iter()
            .map(|(u, roles)| WorkspaceMemberDoc {
                user: self.members.id(*u).into(),
                roles: self.ws_role_ids(w, roles),
            })
            .collect();
        crate::sort::sort_by(&mut members, |a, b| a.user.cmp(&b.user));
        let roles = ws
            .roles
            .sorted()
            .into_iter()
            .filter_map(|r| {
                let role = ws.roles.get(r)?;
                Some(WorkspaceRoleDoc {
                    id: ws.roles.id(r).into(),
                    name: role.name.clone(),
                    points: role.points.clone(),
                })
            })
            .collect();
        let folders = ws
            .folders
            .iter()
            .filter_map(|f| self.folder_doc(*f))
            .collect();
        Some(WorkspacePart {
            id: self.workspaces.id(w).into(),
            members,
            roles,
            folders,
            assets: Vec::new(),
            table_grants: ws.table_grants.values().cloned().collect(),
        })
    }

    /// The whole organization.
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            format: FORMAT,
            org: self.org_part(),
            workspaces: self
                .workspaces
                .sorted()
                .into_iter()
                .filter_map(|w| self.workspace_part(w))
                .collect(),
            audit: self.audit.clone(),
            view_of: self.view_of.map(|u| self.members.id(u).into()),
            // Loaded views are joined from their pieces as given (`Snapshot::merge_view`).
            listing: None,
        }
    }

    /// One folder as the snapshot holds it.
    pub(super) fn folder_doc(&self, f: FolderIx) -> Option<FolderDoc> {
        let folder = self.folders.get(f)?;
        Some(FolderDoc {
            id: self.folders.id(f).into(),
            name: folder.name.clone(),
            parent: folder.parent.map(|p| self.folders.id(p).into()),
            created_by: self.members.id(folder.created_by).into(),
        })
    }

    /// One asset as the snapshot holds it: references and grants sorted.
    pub(super) fn asset_doc(&self, a: AssetIx) -> Option<AssetDoc> {
        let asset = self.assets.get(a)?;
        let mut references: Vec<String> = asset
            .references
            .iter()
            .map(|r| self.assets.id(*r).into())
            .collect();
        crate::sort::sort(&mut references);
        let mut grants: Vec<GrantDoc> = asset
            .grants
            .iter()
            .map(|g| GrantDoc {
                to: self.target_of(g.to),
                level: g.level,
                expires_at: g.expires_at,
            })
            .collect();
        crate::sort::sort_by(&mut grants, |a, b| a.to.cmp(&b.to));
        Some(AssetDoc {
            id: self.assets.id(a).into(),
            kind: asset.kind,
            name: asset.name.clone(),
            folder: asset.folder.map(|f| self.folders.id(f).into()),
            owner: self.members.id(asset.owner).into(),
            public: asset.public,
            created_at: asset.created_at,
            references,
            grants,
            security: asset.security.as_deref().cloned(),
        })
    }
}
