//! The one decision procedure. Every permission question the core answers, for a query or to
//! authorize a command, is decided here, in two stages:
//!
//! 1. **Standing** (`standing.rs`): what a member may do in one workspace with one operation,
//!    worked out once from their organization roles (org admin, central authorization, custom
//!    points) and their roles in the workspace (admin, the union of their role tables, W6),
//!    with the workspace's kind and mode. The result, a [`Reach`], depends on no asset.
//! 2. **Verdict** (`verdict.rs`): a reach applied to one asset: ownership (R6), grants and their
//!    expiry (A1), the public flag (A4) and the mode (W7).
//!
//! `check` runs both stages for one asset; `filter` and the asset lists (W7, W8) run stage one
//! per workspace and stage two per asset; the member's view (`snapshot/view.rs`) is built from
//! the lists and the standing. Commands authorize through the same functions, and through the
//! requirements in `commands.rs` for what is not about one asset (organization points, workspace
//! management, X3). Hosts never decide: they ask the engine (`Engine::decide`, `asset_info`,
//! `org_summary`, `may_import`, `audit_access`, the lists).

mod access;
mod commands;
mod gate;
mod reach;
mod standing;
mod verdict;

pub(crate) use commands::require_not_own_membership;
pub(crate) use reach::{RoleReach, changes_reach};
pub(crate) use standing::Reach;
pub(crate) use verdict::{GrantMatch, grant_for, verdict};
