//! A writable engine over some parts: the org part, the org index and the workspace parts a
//! command needs (issue 13: a writer holds what a command needs, not the whole organization).
//!
//! The host builds it with [`Engine::from_parts_indexed`], asks [`Engine::needs`] what else the
//! command reads or writes, loads that and asks again, then runs the command with
//! [`Engine::execute_tracked`], which also says exactly which parts changed. The engine refuses a
//! command whose parts are not loaded (never a wrong answer), keeps the index current for the
//! parts it changed, and the org part, the changed parts and the index it then gives are those
//! a whole engine would give (the property in `tests/parts_prop.rs`).

use crate::command::Command;
use crate::engine::{Applied, Engine, SnapshotError};
use crate::error::{Refusal, invalid};
use crate::event::Event;
use crate::index::{OrgIndex, Outside};
use crate::model::Org;
use crate::needs::Needs;
use crate::snapshot::{OrgPart, Snapshot, WorkspacePart};
use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The workspace parts an accepted command changed.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// Parts to (re)write, sorted: created or changed.
    pub workspaces: Vec<String>,
    /// Parts to delete, sorted.
    pub deleted: Vec<String>,
}

/// An accepted command and the parts it changed. The org part changes with every command (its
/// version), and the index with the parts.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Executed {
    /// What the command did.
    pub applied: Applied,
    /// The parts it changed.
    pub changed: Changed,
}

/// The index has one entry per workspace of the org part, and no other.
pub(crate) fn check_index(org: &OrgPart, index: &OrgIndex) -> Result<(), SnapshotError> {
    let listed: BTreeSet<&str> = org.workspaces.iter().map(|h| h.id.as_str()).collect();
    let indexed: BTreeSet<&str> = index.workspaces.keys().map(String::as_str).collect();
    if listed != indexed {
        let missing: Vec<&&str> = listed.symmetric_difference(&indexed).take(5).collect();
        return Err(SnapshotError::Malformed(format!(
            "the index does not match the org part's workspaces (differ: {missing:?})"
        )));
    }
    Ok(())
}

impl Engine {
    /// Loads the org part, the org index and some workspace parts, for running commands on
    /// them (see [`Engine::needs`]) and answering queries about them. The index must have one
    /// entry per workspace of the org part.
    pub fn from_parts_indexed(
        org: &OrgPart,
        index: &OrgIndex,
        workspaces: &[WorkspacePart],
    ) -> Result<Engine, SnapshotError> {
        check_index(org, index)?;
        let snapshot = Snapshot {
            format: crate::snapshot::FORMAT,
            org: org.clone(),
            workspaces: workspaces.to_vec(),
            audit: Vec::new(),
            view_of: None,
            listing: None,
        };
        let mut loaded = Org::load(&snapshot, true).map_err(SnapshotError::Problems)?;
        loaded.outside = Some(Box::new(Outside {
            index: index.clone(),
            loaded: workspaces.iter().map(|p| p.id.clone()).collect(),
            round: false,
        }));
        Ok(Engine::writable(loaded))
    }

    /// The org index: what each workspace's part names outside itself (see [`OrgIndex`]), or
    /// `None` before the organization exists. Deterministic: a partial engine gives what the
    /// whole engine in the same state gives.
    #[must_use]
    pub fn index(&self) -> Option<OrgIndex> {
        self.org().ok().map(Org::index)
    }

    /// What this engine lacks to run `command`: parts to load and asset ids to locate (load
    /// the part holding each; ids found nowhere are new, and stay listed). Nothing for a whole
    /// engine. A host loads what is listed and asks again until no part is missing.
    #[must_use]
    pub fn needs(&self, command: &Command) -> Needs {
        self.org().map(|o| o.needs(command)).unwrap_or_default()
    }

    /// What this engine lacks to answer `user`'s view ([`Engine::snapshot_for`]): the parts it
    /// reads (every part for an org admin or a central authorizer). Nothing for a whole engine.
    #[must_use]
    pub fn view_needs(&self, user: &str) -> Needs {
        self.org().map(|o| o.view_needs(user)).unwrap_or_default()
    }

    /// What a partial engine lacks to make `user`'s first view naming `workspace`
    /// ([`Engine::first_view`]) or a page of their lists ([`Engine::view_page`]): the current
    /// and personal workspaces' parts, and for anyone but an org admin the other members'
    /// personal workspaces whose part names them or their groups (`Org::first_view_scope`).
    pub fn first_view_needs(&self, user: &str, workspace: Option<&str>) -> Needs {
        let Ok(org) = self.org() else {
            return Needs::default();
        };
        let Some(u) = org.members.find(user) else {
            return Needs::default();
        };
        let mut workspaces: Vec<String> = org
            .first_view_scope(u, workspace)
            .into_iter()
            .filter(|w| org.workspaces.contains(w) && !org.holds_part(w))
            .collect();
        crate::sort::sort(&mut workspaces);
        workspaces.dedup();
        Needs {
            workspaces,
            assets: Vec::new(),
        }
    }

    /// [`Engine::execute`], saying which workspace parts the command changed.
    pub fn execute_tracked(
        &mut self,
        actor: &str,
        command: &Command,
        at: u64,
    ) -> Result<Executed, Refusal> {
        // The parts a command spanning workspaces rewrites, found before it removes what names
        // them.
        let spanning = match (self.org(), command) {
            (
                Ok(org),
                Command::RemoveMember { .. }
                | Command::DeleteGroup { .. }
                | Command::DeleteDataSource { .. },
            ) => org.command_scope(command).workspaces,
            _ => BTreeSet::new(),
        };
        let applied = self.execute(actor, command, at)?;
        let org = self.org()?;
        Ok(Executed {
            changed: org.changed_parts(&applied.events, spanning),
            applied,
        })
    }
}

impl Org {
    /// A partial organization refuses a command whose parts are not loaded.
    pub(crate) fn require_needs(&self, command: &Command) -> Result<(), Refusal> {
        // A round of a command spanning workspaces runs on the parts of the round only.
        if self.outside.as_ref().is_some_and(|o| o.round) {
            return Ok(());
        }
        let needs = self.needs(command);
        if needs.workspaces.is_empty() {
            return Ok(());
        }
        Err(invalid(format!(
            "this engine does not hold the parts the command needs: {}",
            needs.workspaces.join(", ")
        )))
    }

    /// After an accepted command on a partial organization: workspaces it created are held,
    /// those it deleted leave the index.
    pub(crate) fn settle_outside(&mut self) {
        let Some(mut outside) = self.outside.take() else {
            return;
        };
        let present: BTreeSet<String> = self
            .workspaces
            .iter()
            .map(|(w, _)| String::from(self.workspaces.id(w)))
            .collect();
        outside
            .index
            .workspaces
            .retain(|id, _| present.contains(id));
        outside.loaded.retain(|id| present.contains(id));
        for id in present {
            if !outside.index.workspaces.contains_key(&id) {
                outside.loaded.insert(id.clone());
                outside
                    .index
                    .workspaces
                    .insert(id, crate::index::WorkspaceRefs::default());
            }
        }
        self.outside = Some(outside);
    }

    /// The parts a command's events changed, with `spanning`, the parts a command spanning
    /// workspaces rewrites.
    pub(crate) fn changed_parts(&self, events: &[Event], spanning: BTreeSet<String>) -> Changed {
        let mut changed = BTreeSet::new();
        let mut deleted = BTreeSet::new();
        let mut cross = false;
        for event in events {
            match event {
                Event::OrgCreated { .. } | Event::OrgUpgraded { .. } => {
                    for (w, _) in self.workspaces.iter() {
                        changed.insert(String::from(self.workspaces.id(w)));
                    }
                }
                Event::MemberAdded {
                    personal_workspace, ..
                } => {
                    changed.insert(personal_workspace.clone());
                }
                Event::MemberRemoved { user, .. } => {
                    deleted.insert(crate::apply::members::personal_id(user));
                    cross = true;
                }
                Event::GroupDeleted { .. } | Event::DataSourceDeleted { .. } => cross = true,
                Event::WorkspaceDeleted { workspace } => {
                    deleted.insert(workspace.clone());
                }
                Event::OwnerChanged {
                    from_workspace,
                    workspace,
                    ..
                } => {
                    changed.insert(from_workspace.clone());
                    changed.insert(workspace.clone());
                }
                Event::WorkspaceCreated { workspace }
                | Event::WorkspaceMemberAdded { workspace, .. }
                | Event::WorkspaceMemberRemoved { workspace, .. }
                | Event::WorkspaceRolesSet { workspace, .. }
                | Event::WorkspaceRoleDefined { workspace, .. }
                | Event::WorkspaceRoleDeleted { workspace, .. }
                | Event::FolderCreated { workspace, .. }
                | Event::FolderChanged { workspace, .. }
                | Event::FolderDeleted { workspace, .. }
                | Event::AssetCreated { workspace, .. }
                | Event::AssetChanged { workspace, .. }
                | Event::AssetDeleted { workspace, .. }
                | Event::GrantSet { workspace, .. }
                | Event::GrantRemoved { workspace, .. }
                | Event::PublicSet { workspace, .. }
                | Event::TableGranted { workspace, .. }
                | Event::TableRevoked { workspace, .. }
                | Event::DatasetSecuritySet { workspace, .. } => {
                    changed.insert(workspace.clone());
                }
                // The org part only: names and modes live in the workspace directory.
                Event::OrgRenamed { .. }
                | Event::WorkspaceRenamed { .. }
                | Event::WorkspaceModeSet { .. }
                | Event::DefaultWorkspaceSet { .. }
                | Event::OrgRolesSet { .. }
                | Event::AttributesSet { .. }
                | Event::OrgRoleDefined { .. }
                | Event::OrgRoleDeleted { .. }
                | Event::GroupCreated { .. }
                | Event::GroupMemberAdded { .. }
                | Event::GroupMemberRemoved { .. }
                | Event::DataSourceCreated { .. }
                | Event::ViewedAs { .. } => {}
            }
        }
        if cross {
            changed.extend(spanning);
        }
        let workspaces = changed
            .into_iter()
            .filter(|w| self.workspaces.contains(w) && !deleted.contains(w))
            .collect();
        let deleted = deleted
            .into_iter()
            .filter(|w| !self.workspaces.contains(w))
            .collect();
        Changed {
            workspaces,
            deleted,
        }
    }
}
