//! What an organization loaded from some parts knows of the parts it does not hold (the org
//! index, `index.rs`, with feature `parts`): the few cross-workspace questions commands ask.
//! A whole organization, and every build without the feature, holds every part.

use crate::error::{Refusal, invalid};
use crate::model::Org;
use crate::table::UserIx;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

impl Org {
    /// Whether this organization was loaded from some parts to run commands on them.
    #[inline]
    pub(crate) fn writes_parts(&self) -> bool {
        #[cfg(feature = "parts")]
        return self.outside.is_some();
        #[cfg(not(feature = "parts"))]
        return false;
    }

    /// Whether the part of a workspace is held: always in a whole organization.
    #[cfg(feature = "parts")]
    pub(crate) fn holds_part(&self, workspace: &str) -> bool {
        self.outside
            .as_ref()
            .is_none_or(|o| o.loaded.contains(workspace))
    }

    /// Refuses a view that reads parts not held: made without them it would leave out what
    /// the member sees there (a host loads what [`crate::Engine::first_view_needs`] names).
    pub(crate) fn refuse_missing(&self, scope: Vec<String>) -> Result<(), Refusal> {
        let held = |w: &str| {
            #[cfg(feature = "parts")]
            if let Some(o) = &self.outside {
                return o.loaded.contains(w);
            }
            self.workspaces
                .find(w)
                .is_none_or(|ix| self.parts_missing.binary_search(&ix).is_err())
        };
        let missing: Vec<String> = scope.into_iter().filter(|w| !held(w)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(invalid(format!(
            "this view reads workspace parts this engine does not hold ({}): load them first",
            missing.join(", ")
        )))
    }

    /// The parts `user`'s first view reads: the current workspace's and their personal
    /// workspace's; for a member who does not see the whole organization, also the other
    /// members' personal workspaces whose part names them or a group they are in (W4: only a
    /// grant opens one, and only the part says whether it still does). Group workspaces are
    /// listed from the org index's members (`Org::listed_elsewhere`). Without the org index,
    /// every part.
    pub(crate) fn first_view_scope(&self, user: UserIx, current: Option<&str>) -> Vec<String> {
        let Some(member) = self.members.get(user) else {
            return Vec::new();
        };
        let mut out = alloc::vec![String::from(self.workspaces.id(member.personal))];
        out.extend(current.map(String::from));
        if self.sees_whole_org(member) {
            return out;
        }
        #[cfg(feature = "parts")]
        if self.outside.is_some() {
            let id = self.members.id(user);
            let scope = self.view_scope(id);
            let personal = |w: &String| {
                self.workspaces
                    .find(w)
                    .and_then(|ix| self.workspaces.get(ix))
                    .is_some_and(|ws| ws.kind == crate::vocab::WorkspaceKind::Personal)
            };
            out.extend(scope.into_iter().filter(personal));
            return out;
        }
        self.workspaces
            .iter()
            .map(|(w, _)| String::from(self.workspaces.id(w)))
            .collect()
    }

    /// Whether the part of workspace `w` is held (always, without the org index).
    pub(crate) fn holds_ix(&self, w: crate::table::WorkspaceIx) -> bool {
        #[cfg(feature = "parts")]
        if let Some(o) = &self.outside {
            return o.loaded.contains(self.workspaces.id(w));
        }
        let _ = w;
        true
    }

    /// For a workspace whose part is not held: whether `user` is one of its members, by the org
    /// index, or owns it.
    pub(crate) fn listed_elsewhere(&self, user: UserIx, w: crate::table::WorkspaceIx) -> bool {
        if self
            .workspaces
            .get(w)
            .is_some_and(|ws| ws.owner == Some(user))
        {
            return true;
        }
        #[cfg(feature = "parts")]
        if let Some(o) = &self.outside {
            let id = self.workspaces.id(w);
            return o
                .index
                .workspaces
                .get(id)
                .is_some_and(|r| r.members.contains_key(self.members.id(user)));
        }
        false
    }

    /// O7 in a partial organization: whether the member belongs to a group workspace whose part
    /// is not loaded.
    pub(crate) fn member_elsewhere(&self, user: &str) -> bool {
        #[cfg(feature = "parts")]
        return self
            .outside
            .as_ref()
            .is_some_and(|o| o.unloaded().any(|(_, r)| r.members.contains_key(user)));
        #[cfg(not(feature = "parts"))]
        {
            let _ = user;
            false
        }
    }

    /// The workspace not loaded whose part holds a folder id, if any.
    pub(crate) fn folder_elsewhere(&self, folder: &str) -> Option<&str> {
        #[cfg(feature = "parts")]
        {
            let o = self.outside.as_ref()?;
            o.unloaded()
                .find(|(_, r)| {
                    r.folders
                        .binary_search_by(|f| f.as_str().cmp(folder))
                        .is_ok()
                })
                .map(|(id, _)| id.as_str())
        }
        #[cfg(not(feature = "parts"))]
        {
            let _ = folder;
            None
        }
    }
}
