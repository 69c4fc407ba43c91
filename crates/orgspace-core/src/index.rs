//! The org index: derived, cross-workspace data that the org part does not carry, so that an
//! engine holding the org part and *some* workspace parts can run commands (a writer that holds
//! what a command needs, not the whole organization; issue 13).
//!
//! For every workspace it says what its part names outside itself: its members with the reach
//! their roles give (A2 in personal workspaces, `authz/reach.rs`), the other members it names
//! (asset owners, grantees, folder creators, rule audiences), the groups it names (grantees, rule
//! audiences), the data sources it uses (table grants, datasets) and its folders' ids (unique in
//! the organization). From it [`crate::Engine::needs`] knows which parts a command spanning
//! workspaces touches (a member removal, a group or data source deletion), and a partial engine
//! answers what would otherwise need every part (is this member in another group workspace? is
//! this folder id taken? what does this member's reach become?).
//!
//! It is derived data: [`crate::Engine::index`] computes it, deterministically, from a whole
//! engine, and a partial engine keeps it current for the parts its commands change. Hosts store
//! it beside the org part.

use crate::authz::RoleReach;
use crate::data::TableRef;
use crate::model::{Grantee, Org};
use crate::table::WorkspaceIx;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// What each workspace's part names outside itself, by workspace id.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgIndex {
    /// One entry per workspace, sorted by id.
    pub workspaces: BTreeMap<String, WorkspaceRefs>,
}

/// What one workspace's part names outside itself. Lists are sorted and free of duplicates.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceRefs {
    /// Members of a group workspace, with what their roles there permit as reach bits (see
    /// `MemberDoc::reach`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub members: BTreeMap<String, u64>,
    /// Every other member the part names: asset owners, user grantees, folder creators, users
    /// in row and column rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Groups the part names: grantees and groups in row and column rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Data sources it uses: table grants and datasets' tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Its folders' ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folders: Vec<String>,
}

impl WorkspaceRefs {
    /// Whether the part names the member anywhere (membership included).
    #[must_use]
    pub fn names_user(&self, user: &str) -> bool {
        self.members.contains_key(user)
            || self
                .users
                .binary_search_by(|u| u.as_str().cmp(user))
                .is_ok()
    }

    /// Whether the part names the group.
    #[must_use]
    pub fn names_group(&self, group: &str) -> bool {
        self.groups
            .binary_search_by(|g| g.as_str().cmp(group))
            .is_ok()
    }

    /// Whether the part uses the data source.
    #[must_use]
    pub fn uses_source(&self, source: &str) -> bool {
        self.sources
            .binary_search_by(|s| s.as_str().cmp(source))
            .is_ok()
    }
}

/// What a partial engine knows of the workspaces it does not hold: the index, and which
/// workspaces it holds (their entries are recomputed from the state after each command).
#[derive(Clone, Debug, Default)]
pub(crate) struct Outside {
    pub(crate) index: OrgIndex,
    /// Ids of the workspaces whose parts are loaded.
    pub(crate) loaded: BTreeSet<String>,
    /// Whether this engine runs one round of a command spanning workspaces (`span.rs`): the
    /// command runs on the parts loaded, not refused for those it spans that are not.
    pub(crate) round: bool,
}

impl Outside {
    /// Entries of the workspaces not loaded.
    pub(crate) fn unloaded(&self) -> impl Iterator<Item = (&String, &WorkspaceRefs)> {
        self.index
            .workspaces
            .iter()
            .filter(|(id, _)| !self.loaded.contains(*id))
    }
}

fn sorted(set: BTreeSet<&str>) -> Vec<String> {
    set.into_iter().map(String::from).collect()
}

impl Org {
    /// One workspace's entry, from its state in memory.
    pub(crate) fn workspace_refs(&self, w: WorkspaceIx) -> WorkspaceRefs {
        let Some(ws) = self.workspaces.get(w) else {
            return WorkspaceRefs::default();
        };
        let members = ws
            .members
            .iter()
            .map(|(u, roles)| {
                (
                    String::from(self.members.id(*u)),
                    RoleReach::of_roles(roles).0,
                )
            })
            .collect();
        let mut users: BTreeSet<&str> = BTreeSet::new();
        let mut groups: BTreeSet<&str> = BTreeSet::new();
        let mut sources: BTreeSet<&str> = BTreeSet::new();
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for &f in &ws.folders {
            folders.insert(self.folders.id(f));
            if let Some(folder) = self.folders.get(f) {
                users.insert(self.members.id(folder.created_by));
            }
        }
        for &a in &ws.assets {
            let Some(asset) = self.assets.get(a) else {
                continue;
            };
            users.insert(self.members.id(asset.owner));
            for g in &asset.grants {
                match g.to {
                    Grantee::User(u) => users.insert(self.members.id(u)),
                    Grantee::Group(gr) => groups.insert(self.groups.id(gr)),
                };
            }
            if let Some(sec) = asset.security.as_deref() {
                if let Some(TableRef { source, .. }) = &sec.table {
                    sources.insert(source.as_str());
                }
                let audiences = sec
                    .row_rules
                    .iter()
                    .map(|r| &r.targets)
                    .chain(sec.column_rules.iter().map(|r| &r.targets));
                for a in audiences {
                    users.extend(a.users.iter().map(String::as_str));
                    groups.extend(a.groups.iter().map(String::as_str));
                }
            }
        }
        for (source, _) in ws.table_grants.keys() {
            sources.insert(source.as_str());
        }
        // Members are listed with their reach; `users` holds the others.
        for (u, _) in &ws.members {
            users.remove(self.members.id(*u));
        }
        WorkspaceRefs {
            members,
            users: sorted(users),
            groups: sorted(groups),
            sources: sorted(sources),
            folders: sorted(folders),
        }
    }

    /// The index: every workspace's entry, computed where its part is loaded and taken from
    /// the index this (partial) organization was loaded with elsewhere.
    pub(crate) fn index(&self) -> OrgIndex {
        let mut workspaces = BTreeMap::new();
        for (w, _) in self.workspaces.iter() {
            let id = self.workspaces.id(w);
            let refs = match &self.outside {
                Some(o) if !o.loaded.contains(id) => {
                    o.index.workspaces.get(id).cloned().unwrap_or_default()
                }
                _ => self.workspace_refs(w),
            };
            workspaces.insert(String::from(id), refs);
        }
        OrgIndex { workspaces }
    }
}
