//! # orgspace-core
//!
//! The organization, workspace and role permission model of a BI platform (the model of Quick
//! BI and Quick Audience), as a `no_std` engine: organizations with org roles, group and
//! personal workspaces with preset and custom roles, assets in folders, ownership and grants,
//! collaboration and private modes. Every rule has an ID in `docs/rules.md`; every decision names
//! the rule that made it.
//!
//! The engine does no I/O and reads no clock: hosts pass ids and times in.
//!
//! ```
//! use orgspace_core::{Command, Engine, Kind, Mode, Operation};
//!
//! let mut engine = Engine::new();
//! let at = 1_700_000_000_000;
//! engine.execute("alice", &Command::CreateOrg {
//!     org: "acme".into(), name: "Acme".into(), default_workspace: "sales".into(),
//!     default_workspace_name: None, mode: Some(Mode::Private),
//! }, at)?;
//! engine.execute("alice", &Command::AddMember {
//!     user: "bob".into(), org_roles: vec![], workspace: Some("sales".into()),
//!     workspace_roles: vec!["analyst".into()], attributes: Default::default(),
//! }, at)?;
//! engine.execute("alice", &Command::CreateAsset {
//!     asset: "q3".into(), workspace: "sales".into(), kind: Kind::Dashboard,
//!     name: "Q3".into(), folder: None, references: vec![],
//! }, at)?;
//!
//! // Private mode: bob does not see alice's new dashboard until it is shared (W8).
//! let d = engine.check("bob", Operation::View, "q3", at)?;
//! assert!(!d.allowed);
//! assert_eq!(d.rule.as_str(), "W7");
//! assert!(engine.visible_assets("bob", "sales", at)?.is_empty());
//! # Ok::<(), orgspace_core::Refusal>(())
//! ```
#![no_std]

extern crate alloc;

mod access;
mod apply;
mod asset_index;
mod audit;
mod authz;
mod batch;
mod command;
mod command_check;
pub mod data;
mod data_access;
mod decision;
mod engine;
mod error;
mod event;
mod explain;
#[cfg(feature = "parts")]
mod index;
mod invariants;
pub mod json;
pub mod membership;
mod model;
#[cfg(feature = "parts")]
mod needs;
mod outside;
#[cfg(feature = "parts")]
mod parts;
mod queries;
mod roles;
mod rule;
pub mod snapshot;
mod sort;
#[cfg(feature = "parts")]
mod span;
pub mod sql;
mod table;
mod tagged;
mod upgrade;
mod visibility;
mod vocab;

pub use access::{
    Access, AccessDiff, AccessPage, AccessTriple, Basis, DEFAULT_PAGE, ListChange, MAX_PAGE,
    ViewAs, ViewedAsset,
};
pub use apply::{MAX_ID_LEN, MAX_NAME_LEN};
pub use audit::AuditEntry;
pub use command::{Command, LegacyOrg, LegacyUser, Target};
pub use decision::{Decision, Reason, RoleRef};
pub use engine::{Answer, Applied, DryRun, Engine, SightChange, SnapshotError};
pub use error::Refusal;
pub use event::Event;
#[cfg(feature = "parts")]
pub use index::{OrgIndex, WorkspaceRefs};
pub use model::{MAX_GROUP_DEPTH, PERSONAL_PREFIX};
#[cfg(feature = "parts")]
pub use needs::Needs;
#[cfg(feature = "parts")]
pub use parts::{Changed, Executed};
pub use queries::{AssetInfo, CheckRequest, OrgSummary, Standing};
pub use roles::{Point, PointTable, PresetRole, Scope};
pub use rule::Rule;
pub use snapshot::{PartsLoader, Problem, Snapshot};
#[cfg(feature = "parts")]
pub use span::{Span, SpanDone, SpanRun};
pub use table::{AssetIx, FolderIx, GroupIx, OrgRoleIx, RoleIx, UserIx, WorkspaceIx};
pub use vocab::{Kind, Level, Mode, Operation, OrgPoint, WorkspaceKind};
