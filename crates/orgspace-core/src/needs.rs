//! What a command reads or writes beyond the org part: the workspace parts a partial engine
//! must hold to run it as the whole engine would, and the asset ids the host must locate first
//! (an asset command names an asset, not its workspace; a new asset's id must be free in every
//! workspace). A host asks [`crate::Engine::needs`], loads what is missing, and asks again until
//! nothing is; the engine refuses to run a command whose parts are not loaded.
//!
//! Commands spanning workspaces find their parts in the org index (`index.rs`): a member removal
//! touches the parts naming the member, a group deletion those naming the group, a data source
//! deletion or re-creation those using it.

use crate::command::Command;
use crate::index::{OrgIndex, WorkspaceRefs};
use crate::model::Org;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// What a partial engine lacks to run a command.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    /// Workspace parts to load, sorted.
    pub workspaces: Vec<String>,
    /// Asset ids to locate, sorted: load the part of the workspace holding each, if any.
    pub assets: Vec<String>,
}

impl Needs {
    /// Whether nothing is missing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.workspaces.is_empty() && self.assets.is_empty()
    }
}

/// Everything a command reads or writes, loaded or not.
#[derive(Default)]
pub(crate) struct Scope {
    pub(crate) workspaces: BTreeSet<String>,
    pub(crate) assets: BTreeSet<String>,
}

impl Org {
    fn add_asset(&self, scope: &mut Scope, id: &str) {
        match self.assets.find(id).and_then(|ix| self.assets.get(ix)) {
            Some(a) => {
                scope
                    .workspaces
                    .insert(self.workspaces.id(a.workspace).into());
            }
            None => {
                scope.assets.insert(id.into());
            }
        }
    }

    fn add_workspace(&self, scope: &mut Scope, id: &str) {
        if self.workspaces.contains(id) {
            scope.workspaces.insert(id.into());
        }
    }

    fn add_personal(&self, scope: &mut Scope, user: &str) {
        self.add_workspace(scope, &crate::apply::members::personal_id(user));
    }

    fn add_default(&self, scope: &mut Scope) {
        if let Some(d) = self.default_workspace {
            scope.workspaces.insert(self.workspaces.id(d).into());
        }
    }

    fn add_folder(&self, scope: &mut Scope, id: &str) {
        match self.folders.find(id).and_then(|f| self.folders.get(f)) {
            Some(f) => {
                scope
                    .workspaces
                    .insert(self.workspaces.id(f.workspace).into());
            }
            None => {
                if let Some(ws) = self.folder_elsewhere(id) {
                    scope.workspaces.insert(ws.into());
                }
            }
        }
    }

    /// The workspaces whose index entry satisfies `pred`: from the index for parts not
    /// loaded, from the state for the others.
    fn add_where(&self, scope: &mut Scope, pred: impl Fn(&WorkspaceRefs) -> bool) {
        let index: OrgIndex = match &self.outside {
            Some(o) => OrgIndex {
                workspaces: o
                    .unloaded()
                    .map(|(id, r)| (id.clone(), r.clone()))
                    .filter(|(_, r)| pred(r))
                    .collect(),
            },
            None => OrgIndex::default(),
        };
        scope.workspaces.extend(index.workspaces.into_keys());
        for (w, _) in self.workspaces.iter() {
            let id = self.workspaces.id(w);
            if self.holds_part(id) && pred(&self.workspace_refs(w)) {
                scope.workspaces.insert(id.into());
            }
        }
    }

    /// Every part that names `group` or a group it is nested in (P2), as grantee or in a
    /// row or column rule.
    fn add_naming_group_chain(&self, scope: &mut Scope, group: &str) {
        let mut chain: Vec<&str> = Vec::new();
        let mut next = self.groups.find(group);
        while let Some(g) = next {
            let id = self.groups.id(g);
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            next = self.groups.get(g).and_then(|x| x.parent);
        }
        if chain.is_empty() {
            chain.push(group);
        }
        self.add_where(scope, |r| chain.iter().any(|g| r.names_group(g)));
    }

    /// Whether the member belongs to a group workspace, held or not (O7).
    fn in_some_group_workspace(&self, user: &str) -> bool {
        self.members
            .find(user)
            .is_some_and(|u| self.group_workspaces_of(u).next().is_some())
            || self.member_elsewhere(user)
    }

    /// Everything `command` reads or writes beyond the org part.
    pub(crate) fn command_scope(&self, command: &Command) -> Scope {
        let mut s = Scope::default();
        match command {
            Command::CreateOrg { .. }
            | Command::UpgradeOrg(_)
            | Command::RenameOrg { .. }
            | Command::SetAttributes { .. }
            | Command::DefineOrgRole { .. }
            | Command::DeleteOrgRole { .. }
            | Command::CreateGroup { .. }
            | Command::SetDefaultWorkspace { .. } => {}
            // X3: who a group reaches changes only for those who could make every grant and
            // rule that names it or a group it is nested in (P2), wherever they are.
            Command::AddGroupMember { group, .. }
            | Command::RemoveGroupMember { group, .. }
            | Command::DeleteGroup { group } => self.add_naming_group_chain(&mut s, group),
            // R1: the viewer's standing in the workspace; the view itself is not written.
            Command::ViewAs { workspace, .. } => self.add_workspace(&mut s, workspace),
            Command::AddMember { workspace, .. } => match workspace {
                Some(w) => self.add_workspace(&mut s, w),
                None => self.add_default(&mut s),
            },
            Command::RemoveMember { user, new_owner } => {
                self.add_where(&mut s, |r| r.names_user(user));
                self.add_personal(&mut s, user);
                if let Some(heir) = new_owner {
                    self.add_personal(&mut s, heir);
                }
            }
            // O7: a demoted org admin in no group workspace joins the default one.
            Command::SetOrgRoles { user, roles } => {
                let demoted = self
                    .members
                    .find(user)
                    .and_then(|u| self.members.get(u))
                    .is_some_and(|m| m.org_admin)
                    && !roles.iter().any(|r| r == "org_admin");
                if demoted && !self.in_some_group_workspace(user) {
                    self.add_default(&mut s);
                }
            }
            Command::CreateWorkspace { .. } => {}
            Command::DeleteWorkspace { workspace } => {
                self.add_workspace(&mut s, workspace);
                self.add_default(&mut s);
            }
            Command::ModifyWorkspace { workspace, .. }
            | Command::SetWorkspaceMode { workspace, .. }
            | Command::AddWorkspaceMember { workspace, .. }
            | Command::RemoveWorkspaceMember { workspace, .. }
            | Command::SetWorkspaceRoles { workspace, .. }
            | Command::DefineWorkspaceRole { workspace, .. }
            | Command::DeleteWorkspaceRole { workspace, .. }
            | Command::GrantTable { workspace, .. }
            | Command::RevokeTable { workspace, .. } => self.add_workspace(&mut s, workspace),
            Command::CreateFolder {
                folder,
                workspace,
                parent,
                ..
            } => {
                self.add_workspace(&mut s, workspace);
                self.add_folder(&mut s, folder);
                if let Some(p) = parent {
                    self.add_folder(&mut s, p);
                }
            }
            Command::RenameFolder { folder, .. } | Command::DeleteFolder { folder } => {
                self.add_folder(&mut s, folder);
            }
            Command::MoveFolder { folder, parent } => {
                self.add_folder(&mut s, folder);
                if let Some(p) = parent {
                    self.add_folder(&mut s, p);
                }
            }
            Command::CreateAsset {
                asset,
                workspace,
                folder,
                references,
                ..
            } => {
                self.add_workspace(&mut s, workspace);
                self.add_asset(&mut s, asset);
                if let Some(f) = folder {
                    self.add_folder(&mut s, f);
                }
                for r in references {
                    self.add_asset(&mut s, r);
                }
            }
            Command::ModifyAsset {
                asset, references, ..
            } => {
                self.add_asset(&mut s, asset);
                for r in references.iter().flatten() {
                    self.add_asset(&mut s, r);
                }
            }
            Command::MoveAsset { asset, folder } => {
                self.add_asset(&mut s, asset);
                if let Some(f) = folder {
                    self.add_folder(&mut s, f);
                }
            }
            Command::DeleteAsset { asset }
            | Command::Grant { asset, .. }
            | Command::Revoke { asset, .. }
            | Command::Share { asset, .. }
            | Command::SetPublic { asset, .. }
            | Command::SetDatasetTable { asset, .. }
            | Command::SetRowRules { asset, .. }
            | Command::SetColumnRules { asset, .. } => self.add_asset(&mut s, asset),
            Command::TransferOwnership { asset, to } => {
                self.add_asset(&mut s, asset);
                // A6: an asset of a personal workspace moves into the new owner's.
                self.add_personal(&mut s, to);
            }
            // D1: datasets built on a source of this id must still fit it (issue 16, defect 3).
            Command::CreateDataSource { source, .. } | Command::DeleteDataSource { source } => {
                self.add_where(&mut s, |r| r.uses_source(source));
            }
        }
        s
    }

    /// Every part a member's view (`snapshot_for`, `snapshot/view.rs`) reads: all of them for a
    /// member who sees the whole organization; else the workspaces they are a member of or
    /// own, their personal workspace, and the personal workspaces whose part names them or a
    /// group they are in (W4: a grant is the only way into another's personal workspace). A
    /// superset of what the view keeps: the view itself decides what it shows.
    pub(crate) fn view_scope(&self, user: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Some((u, member)) = self
            .members
            .find(user)
            .and_then(|u| self.members.get(u).map(|m| (u, m)))
        else {
            return out;
        };
        let whole = self.sees_whole_org(member);
        let groups: Vec<&str> = member
            .effective_groups
            .iter()
            .map(|g| self.groups.id(*g))
            .collect();
        let personal = crate::apply::members::personal_id(user);
        for (w, ws) in self.workspaces.iter() {
            let id = self.workspaces.id(w);
            let refs = match &self.outside {
                Some(o) if !o.loaded.contains(id) => {
                    o.index.workspaces.get(id).cloned().unwrap_or_default()
                }
                _ => self.workspace_refs(w),
            };
            let named = refs.names_user(user) || groups.iter().any(|g| refs.names_group(g));
            let keep = whole
                || id == personal
                || ws.owner == Some(u)
                || refs.members.contains_key(user)
                || (ws.kind == crate::vocab::WorkspaceKind::Personal && named);
            if keep {
                out.insert(id.into());
            }
        }
        out
    }

    /// What a partial organization lacks to answer `user`'s view; nothing for a whole one.
    pub(crate) fn view_needs(&self, user: &str) -> Needs {
        if self.outside.is_none() {
            return Needs::default();
        }
        Needs {
            workspaces: self
                .view_scope(user)
                .into_iter()
                .filter(|w| !self.holds_part(w))
                .collect(),
            assets: Vec::new(),
        }
    }

    /// What a partial organization lacks to run `command`; nothing for a whole one.
    pub(crate) fn needs(&self, command: &Command) -> Needs {
        if self.outside.is_none() {
            return Needs::default();
        }
        let scope = self.command_scope(command);
        Needs {
            workspaces: scope
                .workspaces
                .into_iter()
                .filter(|w| !self.holds_part(w))
                .collect(),
            assets: scope.assets.into_iter().collect(),
        }
    }
}
