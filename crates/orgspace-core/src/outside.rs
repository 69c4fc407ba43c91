//! What an organization loaded from some parts knows of the parts it does not hold (the org
//! index, `index.rs`, with feature `parts`): the few cross-workspace questions commands ask.
//! A whole organization, and every build without the feature, holds every part.

use crate::model::Org;

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
