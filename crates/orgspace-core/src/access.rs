//! The three access questions of issue 15, answered from the decision procedure (`authz`):
//! who has access to an asset or sees a folder, and why (`who.rs`); what a command would change
//! before it runs (`diff.rs`); a workspace as one member sees it (`view_as.rs`). Nothing here
//! decides: every answer is a `Decision` of `authz` (or a list built from them), and who may
//! ask is decided in `authz/access.rs`.

#[cfg(feature = "parts")]
mod bounded;
mod diff;
mod redact;
mod view_as;

pub(crate) use view_as::record_view_as;
mod who;

pub use diff::{AccessDiff, AccessTriple, ListChange};
pub use view_as::{ViewAs, ViewedAsset};
pub use who::{Access, AccessPage, Basis, MAX_PAGE};

/// The page size when a caller names none.
pub const DEFAULT_PAGE: usize = 100;
