//! Loading a writable engine over some parts (`parts.rs`) from their stored bytes, one part at a
//! time and straight into the tables, as the edge reader does (`stream.rs`, `binary.rs`): what
//! the edge writer loads with (issue 13). [`Engine::from_parts_indexed`] takes parsed parts, and
//! a `WorkspacePart` of 100,000 assets (and the copy it makes of it) cost more memory than the
//! tables they fill; here no part exists but as its bytes. [`IndexedLoader::resume`] adds parts
//! to an engine it built, keeping those it holds.

use super::{OrgPart, PartsLoader};
use crate::engine::{Engine, SnapshotError};
use crate::index::{OrgIndex, Outside};
use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::string::String;

/// Builds a writable engine over the org part, the org index and workspace parts given one at
/// a time as bytes (the binary encoding or JSON text).
///
/// ```
/// # use orgspace_core::snapshot::IndexedLoader;
/// # fn demo(org: &orgspace_core::snapshot::OrgPart, index: &orgspace_core::OrgIndex,
/// #         sales: &[u8]) -> Result<(), orgspace_core::SnapshotError> {
/// let mut loader = IndexedLoader::new(org, index)?;
/// loader.add_bytes(sales)?;
/// let engine = loader.finish()?; // as Engine::from_parts_indexed(org, index, &[sales])
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct IndexedLoader {
    p: PartsLoader,
    outside: Outside,
}

impl IndexedLoader {
    /// Starts from the org part and the org index, which must have one entry per workspace of
    /// the org part.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for an index of other workspaces; as [`PartsLoader::new`].
    pub fn new(org: &OrgPart, index: &OrgIndex) -> Result<IndexedLoader, SnapshotError> {
        crate::parts::check_index(org, index)?;
        Ok(IndexedLoader {
            p: PartsLoader::new(org)?,
            outside: Outside {
                index: index.clone(),
                loaded: BTreeSet::new(),
                round: false,
            },
        })
    }

    /// Goes on loading into a writable engine over parts (one this loader or
    /// [`Engine::from_parts_indexed`] built): the parts it holds stay, with every change made
    /// to them since. Gives back any other engine unchanged.
    ///
    /// # Errors
    ///
    /// The engine, when it is not a writable engine over parts.
    pub fn resume(engine: Engine) -> Result<IndexedLoader, Box<Engine>> {
        let (org, outside) = engine.into_writable_org()?;
        let (l, _) = super::load::Loader::resume(org);
        // What was loaded is what the engine says it holds, empty parts included.
        let loaded = outside
            .loaded
            .iter()
            .filter_map(|id| l.org.workspaces.find(id))
            .collect();
        Ok(IndexedLoader {
            p: PartsLoader {
                l,
                loaded,
                references: alloc::vec::Vec::new(),
            },
            outside,
        })
    }

    /// Reads one workspace part from its stored bytes ([`PartsLoader::add_bytes`]).
    ///
    /// # Errors
    ///
    /// As [`PartsLoader::add_bytes`]; after an error, drop the loader.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        self.p.add_bytes(bytes)
    }

    /// The writable engine, checked as [`Engine::from_parts_indexed`] checks its parts.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Problems`]: everything the parts break.
    pub fn finish(self) -> Result<Engine, SnapshotError> {
        let IndexedLoader {
            p:
                PartsLoader {
                    mut l,
                    loaded,
                    references,
                },
            mut outside,
        } = self;
        l.link(
            references
                .iter()
                .map(|(id, refs)| (id.as_str(), refs.as_slice())),
        );
        drop(references);
        outside.loaded = loaded
            .iter()
            .map(|w| String::from(l.org.workspaces.id(*w)))
            .collect();
        let mut org = l.finish(&loaded, true).map_err(SnapshotError::Problems)?;
        org.outside = Some(Box::new(outside));
        Ok(Engine::writable(org))
    }
}
