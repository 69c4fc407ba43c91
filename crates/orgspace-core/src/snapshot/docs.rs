//! Documents of some assets and folders by id, as the snapshot holds them: what a host shows
//! next to a list the engine answered, without saving the whole workspace part (100,000
//! asset documents for an analyst who sees 2,000 of them).

use super::{AssetDoc, FolderDoc};
use crate::engine::Engine;
use alloc::vec::Vec;

impl Engine {
    /// The documents of the assets among `ids` this engine holds, in the order given (unknown
    /// ids left out). Data, not a decision: hosts pass ids the engine decided on.
    pub fn asset_docs<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<AssetDoc> {
        let Ok(org) = self.org() else {
            return Vec::new();
        };
        let mut prev = None;
        ids.into_iter()
            .filter_map(|id| {
                let ix = org.assets.find_next(id, prev)?;
                prev = Some(ix);
                org.asset_doc(ix)
            })
            .collect()
    }

    /// The documents of the folders among `ids` this engine holds, in the order given.
    pub fn folder_docs<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<FolderDoc> {
        let Ok(org) = self.org() else {
            return Vec::new();
        };
        ids.into_iter()
            .filter_map(|id| org.folder_doc(org.folders.find(id)?))
            .collect()
    }
}
