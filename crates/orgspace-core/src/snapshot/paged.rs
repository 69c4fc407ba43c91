//! Views that page (issue 13): a member's view in pieces, so that no member downloads the whole
//! organization before the first page shows.
//!
//! - The **first view** ([`Engine::first_view`]) is a member's view (`snapshot/view.rs`) holding
//!   the org part (the member, their roles, groups, the workspaces they see) and the part of one
//!   workspace, the current one, when that part is small (at most [`CURRENT_PART_BUDGET`] bytes
//!   of JSON). The others are listed and not loaded.
//! - A **workspace view** ([`Engine::workspace_view`]) is one workspace's part as that member's
//!   view holds it, with the members, groups and data sources it names.
//! - [`Engine::add_view`] adds a workspace view to an engine loaded from a first view. A question
//!   about a workspace not loaded yet is refused (`invalid`), never answered from what is missing.
//!
//! The first view and every workspace view of a member, put together, are that member's whole
//! view, so each holds nothing the whole view does not (`tests/snapshot_paged.rs`).

use super::view::{Keep, grantees};
use super::{FORMAT, Listing, OrgPart, Snapshot, WorkspacePart};
use crate::engine::{Engine, SnapshotError};
use crate::error::{Refusal, invalid, not_found};
use crate::model::{Member, Org};
use crate::queries::not_member;
use crate::table::{UserIx, WorkspaceIx};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The largest current workspace part a first view carries, in bytes of JSON: about 25-40 KB
/// gzipped, so that the first view stays under 200 KB gzipped with the org part of an org of
/// 10k members and 10k workspaces (docs/api.md). A larger part comes in its own request.
pub const CURRENT_PART_BUDGET: usize = 256 * 1024;

/// Assets and folders past which a part is surely over the budget, so it is not serialized to
/// be measured.
const CURRENT_PART_ITEMS: usize = 4096;

/// The workspaces a first view lists beyond those it must hold (the current one, the member's
/// personal workspace, the default workspace), and, for org admins and central authorizers,
/// about the members it names: so that it stays small at every size of organization.
/// [`Engine::view_page`] brings the rest.
pub const FIRST_VIEW_LIST: usize = 200;

/// A member's first view: their view with the current workspace's part only.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstView {
    /// The current workspace: the one asked for, else the member's personal workspace. The view
    /// holds its part unless the part is over [`CURRENT_PART_BUDGET`]; then the host asks for its
    /// workspace view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The view: a snapshot with `view_of` set, listing every workspace the member sees and
    /// holding the parts of some ([`Engine::from_snapshot`] loads it).
    pub view: Snapshot,
}

impl Engine {
    /// `user`'s first view at `now`, with `workspace` (else their personal workspace) as the
    /// current one. A non-member is denied (P1); a workspace `user` does not see is `not_found`,
    /// as one that does not exist.
    pub fn first_view(
        &self,
        user: &str,
        workspace: Option<&str>,
        now: u64,
    ) -> Result<FirstView, Refusal> {
        self.first_view_listing(user, workspace, FIRST_VIEW_LIST, now)
    }

    /// [`Engine::first_view`] listing at most `list` workspaces (and, for org admins and
    /// central authorizers, members) beyond those it must hold: hosts and tests that page
    /// smaller.
    pub fn first_view_listing(
        &self,
        user: &str,
        workspace: Option<&str>,
        list: usize,
        now: u64,
    ) -> Result<FirstView, Refusal> {
        let (org, u) = self.asked_by_member(user)?;
        org.refuse_missing(org.first_view_scope(u, workspace))?;
        org.first_view(u, workspace, list, now)
    }

    /// `user`'s view of one workspace at `now`: the part their view holds and what it names.
    /// `not_found` for a workspace they do not see.
    pub fn workspace_view(
        &self,
        user: &str,
        workspace: &str,
        now: u64,
    ) -> Result<Snapshot, Refusal> {
        let (org, u) = self.asked_by_member(user)?;
        org.refuse_missing(alloc::vec![String::from(workspace)])?;
        org.workspace_view(u, workspace, now)
    }

    /// Adds a workspace view (or any piece of the same member's view at the same version) to an
    /// engine loaded from a first view: the engine then answers for that workspace too.
    /// Refused for another member's view, another version, or an engine not loaded from a view.
    /// A piece of another member's or another version's view is refused and changes nothing;
    /// a piece that joins but does not load (not one the core made) leaves the engine answering
    /// as before, and refusing every further piece: load the first view again.
    pub fn add_view(&mut self, more: Snapshot) -> Result<(), SnapshotError> {
        let Some(view) = self.paged.0.as_mut() else {
            return Err(SnapshotError::Malformed(
                "this engine was not loaded from a first view (Engine::from_view), or holds all of it"
                    .into(),
            ));
        };
        view.merge_view(more).map_err(SnapshotError::Malformed)?;
        // Joined in place (no copy of the view): the engine is rebuilt from it.
        let loaded = Engine::from_snapshot(view);
        let mut engine = loaded.inspect_err(|_| {
            view.view_of = None;
        })?;
        if crate::snapshot::is_paged(view) {
            engine.paged = Paged(self.paged.0.take());
        }
        *self = engine;
        Ok(())
    }
}

impl Org {
    fn first_view(
        &self,
        user: UserIx,
        workspace: Option<&str>,
        list: usize,
        now: u64,
    ) -> Result<FirstView, Refusal> {
        let member = self.members.get(user).ok_or_else(|| not_member(""))?;
        let whole = self.sees_whole_org(member);
        let kept = self.kept_all(user, member, whole, now);
        let current = match workspace {
            Some(id) => Some(
                self.workspaces
                    .find(id)
                    .filter(|w| kept.iter().any(|(k, _)| k == w))
                    .ok_or_else(|| not_seen(id))?,
            ),
            None => Some(member.personal).filter(|p| kept.iter().any(|(k, _)| k == p)),
        };
        // A page of the workspaces, with those the view must hold whatever their place.
        let must = |w: WorkspaceIx| {
            Some(w) == current || w == member.personal || Some(w) == self.default_workspace
        };
        let listed: Vec<&(WorkspaceIx, Keep)> = kept
            .iter()
            .enumerate()
            .filter(|(i, (w, _))| *i < list || must(*w))
            .map(|(_, k)| k)
            .collect();
        let viewer = self.viewer(user, member);
        let parts: Vec<WorkspacePart> = listed
            .iter()
            .filter(|(w, keep)| Some(*w) == current || matches!(keep, Keep::Nothing))
            .filter_map(|(w, keep)| self.kept_part(&viewer, *w, keep))
            .filter(|p| Some(p.id.as_str()) != current.map(|c| self.workspaces.id(c)) || fits(p))
            .collect();
        let headers: Vec<WorkspaceIx> = listed.iter().map(|(w, _)| *w).collect();
        let named = self.view_org_part(&viewer, member, &headers, &parts);
        let org = if whole {
            let users: Vec<&str> = named.members.iter().map(|m| m.user.as_str()).collect();
            self.whole_org_page(|u| users.binary_search(&u).is_ok(), &headers)
        } else {
            named
        };
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let listing = Some(Listing {
            workspaces: count(kept.len()),
            members: whole.then(|| count(self.members.len())),
        })
        .filter(|l| l.lists_more(&org));
        Ok(FirstView {
            current: current.map(|c| self.workspaces.id(c).into()),
            view: Snapshot {
                format: FORMAT,
                org,
                workspaces: parts,
                audit: Vec::new(),
                view_of: Some(self.members.id(user).into()),
                listing,
            },
        })
    }

    /// Every workspace `user`'s view lists, sorted by id, with what it keeps of each whose part
    /// is held; a group workspace whose part is not held is listed from the org index
    /// (`Org::listed_elsewhere`) with nothing read of it, so only the current one's and the
    /// default one's keep may be turned into a part.
    pub(super) fn kept_all(
        &self,
        user: UserIx,
        member: &Member,
        whole: bool,
        now: u64,
    ) -> Vec<(WorkspaceIx, Keep)> {
        if whole {
            self.workspaces
                .sorted()
                .into_iter()
                .map(|w| (w, Keep::Whole))
                .collect()
        } else {
            let grantees = super::view::grantees(user, member);
            let mut kept: Vec<(WorkspaceIx, Keep)> = self
                .workspaces
                .sorted()
                .into_iter()
                .filter_map(|w| match self.holds_ix(w) {
                    true => Some((w, self.keep_of(user, &grantees, w, now)?)),
                    false => self.listed_elsewhere(user, w).then(|| {
                        let nothing_read = Keep::Seen {
                            assets: Vec::new(),
                            folders: Vec::new(),
                        };
                        (w, nothing_read)
                    }),
                })
                .collect();
            self.keep_default(&mut kept);
            kept
        }
    }

    /// The org part of a whole view (what org admins and central authorizers see), cut to the
    /// members `keep` keeps and the workspaces `headers` names: every role, group (listing only
    /// the members kept) and data source.
    pub(super) fn whole_org_page(
        &self,
        keep: impl Fn(&str) -> bool,
        headers: &[WorkspaceIx],
    ) -> OrgPart {
        self.org_part_cut(keep, headers.to_vec())
    }

    fn workspace_view(&self, user: UserIx, id: &str, now: u64) -> Result<Snapshot, Refusal> {
        let member = self.members.get(user).ok_or_else(|| not_member(""))?;
        let w = self.workspaces.find(id).ok_or_else(|| not_seen(id))?;
        let keep = if self.sees_whole_org(member) {
            Some(Keep::Whole)
        } else if Some(w) == self.default_workspace {
            // The default workspace is in every view (W2), empty for those not in it.
            Some(
                self.keep_of(user, &grantees(user, member), w, now)
                    .unwrap_or(Keep::Nothing),
            )
        } else {
            self.keep_of(user, &grantees(user, member), w, now)
        };
        let keep = keep.ok_or_else(|| not_seen(id))?;
        let viewer = self.viewer(user, member);
        let part = self
            .kept_part(&viewer, w, &keep)
            .ok_or_else(|| not_seen(id))?;
        let parts = alloc::vec![part];
        let org = self.view_org_part(&viewer, member, &[w], &parts);
        Ok(Snapshot {
            format: FORMAT,
            org,
            workspaces: parts,
            audit: Vec::new(),
            view_of: Some(self.members.id(user).into()),
            listing: None,
        })
    }

    /// The refusal for a question about a workspace listed in a view but not loaded, or for an
    /// id no loaded part holds: the answer would be a guess.
    pub(crate) fn not_loaded(&self, what: &str) -> Option<Refusal> {
        (!self.unloaded.is_empty() || self.unlisted).then(|| {
            invalid(format!(
                "{what} is not in the workspaces this view has loaded: load its workspace view first (GET /v1/orgs/{{org}}/views/workspaces/{{workspace}}, addWorkspaceView)"
            ))
        })
    }
}

/// A workspace the member does not see answers as one that does not exist.
fn not_seen(id: &str) -> Refusal {
    not_found(format!("unknown workspace `{id}`"))
}

/// Whether a part fits the first view's budget.
fn fits(part: &WorkspacePart) -> bool {
    part.assets.len() + part.folders.len() <= CURRENT_PART_ITEMS
        && serde_json::to_vec(part).is_ok_and(|b| b.len() <= CURRENT_PART_BUDGET)
}

impl Snapshot {
    /// Adds the parts and org entries of `more`, a piece of the same member's view at the same
    /// version, to this view. Entries both hold are the same (they come from one state); group
    /// member lists and a table's columns, which each piece narrows to what it names, are joined.
    pub fn merge_view(&mut self, more: Snapshot) -> Result<(), String> {
        if self.view_of.is_none() || more.view_of != self.view_of {
            return Err("the piece is not of the same member's view".into());
        }
        if more.org.version != self.org.version || more.org.id != self.org.id {
            return Err(
                "the piece is of another version of the organization: load the first view again"
                    .into(),
            );
        }
        let org = &mut self.org;
        let theirs = more.org;
        join(&mut org.workspaces, theirs.workspaces, |h| &h.id);
        join(&mut org.members, theirs.members, |m| &m.user);
        join(&mut org.org_roles, theirs.org_roles, |r| &r.id);
        for g in theirs.groups {
            match org.groups.iter_mut().find(|x| x.id == g.id) {
                Some(mine) => join(&mut mine.members, g.members, |m| m),
                None => join(&mut org.groups, alloc::vec![g], |x| &x.id),
            }
        }
        for s in theirs.data_sources {
            let Some(mine) = org.data_sources.iter_mut().find(|x| x.id == s.id) else {
                join(&mut org.data_sources, alloc::vec![s], |x| &x.id);
                continue;
            };
            for t in s.tables {
                match mine.tables.iter_mut().find(|x| x.name == t.name) {
                    Some(table) => {
                        for c in t.columns {
                            if !table.columns.iter().any(|x| x.name == c.name) {
                                table.columns.push(c);
                            }
                        }
                    }
                    None => mine.tables.push(t),
                }
            }
        }
        join(&mut self.workspaces, more.workspaces, |p| &p.id);
        // Every page in: the view lists all (a listing says lists are missing).
        self.listing = self.listing.filter(|l| l.lists_more(&self.org));
        Ok(())
    }
}

/// Adds the entries of `more` that `list` lacks (by key), keeping `list` sorted by key.
fn join<T>(list: &mut Vec<T>, more: Vec<T>, key: impl Fn(&T) -> &String) {
    for item in more {
        if let Err(at) = list.binary_search_by(|x| key(x).cmp(key(&item))) {
            list.insert(at, item);
        }
    }
}

/// The first view an engine was loaded from, while some of its workspaces are not loaded. A
/// copy of the engine (a dry run's) does not keep it: the browser module carries no code to copy
/// a snapshot.
#[derive(Debug, Default)]
pub(crate) struct Paged(pub(crate) Option<alloc::boxed::Box<Snapshot>>);

impl Clone for Paged {
    fn clone(&self) -> Self {
        Paged(None)
    }
}

/// Whether a snapshot is a view that lists workspaces it holds no part of, or lists a page of
/// its lists only.
pub(crate) fn is_paged(snapshot: &Snapshot) -> bool {
    snapshot.view_of.is_some()
        && (snapshot
            .org
            .workspaces
            .iter()
            .any(|h| snapshot.workspaces.iter().all(|p| p.id != h.id))
            || snapshot.listing.is_some())
}
